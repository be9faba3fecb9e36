"""Matching the readings of session 10's audit (metastatic clear-cell renal cell carcinoma after
nivolumab + ipilimumab and cabozantinib; hepatocellular carcinoma on cured hepatitis C after
TACE and atezolizumab + bevacizumab; tests/data/letters/): each test is a trial's own sentence
(the NCT id says whose) and a short variant, against the patient it ruled out wrongly."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
LETTERS = Path(__file__).parents[1] / "data" / "letters"


def _letter(name: str) -> PatientProfile:
    return PatientProfile.model_validate(json.loads((LETTERS / f"{name}.json").read_text()))


RCC = _letter("rcc_referral")
HCC = _letter("hcc_referral")


@cache
def _trials():
    return {t.nct_id: t for t in bundled_trials()}


def _status(text: str, profile: PatientProfile, *, polarity: str = "inclusion") -> str:
    head = "Inclusion Criteria:\n* " if polarity == "inclusion" else "Exclusion Criteria:\n* "
    trial = Trial(nct_id="NCT00000000", eligibility_criteria=head + text)
    return evaluate_trial(profile, trial, as_of=AS_OF).outcomes[0].status


def _in_trial(nct: str, starts: str, profile: PatientProfile) -> str:
    result = evaluate_trial(profile, _trials()[nct], as_of=AS_OF)
    return next(o.status for o in result.outcomes if o.criterion.text.startswith(starts))


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
    assert _status(text, NEPHRECTOMY_ONLY) == "met"  # was not_met: the nephrectomy counted
    assert _status(text, TACE_ONLY) == "met"
    assert _status(text, HCC) == "not_met"  # atezolizumab + bevacizumab is systemic


def test_a_drug_recorded_without_its_kind_is_still_systemic():
    sunitinib = _with(RCC, therapies=[{"name": "sunitinib", "drugs": ["sunitinib"]}])
    assert _status("No prior systemic therapy", sunitinib) == "not_met"
    assert _status("Prior systemic anticancer therapy", sunitinib, polarity="exclusion") == (
        "not_met"
    )


def test_the_bundled_hcc_trial_rules_the_hcc_patient_out_on_its_systemic_therapy_only():
    assert _in_trial("NCT05883644", "Must not have received prior systemic", HCC) == "not_met"
    assert _in_trial("NCT05883644", "Must not have received prior systemic", TACE_ONLY) == "met"


# --- a co-infection is two infections together -------------------------------------------


CO_INFECTION = (
    "Participants co-infected with HBV and HCV or co-infected with HBV and hepatitis D virus (HDV)"
)


def test_hepatitis_c_alone_is_no_co_infection():
    # NCT05883644 (bundled) excluded the HCC patient for his cured hepatitis C
    assert _in_trial("NCT05883644", "Participants co-infected", HCC) == "met"
    assert _status(CO_INFECTION, HCC, polarity="exclusion") == "met"
    hbv = _with(HCC, conditions=["chronic hepatitis B"])
    assert _status("HBV and HCV co-infection", hbv, polarity="exclusion") == "met"


def test_two_of_the_named_infections_are_a_co_infection():
    both = _with(HCC, conditions=["hepatitis B", "hepatitis C"])
    assert _status(CO_INFECTION, both, polarity="exclusion") == "not_met"
    assert _status("HBV and HCV co-infection", both, polarity="exclusion") == "not_met"


# --- a cured infection is no present one --------------------------------------------------


def test_a_cured_hepatitis_c_has_no_hepatitis_c_rna():
    # NCT05879978 (bundled): "Presence of hepatitis C Ribonucleic acid (RNA)"
    assert _in_trial("NCT05879978", "Presence of hepatitis C", HCC) == "met"
    assert _status("HCV RNA positive", HCC, polarity="exclusion") == "met"
    active = _with(HCC, conditions=["chronic hepatitis C, untreated"])
    assert _status("Presence of hepatitis C RNA", active, polarity="exclusion") == "not_met"


def test_a_bare_hepatitis_c_exclusion_asks_whether_the_cured_one_counts():
    assert _status("Hepatitis C", HCC, polarity="exclusion") == "unknown"
    assert _status("History of hepatitis C", HCC, polarity="exclusion") == "not_met"
    current = _with(HCC, conditions=["hepatitis C"])
    assert _status("Hepatitis C", current, polarity="exclusion") == "not_met"


def test_a_recent_covid_infection_is_not_any_infection():
    # NCT05879978 (bundled): "(SARS COV2) infection within 2 weeks" read as any infection
    assert _in_trial("NCT05879978", "Severe acute respiratory syndrome", HCC) == "met"
    text = "SARS COV2 infection within 2 weeks prior to study entry"
    assert _status(text, HCC, polarity="exclusion") == "met"
    covid = _with(HCC, conditions=["COVID-19, active"])
    assert _status(text, covid, polarity="exclusion") != "met"


def test_a_known_history_of_hepatitis_c_still_counts_the_cured_one():
    # NCT03873818: history of hepatitis C, or its RNA: the cured patient has the history
    text = (
        "Has a known history of or is positive for hepatitis B (hepatitis B surface antigen "
        "[HBsAg] reactive) or hepatitis C (hepatitis C virus [HCV] ribonucleic acid [RNA] "
        "[qualitative] is detected)"
    )
    assert _status(text, HCC, polarity="exclusion") == "not_met"


# --- the RCC letter over the 18k records --------------------------------------------------


def test_controlled_hypertension_is_asked_not_ruled_out():
    # NCT00491738: "Inadequately controlled hypertension"
    assert _status("Inadequately controlled hypertension", RCC, polarity="exclusion") == "unknown"
    worse = _with(RCC, conditions=["uncontrolled hypertension"])
    assert _status("Inadequately controlled hypertension", worse, polarity="exclusion") == (
        "not_met"
    )


def test_hypertension_is_not_surely_cardiovascular_disease():
    # NCT00492440: "No prior history of cardiovascular disease, arrhythmias, or significant ECG
    # abnormalities" (its own items allow controlled hypertension)
    text = (
        "No prior history of cardiovascular disease, arrhythmias, or significant ECG abnormalities"
    )
    assert _status(text, RCC) == "unknown"
    failure = _with(RCC, conditions=["congestive heart failure"])
    assert _status(text, failure) == "not_met"
    # a requirement to have it is still met by hypertension
    assert _status("Subjects with cardiovascular disease", RCC) == "met"


def test_an_untreated_heart_disease_is_no_therapy_question():
    # NCT00002847: "No untreated coronary artery disease" excluded every treated patient
    assert _status("No untreated coronary artery disease", RCC) == "met"


def test_examples_count_their_drugs_and_leave_their_kin_open():
    text = "No prior treatment with erbB targeting therapies such as erlotinib, gefitinib"
    erlotinib = _with(RCC, therapies=[{"name": "erlotinib", "drugs": ["erlotinib"]}])
    osimertinib = _with(RCC, therapies=[{"name": "osimertinib", "drugs": ["osimertinib"]}])
    carboplatin = _with(RCC, therapies=[{"name": "carboplatin", "drugs": ["carboplatin"]}])
    assert _status(text, erlotinib) == "not_met"
    assert _status(text, osimertinib) == "unknown"
    assert _status(text, carboplatin) == "met"


def test_biologic_therapy_examples_do_not_rule_out_a_nivolumab_patient():
    # NCT00009919
    text = (
        "Progressive disease following no more than 2 prior biologic therapy (e.g.,interleukin-2,"
        " interferon alfa, vaccine, or dendritic cell therapy)"
    )
    assert _status(text, RCC) == "unknown"


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
    assert _status(text, HCC, polarity="exclusion") == "met"  # was not_met (all read cirrhosis)


def test_the_varices_are_portal_hypertension_and_the_cirrhosis_is_cirrhosis():
    # NCT00493883: "Evidence of portal hypertension, splenomegaly or ascites."
    text = "Evidence of portal hypertension, splenomegaly or ascites."
    assert _status(text, HCC, polarity="exclusion") == "not_met"
    assert _status("Cirrhosis", HCC, polarity="exclusion") == "not_met"
    bled = _with(HCC, conditions=["variceal bleeding 2025"])
    assert _status("Esophageal or gastric variceal bleeding", bled, polarity="exclusion") == (
        "not_met"
    )


def test_a_cured_hepatitis_is_no_opportunistic_infection():
    # NCT00005629: "No evidence of opportunistic infection."
    assert _status("No evidence of opportunistic infection.", HCC) == "unknown"


def test_except_for_adjuvant_is_a_carve_out_not_the_setting():
    # NCT00460798: "Any previous systemic therapy of renal cell carcinoma except for adjuvant
    # treatment" let the third-line patient through as eligible (setting read as adjuvant)
    text = "Any previous systemic therapy of renal cell carcinoma except for adjuvant treatment"
    assert _status(text, RCC, polarity="exclusion") != "met"
