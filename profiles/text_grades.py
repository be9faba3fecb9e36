"""CTCAE grades of side effects in a note: "grade 2 peripheral neuropathy (sensory) from
bortezomib" is the condition "peripheral neuropathy (grade 2)", the way a metastatic site
carries its state ("brain (treated, stable)"). The matcher reads the grade back
(``matcher.evaluate_grade``).

A grade is read only when it is attached to the condition the vocabulary found: just before it
("grade 2 peripheral neuropathy", "CTCAE grade 3 immune-related colitis") or just after it
("peripheral neuropathy, grade 1", "pneumonitis (grade 2)"). Tumour grades ("Gleason", "WHO
grade II", "grade 3 invasive ductal carcinoma") name no vocabulary condition and are not read.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from profiles.text_mentions import sentence_span

#: "CTCAE grade 3 ", "grade 2 sensory ": the grade before the condition (two words between)
_BEFORE = re.compile(
    r"(?i)(?<![\w-])(?:(?:CTCAE|CTC\s*AE|NCI[- ]CTCAE)\s*(?:v(?:ersion)?\s*\d(?:\.\d+)?\s*)?)?"
    r"grade\s*(?P<n>[0-4])\s+(?:(?:sensory|motor|painful|persistent|ongoing|chronic|acute|"
    r"residual|mild|moderate|severe)\s+){0,2}$"
)
#: ", grade 1", " (grade 2)", " (sensory, grade 2)", " - CTCAE grade 1": the grade after it
_AFTER = re.compile(
    r"(?i)^\s*(?:,|:|-|–|\()?\s*(?:(?:sensory|motor|painful)\s*,?\s*)?"
    r"(?:(?:CTCAE|CTC\s*AE)\s*(?:v(?:ersion)?\s*\d(?:\.\d+)?\s*)?)?grade\s*(?P<n>[0-4])\b"
)
#: words before "grade" that name another scale (a tumour's grade, heart failure's class)
_OTHER_SCALE = re.compile(
    r"(?i)\b(?:gleason|who|histologic(?:al)?|tumou?r|nuclear|nyha|fuhrman)\s*$"
)
_RESOLVED = re.compile(
    r"(?i)\b(?:(?:has|have|had|now|since|fully|completely)\s+)?(?:resolved|recovered)\b|"
    r"\bresolution\b"
)


class Graded(NamedTuple):
    """A graded condition: its profile text and the span of its words in the note."""

    value: str
    start: int
    end: int


def graded_condition(text: str, m: Any) -> Graded | None:
    """The condition found at ``m`` (a vocabulary match) with the CTCAE grade attached to it.

    The state says "resolved" when the condition's sentence, or the next one naming it again,
    says it resolved.

    >>> from rules import vocab
    >>> t = "Comorbidities: grade 2 peripheral neuropathy (sensory) from bortezomib."
    >>> graded_condition(t, vocab.find_comorbidities(t)[0])
    Graded(value='peripheral neuropathy (grade 2)', start=15, end=44)
    >>> t = "Stopped for grade 3 immune-related colitis. The colitis has now resolved."
    >>> graded_condition(t, vocab.find_comorbidities(t)[0]).value
    'immune-related colitis (grade 3, resolved)'
    >>> t = "History of peripheral neuropathy."
    >>> print(graded_condition(t, vocab.find_comorbidities(t)[0]))
    None
    """
    cut, stop = sentence_span(text, m.start, m.end)
    before = _BEFORE.search(text, max(cut, m.start - 60), m.start)
    if before and _OTHER_SCALE.search(text, max(cut, before.start() - 12), before.start()):
        before = None
    after = None if before else _AFTER.match(text[m.end : min(stop, m.end + 40)])
    if before is None and after is None:
        return None
    grade = (before or after).group("n")  # type: ignore[union-attr]
    start = before.start() if before else m.start
    end = m.end if before else m.end + after.end()  # type: ignore[union-attr]
    state = f"grade {grade}"
    if _resolved(text, m, cut, stop):
        state += ", resolved"
    return Graded(f"{m.text} ({state})", start, end)


def _resolved(text: str, m: Any, cut: int, stop: int) -> bool:
    """The condition's sentence says it resolved, or the next sentence names it again ("The
    colitis has now resolved")."""
    if _RESOLVED.search(text, m.end, stop):
        return True
    head = m.text.split()[-1].split("-")[-1].lower()
    nxt_cut, nxt_stop = sentence_span(text, min(len(text), stop + 1), min(len(text), stop + 1))
    following = text[max(stop, nxt_cut) : nxt_stop]
    return head in following.lower() and bool(_RESOLVED.search(following))
