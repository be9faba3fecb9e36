"""Inclusion items that each require a different disease are alternatives, not all required.

A transplant or basket trial often lists the diseases it takes one per item, with stage or
response qualifiers ("CML chronic phase", "AML: AML in first complete remission ...",
"Mantle cell lymphoma"), sometimes under a sub-header ("Diseases to be included:"), sometimes
split by items the parser cannot read. :func:`rival_diseases` finds inclusion condition items
whose diseases are unrelated to each other (neither is a kind of the other): a patient has one
of them, so none of them alone can rule a patient out. Their confidence is capped at
``cap`` (below the matcher's rule-out threshold), so a failure becomes "unknown".
"""

from __future__ import annotations

from itertools import combinations

from rules import vocab
from rules.criterion import Criterion

GENERIC = frozenset({"cancer", "solid_tumor"})


def _diseases(c: Criterion) -> frozenset[str]:
    """Cancer ids an inclusion condition item requires (its first condition facet)."""
    if c.polarity != "inclusion" or c.kind != "condition":
        return frozenset()
    p = c.params
    if "all_of" in p:
        first = p["all_of"][0] if p["all_of"] else {}
        p = first.get("params", {}) if first.get("kind") == "condition" else {}
    if "group" in p:  # a run of bare disease names (the "+disease-list" rule): any of them
        ids = [i for alt in p["any_of"] for i in alt["params"].get("cancers", [])]
    elif "any_of" in p or p.get("negated") or p.get("condition"):
        return frozenset()  # a negation or a conditional: already soft
    else:
        ids = p.get("cancers", [])
    ids = [i for i in ids if i not in GENERIC and not vocab.is_histology(i)]
    return frozenset(ids)


def _related(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(x == y or vocab.cancer_is_a(x, y) or vocab.cancer_is_a(y, x) for x in a for y in b)


def rival_diseases(crits: list[Criterion], *, cap: float) -> list[Criterion]:
    """Cap the confidence of inclusion condition items that require unrelated diseases.

    >>> from rules.criteria import parse_criteria
    >>> text = "Inclusion Criteria:\\n- CML chronic phase\\n- Mantle cell lymphoma, relapsed\\n"
    >>> [(c.id, c.confidence) for c in parse_criteria(text) if c.kind == "condition"]
    [('inc-1', 0.6), ('inc-2', 0.6)]
    """
    found = {i: _diseases(c) for i, c in enumerate(crits)}
    found = {i: d for i, d in found.items() if d}
    rivals: set[int] = set()
    for (i, a), (j, b) in combinations(found.items(), 2):
        if not _related(a, b):
            rivals |= {i, j}
    out = list(crits)
    for i in sorted(rivals):
        c = out[i]
        if c.confidence > cap:
            out[i] = c.model_copy(
                update={"confidence": cap, "rule": f"{c.rule}+alternative-disease"}
            )
    return out
