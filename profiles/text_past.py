"""Lab values of the past: a value a letter ties to an earlier event is not today's value.

"At the time of his initial diagnosis ... he was hospitalized with a glucose value >1000
mg/dL" (TREC ct2021-29) tells how the illness began, not the glucose of the visit; read as
current, it failed every glucose limit. The rule:

* a value is of the past when its sentence ties it to an earlier event: the cues of the
  ``lab_past`` pattern ("at (the time of) diagnosis", "at that time", "previously", "prior
  to treatment", "on admission in 2019"), or a cue of the broader ``lab_history`` pattern
  ("at presentation", "nadir", "diagnosed") with a calendar date a year or more before the
  day the note is read ("diagnosed 01/2022 with bone metastases at presentation (PSA 112)");
* unless its own clause says it is current ("now", "currently", "today");
* such a value is kept among the facts as ``labs.past`` with its date when its sentence gives
  one (the calendar date nearest to it), and stays out of the profile's labs: the matcher
  takes a profile's lab as the current value.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from profiles.text_dates import month_number
from profiles.text_mentions import sentence_span
from profiles.text_vocab import _DATE, _calendar

#: the value's own clause says it is today's
_NOW = re.compile(r"(?i)\b(?:now|currently|current|today|latest|most\s+recent(?:ly)?)\b")
_CLAUSE = re.compile(r"[,;(]|\band\b")


def past_date(text: str, start: int, end: int, *, as_of: date) -> tuple[bool, str | None]:
    """Whether the lab value at ``start:end`` is of the past, and its date when the sentence
    gives one.

    >>> t = "At the time of his diagnosis in 2015 he had a glucose value >1000 mg/dL."
    >>> past_date(t, t.index("glucose"), len(t) - 1, as_of=date(2026, 11, 20))
    (True, '2015')
    >>> t = "PSA 112 ng/mL at diagnosis, now 48 ng/mL."
    >>> past_date(t, 0, 13, as_of=date(2026, 11, 20)), past_date(t, 32, 40, as_of=date(2026, 11, 20))
    ((True, None), (False, None))
    >>> past_date("Labs (10/11/2026): creatinine 0.9 mg/dL.", 19, 39, as_of=date(2026, 11, 20))
    (False, None)
    """
    from profiles.text import _find

    cut, stop = sentence_span(text, start, end)
    sentence = text[cut:stop]
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, cut, start)), default=cut)
    clause_end = next((m.start() for m in _CLAUSE.finditer(text, end, stop)), stop)
    if _NOW.search(text, clause_start, clause_end):
        return False, None
    dates = [(abs(m.start() - start), _calendar(m)) for m in _DATE.finditer(text, cut, stop)]
    today = as_of.year * 12 + as_of.month
    dated = [(gap, d) for gap, d in dates if month_number(d, missing=6) <= today]
    when = min(dated)[1] if dated else None
    if _find("lab_past", sentence):
        return True, when
    old = [d for _, d in dated if today - month_number(d, missing=6) >= 12]
    if old and _find("lab_history", sentence):
        return True, when
    return False, None


def with_past_labs(text: str, facts: list[Any], *, as_of: date) -> list[Any]:
    """The facts with each lab value of the past as a ``labs.past`` fact (dated when its
    sentence gives a date), out of the profile's current labs.

    >>> from profiles.text import extract_facts
    >>> t = "At diagnosis in 03/2019 her glucose was 450 mg/dL. Creatinine 0.9 mg/dL."
    >>> fs = extract_facts(t, as_of=date(2026, 11, 20))
    >>> [(f.field, f.value.get("date")) for f in fs if f.field.startswith("labs")]
    [('labs.past', '2019-03'), ('labs', None)]
    """
    out: list[Any] = []
    for f in facts:
        if f.field == "labs" and isinstance(f.value, dict):
            past, when = past_date(text, f.start, f.end, as_of=as_of)
            if past:
                value = {**f.value, **({"date": when} if when else {})}
                f = f.model_copy(update={"field": "labs.past", "value": value})
        out.append(f)
    return out
