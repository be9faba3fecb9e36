"""Which mentions in a note are the patient's own facts: the sentence a mention stands in,
and mentions that look like facts but are not (a hospital unit named for a cancer, a regimen's
drugs spelled out, drugs named only as what the disease is refractory to) or that say more
than their words (a resolved hepatitis B)."""

from __future__ import annotations

import re
from typing import Any

from rules import vocab

#: a full stop, ';' or a line end; the stops of "e.g." and "i.e." and a decimal point
#: ("6.4 mg/kg") end no sentence
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\b[eEiI])\.(?!\d)|[;\n]")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the sentence (or clause up to ';') holding ``start:end``.

    >>> t = "No HIV. Has COPD; smokes."
    >>> sentence_span(t, 12, 16)
    (7, 16)
    >>> t = "He hopes for trials of FLT3 inhibitors (e.g. gilteritinib). Fit."
    >>> sentence_span(t, t.index("gilteritinib"), t.index(")"))
    (0, 58)
    """
    cut = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, end)
    return cut, stop.start() if stop else len(text)


def service_name(text: str, end: int) -> bool:
    """Whether the cancer word ending at ``end`` names a hospital unit ("Myeloma Service").

    >>> service_name("Department of Haematology - Myeloma Service", 35)
    True
    """
    return bool(_SERVICE.match(text, end))


#: a cancer word naming a hospital unit ("Myeloma Service", "Lymphoma Clinic")
_SERVICE = re.compile(
    r"(?i)\s+(?:service|clinic|unit|department|team|program(?:me)?|centre|center|institute|"
    r"multidisciplinary|MDT|tumou?r board)\b"
)
#: "now refractory to daratumumab, pomalidomide and lenalidomide": the drugs' history
_REFRACTORY_TO = re.compile(
    r"(?i)\b(?:refractory|resistant|exposed|intolerant|intolerance)\s+(?:to|of)\b[^.;:]*$"
)


def spelled_out(text: str, m: Any, found: list[Any]) -> bool:
    """A drug inside the brackets right after a regimen that contains it: the regimen
    spelled out, not another therapy.

    >>> from rules import vocab
    >>> t = "VRd (bortezomib, lenalidomide, dexamethasone) x4, then lenalidomide."
    >>> fs = list(vocab.find_drugs(t))
    >>> [(d.text, spelled_out(t, d, fs)) for d in fs]  # doctest: +NORMALIZE_WHITESPACE
    [('VRd', False), ('bortezomib', True), ('lenalidomide', True), ('dexamethasone', True),
     ('lenalidomide', False)]
    """
    if m.type != "drug":
        return False
    for r in found:
        if r.type != "regimen" or r.end > m.start or m.id not in (vocab.regimen_drugs(r.id) or []):
            continue
        between = text[r.end : m.start]
        if re.fullmatch(r"\s*(?:regimen\s*)?\([^()]*", between):
            return True
    return False


def named_as_refractory(text: str, m: Any, found: list[Any]) -> bool:
    """A drug named only as what the disease is refractory (or the patient intolerant) to,
    which the note names elsewhere as given: not a new therapy ("refractory to daratumumab,
    pomalidomide and lenalidomide" after each was listed with its dates). ``found``: the drug
    mentions of the whole note.

    >>> from rules import vocab
    >>> t = "Lenalidomide from 2023. Now refractory to lenalidomide."
    >>> fs = list(vocab.find_drugs(t))
    >>> [named_as_refractory(t, d, fs) for d in fs]
    [False, True]
    """
    cut, _ = sentence_span(text, m.start, m.end)
    if not _REFRACTORY_TO.search(text[cut : m.start]):
        return False
    return any(o.id == m.id and o.start != m.start for o in found)


#: hepatitis B serology of a past, cleared infection: core antibody with a negative HBsAg
_HBC = re.compile(r"(?i)\b(?:core antibod\w*|anti-?HBc|HBcAb|HBc antibod\w*)")
_HBSAG_NEGATIVE = re.compile(
    r"(?i)\bHBsAg[\s:(-]*(?:negative|neg\b|-(?!\w)|\(-\))|\bnegative for HBsAg\b"
)


def resolved_hbv(text: str, m: Any) -> str | None:
    """ "hepatitis B core antibody positive (HBsAg negative ...)": a resolved infection, so
    written "resolved hepatitis B (...)" (the matcher reads "resolved" as not active).

    >>> from rules import vocab
    >>> t = "He is hepatitis B core antibody positive (HBsAg negative, HBV DNA undetectable)."
    >>> resolved_hbv(t, vocab.find_comorbidities(t)[0])
    'resolved hepatitis B (hepatitis B core antibody)'
    >>> t = "Chronic hepatitis B, HBsAg positive."
    >>> print(resolved_hbv(t, vocab.find_comorbidities(t)[0]))
    None
    """
    if m.id != "hepatitis_b":
        return None
    cut, stop = sentence_span(text, m.start, m.end)
    sentence = text[cut:stop]
    if _HBC.search(sentence) and _HBSAG_NEGATIVE.search(sentence):
        return f"resolved hepatitis B ({m.text})"
    return None


#: a letter's history field answered none: "Other history: none.", "PMH: nil"
_HISTORY_NONE = re.compile(
    r"(?im)^[ \t]*(?:other\s+(?:medical\s+)?history|(?:past\s+)?medical\s+history|PMH|"
    r"comorbidit(?:y|ies))[ \t]*:[ \t]*(none(?:\s+known|\s+of\s+note)?|nil|nothing\s+of\s+note|"
    r"unremarkable|no\s+other\s+(?:medical\s+)?history)[ \t]*\.?[ \t]*$"
)


def history_none_facts(text: str) -> list[Any]:
    """A ``conditions.none`` fact for a history field answered none ("Other history: none."):
    no other conditions, unless the note names some elsewhere (they are then the list).

    >>> [(f.field, f.text) for f in history_none_facts("KPS 80.\\n\\nOther history: none.\\n")]
    [('conditions.none', 'none')]
    >>> history_none_facts("Other history: hypertension, none other.")
    []
    """
    from profiles.text import Fact

    return [
        Fact(field="conditions.none", value=[], text=m.group(1), start=m.start(1), end=m.end(1))
        for m in _HISTORY_NONE.finditer(text)
    ]
