"""Gene results read from a note: a gene with its variant or alteration ("KRAS G12D",
"MET amplification", "ALK-positive"), a list stated negative, a variant stated absent.

"ALK and ROS1 negative" and "negative for ALK and ROS1 rearrangements" are one negative
result per gene; "EGFR T790M not detected" names a variant the test did not find. A variant
not found says nothing of the gene's other variants (an EGFR exon 19 deletion stays
positive), so it is kept as a fact for the reader (``biomarkers.not_detected``) and never
enters the profile as a positive result or as the gene being negative.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_ALTERATION = {
    "amplification": "amplification",
    "amplified": "amplification",
    "fusion": "fusion",
    "fusion transcript": "fusion",
    "rearrangement": "fusion",
    "rearranged": "fusion",
    "translocation": "fusion",
    "deletion": "deletion",
    "deleted": "deletion",
    "loss": "loss",
    "loss of function": "loss of function",
    "inactivating mutation": "loss of function",
    "pathogenic variant": "mutation",  # "Germline BRCA1 pathogenic variant (c.68_69delAG)"
    "likely pathogenic variant": "mutation",
    "pathogenic mutation": "mutation",
    "likely pathogenic mutation": "mutation",
    "overexpression": "overexpression",
}

_GENE = re.compile(r"[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{2,6})?")
#: a protein change, not a gene ("KRAS G12C, ROS1 negative": G12C is no gene of the list)
_PROTEIN_CHANGE = re.compile(r"[A-Z]\d{1,4}[A-Z*]?")
#: shorthand for the EGFR exon 19 deletion / exon 20 insertion ("ex19del", "del19")
_EXON_SHORT = re.compile(r"(?i)^(?:ex\s?(\d+)\s?(del|ins)|(del)\s?(\d+))$")
#: details that make a result stated absent the gene's own negative: a test for mutations
#: or for a fusion ("EGFR mutation not detected", "ROS1 fusion negative by FISH")
_GENE_LEVEL = {"mutation", "mutated", "mutant", "fusion"}
#: words of a list that are not genes ("ALK and ROS1 negative": no "AND")
_NOT_A_GENE = frozenset({"AND", "OR", "NOT", "NO", "ALL", "BOTH", "IHC", "FISH", "NGS", "ISH"})


def variant_absent(text: str, end: int) -> bool:
    """Whether the words after a variant (ending at ``end``) say it was not found.

    >>> t = "EGFR T790M not detected; KRAS G12C"
    >>> variant_absent(t, 10), variant_absent(t, len(t))
    (True, False)
    """
    from profiles.text import patterns

    cue = next(p for p in patterns() if p.field == "variant_absent")
    return bool(cue.regex.match(text, end))


def listed_negatives(text: str, taken: list[Any]) -> list[Any]:
    """One negative biomarker fact per gene of a list stated negative, each with the gene's
    own span, outside the spans ``taken``.

    >>> t = "ALK and ROS1 negative. Negative for KRAS, NRAS or BRAF mutations."
    >>> [(f.value["name"], f.value["result"]) for f in listed_negatives(t, [])]
    [('ALK', 'negative'), ('ROS1', 'negative'), ('KRAS', 'negative'), ('NRAS', 'negative'), ('BRAF', 'negative')]
    """
    from profiles.text import Fact, _find

    spans = [(f.start, f.end) for f in taken if f.field == "biomarkers"]
    out: list[Any] = []
    for p, m in _find("genes_negative", text):
        for g in _GENE.finditer(text, m.start(p.group), m.end(p.group)):
            name = g.group(0)
            if name.upper() in not_genes() or name in _NOT_A_GENE:
                continue
            if _PROTEIN_CHANGE.fullmatch(name):
                continue
            if any(s < g.end() and g.start() < e for s, e in spans):
                continue
            for gene, end in _pair(text, name, g.end()):
                value = {"name": gene, "result": "negative"}
                out.append(
                    Fact(field="biomarkers", value=value, text=text[g.start() : end],
                         start=g.start(), end=end)
                )  # fmt: skip
            spans.append(g.span())
    return out


def _pair(text: str, name: str, end: int) -> list[tuple[str, int]]:
    """A gene and the sibling its shorthand names: "BRCA1/2" is BRCA1 and BRCA2.

    >>> _pair("no BRCA1/2 alteration", "BRCA1", 8), _pair("ALK/ROS1", "ALK", 3)
    ([('BRCA1', 8), ('BRCA2', 10)], [('ALK', 3)])
    """
    sibling = re.match(r"/([1-9])(?![0-9])", text[end:])
    if sibling and name[-1:].isdigit():
        return [(name, end), (name[:-1] + sibling.group(1), end + 2)]
    return [(name, end)]


@cache
def not_genes() -> frozenset[str]:
    """Upper-case words that are tests, scans or infections, never a biomarker ("MRI")."""
    from profiles.text import _pattern_data

    return frozenset(_pattern_data()["not_genes"]["words"])


def gene_fact(text: str, item: str, start: int, end: int) -> Any | None:
    """A biomarker fact from ``item`` ("KRAS G12D", "ALK-positive"), None when it names none.

    >>> [gene_fact(t, t, 0, len(t)) is None for t in ["Brain MRI negative", "CDK4 amplification"]]
    [True, False]
    """
    from profiles.text import _fact, patterns

    for p in patterns():
        if p.field not in ("variant", "alteration"):
            continue
        m = p.regex.search(item)
        if m and m.group(1).upper() in not_genes():
            return None
        if m:
            detail = m.group(p.group)
            if p.field == "alteration":
                detail = " ".join(detail.lower().split())
                detail = _ALTERATION.get(detail, detail)
            elif short := _EXON_SHORT.match(detail):  # "ex19del" -> "exon 19 deletion"
                exon = short.group(1) or short.group(4)
                kind = (short.group(2) or short.group(3)).lower()
                detail = f"exon {exon} {'deletion' if kind == 'del' else 'insertion'}"
            value = {"name": m.group(1), "result": "positive", "detail": detail}
            if detail.lower() in ("negative", "wild type", "wild-type", "wildtype"):
                value = {"name": m.group(1), "result": "negative"}
            return _fact("biomarkers", value, text, start, end)
    name = item.split()[0] if item.split() else ""
    if re.fullmatch(r"[A-Z][A-Z0-9-]{1,9}", name) and name.upper() not in not_genes():
        return _fact(
            "biomarkers", {"name": name, "result": "positive", "detail": item}, text, start, end
        )
    return None


def _denied(text: str, m: re.Match[str]) -> bool:
    from profiles.text import negated

    return variant_absent(text, m.end()) or negated(text, m.start(), clause=True)


def _absent(fact: Any) -> Any:
    """A gene result stated as not found: "EGFR mutation not detected" is EGFR negative;
    "EGFR T790M not detected" only says that variant is absent (an EGFR exon 19 deletion
    stays positive), so it is a fact for the reader, never a result of the profile."""
    value = {"name": fact.value["name"], "result": "negative"}
    if fact.value.get("detail") in _GENE_LEVEL:
        return fact.model_copy(update={"value": value})
    value["detail"] = fact.value.get("detail")
    return fact.model_copy(update={"field": "biomarkers.not_detected", "value": value})


def free_genes(text: str, taken: list[Any]) -> list[Any]:
    """Gene results named anywhere in free text, outside the spans ``taken``.

    >>> [(f.field, f.value["result"]) for f in free_genes("EGFR T790M not detected", [])]
    [('biomarkers.not_detected', 'negative')]
    """
    from profiles.text import _find

    spans = [(f.start, f.end) for f in taken]
    out = []
    for field in ("variant", "alteration"):
        for _p, m in _find(field, text):
            if any(s <= m.start() < e for s, e in spans) or m.group(1) == "PD-L1":
                continue
            if m.group(1) == "HER2" and field == "alteration":
                continue  # HER2 status is its own pattern; a HER2 variant is read here
            fact = gene_fact(text, m.group(0), m.start(), m.end())
            if fact and fact.value["result"] == "positive" and _denied(text, m):
                fact = _absent(fact)
            if fact:
                out.append(fact)
                spans.append((m.start(), m.end()))
    out.extend(listed_negatives(text, [*taken, *out]))
    return out
