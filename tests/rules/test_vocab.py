"""Every vocabulary entry's examples, one test per entry (the entry id is the test id)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from rules import vocab
from rules.vocab import load_data

FINDERS = {
    "cancers": ("entries", vocab.find_cancers),
    "biomarkers": ("entries", vocab.find_biomarkers),
    "comorbidities": ("entries", vocab.find_comorbidities),
    "labs": ("entries", vocab.find_labs),
    "drugs": ("drugs", vocab.find_drugs),
    "drug-classes": ("classes", vocab.find_drugs),
    "regimens": ("regimens", vocab.find_drugs),
}


def _cases():
    for label, (section, finder) in FINDERS.items():
        name = "drugs" if label in ("drug-classes", "regimens") else label
        for entry in load_data(f"vocab/{name}.json")[section]:
            yield pytest.param(entry, finder, id=f"{label}:{entry['id']}")


@pytest.mark.parametrize(("entry", "finder"), list(_cases()))
def test_vocab_entry_examples(entry, finder):
    examples = entry.get("examples", {})
    if entry.get("lookup_only"):  # never found in running text: examples are lookups
        assert examples.get("lookup"), f"{entry['id']} has no lookup example"
        return
    assert examples.get("match"), f"{entry['id']} has no match example"
    for text in examples["match"]:
        ids = [m.id for m in finder(text)]
        assert entry["id"] in ids, f"{text!r} should mention {entry['id']}, found {ids}"
    for text in examples.get("no_match", []):
        ids = [m.id for m in finder(text)]
        assert entry["id"] not in ids, f"{text!r} should not mention {entry['id']}"


@pytest.mark.parametrize("name", ["cancers", "biomarkers", "comorbidities", "labs"])
def test_ids_unique_and_parents_exist(name):
    entries = load_data(f"vocab/{name}.json")["entries"]
    counts = Counter(e["id"] for e in entries)
    assert [i for i, n in counts.items() if n > 1] == []
    ids = set(counts)
    missing = [(e["id"], p) for e in entries for p in e.get("parents", []) if p not in ids]
    assert missing == []


def test_drug_references_resolve():
    data = load_data("vocab/drugs.json")
    classes = {c["id"] for c in data["classes"]}
    drugs = {d["id"] for d in data["drugs"]}
    assert [(d["id"], c) for d in data["drugs"] for c in d["classes"] if c not in classes] == []
    assert [(c["id"], p) for c in data["classes"] for p in c["parents"] if p not in classes] == []
    assert [(r["id"], d) for r in data["regimens"] for d in r["drugs"] if d not in drugs] == []


def test_every_cancer_has_a_category():
    for e in load_data("vocab/cancers.json")["entries"]:
        if e.get("covers_all"):  # the generic root "cancer" is neither
            assert vocab.cancer_category(e["id"]) is None
            continue
        assert vocab.cancer_category(e["id"]) in ("solid", "haematological"), e["id"]


def _lookup_cases():
    for e in load_data("vocab/cancers.json")["entries"]:
        ex = e.get("examples", {})
        for name, ids in ex.get("lookup", {}).items():
            yield pytest.param(name, ids, id=f"{e['id']}:{name}")
        for name in ex.get("no_lookup", []):
            yield pytest.param(name, [], id=f"{e['id']}:not:{name}")


@pytest.mark.parametrize(("name", "ids"), list(_lookup_cases()))
def test_cancer_lookup_examples(name, ids):
    assert vocab.cancer_ids(name) == ids


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        # histology words named no site: they gave lung/pancreas ids (matcher request, issue 4)
        ("adenocarcinoma", ["adenocarcinoma"]),
        ("squamous cell carcinoma", ["squamous_cell_carcinoma"]),
        ("carcinoma", ["carcinoma"]),
        ("ductal carcinoma", ["carcinoma"]),
        ("Cancer", ["cancer"]),
        ("Neoplasms", ["cancer"]),
        ("Prolymphocytic Leukemia", ["prolymphocytic_leukemia"]),
        ("T-cell Leukemia", ["t_cell_leukemia"]),
        ("Leukemia, Myeloid, Acute", ["aml"]),
        ("Carcinoma, Non-Small-Cell Lung", ["nsclc"]),
        ("Lymphoma, Large B-Cell, Diffuse", ["dlbcl"]),
        ("pancreatic ductal adenocarcinom", ["pdac"]),  # a typo still found
        # second pass: coarse leukaemia names, the "X or Y Cancer" form
        ("Acute Leukemia", ["acute_leukemia"]),
        ("Leukemia, Acute", ["acute_leukemia"]),
        ("Myeloid Leukemia", ["myeloid_leukemia"]),
        ("Lymphoblastic Leukemia", ["all"]),
        ("Gastric or Gastroesophageal Cancer", ["gastric_cancer", "gej_cancer"]),
        ("Colon and Rectal Cancer", ["colon_cancer", "rectal_cancer"]),
        ("Head and Neck Cancer", ["head_neck_cancer"]),
    ],
)
def test_cancer_ids_regressions_from_matcher(name, ids):
    assert vocab.cancer_ids(name) == ids


def test_generic_cancer_contains_every_cancer_and_histology_its_members():
    ids = [e["id"] for e in load_data("vocab/cancers.json")["entries"]]
    assert all(vocab.cancer_is_a(i, "cancer") for i in ids)
    assert not vocab.cancer_is_a("cancer", "solid_tumor")
    assert vocab.cancer_is_a("pdac", "adenocarcinoma")
    assert vocab.cancer_is_a("squamous_nsclc", "squamous_cell_carcinoma")
    assert vocab.cancer_is_a("lung_adenocarcinoma", "carcinoma")
    assert not vocab.cancer_is_a("aml", "carcinoma")
    assert "adenocarcinoma" not in vocab.cancer_ancestors("pdac")  # retrieval unchanged


@pytest.mark.parametrize(
    ("child", "ancestor", "expected"),
    [
        ("nsclc", "lung_cancer", True),
        ("squamous_nsclc", "nsclc", True),
        ("nonsquamous_nsclc", "nsclc", True),
        ("squamous_nsclc", "nonsquamous_nsclc", False),
        ("sclc", "lung_cancer", True),
        ("sclc", "nsclc", False),
        ("pdac", "pancreatic_cancer", True),
        ("colon_cancer", "colorectal_cancer", True),
        ("rectal_cancer", "colorectal_cancer", True),
        ("apl", "aml", True),
        ("aml", "apl", False),
        ("aml", "hematologic_malignancy", True),
        ("dlbcl", "lymphoma", True),
        ("hodgkin_lymphoma", "nhl", False),
        ("tnbc", "breast_cancer", True),
        ("glioblastoma", "glioma", True),
        ("hcc", "solid_tumor", True),
        ("aml", "advanced_solid_tumor", False),
        ("melanoma", "advanced_solid_tumor", True),
    ],
)
def test_cancer_hierarchy(child, ancestor, expected):
    assert vocab.cancer_is_a(child, ancestor) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pancreatic ductal adenocarcinoma", ["pdac"]),
        ("NSCLC", ["nsclc"]),
        ("Acute Myeloid Leukaemia", ["aml"]),
        ("adenocarcinoma of the pancreas", ["pdac"]),
        ("non small cell lung carcinom", ["nsclc"]),
        ("broken leg", []),
    ],
)
def test_cancer_ids(text, expected):
    assert vocab.cancer_ids(text) == expected


def test_word_boundaries_and_case():
    assert vocab.find_cancers("All patients must sign; ALL in remission") == [
        vocab.Mention("all", 24, 27, "ALL", "cancer")
    ]
    assert [m.id for m in vocab.find_biomarkers("met the criteria; ret; MET; RET")] == [
        "MET",
        "RET",
    ]
    assert vocab.find_cancers("xTNBC, mTNBCx") == []
    assert [m.text for m in vocab.find_cancers("TNBCs")] == ["TNBCs"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Keytruda", "pembrolizumab"),
        ("MK-3475", "pembrolizumab"),
        ("mk3475", "pembrolizumab"),
        ("OPDIVO", "nivolumab"),
        ("AK104", "cadonilimab"),
        ("Abraxane", "nab_paclitaxel"),
        ("5-FU", "fluorouracil"),
        ("S-1", "s1"),
        ("T-DM1", "trastuzumab_emtansine"),
        ("anti-PD-1", None),
        ("coffee", None),
    ],
)
def test_canonical_drug(name, expected):
    assert vocab.canonical_drug(name) == expected


def test_drug_classes_and_regimens():
    assert "anti_pd1" in vocab.drug_classes("cadonilimab")
    assert "anti_ctla4" in vocab.drug_classes("cadonilimab")
    assert "anti_pd1" not in vocab.drug_classes("atezolizumab")
    assert "anti_pd1_pdl1" in vocab.drug_classes("atezolizumab")
    assert "chemotherapy" in vocab.drug_classes("carboplatin")
    assert "anticancer_therapy" in vocab.drug_classes("osimertinib")
    assert vocab.drug_classes("leucovorin") == set()
    assert vocab.class_is_a("anti_pd_l1", "immune_checkpoint_inhibitor")
    assert vocab.regimen_drugs("FOLFIRINOX") == [
        "fluorouracil",
        "leucovorin",
        "irinotecan",
        "oxaliplatin",
    ]
    assert vocab.regimen_drugs("R-CHOP")[0] == "rituximab"
    assert vocab.regimen_drugs("7+3") == ["cytarabine", "daunorubicin"]


def test_every_drug_alias_is_owned_once():
    """An alias naming two different drugs would make canonical_drug ambiguous."""
    owners: dict[str, set[str]] = {}
    for d in load_data("vocab/drugs.json")["drugs"]:
        for alias in [d["id"], *d["aliases"]]:
            owners.setdefault(vocab.norm_key(alias), set()).add(d["id"])
    assert {a: o for a, o in owners.items() if len(o) > 1} == {}


def test_biomarker_equivalents_and_her2():
    assert vocab.biomarker_equivalents("MSI-H", "positive") == [("MMR", "deficient")]
    assert vocab.biomarker_equivalents("MMR", "dMMR") == [("MSI", "MSI-H")]
    assert vocab.biomarker_equivalents("EGFR", "positive") == []
    assert vocab.her2_status(ihc="2+", ish="positive") == "positive"
    assert vocab.her2_status(ihc="2+", ish="not amplified") == "low"
    assert vocab.her2_status(ihc="0") == "negative"
    assert vocab.pdl1_scoring("tumour proportion score") == "TPS"
    assert load_data("vocab/biomarkers.json")["pdl1_interchangeable"] is False


def test_variants():
    assert vocab.biomarker_variants("KRAS", "KRAS p.G12C") == ["G12C"]
    assert vocab.biomarker_variants("BRAF", "BRAF V600E") == ["V600E"]
    assert vocab.biomarker_variants("MET", "MET exon 14 skipping") == ["exon 14 skipping"]


def test_comorbidities_and_labs():
    assert vocab.canonical_comorbidity("Hashimoto's thyroiditis") == "autoimmune_thyroid_disease"
    assert "autoimmune_disease" in vocab.comorbidity_classes("type1_diabetes")
    assert "transplant" in vocab.comorbidity_classes("kidney_transplant")
    assert vocab.canonical_lab("SGOT") == "ast"
    assert vocab.canonical_lab("eGFR") == "egfr_renal"
    assert vocab.canonical_lab("Hgb") == "hemoglobin"
    assert [m.id for m in vocab.find_labs("EGFR mutation")] == []


def test_data_files_are_valid_json_utf8():
    from tests.conftest import REPO

    for path in (REPO / "rules" / "data" / "vocab").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_heart_disease_is_not_hypertension_and_pah_is_not_systemic_hypertension():
    # NCT02232152: "Symptomatic heart disease" ruled out patients whose only condition was
    # hypertension; "Pulmonary Arterial Hypertension" was read as systemic hypertension
    assert "heart_disease" not in vocab.comorbidity_classes("hypertension")
    assert "heart_disease" in vocab.comorbidity_classes("heart_failure")
    assert [m.id for m in vocab.find_comorbidities("Pulmonary Arterial Hypertension")] == [
        "pulmonary_hypertension"
    ]
    assert vocab.cancer_is_a("aml", "acute_leukemia") and not vocab.cancer_is_a(
        "cml", "acute_leukemia"
    )
