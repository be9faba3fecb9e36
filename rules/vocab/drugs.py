"""Drugs, drug classes (with ancestors) and regimens."""

from __future__ import annotations

from functools import cache
from typing import Any

from rules.lexicon import Lexicon, Mention
from rules.vocab.data import _blockers, _entries


@cache
def _drug_tables() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return (
        {e["id"]: e for e in _entries("drugs", "drugs")},
        {e["id"]: e for e in _entries("drugs", "classes")},
        {e["id"]: e for e in _entries("drugs", "regimens")},
    )


@cache
def _drug_lex() -> Lexicon:
    drugs, classes, regimens = _drug_tables()
    rows = []
    for table, kind in ((drugs, "drug"), (classes, "class"), (regimens, "regimen")):
        for e in table.values():
            names = [*e.get("aliases", [])]
            names.append(e.get("name", "") if kind == "class" else e["id"].replace("_", " "))
            rows += [(a, e["id"], kind) for a in names if a]
    return Lexicon(rows + _blockers("drugs"))


def find_drugs(text: str) -> list[Mention]:
    """Drugs, drug classes and regimens named in ``text``; ``Mention.type`` says which.

    >>> [(m.id, m.type) for m in find_drugs("prior Keytruda or an anti-PD-L1 antibody")]
    [('pembrolizumab', 'drug'), ('anti_pd_l1', 'class')]
    >>> [m.id for m in find_drugs("modified FOLFIRINOX, then nab-paclitaxel")]
    ['folfirinox', 'nab_paclitaxel']
    """
    return _drug_lex().find(text)


def canonical_drug(name: str) -> str | None:
    """Canonical drug id for a name, brand or code (any case), or None.

    >>> canonical_drug("Keytruda"), canonical_drug("ak104"), canonical_drug("T-DXd")
    ('pembrolizumab', 'cadonilimab', 'trastuzumab_deruxtecan')
    >>> canonical_drug("aspirin") is None, canonical_drug("insulin_glargine")
    (True, 'insulin_glargine')
    """
    if name in _drug_tables()[0]:  # a canonical id ("insulin_glargine") is no alias
        return name
    for ident, kind in _drug_lex().lookup(name):
        if kind == "drug":
            return ident
    return None


def canonical_drug_class(name: str) -> str | None:
    """Canonical class id for a class name ("PD-1 inhibitor", "EGFR-TKI"), or None.

    >>> canonical_drug_class("PD-1 inhibitor"), canonical_drug_class("egfr_tki")
    ('anti_pd1', 'egfr_tki')
    """
    if name in _drug_tables()[1]:
        return name
    for ident, kind in _drug_lex().lookup(name):
        if kind == "class":
            return ident
    return None


def _class_ancestors(class_id: str) -> set[str]:
    classes = _drug_tables()[1]
    seen: set[str] = set()
    stack = [class_id]
    while stack:
        cur = stack.pop()
        if cur in classes and cur not in seen:
            seen.add(cur)
            stack.extend(classes[cur].get("parents", []))
    return seen


def class_ancestors(class_id: str) -> set[str]:
    """A drug class id with all its ancestor classes (empty for an unknown id).

    >>> sorted(class_ancestors("anti_pd1"))
    ['anti_pd1', 'anti_pd1_pdl1', 'anticancer_therapy', 'immune_checkpoint_inhibitor', 'immunotherapy']
    """
    return _class_ancestors(class_id)


def drug_classes(drug_id: str) -> set[str]:
    """Classes of a drug (canonical id or any alias), with all their ancestors.

    Bispecific antibodies belong to each target's class: cadonilimab (PD-1 x CTLA-4) is
    both anti_pd1 and anti_ctla4.

    >>> sorted(drug_classes("pembrolizumab"))
    ['anti_pd1', 'anti_pd1_pdl1', 'anticancer_therapy', 'immune_checkpoint_inhibitor', 'immunotherapy']
    >>> {"anti_pd1", "anti_ctla4"} <= drug_classes("AK104")
    True
    """
    drugs = _drug_tables()[0]
    ident = drug_id if drug_id in drugs else canonical_drug(drug_id)
    if ident is None:
        return set()
    out: set[str] = set()
    for cls in drugs[ident].get("classes", []):
        out |= _class_ancestors(cls)
    return out


def class_is_a(cls: str, ancestor: str) -> bool:
    """True when drug class ``cls`` is ``ancestor`` or under it.

    >>> class_is_a("anti_pd1", "immune_checkpoint_inhibitor"), class_is_a("platinum", "immunotherapy")
    (True, False)
    """
    return ancestor in _class_ancestors(cls)


def regimen_drugs(name: str) -> list[str] | None:
    """The drugs of a named regimen (any alias), or None when it is not a known regimen.

    >>> regimen_drugs("mFOLFIRINOX")
    ['fluorouracil', 'leucovorin', 'irinotecan', 'oxaliplatin']
    >>> regimen_drugs("pembrolizumab") is None
    True
    """
    regimens = _drug_tables()[2]
    if name in regimens:
        return list(regimens[name]["drugs"])
    for ident, kind in _drug_lex().lookup(name):
        if kind == "regimen":
            return list(regimens[ident]["drugs"])
    return None


def drug_ids() -> list[str]:
    """All canonical drug ids."""
    return list(_drug_tables()[0])


def drug_class_ids() -> list[str]:
    """All canonical drug class ids."""
    return list(_drug_tables()[1])


def drugs_of_generation(class_id: str, generation: int) -> list[str]:
    """The drugs of a class that belong to one of its generations ("third-generation EGFR
    TKI"), from the ``generation`` of each drug's entry; empty when none is known.

    >>> drugs_of_generation("egfr_tki", 1)
    ['gefitinib', 'erlotinib', 'icotinib']
    >>> drugs_of_generation("egfr_tki", 4)
    []
    """
    drugs, _, _ = _drug_tables()
    return [
        d
        for d, e in drugs.items()
        if e.get("generation") == generation
        and any(c == class_id or class_is_a(c, class_id) for c in e["classes"])
    ]
