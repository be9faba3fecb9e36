"""Rule-engine features of a pair: how the trial's criteria came out for the patient.

Counts and shares of met / not_met / unknown / needs_clinician, split by polarity and by a
few kinds, confidence-weighted failures, and the verdict. Computed with
:func:`matcher.evaluate_trial`, the same judgement the product shows.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.trial import Trial

STATUSES = ("met", "not_met", "unknown", "needs_clinician")
POLARITIES = ("inclusion", "exclusion")
KINDS = (
    "age",
    "sex",
    "condition",
    "stage",
    "biomarker",
    "performance_status",
    "prior_therapy",
    "comorbidity",
    "lab",
    "other",
)
VERDICT_CODE = {"ineligible": 0.0, "possibly_eligible": 1.0, "eligible": 2.0}
#: Fixed reference date so features (and the shipped model) are reproducible.
AS_OF = date(2026, 11, 20)


@cache
def parser_available() -> bool:
    """Whether the criteria parser (``rules.criteria``) is installed; without it only the
    structured age and sex fields are judged."""
    try:
        from rules.criteria import parse_trial  # noqa: F401
    except ImportError:
        return False
    return True


def rule_row(profile: PatientProfile, trial: Trial, *, as_of: date = AS_OF) -> dict[str, object]:
    """Rule features and the verdict of one pair.

    >>> r = rule_row(PatientProfile(age=70), Trial(nct_id="NCT00000001", maximum_age="65 Years"))
    >>> r["verdict"], r["rule_not_met"], r["rule_not_met_age"]
    ('ineligible', 1.0, 1.0)
    """
    m = evaluate_trial(profile, trial, as_of=as_of, criteria=None if parser_available() else [])
    row: dict[str, object] = {f"rule_{s}": 0.0 for s in STATUSES}
    row.update({f"rule_{p}_{s}": 0.0 for p in POLARITIES for s in STATUSES})
    row.update({f"rule_{s}_{k}": 0.0 for k in KINDS for s in ("met", "not_met", "unknown")})
    sure_fail = 0.0
    for o in m.outcomes:
        c = o.criterion
        row[f"rule_{o.status}"] += 1  # type: ignore[operator]
        row[f"rule_{c.polarity}_{o.status}"] += 1  # type: ignore[operator]
        kind = c.kind if c.kind in KINDS else "other"
        if o.status != "needs_clinician":
            row[f"rule_{o.status}_{kind}"] += 1  # type: ignore[operator]
        if o.status == "not_met" or o.low_confidence:
            sure_fail = max(sure_fail, c.confidence)
    total = max(1, len(m.outcomes))
    row.update({f"rule_{s}_share": float(row[f"rule_{s}"]) / total for s in STATUSES})  # type: ignore[arg-type]
    row["rule_total"] = float(len(m.outcomes))
    row["rule_fail_confidence"] = sure_fail
    row["rule_low_confidence"] = float(sum(o.low_confidence for o in m.outcomes))
    row["rule_verdict"] = VERDICT_CODE[m.verdict]
    row["rule_score"] = float(m.score)
    row["verdict"] = m.verdict
    return row
