"""Evaluation knowledge: the matcher's own tables (``matcher/data/knowledge.json``) and thin
wrappers over the vocabularies of ``rules.vocab`` (cancer hierarchy, drugs and classes,
biomarker equivalences, comorbidity classes, lab names).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from rules import vocab
from rules.errors import ConfigError


@cache
def table(name: str) -> Any:
    """One table of ``matcher/data/knowledge.json`` (read once).

    >>> table("ecog_to_karnofsky")["table"]["1"]
    [70, 80]
    """
    path = resources.files("matcher").joinpath("data", "knowledge.json")
    return json.loads(path.read_text(encoding="utf-8"))[name]


def karnofsky_range(ecog: int) -> tuple[int, int]:
    """Karnofsky scores that correspond to an ECOG score.

    >>> karnofsky_range(2)
    (50, 60)
    """
    lo, hi = table("ecog_to_karnofsky")["table"][str(ecog)]
    return int(lo), int(hi)


def ecog_range(karnofsky: int) -> tuple[int, int]:
    """ECOG scores that correspond to a Karnofsky score.

    >>> ecog_range(80), ecog_range(100)
    ((1, 1), (0, 0))
    """
    found = [
        int(e)
        for e, (lo, hi) in table("ecog_to_karnofsky")["table"].items()
        if lo <= karnofsky <= hi
    ]
    return (min(found), max(found)) if found else (0, 5)


def her2_status(ihc: int | None, ish: str | None) -> str | None:
    """HER2 status from IHC score (0-3) and ISH result, per ASCO/CAP.

    >>> her2_status(3, None), her2_status(2, "negative"), her2_status(2, None), her2_status(0, None)
    ('positive', 'low', 'equivocal', 'zero')
    >>> her2_status(None, "positive")
    'positive'
    """
    rules = table("her2_status")
    if ihc is None:
        return "positive" if ish == "positive" else None
    status = rules["ihc"].get(str(ihc))
    if status == "equivocal" and ish in rules["ihc2_with_ish"]:
        return str(rules["ihc2_with_ish"][ish])
    return status


def her2_satisfies(status: str, wanted: str) -> bool | None:
    """Does a HER2 status satisfy a trial's wanted result (None when it cannot say)?

    >>> her2_satisfies("low", "negative"), her2_satisfies("zero", "low"), her2_satisfies("equivocal", "positive")
    (True, False, None)
    """
    if status == "equivocal":
        return None
    accepted = table("her2_status")["satisfies"].get(wanted)
    return None if accepted is None else status in accepted


def words_in(text: str, words: list[str]) -> bool:
    """Whole-word (or phrase) presence, case-insensitive.

    >>> words_in("Rheumatoid arthritis, active", ["active"]), words_in("inactive RA", ["active"])
    (True, False)
    """
    low = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", low) for w in words)


def activity(text: str) -> bool | None:
    """Whether a condition as written is active (True), not active (False) or unsaid (None).

    >>> activity("active rheumatoid arthritis"), activity("history of hepatitis B"), activity("lupus")
    (True, False, None)
    """
    words = table("activity_words")
    if words_in(text, words["active"]):
        return True
    if words_in(text, words["inactive"]):
        return False
    return None


def unit_factor(
    unit: str | None, target: str | None, *, analyte: str | None = None
) -> float | None:
    """Factor turning a value in ``unit`` into ``target`` (None when not convertible).

    A table named for an analyte ("creatinine_mg_dl") converts only that analyte: µmol/L
    means a different factor for creatinine and for bilirubin. Without ``analyte`` the first
    table holding both units is used.

    >>> unit_factor("umol/L", "mg/dL", analyte="total_bilirubin")
    0.05848
    >>> unit_factor("umol/L", "mg/dL", analyte="creatinine")
    0.01131
    >>> unit_factor("/mm3", "10^9/L"), unit_factor("mg/dL", "mg/dL"), unit_factor("x ULN", "mg/dL")
    (0.001, 1.0, None)
    """
    a, b = _unit_key(unit), _unit_key(target)
    if a == b:
        return 1.0
    for family in _unit_families(analyte):
        if a in family and b in family:
            return float(family[a]) / float(family[b])
    return None


def _unit_families(analyte: str | None) -> list[dict[str, float]]:
    """The unit tables that may convert ``analyte``: its own first, then the general ones."""
    tables = {k: v for k, v in table("lab_units").items() if k != "note"}
    if analyte is None:
        return list(tables.values())
    stems = {name: name.split("_")[0] for name in tables}
    words = set(analyte.split("_"))
    own = [tables[n] for n, stem in stems.items() if stem in _analyte_words() and stem in words]
    general = [tables[n] for n, stem in stems.items() if stem not in _analyte_words()]
    return own + general


@cache
def _analyte_words() -> frozenset[str]:
    """The words of the lab analyte ids ("total_bilirubin": total, bilirubin): a unit table
    whose name starts with one of them belongs to that analyte."""
    return frozenset(w for lab_id in vocab.lab_ids() for w in lab_id.split("_"))


def _unit_key(unit: str | None) -> str:
    return (unit or "").lower().replace(" ", "").replace("μ", "µ").replace("×", "x")


@cache
def _names(vocabulary: str) -> dict[str, str]:
    try:
        data = vocab.load_data(f"vocab/{vocabulary}.json")
    except ConfigError:  # a vocabulary not shipped: fall back to ids
        return {}
    if not isinstance(data, dict):
        return {}
    entries = [e for key in ("entries", "classes", "drugs") for e in data.get(key) or []]
    return {
        str(e["id"]): str(e.get("name") or (e.get("aliases") or [e["id"]])[0])
        for e in entries
        if isinstance(e, dict) and "id" in e
    }


def entry_name(vocabulary: str, ident: str) -> str | None:
    """Display name of a vocabulary entry (``cancers``, ``comorbidities``, ``drugs``...):
    its ``name``, else its first alias.

    >>> entry_name("comorbidities", "autoimmune_disease"), entry_name("drugs", "investigational_agent")
    ('autoimmune disease', 'Investigational agents')
    """
    return _names(vocabulary).get(ident)


# Thin wrappers: one place where the matcher touches the vocabularies.
def cancer_ids(text: str | None) -> list[str]:
    return list(_cancer_ids(text)) if text else []


@cache
def _cancer_ids(text: str) -> tuple[str, ...]:
    return tuple(vocab.cancer_ids(text))


@cache
def cancer_is_a(child: str, ancestor: str) -> bool:
    return bool(vocab.cancer_is_a(child, ancestor))


def drug_ids(names: list[str]) -> set[str]:
    """Canonical drugs of a therapy's names and drug list (regimens expand to their drugs;
    a name like "carboplatin + pemetrexed" is read part by part).

    >>> sorted(drug_ids(["carboplatin + pemetrexed"]))
    ['carboplatin', 'pemetrexed']
    """
    found: set[str] = set()
    for name in names:
        if not name:
            continue
        parts = [name] + [p for p in _DRUG_SPLIT.split(name) if p.strip() and p != name]
        for part in parts:
            regimen = vocab.regimen_drugs(part.strip())
            if regimen:
                found.update(regimen)
            drug = vocab.canonical_drug(part.strip())
            if drug:
                found.add(drug)
    return found


_DRUG_SPLIT = re.compile(r"\s*(?:\+|/|,|&|\band\b|\bplus\b|\bwith\b)\s*", re.IGNORECASE)


def named_classes(names: list[str]) -> set[str]:
    """Drug classes a therapy is named by, with their ancestors: a note that says only
    "inhaled corticosteroids" or "HCV antivirals" still names what was given.

    >>> sorted(named_classes(["inhaled corticosteroids", "Direct antiviral drugs"]))
    ['antiviral', 'hcv_daa', 'inhaled_corticosteroid']
    """
    out: set[str] = set()
    for name in names:
        for m in vocab.find_drugs(name) if name else ():
            if m.type == "class":
                out |= vocab.class_ancestors(m.id)
    return out


def classes_of_drugs(drugs: set[str]) -> set[str]:
    out: set[str] = set()
    for drug in drugs:
        out.update(vocab.drug_classes(drug))
    return out


@cache
def class_is_a(child: str, ancestor: str) -> bool:
    return bool(vocab.class_is_a(child, ancestor))


def biomarker_id(name: str | None) -> str | None:
    return vocab.canonical_biomarker(name) if name else None


def comorbidity_id(text: str) -> str | None:
    return vocab.canonical_comorbidity(text)


def comorbidity_classes(cid: str) -> set[str]:
    return set(vocab.comorbidity_classes(cid))


def lab_id(name: str | None) -> str | None:
    return vocab.canonical_lab(name) if name else None


def lab_units(analyte: str) -> list[str]:
    """Usual units of an analyte, canonical first (empty when unknown)."""
    try:
        return list(vocab.lab_units(analyte))
    except (KeyError, ValueError):
        return []


def biomarker_equivalents(name: str, result: str | None) -> list[tuple[str, str]]:
    """(biomarker, result) pairs that satisfy a criterion on ``name``/``result``, from the
    ``equivalents`` table of ``rules/data/vocab/biomarkers.json`` (MSI-H <-> dMMR).

    >>> biomarker_equivalents("MSI", "MSI-H")
    [('MMR', 'deficient')]
    """
    table_ = vocab.load_data("vocab/biomarkers.json").get("equivalents", [])
    return [
        (str(e["then"]["biomarker"]), str(e["then"]["result"]))
        for e in table_
        if e["if"].get("biomarker") == name
        and e["if"].get("result") == result
        and e["then"].get("biomarker") != name
    ]
