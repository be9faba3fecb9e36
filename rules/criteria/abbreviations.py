"""Abbreviations of drugs and drug classes, read as what they stand for.

A record that defines an abbreviation ("Glucocorticoids (GC) ... increase in GC") is read
with its long form wherever it uses it; an abbreviation with several meanings ("GC": also
gastric cancer, gonorrhoea, the gemcitabine-cisplatin regimen) is read as a drug only where
its own words say so (``context_aliases``), and never against the record's own definition.
Only the reading changes: a criterion still cites the record's words. The rules are data:
``rules/data/patterns/abbreviations.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from rules import vocab
from rules.vocab import load_data


@dataclass(frozen=True)
class _ContextAlias:
    id: str
    abbr: str
    reads_as: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _Rules:
    definition: re.Pattern[str]
    max_words: int
    aliases: tuple[_ContextAlias, ...]


@cache
def _rules() -> _Rules:
    d: dict[str, Any] = load_data("patterns/abbreviations.json")
    return _Rules(
        definition=re.compile(d["definition"]),
        max_words=int(d["max_long_form_words"]),
        aliases=tuple(
            _ContextAlias(a["id"], a["abbr"], a["reads_as"], re.compile(a["regex"]))
            for a in d["context_aliases"]
        ),
    )


_WORD = re.compile(r"[\w'’-]+")


def _long_form(abbr: str, before: str, max_words: int) -> str | None:
    """The words right before "(ABBR)" the abbreviation stands for: the shortest run of
    them starting with its first letter and holding all its letters in order."""
    words = _WORD.findall(before)[-max_words:]
    letters = [c.lower() for c in abbr if c.isalpha()]
    for k in range(len(words) - 1, -1, -1):
        candidate = " ".join(words[k:])
        if candidate[:1].lower() != letters[0]:
            continue
        pos = 0
        for c in letters:
            pos = candidate.lower().find(c, pos) + 1
            if pos == 0:
                break
        else:
            return candidate
    return None


def record_abbreviations(text: str) -> dict[str, str | None]:
    """Abbreviations a record defines: each to the drug or drug class it stands for, or to
    None when it stands for something else (which then blocks a context alias).

    >>> record_abbreviations("Glucocorticoids (GC) ... no increase in GC dose")
    {'GC': 'Glucocorticoids'}
    >>> record_abbreviations("Gastric adenocarcinoma (GC)")
    {'GC': None}
    """
    r = _rules()
    out: dict[str, str | None] = {}
    for m in r.definition.finditer(text):
        abbr = m.group("abbr")
        if sum(c.isupper() for c in abbr) < 2 or abbr in out:
            continue
        before = text[max(0, m.start() - 120) : m.start()].rstrip()
        long = _long_form(abbr, before, r.max_words)
        out[abbr] = long if long and _names_a_drug(long) and not vocab.find_drugs(abbr) else None
    return out


def _names_a_drug(long: str) -> bool:
    """The long form ends in a drug, class or regimen name."""
    found = vocab.find_drugs(long)
    return bool(found) and found[-1].end >= len(long.rstrip("s")) - 1


def reading(text: str, defined: dict[str, str | None]) -> str:
    """The item's text with the drug abbreviations it uses read as their long form (the
    record's own definitions first, then context aliases); ``text`` itself when none.

    >>> reading("Recent (within four weeks) increase in GC or cytotoxic drug therapy.", {})
    'Recent (within four weeks) increase in glucocorticoid or cytotoxic drug therapy.'
    >>> reading("Gastric adenocarcinoma (GC); prior GC therapy", {"GC": None})
    'Gastric adenocarcinoma (GC); prior GC therapy'
    """
    out = text
    for abbr, long in defined.items():
        if long is not None and abbr in out:
            pattern = rf"(?<!\()\b{re.escape(abbr)}s?\b(?!\))"
            out = re.sub(pattern, long.replace("\\", "\\\\"), out)  # the words, not a template
    for alias in _rules().aliases:
        if alias.abbr in out and alias.abbr not in defined:
            out = alias.regex.sub(alias.reads_as, out)
    return out


def alias_ids() -> list[str]:
    """Ids of the context aliases (for the data file's tests)."""
    return [a.id for a in _rules().aliases]


def context_alias(ident: str) -> re.Pattern[str]:
    """The regex of one context alias."""
    return next(a.regex for a in _rules().aliases if a.id == ident)
