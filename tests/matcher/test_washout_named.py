"""A washout names the therapy that decided it, not the last one matched.

Real trial NCT01852578 (bundled nsclc-100), exclusion "Prior surgery, radiation, chemotherapy,
within 4 weeks prior to treatment", judged through the real parser; each profile lists two
matching therapies in the order that used to name the wrong one.
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher.evaluate import evaluate
from matcher.facts import PatientFacts
from profiles.model import PatientProfile
from tests.matcher.real import judge, outcome

NCT = "NCT01852578"
WORDS = "Prior surgery, radiation, chemotherapy, within 4 weeks prior to treatment"
HEAD = "The trial excludes radiotherapy or chemotherapy within 28 days before 2026-11-20; "


def _chemo(name: str, **when: object) -> dict[str, object]:
    return {"name": name, "kind": "chemotherapy", **when}


@pytest.mark.parametrize(
    ("therapies", "status", "says", "ready"),
    [
        # not_met: both inside the window; the most recent (listed first) decides
        (
            [
                _chemo("carboplatin + pemetrexed", end="2026-11-12"),
                _chemo("docetaxel", end="2026-11-01"),
            ],
            "not_met",
            "your last carboplatin + pemetrexed ended 2026-11-12.",
            date(2026, 12, 11),
        ),
        # not_met: the one inside, not a later-listed one whose month may or may not be
        (
            [_chemo("docetaxel", end="2026-11-12"), _chemo("carboplatin", end="2026-10")],
            "not_met",
            "your last docetaxel ended 2026-11-12.",
            date(2026, 12, 11),
        ),
        # not_met: still received; no day it stops standing in the way
        (
            [_chemo("docetaxel", ongoing=True), _chemo("carboplatin", end="2026-11-01")],
            "not_met",
            "you are still receiving docetaxel.",
            None,
        ),
        # met: both outside; the most recent one is named
        (
            [
                _chemo("carboplatin + pemetrexed", end="2026-09-12"),
                _chemo("docetaxel", end="2025-11-01"),
            ],
            "met",
            "your last carboplatin + pemetrexed ended 2026-09-12, earlier than that.",
            None,
        ),
        # unknown: the one whose end date is missing, not the later-listed partial one
        (
            [_chemo("docetaxel"), _chemo("carboplatin", end="2026-10")],
            "unknown",
            "the end date of docetaxel is not recorded.",
            None,
        ),
        # unknown with no undated one: the month that may or may not be inside
        (
            [_chemo("docetaxel", end="2025-01"), _chemo("carboplatin", end="2026-10")],
            "unknown",
            "your carboplatin ended 2026-10, which may or may not be within 28 days.",
            None,
        ),
    ],
)
def test_washout_names_the_deciding_therapy(therapies, status, says, ready):
    m = judge(PatientProfile(therapies=therapies), NCT)
    o = outcome(m, WORDS)
    assert o.status == status
    assert o.explanation.startswith(HEAD)
    assert o.explanation[len(HEAD) :].startswith(says), o.explanation
    if status == "not_met":
        assert m.verdict == "ineligible"
    assert o.finding.ready_on == ready


def test_started_window_names_the_most_recent_start():
    # "Initiation of ... insulin therapy within 4 months" (NCT00737971): the insulin begun in
    # the window decides, though an older one is listed after it.
    params = {
        "classes": ["insulin"],
        "within": {"op": "<=", "value": 120, "unit": "days"},
        "started": True,
    }
    therapies = [
        {"name": "insulin lispro", "drugs": ["insulin_lispro"], "start": "2026-10-01"},
        {"name": "insulin glargine", "drugs": ["insulin_glargine"], "start": "2015"},
    ]
    facts = PatientFacts.of(PatientProfile(therapies=therapies), date(2026, 11, 20))
    f = evaluate("washout", params, facts)
    assert f.value is True
    assert (f.facts["last"], f.facts["start"]) == ("insulin lispro", "2026-10-01")
    f = evaluate(
        "washout",
        params,
        PatientFacts.of(PatientProfile(therapies=therapies[1:]), date(2026, 11, 20)),
    )
    assert f.value is False
    assert f.facts["last"] == "insulin glargine"
