"""Records listing one item per line without bullets (issue 5, 2026-11-21): each line that
starts with a capital after a line ending a phrase is an item of its own; hard-wrapped items
stay whole. Texts are the real records' eligibility criteria
(``tests/rules/data/issue5_records.json``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rules.criteria import parse_criteria
from rules.criteria.segment import segment
from rules.vocab import load_data

RECORDS = json.loads((Path(__file__).parent / "data" / "issue5_records.json").read_text())[
    "records"
]


def _items(nct: str) -> list[str]:
    text = RECORDS[nct]
    return [text[i.start : i.end] for i in segment(text)]


def test_one_item_per_line_records_are_split_nct00343382():
    crits = parse_criteria(RECORDS["NCT00343382"], nct_id="NCT00343382")
    texts = [c.text for c in crits]
    for own in (
        "Life expectancy > 6 months",
        "Active vaginal infection",
        "Concurrent chemotherapy",
    ):
        assert own in texts
    life = next(c for c in crits if c.text == "Life expectancy > 6 months")
    assert life.kind == "life_expectancy" and life.polarity == "inclusion"
    assert texts[0].endswith("determined by the primary physician.")  # the first item alone
    assert len([c for c in crits if c.polarity == "exclusion"]) >= 20
    # the lines after "Diagnosis of any of the following conditions:" hang under it
    head = next(c for c in crits if c.text == "Diagnosis of any of the following conditions:")
    assert next(c for c in crits if c.text == "Essential vulvodynia").parent == head.id


def test_one_item_per_line_records_are_split_nct03561753():
    items = _items("NCT03561753")
    assert "Pulmonary lesion consistent with TB by radiological examination" in items
    assert "Unable to take oral medications." in items
    assert "HIV infected" in items


def test_hard_wrapped_lines_stay_joined_nct00001256():
    # "... evidence of vasculitis, patients\nwith the following criteria ...": one item
    assert any(
        t.endswith("patients\nwith the following criteria will also be eligible:")
        for t in _items("NCT00001256")
    )


def test_a_label_line_is_continued_by_the_next_nct00093808():
    items = _items("NCT00093808")
    for own in (
        "Age\n  18 and over",
        "Life expectancy\n  At least 12 weeks",
        "Performance status\n  ECOG 0-2",
    ):
        assert own in items


@pytest.mark.parametrize(
    "text",
    [
        # hard-wrapped at about 70 columns: lines end mid-phrase or full
        "Inclusion Criteria:\n"
        "Patients must have histologically confirmed adenocarcinoma of the\n"
        "Pancreas with measurable disease and no prior chemotherapy; patients\n"
        "must have adequate organ function as defined in the protocol and\n"
        "Signed informed consent.",
        "Exclusion Criteria:\nPrior treatment with any of the\nAgents listed in the protocol",
        "Exclusion Criteria:\nHER2 3+ or FISH+ or\nER positive by IHC",
    ],
)
def test_wrapped_lines_stay_joined(text):
    assert len(segment(text)) == 1


def test_label_line_examples():
    data = load_data("patterns/sections.json")
    regex = re.compile(data["label_line"])
    assert all(regex.match(t) for t in data["label_line_examples"]["match"])
    assert not any(regex.match(t) for t in data["label_line_examples"]["no_match"])
