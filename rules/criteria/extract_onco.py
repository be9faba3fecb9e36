"""Extractors for the oncology facets: condition, stage, biomarker, therapy history."""

from __future__ import annotations

import re
from typing import Any

from rules import vocab
from rules.criteria.numbers import combine, number, numeric, to_days

Params = dict[str, Any] | None
HISTOLOGY_ONLY_CONFIDENCE = 0.7
_HISTO = re.compile(
    r"(?i)\b(?:histolog\w*|cytolog\w*|patholog\w*|biopsy[- ]proven|"
    r"histopatholog\w*|tissue[- ]confirmed)"
)
_EXTENTS = (
    ("locally advanced", r"locally[- ]advanced|locoregionally advanced"),
    ("metastatic", r"metasta(?:tic|ses|sis|sized)|stage\s*iv\b|distant"),
    ("recurrent", r"recurren(?:t|ce)|relaps(?:ed|e)"),
    ("advanced", r"(?<!locally )(?<!locally-)advanced"),
    (
        "unresectable",
        r"unresectable|inoperable|non-?resectable|not (?:amenable|suitable) (?:to|for) (?:curative )?(?:surgery|resection)",
    ),
    ("resectable", r"(?<!un)(?<!non-)(?<!non )(?<!borderline )resectable|operable"),
    ("borderline resectable", r"borderline[- ]resectable"),
    ("localized", r"locali[sz]ed|early[- ]stage|limited[- ]stage"),
    ("extensive stage", r"extensive[- ]stage"),
    ("refractory", r"refractory"),
)
_STAGE = re.compile(
    r"(?i)\bstages?\s*(?P<s>(?:0|I{1,3}V?|IV|[1-4])[A-Ca-c]?[0-9]?)"
    r"(?P<more>(?:\s*(?:-|–|to|or|and|/|,|and/or)\s*(?:stage\s*)?(?:I{1,3}V?|IV|[1-4])[A-Ca-c]?[0-9]?)*)"
)
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_SETTINGS = (
    ("adjuvant", r"(?<!neo)(?<!neo-)adjuvant"),
    ("neoadjuvant", r"neo-?adjuvant"),
    ("metastatic", r"metastatic"),
    ("maintenance", r"maintenance"),
    ("first line", r"first[- ]line|1st[- ]line"),
    ("second line", r"second[- ]line|2nd[- ]line"),
)
_RESULT_WORDS = re.compile(
    r"(?i)^[\s:(-]*(?:status\s*)?(?:is\s*)?(?:somatic\s+|germline\s+|gene\s+|genetic\s+)?(?P<w>wild[- ]?type|wt\b|negative|neg\b|positive|pos\b|"
    r"mutat\w*|mutant|amplifi\w*|amplified|fusion\w*|rearrange\w*|translocation\w*|altered|alteration\w*|"
    r"overexpress\w*|express\w*|high|low|deficient|proficient|deletion|skipping|insertion\w*|"
    r"sensitizing|activating|driver|aberration\w*|\+(?!\d)|-(?=\s|$|[,;)/]))"
)
_PRE_RESULT = re.compile(
    r"(?i)(?P<w>wild[- ]?type|negative|positive|mutat\w*|mutant|amplified|activating|sensitizing|"
    r"deleterious|pathogenic|deficient|proficient|high|low|known|documented|confirmed|harbou?r\w*|"
    r"with(?:out)?|no|absence of|lack of)\W+(?:\w+\W+){0,3}$"
)
_THERAPY_CUE = re.compile(
    r"(?i)\b(?:received|receiving|treated with|treatment with|therapy with|prior|previous|"
    r"exposure to|exposed to|use of|administration of)\b"
)
_NEG_BEFORE = re.compile(r"(?i)\b(?:no|not|without|absence of|lack of|negative for|free of)\b")


def _facet_stage(text: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    stages: list[str] = []
    for m in _STAGE.finditer(text):
        for tok in re.findall(
            r"(?i)\b(?:0|I{1,3}V?|IV|[1-4])[A-Ca-c]?[0-9]?\b",
            m.group("s") + (m.group("more") or ""),
        ):
            t = tok.upper()
            t = _ROMAN.get(t[0], t[0]) + t[1:] if t[0].isdigit() and t != "0" else t
            stages.append(t)
    if stages:
        params["stages"] = list(dict.fromkeys(stages))
    extents = [name for name, rx in _EXTENTS if re.search(rf"(?i)\b(?:{rx})", text)]
    if "borderline resectable" in extents and "resectable" in extents:
        extents.remove("resectable")
    if extents:
        params["extent"] = [
            e
            for e in extents
            if e not in ("unresectable", "resectable", "borderline resectable", "refractory")
        ]
        if "unresectable" in extents:
            params["resectable"] = False
        elif "resectable" in extents:
            params["resectable"] = True
        if re.search(r"(?i)relapsed|refractory", text):
            params["relapsed_refractory"] = True
        if not params["extent"]:
            del params["extent"]
    return params


def stage(m: re.Match[str], text: str, polarity: str) -> Params:
    params = _facet_stage(text)
    return params or None


def condition(m: re.Match[str], text: str, polarity: str) -> Params:
    mentions = vocab.find_cancers(text)
    if not mentions:
        return None
    ids = list(dict.fromkeys(x.id for x in mentions))
    sites = [i for i in ids if not vocab.is_histology(i)]
    params: dict[str, Any] = {
        "cancers": sites or ids,
        "mentions": [x.text for x in mentions],
        "_anchor": (mentions[0].start, mentions[0].end),
    }
    if sites and len(sites) < len(ids):
        params["histology"] = [i for i in ids if i not in sites]
    if _HISTO.search(text):
        params["histologically_confirmed"] = True
    else:
        params["_confidence"] = 0.8
    if not sites:  # "adenocarcinoma" alone: the site is elsewhere (title, other items)
        params["_confidence"] = HISTOLOGY_ONLY_CONFIDENCE
    return params


def _result_after(text: str, end: int) -> str | None:
    m = _RESULT_WORDS.match(text[end : end + 40])
    if not m:
        return None
    w = m.group("w").lower()
    if w in ("+",):
        return "positive"
    if w == "-":
        return "negative"
    return w


def biomarker(m: re.Match[str], text: str, polarity: str) -> Params:
    drugs = [(d.start, d.end) for d in vocab.find_drugs(text)]
    found = [
        x for x in vocab.find_biomarkers(text) if not any(s <= x.start < e for s, e in drugs)
    ]  # "anti-PD-L1" is a drug class
    if not found:
        return None
    items = []
    for mention in found:
        item = _one_biomarker(text, mention)
        if item and item not in items:
            items.append(item)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    conj = (
        "all_of"
        if re.search(r"(?i)\b(?:and|both)\b", text)
        and not re.search(r"(?i)\b(?:or|any of|either)\b", text)
        else "any_of"
    )
    return {conj: [{"kind": "biomarker", "params": p} for p in items]}


def _one_biomarker(text: str, mention: vocab.Mention) -> dict[str, Any] | None:
    ident = mention.id
    params: dict[str, Any] = {"biomarker": ident}
    window = text[mention.start : mention.end + 80]
    raw = _result_after(text, mention.end) or _result_in_mention(mention.text)
    pre = _PRE_RESULT.search(text[max(0, mention.start - 60) : mention.start])
    negated = bool(_NEG_BEFORE.search(text[max(0, mention.start - 40) : mention.start]))
    if ident == "PD-L1":
        return _pdl1(text, mention, params)
    if ident == "HER2" and re.search(
        r"(?i)\blow\b|IHC\s*1\+|2\+\s*/?\s*(?:and\s*)?ISH\s*[-–]|ISH[- ]negative", window
    ):
        raw = "low"
    if raw is None and pre:
        raw = pre.group("w").lower()
    tmb = re.search(
        r"(?i)(?P<cmp>≥|>=|>|\\>|at least)\s*(?P<v>\d+(?:\.\d+)?)\s*(?:mut|muts|mutations)", window
    )
    if ident == "TMB" and tmb:
        params["threshold"] = numeric(
            combine(tmb.group("cmp"), None, ">="), float(tmb.group("v")), "mut/Mb"
        )
        params["result"] = "high"
        return params
    if raw is None:
        return None
    result = _result_of(raw, ident)
    if negated and result == "positive":
        result = "negative"
    params["result"] = result
    near = text[max(0, mention.start - 40) : mention.end + 25]
    alteration = _alteration(raw, near)
    if alteration:
        params["alteration"] = alteration
    variants = vocab.biomarker_variants(ident, window)
    variants = [v for v in variants if v not in ("fusion", "amplification", "mutation")]
    if variants:
        params["variants"] = variants
    return params


def _result_in_mention(text: str) -> str | None:
    t = text.lower()
    for word, res in (
        ("wild", "negative"),
        ("negative", "negative"),
        ("positive", "positive"),
        ("mutant", "positive"),
        ("-h", "MSI-H"),
        ("high", "high"),
        ("dmmr", "deficient"),
        ("pmmr", "proficient"),
        ("mss", "MSS"),
        ("+", "positive"),
        ("ph-", "negative"),
    ):
        if word in t:
            return res
    if t.endswith("-"):
        return "negative"
    if re.search(r"g12c|v600|ex14|itd|tkd|fusion", t):
        return "positive"
    return None


def _result_of(raw: str, ident: str) -> str:
    r = raw.lower()
    if r.startswith(("wild", "wt")):
        return "negative"
    if ident == "MSI" and r in ("positive", "high", "msi-h"):
        return "MSI-H"
    if ident == "MMR" and r.startswith("defici"):
        return "deficient"
    if r in ("negative", "neg", "no", "without", "absence of", "lack of"):
        return "negative"
    if r in ("low",):
        return "low"
    if r in ("high",):
        return "high" if ident == "TMB" else "positive"
    if r in ("deficient", "proficient", "msi-h", "mss"):
        return {"msi-h": "MSI-H", "mss": "MSS"}.get(r, r)
    return vocab.biomarker_result(r, name=ident) or "positive"


def _alteration(raw: str, window: str) -> str | None:
    for r in (raw.lower(), window.lower()):
        alt = _alteration_word(r)
        if alt:
            return alt
    return None


def _alteration_word(r: str) -> str | None:
    for word, alt in (
        ("fusion", "fusion"),
        ("rearrang", "fusion"),
        ("translocat", "fusion"),
        ("amplif", "amplification"),
        ("mutat", "mutation"),
        ("mutant", "mutation"),
        ("deletion", "mutation"),
        ("skipping", "mutation"),
        ("insertion", "mutation"),
        ("express", "expression"),
    ):
        if word in r:
            return alt
    return None


def _pdl1(text: str, mention: vocab.Mention, params: dict[str, Any]) -> dict[str, Any]:
    window = text[mention.start : mention.end + 120]
    params["alteration"] = "expression"
    scoring = vocab.pdl1_scoring(window)
    if scoring:
        params["scoring"] = scoring
    t = re.search(
        r"(?P<cmp>\\?[<>]\s*=?|[≥≤]|at least|greater than or equal to|less than|more than|"
        r"greater than|of)\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<pct>%)?",
        window,
    )
    if t:
        v = float(t.group("v"))
        op = combine(t.group("cmp"), None, ">=") if t.group("cmp") != "of" else ">="
        unit = "%" if t.group("pct") or scoring in ("TPS", "TC", "IC", "TAP") else None
        params["threshold"] = numeric(op, v, unit)
        params["result"] = "positive" if op in (">=", ">") else "negative"
    else:
        raw = _result_after(text, mention.end) or ""
        if re.search(r"(?i)\b(?:negative|<\s*1\s*%)", window):
            raw = "negative"
        params["result"] = _result_of(raw, "PD-L1") if raw else "positive"
        if not raw:
            params["_confidence"] = 0.6
    if "scoring" not in params and "threshold" in params:
        params["_confidence"] = 0.7  # a threshold without its scoring method
    return params


def _therapy_params(text: str) -> dict[str, Any]:
    params: dict[str, Any] = {"drugs": [], "classes": []}
    regimens: list[str] = []
    found = vocab.find_drugs(text)
    if found:
        params["_anchor"] = (found[0].start, found[0].end)
    for x in found:
        if x.type == "drug":
            params["drugs"].append(x.id)
        elif x.type == "class":
            params["classes"].append(x.id)
        elif x.type == "regimen":
            regimens.append(x.id)
            params["drugs"] += vocab.regimen_drugs(x.id) or []
    params["drugs"] = list(dict.fromkeys(params["drugs"]))
    params["classes"] = list(dict.fromkeys(params["classes"]))
    if regimens:
        params["regimens"] = regimens
    if "anticancer_therapy" in params["classes"]:
        params["classes"].remove("anticancer_therapy")
        params["any_anticancer"] = True
    if "radiotherapy" in params["classes"]:
        params["kind"] = "radiotherapy"
    elif re.search(r"(?i)\b(?:surgery|surgical|resection|operation)\b", text):
        params["kind"] = "surgery"
    elif "chemotherapy" in params["classes"]:
        params["kind"] = "chemotherapy"
    for name, rx in _SETTINGS:
        if re.search(rf"(?i)\b(?:{rx})\b", text):
            params["setting"] = name
            break
    return params


def prior_therapy(m: re.Match[str], text: str, polarity: str) -> Params:
    params = _therapy_params(text)
    if not (
        params["drugs"] or params["classes"] or params.get("any_anticancer") or params.get("kind")
    ):
        return None
    anchor = params.get("_anchor", (0, 0))[0]
    ill = vocab.find_comorbidities(text[:anchor])
    if ill and not _THERAPY_CUE.search(text[max(0, anchor - 35) : anchor]):
        return None  # "ILD ..., radiation pneumonitis requiring steroids": a comorbidity
    if re.search(r"(?i)\b(?:refractory|resistan\w+|progress\w*|failure|failed|relapsed)\b", text):
        params["refractory"] = True
    return params


def treatment_naive(m: re.Match[str], text: str, polarity: str) -> Params:
    params = _therapy_params(text)
    params["any_anticancer"] = not (params["drugs"] or params["classes"])
    params["negated"] = True
    return params


def washout(m: re.Match[str], text: str, polarity: str) -> Params:
    g = m.groupdict()
    v = number(g.get("v") or "")
    unit = g.get("unit") or ""
    days = to_days(v, unit) if v is not None else None
    if days is None:
        return None
    params = _therapy_params(text)
    if re.search(
        r"(?i)\b(?:investigational|research|experimental|clinical (?:trial|study|research))\b", text
    ):
        params["classes"].append("investigational_agent")
        params["classes"] = list(dict.fromkeys(params["classes"]))
    if not (
        params["drugs"] or params["classes"] or params.get("any_anticancer") or params.get("kind")
    ):
        return None
    params["within"] = numeric("<=", days, "days")
    return params


def lines_of_therapy(m: re.Match[str], text: str, polarity: str) -> Params:
    g = m.groupdict()
    n = number(g.get("n") or "")
    if n is None or n > 10:
        return None
    from rules.criteria.extractors import cmp_before

    op = combine(g.get("cmp") or cmp_before(text, m.start()), g.get("post"), default="")
    if not op:
        op = ">=" if re.search(r"(?i)\bafter|following|progress|failed|received\b", text) else "="
    params: dict[str, Any] = {"lines": numeric(op, n)}
    for name, rx in _SETTINGS:
        if name != "first line" and re.search(rf"(?i)\b(?:{rx})\b", text):
            params["setting"] = name
            break
    return params


def lines_ordinal(m: re.Match[str], text: str, polarity: str) -> Params:
    n = number(m.group("ord"))
    if n is None:
        return None
    return {"lines": numeric(">=", n), "_confidence": 0.85}
