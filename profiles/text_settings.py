"""The setting a note gives a treatment: "adjuvant trastuzumab", "neoadjuvant FOLFOX",
"pertuzumab-trastuzumab maintenance". The matcher counts lines of therapy for advanced disease
without adjuvant, neoadjuvant or maintenance treatment, so an early-stage treatment read
without its setting was counted as a line (a breast letter's adjuvant trastuzumab and
tamoxifen made "6 prior lines" of two). Patterns: ``profiles/data/text_patterns.json``
(``setting_before``, ``setting_after``).
"""

from __future__ import annotations

import re
from typing import Any

#: the clause before a treatment: cut at a sentence end, a semicolon or a comma
_CLAUSE_END = re.compile(r"[.;,\n]")


def therapy_setting(text: str, start: int, end: int) -> str | None:
    """The setting of the treatment at ``start:end``, None when the words give none.

    >>> t = "Adjuvant trastuzumab for one year and tamoxifen; FOLFOX at relapse."
    >>> [therapy_setting(t, t.index(w), t.index(w) + len(w))
    ...  for w in ("trastuzumab", "tamoxifen", "FOLFOX")]
    ['adjuvant', 'adjuvant', None]
    >>> t = "Pertuzumab-trastuzumab maintenance until progression."
    >>> therapy_setting(t, 0, 22)
    'maintenance'
    """
    from profiles.text import patterns

    cut = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    for field, words in (("setting_before", text[cut:start]), ("setting_after", text[end:])):
        cue = next(p for p in patterns() if p.field == field)
        found = cue.regex.search(words)
        if found:
            return found.group(cue.group).lower().replace("-", "")
    return None


def with_setting(text: str, fact: Any) -> Any:
    """``fact`` with the setting its words give, when it is a treatment without one.

    >>> from profiles.text import Fact
    >>> t = "adjuvant tamoxifen"
    >>> f = Fact(field="therapies", value={"name": "tamoxifen"}, text="tamoxifen", start=9, end=18)
    >>> with_setting(t, f).value
    {'name': 'tamoxifen', 'setting': 'adjuvant'}
    """
    if fact.field != "therapies" or not isinstance(fact.value, dict) or "setting" in fact.value:
        return fact
    setting = therapy_setting(text, fact.start, fact.end)
    if setting is None:
        return fact
    return fact.model_copy(update={"value": {**fact.value, "setting": setting}})
