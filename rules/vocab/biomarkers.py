"""Biomarkers: names, variants, equivalences, HER2 status rules, PD-L1 scorings."""

from __future__ import annotations

from functools import cache
from typing import Any

from rules.lexicon import Lexicon, Mention
from rules.vocab.data import _blockers, _entries, _lexicon_rows, biomarker_result, load_data


@cache
def _biomarker_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("biomarkers")}


@cache
def _biomarker_lex() -> Lexicon:
    return Lexicon(
        _lexicon_rows(list(_biomarker_table().values()), "biomarker") + _blockers("biomarkers")
    )


@cache
def _variant_lex(biomarker: str) -> Lexicon:
    variants = _biomarker_table().get(biomarker, {}).get("variants", {})
    return Lexicon([(a, v, "variant") for v, aliases in variants.items() for a in [v, *aliases]])


def find_biomarkers(text: str) -> list[Mention]:
    """Biomarkers named in ``text`` (gene symbols in capitals match case-sensitively).

    >>> [m.id for m in find_biomarkers("EGFR exon 19 deletion; patients who met criteria; MET amplification")]
    ['EGFR', 'MET']
    """
    return _biomarker_lex().find(text)


def canonical_biomarker(name: str) -> str | None:
    """Canonical biomarker id for a name or alias (any case), or None.

    >>> canonical_biomarker("ERBB2"), canonical_biomarker("dMMR"), canonical_biomarker("pd-l1")
    ('HER2', 'MMR', 'PD-L1')
    """
    if name in _biomarker_table():
        return name
    hits = _biomarker_lex().lookup(name)
    return hits[0][0] if hits else None


def biomarker_variants(biomarker: str, text: str) -> list[str]:
    """Canonical variant names of ``biomarker`` mentioned in ``text``.

    >>> biomarker_variants("EGFR", "exon 19 deletions (ex19del) or exon 21 L858R")
    ['exon 19 deletion', 'L858R']
    """
    return list(dict.fromkeys(m.id for m in _variant_lex(biomarker).find(text)))


def biomarker_equivalents(name: str, result: str) -> list[tuple[str, str]]:
    """Other ``(biomarker, result)`` pairs a result also satisfies (distinct evidence).

    >>> biomarker_equivalents("MSI", "MSI-H"), biomarker_equivalents("dMMR", "deficient")
    ([('MMR', 'deficient')], [('MSI', 'MSI-H')])
    >>> biomarker_equivalents("HER2", "low")
    [('HER2', 'negative')]
    """
    ident = canonical_biomarker(name) or name
    canon = biomarker_result(result, name=ident) or result
    out = []
    for rule in load_data("vocab/biomarkers.json")["equivalents"]:
        if rule["if"] == {"biomarker": ident, "result": canon}:
            pair = (rule["then"]["biomarker"], rule["then"]["result"])
            if pair != (ident, canon):
                out.append(pair)
    return out


def her2_status(*, ihc: str | None = None, ish: str | None = None) -> str | None:
    """HER2 status from IHC score and ISH result (ASCO/CAP 2018, with HER2-low).

    Returns ``positive``, ``low``, ``negative`` (IHC 0), ``equivocal`` or None when unknown.

    >>> her2_status(ihc="3+"), her2_status(ihc="2+", ish="negative"), her2_status(ihc="1+")
    ('positive', 'low', 'low')
    >>> her2_status(ihc="2+"), her2_status(ihc="0"), her2_status()
    ('equivocal', 'negative', None)
    """
    ish_c = biomarker_result(ish) if ish else None
    ihc_c = ihc.strip().replace(" ", "") if ihc else None
    for rule in load_data("vocab/biomarkers.json")["her2_rules"]:
        if rule["ihc"] == ihc_c and rule["ish"] == ish_c:
            return str(rule["status"])
    return None


def pdl1_scoring(text: str) -> str | None:
    """Canonical PD-L1 scoring method (TPS, CPS, TC, IC, TAP) named in ``text``, or None.

    Scores are not interchangeable: a CPS never answers a TPS threshold.

    >>> pdl1_scoring("combined positive score"), pdl1_scoring("TPS"), pdl1_scoring("percent")
    ('CPS', 'TPS', None)
    """
    found = _pdl1_lex().find(text)
    return found[0].id if found else None


@cache
def _pdl1_lex() -> Lexicon:
    table = load_data("vocab/biomarkers.json")["pdl1_scorings"]
    return Lexicon([(a, k, "scoring") for k, aliases in table.items() for a in [k, *aliases]])


def biomarker_label(ident: str) -> str:
    """How to write a biomarker id for a reader: the id itself ("EGFR", "PD-L1"), or for an
    id that is a code (a cytogenetic finding: "T11_14", "DEL17P") its first alias.

    >>> biomarker_label("EGFR"), biomarker_label("T11_14"), biomarker_label("DEL17P")
    ('EGFR', 't(11;14)', 'del(17p)')
    """
    entry = _biomarker_table().get(ident)
    if entry and ("_" in ident or ident.startswith(("DEL", "GAIN"))) and entry.get("aliases"):
        return str(entry["aliases"][0])
    return ident
