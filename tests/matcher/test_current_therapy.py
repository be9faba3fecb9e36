"""Current-use criteria judged on the dates of the patient's therapies; anticoagulants are no
anticancer therapy and no line of treatment.

Trials are real bundled ClinicalTrials.gov records parsed by the real parser; profiles are
the repo's example profile with the therapies each case adds.
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.evaluate_current import anticancer
from matcher.evaluate_history import lines_of_therapy, prior_therapy, washout
from matcher.facts import PatientFacts
from profiles.model import PatientProfile
from profiles.text import extract_profile
from rules.corpus import bundled_trials
from tests.matcher.real import AS_OF, outcome, profile

STEROID_NCT = "NCT05507827"
STEROID = "Currently receiving corticosteroids"
CHEMO = {
    "name": "carboplatin and pemetrexed",
    "kind": "chemotherapy",
    "start": "2025-01",
    "end": "2025-06",
    "line": 1,
}


def _judge(p: PatientProfile, nct_id: str):
    t = next(t for t in bundled_trials() if t.nct_id == nct_id)
    return evaluate_trial(p, t, as_of=AS_OF)


def _with(*therapies: dict) -> PatientProfile:
    return profile("example", therapies=[CHEMO, *therapies])


def test_a_steroid_that_ended_does_not_rule_out():
    p = _with({"name": "prednisone", "start": "2026-01", "end": "2026-03"})
    o = outcome(_judge(p, STEROID_NCT), STEROID)
    assert o.status == "met"  # the exclusion does not apply
    assert "current" in o.explanation
    assert "prednisone, which ended in 2026-03" in o.explanation


def test_a_steroid_taken_now_counts():
    p = _with({"name": "dexamethasone", "start": "2026-10", "ongoing": True})
    o = outcome(_judge(p, STEROID_NCT), STEROID)
    assert o.finding.value is True
    assert "dexamethasone as current" in o.explanation
    # the next sentence allows low doses: the guard keeps it open rather than ruling out
    assert o.status in ("not_met", "unknown")


def test_before_the_change_an_ended_steroid_ruled_out_on_prior_use():
    # the same criterion read as history ("has ever received") is met by the old steroid
    p = _with({"name": "prednisone", "start": "2026-01", "end": "2026-03"})
    o = outcome(_judge(p, STEROID_NCT), STEROID)
    params = dict(o.criterion.params)
    params.pop("current")
    facts = PatientFacts.of(p, AS_OF)
    assert prior_therapy(params, facts).value is True
    assert prior_therapy(o.criterion.params, facts).value is False


def test_a_start_without_an_end_leaves_it_open():
    p = _with({"name": "dexamethasone", "start": "2025"})
    o = outcome(_judge(p, STEROID_NCT), STEROID)
    assert o.status == "unknown"
    assert "not whether you are currently receiving it" in o.explanation


@pytest.mark.parametrize(
    ("nct_id", "text"),
    [
        ("NCT02650414", "Concurrent use of systemic steroids"),
        ("NCT05536349", "Ongoing immunosuppressive therapy"),
    ],
)
def test_other_current_steroid_exclusions(nct_id, text):
    ended = _with({"name": "dexamethasone", "start": "2025-05", "end": "2025-06"})
    now = _with({"name": "prednisone", "start": "2026-09", "ongoing": True})
    assert outcome(_judge(ended, nct_id), text).status == "met"
    assert outcome(_judge(now, nct_id), text).finding.value is True


@pytest.mark.parametrize(
    ("nct_id", "text"),
    [
        ("NCT03319901", "Concurrent use of warfarin"),
        ("NCT05536349", "Concurrent use of warfarin"),
        ("NCT02179567", "Anticoagulation therapy"),
        ("NCT03416231", "Patients treated with anticoagulation agents"),
    ],
)
def test_anticoagulant_exclusions(nct_id, text):
    on = _with({"name": "warfarin", "start": "2024-02", "ongoing": True})
    stopped = _with({"name": "warfarin", "start": "2020-01", "end": "2021-05"})
    none = _with()
    o = outcome(_judge(on, nct_id), text)
    assert o.status == "not_met", o.explanation
    assert "current" in o.explanation
    assert outcome(_judge(stopped, nct_id), text).status == "met"
    assert outcome(_judge(none, nct_id), text).status == "met"


def test_therapeutic_anticoagulation_with_prophylaxis_allowed():
    text = "Patients receiving therapeutic anticoagulation"
    assert outcome(
        _judge(_with({"name": "rivaroxaban", "ongoing": True}), "NCT02387086"), text
    ).finding.value
    enox = outcome(_judge(_with({"name": "enoxaparin", "ongoing": True}), "NCT02387086"), text)
    assert enox.finding.value is None  # a heparin may be the allowed preventive dose
    named = _with({"name": "prophylactic enoxaparin", "drugs": ["enoxaparin"], "ongoing": True})
    assert outcome(_judge(named, "NCT02387086"), text).status == "met"


def test_an_anticoagulant_washout():
    o = outcome(
        _judge(_with({"name": "apixaban", "start": "2025-01", "end": "2026-11-15"}), "NCT05756972"),
        "Anticoagulant or thrombolytic agent",
    )
    assert o.status == "not_met"


def _apixaban_facts() -> PatientFacts:
    p = PatientProfile(
        therapies=[{"name": "apixaban", "drugs": ["apixaban"], "start": "2026-06", "ongoing": True}]
    )
    return PatientFacts.of(p, AS_OF)


def test_an_anticoagulant_is_no_anticancer_therapy_nor_a_line():
    facts = _apixaban_facts()
    assert not anticancer(facts.therapies[0])
    # "No prior systemic anticancer therapy" (treatment-naive): still naive
    assert prior_therapy({"drugs": [], "classes": [], "any_anticancer": True}, facts).value is False
    # "anticancer therapy within 4 weeks"
    within = {"op": "<=", "value": 28, "unit": "days"}
    assert washout({"any_anticancer": True, "within": within}, facts).value is False
    lines = lines_of_therapy({"lines": {"op": ">=", "value": 1}}, facts)
    assert lines.value is False and lines.facts["patient"] == "0"


def test_a_steroid_still_counts_as_a_possible_treatment():
    # dexamethasone is part of myeloma regimens: only anticoagulants are set aside
    p = PatientProfile(therapies=[{"name": "dexamethasone", "ongoing": True}])
    assert anticancer(PatientFacts.of(p, AS_OF).therapies[0])


def test_the_letter_with_apixaban_is_read_as_an_ongoing_non_cancer_therapy():
    note = (
        "A 64-year-old woman with metastatic NSCLC. She received carboplatin and pemetrexed "
        "from 01/2025 to 06/2025. She takes apixaban 5 mg twice daily for a DVT."
    )
    p = extract_profile(note, id="letter", as_of=date(2026, 11, 20)).profile
    apixaban = [t for t in p.therapies if "apixaban" in t.drugs]
    assert len(apixaban) == 1 and apixaban[0].ongoing is True
    facts = PatientFacts.of(p, AS_OF)
    lines = lines_of_therapy({"lines": {"op": ">=", "value": 2}}, facts)
    assert lines.facts["patient"] == "1"  # the chemotherapy only


def test_an_exception_named_in_the_item_is_not_counted():
    # NCT01980875 (ClinicalTrials.gov), exclusion item as written
    from rules.trial import Trial

    trial = Trial(
        nct_id="NCT01980875",
        eligibility_criteria="Exclusion Criteria:\n\n- Ongoing immunosuppressive therapy other "
        "than corticosteroids\n",
    )
    steroid = PatientProfile(therapies=[{"name": "dexamethasone", "ongoing": True}])
    tacrolimus = PatientProfile(
        therapies=[{"name": "tacrolimus", "kind": "other", "ongoing": True}]
    )
    [o] = evaluate_trial(steroid, trial, as_of=AS_OF).outcomes
    assert o.criterion.params.get("current") and o.status == "met", o.explanation
    [o] = evaluate_trial(tacrolimus, trial, as_of=AS_OF).outcomes
    assert o.status != "met"  # an unknown drug may be an immunosuppressant


def test_a_drug_the_vocabulary_knows_is_not_another_kind_of_treatment():
    """apixaban (recorded without a kind) is no chemotherapy and no radiotherapy: it is not
    listed as "maybe current" against "Concomitant radiotherapy or chemotherapy"."""
    from datetime import date

    from matcher.evaluate_history import _matches
    from matcher.facts import PatientFacts
    from profiles.model import PatientProfile

    facts = PatientFacts.of(
        PatientProfile(therapies=[{"name": "apixaban", "drugs": ["apixaban"], "ongoing": True}]),
        date(2026, 11, 20),
    )
    (apixaban,) = facts.therapies
    assert _matches(apixaban, {"classes": ["chemotherapy"], "kind": "chemotherapy"}) is False
    assert _matches(apixaban, {"kind": "radiotherapy"}) is False
    assert _matches(apixaban, {"classes": ["anticoagulant"]}) is True


def test_an_antiviral_is_no_anticancer_therapy():
    """entecavir, given against hepatitis B reactivation, is neither 'concurrent anticancer
    therapy' nor a line of treatment."""
    from datetime import date

    from matcher.evaluate_current import anticancer
    from matcher.evaluate_history import lines_of_therapy
    from matcher.facts import PatientFacts, count_lines
    from profiles.model import PatientProfile

    facts = PatientFacts.of(
        PatientProfile(
            therapies=[
                {"name": "R-CHOP", "drugs": ["rituximab"], "kind": "chemotherapy",
                 "start": "2024-03", "end": "2024-07"},
                {"name": "entecavir", "drugs": ["entecavir"], "ongoing": True},
            ]
        ),
        date(2026, 11, 20),
    )  # fmt: skip
    rchop, entecavir = facts.therapies
    assert anticancer(rchop) and not anticancer(entecavir)
    assert count_lines([t for t in facts.therapies if anticancer(t)]) == (1, 1)
    found = lines_of_therapy({"lines": {"op": "<=", "value": 1.0}}, facts)
    assert found.value is True, found
