"""Note-reader readings of session 10: why a treatment ended (``stop_reason``), the ovarian
and small-cell letters' leftovers, lab values of the past, and the head-and-neck,
glioblastoma and CLL letters (tests/data/letters/). Each reading is tested on the letter's
own words and on a short variant."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from profiles.text import extract_profile

LETTERS = Path(__file__).parents[1] / "data" / "letters"
AS_OF = date(2026, 11, 20)


def _profile(text: str):
    return extract_profile(text, as_of=AS_OF).profile


def _letter(name: str):
    return _profile((LETTERS / name).read_text())


def _therapies(profile) -> dict[str, object]:
    return {t.name.lower(): t for t in profile.therapies or []}


# --- why a treatment ended -------------------------------------------------------------


def test_olaparib_stopped_at_the_ovarian_recurrence_the_month_after():
    got = _therapies(_letter("ovarian_brca_referral.txt"))
    assert got["olaparib"].end == "2025-05"
    assert got["olaparib"].stop_reason == "progression"
    # the first-line chemotherapy ended three years before it: no progression on it
    assert got["carboplatin/paclitaxel"].stop_reason is None


def test_atezolizumab_stopped_at_the_small_cell_progression():
    got = _therapies(_letter("sclc_referral.txt"))
    assert (got["atezolizumab"].start, got["atezolizumab"].end) == ("2026-06", "2026-10")
    assert got["atezolizumab"].stop_reason == "progression"
    assert got["carboplatin + etoposide + atezolizumab"].stop_reason is None


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        ("Sunitinib from 01/2025 to 08/2025. Progression on CT 09/2025.", "progression"),
        ("Nivolumab from 2024-02 to 2025-06; progressive disease 06/2025.", "progression"),
        ("Sunitinib from 01/2025 to 03/2025. Progression on CT 09/2025.", None),  # a pause
        ("Sunitinib from 01/2025 to 08/2025. No progression since 09/2025.", None),
        ("Capecitabine until progression in 08/2026.", "progression"),
        ("Pembrolizumab from 2024 to 05/2025, discontinued due to grade 3 colitis.",
         "toxicity (grade 3 colitis)"),
        ("Docetaxel x4, stopped for toxicity.", "toxicity"),
        ("Ibrutinib 2021 to 2024, stopped for atrial fibrillation (not for progression).",
         "toxicity (atrial fibrillation)"),
        ("Gemcitabine x2 cycles, discontinued due to patient preference.", "patient preference"),
        ("FOLFOX x6, stopped after six cycles.", None),
    ],
)  # fmt: skip
def test_a_stop_reason_is_read_from_the_words_or_a_progression_at_the_end(note, reason):
    therapy = _profile(note).therapies[0]
    assert therapy.stop_reason == reason


def test_the_cll_letter_s_ibrutinib_stopped_for_atrial_fibrillation_not_progression():
    got = _therapies(_letter("cll_referral.txt"))
    assert got["ibrutinib"].stop_reason == "toxicity (atrial fibrillation)"
    # fixed duration, ended 07/2025; the progression is 10/2026
    assert got["venetoclax + obinutuzumab"].stop_reason is None


def test_a_stop_reason_belongs_to_the_treatment_just_before_it():
    # the GBM letter: "(02/2026 to 03/2026), then adjuvant temozolomide x3 cycles
    # (05/2026 to 07/2026), stopped at cycle 3 for thrombocytopenia"
    got = _letter("gbm_referral.txt").therapies
    tmz = [t for t in got if t.name == "temozolomide"]
    assert [(t.end, t.stop_reason) for t in tmz] == [
        ("2026-03", None),
        ("2026-07", "toxicity (thrombocytopenia)"),
    ]
    rt = next(t for t in got if t.kind == "radiotherapy")
    assert rt.stop_reason is None


# --- the ovarian and small-cell letters' leftovers ---------------------------------------


def test_the_ovarian_debulking_surgery_and_its_histology_are_read():
    p = _letter("ovarian_brca_referral.txt")
    surgery = _therapies(p)["primary debulking surgery"]
    assert (surgery.kind, surgery.start) == ("surgery", "2022-03")
    assert p.primary.histology == "high-grade serous"


@pytest.mark.parametrize(
    ("note", "name", "start"),
    [
        ("Interval debulking surgery in 2024 after three cycles of carboplatin.",
         "Interval debulking surgery", "2024"),
        ("Glioblastoma: gross total resection 01/2026, then chemoradiotherapy.",
         "gross total resection", "2026-01"),
        ("transoral robotic surgery 05/2021 for a tonsil primary", "transoral robotic surgery",
         "2021-05"),
    ],
)  # fmt: skip
def test_an_operation_named_with_its_date_is_a_surgery(note, name, start):
    surgery = next(t for t in _profile(note).therapies if t.kind == "surgery")
    assert (surgery.name, surgery.start) == (name, start)


@pytest.mark.parametrize(
    "note",
    [
        "Not a candidate for salvage surgery or re-irradiation.",
        "Complete debulking surgery is planned for 01/2027.",
        "New lesion at the posterior resection margin 10/2026.",
    ],
)
def test_an_operation_not_had_or_without_a_date_is_not_read(note):
    assert not [t for t in _profile(note).therapies or [] if t.kind == "surgery"]


@pytest.mark.parametrize(
    ("note", "histology"),
    [
        ("Recurrent low-grade serous ovarian carcinoma, FIGO IIIC.", "low-grade serous"),
        ("A 1.8 cm infiltrating ductal breast carcinoma (TREC ct2021-25).", "ductal"),
        ("Stage IV ovarian carcinoma.", None),
    ],
)
def test_a_histology_said_before_the_cancer_s_name_is_kept(note, histology):
    assert _profile(note).primary.histology == histology


def test_the_small_cell_lesions_said_measurable_are_measurable_disease():
    # "progression on CT 10/2026 (growing hilar mass and new liver lesions, measurable)"
    assert _letter("sclc_referral.txt").measurable_disease is True


@pytest.mark.parametrize(
    ("note", "measurable"),
    [
        ("CT: new peritoneal deposits, measurable.", True),
        ("MRI: two new lesions, measurable (RANO).", True),
        ("CT 10/2026 of the chest, measurable.", None),  # no lesion named
        ("CT: new lesions, measurable ones only in the liver", None),
    ],
)
def test_measurable_said_after_the_lesions(note, measurable):
    assert _profile(note).measurable_disease is measurable


# --- lab values of the past ------------------------------------------------------------

TREC_29 = (
    "The patient states that at the time of his initial diagnosis with type 1 diabetes he was "
    "hospitalized with a glucose value >1000 mg/dL. At the time, he was experiencing "
    "polyuria. His lab studies showed:\nA1c: 11.3%\nCreatinine: 0.9 mg/dL"
)


def test_trec_29_s_glucose_at_diagnosis_is_not_today_s():
    x = extract_profile(TREC_29, as_of=AS_OF)
    assert [lab.name for lab in x.profile.labs] == ["a1c", "creatinine"]
    past = [f for f in x.facts if f.field == "labs.past"]
    assert [(f.value["name"], f.value["value"], f.text) for f in past] == [
        ("glucose", 1000.0, "glucose value >1000 mg/dL")
    ]


@pytest.mark.parametrize(
    ("note", "current", "past"),
    [
        # a dated past value keeps its date
        ("On admission in 2019 her sodium was 118 mmol/L. Sodium 139 mmol/L today.",
         [("sodium", 139.0)], [("sodium", "2019")]),
        ("At diagnosis (03/2022) LDH was 900 U/L. LDH 210 U/L.",
         [("ldh", 210.0)], [("ldh", "2022-03")]),
        # the mCRPC letter: "diagnosed 01/2022 with bone metastases at presentation (PSA 112)"
        ("Diagnosed 01/2022 with bone metastases at presentation (PSA 112 ng/mL). "
         "Current: PSA 48 ng/mL.", [("psa", 48.0)], [("psa", "2022-01")]),
        ("PSA 112 ng/mL at diagnosis, currently PSA 48 ng/mL.", [("psa", 48.0)], [("psa", None)]),
        # the present, or a recent presentation, stays current
        ("Labs (10/11/2026): creatinine 0.9 mg/dL.", [("creatinine", 0.9)], []),
        ("On admission, glucose 450 mg/dL.", [("glucose", 450.0)], []),
        ("Her BMI was 24, but she has gained 5 kg in the past few weeks.", [("bmi", 24.0)], []),
        ("Nadir in 11/2026: PSA 0.2 ng/mL.", [("psa", 0.2)], []),  # a recent date
    ],
)  # fmt: skip
def test_a_value_tied_to_a_past_event_is_not_the_current_value(note, current, past):
    x = extract_profile(note, as_of=AS_OF)
    assert [(lab.name, lab.value) for lab in x.profile.labs or []] == current
    got = [(f.value["name"], f.value.get("date")) for f in x.facts if f.field == "labs.past"]
    assert got == past


# --- the head-and-neck, glioblastoma and CLL letters -----------------------------------


def test_the_hnscc_letter_s_oropharyngeal_cancer_is_a_head_and_neck_scc():
    from rules import vocab

    p = _letter("hnscc_referral.txt")
    dx = p.primary
    assert dx.condition == "squamous cell carcinoma of the oropharynx"
    assert "hnscc" in vocab.cancer_ids(dx.condition)
    assert (dx.extent, dx.metastatic_sites, p.measurable_disease) == ("recurrent", ["lung"], True)
    assert [(b.name, b.result, b.value) for b in p.biomarkers] == [
        ("HPV", "positive", None),
        ("PD-L1", "positive", 20.0),
    ]
    assert (p.ecog, [lab.value for lab in p.labs if lab.name == "creatinine"]) == (0, [1.1])


def test_the_gbm_letter_s_idh_wildtype_recurrence_and_steroid():
    p = _letter("gbm_referral.txt")
    assert [(b.name, b.result) for b in p.biomarkers] == [("IDH", "negative")]
    assert p.primary.status == "progressing"  # "first recurrence on MRI 10/2026"
    assert p.karnofsky == 80
    dex = _therapies(p)["dexamethasone"]
    assert (dex.start, dex.ongoing) == ("2026-10", True)  # "2 mg daily since 10/2026"
    assert "bevacizumab" not in {d for t in p.therapies for d in t.drugs}  # "No prior"


@pytest.mark.parametrize(
    ("note", "marker"),
    [
        ("Astrocytoma, IDH-wildtype.", ("IDH", "negative")),
        ("KRAS wildtype colorectal cancer.", ("KRAS", "negative")),
        ("IDH1 R132H mutant glioma.", ("IDH1", "positive")),
    ],
)
def test_a_gene_said_wildtype_in_one_word_is_negative(note, marker):
    assert [(b.name, b.result) for b in _profile(note).biomarkers] == [marker]


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("Current: progression on CT 10/2026 (new liver lesions).", "progressing"),
        ("Progressive disease 11/2026 with new bone lesions.", "progressing"),
        ("Progression on CT 03/2026, then docetaxel; responding.", None),  # 8 months ago
        ("No progression since 10/2026.", None),
    ],
)
def test_a_progression_dated_in_the_last_three_months_is_the_current_status(note, status):
    dx = _profile("Metastatic prostate cancer. " + note).primary
    assert dx.status == status


def test_the_small_cell_letter_is_progressing():
    assert _letter("sclc_referral.txt").primary.status == "progressing"


def test_the_cll_letter_s_apixaban_is_taken_now():
    p = _letter("cll_referral.txt")
    assert _therapies(p)["apixaban"].ongoing is True
    assert [(b.name, b.result) for b in p.biomarkers] == [
        ("del(17p)", "positive"),
        ("TP53", "positive"),
    ]
    assert (p.primary.status, p.ecog) == ("progressing", 1)
    assert [lab.value for lab in p.labs if lab.name == "platelets"] == [95.0]


@pytest.mark.parametrize(
    ("note", "ongoing"),
    [
        ("Hypothyroidism after radiotherapy, on apixaban 5 mg bd.", True),
        ("Dexamethasone 4 mg since 2026-09.", True),
        ("Dexamethasone 4 mg from 2026-09.", None),  # a start only
        ("Atrial fibrillation, on apixaban until 2025.", None),
        ("Progressed on apixaban.", None),
    ],
)
def test_a_drug_taken_now(note, ongoing):
    got = next(t for t in _profile(note).therapies or [] if t.drugs)
    assert got.ongoing is ongoing


@pytest.mark.parametrize(
    ("note", "extent"),
    [
        # the GBM letter's words: the recurrence is said with the disease's course
        ("Diagnosis: glioblastoma, IDH-wildtype.\n\nCurrent: first recurrence on MRI 10/2026, "
         "a new enhancing lesion, RANO progression.", "recurrent"),
        ("Glioblastoma, IDH-wildtype. Headaches recurrent since 2020.", None),
        ("Glioblastoma. First recurrence on MRI 01/2024, treated with lomustine.", None),
    ],
)  # fmt: skip
def test_an_extent_said_with_the_disease_s_course_is_the_cancer_s(note, extent):
    assert _profile(note).primary.extent == extent


def test_the_gbm_letter_s_glioblastoma_is_recurrent():
    assert _letter("gbm_referral.txt").primary.extent == "recurrent"


# --- a cancer confirmed by pathology ---------------------------------------------------


def test_the_hnscc_letter_s_biopsy_confirms_the_cancer():
    # "Biopsy 09/2026 confirmed recurrent squamous cell carcinoma, p16-positive."
    assert _letter("hnscc_referral.txt").primary.histologically_confirmed is True
    # the ovarian letter names its histology but no biopsy: not recorded
    assert _letter("ovarian_brca_referral.txt").primary.histologically_confirmed is None


@pytest.mark.parametrize(
    ("note", "confirmed"),
    [
        # TREC ct2021-25 and ct2021-15
        ("Core biopsy was done and revealed a 1.8 cm infiltrating ductal breast carcinoma.", True),
        ("The results of the biopsy were consistent with pancreatic adenocarcinoma.", True),
        ("A 45-year-old woman with cytologically confirmed breast cancer.", True),
        ("Histologically proven lung adenocarcinoma, stage IV.", True),
        ("Suspected pancreatic adenocarcinoma; biopsy pending.", None),
        ("Pancreatic mass; EUS biopsy was non-diagnostic. Presumed pancreatic cancer.", None),
        ("Lung adenocarcinoma, stage IV.", None),
    ],
)
def test_a_biopsy_or_histology_said_of_the_cancer_confirms_it(note, confirmed):
    assert _profile(note).primary.histologically_confirmed is confirmed


@pytest.mark.parametrize(
    ("note", "histology"),
    [
        ("Extensive-stage small-cell lung cancer (ES-SCLC).", "small cell"),  # the SCLC letter
        ("Large-cell lung carcinoma, stage IIIA.", "large cell"),
        ("Small cell lung cancer, limited stage.", "small cell"),
    ],
)
def test_a_hyphenated_cell_type_is_the_histology(note, histology):
    assert _profile(note).primary.histology == histology


@pytest.mark.parametrize(
    ("note", "when"),
    [
        ("Platinum-sensitive recurrence 06/2025 (peritoneal nodules, CA-125 rise), treated "
         "with carboplatin/pegylated liposomal doxorubicin x6 cycles, ended 12/2025.",
         ("2025-06", "2025-12")),
        ("Relapse 02/2024, treated with bendamustine, ended 08/2024.", ("2024-02", "2024-08")),
        ("Relapse 02/2024; she chose observation. Bendamustine ended 08/2024.", (None, "2024-08")),
    ],
)  # fmt: skip
def test_a_treatment_given_for_a_dated_event_starts_then(note, when):
    t = next(t for t in _profile(note).therapies if t.drugs)
    assert (t.start, t.end) == when


@pytest.mark.parametrize(
    ("note", "conditions"),
    [
        ("Glioblastoma. KPS 80.\n\nOther history: none.\n", []),  # the GBM letter's field
        ("Glioblastoma. Focal seizures.\nOther history: none.\n", ["seizures"]),
        ("Glioblastoma.\nPMH: nil\n", []),
        ("Glioblastoma.\nOther history: hypertension.\n", ["hypertension"]),
        ("Glioblastoma. KPS 80.", None),  # not asked: not recorded
    ],
)
def test_a_history_field_answered_none_is_no_other_condition(note, conditions):
    got = _profile(note).conditions
    assert (got if got is None else [c.lower() for c in got]) == conditions


@pytest.mark.parametrize(
    "note",
    [
        "Capecitabine from 2025-01, interrupted for 2 weeks in 03/2025.",
        "Docetaxel from 2025-01, stopped for cycle 3 review.",
    ],
)
def test_a_count_after_stopped_for_is_no_reason(note):
    assert _profile(note).therapies[0].stop_reason is None
