"""Headings of flat lists: an item that only introduces the items after it."""

from __future__ import annotations

import re

from rules.criterion import Criterion

_LIMIT = re.compile(r"[<>≤≥=]\s*\d|\d\s*(?:%|x\s*ULN)")


def headings(crits: list[Criterion]) -> list[Criterion]:
    """An unread item ending with ":" that has no items of its own but is followed by one of
    its section ("Adequate haematological function:" above "WBC >= 2000/uL" in a flat list)
    is a heading of the items after it (``topic: heading``): they are checked one by one, and
    it is no question for a clinician.

    >>> from rules.criteria import parse_criteria
    >>> crits = parse_criteria("Inclusion Criteria:\\n* Adequate liver function:\\n* Bilirubin <= 1.5 x ULN")
    >>> [(c.kind, c.params) for c in crits]
    [('other', {'topic': 'heading'}), ('lab', ...)]
    """
    parents = {c.parent for c in crits}
    out = list(crits)
    for i, c in enumerate(crits[:-1]):
        nxt = crits[i + 1]
        if (
            c.kind == "other"
            and c.params in ({}, {"topic": "organ_function"})  # the lab items say which
            and c.text.rstrip().endswith(":")
            and not _LIMIT.search(c.text)  # "Serum creatinine <= 1.5 x ULN or ... formula:"
            and c.id not in parents
            and (nxt.polarity, nxt.parent) == (c.polarity, c.parent)
        ):
            out[i] = c.model_copy(
                update={"params": {"topic": "heading"}, "rule": f"{c.rule}+heading"}
            )
    return out
