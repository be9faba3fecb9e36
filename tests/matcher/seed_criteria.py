"""Criteria of the real seed trial NCT06532617, built by hand from its own text (spans found in
the real eligibility text), so the matcher is tested on real criteria independently of the
parser. Params follow docs/criteria.md.
"""

from __future__ import annotations

import gzip
import json

from rules.criterion import Criterion
from rules.trial import Trial
from tests.conftest import BUNDLED


def seed_trial() -> Trial:
    with gzip.open(BUNDLED / "seed-pancreatic-NCT06532617.json.gz", "rt") as fh:
        return Trial.from_record(json.load(fh)[0])


_DAYS28 = {"op": "<=", "value": 28, "unit": "days"}
SPECS = [
    ("inc-consent", "inclusion", "Signed written informed consent", "consent", {}),
    (
        "inc-age",
        "inclusion",
        "Age 18-80",
        "age",
        {"age": {"op": "between", "value": 18, "value2": 80, "unit": "years"}},
    ),
    (
        "inc-histology",
        "inclusion",
        "Histopathologically confirmed pancreatic ductal adenocarcinoma",
        "condition",
        {"cancers": ["pdac"], "histologically_confirmed": True},
    ),
    (
        "inc-la-first-line",
        "inclusion",
        "Patients with locally advanced pancreatic cancer who have previously received standard first-line anti-tumor treatment",
        "stage",
        {
            "all_of": [
                {"kind": "stage", "params": {"extent": ["locally advanced"]}},
                {
                    "kind": "prior_therapy",
                    "params": {"any_anticancer": True, "setting": "first line"},
                },
            ]
        },
    ),
    (
        "inc-no-distant",
        "inclusion",
        "The tumor has no distant metastasis",
        "stage",
        {"extent": ["metastatic"], "negated": True},
    ),
    (
        "inc-measurable",
        "inclusion",
        "At least one measurable lesion (RECIST1.1)",
        "measurable_disease",
        {"standard": "RECIST 1.1"},
    ),
    (
        "inc-ecog",
        "inclusion",
        "ECOG PS 0-1",
        "performance_status",
        {"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}},
    ),
    (
        "inc-survival",
        "inclusion",
        "Expected survival time\\>3 months",
        "life_expectancy",
        {"months": {"op": ">", "value": 3}},
    ),
    ("inc-organ", "inclusion", "Adequate organ function", "other", {}),
    (
        "exc-other-cancer",
        "exclusion",
        "Malignant diseases other than pancreatic cancer diagnosed within 5 years",
        "comorbidity",
        {
            "classes": ["other_malignancy"],
            "within": {"op": "<=", "value": 5, "unit": "years"},
            "exceptions": [
                "basal cell carcinoma of the skin",
                "squamous cell carcinoma of the skin",
                "carcinoma in situ",
            ],
        },
    ),
    (
        "exc-research-drug",
        "exclusion",
        "having received other research drugs or used research devices within 4 weeks before the first dose",
        "washout",
        {"kind": "investigational", "within": _DAYS28},
    ),
    (
        "exc-autoimmune",
        "exclusion",
        "Active autoimmune disease",
        "comorbidity",
        {"classes": ["autoimmune_disease"], "active": True},
    ),
    ("exc-hiv", "exclusion", "History of HIV", "comorbidity", {"conditions": ["hiv"]}),
    (
        "exc-pregnant",
        "exclusion",
        "Pregnant or breastfeeding women",
        "pregnancy",
        {"breastfeeding": True},
    ),
    (
        "exc-unsuitable",
        "exclusion",
        "The investigators assess that the subjects are unable to complete the entire trial process",
        "other",
        {},
    ),
]


def seed_criteria(trial: Trial | None = None) -> list[Criterion]:
    trial = trial or seed_trial()
    text = trial.eligibility_criteria or ""
    out = []
    for cid, polarity, words, kind, params in SPECS:
        start = text.index(words)
        out.append(
            Criterion(
                id=cid,
                polarity=polarity,
                text=words,
                start=start,
                end=start + len(words),
                kind=kind,
                params=params,
                confidence=0.9,
                rule="hand-built",
            )
        )
    return out
