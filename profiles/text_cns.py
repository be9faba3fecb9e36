"""The state of brain metastases a note describes ("treated with SRS ... stable on MRI").

Trials rarely exclude every patient with brain metastases: most allow them once treated and
stable, and exclude untreated, symptomatic or progressing ones. A note that says which is
read here; the words become part of the site ("brain (treated, stable)"), as the web form
records the answer, so the matcher can settle those criteria.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from profiles.text_mentions import sentence_span

#: metastatic sites in the central nervous system, as the note reader names them
CNS_SITES = frozenset({"brain", "cns", "cerebral", "intracranial", "leptomeningeal"})
#: states that make metastases active: the others (treated, stable, asymptomatic) are quiet
ACTIVE = ("untreated", "symptomatic", "progressing", "new", "active")

_MENTION = re.compile(
    r"\b(?:brain|cns|intracranial|cerebral|leptomeningeal)\s+"
    r"(?:metasta\w*|mets|lesions?|disease|involvement)\b"
    r"|\bmetasta\w*\s+(?:to|in)\s+(?:the\s+)?brain\b",
    re.I,
)
_OTHER_SITE = re.compile(
    r"\b(?:liver|hepatic|lungs?|pulmonary|bones?|osseous|nodal|lymph nodes?|peritone\w*"
    r"|adrenal\w*|pleura\w*|skin|spine|spinal)\b",
    re.I,
)
_WORDS = {
    "stable": "stable",
    "controlled": "stable",
    "no new": "stable",
    "no progression": "stable",
    "no growth": "stable",
    "asymptomatic": "asymptomatic",
    "untreated": "untreated",
    "symptomatic": "symptomatic",
    "new": "new",
    "active": "active",
}


def state_name(word: str) -> str:
    """The state a word of the note names.

    >>> [state_name(w) for w in ["SRS", "not yet treated", "enlarging", "no new", "Symptomatic"]]
    ['treated', 'untreated', 'progressing', 'stable', 'symptomatic']
    """
    low = " ".join(word.lower().split())
    if low in _WORDS:
        return _WORDS[low]
    if low.startswith("not "):
        return "untreated"
    if low.startswith(("progress", "grow", "enlarg")):
        return "progressing"
    return "treated"


def cns_states(text: str, found: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The state words ``found`` (word, start, end) that the note says of CNS metastases.

    A word counts in a sentence that names brain (or CNS) metastases, when it stands nearer
    to that naming than to any other site ("stable bone lesions and new brain metastases":
    only "new" is said of the brain). A word inside a longer one found ("treated" in "not
    yet treated") is dropped.

    >>> note = "Bone metastases stable. Brain metastases treated with SRS, stable on MRI."
    >>> [w for w, *_ in cns_states(note, [("stable", 16, 22), ("treated", 42, 49),
    ...                                   ("SRS", 55, 58), ("stable", 60, 66)])]
    ['treated', 'SRS', 'stable']
    """
    spans = sorted(found, key=lambda f: (f[1], -(f[2] - f[1])))
    kept: list[tuple[str, int, int]] = []
    for word, start, end in spans:
        if any(a <= start and end <= b for _, a, b in kept):
            continue
        cut, stop = sentence_span(text, start, end)
        cns = [m.span() for m in _MENTION.finditer(text, cut, stop)]
        if not cns:
            continue
        others = [
            m.span()
            for m in _OTHER_SITE.finditer(text, cut, stop)
            if not any(a <= m.start() < b for a, b in cns)
        ]
        near_cns = min(_gap(start, end, span) for span in cns)
        if all(near_cns <= _gap(start, end, span) for span in others):
            kept.append((word, start, end))
    return kept


def _gap(start: int, end: int, span: tuple[int, int]) -> int:
    """Characters between the word ``start:end`` and a ``span`` (0 when they touch)."""
    return max(span[0] - end, start - span[1], 0)


def site_with_state(site: str, states: list[str]) -> str:
    """A CNS site with the states read ("brain (treated, stable)"); active states win.

    >>> site_with_state("brain", ["treated", "stable"]), site_with_state("liver", ["stable"])
    ('brain (treated, stable)', 'liver')
    >>> site_with_state("brain", ["treated", "progressing"])
    'brain (progressing)'
    """
    if site.lower() not in CNS_SITES or not states:
        return site
    active = [s for s in states if s in ACTIVE]
    return f"{site} ({', '.join(dict.fromkeys(active or states))})"
