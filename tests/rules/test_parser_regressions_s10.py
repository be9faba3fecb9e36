"""Criteria-reading mistakes found by the session 10 audit (metastatic clear-cell renal cell
carcinoma after nivolumab + ipilimumab and cabozantinib; hepatocellular carcinoma on cured
hepatitis C after TACE and atezolizumab + bevacizumab; ``tests/data/letters/``). Each test is a
trial's own sentence (bundled records where the NCT id is bundled) and a short variant.
"""

from __future__ import annotations

import pytest

from rules.criteria import parse_criteria
from tests.rules.readings import criterion, one_item

# -- "systemic therapy" is a kind of therapy, not any anticancer treatment -------------------


@pytest.mark.parametrize(
    "text",
    [
        "Must not have received prior systemic therapy for HCC",  # NCT05883644 (bundled)
        "No prior systemic therapy",
        "Prior systemic anticancer treatment",
        "Any prior SACT",
    ],
)
def test_systemic_therapy_is_its_kind(text):
    c = one_item(text, "Inclusion Criteria:")
    assert c.kind == "prior_therapy"
    assert c.params.get("kind") == "systemic therapy"
    assert c.params.get("any_anticancer") is True


@pytest.mark.parametrize(
    "text", ["No prior anticancer therapy", "Prior anti-tumor treatment within 4 weeks"]
)
def test_anticancer_therapy_without_systemic_is_any(text):
    assert "kind" not in one_item(text, "Inclusion Criteria:").params


def test_the_bundled_sentence_reads_systemic():
    c = criterion("NCT05883644", "Must not have received prior systemic therapy")
    assert (c.params.get("kind"), c.params.get("negated")) == ("systemic therapy", True)


# -- hepatitis: a co-infection, the virus's RNA ------------------------------------------------


def test_a_co_infection_is_marked():
    c = criterion("NCT05883644", "Participants co-infected with HBV and HCV")
    assert c.params.get("coinfection") is True
    assert {"hepatitis_b", "hepatitis_c"} <= set(c.params["conditions"])
    assert one_item("HBV and HCV co-infection").params.get("coinfection") is True
    # one infection named: nothing to count together
    assert "coinfection" not in one_item("HIV co-infection").params


@pytest.mark.parametrize(
    "text",
    [
        "Presence of hepatitis C Ribonucleic acid (RNA)",  # NCT05879978 (bundled)
        "HCV RNA positive",
        "Positive hepatitis B virus DNA",
    ],
)
def test_the_virus_nucleic_acid_is_a_present_infection(text):
    c = one_item(text)
    assert c.kind == "comorbidity"
    assert c.params.get("present") is True


@pytest.mark.parametrize(
    "text",
    [
        "HBV DNA > 500 IU/mL",  # a threshold: the profile records no viral load
        "Detectable HCV RNA",
    ],
)
def test_a_viral_load_threshold_stays_qualified(text):
    c = one_item(text)
    assert c.params.get("qualified") is True
    assert "present" not in c.params


@pytest.mark.parametrize(
    "text",
    [
        # NCT05879978 (bundled)
        "Severe acute respiratory syndrome coronavirus 2 (SARS COV2) infection within 2 weeks",
        "SARS COV2 infection",
    ],
)
def test_sars_cov2_spelled_without_hyphens_is_covid(text):
    c = one_item(text)
    assert c.params["conditions"] == ["covid19"]
    assert "infection" not in c.params.get("classes", [])


@pytest.mark.parametrize(
    "text",
    [
        "Hepatitis C RNA negative",  # NCT00006390
        # NCT05798663
        "Negative HCV antibody test at screening, or positive HCV antibody test followed by a "
        "negative HCV RNA test at screening",
    ],
)
def test_a_negative_rna_is_no_present_virus(text):
    assert "present" not in one_item(text, "Inclusion Criteria:").params


# -- the RCC letter over the 18k records ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Inadequately controlled hypertension",
        "Serious or inadequately controlled cardiac arrhythmia",
    ],
)
def test_inadequately_controlled_is_active(text):
    # NCT00491738: every patient with hypertension was excluded
    assert one_item(text).params.get("active") is True


@pytest.mark.parametrize(
    "text", ["No untreated coronary artery disease", "No untreated hypertension"]
)
def test_an_illness_left_untreated_is_no_treatment_naive_patient(text):
    # NCT00002847: read as "no prior anticancer therapy"
    c = one_item(text, "Inclusion Criteria:")
    assert c.kind == "comorbidity"


def test_untreated_cancer_is_still_treatment_naive():
    c = one_item("Previously untreated metastatic renal cell carcinoma", "Inclusion Criteria:")
    therapy = next(p["params"] for p in c.params["all_of"] if p["kind"] == "prior_therapy")
    assert therapy["negated"] is True


def test_examples_of_systemic_therapy_are_no_requirement_of_those_drugs():
    c = one_item("Prior systemic therapy (e.g., sunitinib)", "Inclusion Criteria:")
    assert (c.params["drugs"], c.params.get("kind")) == ([], "systemic therapy")


@pytest.mark.parametrize(
    "text",
    [
        # NCT00009919
        "Progressive disease following no more than 2 prior biologic therapy (e.g.,interleukin-2, "
        "interferon alfa, vaccine, or dendritic cell therapy)",
        "No prior treatment with erbB targeting therapies such as erlotinib, gefitinib",
    ],
)
def test_examples_of_a_kind_we_cannot_name_are_examples(text):
    c = one_item(text, "Inclusion Criteria:")
    assert c.params.get("as_examples") is True


def test_drugs_named_before_the_examples_are_required():
    c = one_item(
        "Prior sunitinib or other VEGF inhibitors such as sorafenib", "Inclusion Criteria:"
    )
    assert "as_examples" not in c.params


def test_likely_to_benefit_from_a_treatment_is_no_history():
    # NCT00492986: "reasonably likely to benefit from treatment with BAY 43-9006" required
    # prior sorafenib
    text = (
        "The patient must be, in the Investigator's opinion, reasonably likely to benefit from "
        "treatment with BAY 43-9006 as a single agent"
    )
    assert one_item(text, "Inclusion Criteria:").kind == "other"


def test_one_or_more_of_the_following_heads_alternatives():
    text = (
        "Inclusion Criteria:\n* Patients will be eligible if they manifest one or more of the "
        "following features:\n  * Renal carcinomas\n  * Retinal angioma\n  * Thyroid carcinoma"
    )
    items = [c for c in parse_criteria(text) if c.kind == "condition"]
    assert items and all(c.confidence <= 0.6 for c in items)


def test_a_class_that_excludes_may_be_read_loosely():
    c = one_item("No prior history of cardiovascular disease, arrhythmias", "Inclusion Criteria:")
    assert c.params.get("loose_members") is True
    assert "loose_members" not in one_item("Cardiovascular disease", "Inclusion Criteria:").params


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Child-Pugh class C cirrhosis.", ["decompensated_cirrhosis"]),  # NCT00426829
        ("Child-Pugh B or C", ["decompensated_cirrhosis"]),
        # NCT00501124
        (
            "Patient has a history of ascites, variceal hemorrhage or hepatic encephalopathy.",
            ["serous_effusion", "variceal_bleeding", "hepatic_encephalopathy"],
        ),
        ("Evidence of portal hypertension", ["portal_hypertension"]),
        ("Cirrhosis", ["cirrhosis"]),
        ("Cirrhosis, Child-Pugh B or worse", ["decompensated_cirrhosis"]),
        ("Liver cirrhosis (Child-Pugh class C)", ["decompensated_cirrhosis"]),
    ],
)
def test_cirrhosis_and_its_complications_are_apart(text, ids):
    assert one_item(text).params["conditions"] == ids
