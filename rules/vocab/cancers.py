"""Cancer types: aliases, hierarchy, categories, free-name lookup."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process

from rules.lexicon import Lexicon, Mention, tokenize
from rules.vocab.data import _blockers, _entries, _lexicon_rows, ancestors


@cache
def _cancer_lex() -> Lexicon:
    """Every alias, for looking up a whole name (``cancer_ids``)."""
    return Lexicon(_lexicon_rows(_entries("cancers"), "cancer") + _blockers("cancers"))


@cache
def _cancer_text_lex() -> Lexicon:
    """Aliases found inside running text: not the ``lookup_only`` generic root ("cancer")."""
    entries = [e for e in _entries("cancers") if not e.get("lookup_only")]
    return Lexicon(_lexicon_rows(entries, "cancer") + _blockers("cancers"))


@cache
def _cancer_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("cancers")}


def find_cancers(text: str) -> list[Mention]:
    """Cancer types named in ``text`` (most specific alias wins; no overlaps).

    >>> [m.id for m in find_cancers("Non-small-cell lung cancer or SCLC; all patients")]
    ['nsclc', 'sclc']
    >>> [m.id for m in find_cancers("relapsed ALL")]
    ['all']
    """
    return _cancer_text_lex().find(text)


def is_histology(cancer_id: str) -> bool:
    """True for a cell type named without a site (carcinoma, adenocarcinoma, squamous cell
    carcinoma): it says nothing about which organ the cancer is in.

    >>> is_histology("adenocarcinoma"), is_histology("lung_adenocarcinoma")
    (True, False)
    """
    return bool(_cancer_table().get(cancer_id, {}).get("histology"))


def cancer_ancestors(cancer_id: str) -> set[str]:
    """All ancestors of a cancer id (not including itself).

    >>> sorted(cancer_ancestors("pdac"))
    ['pancreatic_cancer', 'solid_tumor']
    """
    return ancestors(_cancer_table(), cancer_id)


def cancer_is_a(child_id: str, ancestor_id: str) -> bool:
    """True when ``child_id`` is ``ancestor_id`` or lies under it in the hierarchy.

    A basket (``advanced_solid_tumor``) contains every cancer under its root (solid tumours);
    its stage part is judged by stage criteria.

    >>> cancer_is_a("squamous_nsclc", "nsclc"), cancer_is_a("sclc", "nsclc")
    (True, False)
    >>> cancer_is_a("apl", "aml"), cancer_is_a("pdac", "advanced_solid_tumor")
    (True, True)

    The generic root ``cancer`` contains every known cancer; a histology contains its members
    (``pdac`` is an ``adenocarcinoma``) without being their parent:

    >>> cancer_is_a("aml", "cancer"), cancer_is_a("pdac", "adenocarcinoma")
    (True, True)
    >>> cancer_is_a("gastric_cancer", "adenocarcinoma"), cancer_is_a("adenocarcinoma", "pdac")
    (False, False)
    """
    if child_id == ancestor_id:
        return True
    entry = _cancer_table().get(ancestor_id, {})
    if entry.get("covers_all"):
        return child_id in _cancer_table()
    basket = entry.get("basket_of")
    if basket:
        return cancer_is_a(child_id, basket)
    members = entry.get("members")
    if members and any(cancer_is_a(child_id, m) for m in members):
        return True
    return ancestor_id in cancer_ancestors(child_id)


def cancer_category(cancer_id: str) -> str | None:
    """``solid`` or ``haematological`` (inherited from the parents), or None if unknown.

    >>> cancer_category("nsclc"), cancer_category("apl"), cancer_category("nope")
    ('solid', 'haematological', None)
    """
    table = _cancer_table()
    if cancer_id not in table:
        return None
    for cid in [cancer_id, *sorted(cancer_ancestors(cancer_id))]:
        cat = table[cid].get("category")
        if cat:
            return str(cat)
    return None


def cancer_ids(text: str, *, fuzzy_cutoff: float = 90) -> list[str]:
    """Canonical ids for a free cancer name: exact id or alias first (also in MeSH inverted
    order, "Leukemia, Myeloid, Acute"), then mentions inside the text, then a close spelling
    of a whole alias (rapidfuzz ratio, so a part of an alias never matches: "adenocarcinoma"
    is not "lung adenocarcinoma").

    >>> cancer_ids("pancreatic ductal adenocarcinoma"), cancer_ids("NSCLC"), cancer_ids("nsclc")
    (['pdac'], ['nsclc'], ['nsclc'])
    >>> cancer_ids("pancreatic ductal adenocarcinom")
    ['pdac']
    >>> cancer_ids("Leukemia, Myeloid, Acute"), cancer_ids("Neoplasms"), cancer_ids("adenocarcinoma")
    (['aml'], ['cancer'], ['adenocarcinoma'])
    """
    if text.strip() in _cancer_table():
        return [text.strip()]
    exact = [i for i, _ in _cancer_lex().lookup(text)]
    if exact:
        return list(dict.fromkeys(exact))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    inverted = " ".join(reversed(parts)) if len(parts) > 1 else None
    if inverted:
        exact = [i for i, _ in _cancer_lex().lookup(inverted)]
        if exact:
            return list(dict.fromkeys(exact))
    found = [m.id for m in find_cancers(text)]
    shared = _shared_head(text)
    if len(shared) > len(found):
        found = shared
    if inverted:
        other = [m.id for m in find_cancers(inverted)]
        if _depth(other) > _depth(found):
            found = other
    if found:
        return list(dict.fromkeys(found))
    choices = {" ".join(k): v[0][0] for k, v in _cancer_lex().table.items()}
    hit = process.extractOne(
        " ".join(t[0] for t in tokenize(text)),
        list(choices),
        scorer=fuzz.ratio,
        score_cutoff=fuzzy_cutoff,
    )
    return [choices[hit[0]]] if hit else []


_HEADS = frozenset(
    {"cancer", "cancers", "carcinoma", "carcinomas", "tumor", "tumors", "tumour", "tumours"}
    | {"neoplasm", "neoplasms", "leukemia", "leukemias", "leukaemia", "lymphoma", "lymphomas"}
)


def _shared_head(text: str) -> list[str]:
    """ "Gastric or Gastroesophageal Cancer": the head noun is shared by each part."""
    parts = [p for p in re.split(r"\s*(?:,|\bor\b|\band\b|/)\s*", text.strip()) if p]
    if len(parts) < 2 or parts[-1].split()[-1].lower() not in _HEADS:
        return []
    head = parts[-1].split()[-1]
    out: list[str] = []
    for part in parts:
        name = part if part.split()[-1].lower() in _HEADS else f"{part} {head}"
        out += [i for i, _ in _cancer_lex().lookup(name)] or [m.id for m in find_cancers(name)]
    return list(dict.fromkeys(out))


def _depth(ids: list[str]) -> int:
    return max((len(cancer_ancestors(i)) for i in ids), default=-1)


def cancer_name(cancer_id: str) -> str | None:
    """Display name of a cancer id.

    >>> cancer_name("pdac")
    'Pancreatic ductal adenocarcinoma'
    """
    entry = _cancer_table().get(cancer_id)
    return str(entry["name"]) if entry else None
