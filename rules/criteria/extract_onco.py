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
_STAGE_TOKEN = (
    r"(?:T\d[a-c]?N\d[a-c]?(?:M\d[a-c]?)?\s*)?(?P<base>0|IV|I{1,3}V?|[1-4])(?P<sub>[A-Ca-c]?[0-9]?)"
    r"(?![A-Za-z])(?P<alts>(?:/[A-Ca-c](?![A-Za-z]))*)"
)
_STAGE_TOKEN_RE = re.compile("(?i)" + _STAGE_TOKEN)
_STAGE = re.compile(
    r"(?i)\bstages?\s*(?:is|was|of|:)?\s*(?P<s>" + _STAGE_TOKEN.replace("?P<", "?P<s_") + ")"
    r"(?P<more>(?:\s*(?:-|–|to|or|and/or|and|/|,)\s*(?:stage\s*)?"
    + re.sub(r"\(\?P<\w+>", "(?:", _STAGE_TOKEN)
    + ")*)"
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
_FAMILY = re.compile(
    r"(?i)\b(?:family (?:medical )?history|(?:first|second)[- ]degree relatives?|family members?|"
    r"relatives? (?:with|of|who)|parents?|siblings?)\b"
)
_CLAUSE_END = re.compile(r"[;]|\.(?=\s|$)")
_PLANNED = re.compile(
    r"(?i)\b(?:to be treated|to receive|will (?:be )?(?:receive|treated|undergo)|scheduled (?:to|for)|"
    r"planned (?:to|for)|plans? to (?:receive|undergo|start)|candidates?\b|eligible for (?:treatment|therapy)|"
    r"intend\w* to (?:receive|start|treat)|about to (?:receive|start)|indicated for|considered for)"
)
_NOT_THERAPY = re.compile(
    r"(?i)\b(?:toxicit\w*|adverse (?:events?|effects?|reactions?)|side[- ]effects?|recover\w*|"
    r"hypersensitiv\w*|allerg\w*|intoleran\w*|contraindicat\w*|due to|caused by|effects? of|"
    r"induced by|secondary to|related to|attributed to)\b"
)
_NON_RESPONSE = re.compile(
    r"(?i)\bnon-?respon\w*|\bno response to|\bfail\w* to respond|\black of response"
)
_INDICATION = re.compile(
    r"(?i)\bfor (?:the )?(?:treatment|therapy|management) of\s+(?:\w+\s+){0,3}$"
)
_CARVE_OUT_CANCERS = frozenset(
    {
        "basal_cell_carcinoma",
        "cutaneous_scc",
        "skin_cancer",
        "carcinoma_in_situ",
        "squamous_cell_carcinoma",
    }
)
_TREATED = re.compile(
    r"(?i)\b(?:effectively|adequately|curatively|successfully|completely|radically)\s+"
    r"(?:treated|resected|excised|removed)|\btreated by surgery|\b(?:treated|resected) "
    r"(?:with curative intent|curatively)|\bthat has been (?:effectively )?treated"
)
_EXCEPT = re.compile(r"(?i)\b(?:except(?:ion)?|excluding|other than|with the exception of)\b")
_SENTENCE_END = re.compile(r"[;]|\.(?=\s|$)")
_NEG_BEFORE = re.compile(r"(?i)\b(?:no|not|without|absence of|lack of|negative for|free of)\b")


def _facet_stage(text: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    stages: list[str] = []
    for m in _STAGE.finditer(text):
        for tok in _STAGE_TOKEN_RE.finditer(m.group("s") + (m.group("more") or "")):
            base = tok.group("base").upper()
            base = _ROMAN.get(base, base)
            stages.append(base + tok.group("sub").upper())
            # "IIIB/C": the letters after "/" are sub-stages of the same stage
            stages += [base + a.upper() for a in re.findall(r"[A-Ca-c]", tok.group("alts"))]
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


def not_family(text: str, mentions: list[vocab.Mention]) -> list[vocab.Mention]:
    """Mentions that are not a relative's ("Family history of ... colon cancer")."""
    spans = []
    for f in _FAMILY.finditer(text):
        end = _CLAUSE_END.search(text, f.end())
        spans.append((f.start(), end.start() if end else len(text)))
    return [x for x in mentions if not any(s <= x.start < e for s, e in spans)]


def stage(m: re.Match[str], text: str, polarity: str) -> Params:
    params = _facet_stage(text)
    return params or None


def condition(m: re.Match[str], text: str, polarity: str) -> Params:
    found = vocab.find_cancers(text)
    mentions = not_family(text, found)
    if not mentions:
        if found:  # "Family history of ... colon cancer": a relative's, not the patient's
            return {"_kind": "other", "topic": "family_history", "_confidence": 0.5}
        return None
    first = mentions[0]
    if _INDICATION.search(text[max(0, first.start - 40) : first.start]) and _THERAPY_CUE.search(
        text[: first.start]
    ):
        return None  # "previous treatment with poziotinib for treatment of NSCLC": the indication
    ids = list(dict.fromkeys(x.id for x in mentions))
    if set(ids) <= _CARVE_OUT_CANCERS and _TREATED.search(text):
        # "Effectively treated squamous or basal cell skin cancer": the usual exceptions to
        # "no other malignancy", never a required diagnosis
        return {"_kind": "other", "topic": "exception", "_confidence": 0.5}
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
    if re.search(r"(?i)\bmixed\b", text[max(0, first.start - 40) : first.start]):
        params["mixed"] = True  # "Mixed small cell and non small-cell lung cancer": both at once
        params["_confidence"] = min(params.get("_confidence", 0.9), 0.6)
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
    cut = _EXCEPT.search(text, found[0].end)
    if cut:  # "Except for ..., coexisting with other EGFR mutations such as T790M": not asked
        found = [x for x in found if x.start < cut.start()] or found[:1]
    list_negated = _list_negated(text, found)
    items = []
    for i, mention in enumerate(found):
        stop = found[i + 1].start if i + 1 < len(found) else len(text)
        item = _one_biomarker(text, mention, stop=stop, negated=list_negated)
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


def _list_negated(text: str, found: list[vocab.Mention]) -> bool:
    """ "Patients must not have EGFR ..., ALK ..., and ROS 1 ...": a negation before the first
    of several biomarkers, with no clause break in the list, covers each of them."""
    if len(found) < 2:
        return False
    before = text[max(0, found[0].start - 40) : found[0].start]
    span = text[found[0].start : found[-1].end]
    return bool(_NEG_BEFORE.search(before)) and not re.search(r"[;]|\.\s", span)


def _one_biomarker(
    text: str, mention: vocab.Mention, *, stop: int, negated: bool = False
) -> dict[str, Any] | None:
    ident = mention.id
    params: dict[str, Any] = {"biomarker": ident}
    window = text[mention.start : mention.end + 80]
    # variants are read up to the next biomarker or the end of the sentence, so a neighbour's
    # "exon 20 insertion" is not this gene's, and "Ex19del or L858R" 90 characters on is
    sentence = _SENTENCE_END.search(text, mention.end)
    limit = min(stop, sentence.start() if sentence else len(text), mention.end + 160)
    variant_window = text[mention.start : limit]
    raw = _result_after(text, mention.end) or _result_in_mention(mention.text)
    pre = _PRE_RESULT.search(text[max(0, mention.start - 60) : mention.start])
    negated = negated or bool(_NEG_BEFORE.search(text[max(0, mention.start - 40) : mention.start]))
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
    variants = vocab.biomarker_variants(ident, variant_window)
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
    if _PLANNED.search(text[:anchor] or text):  # "to be treated with", "candidate for"
        return {"_kind": "other", "topic": "planned_treatment", "planned": True, "_confidence": 0.5}
    cue = _NOT_THERAPY.search(text[:anchor])
    if cue:  # toxicity of, allergy to, "not due to" a therapy: not "has received it"
        word = cue.group().lower()
        if word.startswith(("hypersens", "allerg", "intoler")):
            return {"_kind": "other", "topic": "allergy", "_confidence": 0.5}
        if word.startswith(("toxic", "adverse", "side", "recover")):
            return {"_kind": "other", "topic": "toxicity_recovery", "_confidence": 0.5}
        if word.startswith("contraind"):
            return {"_kind": "other", "topic": "contraindication", "_confidence": 0.5}
        return None
    if _NON_RESPONSE.search(text):
        params["refractory"] = True
    ill = vocab.find_comorbidities(text[:anchor])
    if ill and not _THERAPY_CUE.search(text[max(0, anchor - 35) : anchor]):
        return None  # "ILD ..., radiation pneumonitis requiring steroids": a comorbidity
    if re.search(r"(?i)\b(?:refractory|resistan\w+|progress\w*|failure|failed|relapsed)\b", text):
        params["refractory"] = True
    return params


def treatment_naive(m: re.Match[str], text: str, polarity: str) -> Params:
    if m.group().lower() == "untreated" and not re.match(
        r"(?i)\s+(?:\w+\s+){0,3}?(?:patients?|subjects?|participants?|disease|cancer|carcinoma|"
        r"tumou?rs?|malignan\w*|adenocarcinoma|nsclc|sclc|lymphoma|leuka?emia|myeloma|mds|aml|cll)\b",
        text[m.end() : m.end() + 60],
    ):
        return None  # "untreated spinal cord compression": a state of something else
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
    if _minimum_interval(text, m):
        # "at least 2 weeks since radiotherapy", "Time since WBRT is >= 21 days": the patient
        # must NOT have received it within that time
        if polarity == "inclusion":
            params["negated"] = True
        else:
            params["_confidence"] = 0.7
    return params


_MIN_BEFORE = re.compile(
    r"(?i)(?:at least|more than|greater than|longer than|over|minimum(?: of)?|≥|>=|\\?>|"
    r"no (?:less|fewer) than|not less than|a minimum of)\s*$"
)
_MIN_WORDS = re.compile(
    r"(?i)\btime (?:since|from)\b|\b(?:must have |have |has )?(?:elapsed|passed)\b|"
    r"\bsince (?:the )?(?:last|prior|previous|completion|end)\b"
)


def _minimum_interval(text: str, m: re.Match[str]) -> bool:
    """The time is a minimum gap ("at least 4 weeks since ..."), not a window ("within")."""
    if re.match(r"(?i)\s*(?:within|in the|during)", m.group()):
        return False
    start = m.start("v")
    return bool(_MIN_BEFORE.search(text[max(0, start - 25) : start]) or _MIN_WORDS.search(text))


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
