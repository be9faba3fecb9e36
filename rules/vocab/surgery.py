"""Body sites of an operation (``rules/data/vocab/surgery_sites.json``)."""

from __future__ import annotations

import re
from functools import cache

from rules.vocab.data import load_data


@cache
def _sites() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for site in load_data("vocab/surgery_sites.json")["sites"]:
        words = "|".join(_word(w) for w in site["words"])
        out.append((site["id"], re.compile(rf"(?i)(?<![a-z])(?:{words})")))
    return out


def _word(word: str) -> str:
    """A stem matches at a word start ("neurosurg" in "neurosurgical"); a short word only as
    a whole word ("hip", not "hippocampal")."""
    rx = re.escape(word).replace(r"\ ", r"[\s-]+")
    return rx + r"\b" if len(word) <= 4 else rx


def surgery_sites(text: str) -> set[str]:
    """The body sites an operation's words name (empty when they name none).

    >>> sorted(surgery_sites("transsphenoidal surgery")), surgery_sites("Major surgery")
    (['pituitary'], set())
    >>> sorted(surgery_sites("laparoscopic sleeve gastrectomy"))
    ['abdominal', 'bariatric']
    """
    return {site for site, rx in _sites() if rx.search(text)}
