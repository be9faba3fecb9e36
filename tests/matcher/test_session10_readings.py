"""Matching the readings of session 10's audit (metastatic clear-cell renal cell carcinoma after
nivolumab + ipilimumab and cabozantinib; hepatocellular carcinoma on cured hepatitis C after
TACE and atezolizumab + bevacizumab; tests/data/letters/): each test is a trial's own sentence
(the NCT id says whose) and a short variant, against the patient it ruled out wrongly."""

from __future__ import annotations

import pytest

from profiles.model import PatientProfile
from tests.matcher.readings import in_trial, letter, status_of

RCC = letter("rcc_referral")
HCC = letter("hcc_referral")


def _with(profile: PatientProfile, **changes: object) -> PatientProfile:
    return PatientProfile.model_validate({**profile.model_dump(), **changes})


# --- "systemic therapy" is a drug given through the body, not an operation or a TACE ---------

NEPHRECTOMY_ONLY = _with(RCC, therapies=[RCC.therapies[0].model_dump()])
TACE_ONLY = _with(HCC, therapies=[t.model_dump() for t in HCC.therapies if t.name == "TACE"])


@pytest.mark.parametrize(
    "text",
    [
        "Must not have received prior systemic therapy for HCC",  # NCT05883644 (bundled)
        "No prior systemic therapy",
        "Patients must not have received prior systemic anticancer treatment",
    ],
)
def test_an_operation_or_a_tace_is_no_systemic_therapy(text):
    assert status_of(text, NEPHRECTOMY_ONLY) == "met"  # was not_met: the nephrectomy counted
    assert status_of(text, TACE_ONLY) == "met"
    assert status_of(text, HCC) == "not_met"  # atezolizumab + bevacizumab is systemic


def test_a_drug_recorded_without_its_kind_is_still_systemic():
    sunitinib = _with(RCC, therapies=[{"name": "sunitinib", "drugs": ["sunitinib"]}])
    assert status_of("No prior systemic therapy", sunitinib) == "not_met"
    assert status_of("Prior systemic anticancer therapy", sunitinib, polarity="exclusion") == (
        "not_met"
    )


def test_the_bundled_hcc_trial_rules_the_hcc_patient_out_on_its_systemic_therapy_only():
    assert in_trial("NCT05883644", "Must not have received prior systemic", HCC) == "not_met"
    assert in_trial("NCT05883644", "Must not have received prior systemic", TACE_ONLY) == "met"


# --- a co-infection is two infections together -------------------------------------------


CO_INFECTION = (
    "Participants co-infected with HBV and HCV or co-infected with HBV and hepatitis D virus (HDV)"
)


def test_hepatitis_c_alone_is_no_co_infection():
    # NCT05883644 (bundled) excluded the HCC patient for his cured hepatitis C
    assert in_trial("NCT05883644", "Participants co-infected", HCC) == "met"
    assert status_of(CO_INFECTION, HCC, polarity="exclusion") == "met"
    hbv = _with(HCC, conditions=["chronic hepatitis B"])
    assert status_of("HBV and HCV co-infection", hbv, polarity="exclusion") == "met"


def test_two_of_the_named_infections_are_a_co_infection():
    both = _with(HCC, conditions=["hepatitis B", "hepatitis C"])
    assert status_of(CO_INFECTION, both, polarity="exclusion") == "not_met"
    assert status_of("HBV and HCV co-infection", both, polarity="exclusion") == "not_met"


# --- a cured infection is no present one --------------------------------------------------


def test_a_cured_hepatitis_c_has_no_hepatitis_c_rna():
    # NCT05879978 (bundled): "Presence of hepatitis C Ribonucleic acid (RNA)"
    assert in_trial("NCT05879978", "Presence of hepatitis C", HCC) == "met"
    assert status_of("HCV RNA positive", HCC, polarity="exclusion") == "met"
    active = _with(HCC, conditions=["chronic hepatitis C, untreated"])
    assert status_of("Presence of hepatitis C RNA", active, polarity="exclusion") == "not_met"


def test_a_bare_hepatitis_c_exclusion_asks_whether_the_cured_one_counts():
    assert status_of("Hepatitis C", HCC, polarity="exclusion") == "unknown"
    assert status_of("History of hepatitis C", HCC, polarity="exclusion") == "not_met"
    current = _with(HCC, conditions=["hepatitis C"])
    assert status_of("Hepatitis C", current, polarity="exclusion") == "not_met"


def test_a_recent_covid_infection_is_not_any_infection():
    # NCT05879978 (bundled): "(SARS COV2) infection within 2 weeks" read as any infection
    assert in_trial("NCT05879978", "Severe acute respiratory syndrome", HCC) == "met"
    text = "SARS COV2 infection within 2 weeks prior to study entry"
    assert status_of(text, HCC, polarity="exclusion") == "met"
    covid = _with(HCC, conditions=["COVID-19, active"])
    assert status_of(text, covid, polarity="exclusion") != "met"


def test_a_known_history_of_hepatitis_c_still_counts_the_cured_one():
    # NCT03873818: history of hepatitis C, or its RNA: the cured patient has the history
    text = (
        "Has a known history of or is positive for hepatitis B (hepatitis B surface antigen "
        "[HBsAg] reactive) or hepatitis C (hepatitis C virus [HCV] ribonucleic acid [RNA] "
        "[qualitative] is detected)"
    )
    assert status_of(text, HCC, polarity="exclusion") == "not_met"


# --- the RCC letter over the 18k records --------------------------------------------------


def test_controlled_hypertension_is_asked_not_ruled_out():
    # NCT00491738: "Inadequately controlled hypertension"
    assert status_of("Inadequately controlled hypertension", RCC, polarity="exclusion") == "unknown"
    worse = _with(RCC, conditions=["uncontrolled hypertension"])
    assert status_of("Inadequately controlled hypertension", worse, polarity="exclusion") == (
        "not_met"
    )


def test_hypertension_is_not_surely_cardiovascular_disease():
    # NCT00492440: "No prior history of cardiovascular disease, arrhythmias, or significant ECG
    # abnormalities" (its own items allow controlled hypertension)
    text = (
        "No prior history of cardiovascular disease, arrhythmias, or significant ECG abnormalities"
    )
    assert status_of(text, RCC) == "unknown"
    failure = _with(RCC, conditions=["congestive heart failure"])
    assert status_of(text, failure) == "not_met"
    # a requirement to have it is still met by hypertension
    assert status_of("Subjects with cardiovascular disease", RCC) == "met"


def test_an_untreated_heart_disease_is_no_therapy_question():
    # NCT00002847: "No untreated coronary artery disease" excluded every treated patient
    assert status_of("No untreated coronary artery disease", RCC) == "met"


def test_examples_count_their_drugs_and_leave_their_kin_open():
    text = "No prior treatment with erbB targeting therapies such as erlotinib, gefitinib"
    erlotinib = _with(RCC, therapies=[{"name": "erlotinib", "drugs": ["erlotinib"]}])
    osimertinib = _with(RCC, therapies=[{"name": "osimertinib", "drugs": ["osimertinib"]}])
    carboplatin = _with(RCC, therapies=[{"name": "carboplatin", "drugs": ["carboplatin"]}])
    assert status_of(text, erlotinib) == "not_met"
    assert status_of(text, osimertinib) == "unknown"
    assert status_of(text, carboplatin) == "met"


def test_biologic_therapy_examples_do_not_rule_out_a_nivolumab_patient():
    # NCT00009919
    text = (
        "Progressive disease following no more than 2 prior biologic therapy (e.g.,interleukin-2,"
        " interferon alfa, vaccine, or dendritic cell therapy)"
    )
    assert status_of(text, RCC) == "unknown"


# --- a compensated cirrhosis is not its complications -------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # NCT00493402
        "Evidence of hepatic decompensation including esophageal or gastric variceal bleeding or "
        "hepatic encephalopathy",
        "Child-Pugh B or C",
        "History of hepatic encephalopathy",
        "Decompensated cirrhosis",
    ],
)
def test_child_pugh_a_cirrhosis_with_banded_varices_is_no_decompensation(text):
    assert status_of(text, HCC, polarity="exclusion") == "met"  # was not_met (all read cirrhosis)


def test_the_varices_are_portal_hypertension_and_the_cirrhosis_is_cirrhosis():
    # NCT00493883: "Evidence of portal hypertension, splenomegaly or ascites."
    text = "Evidence of portal hypertension, splenomegaly or ascites."
    assert status_of(text, HCC, polarity="exclusion") == "not_met"
    assert status_of("Cirrhosis", HCC, polarity="exclusion") == "not_met"
    bled = _with(HCC, conditions=["variceal bleeding 2025"])
    assert status_of("Esophageal or gastric variceal bleeding", bled, polarity="exclusion") == (
        "not_met"
    )


def test_a_cured_hepatitis_is_no_opportunistic_infection():
    # NCT00005629: "No evidence of opportunistic infection."
    assert status_of("No evidence of opportunistic infection.", HCC) == "unknown"


def test_except_for_adjuvant_is_a_carve_out_not_the_setting():
    # NCT00460798: "Any previous systemic therapy of renal cell carcinoma except for adjuvant
    # treatment" let the third-line patient through as eligible (setting read as adjuvant)
    text = "Any previous systemic therapy of renal cell carcinoma except for adjuvant treatment"
    assert status_of(text, RCC, polarity="exclusion") != "met"
