"""Brain metastases in a stated state against real trials' CNS criteria.

A site written "brain (untreated, symptomatic)" (as the web form records the answer, and as
the note reader writes "new, enlarging brain metastases, not yet treated") is in an active
state: a trial that excludes active or untreated metastases rules the patient out, and one
that allows them once treated and stable does not wait for a clinician.
"""

from __future__ import annotations

import json

import pytest

from profiles.model import PatientProfile
from profiles.text import extract_profile
from tests.matcher.real import AS_OF, judge, outcome, profile


def _with_brain(site: str) -> PatientProfile:
    base = profile("nsclc-egfr")
    data = json.loads(base.model_dump_json(exclude_none=True))
    data["diagnoses"][0]["metastatic_sites"] = ["bone", site]
    return PatientProfile.model_validate(data)


@pytest.mark.parametrize(
    ("nct_id", "words", "site", "status"),
    [
        # "active" and "untreated" exclusions: active words rule out, quiet words pass
        ("NCT04646330", "Has known active central nervous system", "brain (untreated)", "not_met"),
        (
            "NCT04646330",
            "Has known active central nervous system",
            "brain (progressing)",
            "not_met",
        ),
        (
            "NCT04646330",
            "Has known active central nervous system",
            "brain (treated, stable)",
            "met",
        ),
        ("NCT04646330", "Has known active central nervous system", "brain", "unknown"),
        ("NCT05913115", "Untreated or symptomatic central nervous", "brain (untreated)", "not_met"),
        ("NCT05913115", "Untreated or symptomatic central nervous", "brain (treated)", "met"),
        # allowed once quiet: a patient outside the allowed states is excluded
        (
            "NCT06029816",
            "brain metastasis, unless asymptomatic, stable",
            "brain (symptomatic, progressing)",
            "not_met",
        ),
    ],
)
def test_stated_brain_metastases_settle_state_criteria(nct_id, words, site, status):
    o = outcome(judge(_with_brain(site), nct_id), words)
    assert o.status == status, o.explanation
    assert site in o.explanation


def test_a_letter_with_growing_untreated_brain_metastases_is_ruled_out_of_an_active_cns_exclusion():
    note = (
        "64-year-old woman with stage IV lung adenocarcinoma, EGFR exon 19 deletion, with bone "
        "and brain metastases. A new MRI shows three enlarging brain metastases, not yet "
        "treated. ECOG 1."
    )
    p = extract_profile(note, as_of=AS_OF).profile
    assert p.diagnoses[0].metastatic_sites == ["bone", "brain (new, progressing, untreated)"]
    o = outcome(judge(p, "NCT04646330"), "Has known active central nervous system")
    assert o.status == "not_met"
