"""The setting a note gives a treatment ("adjuvant trastuzumab", "neoadjuvant FOLFOX",
"pertuzumab-trastuzumab maintenance") and the site of a radiotherapy ("radiotherapy to the
chest wall"). The matcher counts lines of therapy for advanced disease
without adjuvant, neoadjuvant or maintenance treatment, so an early-stage treatment read
without its setting was counted as a line (a breast letter's adjuvant trastuzumab and
tamoxifen made "6 prior lines" of two). Patterns: ``profiles/data/text_patterns.json``
(``setting_before``, ``setting_after``).
"""

from __future__ import annotations

import re
from typing import Any

from rules import vocab

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


def with_site(text: str, fact: Any) -> Any:
    """A radiotherapy named with the body site the words after it give ("adjuvant
    radiotherapy to the chest wall" -> "radiotherapy to the chest wall"), so a criterion
    limited to a site ("no prior radiotherapy to the breast, chest wall") can be decided; a
    site the vocabulary does not know ("20 Gy to T8") leaves the name as it was. The span and
    its words stay those of the treatment.

    >>> from profiles.text import Fact
    >>> t = "adjuvant radiotherapy to the chest wall; tamoxifen"
    >>> f = Fact(field="therapies", value={"name": "radiotherapy", "kind": "radiotherapy"},
    ...          text="radiotherapy", start=9, end=21)
    >>> with_site(t, f).value["name"]
    'radiotherapy to the chest wall'
    >>> t = "Prophylactic cranial irradiation in 2023"
    >>> f = Fact(field="therapies", value={"name": "irradiation", "kind": "radiotherapy"},
    ...          text="irradiation", start=21, end=32)
    >>> with_site(t, f).value["name"]
    'Prophylactic cranial irradiation'
    """
    from profiles.text import patterns

    value = fact.value if isinstance(fact.value, dict) else {}
    if fact.field != "therapies" or value.get("kind") != "radiotherapy":
        return fact
    if vocab.surgery_sites(str(value.get("name", ""))):
        return fact  # "whole brain radiotherapy": its site is in its name
    name = str(value.get("name") or fact.text)
    before = _SITE_BEFORE.search(text, max(0, fact.start - 40), fact.start)
    if before and vocab.surgery_sites(before.group(1)):  # "prophylactic cranial irradiation"
        return fact.model_copy(update={"value": {**value, "name": f"{before.group(1)} {name}"}})
    cue = next(p for p in patterns() if p.field == "radiotherapy_site")
    found = cue.regex.match(text, fact.end)
    if found is None or not vocab.surgery_sites(found.group(cue.group)):
        return fact
    name = f"{name} {text[fact.end : found.end()].strip()}"
    return fact.model_copy(update={"value": {**value, "name": name}})


#: the one or two words right before a radiotherapy ("chest wall radiotherapy")
_SITE_BEFORE = re.compile(r"(?i)\b([a-z]+(?:[ -][a-z]+)?)[ -]$")
