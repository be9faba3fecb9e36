"""Comorbidities (with classes) and laboratory analytes."""

from __future__ import annotations

from functools import cache
from typing import Any

from rules.lexicon import Lexicon, Mention
from rules.vocab.data import _blockers, _entries, _lexicon_rows, ancestors


@cache
def _comorbidity_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("comorbidities")}


@cache
def _comorbidity_lex() -> Lexicon:
    return Lexicon(
        _lexicon_rows(list(_comorbidity_table().values()), "comorbidity")
        + _blockers("comorbidities")
    )


def find_comorbidities(text: str) -> list[Mention]:
    """Comorbidities named in ``text``.

    >>> [m.id for m in find_comorbidities("Active HBV or HCV; history of HIV")]
    ['hepatitis_b', 'hepatitis_c', 'hiv']
    """
    return _comorbidity_lex().find(text)


def canonical_comorbidity(text: str) -> str | None:
    """Canonical comorbidity id for a name (exact alias first, then the first mention).

    >>> canonical_comorbidity("Crohn's"), canonical_comorbidity("allo-HSCT")
    ('crohns_disease', 'allogeneic_hsct')
    """
    if text in _comorbidity_table():
        return text
    hits = _comorbidity_lex().lookup(text)
    if hits:
        return hits[0][0]
    found = find_comorbidities(text)
    return found[0].id if found else None


def comorbidity_classes(comorbidity_id: str) -> set[str]:
    """All ancestor classes of a comorbidity (not including itself).

    >>> sorted(comorbidity_classes("crohns_disease"))
    ['autoimmune_disease', 'inflammatory_bowel_disease']
    """
    return ancestors(_comorbidity_table(), comorbidity_id)


@cache
def loose_members() -> dict[str, frozenset[str]]:
    """Classes a trial may name without meaning some common members of them, with those
    members (``loose_members`` in ``comorbidities.json``).

    >>> "hypertension" in loose_members()["cardiovascular_disease"]
    True
    """
    table = _comorbidity_table()
    return {k: frozenset(e["loose_members"]) for k, e in table.items() if e.get("loose_members")}


@cache
def _lab_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("labs")}


@cache
def _lab_lex() -> Lexicon:
    return Lexicon(_lexicon_rows(list(_lab_table().values()), "lab") + _blockers("labs"))


def find_labs(text: str) -> list[Mention]:
    """Laboratory analytes named in ``text``.

    >>> [m.id for m in find_labs("ANC ≥1.5, platelets ≥100, AST/ALT ≤ 2.5 x ULN")]
    ['anc', 'platelets', 'transaminases']
    """
    return _lab_lex().find(text)


def canonical_lab(name: str) -> str | None:
    """Canonical analyte id for a name or alias (any case), or None.

    >>> canonical_lab("SGPT"), canonical_lab("Absolute neutrophil count"), canonical_lab("x")
    ('alt', 'anc', None)
    """
    if name in _lab_table():
        return name
    hits = _lab_lex().lookup(name)
    return hits[0][0] if hits else None


def lab_units(lab_id: str) -> list[str]:
    """Usual units of an analyte, canonical first.

    >>> lab_units("hemoglobin")[0]
    'g/dL'
    """
    return list(lab_entry(lab_id).get("units", []))


def lab_entry(lab_id: str) -> dict[str, Any]:
    """An analyte's entry of vocab/labs.json (units, plausible range, a scale's direction ...);
    empty for an unknown id.

    >>> lab_entry("hba1c")["units"], lab_entry("nothing")
    (['%', 'mmol/mol'], {})
    """
    return _lab_table().get(lab_id, {})


def lab_ids() -> list[str]:
    """Every analyte id of vocab/labs.json.

    >>> "hba1c" in lab_ids()
    True
    """
    return list(_lab_table())
