"""Measurements read out of a note through the lab vocabulary (``rules/data/vocab/labs.json``).

Any analyte the vocabulary names ("FEV1", "EF", "HR", "O2 sat", "WBC") followed by a plain
value ("of 63%", ": 75 bpm", "115/min") is a measurement, and so is a bound ("eGFR >60",
"testosterone < 50 ng/dL": the value with its comparator); a range, a decade ("O2 sats 70s")
or a duration ("TB 2 years ago") is not. Values outside an analyte's ``plausible`` range in
the vocabulary are dropped. Each fact keeps its span.
"""

from __future__ import annotations

import re
from typing import Any

from rules import vocab
from rules.criteria.labs import arabic_stages, unit_of

_VALUE = re.compile(
    r"(?i)\)?(?:\s*\([^()]{0,40}\))?(?:\s+(?:level|count|value|ratio|reading|rate|stage|score))?"
    r"(?:\s*(?:of|was|were|is|are|=|:|at|measured|calculated|as|revealed|showed|around|about|"
    r"approximately)){0,3}"
    r"(?:\s*(?P<cmp><=|>=|[<>≤≥]|(?:less|lower|greater|higher|more)\s+than|below|above)(?!\s*[<>=]))?"
    r"\s*(?P<v>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?!\d|\.\d|,\d|'?s\b|\s*(?:-|–|to)\s*\d)"
    r"\s*(?P<unit>%|g/dl|mg/dl|mg/l|g/l|[µu]mol/l|mmol/l|meq/l|i?u/l|i?u/ml|ng/ml|ng/dl|nmol/l|pg/ml|k/[µu]l|/mm3|/[µu]l|"
    r"x ?10\^?9/l|ml/min(?:/1\.73 ?m2)?|kg/m2|mm ?hg|bpm|beats?/min(?:ute)?|breaths?/min(?:ute)?|"
    r"/min(?:ute)?|msec|ms\b|sec(?:onds?)?\b|s\b|kg\b(?!\s*/)|lbs?\b|pounds?\b)?"
)
#: a value given as a bound ("testosterone < 50 ng/dL", "eGFR >60"): its comparator
_COMPARATOR = {"≤": "<=", "≥": ">=", "less": "<", "lower": "<", "below": "<", "greater": ">",
               "higher": ">", "more": ">", "above": ">"}  # fmt: skip
#: a number that is a duration, a dose or a count of something else (cells per high-power
#: field of a urine sediment, "WBC: 2 WBCs/hpf"), not the measurement
_NOT_MEASURE = re.compile(
    r"(?i)^[ \t]*(?:-[ \t]*)?(?:years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|minutes?|"
    r"times|x\b|mg\b|mcg|units?|puffs?|pack|cigarettes?|l\b|liters?|litres?|ml\b|cm|mm\b|kg\b|"
    r"lbs?|episodes?|floors?|(?:[a-z]+\s*)?/\s*hpf|per\s+hpf)\b"
)


#: values listed apart from their names: paired by order, which this reader does not do
_RESPECTIVELY = re.compile(r"(?i)\b(?:respectively|resp\.)")


#: names listed together: "LDL-C and HDL-C", "fasting glucose, triglyceride and HbA1c"
_NAME_JOIN = re.compile(r"(?i)\s*(?:,\s*and|,|and|&)\s*")
#: their values in the same order: "levels were 545 and 53 mg/dL, respectively"
_VALUE_LIST = re.compile(
    r"(?i)(?:\s+(?:levels?|values?|counts?|concentrations?))?(?:\s*(?:were|are|was|of|:|=)){0,2}"
    r"\s*\(?\s*(?P<vals>\d+(?:\.\d+)?(?:\s*(?:,\s*and|,|and|&)\s*\d+(?:\.\d+)?)+)"
    r"\s*(?P<unit>%|[a-zµ]+/[a-z0-9.]+)?\s*,?\s*(?:respectively|resp\.)"
)


def listed_values(text: str, mentions: list[Any]) -> list[tuple[Any, float, str | None, int, int]]:
    """Values listed apart from their names and paired by order ("respectively"): each
    analyte mention with its value, unit and the span of the whole listing. The counts of
    names and values must agree; one unit at the end is every value's.

    >>> t = "His fasting glucose and triglyceride levels (85 and 158 mg/dL, resp.) were normal."
    >>> [(m.id, v, u) for m, v, u, _, _ in listed_values(t, vocab.find_labs(t))]
    [('glucose', 85.0, 'mg/dL'), ('triglycerides', 158.0, 'mg/dL')]
    """
    out: list[tuple[Any, float, str | None, int, int]] = []
    run: list[Any] = []
    for i, m in enumerate(mentions):
        run = [*run, m] if run and _NAME_JOIN.fullmatch(text, run[-1].end, m.start) else [m]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and _NAME_JOIN.fullmatch(text, m.end, nxt.start):
            continue
        v = _VALUE_LIST.match(text, m.end)
        if len(run) < 2 or v is None:
            continue
        values = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", v.group("vals"))]
        if len(values) != len(run):
            continue
        unit = unit_of(v.group("unit")) if v.group("unit") else None
        out.extend((r, x, unit, run[0].start, v.end()) for r, x in zip(run, values, strict=True))
    return out


def _sentence_end(text: str, at: int) -> int:
    stop = re.compile(r"\.(?:\s|$)|[;\n]").search(text, at)
    return stop.start() if stop else len(text)


_CHANGE = re.compile(
    r"(?i)\b(?:gain(?:ed|ing)?|los[st]|losing|reduc\w*|increase[sd]?|decrease[sd]?|drop(?:ped)?|"
    r"rise|rose|change[sd]?)\s+(?:(?:in|of|his|her|the)\s+){0,2}$"
)


def a_change(text: str, start: int) -> bool:
    """Whether the measurement named at ``start`` is a change, not a value.

    >>> t = "He gained weight 10 kg; a decrease in hemoglobin 2 g/dL; Hgb: 8 g/dl"
    >>> [a_change(t, t.index(w)) for w in ("weight", "hemoglobin", "Hgb")]
    [True, True, False]
    """
    return bool(_CHANGE.search(text, max(0, start - 30), start))


def measurement_facts(text: str, taken: list[Any]) -> list[Any]:
    """Lab and vital-sign values named through the lab vocabulary, outside spans ``taken``.

    >>> t = "Spirometry revealed a FEV1 of 63% of the predicted. HR: 195/min, O2 sats 70s."
    >>> [(f.value["name"], f.value["value"], f.value["unit"]) for f in measurement_facts(t, [])]
    [('fev1', 63.0, '%'), ('heart_rate', 195.0, '/min')]
    """
    from profiles.text import Fact, negated

    spans = [(f.start, f.end) for f in taken]
    out: list[Any] = []
    mentions = vocab.find_labs(text)
    source, text = text, arabic_stages(text, mentions)  # "Stage I" -> "Stage 1": same spans
    for m, value, unit, start, end in listed_values(text, mentions):
        low, high = vocab.lab_entry(m.id).get("plausible") or (float("-inf"), float("inf"))
        if low <= value <= high and not negated(text, m.start):
            lab = {"name": m.id, "value": value, "unit": unit}
            out.append(Fact(field="labs", value=lab, text=source[start:end], start=start, end=end))
    spans += [(f.start, f.end) for f in out]
    for m in mentions:
        if any(s < m.end and m.start < e for s, e in spans):
            continue
        if negated(text, m.start, clause=True):  # "no cardiac history, QTc 428 ms": read
            continue
        if a_change(text, m.start):
            continue
        if _RESPECTIVELY.search(text, m.start, _sentence_end(text, m.end)):
            continue  # "LDL-C and HDL-C levels were 545 and 53 mg/dL, respectively"
        v = _VALUE.match(text, m.end, min(len(text), m.end + 60))
        if v is None or _NOT_MEASURE.match(text[v.end() :]):
            continue
        entry = vocab.lab_entry(m.id)
        value = float(v.group("v").replace(",", ""))
        low, high = entry.get("plausible") or (float("-inf"), float("inf"))
        if not low <= value <= high:
            continue
        units = entry.get("units") or []
        raw = v.group("unit")
        if entry.get("scale") and raw:
            continue  # a rating scale has no unit: "MMSE 24%" is something else

        unit = "s" if raw and raw.lower().startswith("s") else unit_of(raw)
        unit = unit or (units[0] if len(units) == 1 else None)
        lab = {"name": m.id, "value": value, "unit": unit}
        if v.group("cmp"):  # "Testosterone < 50 ng/dL": below 50, not 50
            lab["comparator"] = _COMPARATOR.get(v.group("cmp").lower().split()[0], v.group("cmp"))
        end = v.end() if v.group("unit") else v.end("v")
        out.append(
            Fact(field="labs", value=lab, text=source[m.start : end], start=m.start, end=end)
        )
        spans.append((m.start, end))
    return out


def scale_fact(fact: Any) -> bool:
    """Whether ``fact`` is a rating-scale score (``scale`` in vocab/labs.json).

    >>> [scale_fact(f) for f in measurement_facts("NIHSS score was 7; Hgb 9 g/dL", [])]
    [True, False]
    """
    if fact.field != "labs" or not isinstance(fact.value, dict):
        return False
    return bool(vocab.lab_entry(str(fact.value.get("name"))).get("scale"))


def mean_arterial_pressure(systolic: float, diastolic: float) -> float | None:
    """Mean arterial pressure from a blood pressure reading: (SBP + 2 x DBP) / 3, rounded to
    one decimal; None when the reading is not a pressure (diastolic at or above systolic).

    >>> mean_arterial_pressure(80, 40), mean_arterial_pressure(70, 30)
    (53.3, 43.3)
    """
    if diastolic >= systolic or diastolic <= 0:
        return None
    return round((systolic + 2 * diastolic) / 3, 1)


def historical(text: str, start: int, end: int) -> bool:
    """Whether the lab value at ``start:end`` is said of the past in its sentence ("at
    presentation", "initially", "nadir"): a current value of the same test comes first.

    >>> t = "Diagnosed 01/2022 (PSA 112 ng/mL). Current: PSA 48 ng/mL."
    >>> historical(t, 19, 32), historical(t, 45, 57)
    (True, False)
    """
    from profiles.text import _find
    from profiles.text_mentions import sentence_span

    cut, stop = sentence_span(text, start, end)
    return bool(_find("lab_history", text[cut:stop]))
