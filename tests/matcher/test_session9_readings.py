"""Matching the readings of session 9's audit (recurrent BRCA1 ovarian cancer and extensive-stage
small-cell lung cancer letters, tests/data/letters/): each test is a trial's own sentence (the
NCT id says whose) and a short variant, against the patient it ruled out wrongly."""

from __future__ import annotations

import pytest

from profiles.model import PatientProfile
from tests.matcher.readings import letter, status_of

OVARIAN = letter("ovarian_brca_referral")
SCLC = letter("sclc_referral")


def _with(profile: PatientProfile, **changes: object) -> PatientProfile:
    data = profile.model_dump()
    dx = data["diagnoses"][0]
    for key, value in changes.items():
        if key in dx:
            dx[key] = value
        else:
            data[key] = value
    return PatientProfile.model_validate(data)


# --- a recurrence with distant metastases is metastatic disease ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        # NCT05907980 (bundled)
        "Patients with histologic documentation of locally advanced, or metastatic solid tumor",
        # NCT01174121
        "Confirmation of diagnosis of metastatic cancer by the NCI Laboratory of Pathology.",
        "Advanced solid tumors only",  # NCT00421889
    ],
)
def test_a_recurrence_with_liver_metastases_is_metastatic(text):
    assert OVARIAN.diagnoses[0].extent == "recurrent"
    assert status_of(text, OVARIAN) == "met"


def test_a_recurrence_without_distant_sites_is_not_known_to_be_metastatic():
    nodal = _with(OVARIAN, metastatic_sites=["pelvic lymph nodes"])
    assert status_of("Metastatic solid tumor", nodal) == "unknown"
    assert status_of("Locally advanced disease", nodal) == "unknown"  # was not_met
    assert status_of("Locally advanced disease", OVARIAN) == "not_met"  # liver metastases


# --- a histology broader than the diagnosis adds no question of subtype -----------------


@pytest.mark.parametrize(
    "text",
    [
        "Cytologically or histologically documented NSCLC",  # NCT01852578 (bundled)
        "Non-small cell lung cancer",
    ],
)
def test_small_cell_lung_cancer_is_no_nsclc(text):
    # histology "small cell carcinoma" reads as any carcinoma: it made NSCLC a subtype question
    assert SCLC.diagnoses[0].histology == "small cell carcinoma"
    assert status_of(text, SCLC) == "not_met"


# --- genes named as the variants of a biomarker -----------------------------------------


def test_brca1_carrier_meets_brca1_or_brca2():
    # NCT00494442: ruled the BRCA1 carrier out (her detail names no gene)
    assert (
        status_of("Advanced ovarian cancer with positive BRCA1 or BRCA2 status", OVARIAN) == "met"
    )
    assert status_of("Deleterious BRCA1 or BRCA2 mutation", OVARIAN) == "met"


def test_brca1_carrier_does_not_meet_brca2_and_a_gene_free_record_is_unknown():
    assert status_of("Documented deleterious germline BRCA2 mutation", OVARIAN) == "not_met"
    assert status_of("Documented deleterious germline BRCA1 mutation", OVARIAN) == "met"
    generic = _with(OVARIAN, biomarkers=[{"name": "BRCA", "result": "positive"}])
    assert status_of("Documented deleterious germline BRCA2 mutation", generic) == "unknown"


# --- a CTCAE bound in words ---------------------------------------------------------------

NEUROPATHY = (
    "Peripheral Neuropathy of NCI-CTC (National Cancer Institute-Common Toxicity Criteria) "
    "grade greater than or equal to 2"
)  # NCT02195973


@pytest.mark.parametrize(
    ("text", "grade", "status"),
    [
        (NEUROPATHY, 1, "met"),
        (NEUROPATHY, 2, "not_met"),
        ("Peripheral neuropathy grade greater than 1", 1, "met"),
        ("Peripheral neuropathy grade greater than 1", 2, "not_met"),
    ],
)
def test_a_grade_bound_written_in_words(text, grade, status):
    p = _with(OVARIAN, conditions=["hypertension", f"grade {grade} peripheral neuropathy"])
    assert status_of(text, p, polarity="exclusion") == status


# --- words that ask no prior therapy --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Patients who have platinum resistant or refractory disease",  # NCT02282020
        "Patients with platinum resistant cancer",  # NCT01905592
        "Participants with primary platinum-refractory disease",  # NCT02631876
        "Patients determined to have platinum resistant ovarian or primary peritoneal cancer",
        "Patients that have been treated with previous intraperitoneal chemotherapy",  # NCT00942838
        "Known history of sensitivity to taxanes or drugs containing Cremophor",  # NCT02244502
        "The subject has a history of a severe infusion-related reaction following treatment with "
        "pegylated liposomal doxorubicin as described in the protocol;",  # NCT00659178
    ],
)
def test_exclusions_that_are_not_about_having_had_the_therapy(text):
    # each excluded the ovarian patient for her carboplatin, paclitaxel or PLD
    assert status_of(text, OVARIAN, polarity="exclusion") != "not_met"


@pytest.mark.parametrize(
    "text",
    [
        "There is no limit on prior courses of chemotherapy.",  # NCT00637390
        "Patients may have received bevacizumab though no other prior use of anti-angiogenic "
        "therapy",  # NCT02354131
        "Patients may have a history of brain metastasis provided certain protocol criteria are "
        "met",  # NCT02915523
        "No prior unmanageable reaction to paclitaxel",  # NCT00005046
        "At least 3 years since prior chemotherapy for other disease",  # NCT00004081
    ],
)
def test_inclusions_that_allow_rather_than_require(text):
    assert status_of(text, OVARIAN) != "not_met"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("In the previous treatment, there was no antivascular targeted therapy;", "met"),
        ("No prior paclitaxel albumin-stabilized nanoparticle formulation (Abraxane®)", "met"),
        ("No prior anti-angiogenic therapy", "met"),
        ("No prior paclitaxel", "not_met"),
    ],
)
def test_named_classes_olaparib_and_paclitaxel_are_not(text, status):
    # NCT04348032, NCT00499252: olaparib is no antivascular therapy, paclitaxel no Abraxane
    assert status_of(text, OVARIAN) == status


def test_folate_receptor_targeted_therapy_is_not_any_targeted_therapy():
    text = "Prior exposure to FR-targeted therapy (EC145, EC0225, farletuzumab, etc)"  # NCT00722592
    assert status_of(text, OVARIAN, polarity="exclusion") == "met"
    assert status_of("Prior targeted therapy", OVARIAN, polarity="exclusion") == "not_met"


# --- topoisomerase I is not topoisomerase II ----------------------------------------------

TOPO1 = (
    "Previous receipt of any drug containing a topoisomerase I inhibitor drug, including "
    "antibody-drug conjugates;"
)  # NCT06480136 (bundled)


def test_etoposide_is_no_topoisomerase_i_inhibitor():
    assert status_of(TOPO1, SCLC, polarity="exclusion") == "met"
    assert status_of("Prior topoisomerase II inhibitor", SCLC, polarity="exclusion") == "not_met"
    assert status_of("Prior topoisomerase inhibitors", SCLC, polarity="exclusion") == "not_met"


def test_irinotecan_is_a_topoisomerase_i_inhibitor():
    p = _with(SCLC, therapies=[{"name": "irinotecan", "drugs": ["irinotecan"], "start": "2026-06"}])
    assert status_of(TOPO1, p, polarity="exclusion") == "not_met"
    assert status_of("Prior topoisomerase II inhibitor", p, polarity="exclusion") == "met"


# --- recurrent brain metastases are active ones ------------------------------------------

RECURRENT_CNS = (
    "Patients with recurrent brain metastases have previously received brain radiation therapy"
)


def test_recurrent_brain_metastases_are_not_treated_stable_ones():
    # NCT03801200 (bundled), a trial for brain metastases: it excluded every one of them
    assert status_of(RECURRENT_CNS, SCLC, polarity="exclusion") == "met"
    growing = _with(SCLC, metastatic_sites=["brain (recurrent after radiotherapy)", "liver"])
    assert status_of(RECURRENT_CNS, growing, polarity="exclusion") == "not_met"
    assert status_of("Recurrent CNS metastases", growing, polarity="exclusion") == "not_met"


# --- ES-SCLC over the 18,122 trials ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Have presented at initial diagnosis with extensive-stage disease",  # NCT03043599
        "Histologically or cytologically confirmed small cell lung cancer (SCLC) (limited or "
        "extensive stage disease)",  # NCT00470054
    ],
)
def test_extensive_stage_is_the_sclc_patients_stage(text):
    assert status_of(text, SCLC) == "met"
    assert status_of("Limited-stage small cell lung cancer", SCLC) == "not_met"


@pytest.mark.parametrize(
    "text",
    [
        # NCT03043599: the chest, and the protocol's own radiotherapy, are no whole-brain one
        "Participants who have received prior chest radiation which at the discretion of the "
        "treating radiation oncologist precludes delivery of protocol radiation therapy",
        "No prior hemithorax radiotherapy",  # NCT00006012
        # NCT03116971: a share of the bone marrow, for a clinician
        "Extensive prior radiotherapy (RT) on more than 30% of bone marrow reserves (by "
        "Investigator judgment)",
        "Prior chemotherapy regimen containing irinotecan.",  # NCT00397293
        "Progression while on previous chemotherapy",  # NCT01222936: he progressed after it
        # NCT00969306: a relative's age
        "Unexplained sudden death of first degree relative under 40 years of age",
        # NCT00316186: CNS lesions a radiation is for
        "Concurrent or planned chemotherapy, immunotherapy, radiotherapy, or investigational "
        "therapy for the treatment of SCLC. (Concurrent radiation for palliation of bone "
        "metastases and CNS lesions must be discussed with and approved by the Medical Monitor)",
        # NCT03391362, a trial for 1-10 brain metastases
        "Participants with > 10 definitive lesions consistent with brain metastases",
    ],
)
def test_sclc_exclusions_that_do_not_rule_him_out(text):
    polarity = "inclusion" if text.startswith("No prior") else "exclusion"
    assert status_of(text, SCLC, polarity=polarity) != "not_met"


def test_the_same_words_still_rule_out_what_they_name():
    chest = _with(
        SCLC,
        therapies=[{"name": "thoracic radiotherapy", "kind": "radiotherapy", "start": "2026-03"}],
    )
    assert status_of("No prior hemithorax radiotherapy", chest) == "not_met"
    iri = _with(SCLC, therapies=[{"name": "FOLFIRI", "drugs": ["irinotecan"], "start": "2025-01"}])
    assert status_of(
        "Prior chemotherapy regimen containing irinotecan.", iri, polarity="exclusion"
    ) == ("not_met")
    # atezolizumab maintenance stopped for progression: progression during it is on record
    assert (
        status_of(
            "Disease progression while receiving anti-PD-L1 therapy", SCLC, polarity="exclusion"
        )
        == "not_met"
    )
    assert status_of("Brain metastases", SCLC, polarity="exclusion") == "not_met"


@pytest.mark.parametrize(
    "text",
    [
        # NCT00009971 (SCLC): what may count as the disease's only evidence, not brain metastases
        "No pleural effusions, bone metastases, brain metastases, or abnormal radionucleotide "
        "scans as sole evidence of disease",
        # NCT00445198: one phase's rule, glued to another's
        "Extensive-stage SCLC & is chemotherapy naïve(US only) has experienced progressive "
        "disease following at least one chemotherapy regimen or their disease is refractory."
        "(Phase 2a)",
    ],
)
def test_sclc_inclusions_in_doubt(text):
    assert status_of(text, SCLC) != "not_met"


def test_a_psa_as_only_evidence_of_disease_is_no_psa_limit():
    # the known leftover: "No PSA >= 5 ng/mL as only evidence of disease" read as a PSA limit
    p = PatientProfile(
        sex="male",
        diagnoses=[{"condition": "prostate cancer", "metastatic_sites": ["bone"]}],
        labs=[{"name": "PSA", "value": 48, "unit": "ng/mL"}],
    )
    assert status_of("No PSA >= 5 ng/mL as only evidence of disease", p) != "not_met"


BOTH = "Prior treatment with PM01183, trabectedin, or with both PLD and topotecan."  # NCT02421588


def test_drugs_named_both_count_only_together():
    # she had PLD, not topotecan: "both PLD and topotecan" had ruled her out for PLD alone
    assert status_of(BOTH, OVARIAN, polarity="exclusion") == "met"
    both = _with(
        OVARIAN,
        therapies=[
            *OVARIAN.model_dump()["therapies"],
            {"name": "topotecan", "drugs": ["topotecan"], "start": "2026-01"},
        ],
    )
    assert status_of(BOTH, both, polarity="exclusion") == "not_met"
    trabectedin = _with(OVARIAN, therapies=[{"name": "trabectedin", "drugs": ["trabectedin"]}])
    assert status_of(BOTH, trabectedin, polarity="exclusion") == "not_met"


# --- readings the metastatic recurrence uncovered (ovarian letter, 18k, after the first fixes)


@pytest.mark.parametrize(
    "text",
    [
        # NCT01673217: CNS metastases, not any metastatic disease
        "Metastatic disease to the central nervous system for which other therapeutic options, "
        "including radiotherapy, may be available",
        # NCT01174121: a complication of the primary tumour
        "Advanced primary with impeding occlusion, perforation or bleeding, dependent on "
        "transfusion.",
    ],
)
def test_exclusions_that_are_not_her_metastatic_disease(text):
    assert status_of(text, OVARIAN, polarity="exclusion") != "not_met"


def test_cns_metastases_named_after_metastatic_still_exclude_them():
    text = "Metastatic disease to the central nervous system"
    assert status_of(text, SCLC, polarity="exclusion") == "not_met"


def test_no_limitation_on_metastatic_disease_requires_none():
    # NCT00003308: "No limitation on the extent of extracranial metastatic disease"
    text = "No limitation on the extent of extracranial metastatic disease"
    assert status_of(text, OVARIAN) != "not_met"


def test_ovarian_carcinoma_named_in_a_list():
    # NCT02661815: "epithelial ovarian, fallopian tube or primary peritoneal carcinoma"
    text = (
        "Participants must have recurrent or persistent epithelial ovarian, fallopian tube or "
        "primary peritoneal carcinoma, recurrent endometrial cancer, or recurrent cervical cancer."
    )
    assert status_of(text, OVARIAN) == "met"


@pytest.mark.parametrize(
    "text",
    [
        "More than 3 prior cytotoxic regimens in the metastatic setting",  # NCT00632424
        "Patient has received greater than 3 prior cytotoxic regimens for metastatic disease.",
        "More than 2 chemotherapy agents in the advanced disease setting",  # NCT00435409
        "Symptomatic primary or metastatic CNS malignancy.",  # NCT02517021
        "Known intraluminal metastatic lesion/s with risk of bleeding",  # NCT02138526
        "New York Heart Association (NYHA) functional class III-IV (heart failure symptoms at "
        "less than 2 blocks to advanced symptoms at rest)",  # NCT02993198
    ],
)
def test_words_of_a_setting_or_complication_are_no_metastatic_exclusion(text):
    # each ruled the ovarian patient out once her liver metastases made her metastatic
    assert status_of(text, OVARIAN, polarity="exclusion") != "not_met"
    assert status_of("Patients with any metastatic disease.", OVARIAN, polarity="exclusion") == (
        "not_met"
    )


def test_therapy_for_advanced_disease_is_no_extent():
    # NCT00005644: "No prior systemic biologic response modifier therapy for advanced disease"
    text = "No prior systemic biologic response modifier therapy for advanced disease"
    assert status_of(text, OVARIAN) != "not_met"


def test_a_doubt_about_the_stage_leaves_the_diagnosis_deciding():
    # NCT06094296: an NSCLC trial's "Stage IV or recurrent disease following multimodal therapy
    # for locally advanced disease" still rules the small-cell patient out on the diagnosis
    text = (
        "Participants must have NSCLC with Stage IV or recurrent disease following multimodal "
        "therapy for locally advanced disease."
    )
    assert status_of(text, SCLC) == "not_met"


def test_a_record_silent_on_the_origin_leaves_germline_open():
    # the note reader wrote her BRCA1 as detail "mutation": "germline BRCA1" is then unknown,
    # not failed; a record that says germline meets it, one that says somatic fails it
    text = "Documented deleterious germline BRCA1 mutation"
    for detail, status in (("mutation", "unknown"), ("germline", "met"), ("somatic", "not_met")):
        p = _with(OVARIAN, biomarkers=[{"name": "BRCA1", "result": "positive", "detail": detail}])
        assert status_of(text, p) == status
