"""The parser on real trials: spans, ids, polarity, nothing dropped."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.criteria import parse_criteria, parse_trial
from rules.criteria.segment import _headers, _subheader
from rules.criteria.segment import rules as section_rules
from rules.criterion import KINDS
from rules.trial import Trial
from tests.conftest import BUNDLED, SHARED

SETS = ["seed-pancreatic-NCT06532617", "nsclc-100", "leukemia-100", "mixed-50", "breast-cancer-1"]


def _trials(name: str) -> list[Trial]:
    with gzip.open(BUNDLED / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    return [Trial.from_record(r) for r in records]


def _check(text: str) -> list:
    crits = parse_criteria(text)
    ids = [c.id for c in crits]
    assert len(ids) == len(set(ids)), "ids are unique"
    for c in crits:
        assert text[c.start : c.end] == c.text, c.id
        assert c.text == c.text.strip() and c.text, c.id
        assert c.kind in KINDS
        assert 0 <= c.confidence <= 1
        assert re.fullmatch(r"(inc|exc)-\d+(\.\d+)*", c.id)
        assert c.id.startswith("inc" if c.polarity == "inclusion" else "exc")
        if c.parent:
            assert c.id.startswith(c.parent + ".")
            assert c.parent in ids
    return crits


@pytest.mark.parametrize("name", SETS)
def test_spans_and_ids_on_bundled_trials(name):
    for trial in _trials(name):
        _check(trial.eligibility_criteria or "")


def _header_spans(text: str) -> list[tuple[int, int]]:
    spans = [(s, e) for s, e, _, _ in _headers(text)]
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and _subheader(stripped, bulleted=False) is not None:
            spans.append((pos, pos + len(line)))
        for m in section_rules().pdq_labels.finditer(line):
            spans.append((pos + m.start(), pos + m.end()))
        pos += len(line) + 1
    return spans


@pytest.mark.parametrize("name", SETS)
def test_no_text_is_dropped(name):
    """Every word is inside some criterion, or in a header / sub-header line."""
    for trial in _trials(name):
        text = trial.eligibility_criteria or ""
        crits = parse_criteria(text)
        spans = [(c.start, c.end) for c in crits] + _header_spans(text)
        lost = [
            m.group()
            for m in re.finditer(r"[A-Za-z]{3,}(?![.)])", text)
            if not any(s <= m.start() and m.end() <= e for s, e in spans)
        ]
        assert lost == [], (trial.nct_id, lost[:20])


def test_seed_polarity_and_counts():
    (trial,) = _trials("seed-pancreatic-NCT06532617")
    crits = parse_trial(trial)
    top = [c for c in crits if c.parent is None]
    assert sum(c.polarity == "inclusion" for c in top) == 9
    assert sum(c.polarity == "exclusion" for c in top) == 14


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Key inclusion criteria\n- Age >= 18\nMain Exclusion Criteria\n- HIV",
            ["inclusion", "exclusion"],
        ),
        (
            "INCLUSION CRITERIA:\n1. ECOG 0-1\n2) Age 18-75\nEXCLUSION CRITERIA:\n(1) Pregnancy",
            ["inclusion", "inclusion", "exclusion"],
        ),
        (
            "Inclusion Criteria: 1. Age 18-75 2. ECOG 0-1 Exclusion Criteria: 1. HIV 2. Pregnant",
            ["inclusion", "inclusion", "exclusion", "exclusion"],
        ),
        ("Age 18 or older\n\nNo HIV", ["inclusion", "inclusion"]),
    ],
)
def test_header_styles(text, expected):
    crits = [c for c in _check(text) if c.parent is None]
    assert [c.polarity for c in crits] == expected


def test_nested_and_inline_sub_items():
    text = (
        "Inclusion Criteria:\n\n* Adequate organ function:\n  * ANC >= 1.5 x 10^9/L\n"
        "  * Platelets >= 100 x 10^9/L\n* Disease defined as: a. no distant metastasis; "
        "b. tumour contacts the SMA"
    )
    crits = _check(text)
    assert [(c.id, c.parent) for c in crits] == [
        ("inc-1", None),
        ("inc-1.1", "inc-1"),
        ("inc-1.2", "inc-1"),
        ("inc-2", None),
        ("inc-2.1", "inc-2"),
        ("inc-2.2", "inc-2"),
    ]
    assert crits[1].kind == "lab" and crits[1].params["analyte"] == "anc"
    assert all(c.confidence <= 0.6 for c in crits[4:]), "definition items never rule out"


def test_lab_panel_gives_sub_criteria():
    text = (
        "Inclusion Criteria:\n* Adequate organ function: ANC ≥1.5×10⁹/L; platelets ≥100×10⁹/L; "
        "AST/ALT ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases); total bilirubin ≤ 1.5 × ULN"
    )
    crits = _check(text)
    assert crits[0].kind == "other" and crits[0].params == {"topic": "lab_panel"}
    labs = crits[1:]
    assert [c.params["analyte"] for c in labs] == [
        "anc",
        "platelets",
        "transaminases",
        "total_bilirubin",
    ]
    assert labs[2].params["conditional"][0]["condition"] == "liver metastases"
    assert all(c.parent == "inc-1" for c in labs)


def test_no_header_lowers_confidence():
    crits = _check("ECOG 0-1")
    assert crits[0].kind == "performance_status" and crits[0].confidence <= 0.75


def test_negation_inside_inclusion_list():
    crits = _check(
        "Inclusion Criteria:\n* No prior anti-PD-1 therapy\n* Must not have brain metastases"
    )
    assert crits[0].polarity == "inclusion" and crits[0].params["negated"] is True
    assert crits[1].kind == "cns_metastases" and crits[1].params["negated"] is True


def test_parse_trial_cache_returns_copies():
    (trial,) = _trials("seed-pancreatic-NCT06532617")
    a = parse_trial(trial)
    a[0].params["tampered"] = True
    assert "tampered" not in parse_trial(trial)[0].params


def test_empty_text():
    assert parse_criteria("") == []
    assert parse_criteria("\n\n  \n") == []


_PIECES = st.sampled_from(
    [
        "Inclusion Criteria:",
        "Exclusion Criteria:",
        "* ",
        "- ",
        "1. ",
        "2) ",
        "(3) ",
        "a. ",
        "b) ",
        "Age 18-80",
        "ECOG 0-1",
        "ANC ≥ 1.5 × 10^9/L",
        "No prior anti-PD-1",
        "HIV",
        "\n",
        "\n\n",
        "  ",
        ": ",
        "; ",
        ". ",
        "Part A:",
        "Excluded:",
        "defined as follows:",
        "\\>3 months",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_spans_property(text):
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_spans_property_any_text(text):
    _check(text)


@pytest.mark.slow
def test_spans_on_the_18k_trials():
    path = SHARED / "data" / "trials" / "trials.jsonl.gz"
    if not path.exists():
        pytest.fail(f"{path} is missing (CI has ../shared beside the clone)")
    n = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            text = record["protocolSection"]["eligibilityModule"].get("eligibilityCriteria") or ""
            _check(text)
            n += 1
    assert n > 18000
