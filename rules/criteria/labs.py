"""Laboratory thresholds: analyte (vocab/labs.json), comparator, value, unit or x ULN/LLN,
and conditional thresholds ("<= 5 x ULN if liver metastases"). One item may hold several.
The threshold grammar is data (``rules/data/patterns/lab.json``: ``threshold``, ``units``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from rules import vocab
from rules.criteria.engine import _expand
from rules.criteria.numbers import combine, number, numeric

Params = dict[str, Any] | None
_JOINER = re.compile(r"(?i)\s*(?:\([^)]{0,20}\))?\s*(?:,|/|and/or|and|or|&)?\s*")


@dataclass
class LabThreshold:
    analyte: str
    params: dict[str, Any]
    start: int
    end: int


@cache
def _grammar() -> tuple[re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    data = vocab.load_data("patterns/lab.json")
    defs = vocab.load_data("patterns/common.json")["defs"]
    units = [(re.compile(u["regex"]), u["unit"]) for u in data["units"]]
    return (
        re.compile(_expand(data["threshold"], defs)),
        re.compile(_expand(data["conditional"], defs)),
        units,
    )


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    for regex, unit in _grammar()[2]:
        if regex.fullmatch(raw.strip()):
            return unit
    return re.sub(r"\s+", "", raw.strip())


def _constraint(m: re.Match[str]) -> dict[str, Any] | None:
    g = m.groupdict()
    if g.get("uln_only"):
        word = g["uln_only"].lower()
        unit = "x LLN" if word == "lln" or word.startswith("lower") else "x ULN"
        return numeric(combine(g.get("cmp"), None, "<="), 1.0, unit)
    v = number(g.get("v") or "")
    if v is None:
        return None
    v2 = number(g.get("v2") or "")
    if v2 is not None and v2 > v:  # "7-10%", "between 25 and 40 kg/m2"
        return numeric("between", v, _unit(g.get("unit")), v2)
    op = combine(g.get("cmp") or g.get("cmp_n"), g.get("post"), default="")
    if not op:
        return None
    return numeric(op, v, _unit(g.get("unit")))


#: what may stand between an analyte and a range written without a comparator ("BMI 25-40")
_BARE_RANGE_GAP = re.compile(
    r"(?i)\s*(?:\([^)]{0,20}\))?\s*(?:(?:level|value|count)s?\s*)?(?:of|:|=|is|in the range(?: of)?)?\s*"
)


def _bare(m: re.Match[str]) -> bool:
    """A range with neither a comparator nor "between" in front of it."""
    g = m.groupdict()
    return bool(g.get("v2")) and not (g.get("cmp") or g.get("cmp_n") or g.get("between"))


def thresholds(text: str) -> list[LabThreshold]:
    return list(_thresholds(text))


@lru_cache(maxsize=2048)
def _thresholds(text: str) -> tuple[LabThreshold, ...]:
    """Every analyte with a threshold in ``text``, in order, each with its own span.

    >>> [(t.analyte, t.params["constraint"]["op"], t.params["constraint"]["value"],
    ...   t.params["constraint"]["unit"]) for t in thresholds("ANC ≥1.5×10⁹/L; AST ≤ 2.5 × ULN")]
    [('anc', '>=', 1.5, 'x10^9/L'), ('ast', '<=', 2.5, 'x ULN')]
    """
    threshold, conditional, _ = _grammar()
    mentions = vocab.find_labs(text)
    out: list[LabThreshold] = []
    pending: list[vocab.Mention] = []  # "AST and ALT <= 2.5 x ULN": analytes sharing one
    for i, mention in enumerate(mentions):
        stop = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        stop = min(stop, mention.end + 120)
        m = threshold.search(text, mention.end, stop)
        if m is None or m.start() - mention.end > 45:
            gap = text[mention.end : stop]
            pending = [*pending, mention] if _JOINER.fullmatch(gap) else []
            continue
        constraint = _constraint(m)
        if constraint is None:
            continue
        if _bare(m) and not _BARE_RANGE_GAP.fullmatch(text, mention.end, m.start()):
            continue  # "transfusion of hemoglobin within 2-4 weeks" is no haemoglobin range
        params: dict[str, Any] = {"analyte": mention.id, "constraint": constraint}
        end = m.start() + len(m.group().rstrip())
        conds = []
        for c in conditional.finditer(text, m.end(), stop):
            cc = _constraint(c)
            if cc is not None:
                conds.append({"condition": c.group("cond").strip(" ,;)"), "constraint": cc})
                end = max(end, c.end())
        if conds:
            params["conditional"] = conds
        while (
            end < len(text)
            and text[end] == ")"
            and text[mention.start : end].count("(") > text[mention.start : end].count(")")
        ):
            end += 1
        while end > mention.start and text[end - 1].isspace():
            end -= 1
        for shared in pending:
            out.append(LabThreshold(shared.id, dict(params, analyte=shared.id), shared.start, end))
        pending = []
        out.append(LabThreshold(mention.id, params, mention.start, end))
    return tuple(out)


def lab(m: re.Match[str], text: str, polarity: str) -> Params:
    """Extractor: the first threshold (the pipeline makes sub-criteria when there are more)."""
    found = thresholds(text)
    if not found:
        return None
    return copy.deepcopy(found[0].params)
