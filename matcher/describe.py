"""A criterion in plain words on its own, without a patient: the trial pages' translation
beside the trial's words, and ``GET /v1/trials/{id}``. The wording with a patient's facts is
:mod:`matcher.explain`.
"""

from __future__ import annotations

import re
from typing import Any

from matcher import knowledge as kb
from matcher.verdict import required_of
from rules import vocab


def display_name(vocabulary: str, ident: str) -> str:
    """A vocabulary entry's display name (lower-cased unless an abbreviation), else its id.

    >>> display_name("comorbidities", "no_such_id")
    'no such id'
    """
    name = kb.entry_name(vocabulary, ident) or ident.replace("_", " ")
    return name if name.isupper() else name[0].lower() + name[1:]


_ECOG_WORDS = {
    0: "you are fully active, as before your illness",
    1: "you are up and about and able to do light work",
    2: "you can look after yourself and are up and about more than half of the day",
    3: "you can only partly look after yourself and are in bed or a chair more than half "
    "of the day",
    4: "you are fully disabled and in bed or a chair all of the time",
}
_KARNOFSKY_WORDS = {
    90: "you can carry on normal activity with minor symptoms",
    80: "you can carry on normal activity with some effort",
    70: "you can look after yourself but cannot work or carry on normal activity",
    60: "you need occasional help but can look after most of your needs",
    50: "you need a lot of help and frequent medical care",
}
_UNIT_WORDS = {
    "x uln": "times the upper limit of normal",
    "x lln": "times the lower limit of normal",
}
_STATE_WORDS = {"active": "active", "untreated": "untreated", "symptomatic": "symptoms from"}
_OTHER_TOPICS = {
    "organ_function": "Your blood counts, liver and kidneys must work well enough; "
    "the trial team checks this with blood tests",
    "investigator_judgement": "The trial doctors decide whether the trial suits you",
    "compliance": "You must be able to follow the trial's visits and treatment plan",
    "allergy": "You cannot take part if you are allergic to the study treatment",
    "toxicity_recovery": "Side effects of earlier treatment must have settled",
}


def describe_criterion(criterion: Any) -> str:
    """A criterion in patient-friendly words, on its own (no patient needed).

    Built from the criterion's ``kind`` and ``params`` (``polarity`` and ``negated`` decide
    "must" or "must not"); kind ``other`` says the trial team checks the trial's own words.

    >>> from rules.criterion import Criterion
    >>> def c(kind, params, polarity="inclusion", text="..."):
    ...     return Criterion(id="inc-1", polarity=polarity, text=text, start=0, end=len(text),
    ...                      kind=kind, params=params, confidence=0.9, rule="test")
    >>> describe_criterion(c("age", {"age": {"op": "between", "value": 18, "value2": 80}}))
    'You must be 18 to 80 years old.'
    >>> describe_criterion(c("performance_status",
    ...     {"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}}))
    'ECOG performance status 0 or 1: you are up and about and able to do light work.'
    >>> describe_criterion(c("comorbidity", {"classes": ["autoimmune_disease"], "active": True},
    ...     polarity="exclusion"))
    'No active autoimmune disease.'
    >>> describe_criterion(c("biomarker", {"biomarker": "PD-L1", "scoring": "TPS",
    ...     "threshold": {"op": ">=", "value": 50, "unit": "%"}}))
    'Your tumour test must show PD-L1 TPS at least 50%.'
    """
    kind, params = criterion.kind, dict(criterion.params or {})
    required = required_of(criterion)
    if kind == "other":
        topic = _OTHER_TOPICS.get(str(params.get("topic")))
        words = re.sub(r"\\([^\w\s])", r"\1", criterion.text.strip())  # registry escapes
        if params.get("topic") == "heading":
            return f"{words.rstrip(':')}: the items that follow say what is checked."
        return (topic or f'The trial team checks this: "{words}"') + "."
    if kind == "performance_status" and "score" in params and required:
        return _performance_words(params) + "."
    if kind == "biomarker" and "biomarker" in params:
        verb = "must show" if required else "must not show"
        return f"Your tumour test {verb} {_marker_words(params)}."
    if kind == "sex" and params.get("sex") in ("female", "male"):
        who = "women" if params["sex"] == "female" else "men"
        return f"This trial is for {who} only." if required else f"This trial is not for {who}."
    if criterion.rule == "ctgov:conditions":
        return f"The trial is for people with {_studied_words(params)}."
    phrase = _have(kind, params)
    if required or kind in ("consent", "contraception"):  # "unable to consent" reads the same
        return f"You must {phrase}."
    if params.get("all_of") or params.get("any_of"):
        return f"You cannot take part if you {_second_person(phrase)}."
    if phrase.startswith("have ") and not phrase.startswith(("have had ", "have a ", "have an ")):
        return f"No {phrase.removeprefix('have ')}."
    return f"You must not {phrase}."


def _second_person(phrase: str) -> str:
    """ "be pregnant and have HIV" -> "are pregnant and have HIV"."""
    return re.sub(r"(^| and | or )(not )?be ", r"\1\2are ", phrase).replace("not are", "are not")


def _age_words(numeric: dict[str, Any]) -> str:
    """ "18 to 80 years old", "80 years old or younger", "older than 65 years"."""
    numeric = dict(numeric)
    unit = numeric.get("unit") or "years"
    value = float(numeric.get("value") or 0)
    if unit == "years" and value < 1 and numeric.get("op") != "between":
        value, unit = round(value * 12, 1), "months"  # "0.0833 years" is one month
        numeric["value"] = value
    op, a = numeric.get("op"), _num(value)
    unit = numeric["unit"] = unit[:-1] if a == "1" else unit
    if op == "<=":
        return f"{a} {unit} old or younger"
    if op == "<":
        return f"younger than {a} {unit}"
    if op == ">":
        return f"older than {a} {unit}"
    return f"{_amount(numeric, unit=unit)} old"


def _studied_words(params: dict[str, Any]) -> str:
    """The registered conditions, by vocabulary name when known ("pancreatic cancer")."""
    if params.get("healthy"):
        return "no health problems (healthy volunteers)"
    names = [display_name("cancers", c) for c in params.get("cancers") or []]
    names += [str(s.get("text") or s.get("id")) for s in params.get("studied") or []]
    names = names or [str(m) for m in params.get("mentions") or []]
    words = [" ".join(w.lower() if w[1:].islower() else w for w in n.split()) for n in names]
    return _join(list(dict.fromkeys(words)) or ["the conditions listed"], "or")


def _stage_of(items: list[dict[str, Any]]) -> str | None:
    """The stage words of an all_of that also names a cancer ("locally advanced")."""
    kinds = [it.get("kind") for it in items if not (it.get("params") or {}).get("negated")]
    if kinds.count("stage") != 1 or kinds.count("condition") != 1:
        return None
    item = next(it for it in items if it.get("kind") == "stage")
    return _stage_words(item.get("params") or {})


def _join(parts: list[str], word: str) -> str:
    """ "a, b and c" """
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _have(kind: str, params: dict[str, Any], *, stage: str | None = None) -> str:
    """A verb phrase for the proposition P ("be 18 to 80 years old", "have had chemotherapy")."""
    items = list(params.get("all_of") or params.get("any_of") or [])
    if items:
        stage = _stage_of(items) if params.get("all_of") else None
        parts = [
            ("not " if (it.get("params") or {}).get("negated") else "")
            + _have(it.get("kind") or kind, it.get("params") or {}, stage=stage)
            for it in items
            if stage is None or it.get("kind") != "stage"
        ]
        return _join(list(dict.fromkeys(parts)), "and" if params.get("all_of") else "or")
    if kind == "age" and params.get("age"):
        return "be " + _age_words(params["age"])
    if kind == "sex":
        return f"be {params.get('sex', 'of the sex the trial names')}"
    if kind == "condition":
        return _condition_words(params, stage=stage)
    if kind == "stage":
        return f"have {_stage_words(params)} cancer"
    if kind == "biomarker":
        return f"have a tumour test showing {_marker_words(params)}"
    if kind == "performance_status" and params.get("score"):
        scale = params.get("scale") or "ECOG"
        return f"have a {scale} performance status of {_amount(params['score'])}"
    if kind == "prior_therapy" and params.get("current"):
        return f"be currently receiving {_therapy_words(params)}"
    if kind == "prior_therapy":
        refractory = " and your cancer grew during it" if params.get("refractory") else ""
        return f"have had {_therapy_words(params)}{refractory}"
    if kind == "lines_of_therapy" and params.get("lines"):
        setting = f" for {params['setting']} disease" if params.get("setting") else ""
        lines = _amount(params["lines"])
        noun = "line" if lines.split(" ")[-1] == "1" else "lines"
        return f"have had {lines} earlier {noun} of treatment{setting}"
    if kind == "washout" and params.get("within"):
        span = _span(params["within"], "days")
        if params.get("started"):
            return f"have had {_therapy_words(params)} started or changed in the last {span}"
        return f"have had {_therapy_words(params)} in the last {span}"
    if kind == "lab" and params.get("constraint"):
        return "have " + _a(_lab_words(params))
    if kind == "comorbidity":
        return "have " + _comorbidity_words(params)
    if kind == "cns_metastases":
        return "have " + _cns_words(params)
    if kind == "pregnancy":
        return "be pregnant or breastfeeding" if params.get("breastfeeding") else "be pregnant"
    if kind == "measurable_disease":
        standard = f" ({params['standard']})" if params.get("standard") else ""
        return f"have cancer that can be measured on a scan{standard}"
    if kind == "life_expectancy" and params.get("months"):
        return f"be expected by your doctor to live {as_weeks(_amount(params['months'], unit='months'))}"
    if kind == "contraception" or kind == "consent":
        return _screening(kind)
    return "meet this criterion (see the trial's words)"


def _screening(kind: str) -> str:
    if kind == "contraception":
        return "agree to use effective birth control during the trial"
    if kind == "consent":
        return "be able and willing to give informed consent"
    return "meet this criterion (see the trial's words)"


def as_weeks(words: str) -> str:
    """Months the parser made of weeks, in the trial's weeks again (a life expectancy "of at
    least 12 weeks" is kept as 2.76 months).

    >>> as_weeks("≥ 2.76 months"), as_weeks("≥ 3 months"), as_weeks("more than 1.38 months")
    ('≥ 12 weeks', '≥ 3 months', 'more than 6 weeks')
    """

    def weeks(m: re.Match[str]) -> str:
        months = float(m.group(1))
        w = months * 30.44 / 7
        if months != round(months) and abs(w - round(w)) < 0.05:
            return f"{round(w)} weeks"
        return m.group(0)

    return re.sub(r"(\d+(?:\.\d+)?) months\b", weeks, words)


def _amount(numeric: dict[str, Any], *, unit: str | None = None) -> str:
    """ "18 to 80 years", "at least 1.5 x10^9/L", "more than 3 months"."""
    op, a, b = numeric.get("op"), _num(numeric.get("value")), _num(numeric.get("value2"))
    unit = numeric.get("unit") or unit
    unit_words = _UNIT_WORDS.get(str(unit).lower(), unit) if unit else ""
    words = {
        ">=": f"at least {a}",
        ">": f"more than {a}",
        "<=": f"at most {a}",
        "<": f"less than {a}",
        "=": f"{a}",
        "between": f"{a} to {b}",
    }.get(str(op), f"{op} {a}")
    if unit_words == "%":
        return words + "%"
    return f"{words} {unit_words}".strip()


def _span(numeric: dict[str, Any], unit: str) -> str:
    """A time window in the largest whole unit: 28 days -> "4 weeks", 0.25 years -> "3 months"."""
    value = float(numeric.get("value") or 0)
    days = value * (365 if (numeric.get("unit") or unit) == "years" else 1)
    for size, name in ((365, "year"), (30.4, "month"), (7, "week"), (1, "day")):
        count = days / size
        if count >= 1 and abs(count - round(count)) < 0.05:
            n = round(count)
            return f"{n} {name}" + ("s" if n != 1 else "")
    return f"{_num(value)} {numeric.get('unit') or unit}"


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _performance_words(params: dict[str, Any]) -> str:
    scale, score = str(params.get("scale") or "ECOG"), params["score"]
    op, a, b = score.get("op"), score.get("value"), score.get("value2")
    if scale in ("ECOG", "WHO") and op in ("between", "<=", "<") and a is not None:
        hi = int(b if op == "between" and b is not None else (a - 1 if op == "<" else a))
        lo = int(a) if op == "between" else 0
        scores = " or ".join(map(str, range(lo, hi + 1))) if hi - lo <= 1 else f"{lo} to {hi}"
        return f"{scale} performance status {scores}: {_ECOG_WORDS.get(hi, '')}".rstrip(": ")
    if scale in ("Karnofsky", "Lansky") and op in (">=", ">") and a is not None:
        floor = int(a) + (10 if op == ">" else 0)
        said = next((w for k, w in sorted(_KARNOFSKY_WORDS.items()) if k >= floor), None)
        text = f"{scale} performance status of at least {floor}%"
        return text + (f": {said}" if said else "")
    return f"{scale} performance status {_amount(score)}"


def _marker_words(params: dict[str, Any]) -> str:
    name = vocab.biomarker_label(str(params.get("biomarker") or "the biomarker"))
    if params.get("threshold"):
        scoring = f" {params['scoring']}" if params.get("scoring") else ""
        return f"{name}{scoring} {_amount(params['threshold'])}"
    if params.get("variants"):
        return f"{name} {' or '.join(params['variants'])}"
    result = str(params.get("result") or "positive")
    if result in ("MSI-H", "deficient") and name in ("MSI", "MMR"):
        return "MSI-H or dMMR (mismatch repair deficient)"
    alteration = params.get("alteration")
    if result == "positive" and alteration in ("mutation", "fusion", "amplification"):
        return f"an {name} {alteration}" if name[:1] in "AEFHILMNORSX" else f"a {name} {alteration}"
    return f"{name}-{result}" if name.startswith("HER2") else f"{name} {result}"


def _display(name: str) -> str:
    return name if len(name) > 1 and name[1].isupper() else name[:1].lower() + name[1:]


def _condition_words(params: dict[str, Any], *, stage: str | None = None) -> str:
    if params.get("healthy"):
        return "be a healthy volunteer"
    if params.get("studied"):
        names = [_display(str(s.get("text") or s.get("id"))) for s in params["studied"]]
        return "have " + _join(list(dict.fromkeys(names)), "or")
    names = list(params.get("mentions") or []) or [
        display_name("cancers", c) for c in params.get("cancers") or []
    ]
    named = _join(list(dict.fromkeys(_display(n) for n in names)) or ["the cancer studied"], "or")
    text = f"have {stage} {named}" if stage else f"have {named}"
    if params.get("histologically_confirmed"):
        text += " (confirmed by a biopsy)"
    return text


def _stage_words(params: dict[str, Any]) -> str:
    parts = []
    if params.get("stages"):
        parts.append("stage " + " or ".join(params["stages"]))
    parts.extend(params.get("extent") or [])
    if params.get("resectable") is True:
        parts.append("surgically removable")
    elif params.get("resectable") is False:
        parts.append("not surgically removable")
    if params.get("relapsed_refractory"):
        parts.append("relapsed or treatment-resistant")
    if params.get("tnm"):
        parts.append(f"TNM {params['tnm']}")
    return " or ".join(parts) or "the stage of"


def _therapy_words(params: dict[str, Any]) -> str:
    parts = [d.replace("_", " ") for d in params.get("drugs") or []] + [
        _display(kb.entry_name("drugs", c) or c.replace("_", " "))
        for c in params.get("classes") or []
    ]
    parts = list(dict.fromkeys(p for p in parts if p))
    text = _join(parts, "or") if parts else "anticancer treatment"
    if params.get("setting"):
        text += f" ({params['setting']})"
    return text


def _lab_words(params: dict[str, Any]) -> str:
    analyte = str(params.get("analyte") or "lab value")
    name = _display(kb.entry_name("labs", analyte) or analyte.replace("_", " "))
    text = f"{name} of {_amount(params['constraint'])}"
    for cond in params.get("conditional") or []:
        if cond.get("constraint") and cond.get("condition"):
            text += f" ({_amount(cond['constraint'])} with {cond['condition']})"
    return text


def _comorbidity_words(params: dict[str, Any]) -> str:
    names = list(params.get("mentions") or []) or [
        kb.entry_name("comorbidities", c) or c.replace("_", " ")
        for c in [*(params.get("conditions") or []), *(params.get("classes") or [])]
    ]
    text = _join(list(dict.fromkeys(_display(n) for n in names)) or ["the condition named"], "or")
    if params.get("history") and not params.get("active"):
        text = "a history of " + text
    if params.get("active") and not kb.words_in(
        text.lower(), ["active", "uncontrolled", "current", "ongoing"]
    ):
        text = "active " + text
    if params.get("within"):
        text += f" in the last {_span(params['within'], 'years')}"
    if params.get("exceptions"):
        text += f" (except {_clean('; '.join(params['exceptions']))})"
    return text


def _clean(text: str) -> str:
    """The registry's markdown escapes removed: ``\\[a\\]`` -> ``(a)``."""
    return text.replace("\\", "").replace("[", "(").replace("]", ")").replace("  ", " ")


def _cns_words(params: dict[str, Any]) -> str:
    where = (
        "cancer in the lining of the brain (leptomeningeal disease)"
        if params.get("leptomeningeal")
        else "cancer that has spread to the brain or spinal cord"
    )
    state = _STATE_WORDS.get(str(params.get("state")))
    text = f"{state} {where}" if state and state != "symptoms from" else where
    if state == "symptoms from":
        text = f"symptoms from {where}"
    if params.get("allowed"):
        text += f" ({' and '.join(params['allowed'])} spread is allowed)"
    return text
