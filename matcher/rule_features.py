"""Rule-engine features of a pair: how the trial's criteria came out for the patient.

Counts and shares of met / not_met / unknown / needs_clinician by polarity, counts by
status x polarity x kind, confidence-weighted sums, and the verdict. Computed with
:func:`matcher.evaluate_trial` over the parsed criteria (``rules.criteria``), the same
judgement the product shows. Condition-kind outcomes get their own columns: whether the
trial's disease is the patient's is what separates an eligible trial from an excluded one.
"""

from __future__ import annotations

from datetime import date

from matcher import evaluate_trial
from matcher.facade import TrialMatch
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
    "pregnancy",
    "washout",
    "lines_of_therapy",
    "cns_metastases",
    "other",
)
VERDICT_CODE = {"ineligible": 0.0, "possibly_eligible": 1.0, "eligible": 2.0}
#: Fixed reference date so features (and the shipped model) are reproducible.
AS_OF = date(2026, 11, 20)


def _kind(kind: str) -> str:
    return kind if kind in KINDS else "other"


def rule_columns() -> list[str]:
    """Names of the numeric columns :func:`rule_row` returns, in order.

    >>> cols = rule_columns()
    >>> "rule_inclusion_not_met_condition" in cols, "rule_exclusion_met_comorbidity" in cols
    (True, True)
    """
    cols = [f"rule_{s}" for s in STATUSES]
    cols += [f"rule_{p}_{s}" for p in POLARITIES for s in STATUSES]
    cols += [f"rule_{p}_{s}_{k}" for p in POLARITIES for s in STATUSES[:3] for k in KINDS]
    cols += [f"rule_{s}_share" for s in STATUSES]
    cols += [f"rule_{p}_{s}_conf" for p in POLARITIES for s in ("met", "not_met")]
    cols += ["rule_total", "rule_fail_confidence", "rule_low_confidence", "rule_verdict"]
    cols += ["rule_score", "rule_condition_known", "rule_condition_fit"]
    return cols


_COLUMNS = tuple(rule_columns())


def rule_row(
    profile: PatientProfile,
    trial: Trial,
    *,
    as_of: date = AS_OF,
    judged: TrialMatch | None = None,
) -> dict[str, object]:
    """Rule features and the verdict of one pair.

    ``judged`` is the pair already judged by the matcher (e.g. by ``match_corpus``, at its
    own reference date): its outcomes are used instead of judging the trial again.

    >>> r = rule_row(PatientProfile(age=70), Trial(nct_id="NCT00000001", maximum_age="65 Years"))
    >>> r["verdict"], r["rule_not_met"], r["rule_inclusion_not_met_age"]
    ('ineligible', 1.0, 1.0)
    """
    m = judged if judged is not None else evaluate_trial(profile, trial, as_of=as_of)
    row: dict[str, object] = dict.fromkeys(_COLUMNS, 0.0)
    sure_fail = 0.0
    for o in m.outcomes:
        c, s = o.criterion, o.status
        row[f"rule_{s}"] += 1  # type: ignore[operator]
        row[f"rule_{c.polarity}_{s}"] += 1  # type: ignore[operator]
        if s != "needs_clinician":
            row[f"rule_{c.polarity}_{s}_{_kind(c.kind)}"] += 1  # type: ignore[operator]
        if s in ("met", "not_met"):
            row[f"rule_{c.polarity}_{s}_conf"] += c.confidence  # type: ignore[operator]
        if s == "not_met" or o.low_confidence:
            sure_fail = max(sure_fail, c.confidence)
    total = max(1, len(m.outcomes))
    row.update({f"rule_{s}_share": float(row[f"rule_{s}"]) / total for s in STATUSES})  # type: ignore[arg-type]
    row["rule_total"] = float(len(m.outcomes))
    row["rule_fail_confidence"] = sure_fail
    row["rule_low_confidence"] = float(sum(o.low_confidence for o in m.outcomes))
    row["rule_verdict"] = VERDICT_CODE[m.verdict]
    row["rule_score"] = float(m.score)
    # Disease fit as one signed number: +1 an inclusion condition met, -1 one failed
    # (or an exclusion condition met), 0 nothing known about the disease.
    cond = [o for o in m.outcomes if o.criterion.kind == "condition" and o.status != "unknown"]
    row["rule_condition_known"] = float(len(cond))
    fit = [1.0 if o.status == "met" else -1.0 for o in cond if o.status in ("met", "not_met")]
    row["rule_condition_fit"] = min(fit) if fit else 0.0
    row["verdict"] = m.verdict
    return row
