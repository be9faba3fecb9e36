"""CTCAE grades of side effects: a criterion counting a condition only from a grade ("Grade >= 2
peripheral neuropathy", "not recovered to <= grade 1") against the grade the patient's
condition carries ("peripheral neuropathy (grade 2)", see ``profiles.text_grades``).

The criterion's bound is read from its own words (the ``grade_bounds`` table of
``matcher/data/knowledge.json``) and stored as ``params["grade"]``; the comorbidity evaluator
then counts a condition only when its grade reaches the bound, and asks the grade when the
record has none. A criterion whose bound is not read keeps the ``grade`` doubt.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from matcher import knowledge as kb
from rules.criterion import Criterion

_SYMBOL_OPS = {"≥": ">=", ">": ">"}
_NORMAL = (
    (re.compile(r"\\?>\s*/\s*=|\\?>=|=>"), "≥"),
    (re.compile(r"(?i)³\s*(?=CTCAE|CTC\s*AE|grade)"), "≥"),  # '≥' in a Symbol font
    (re.compile(r"\\?<\s*/\s*=|\\?<=|=<"), "≤"),
    (re.compile(r"\\([<>])"), r"\1"),  # the registry's markdown escape: '\>' is '>'
    (re.compile(r"(?i)common terminology criteria (?:for|of) adverse events"), "CTCAE"),
    (re.compile(r"(?i)\bCTC\s*AE\b|\bNCI[- ]CTCAE\b"), "CTCAE"),
    (re.compile(r"(?i)\s*[(\[](?:CTCAE|NCI)[^()\[\]]{0,20}[)\]]"), ""),
    # "NCI-CTC (National Cancer Institute-Common Toxicity Criteria) grade greater than or
    # equal to 2" (NCT02195973): the scale's name and the comparator in words
    (re.compile(r"(?i)\bNCI[- ]?CTC\b\s*(?:\([^()]{0,80}\))?"), "CTCAE"),
    (
        re.compile(
            r"(?i)\b(?:(?:greater|more|higher) than or equal to|equal to or (?:greater|more|higher) "
            r"than)(?=\s*(?:CTCAE\s*)?(?:grade\s*)?[0-5]\b)"
        ),
        "≥",
    ),
    (re.compile(r"(?i)\b(?:greater|higher) than(?=\s*(?:CTCAE\s*)?(?:grade\s*)?[0-5]\b)"), ">"),
)
#: what may stand between the grade words and the condition's name: a few words, none that
#: ties the grade to something else ("toxicities of >= Grade 2 related to the transplant")
_GAP = re.compile(r"(?i)^\s*(?:[\w'/-]+\s+){0,3}[\w'/-]*\s*$")
_GAP_STOP = re.compile(
    r"(?i)\b(?:related|due|attributed|from|to|after|secondary|caused|following|including|such|"
    r"than|or|and)\b"
)
#: a grade named outside the bound ("≥ grade 3 neuropathy or grade 2 with pain")
_BARE_GRADE = re.compile(r"(?i)\b(?:grade|level|degree)\s*[0-5]\b")
_GRADE_WORD = re.compile(r"(?i)grade|level|degree|CTC")
_PATIENT_GRADE = re.compile(r"(?i)\bgrade\s*([0-5])\b")


def _normal(text: str) -> str:
    for pattern, repl in _NORMAL:
        text = pattern.sub(repl, text)
    return text


@cache
def _patterns() -> tuple[tuple[dict[str, Any], re.Pattern[str]], ...]:
    table = kb.table("grade_bounds")
    return tuple((p, re.compile(p["pattern"], re.IGNORECASE)) for p in table["patterns"])


@cache
def _other_scale() -> re.Pattern[str]:
    return re.compile(kb.table("grade_bounds")["not_ctcae"], re.IGNORECASE)


def _bounds(text: str) -> list[tuple[dict[str, Any], int, int]]:
    """Every grade bound the words state, with its span in the normalized text."""
    found: list[tuple[dict[str, Any], int, int]] = []
    for p, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(s <= m.start() < e or m.start() <= s < m.end() for _, s, e in found):
                continue  # one phrase, read by an earlier pattern
            groups = m.groupdict()
            n = int(next(v for k, v in groups.items() if k.startswith("n") and v is not None))
            op = _SYMBOL_OPS[groups["sym"]] if p["op"] == "symbol" else p["op"]
            bound: dict[str, Any] = {"op": op, "value": n}
            if op == "between":
                hi = int(groups["m"])
                if hi <= n:
                    continue
                bound = {"op": ">=", "value": n} if hi >= 4 else {**bound, "value2": hi}
            if p.get("now"):
                bound["now"] = True
            found.append((bound, m.start(), m.end()))
    return found


def grade_bound(text: str) -> dict[str, Any] | None:
    """The one CTCAE grade bound a criterion states, or None (none, several, another scale).

    >>> grade_bound("Active grade ≥2 peripheral neuropathy")
    {'op': '>=', 'value': 2}
    >>> grade_bound("Peripheral neuropathy not recovered to <= Grade 1")
    {'op': '>', 'value': 1, 'now': True}
    >>> print(grade_bound("NYHA grade 3 or 4 cardiac insufficiency"))
    None
    """
    text = _normal(text)
    if _other_scale().search(text):
        return None
    bounds = {tuple(sorted(b.items())): b for b, _, _ in _bounds(text)}
    return next(iter(bounds.values())) if len(bounds) == 1 else None


def _attached(text: str, mention: str, start: int, end: int) -> bool:
    """The grade words and the condition's name stand together ("grade ≥2 pneumonitis",
    "neuropathy of ≥CTCAE 2 degrees"), not across a comma or bracket ("≥ grade 2 dyspnea),
    serous effusion")."""
    at = text.lower().find(mention.lower())
    if at < 0:
        return False
    if at + len(mention) <= start:
        gap = text[at + len(mention) : start]
    elif end <= at:
        gap = text[end:at]
    else:
        return False  # the name inside the grade words: not one phrase
    return bool(_GAP.match(gap)) and not _GAP_STOP.search(gap)


def graded(c: Criterion) -> Criterion:
    """The criterion with its grade bound in ``params["grade"]`` when it counts one condition
    from a CTCAE grade; otherwise the criterion itself.

    >>> c = Criterion(id="e1", polarity="exclusion", text="Grade ≥2 peripheral neuropathy;",
    ...     start=0, end=31, kind="comorbidity", confidence=0.9, rule="comorbidity",
    ...     params={"conditions": ["peripheral_neuropathy"], "classes": [],
    ...             "mentions": ["peripheral neuropathy"]})
    >>> graded(c).params["grade"]
    {'op': '>=', 'value': 2}
    """
    p = c.params
    if c.kind != "comorbidity" or "grade" in p or p.get("any_of") or p.get("all_of"):
        return c
    if p.get("significant"):
        return c
    named = [*(p.get("conditions") or []), *(p.get("classes") or [])]
    mentions = [str(m) for m in p.get("mentions") or []]
    if len(named) != 1 or len(mentions) != 1 or not _GRADE_WORD.search(c.text):
        return c
    text = _normal(c.text)
    if _other_scale().search(text):
        return c
    bounds = _bounds(text)
    if len({tuple(sorted(b.items())) for b, _, _ in bounds}) != 1:
        return c
    bound = bounds[0][0]
    if not all(_attached(text, mentions[0], s, e) for _, s, e in bounds):
        return c
    spans = [(s, e) for _, s, e in bounds]
    if any(not any(s <= m.start() < e for s, e in spans) for m in _BARE_GRADE.finditer(text)):
        return c  # another grade named beside the bound: which one counts is unclear
    return c.model_copy(update={"params": {**p, "grade": bound}})


def patient_grade(text: str) -> int | None:
    """The CTCAE grade a recorded condition carries ("peripheral neuropathy (grade 2)").

    >>> patient_grade("peripheral neuropathy (grade 2)"), patient_grade("neuropathy")
    (2, None)
    """
    m = _PATIENT_GRADE.search(text)
    return int(m.group(1)) if m else None


def reaches(grade: int, bound: dict[str, Any]) -> bool:
    """Whether a grade counts under the bound.

    >>> reaches(2, {"op": ">=", "value": 2}), reaches(1, {"op": ">", "value": 1})
    (True, False)
    """
    op, n = bound["op"], int(bound["value"])
    if op == ">":
        return grade > n
    if op == "between":
        return n <= grade <= int(bound["value2"])
    return grade >= n


def grade_hit(text: str, active: bool | None, bound: dict[str, Any]) -> bool | None:
    """Whether a recorded condition counts under the criterion's grade bound: None when the
    record gives no grade. A bound on the current grade ("not recovered to <= grade 1") is
    not reached by a condition that resolved.

    >>> b = {"op": ">=", "value": 2}
    >>> grade_hit("peripheral neuropathy (grade 1)", None, b)
    False
    >>> print(grade_hit("peripheral neuropathy", None, b))
    None
    >>> grade_hit("colitis (grade 3, resolved)", False, {"op": ">", "value": 1, "now": True})
    False
    """
    if bound.get("now") and active is False:
        return False
    grade = patient_grade(text)
    return None if grade is None else reaches(grade, bound)


def grade_words(bound: dict[str, Any]) -> str:
    """The bound in words.

    >>> grade_words({"op": ">=", "value": 2}), grade_words({"op": ">", "value": 1, "now": True})
    ('grade 2 or higher', 'still above grade 1')
    """
    n = int(bound["value"])
    if bound.get("now"):
        return f"still above grade {n}" if bound["op"] == ">" else f"still grade {n} or higher"
    if bound["op"] == ">":
        return f"grade {n + 1} or higher"
    if bound["op"] == "between":
        return f"grade {n} to {bound['value2']}"
    return f"grade {n} or higher"
