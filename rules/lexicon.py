"""A fast term finder over vocabulary aliases (token n-gram lookup, not one huge regex).

Text is cut into tokens (runs of letters/digits, or one punctuation character); each token
is normalised (lower case, British to American spelling, a plural ``s`` and a possessive
``'s`` dropped), and the longest alias starting at each token wins. Aliases written in
capitals as one short word (``ALL``, ``MET``, ``RET``, ``NET``) only match the same capitals,
so "all patients" is not acute lymphoblastic leukemia and "met the criteria" is not MET.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:['’][sS](?![^\W_]))?|[^\s\w]|_")
_SPELLING = {
    "tumour": "tumor",
    "leukaemia": "leukemia",
    "leukaemic": "leukemic",
    "haematological": "hematologic",
    "hematological": "hematologic",
    "haematologic": "hematologic",
    "haemoglobin": "hemoglobin",
    "oesophageal": "esophageal",
    "oesophagus": "esophagus",
    "oesophagogastric": "esophagogastric",
    "gastrooesophageal": "gastroesophageal",
    "anaemia": "anemia",
    "oestrogen": "estrogen",
    "haematopoietic": "hematopoietic",
    "hematopoetic": "hematopoietic",
    "tumoural": "tumoral",
    "fibre": "fiber",
    "centre": "center",
    "randomisation": "randomization",
    "haemorrhage": "hemorrhage",
    "metastases": "metastasis",
    "ischaemic": "ischemic",
    "paediatric": "pediatric",
    "oedema": "edema",
    "haemophilia": "hemophilia",
    "myelogenous": "myeloid",
}
_PLURAL_KEEP = ("ss", "us", "is", "ys")
_JOINERS = frozenset("-‐–/")
BLOCK = "_block"


@dataclass(frozen=True, slots=True)
class Mention:
    """A vocabulary term found in a text: canonical ``id`` and where it is.

    ``text`` is always ``source[start:end]``; ``type`` says which table it came from
    (``cancer``, ``drug``, ``class``, ``regimen``, ``biomarker``, ``comorbidity``, ``lab``).
    """

    id: str
    start: int
    end: int
    text: str
    type: str = ""


@lru_cache(maxsize=200_000)
def norm_token(tok: str) -> str:
    """Normalise one token for lookups.

    >>> norm_token("Tumours"), norm_token("Crohn's"), norm_token("KRAS"), norm_token("Metastasis")
    ('tumor', 'crohn', 'kra', 'metastasis')
    """
    if len(tok) > 2 and tok[-1] == "s" and tok[:-1].isupper():
        tok = tok[:-1]  # acronym plurals: TKIs, ADCs
    t = tok.lower()
    if len(t) > 2 and t[-2] in "'’" and t[-1] == "s":
        t = t[:-2]
    t = _SPELLING.get(t, t)
    if len(t) > 4 and t.endswith("ies") and t.isalpha():
        t = t[:-3] + "y"
    elif len(t) > 3 and t.endswith("s") and not t.endswith(_PLURAL_KEEP) and t.isalpha():
        t = t[:-1]
        t = _SPELLING.get(t, t)
    return t


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[tuple[str, int, int, str], ...]:
    """Tokens of ``text`` as ``(normalised, start, end, raw)``; joining hyphens are dropped.

    >>> [t[0] for t in tokenize("non-small-cell lung cancers, HER2- ")]
    ['non', 'small', 'cell', 'lung', 'cancer', ',', 'her2', '-']
    """
    raw = [(m.group(), *m.span()) for m in _TOKEN.finditer(text)]
    drop = set()
    for i in [k for k, r in enumerate(raw) if r[0] in _JOINERS]:
        if 0 < i < len(raw) - 1:
            (ptok, _, pend), (_, s, e), (ntok, nstart, _) = raw[i - 1], raw[i], raw[i + 1]
            if pend == s and nstart == e and ptok[-1].isalnum() and ntok[0].isalnum():
                drop.add(i)  # "non-small", "PD-L1", "CLL/SLL" read as one phrase
    return tuple((norm_token(tok), s, e, tok) for k, (tok, s, e) in enumerate(raw) if k not in drop)


def _is_case_sensitive(alias: str) -> bool:
    """Short one-word acronyms match only as written: ALL, MET, eGFR (not EGFR), cHL."""
    word = alias.strip()
    if not (word.isalnum() and len(word) <= 5) or word.islower():
        return False
    return word.isalpha() or not word.isupper()


class Lexicon:
    """Aliases of one vocabulary, looked up by token n-grams (built from data, no I/O)."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        """``entries``: ``(alias, id, type)`` triples."""
        self.table: dict[tuple[str, ...], list[tuple[str, str, str | None]]] = {}
        self.lengths: dict[str, set[int]] = {}
        for alias, ident, kind in entries:
            key = tuple(t[0] for t in tokenize(alias))
            if not key:
                continue
            exact = alias.strip() if _is_case_sensitive(alias) else None
            bucket = self.table.setdefault(key, [])
            if (ident, kind, exact) not in bucket:
                bucket.append((ident, kind, exact))
            self.lengths.setdefault(key[0], set()).add(len(key))
        self.sorted_lengths = {k: sorted(v, reverse=True) for k, v in self.lengths.items()}

    def lookup(self, name: str) -> list[tuple[str, str]]:
        """Ids and types whose alias is exactly ``name`` (normalised, any case)."""
        key = tuple(t[0] for t in tokenize(name))
        return [(i, k) for i, k, _ in self.table.get(key, [])]

    def find(self, text: str) -> list[Mention]:
        """Longest non-overlapping alias mentions, left to right."""
        toks = tokenize(text)
        starts = self.sorted_lengths
        candidates = [k for k, t in enumerate(toks) if t[0] in starts]
        if not candidates:
            return []
        norms = [t[0] for t in toks]
        out: list[Mention] = []
        n, free = len(toks), 0  # free: the first token not inside an earlier mention
        for i in candidates:
            if i < free:
                continue
            for size in starts[norms[i]]:
                if i + size > n:
                    continue
                hits = self.table.get(tuple(norms[i : i + size]))
                if not hits:
                    continue
                start, end = toks[i][1], toks[i + size - 1][2]
                exact = text[start:end]
                plural = exact[:-1] if exact.endswith("s") else exact
                found = [h for h in hits if h[2] is None or h[2] in (exact, plural)]
                if found:
                    for ident, kind in dict.fromkeys((h[0], h[1]) for h in found):
                        if kind == BLOCK:
                            continue  # a listed non-term ("albumin-bound") hides its words
                        out.append(Mention(ident, start, end, exact, kind))
                    free = i + size
                    break
        return out
