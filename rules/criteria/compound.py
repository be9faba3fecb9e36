"""Compound items: a condition and a lab limit joined by "or" in one item.

"No diabetes mellitus or fasting glucose >= 120 mg/dl" excludes a patient with either, but the
pattern engine reads only its first kind (the lab limit, tried before conditions). The
condition before the "or" is read as a criterion of its own, a child of the item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Classify = Callable[[str, str], tuple[str, dict[str, Any], float, str]]

_OR_BEFORE = re.compile(r"(?i)[\s,]*\b(?:or|and/or)\s*$")
_STRIP = " ,;:(-\t\n"
MIN_PART, MAX_PART = 3, 60
_LIST = re.compile(r"(?i)[;:()\d]|\be\.?g\b|\bsuch as\b|\bincluding\b|\bwith\b")


@dataclass(frozen=True)
class Part:
    """A condition read from the words before a lab limit (offsets within the item)."""

    start: int
    end: int
    params: dict[str, Any]
    confidence: float
    rule: str


def condition_before_lab(
    text: str, lab_start: int, polarity: str, classify: Classify
) -> Part | None:
    """The condition an item names before "or <lab limit>", when both are ruled out.

    Only where each alternative excludes on its own: an exclusion ("Diabetes mellitus or
    fasting glucose > 126 mg/dL") or a negated inclusion ("No diabetes mellitus or ...").
    A plain inclusion ("Diabetes or fasting glucose >= 126") offers alternatives, and is left
    to the lab reading.

    >>> from rules.criteria.parse import classify
    >>> text = "No diabetes mellitus or fasting glucose greater than or equal to 120 mg/dl."
    >>> part = condition_before_lab(text, 24, "inclusion", classify)
    >>> text[part.start : part.end], part.params["classes"], part.params["negated"]
    ('No diabetes mellitus', ['diabetes'], True)
    >>> condition_before_lab("Diabetes or fasting glucose >= 126", 12, "inclusion", classify)
    """
    head = text[:lab_start]
    m = _OR_BEFORE.search(head)
    if m is None:
        return None
    raw = head[: m.start()]
    start = len(raw) - len(raw.lstrip(_STRIP))
    part = raw.strip(_STRIP)
    if not MIN_PART <= len(part) <= MAX_PART or _LIST.search(part):
        return None  # one short condition, not a list of examples ("e.g. ...; ...")
    kind, params, conf, rule = classify(part, polarity)
    if kind != "comorbidity" or (not params.get("conditions") and not params.get("classes")):
        return None
    negated = bool(params.get("negated"))
    if negated != (polarity == "inclusion"):
        return None
    return Part(start, start + len(part), params, conf, f"{rule}+before-lab")
