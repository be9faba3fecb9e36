"""Laboratory thresholds: analyte (vocab/labs.json), comparator, value, unit or x ULN/LLN,
and conditional thresholds ("<= 5 x ULN if liver metastases"). One item may hold several.
The threshold grammar is data (``rules/data/patterns/lab.json``: ``threshold``, ``units``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
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
    defs = {**vocab.load_data("patterns/common.json")["defs"], **data.get("defs", {})}
    units = [(re.compile(u["regex"]), u["unit"]) for u in data["units"]]
    return (
        re.compile(_expand(data["threshold"], defs)),
        re.compile(_expand(data["conditional"], defs)),
        units,
    )


def unit_of(raw: str | None) -> str | None:
    """The canonical spelling of a unit (the ``units`` table of patterns/lab.json), else the
    raw text without spaces; None for no unit.

    >>> unit_of("beats/min"), unit_of("g/dl"), unit_of("mm Hg"), unit_of(None)
    ('/min', 'g/dL', 'mmHg', None)
    """
    return _unit(raw)


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


#: "> or = 22" (older records' spelling of ">= 22"), rewritten in place at the same length
_OR_EQUAL = re.compile(r"([<>])\s*or\s*=")
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
_ROMAN_TOKEN = re.compile(r"\b(?:III|II|IV|V|I)\b")
#: one item of a rating scale ("suicide item"), not the scale's total
_ITEM = re.compile(r"(?i)\bitems?\b")


def arabic_stages(text: str, mentions: list[vocab.Mention]) -> str:
    """``text`` with the Roman stage numbers that follow a scale counted in them (``roman`` in
    vocab/labs.json: Hoehn and Yahr) written as digits, padded to the same length so that
    every span stays where it was.

    >>> t = "Hoehn & Yahr Stage II-III inclusive; stage IV cancer"
    >>> arabic_stages(t, vocab.find_labs(t))
    'Hoehn & Yahr Stage 2 -3   inclusive; stage IV cancer'
    """
    for m in mentions:
        if not vocab.lab_entry(m.id).get("roman"):
            continue
        end = min(len(text), m.end + 30)
        window = _ROMAN_TOKEN.sub(
            lambda r: _ROMAN[r.group()].ljust(len(r.group())), text[m.end : end]
        )
        text = text[: m.end] + window + text[end:]
    return _worse_as_direction(text, mentions)


_WORSE = re.compile(r"(?i)\bor\s+(worse|better)\b")


def _worse_as_direction(text: str, mentions: list[vocab.Mention]) -> str:
    """ "or worse" / "or better" after a scale whose direction is known (``worse`` in
    vocab/labs.json: higher for Hoehn and Yahr, lower for the MMSE) as "or more" / "or less",
    padded to the same length.

    >>> t = "Hoehn-Yahr stage 4 or worse; MMSE 20 or worse"
    >>> _worse_as_direction(t, vocab.find_labs(t))
    'Hoehn-Yahr stage 4 or more ; MMSE 20 or less '
    """
    for m in mentions:
        worse = vocab.lab_entry(m.id).get("worse")
        if not worse:
            continue
        end = min(len(text), m.end + 30)
        w = _WORSE.search(text, m.end, end)
        if w is None:
            continue
        higher = (w.group(1).lower() == "worse") == (worse == "higher")
        word = ("or more" if higher else "or less").ljust(len(w.group()))
        text = text[: w.start()] + word + text[w.end() :]
    return text


#: what may stand between an analyte and a range written without a comparator ("BMI 25-40")
_BARE_RANGE_GAP = re.compile(
    r"(?i)\s*(?:\([^)]{0,20}\))?\s*(?:(?:level|value|count|stage|score)s?\s*)?"
    r"(?:of|:|=|is|in the range(?: of)?)?\s*"
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
    >>> [t.params["constraint"]["op"] for t in thresholds("HAM-D17 total score > or = 22")]
    ['>=']
    """
    threshold, conditional, _ = _grammar()
    if _not_a_requirement(text):
        return ()
    mentions = vocab.find_labs(text)
    source = text
    text = _OR_EQUAL.sub(lambda m: (m.group(1) + "=").ljust(len(m.group())), text)
    text = arabic_stages(text, mentions)
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
        if constraint.get("unit") is None and _DURATION_AFTER.match(text, m.end()):
            continue  # "M protein at least 4 weeks prior", "stable for more than 6 weeks"
        if _CHANGE_BEFORE.search(text[max(0, mention.start - 40) : mention.start]):
            continue  # "At least 25% increase of serum paraprotein (greater than 1.0 g/dL)"
        if _ITEM.search(text, mention.end, m.start()):
            continue  # "HAM-D suicide item score >= 2": one item of the scale, not its total
        if _bare(m) and not _BARE_RANGE_GAP.fullmatch(text, mention.end, m.start()):
            continue  # "transfusion of hemoglobin within 2-4 weeks" is no haemoglobin range
        if _LATER.match(text, m.end(), stop):
            continue  # "saturation <92% after the initial acute treatment": not known yet
        if _BY_SEX.match(text, m.end(), stop):
            continue  # "HDL ≤ 40 mg/dL males, ≤ 50 mg/dL females": a limit per sex
        if _foreign_unit(mention.id, constraint):
            continue  # "Weight less than 75 percent of ideal body weight"
        analyte = _ratio_analyte(mention, text, m)
        params: dict[str, Any] = {
            "analyte": analyte,
            "constraint": _in_usual_unit(analyte, constraint),
        }
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
        while end < len(text) and text[end] == " " and source[end] != " ":
            end += 1  # the padding of a rewrite ("or worse" read as "or more ") is cited too
        for shared in pending:
            out.append(LabThreshold(shared.id, dict(params, analyte=shared.id), shared.start, end))
        pending = []
        out.append(LabThreshold(analyte, params, mention.start, end))
        if not conds:
            out.extend(_or_thresholds(text, analyte, m.end(), stop))
    return () if _or_of_groups(text, out) else tuple(out)


def _or_of_groups(text: str, found: list[LabThreshold]) -> bool:
    """Whether the limits are groups joined by "or" ("ratio <0.70 with FEV1<80% or ratio
    <0.60 with FEV1>80%"): one analyte met again after an "or" with another analyte between.
    Neither all nor any of the limits is the requirement then.

    >>> len(thresholds("FEV1/FVC ratio <0.70 with FEV1<80% predicted or FEV1/FVC ratio <0.60 "
    ...                "with FEV1>80% predicted")), len(thresholds("BMI < 18 or > 40"))
    (0, 2)

    """
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            between = found[i + 1 : found.index(b)]
            if (
                b.analyte == a.analyte
                and any(x.analyte != a.analyte for x in between)
                and re.search(r"(?i)\bor\b", text[a.end : b.start])
            ):
                return True
    return False


_OR_NEXT = re.compile(r"(?i)\s*,?\s*or\s+")


def _or_thresholds(text: str, analyte: str, at: int, stop: int) -> list[LabThreshold]:
    """Further limits of the same analyte joined by "or" ("Pulse <50 or >100 bpm"), each with
    its own span; the parser keeps them as alternatives.

    >>> [(t.analyte, t.params["constraint"]["op"], t.params["constraint"]["value"])
    ...  for t in thresholds("Resting heart rate <45 bpm or >90 bpm")]
    [('heart_rate', '<', 45.0), ('heart_rate', '>', 90.0)]
    """
    threshold = _grammar()[0]
    out: list[LabThreshold] = []
    while (gap := _OR_NEXT.match(text, at, stop)) is not None:
        m = threshold.match(text, gap.end(), stop)
        if m is None or not (m.group("cmp_n") or m.group("cmp")):
            break
        constraint = _constraint(m)
        if constraint is None:
            break
        params = {"analyte": analyte, "constraint": _in_usual_unit(analyte, constraint)}
        out.append(LabThreshold(analyte, params, m.start(), m.start() + len(m.group().rstrip())))
        at = m.end()
    return out


#: An item whose limits are one arm of alternatives written "OR" ("step 2 therapy OR step 3
#: therapy with FEV1 >= 80% OR controller naive"), or that binds only patients on some
#: treatment ("Patients treated with X should have FEV1 >= 80%"): no limit the patient must meet.
_ARM = re.compile(r"\bOR\b")
#: a time span, not a value: "M protein at least 4 weeks prior to registration"
_DURATION_AFTER = re.compile(r"(?i)\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?|hours?|hrs?)\b")
#: a change of the value, not its level: "At least 25% increase of serum paraprotein"
_CHANGE_BEFORE = re.compile(
    r"(?i)(?<!chronic )(?<!chronically )\b(?:increase|increasing|rise|rising|decrease|decreasing|reduction|decline|drop|fall|"
    r"doubling|change)s?\s+(?:of|in|from)\s+(?:the\s+)?(?:serum\s+|urine\s+|urinary\s+)?$"
)
_ONLY_IF_TREATED = re.compile(
    r"(?i)\b(?:patients|subjects|participants|those)\s+(?:who are\s+|who were\s+|who have\s+)?"
    r"(?:treated with|receiving|received|taking|using|on)\b[^.;]{0,200}?\b(?:(?:should|must|need to)\s+"
    r"(?:have|show|demonstrate)|will be (?:acceptable|eligible|allowed|included) if)\b"
)
#: a measurement at a later time point than the note's: "after the initial acute treatment"
_LATER = re.compile(
    r"(?i)\s*(?:\S+\s+){0,3}?(?:after|following|post)[- ](?:the\s+)?(?:initial\s+|first\s+)?"
    r"(?:acute\s+)?(?:treatment|therapy|dosing|infusion|randomi[sz]ation|enrol?ment)\b"
)


#: a limit for one sex only: "HDL cholesterol ≤ 40 mg/dL males, ≤ 50 mg/dL females"
_BY_SEX = re.compile(r"(?i)\s*(?:\(?\s*)?(?:in |for )?(?:males?|men|females?|women)\b")


def _not_a_requirement(text: str) -> bool:
    """Whether the item's limits bind nobody in particular (see ``_ARM``/``_ONLY_IF_TREATED``).

    >>> _not_a_requirement("Patients treated with low stable dose of inhaled corticosteroid "
    ...                    "should have pre-bronchodilator FEV1 ≥80 % PN")
    True
    >>> _not_a_requirement("Pulse <50 or >100 bpm"), _not_a_requirement("FEV1 < 80% OR x")
    (False, True)
    """
    return bool(_ARM.search(text) or _ONLY_IF_TREATED.search(text) or _EXPECTED.search(text))


#: a state the planned treatment will cause, defined by a limit ("Patient going on intensive
#: induction chemotherapy (causing a 'high risk' situation of severe infection defined as
#: profound neutropenia (PMN < 500/mm3) ...)"): no value the patient has now
_EXPECTED = re.compile(
    r"(?i)\b(?:going on|about to (?:receive|start|undergo)|scheduled (?:for|to)|expected to|"
    r"anticipated|causing|will (?:cause|induce|result in|develop|experience))\b[^;]{0,150}?"
    r"\b(?:neutropeni\w*|aplasi\w*|cytopeni\w*|defined as)\b"
)


#: "FEV1/FVC", "FEV1)/forced vital capacity (FVC) ratio", "FEV1 ... 55% of FVC": the ratio
_OVER_FVC = re.compile(r"(?i)^\)?\s*/\s*(?:\(?\s*)?(?:FVC|forced vital capacity)\b")
_OF_FVC = re.compile(r"(?i)^\s*(?:of\s+(?:the\s+)?)(?:FVC|forced vital capacity)\b")


def _ratio_analyte(mention: vocab.Mention, text: str, m: re.Match[str]) -> str:
    """``fev1_fvc`` when an FEV1 mention is the numerator of a ratio to the FVC.

    >>> [t.analyte for t in thresholds("FEV1)/forced vital capacity (FVC) ratio <0.70; "
    ...                                 "FEV1 is less than 55% of FVC; FEV1 < 80%")]
    ['fev1_fvc', 'fev1_fvc', 'fev1']
    """
    if mention.id != "fev1":
        return mention.id
    if _OVER_FVC.match(text[mention.end : m.start()]) or _OF_FVC.match(text[m.end() :]):
        return "fev1_fvc"
    return mention.id


def _foreign_unit(analyte: str, constraint: dict[str, Any]) -> bool:
    """A limit in a unit the analyte is never measured in (``strict_units`` in labs.json).

    >>> [len(thresholds(t)) for t in ("Weight less than 75 percent of ideal body weight",
    ...                               "Weight < 120kg", "Weight > 30")]
    [0, 1, 1]
    """
    entry = vocab.lab_entry(analyte)
    unit = constraint.get("unit")
    return bool(entry.get("strict_units") and unit and unit not in entry.get("units", []))


def _in_usual_unit(analyte: str, constraint: dict[str, Any]) -> dict[str, Any]:
    """A limit as the analyte is kept: a fraction or a bare count in its unit
    (:func:`_as_percent`), a converted unit in the usual one (:func:`_converted`)."""
    return _converted(analyte, _as_percent(analyte, constraint))


def _as_percent(analyte: str, constraint: dict[str, Any]) -> dict[str, Any]:
    """A ratio written as a fraction ("FEV1/FVC < 0.7") in the per cent its analyte is kept in
    (``fraction_as_percent`` in vocab/labs.json); a count of 1,000 or more without a unit
    ("leukocyte count less than 3,000") in the analyte's ``count_unit``.

    >>> _as_percent("fev1_fvc", {"op": "<", "value": 0.7, "unit": None})["value"]
    70.0
    >>> _as_percent("wbc", {"op": "<", "value": 3000.0, "unit": None})["unit"]
    '/mm3'
    """
    entry = vocab.lab_entry(analyte)
    value = float(constraint["value"])
    if entry.get("count_unit") and constraint.get("unit") is None and value >= 1000:
        return dict(constraint, unit=entry["count_unit"])
    # a ratio is never 1% or less: "FEV1/FVC<0.7%" is the fraction 0.7 too
    if not entry.get("fraction_as_percent") or constraint.get("unit") not in (None, "%"):
        return constraint
    if not 0 < value <= 1:
        return constraint
    out = dict(constraint, unit="%", value=round(value * 100, 6))
    if out.get("value2") is not None:
        out["value2"] = round(float(out["value2"]) * 100, 6)
    return out


def _converted(analyte: str, constraint: dict[str, Any]) -> dict[str, Any]:
    """A limit written in a unit its analyte is converted from (``convert`` in labs.json) in
    the analyte's usual unit: HbA1c in IFCC mmol/mol as NGSP per cent, so that it meets the
    per cent a note gives ("A1c: 11.3%").

    >>> _converted("hba1c", {"op": ">", "value": 86.0, "unit": "mmol/mol"})
    {'op': '>', 'value': 10.0, 'unit': '%'}
    >>> _converted("hba1c", {"op": "<=", "value": 9.0, "unit": "%"})["value"]
    9.0
    """
    entry = vocab.lab_entry(analyte)
    rule = entry.get("convert", {}).get(constraint.get("unit"))
    if not rule:
        return constraint
    out = dict(constraint, unit=rule["unit"])
    for key in ("value", "value2"):
        if out.get(key) is not None:
            out[key] = round(rule["factor"] * float(out[key]) + rule["offset"], 1)
    return out


def lab(m: re.Match[str], text: str, polarity: str) -> Params:
    """Extractor: the first threshold (the pipeline makes sub-criteria when there are more)."""
    found = thresholds(text)
    if not found or (polarity == "inclusion" and _either(text, found)):
        return None
    return copy.deepcopy(found[0].params)


def _either(text: str, found: list[LabThreshold]) -> bool:
    """Limits of different analytes joined by "or": an inclusion then asks for either, not
    both (an exclusion's "or" is right as it is: each limit rules out on its own).

    >>> t = "Triglycerides (TG) > 150 mg/dL and < 700 mg/dL, and/or HDL-cholesterol < 40 mg/dL"
    >>> lab(None, t, "inclusion") is None, lab(None, t, "exclusion") is None
    (True, False)
    """
    return any(
        a.analyte != b.analyte and re.search(r"(?i)\bor\b", text[a.end : b.start])
        for a, b in pairwise(found)
    )
