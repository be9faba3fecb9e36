"""Note-reader readings of session 9: lab values given as bounds ("Testosterone < 50 ng/dL"),
bone-modifying agents, vertebral levels as bone metastases, and the pancreatic, HER2 GEJ and
AML letters (tests/data/letters/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles.text import extract_profile

LETTERS = Path(__file__).parents[1] / "data" / "letters"


def _letter(name: str) -> str:
    return (LETTERS / name).read_text()


def _labs(text: str) -> dict[str, tuple[float, str | None, str | None]]:
    labs = extract_profile(text).profile.labs or []  # current values first
    return {lab.name: (lab.value, lab.unit, lab.comparator) for lab in reversed(labs)}


def test_the_mcrpc_letter_s_testosterone_is_read_as_below_50():
    got = _labs(_letter("mcrpc_referral.txt"))
    assert got["testosterone"] == (50.0, "ng/dL", "<")
    assert got["psa"] == (48.0, "ng/mL", None)  # exact values keep no comparator


@pytest.mark.parametrize(
    ("note", "name", "expected"),
    [
        ("Testosterone <50 ng/dL on leuprolide.", "testosterone", (50.0, "ng/dL", "<")),
        ("serum testosterone below 1.7 nmol/L", "testosterone", (1.7, "nmol/L", "<")),
        ("Creatinine: 0.9 mg/dL with eGFR >60 mL/min", "egfr_renal", (60.0, "mL/min", ">")),
        ("creatinine less than 1.0 mg/dL", "creatinine", (1.0, "mg/dL", "<")),
        ("PSA ≤ 0.1 ng/mL after prostatectomy", "psa", (0.1, "ng/mL", "<=")),
    ],
)
def test_a_lab_value_given_as_a_bound_keeps_its_comparator(note, name, expected):
    assert _labs(note)[name] == expected


def test_a_range_is_still_no_value():
    assert "testosterone" not in _labs("Testosterone 20-50 ng/dL.")


def _sites(note: str) -> list[str] | None:
    dx = extract_profile("Metastatic prostate adenocarcinoma. " + note).profile.diagnoses
    return dx[0].metastatic_sites if dx else None


@pytest.mark.parametrize(
    "note",
    [
        "Metastases to bone (T8, right ilium).",
        "L2 vertebral metastasis on MRI.",
        "MRI spine: lesions at T11-L1.",
        "Metastasis to the T8 vertebra.",
        "metastatic lesion in L3",
        "spinal metastases, no cord compression",
    ],
)
def test_a_vertebral_level_or_bone_part_is_a_bone_metastasis(note):
    assert _sites(note) == ["bone"]


@pytest.mark.parametrize(
    "note",
    [
        "Compression fracture of T12 after a fall.",
        "No vertebral metastases.",
        "MRI: T2 lesions in the white matter.",
        "disc lesion at L4-L5",
        "T2 N1 M0 disease",
    ],
)
def test_a_vertebral_level_without_a_metastasis_is_no_site(note):
    assert _sites(note) is None


def _markers(text: str) -> dict[str, tuple[str, str | None]]:
    found = extract_profile(text).profile.biomarkers or []
    return {b.name: (b.result, b.detail) for b in found}


def test_the_aml_letter_s_flt3_itd_is_flt3_with_the_itd_variant():
    got = _markers(_letter("aml_flt3_referral.txt"))
    assert got["FLT3"] == ("positive", "ITD")
    assert got["NPM1"][0] == "positive"


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("AML with NPM1 mutation and FLT3-ITD (allelic ratio 0.6).", ("positive", "ITD")),
        # "FLT3-ITD positive" was FLT3-ITD with detail "positive", which met no ITD criterion
        ("FLT3-ITD positive AML.", ("positive", "ITD")),
        # "FLT3 ITD mutation" was a gene named "ITD"
        ("FLT3 ITD mutation detected.", ("positive", "ITD")),
        ("FLT3-TKD (D835Y) mutated AML.", ("positive", "TKD")),
    ],
)
def test_flt3_itd_and_tkd_are_variants_of_flt3(note, expected):
    got = _markers(note)
    assert got["FLT3"] == expected
    assert "ITD" not in got and "FLT3-ITD" not in got


def test_flt3_itd_not_detected_leaves_flt3_unknown():
    assert "FLT3" not in _markers("FLT3-ITD not detected; NPM1 mutated.")


def test_a_wish_after_e_g_is_still_a_wish_not_a_therapy():
    # the AML letter: "trials of FLT3 inhibitors (e.g. gilteritinib combinations)"
    therapies = extract_profile(_letter("aml_flt3_referral.txt")).profile.therapies or []
    assert "gilteritinib" not in {d for t in therapies for d in t.drugs}
    short = "He hopes to join trials of FLT3 inhibitors, i.e. gilteritinib. He had 7+3 in 2025."
    names = [t.name for t in extract_profile(short).profile.therapies or []]
    assert names == ["7+3"]


def test_the_gej_letter_s_claudin_18_2_with_its_share_of_cells():
    found = extract_profile(_letter("gej_her2_referral.txt")).profile.biomarkers or []
    [cldn] = [b for b in found if b.name == "CLDN18.2"]
    assert (cldn.result, cldn.value, cldn.scoring) == ("positive", 80.0, "percent")


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("claudin 18.2-positive gastric cancer", "positive"),
        ("CLDN18.2 status: negative", "negative"),
        ("She asked about CLDN18.2-directed trials.", None),
    ],
)
def test_claudin_18_2_results(note, expected):
    assert _markers(note).get("CLDN18.2", (None,))[0] == expected


def test_the_pancreatic_letter_s_negative_genes_and_ca_19_9():
    text = _letter("pancreatic_referral.txt")
    got = _markers(text)
    assert got["KRAS"] == ("positive", "G12D")
    for gene in ("BRCA1", "BRCA2", "PALB2", "HER2"):
        assert got[gene][0] == "negative", gene
    assert _labs(text)["ca 19-9"] == (2400.0, "U/mL", None)


@pytest.mark.parametrize(
    ("note", "negative"),
    [
        ("No BRCA1/2 or PALB2 alteration on NGS.", {"BRCA1", "BRCA2", "PALB2"}),
        ("ALK/ROS1 negative.", {"ALK", "ROS1"}),
        ("HER2 non-amplified by FISH.", {"HER2"}),
    ],
)
def test_genes_stated_negative(note, negative):
    got = _markers(note)
    assert {g for g, (r, _) in got.items() if r == "negative"} == negative


def _therapies(text: str) -> list[tuple[str, str | None, str | None]]:
    found = extract_profile(text).profile.therapies or []
    return [(t.name, t.start, t.end) for t in found]


def test_the_gej_letter_s_lines_carry_the_dates_heading_their_items():
    got = _therapies(_letter("gej_her2_referral.txt"))
    assert ("trastuzumab + capecitabine + oxaliplatin", "2024-10", None) in got
    # "Second line, 08/2026: trastuzumab deruxtecan 6.4 mg/kg, stopped ... in 10/2026"
    assert ("trastuzumab_deruxtecan", "2026-08", "2026-10") in got
    # "oxaliplatin stopped after six cycles" (after a ';') and "hypothyroidism after
    # pembrolizumab" are the first-line regimen again, not therapies of their own
    assert [n for n, _, _ in got].count("pembrolizumab") == 1
    assert "oxaliplatin" not in [n for n, _, _ in got]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "- Induction 06/2025: 7+3 with midostaurin.",
            [("7+3 + midostaurin", "2025-06")],
        ),
        ("First line, 10/2024: FOLFOX until progression.", [("FOLFOX", "2024-10")]),
        # a date after the mention still wins
        (
            "- 03/2023: carboplatin and pemetrexed; pembrolizumab from 05/2023.",
            [("carboplatin and pemetrexed", "2023-03"), ("pembrolizumab", "2023-05")],
        ),
    ],
)
def test_a_date_heading_an_item_starts_its_treatments(note, expected):
    got = [(n, s) for n, s, _ in _therapies(note)]
    for item in expected:
        assert item in got, got


def test_the_pancreatic_letter_reads_one_chemotherapy_regimen():
    got = _therapies(_letter("pancreatic_referral.txt"))
    chemo = [n for n, _, _ in got if n in ("mFOLFIRINOX", "irinotecan", "oxaliplatin")]
    # "irinotecan dose-reduced after cycle 4" (after a ';') and "neuropathy from oxaliplatin"
    assert chemo == ["mFOLFIRINOX"]


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("FOLFOX from 2024. Oxaliplatin-induced neuropathy persists.", ["FOLFOX"]),
        ("FOLFOX from 2024. Neuropathy from oxaliplatin.", ["FOLFOX"]),
        # a drug named after a regimen it is not part of is a treatment of its own
        ("FOLFOX from 2024. Rash after cetuximab.", ["FOLFOX", "cetuximab"]),
        # a new sentence naming a part of the regimen without a cause stays (a rechallenge?)
        ("FOLFOX from 2024. Oxaliplatin was restarted.", ["FOLFOX", "oxaliplatin"]),
    ],
)
def test_a_drug_named_as_the_cause_of_a_side_effect_is_its_regimen_again(note, kept):
    assert [n for n, _, _ in _therapies(note)] == kept


def test_a_decimal_point_ends_no_sentence():
    got = _therapies("T-DXd 5.4 mg/kg from 02/2025 to 09/2026.")
    assert got == [("trastuzumab_deruxtecan", "2025-02", "2026-09")]


def test_the_pancreatic_letter_s_regimen_ends_at_the_progression_of_its_item():
    # "mFOLFIRINOX from 12/2025, 10 cycles; ... Progression on CT in 08/2026 with new ..."
    got = _therapies(_letter("pancreatic_referral.txt"))
    assert ("mFOLFIRINOX", "2025-12", "2026-08") in got


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Gemcitabine from 03/2025. Disease progression in 09/2025.", ("2025-03", "2025-09")),
        # a progression in a later sentence that does not open with it dates nothing
        ("Gemcitabine from 03/2025. CT in 09/2025 showed progression.", ("2025-03", None)),
        # an end the item gives itself is kept
        ("FOLFOX from 01/2024 to 06/2024. Progression in 09/2025.", ("2024-01", "2024-06")),
    ],
)
def test_a_progression_opening_the_next_sentence_ends_the_treatment(note, expected):
    [(_, start, end)] = _therapies(note)
    assert (start, end) == expected


def test_the_gej_letter_s_measurable_nodule():
    assert extract_profile(_letter("gej_her2_referral.txt")).profile.measurable_disease is True
    assert extract_profile("A 2 cm nodule, not measurable.").profile.measurable_disease is None
