"""Extractors: a pattern's match (and the item's text) to the params of docs/criteria.md.

An extractor returns params, or None to refuse the match (the engine then tries the next
pattern). It may set ``_kind`` / ``_confidence`` to override the pattern's. Disease and
stage extractors live in :mod:`rules.criteria.extract_onco`, biomarkers in
:mod:`rules.criteria.extract_biomarker`, therapy history in
:mod:`rules.criteria.extract_therapy`, comorbidities in
:mod:`rules.criteria.extract_comorbidity`; the engine finds them all here.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from rules import vocab
from rules.criteria.extract_comorbidity import comorbidity, healthy, other_malignancy  # noqa: F401
from rules.criteria.extract_onco import (  # noqa: F401  (re-exported for the engine)
    biomarker,
    condition,
    lines_of_therapy,
    lines_ordinal,
    prior_therapy,
    stage,
    treatment_naive,
    washout,
)
from rules.criteria.extract_therapy import current_therapy  # noqa: F401  (for the engine)
from rules.criteria.labs import lab  # noqa: F401  (re-exported for the engine)
from rules.criteria.numbers import combine, number, numeric, to_months

Params = dict[str, Any] | None
_PREG = re.compile(r"(?i)\b(?:pregnan\w*|breast[- ]?feed\w*|lactat\w*|nursing)")
_BREAST = re.compile(r"(?i)\b(?:breast[- ]?feed\w*|lactat\w*|nursing)")
_STANDARD = re.compile(
    r"(?i)\b(i?RECIST(?:\s*v(?:ersion)?\.?\s*|\s*)1\.[01]|mRECIST|iRECIST|RECIST|RANO(?:-BM)?|"
    r"Lugano(?: 2014)?|IMWG|iwCLL|PCWG3|GCIG|Cheson|IWG|EASL|Choi|ELN|IHC)\b"
)
_CNS_ALLOWED = re.compile(
    r"(?i)\b(?:unless|except|allowed|permitted|eligible|may (?:be )?(?:enrolled|included|participate)|"
    r"provided|if|who (?:are|have been)|that (?:are|have been)|acceptable)\b"
)
_CNS_STATE_RX = (
    ("untreated", r"untreated|not (?:been )?treated|unresected|not received"),
    ("symptomatic", r"symptomatic|neurologically unstable|symptoms"),
    ("active", r"active|progressi\w+|unstable|uncontrolled|growing|new"),
)
_CNS_STATES = tuple((n, re.compile(rf"(?i)\b(?:{rx})\b")) for n, rx in _CNS_STATE_RX)
#: metastases named as recurrent are active ones, not any (NCT03801200: "Patients with recurrent
#: brain metastases have previously received brain radiation therapy" of a brain-metastases trial)
_CNS_RECURRENT = re.compile(
    r"(?i)\b(?:recurrent|recurring|relapsed|relapsing)\s+(?:brain|cns|central nervous system|"
    r"intracranial|cerebral)\b"
)
_ALLOWED_STATE_RX = (
    ("treated", r"treated|irradiated|resected|radiotherapy|surgery|SRS"),
    ("stable", r"stable|no (?:evidence of )?progression|without progression"),
    ("asymptomatic", r"asymptomatic|no symptoms|without symptoms"),
)
_ALLOWED_STATES = tuple((n, re.compile(rf"(?i)\b(?:{rx})\b")) for n, rx in _ALLOWED_STATE_RX)


def empty(m: re.Match[str], text: str, polarity: str) -> Params:
    return {}


def contraception(m: re.Match[str], text: str, polarity: str) -> Params:
    preg = _PREG.search(text)
    if (
        preg
        and preg.start() < m.start()
        and not re.search(r"(?i)test", text[preg.start() : m.start()])
    ):
        return None  # "Pregnant women, or women unwilling to use contraception": pregnancy
    return {}


_PREG_ADVICE = re.compile(
    r"(?i)\b(?:refrain|abstain)\w*\s+from\s+(?:becoming pregnant|breast[- ]?feed|nursing|lactat)|"
    r"\b(?:agree|willing|willingness|consent)\w*\s+to\s+(?:not|stop|discontinue|avoid)\s+"
    r"(?:breast[- ]?feed|nursing)|"
    r"\b(?:should|if|in case|in the event)\s+(?:a |the |any )?(?:woman|women|she|female|patient|"
    r"participant|subject|partner)\w*\s+(?:\w+\s+){0,2}?(?:become|becomes|becoming|is|suspects?)\s+pregnant|"
    r"\binform (?:her|his|their|the) (?:treating |study )?(?:physician|doctor|investigator)"
)


_ADVICE_WORDS = (
    *("inform", "become", "suspect", "refrain", "abstain"),
    *("to not", "to stop", "to avoid", "to discontinue"),
)


def pregnancy(m: re.Match[str], text: str, polarity: str) -> Params:
    lower = text.lower()
    if any(w in lower for w in _ADVICE_WORDS) and _PREG_ADVICE.search(
        text
    ):  # "Should a woman become pregnant ..., she should inform ..."
        return {"_kind": "other", "topic": "pregnancy_advice", "_confidence": 0.5}
    if re.search(
        r"(?i)\b(?:contact|exposure|close)\s+(?:\w+\s+){0,1}with\b[^.;]*$", text[: m.start()]
    ):
        # "avoid close contact with children < 3 years of age, pregnant women": other people
        return {"_kind": "other", "topic": "contacts", "_confidence": 0.5}
    params: dict[str, Any] = {"breastfeeding": bool(_BREAST.search(text))}
    found = m.group().lower()
    if found.startswith(("pregnancy test", "negative")) or "test" in found:
        params["negated"] = True  # "negative pregnancy test": not pregnant
        params["_confidence"] = 0.85
    elif _STOPPED.match(text, m.end()):
        params["negated"] = True  # "breastfeeding should be discontinued while on this trial"
    return params


_STOPPED = re.compile(
    r"(?i)[\w\s-]{0,20}?\b(?:should|must|has to|have to|needs? to)\s+(?:be\s+)?"
    r"(?:discontinued|stopped|interrupted|ceased)\b"
)


_AGE_UNIT_AFTER = re.compile(r"(?i)^\s*(?:years?|yrs?|months?|y\b|yo\b|old\b|of age)")
_LAB_UNIT = re.compile(r"(?i)mg/dl|g/dl|µmol|umol|mmol|[ul]ln\b|/l\b|/mm")
#: A number of months or years followed by these is a time since an event, not an age.
#: after "N years": a span of time of something else, not an age ("subjects diagnosed at least
#: 6 months prior to screening", "Women of childbearing potential (< 1 year without
#: menstruation ...)", "2 years of follow-up", "5 years disease-free")
_INTERVAL_AFTER = re.compile(
    r"(?i)\s*(?:prior|before|after|since|ago|from|following|post|preceding|without|"
    r"of\s+(?:follow|amenorrh|menopaus|menstrua|no\b|treatment|therapy|remission|survival|"
    r"disease|abstinen|sobriety|smoking|use|exposure|duration)|in\s+duration|duration|"
    r"amenorrh\w*|menstrua\w*|post[- ]?menopaus\w*|disease[- ]free|free\b|remission|"
    r"apart|interval|between)"
)
_NOT_AGE_AFTER = re.compile(
    r"(?i)^\s*(?:%|x\b|×|\*|mg|g\b|g/|mmol|µ|umol|u/l|iu|[ul]ln\b|unl\b|ml|cm|mm|kg|/|"
    r"drinks?|cigarettes?|packs?|units?|times|fold|doses?|cycles?|lesions?|weeks?|days?|hours?)"
)


_AGE_SCOPE = re.compile(
    r"(?i)\b(?:for|in|among|if)\s+(?:the\s+)?(?:patients?|subjects?|participants?|those|"
    r"children|adults?|pts|women|men|females?|males?)\b[^.;:]{0,30}$"
    # "Lansky Play Score of 80-100 for >=12 and < 16 years of age": a bare "for" before it
    r"|\bfor\s*(?:≥|>=|>|≤|<=|<|\\>|\\<)?\s*"
    r"(?:\d+\s*(?:years?\s*)?(?:and|or|to|-)\s*(?:≥|>=|>|≤|<=|<|\\>|\\<)?\s*)?$"
)
_TABLE_HEAD_AFTER = re.compile(r"(?i)\s*(?:years?|yrs?)?\s*(?:old|of age)?\s*:\s*$")
# "Patients ages 50-65 must provide a negative colonoscopy report": the age band is the
# subject of another requirement (a test or document), not an age limit of the trial.
_SCOPE_AFTER = re.compile(
    r"(?i)\s*(?:years?|yrs?)?\s*(?:old|of age)?\s*,?\s*(?:must|should|shall|will need to|"
    r"need to|are required to|is required to)\s+(?:also\s+)?(?:provide|submit|undergo|show|"
    r"present|bring|have had (?:a|an)\s+(?:\w+\s+){0,2}?(?:screening|test|examination|exam|"
    r"colonoscopy|mammogram))\b"
)


#: An open list of examples or risk factors ("Hypertension with three additional risks factors
#: (for example: smoking, ..., age over 55 (men) and 65 (women)"): an age there is one factor
#: among others, not a requirement.
_EXAMPLES = re.compile(
    r"(?i)\b(?:for example|for instance|e\.\s?g\.?|such as|risk factors?|"
    r"(?:one|two|any) of the following (?:[\w-]+\s+)?factors?)\W"
)


#: an age inside an advice in brackets ("< 55 years old (it is advisable to include patients
#: over 55 years in LAL07OPH)"): not the trial's requirement
_ADVISORY = re.compile(
    r"(?i)\([^()]{0,10}\b(?:it is (?:advisable|recommended|preferred)|preferably|ideally|if possible)"
    r"\b[^()]*$"
)


def _in_examples(text: str, pos: int) -> bool:
    last = None
    for last in _EXAMPLES.finditer(text, 0, pos):  # noqa: B007  (the last one counts)
        pass
    if last is None:
        return False
    between = text[last.end() : pos]
    if between.count(")") > between.count("("):
        return False  # "(e.g. ...) ... age": the examples' bracket closed before the age
    return bool(text[: last.start()].strip(" (,;:"))


def _age_scope(m: re.Match[str], text: str) -> bool:
    """The age only scopes another requirement ("Karnofsky >= 50% (for patients > 10 years
    of age)"), heads an age-banded table ("Age 65-70 years:"), is the subject of another
    requirement ("Patients ages 50-65 must provide a negative colonoscopy report") or is a
    lab table row; or it is not this patient's age at all (``_not_this_patients_age``)."""
    g = m.groupdict()
    pos = next((m.start(k) for k in ("v", "lo", "v1") if g.get(k)), m.start())
    scope = _AGE_SCOPE.search(text, max(0, pos - 60), pos)
    if scope and text[: scope.start()].strip(" (,;"):
        return True  # a scope phrase after some other requirement
    if _in_examples(text, pos) or _ADVISORY.search(text, max(0, pos - 80), pos):
        return True
    end = max(m.end(k) for k in ("v", "hi", "v2", "unit", "u2") if g.get(k)) if g else m.end()
    if _TABLE_HEAD_AFTER.fullmatch(text, end) or _SCOPE_AFTER.match(text, end):
        return True
    if re.search(r"\(\s*$", text[: m.start()]) and _LAB_UNIT.search(text, 0, m.start()):
        return True  # "No greater than 1.0 mg/dL (6-9 years of age)": a row of a lab table
    return _not_this_patients_age(m, text)


#: an age that is someone else's: "avoid close contact with children < 3 years of age"
_OTHERS_AGE = re.compile(
    r"(?i)\b(?:with|around|near)\s+(?:\w+\s+){0,2}(?:children|child|infants?|babies|kids|"
    r"siblings|household|contacts?|persons|individuals|partners?|grandchildren)\b[^.;:]{0,25}$"
    # "unexplained sudden death of first degree relative under 40 years of age" (NCT00969306)
    r"|\b(?:relatives?|family members?|parents?|sisters?|brothers?|siblings?|offspring)\b"
    r"[^.;:]{0,15}$"
)
#: a score between "age" and its number: "children <= 10 years of age, Lansky >= 60"
_SCORE_BETWEEN = re.compile(r"(?i)\b(?:lansky|karnofsky|ecog|zubrod|score|performance)\b")
#: "No patients with age less than 50": the age is what is not allowed
_NO_PATIENTS_AGED = re.compile(
    r"(?i)^\W*no\s+(?:patients?|subjects?|participants?|one)\s+(?:with\s+(?:an?\s+)?|aged?\s+|who\s+(?:is|are)\s+)?"
)
_INVERSE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _not_this_patients_age(m: re.Match[str], text: str) -> bool:
    """The age is another person's, a performance score's, a lab table's row or part of a
    menopause definition ("... since last menstrual period ..., or age > 55 with prior
    hysterectomy")."""
    g = m.groupdict()
    pos = next((m.start(k) for k in ("v", "lo", "v1") if g.get(k)), m.start())
    if _OTHERS_AGE.search(text, max(0, pos - 60), pos):
        return True
    if _SCORE_BETWEEN.search(text, m.start(), pos):
        return True
    end = max((m.end(k) for k in ("v", "hi", "v2", "unit", "u2") if g.get(k)), default=m.end())
    if re.match(
        r"(?i)\s*(?:years?\s*)?(?:maximum|minimum)?\s*(?:serum\s+)?(?:creatinine|bilirubin)",
        text[end:],
    ):
        return True  # "Age less than or equal to 5 Maximum serum creatinine (mg/dl) 0.8"
    if re.search(r"\([^()]{0,12}$", text[:pos]) and _LAB_UNIT.search(text, 0, pos):
        return True  # "0.6 mg/dL (1 to < 2 years of age)": a row of a lab table
    sentence = re.split(r"[.;]\s", text[max(0, pos - 200) : pos])[-1] + text[pos : pos + 80]
    return bool(
        re.search(r"(?i)menopaus|amenorrh|menstrua", sentence)
        and re.search(r"(?i)\bi\.\s?e\.|\bdefined\b|\bdefinition\b|\bconsidered\b", sentence)
    )


def age(m: re.Match[str], text: str, polarity: str) -> Params:
    g = m.groupdict()
    if _age_scope(m, text):
        return None
    for key in ("v", "hi"):
        if g.get(key) and _NOT_AGE_AFTER.match(text, m.end(key)):
            return None  # "> 300 mg/m2", "AST >= 2.5 X ULN": a dose or a lab, not an age
    if g.get("v") and g.get("unit") and _INTERVAL_AFTER.match(text, m.end("unit")):
        return None  # "subjects clinically diagnosed at least 6 months prior to screening"
    if (
        not re.search(r"(?i)\bage[ds]?\b", m.group())
        and g.get("v")
        and not g.get("unit")
        and not _AGE_UNIT_AFTER.match(text, m.end("v"))
    ):
        return None  # "for men or >14 drinks": only "age" itself may omit the unit
    lo, hi = number(g.get("lo") or ""), number(g.get("hi") or "")
    if lo is not None and hi is not None:
        if not 0 <= lo < hi <= 120:
            return None
        return {"age": numeric("between", lo, "years", hi)}
    v = number(g.get("v") or "")
    if v is None or not 0 <= v <= 120:
        return None
    op = combine(g.get("cmp"), g.get("post"), default="")
    if not op:
        return None
    unit = (g.get("unit") or "years").lower()
    if unit.startswith("month"):
        v = round(v / 12, 3)
    if _NO_PATIENTS_AGED.match(text) and op in _INVERSE:
        op = _INVERSE[op]  # "No patients with age less than 50": 50 or older
    return {"age": numeric(op, v, "years")}


def age_bounds(m: re.Match[str], text: str, polarity: str) -> Params:
    """Two age bounds in one phrase: "older than 6 months and younger than 80 years",
    "Age < 18 years or > 80 year". A lower and an upper bound joined by "and" are a range;
    "or" (or two outer bounds joined by "and") is either."""
    g = m.groupdict()
    if _age_scope(m, text):
        return None  # "Karnofsky 80-100% for 16 years and older or Lansky ... for >=12 and < 16"
    near = text[max(0, m.start() - 40) : m.end() + 20]
    if not re.search(r"(?i)\bage|\bold\b|\byounger\b|\bolder\b", near) and re.search(
        r"(?i)\b(?:for|duration|since|diagnos\w*|history|after|following|prior|preceding|"
        r"treated|tolerated|months?|weeks?)\b",
        text[max(0, m.start() - 40) : m.start()],
    ):
        return None  # "a diagnosis of lymphedema for at least 6 months and no more than 5 years"
    v1, v2 = number(g["v1"]), number(g["v2"])
    op1, op2 = combine(cmp_before(text, m.start()), None, ""), combine(g["c2"], None, "")
    if v1 is None or v2 is None or op1 in ("", "=") or op2 in ("", "="):
        return None
    u2 = g["u2"].lower()
    u1 = (g.get("u1") or u2).lower()
    a1 = round(v1 / 12, 3) if u1.startswith("month") else v1
    a2 = round(v2 / 12, 3) if u2.startswith("month") else v2
    if not (0 <= a1 <= 120 and 0 <= a2 <= 120):
        return None
    lower1, lower2 = op1.startswith(">"), op2.startswith(">")
    if g["conj"].lower() == "and" and lower1 and not lower2 and a1 < a2:
        return {"age": numeric("between", a1, "years", a2)}
    if g["conj"].lower() == "and" and lower2 and not lower1 and a2 < a1:
        return {"age": numeric("between", a2, "years", a1)}
    if lower1 == lower2:
        return None
    return {
        "any_of": [
            {"kind": "age", "params": {"age": numeric(op1, a1, "years")}},
            {"kind": "age", "params": {"age": numeric(op2, a2, "years")}},
        ]
    }


def sex(m: re.Match[str], text: str, polarity: str) -> Params:
    word = (m.group("sex") or "").lower()
    if re.search(
        r"(?i)\b(?:male and female|female and male|men and women|women and men|"
        r"male or female|female or male|both sexes|either sex)\b",
        text,
    ):
        return None
    if _SEX_AS_SUBJECT.search(text) and not _SEX_ONLY.match(text):
        # "Female patients with childbearing potential must use ... contraception", "Male
        # patients must agree to use condoms": the sex names who a contraception or
        # pregnancy rule is for, not a requirement on sex (NCT01742767)
        return None
    return {"sex": "female" if word.startswith(("f", "w")) else "male"}


_SEX_ONLY = re.compile(
    r"(?i)\W*(?:\w+\s+){0,3}?(?:females?|women|woman|males?|men)\s+"
    r"(?:(?:patients|subjects|participants)\s+)?only\b"
)
_SEX_AS_SUBJECT = re.compile(
    r"(?i)\b(?:contracept\w*|condoms?|birth control|abstinen\w*|pregnan\w*|child-?\s?bearing|"
    r"breast-?\s?feeding|lactat\w*|sperm\w*|egg donation|ova\b)"
)


#: The number after a scale's name is an age, an edition or a count, not a score
_NOT_A_SCORE = re.compile(
    r"(?i)(?:st|nd|rd|th)\b|\s*(?:years?|yrs?|months?|edition|ed\.|revision|classification)\b"
)


def performance_status(m: re.Match[str], text: str, polarity: str) -> Params:
    g = m.groupdict()
    if (g.get("scale") or "").lower() == "who" and (
        g["scale"] != "WHO" or not re.search(r"(?i)performance|\bPS\b|status|score", text)
    ):
        return None  # "Subjects who are known to be allergic ...": the word "who"
    scale_word = (g.get("scale") or "ECOG").lower()
    scale = (
        "Karnofsky"
        if scale_word.startswith(("karn", "kps"))
        else "Lansky"
        if scale_word.startswith(("lansky", "lps"))
        else "WHO"
        if scale_word.startswith(("who", "world"))
        else "ECOG"
    )
    if any(g.get(k) and _NOT_A_SCORE.match(m.string, m.end(k)) for k in ("lo", "hi", "hi2", "hi3")):
        return None  # "(for participants < 16 years of age)", "WHO 4th edition (2017) criteria"
    found = [number(g[k]) for k in ("lo", "hi", "hi2", "hi3") if g.get(k)]
    values = [v for v in found if v is not None]
    if not values:
        return None
    limit = 100 if scale in ("Karnofsky", "Lansky") else 5
    if any(v > limit for v in values):
        return None
    if len(values) > 1:
        score = numeric("between", min(values), None, max(values))
    else:
        op = combine(g.get("cmp"), g.get("post"), default="")
        guessed = False
        if not op:
            op, guessed = _ps_op(m.string[m.start() : m.end() + 15], scale, polarity)
        score = numeric(op, values[0])
    params: dict[str, Any] = {"scale": scale, "score": score}
    if g.get("scale") is None:
        params["_confidence"] = 0.75  # "performance status 0-1" with no scale named
    if len(values) == 1 and guessed:
        params["_confidence"] = 0.7
    return params


_PS_LE = re.compile(
    r"(?i)<\s*or\s*=|</=|=<|≤|\bless\s+than\s+or\s+equal|\bno\s+(?:more|greater|higher)\s+than|"
    r"\bor\s+(?:less|lower|better)\b|\bup\s+to\b|\bmax(?:imum)?\b"
)
_PS_GE = re.compile(
    r"(?i)>\s*or\s*=|>/=|=>|≥|\bgreater\s+(?:than\s+)?or\s+equal|>\s*than\s+or\s+equal|\bat\s+least\b|"
    r"\bor\s+(?:more|greater|higher|above)\b|\bminimum\b|\bno\s+less\s+than\b"
)
_PS_GT = re.compile(r"(?i)\bgreater\s+than\b|\bmore\s+than\b|\babove\b|>")
_PS_LT = re.compile(r"(?i)\bless\s+than\b|\bbelow\b|<")


def _ps_op(text: str, scale: str, polarity: str) -> tuple[str, bool]:
    """The comparator of a performance score the pattern did not see beside the number
    ("less than or equal to (</=) 1", "< or = to 2", "of 2 or better"); else the usual one of
    the scale (a symbol lost from the record: "ECOG performance status  2" is at most 2,
    "Karnofsky performance status  70" at least 70), marked as a guess.

    >>> _ps_op("ECOG performance status less than or equal to (</=) 1", "ECOG", "inclusion")
    ('<=', False)
    >>> _ps_op("Karnofsky performance status  70", "Karnofsky", "inclusion")
    ('>=', True)
    """
    better = "<=" if scale in ("ECOG", "WHO") else ">="
    if _PS_LE.search(text):
        return ("<=" if not re.search(r"(?i)\bor\s+better\b", text) else better), False
    if _PS_GE.search(text):
        return ">=", False
    if _PS_GT.search(text):
        return ">", False
    if _PS_LT.search(text):
        return "<", False
    if polarity == "inclusion":
        return better, True
    return "=", True


def life_expectancy(m: re.Match[str], text: str, polarity: str) -> Params:
    g = m.groupdict()
    v = number(g.get("v") or "")
    if v is None:
        return None
    op = combine(g.get("cmp"), g.get("post"), default=">=")
    return {"months": numeric(op, to_months(v, g.get("unit") or "months"), "months")}


_NONMEASURABLE_DEFINED = re.compile(
    r"(?i)\b(?:un|non-?)measurable\s+(?:disease|lesions?)\s*(?:includes?|is\s+defined|are\s+defined|"
    r"defined\s+as|means|consists?|refers|[-–:])|\bdefinition\s+of\b|\bnon-?target\s+lesions?\s+"
    r"(?:includes?|are|is)\b|\b(?:is|are)\s+(?:not\s+)?considered\s+(?:as\s+)?(?:non-?)?measurable|"
    r"\bconsidered\s+(?:\w+\s+)?(?:non-?|un)measurable\b|"
    r"\bnot\s+(?:precisely\s+)?measurable\s+\(|\bcannot\s+be\s+(?:accurately\s+)?measured\b"
)
#: measurable disease named as the place a treatment must not go ("No prior radiotherapy to
#: the only site of measurable disease", "No concurrent surgery to the only measurable lesion")
_TREATED_SITE = re.compile(
    r"(?i)\b(?:radiotherapy|radiation(?:\s+therapy)?|irradiat\w*|surgery|resection|biopsy|"
    r"injection|ablation|treatment)\s+(?:to|of|at|on|for)\s+(?:the\s+|a\s+|any\s+)?"
    r"(?:(?:only|sole|single|target)\s+)?(?:(?:sites?|areas?|regions?)\s+of\s+|lesions?\s+)?"
    r"(?:(?:the|a|any)\s+)?(?:(?:only|sole|single)\s+)?(?:(?:sites?|areas?|regions?)\s+of\s+)?$"
)
#: no requirement either way: "No minimum PSA for measurable disease", "Not required to have
#: measurable or evaluable disease", "Non-measurable or measurable disease"
_EITHER = re.compile(
    r"(?i)\bno\s+minimum\b|\bnot\s+required\b|\b(?:do|does|need)\s+not\s+(?:need\s+to\s+)?have\s+"
    r"measurable|\bwith\s+or\s+without\s+measurable|\bnon-?measurable\b[^.;]{0,80}\bor\s+"
    r"measurable|\bmeasurable\s+(?:disease\s+)?(?:and/)?or\s+(?:non-?|un)measurable\b|\bneed\s+not\s+(?:be|have)\b"
)


#: when the disease is to be assessed, not whether there is any: "Non-measurable disease must
#: be assessed within 42 days prior to sub-study registration"
_ASSESSED = re.compile(
    r"(?i)\b(?:must|should|will|to)\s+be\s+(?:assessed|evaluated|documented|imaged|measured)\s+"
    r"(?:within|by|using|with|at)\b"
)


def measurable_disease(m: re.Match[str], text: str, polarity: str) -> Params:
    params: dict[str, Any] = {}
    if _ASSESSED.search(text) and re.match(r"(?i)(?:un|non-?)", m.group()):
        return {"_kind": "other", "topic": "assessment", "_confidence": 0.5}
    if _NONMEASURABLE_DEFINED.search(text):
        # "Nonmeasurable disease includes any of the following:", "Ascites and pleural
        # effusions are not considered measurable disease": a definition
        return {"_kind": "other", "topic": "definition", "_confidence": 0.5}
    if _TREATED_SITE.search(text[max(0, m.start() - 70) : m.start()]):
        return {"_kind": "other", "topic": "treated_measurable_site", "_confidence": 0.5}
    if _EITHER.search(text):
        return {"_kind": "other", "topic": "permissive", "_confidence": 0.5}
    if re.match(r"(?i)(?:(?:disease|lesions?)\s+(?:is|are)\s+)?(?:un|non-?)measurable", m.group()):
        if re.search(r"(?i)\b(?:no|not|without)\s+$", text[: m.start()]):
            params["_confidence"] = 0.6  # "No nonmeasurable disease only": a double negative
        else:
            # "Unmeasurable ... lesion(s), according to RECIST 1.1", "Non-measurable disease
            # only": the absence of measurable disease
            params["negated"] = True
    if re.search(r"(?i)\bin\s+the\s+absence\s+of\s+(?:a\s+|any\s+)?measurable", text):
        # "Bone lesions: lytic or mixed ... in the absence of measurable disease": the way in
        # for patients without it, one of the choices beside measurable disease
        params["_confidence"] = 0.6
    std = _STANDARD.search(text)
    if std:
        s = re.sub(r"\s+", " ", std.group(1))
        params["standard"] = re.sub(r"(?i)^(i?RECIST)\s*v?(?:ersion)?\.?\s*(1\.[01])$", r"\1 \2", s)
    if re.search(r"(?i)\b(?:or|and/or)\s+(?:non-?measurable|evaluable)|evaluable\b", text):
        params["or_evaluable"] = True
        params["_confidence"] = 0.6
    return params


#: CNS lesions named only to say how lesions are measured ("Metastatic lesions in CNS or in
#: brain cannot be used for target lesions") or as an example of a lesion or an organ
#: ("evaluable lesion (e.g. brain lesion ...)", "in no more than 3 organs (including brain)")
_CNS_NOT_TARGET = re.compile(
    r"(?i)\b(?:cannot|can not|may not|must not|should not|will not|are not|is not)\s+(?:be\s+)?"
    r"(?:used|considered|selected|chosen|counted|assessed)\b[^.;]{0,30}\btarget"
)
#: the metastases the match ends on are another organ's ("brain MRI (and liver MRI in case of
#: liver metastases)")
_CNS_OTHER_ORGAN = re.compile(
    r"(?i)\b(?:MRI|CT|scans?|imaging)\b[^.;]*\b(?:liver|hepatic|bone|lung|adrenal|nodal|lymph node|"
    r"skin|peritoneal|pleural)\s+(?:metasta\w*|lesions?|disease|mets)\b"
)
_CNS_EXAMPLE = re.compile(r"(?i)(?:\(|\b)(?:e\.?\s?g\.?|for example|such as|including)\s*[,:]?\s*$")


#: CNS lesions a radiation is for ("Concurrent radiation for palliation of bone metastases and
#: CNS lesions must be discussed", "prophylactic cranial radiation for prevention of brain
#: metastases"): the treatment is the subject, not the patient's metastases
_CNS_RT_TARGET = re.compile(
    r"(?i)\b(?:radiation|radiotherapy|irradiation|PCI|radiosurgery)\b(?:\s+\w+){0,2}\s+(?:for|to)\s+"
    r"(?:the\s+)?(?:(?:palliation|prevention|prophylaxis|control)\s+of\s+)?"
    r"(?:[^.;()]{0,30}\s(?:and|or)\s+)?$"
)


def _cns_only_mentioned(m: re.Match[str], text: str) -> bool:
    start = max(text.rfind(". ", 0, m.start()), text.rfind(";", 0, m.start())) + 1
    stops = [i for i in (text.find(". ", m.end()), text.find(";", m.end())) if i >= 0]
    sentence = text[start : min(stops) if stops else len(text)]
    return bool(
        _CNS_NOT_TARGET.search(sentence)
        or _CNS_EXAMPLE.search(text, max(0, m.start() - 25), m.start())
        or _CNS_OTHER_ORGAN.search(m.group())
        or _CNS_RT_TARGET.search(text, max(0, m.start() - 100), m.start())
    )


def cns_metastases(m: re.Match[str], text: str, polarity: str) -> Params:
    if _cns_only_mentioned(m, text):
        return None
    allow_at = _CNS_ALLOWED.search(text, m.end())
    paren = text.find("(", m.end())
    cut = min(
        x
        for x in (
            allow_at.start() if allow_at else len(text),
            paren if paren >= 0 else len(text),
            m.end() + 60,
        )
    )
    before = text[:cut]
    state = "any"
    for name, rx in _CNS_STATES:
        if rx.search(before):
            state = name
            break
    if state == "any" and _CNS_RECURRENT.search(text, max(0, m.start() - 30), m.end()):
        state = "active"  # "recurrent brain metastases": they came back after treatment
    allowed: list[str] = []
    if allow_at:
        tail = text[m.end() :]
        allowed = [n for n, rx in _ALLOWED_STATES if rx.search(tail)]
    params: dict[str, Any] = {"state": state, "allowed": allowed}
    if re.search(r"(?i)leptomeningeal|meningeal carcinomatosis", text):
        params["leptomeningeal"] = True
    return params


def other(m: re.Match[str], text: str, polarity: str) -> Params:
    return {"topic": m.lastgroup or "unspecified"} if m.lastgroup else {}


def age_loose(m: re.Match[str], text: str, polarity: str) -> Params:
    """``18 years of age or older`` / ``≥18 years old`` (no "age" word before the number)."""
    g = m.groupdict()
    if _age_scope(m, text):
        return None
    v = number(g.get("v") or "")
    if v is None or not 0 <= v <= 120:
        return None
    cmp = cmp_before(text, m.start())
    if cmp and cmp.lower().startswith("within"):
        return None
    op = combine(cmp, g.get("post"), default="")
    return {"age": numeric(op, v, "years")} if op else None


@cache
def _cmp_before_re() -> re.Pattern[str]:
    cmp = vocab.load_data("patterns/common.json")["defs"]["CMP"]
    return re.compile(rf"(?i)({cmp}|older than|younger than)\s*$")


def cmp_before(text: str, pos: int) -> str | None:
    """The comparator written right before ``pos`` ("at least 18": "at least"), or None."""
    m = _cmp_before_re().search(text[max(0, pos - 40) : pos])
    return m.group(1) if m else None
