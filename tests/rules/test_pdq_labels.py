"""Values under a field label of a legacy PDQ record ("Age:\n* Under 65") are read with it."""

from __future__ import annotations

import re

import pytest

from rules.criteria import parse_criteria
from rules.vocab import load_data

# NCT00004232 (18k records), PATIENT CHARACTERISTICS of a legacy PDQ record
PDQ = """PATIENT CHARACTERISTICS:

Age:

* 10 to 65

Performance status:

* WHO 0-2

Life expectancy:

* At least 12 weeks

Hepatic:

* Not specified
"""


def test_values_under_age_performance_and_life_expectancy_labels_are_read():
    crits = {c.text: c for c in parse_criteria(PDQ)}
    assert crits["10 to 65"].kind == "age"
    assert crits["10 to 65"].params["age"] == {
        "op": "between", "value": 10.0, "value2": 65.0, "unit": "years"
    }  # fmt: skip
    assert crits["WHO 0-2"].kind == "performance_status"
    assert crits["At least 12 weeks"].kind == "life_expectancy"
    assert crits["Not specified"].params == {"topic": "placeholder"}  # no label reading


@pytest.mark.parametrize(
    "text",
    [
        "Chemotherapy:\n* At least 4 weeks since prior therapy",  # not a label read this way
        "Dosage:\n* 18 and over",  # a label ending in 'age'
        "Age: 18 and over\n* Under 65",  # the label is not alone on its line
    ],
)
def test_only_a_lone_age_performance_or_life_expectancy_label_counts(text):
    last = parse_criteria("Inclusion Criteria:\n" + text)[-1]
    assert last.kind == "other"


def test_field_label_examples():
    entry = load_data("patterns/sections.json")["field_label"]
    regex = re.compile(entry["regex"])
    assert [t for t in entry["examples"]["match"] if not regex.search(t)] == []
    assert [t for t in entry["examples"]["no_match"] if regex.search(t)] == []
    assert set(entry["kinds"]) == {"age", "life expectancy", "performance status"}
