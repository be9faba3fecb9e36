"""Criteria-reading mistakes found by the session 9 audit (recurrent BRCA1 ovarian cancer after
platinum, PLD and olaparib; extensive-stage small-cell lung cancer after carboplatin, etoposide
and atezolizumab with treated brain metastases; ``tests/data/letters/``). Each test is a
trial's own sentence (bundled records where the NCT id is bundled) and a short variant.
"""

from __future__ import annotations

import pytest

from tests.rules.readings import criterion, one_item

# -- how the cancer answered platinum is no platinum therapy, and no refractory disease --------


@pytest.mark.parametrize(
    "text",
    [
        "Patients who have platinum resistant or refractory disease",  # NCT02282020
        "Participants with primary platinum-refractory disease",  # NCT02631876
        "Disease refractory to platinum",
    ],
)
def test_platinum_response_is_a_clinicians_reading(text):
    c = one_item(text)
    assert (c.kind, c.params.get("topic")) == ("other", "platinum_sensitivity")


def test_non_platinum_names_no_platinum():
    # NCT01968213: "no more than 1 non-platinum chemotherapy regimen" excluded platinum
    c = one_item(
        "Received no more than 1 non-platinum chemotherapy regimen.", "Inclusion Criteria:"
    )
    assert "platinum" not in c.params.get("classes", [])


def test_relapsed_disease_is_still_read_beside_a_platinum_word():
    c = one_item("Relapsed or refractory ovarian cancer", "Inclusion Criteria:")
    stage = next(p["params"] for p in c.params["all_of"] if p["kind"] == "stage")
    assert stage.get("relapsed_refractory") is True


# -- a reaction to a drug is not having had it as a history to count ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Known history of sensitivity to taxanes or drugs containing Cremophor",  # NCT02244502
        "No prior unmanageable reaction to paclitaxel",  # NCT00005046
        "Prior unanticipated severe reaction to bevacizumab.",  # NCT00426829
        "History of sensitivity to heparin",  # NCT02711462
    ],
)
def test_a_reaction_or_sensitivity_is_an_allergy(text):
    c = one_item(text)
    assert (c.kind, c.params.get("topic")) == ("other", "allergy")


# -- drug classes -----------------------------------------------------------------------------


def test_topoisomerase_i_is_its_own_class():
    c = criterion("NCT06480136", "Previous receipt of any drug containing a topoisomerase I")
    assert c.kind == "prior_therapy"
    assert "topoisomerase_i_inhibitor" in c.params["classes"]
    assert "topoisomerase_inhibitor" not in c.params["classes"]
    assert one_item("Prior topoisomerase II inhibitors").params["classes"] == [
        "topoisomerase_ii_inhibitor"
    ]


@pytest.mark.parametrize(
    ("text", "classes", "drugs"),
    [
        (
            "Prior exposure to FR-targeted therapy (EC145, EC0225, farletuzumab, etc)",
            ["folate_receptor_targeted"],
            [],
        ),  # NCT00722592: was any targeted therapy
        (
            "In the previous treatment, there was no antivascular targeted therapy;",
            ["anti_angiogenic"],
            [],
        ),  # NCT04348032: was any targeted therapy
        (
            "No prior paclitaxel albumin-stabilized nanoparticle formulation (Abraxane)",
            [],
            ["nab_paclitaxel"],
        ),  # NCT00499252: was paclitaxel too
    ],
)
def test_named_classes(text, classes, drugs):
    c = one_item(text, "Inclusion Criteria:")
    assert c.kind == "prior_therapy"
    assert (c.params["classes"], c.params["drugs"]) == (classes, drugs)


# -- recurrent brain metastases are active ones --------------------------------------------------


def test_recurrent_brain_metastases_are_active():
    c = criterion("NCT03801200", ". Patients with recurrent brain metastases")
    assert (c.kind, c.params["state"]) == ("cns_metastases", "active")
    assert one_item("Recurrent CNS metastases").params["state"] == "active"
    assert one_item("Brain metastases").params["state"] == "any"


# -- the ES-SCLC letter over the 18,122 trials -----------------------------------------------


def test_a_relatives_age_is_no_age():
    c = one_item(
        "Congenital long QT-syndrome or unexplained sudden death of first degree relative "
        "under 40 years of age",
        "Inclusion Criteria:",
    )
    assert c.kind != "age"
    assert one_item("Age under 40 years", "Inclusion Criteria:").kind == "age"


@pytest.mark.parametrize(
    ("text", "during"),
    [
        ("Progression while on previous chemotherapy", True),  # NCT01222936
        ("Disease progression has occurred while receiving a taxane regimen.", True),
        (
            "Progressive disease during or after completion of at least one platinum based "
            "chemotherapy regimen",
            False,
        ),  # NCT00004008: during or after
        ("Progression after prior chemotherapy", False),
    ],
)
def test_progression_during_a_therapy(text, during):
    c = one_item(text)
    assert c.kind == "prior_therapy"
    assert bool(c.params.get("during")) is during


def test_radiotherapy_sites_and_shares():
    chest = one_item(
        "Participants who have received prior chest radiation which at the discretion "
        "of the treating radiation oncologist precludes delivery of protocol radiation "
        "therapy"
    )
    assert chest.params["sites"] == ["thoracic"]
    assert one_item("No prior hemithorax radiotherapy").params["sites"] == ["thoracic"]
    marrow = one_item("Extensive prior radiotherapy (RT) on more than 30% of bone marrow reserves")
    assert marrow.confidence < 0.8


def test_a_regimen_containing_a_drug_is_that_drug():
    c = one_item("Prior chemotherapy regimen containing irinotecan.")
    assert (c.params["drugs"], c.params["classes"]) == (["irinotecan"], [])
    assert "chemotherapy" in one_item("Prior chemotherapy, including irinotecan").params["classes"]


@pytest.mark.parametrize(
    "text",
    [
        "Participants who have received prophylactic cranial radiation for prevention of brain "
        "metastases",  # NCT03391362: the radiation, not metastases
        "Concurrent radiation for palliation of bone metastases and CNS lesions must be discussed",
    ],
)
def test_cns_lesions_a_radiation_is_for(text):
    assert one_item(text).kind != "cns_metastases"


def test_a_local_treatment_is_no_localized_disease():
    # NCT01416038 (ovarian letter over the 18k): read as "localized disease" required
    c = one_item(
        "At least 30 days since localized surgery, radiotherapy or chemotherapy",
        "Inclusion Criteria:",
    )
    assert c.kind != "stage"
    stage = one_item("Localized prostate cancer", "Inclusion Criteria:").params["all_of"][1]
    assert stage["params"]["extent"] == ["localized"]


def test_the_patients_a_limit_is_for_are_no_therapy_asked():
    # NCT02244502: required anticoagulants of every patient
    c = one_item(
        "Coagulation status: PT and PTT within normal limits or within therapeutic limits "
        "for patients receiving anticoagulation.",
        "Inclusion Criteria:",
    )
    assert c.kind != "prior_therapy"
    assert one_item("Currently receiving anticoagulation").params["current"] is True


def test_both_drugs_together():
    c = one_item("Prior treatment with PM01183, trabectedin, or with both PLD and topotecan.")
    assert c.params["together"] == [["liposomal_doxorubicin", "topotecan"]]
    assert "together" not in one_item("Prior treatment with PLD and topotecan").params


def test_not_received_more_than_is_at_most():
    # NCT03803761: read as more than 2 lines required
    c = one_item(
        "Subject has not received more than 2 prior lines of chemotherapy in the metastatic "
        "setting",
        "Inclusion Criteria:",
    )
    lines = next(p["params"] for p in c.params["all_of"] if p["kind"] == "lines_of_therapy")
    assert lines["lines"]["op"] == "<="


@pytest.mark.parametrize(
    "text",
    [
        "No history of excessive unexplained bleeding from previous surgery",  # NCT01050504
        "No significant peritoneal fibrosis either from disease or prior surgery",  # NCT00005025
    ],
)
def test_a_condition_an_operation_caused_is_no_operation_asked(text):
    assert one_item(text, "Inclusion Criteria:").kind != "prior_therapy"
