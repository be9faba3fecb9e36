"""Split items that hold several criteria written inline.

Flattened records put a whole list in one paragraph ("1. Age >= 18 2. ECOG 0-1"), PDQ-style
records chain labels ("Age: 18 to 80 Performance status: 0-1"), and many items carry inline
sub-items ("defined as follows: a. ...; b. ..."). Numbered pieces and labels become siblings
(or children when the text before them ends with a colon); lettered pieces become children.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rules.criteria.segment import (
    Item,
    _subheader,
    _trim,
    is_exception_parent,
    is_list_parent,
    rules,
)

_MIN_SENTENCE_SPLIT = 600
# Literal clues one of which every inline numbered list holds (checked before the regex).
_NUMBER_CLUES = ("1.", "2.", "1)", "2)", "(1", "(2", "•", "▪", "●", "■")
_DASH_CLUE = re.compile(r"[.;:]\s?-")


def _numbered_cuts(
    text: str, start: int, end: int, *, own: str | None = None
) -> list[tuple[int, int]]:
    """(marker start, content start) of an increasing 1., 2., 3. ... sequence (or bullets).

    ``own`` is the item's own leading number ("1."), already cut off the span: then a lone
    "2." inside the item starts the sequence.
    """
    if (
        not own
        and not any(text.find(c, start, end) >= 0 for c in _NUMBER_CLUES)
        and not (text.find("-", start, end) >= 0 and _DASH_CLUE.search(text, start, end))
    ):
        return []  # no "1." / "2)" / "(1" / bullet / ". -" at all: nothing to cut (speed)
    cuts: list[tuple[int, int]] = []
    expected = None
    own_digits = re.sub(r"\D", "", own or "")
    minimum = 2
    if own_digits and len(own_digits) <= 2:
        expected, minimum = int(own_digits) + 1, 1
    for m in rules().inline_items.finditer(text, start, end):
        marker = m.group("marker")
        digits = re.sub(r"\D", "", marker)
        if digits:
            n = int(digits)
            if (expected is None and n in (1, 2)) or (expected is not None and n == expected):
                cuts.append((m.start("marker"), m.end()))
                expected = n + 1
        elif marker in "•▪●■-" and (expected is None or expected == -1):
            cuts.append((m.start("marker"), m.end()))
            expected = -1
    return cuts if len(cuts) >= minimum else []


def _letter_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if text.find("a.", start, end) < 0 and text.find("a)", start, end) < 0:
        return []  # a lettered list starts with "a." or "a)" (speed)
    cuts: list[tuple[int, int]] = []
    want = "a"
    for m in rules().inline_letters.finditer(text, start, end):
        letter = m.group("marker").strip("().")[0]
        if letter == want:
            cuts.append((m.start("marker"), m.end()))
            want = chr(ord(want) + 1)
    return cuts if len(cuts) >= 2 else []


def _label_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if text.find(":", start, end) < 0:
        return []
    cuts = [(m.start(), m.start()) for m in rules().pdq_labels.finditer(text, start, end)]
    return [c for c in cuts if c[0] > start]


def _sentence_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start < _MIN_SENTENCE_SPLIT or "\n" in text[start:end].strip():
        return []
    return [(m.end(), m.end()) for m in rules().sentence_break.finditer(text, start, end)]


def _cut(text: str, start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans between cuts; the first span is the lead text before the first cut."""
    spans = [_trim(text, start, cuts[0][0])]
    for i, (_, content) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else end
        spans.append(_trim(text, content, stop))
    return spans


def _strip_tail(text: str, span: tuple[int, int]) -> tuple[int, int]:
    s, e = span
    while e > s and text[e - 1] in ";, ":
        e -= 1
    return s, e


def expand_inline(text: str, items: list[Item]) -> list[Item]:
    """Items with inline lists split out; parent links are remapped to the new list."""
    out: list[Item] = []
    new_index: dict[int, int] = {}
    for old, item in enumerate(items):
        parent = new_index.get(item.parent) if item.parent is not None else None
        last = _expand_one(text, item, parent, out)
        new_index[old] = last
    for i, it in enumerate(out):
        it.children = []
        if it.parent is not None:
            out[it.parent].children.append(i)
    return out


def _add(out: list[Item], proto: Item, span: tuple[int, int], parent: int | None) -> int:
    item = replace(proto, start=span[0], end=span[1], parent=parent, children=[])
    if parent is not None:
        p = out[parent]
        item.depth = p.depth + 1
    out.append(item)
    return len(out) - 1


def _expand_one(text: str, item: Item, parent: int | None, out: list[Item]) -> int:
    s, e = item.start, item.end
    cuts = _label_cuts(text, s, e) or _numbered_cuts(text, s, e, own=item.marker)
    if not cuts and _letter_cuts(text, s, e):
        return _expand_letters(text, item, (s, e), parent, out)
    cuts = cuts or _sentence_cuts(text, s, e)
    if not cuts:
        return _add(out, item, (s, e), parent)
    spans = [_strip_tail(text, sp) for sp in _cut(text, s, e, cuts)]
    lead, rest = spans[0], [sp for sp in spans[1:] if sp[0] < sp[1]]
    lead_text = text[lead[0] : lead[1]]
    last = parent
    pdq = bool(_label_cuts(text, s, e))
    if pdq and item.marker is None and lead[0] < lead[1] and _subheader(lead_text, bulleted=False):
        item = replace(item, section=lead_text.rstrip(": ").strip())
        lead = (lead[0], lead[0])  # a heading, not a criterion
    if lead[0] < lead[1] and lead_text.rstrip().endswith(":") and not pdq:
        head = _add(out, item, lead, parent)
        flags = _flags(lead_text, item.polarity)
        for sp in rest:
            child = replace(
                item,
                alternatives=flags[0] or item.alternatives,
                definition=flags[1] or item.definition,
                exception=flags[2] or item.exception,
            )
            _expand_letters(text, child, sp, head, out)
        return head
    if lead[0] < lead[1]:
        last = _expand_letters(text, item, lead, parent, out)
    for sp in rest:
        last = _expand_letters(text, item, sp, parent, out)
    return last if last is not None else _add(out, item, (s, e), parent)


def _flags(lead_text: str, polarity: str) -> tuple[bool, bool, bool]:
    if is_list_parent(
        lead_text, polarity
    ):  # "... meet all of the following criteria:": each required
        return False, False, is_exception_parent(lead_text)
    return (
        bool(rules().alternatives_parent.search(lead_text)),
        bool(rules().definition_parent.search(lead_text)),
        is_exception_parent(lead_text),
    )


def _expand_letters(
    text: str, item: Item, span: tuple[int, int], parent: int | None, out: list[Item]
) -> int:
    s, e = span
    cuts = _letter_cuts(text, s, e)
    if not cuts:
        return _add(out, item, (s, e), parent)
    spans = [_strip_tail(text, sp) for sp in _cut(text, s, e, cuts)]
    lead, rest = spans[0], [sp for sp in spans[1:] if sp[0] < sp[1]]
    if lead[0] >= lead[1]:
        last = parent
        for sp in rest:
            last = _add(out, item, sp, parent)
        return last if last is not None else _add(out, item, (s, e), parent)
    head = _add(out, item, lead, parent)
    alt, defn, exc = _flags(text[lead[0] : lead[1]], item.polarity)
    for sp in rest:
        child = replace(
            item,
            alternatives=alt or item.alternatives,
            definition=defn or item.definition,
            exception=exc or item.exception,
        )
        _add(out, child, sp, head)
    return head
