"""Body sites of operations: the vocabulary's own examples, and real criteria sentences."""

from __future__ import annotations

import pytest

from rules import vocab
from rules.criteria.extract_therapy import surgery_sites_named
from rules.vocab import load_data

_SITES = load_data("vocab/surgery_sites.json")["sites"]
_EXAMPLES = [
    (site["id"], text, want)
    for site in _SITES
    for want in ("match", "no_match")
    for text in site["examples"][want]
]


@pytest.mark.parametrize(("site", "text", "want"), _EXAMPLES)
def test_site_examples(site, text, want):
    assert (site in vocab.surgery_sites(text)) == (want == "match")


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        # NCT00461240 (an acromegaly trial)
        (
            "History of myocardial infarction or stroke within the last 6 months, major cardiac "
            "surgery within the last 6 months",
            ["cardiac"],
        ),
        ("Pituitary surgery within six months", ["pituitary"]),  # NCT03252353
        ("Cardiac surgery involving cardiotomy (not CABG) within the past 2 months", ["cardiac"]),
        ("Greater than 6 months since prior surgery", []),  # NCT00005100: any operation
        ("Major surgery within 4 weeks or cardiac surgery within 6 months", []),
        ("Prior surgery of the spine", ["spine"]),
    ],
)
def test_sites_a_criterion_limits_its_operations_to(text, sites):
    assert surgery_sites_named(text) == sites


def test_short_site_words_match_whole_words_only():
    assert vocab.surgery_sites("hippocampal resection") == set()
    assert vocab.surgery_sites("hip replacement") == {"orthopedic"}
