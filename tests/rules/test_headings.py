"""Headings of flat lists ("Adequate haematological function:" above its lab items) are no
question for a clinician: the items after them are checked one by one."""

from __future__ import annotations

from matcher import evaluate_trial
from matcher.describe import describe_criterion
from rules.corpus import bundled_trials
from rules.criteria import parse_trial
from tests.matcher.real import AS_OF, profile


def _trial(nct_id: str):
    return next(t for t in bundled_trials() if t.nct_id == nct_id)


def test_a_heading_in_a_flat_list_heads_the_lab_items_after_it():
    crits = {c.id: c for c in parse_trial(_trial("NCT02369484"))}
    heading = crits["inc-12"]
    assert heading.text == "Adequate haematological function:"
    assert heading.params == {"topic": "heading"}
    assert crits["inc-13"].kind == "lab" and crits["inc-13"].text == "WBC ≥ 2000/μL"
    assert describe_criterion(heading) == (
        "Adequate haematological function: the items that follow say what is checked."
    )
    m = evaluate_trial(profile("nsclc-egfr"), _trial("NCT02369484"), as_of=AS_OF)
    o = next(o for o in m.outcomes if o.criterion.id == "inc-12")
    assert o.status == "met" and "checked on its own" in o.explanation


def test_items_with_a_limit_or_their_own_items_are_no_headings():
    for nct_id in ("NCT05798663", "NCT05507827"):
        crits = parse_trial(_trial(nct_id))
        parents = {c.parent for c in crits}
        for c in crits:
            if c.params.get("topic") == "heading":
                assert c.id not in parents
                assert "≤" not in c.text and "ULN" not in c.text, c.text
    # "Serum creatinine <= 1.5 x ULN or creatinine clearance >= 45 mL/min ... formula:" keeps
    # its reading: a limit is a requirement, not a heading
    creat = next(c for c in parse_trial(_trial("NCT05798663")) if c.id == "inc-11.12")
    assert creat.params.get("topic") != "heading"
