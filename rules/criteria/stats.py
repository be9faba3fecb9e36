"""Coverage statistics over parsed criteria (for ``trialmatch parse --stats`` and benchmarks)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rules.criterion import Criterion

_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_SPACES = re.compile(r"\s+")


def phrasing(text: str) -> str:
    """A criterion's text with digits and case normalised, to group similar phrasings.

    >>> phrasing("Age  >= 18 Years")
    'age >= # years'
    """
    return _SPACES.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def coverage(criteria: Iterable[Criterion], *, top: int = 20) -> dict[str, Any]:
    """Share of criteria structured (kind other than ``other``), overall and by kind, and the
    most common unstructured phrasings. Lab-panel parents (whose thresholds are sub-criteria)
    count as structured.

    >>> from rules.criteria import parse_criteria
    >>> report = coverage(parse_criteria("* ECOG 0-1\\n* Adequate organ function"))
    >>> report["criteria"], report["structured"], report["by_kind"]
    (2, 1, {'performance_status': 1, 'other': 1})
    """
    crits = list(criteria)
    by_kind = Counter(c.kind for c in crits)
    unstructured = Counter(
        phrasing(c.text)
        for c in crits
        if c.kind == "other" and c.params.get("topic") != "lab_panel"
    )
    structured = sum(1 for c in crits if c.kind != "other" or c.params.get("topic") == "lab_panel")
    return {
        "criteria": len(crits),
        "structured": structured,
        "structured_share": structured / len(crits) if crits else 0.0,
        "by_kind": dict(by_kind.most_common()),
        "top_unstructured": [{"text": t, "count": n} for t, n in unstructured.most_common(top)],
    }
