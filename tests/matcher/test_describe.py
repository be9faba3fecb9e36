"""describe_criterion: a criterion in plain words on its own, on real bundled trials."""

from __future__ import annotations

import re
from functools import cache

import pytest

from matcher.describe import describe_criterion
from rules.criteria import parse_trial
from rules.criterion import Criterion
from tests.matcher.real import corpus, trial

SEED = "NCT06532617"  # cadonilimab in locally advanced pancreatic cancer


@cache
def seed_criteria() -> dict[str, Criterion]:
    return {c.id: c for c in parse_trial(trial(SEED))}


@pytest.mark.parametrize(
    ("cid", "expected"),
    [
        ("inc-1", "You must be able and willing to give informed consent."),
        ("inc-2", "You must be 18 to 80 years old."),
        (
            "inc-3",
            "You must have pancreatic ductal adenocarcinoma (confirmed by a biopsy).",
        ),
        ("inc-5", "You must have locally advanced pancreatic cancer."),
        ("inc-6", "You must have cancer that can be measured on a scan (RECIST 1.1)."),
        (
            "inc-7",
            "ECOG performance status 0 or 1: you are up and about and able to do light work.",
        ),
        ("inc-8", "You must be expected by your doctor to live more than 3 months."),
        ("exc-2", "You must not have had investigational agents in the last 4 weeks."),
        ("exc-3", "No active autoimmune disease."),
        ("exc-7", "You must not have a history of HIV."),
        ("exc-8", "No active HBV or HCV."),
        ("exc-9", "You must not be pregnant or breastfeeding."),
        ("exc-10", 'The trial team checks this: "Any severe or uncontrolled systemic disease".'),
    ],
)
def test_seed_trial_criteria_in_plain_words(cid: str, expected: str) -> None:
    assert describe_criterion(seed_criteria()[cid]) == expected


def test_composite_merges_stage_into_the_cancer_and_counts_lines_in_the_singular() -> None:
    text = describe_criterion(seed_criteria()["inc-4"])
    assert text.startswith("You must have locally advanced pancreatic cancer, ")
    assert "at least 1 earlier line of treatment" in text
    assert "and have had radiotherapy, chemotherapy or immunotherapy" in text


def test_five_year_window_is_said_in_years_with_the_exceptions() -> None:
    text = describe_criterion(seed_criteria()["exc-1"])
    assert text.startswith("No other malignancy in the last 5 years (except ")
    assert "basal cell carcinoma of the skin" in text


def _crit(kind: str, params: dict, polarity: str = "inclusion") -> Criterion:
    return Criterion(
        id="inc-1",
        polarity=polarity,  # type: ignore[arg-type]
        text="the trial's words",
        start=0,
        end=17,
        kind=kind,  # type: ignore[arg-type]
        params=params,
        confidence=0.9,
        rule="test",
    )


@pytest.mark.parametrize(
    ("kind", "params", "polarity", "expected"),
    [
        (
            "age",
            {"age": {"op": ">=", "value": 18.0, "unit": "years"}},
            "inclusion",
            "You must be at least 18 years old.",
        ),
        # negation flips an inclusion into "must not"
        (
            "prior_therapy",
            {"classes": ["anti_pd1"], "negated": True},
            "inclusion",
            "You must not have had anti-PD-1.",
        ),
        (
            "prior_therapy",
            {"classes": ["anti_pd1"]},
            "exclusion",
            "You must not have had anti-PD-1.",
        ),
        (
            "biomarker",
            {"biomarker": "EGFR", "variants": ["exon 19 deletion", "L858R"]},
            "inclusion",
            "Your tumour test must show EGFR exon 19 deletion or L858R.",
        ),
        (
            "biomarker",
            {"biomarker": "MSI", "result": "MSI-H"},
            "inclusion",
            "Your tumour test must show MSI-H or dMMR (mismatch repair deficient).",
        ),
        (
            "biomarker",
            {"biomarker": "ALK", "result": "positive", "alteration": "fusion"},
            "exclusion",
            "Your tumour test must not show an ALK fusion.",
        ),
        (
            "lab",
            {
                "analyte": "total_bilirubin",
                "constraint": {"op": "<=", "value": 1.5, "unit": "x ULN"},
                "conditional": [
                    {
                        "condition": "liver metastases",
                        "constraint": {"op": "<=", "value": 3, "unit": "x ULN"},
                    }
                ],
            },
            "inclusion",
            "You must have a total bilirubin of at most 1.5 times the upper limit of normal "
            "(at most 3 times the upper limit of normal with liver metastases).",
        ),
        (
            "cns_metastases",
            {"state": "active"},
            "exclusion",
            "No active cancer that has spread to the brain or spinal cord.",
        ),
        (
            "performance_status",
            {"scale": "Karnofsky", "score": {"op": ">=", "value": 70}},
            "inclusion",
            "Karnofsky performance status of at least 70%: you can look after "
            "yourself but cannot work or carry on normal activity.",
        ),
        ("sex", {"sex": "female"}, "inclusion", "This trial is for women only."),
        (
            "lines_of_therapy",
            {"lines": {"op": "<=", "value": 2}},
            "inclusion",
            "You must have had at most 2 earlier lines of treatment.",
        ),
        ("pregnancy", {"breastfeeding": False}, "exclusion", "You must not be pregnant."),
        (
            "condition",
            {
                "all_of": [
                    {"kind": "pregnancy", "params": {}},
                    {"kind": "comorbidity", "params": {"conditions": ["hiv"]}},
                ]
            },
            "exclusion",
            "You cannot take part if you are pregnant and have HIV.",
        ),
        (
            "other",
            {"topic": "organ_function"},
            "inclusion",
            "Your blood counts, liver and kidneys must work well enough; the trial team checks "
            "this with blood tests.",
        ),
    ],
)
def test_kinds_in_plain_words(kind: str, params: dict, polarity: str, expected: str) -> None:
    assert describe_criterion(_crit(kind, params, polarity)) == expected


_BAD = re.compile(r"\bNone\b|[{}\[\]_]|  |\ba [aeiou]|\bhave be\b|\bmust not are\b")


@pytest.mark.parametrize("name", ["seed", "nsclc-100", "leukemia-100", "mixed-50"])
def test_every_bundled_criterion_reads_as_a_sentence(name: str) -> None:
    seen = 0
    for t in corpus(name):
        for c in parse_trial(t):
            text = describe_criterion(c)
            seen += 1
            assert text[:1].isupper() and text.endswith("."), (t.nct_id, c.id, text)
            if c.kind != "other":  # kind other quotes the trial's own words
                assert not _BAD.search(text), (t.nct_id, c.id, text)
                assert "meet this criterion" not in text, (t.nct_id, c.id, c.params)
    assert seen > 20


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"age": {"op": ">=", "value": 1 / 12, "unit": "years"}},
            "You must be at least 1 month old.",
        ),
        ({"age": {"op": ">=", "value": 1.0, "unit": "years"}}, "You must be at least 1 year old."),
        (
            {"age": {"op": "<=", "value": 80.0, "unit": "years"}},
            "You must be 80 years old or younger.",
        ),
    ],
)
def test_registry_ages_read_naturally(params: dict, expected: str) -> None:
    assert describe_criterion(_crit("age", params)) == expected


def test_registered_conditions_say_whom_the_trial_is_for() -> None:
    from matcher import structured_criteria

    studied = [c for c in structured_criteria(trial(SEED)) if c.rule == "ctgov:conditions"]
    assert [describe_criterion(c) for c in studied] == [
        "The trial is for people with pancreatic cancer."
    ]


def test_quoted_trial_words_lose_the_registry_escapes() -> None:
    text = describe_criterion(seed_criteria()["inc-5.2"])
    assert text.startswith('The trial team checks this: "Pancreatic head/uncinate process')
    assert "artery >180" in text and "\\" not in text
