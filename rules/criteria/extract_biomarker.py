"""Biomarker extraction: marker, result, alteration, variants, PD-L1 scoring and threshold."""

from __future__ import annotations

import re
from typing import Any

from rules import vocab
from rules.criteria.numbers import combine, numeric

Params = dict[str, Any] | None
_RESULT_WORDS = re.compile(
    r"(?i)^(?:\s*/\s*neu\b)?[\s:(-]*(?:status\s*)?(?:is\s*)?(?:somatic\s+|germline\s+|gene\s+|genetic\s+)?(?P<w>wild[- ]?type|wt\b|negative|neg\b|positive|pos\b|"
    r"mutat\w*|mutant|amplifi\w*|amplified|fusion\w*|rearrange\w*|translocation\w*|altered|alteration\w*|"
    r"overexpress\w*|express\w*|high|low|deficient|proficient|deletion|skipping|insertion\w*|"
    r"sensitizing|activating|driver|aberration\w*|\+(?!\d)|-(?=\s|$|[,;)/]))"
)
_PRE_RESULT = re.compile(
    r"(?i)(?P<w>wild[- ]?type|negative|positive|mutat\w*|mutant|amplified|activating|sensitizing|"
    r"deleterious|pathogenic|deficient|proficient|high|low|known|documented|confirmed|harbou?r\w*|"
    r"with(?:out)?|no|absence of|lack of)\W+(?:\w+\W+){0,3}$"
)
_EITHER_WAY = re.compile(
    r"(?i)\b(?:with or without|regardless of|irrespective of)\s+(?:an?\s+|the\s+|their\s+)?(?:\w+\s+)?$"
)
_EXCEPT = re.compile(r"(?i)\b(?:except(?:ion)?|excluding|other than|with the exception of)\b")
#: markers whose name says the finding: a translocation or a deletion named is present
_PRESENT_WHEN_NAMED = frozenset({"T4_14", "T14_16", "T11_14", "DEL17P", "GAIN1Q"})
_SENTENCE_END = re.compile(r"[;]|\.(?=\s|$)")
_NEG_BEFORE = re.compile(r"(?i)\b(?:no|not|without|absence of|lack of|negative for|free of)\b")


def _result_after(text: str, end: int) -> str | None:
    m = _RESULT_WORDS.match(text[end : end + 40])
    if not m:
        return None
    w = m.group("w").lower()
    if w in ("+",):
        return "positive"
    if w == "-":
        # "ErbB2- (HER2/neu-) overexpressing": the hyphen of a compound adjective, not "-"
        compound = _HYPHEN_COMPOUND.match(text, end + m.end())
        return compound.group("w").lower() if compound else "negative"
    return w


#: After a marker's hyphen, the word the hyphen joins it to (a bracketed alias may intervene).
_HYPHEN_COMPOUND = re.compile(
    r"(?i)[\s)]*(?:\([^()]{1,20}\)[\s)]*)?(?P<w>overexpress\w*|amplifi\w*|positive|mutat\w*|mutant)\b"
)


def biomarker(m: re.Match[str], text: str, polarity: str) -> Params:
    drugs = [(d.start, d.end) for d in vocab.find_drugs(text)]
    found = [
        x for x in vocab.find_biomarkers(text) if not any(s <= x.start < e for s, e in drugs)
    ]  # "anti-PD-L1" is a drug class
    if not found:
        return None
    found = [x for x in found if not _names_a_drug_target(text, x)]
    if not found:
        return None  # "Previously treated with BRAF, MEK or HSP90 inhibitor therapy": therapy
    found = [x for x in found if not _EITHER_WAY.search(text, max(0, x.start - 30), x.start)]
    if not found:
        return None  # "... pancreatic cancer with or without a KRAS mutation": no requirement
    found = [x for x in found if not _sample_logistics(text, x)]
    if not found:
        return None  # "Tumour block available for central review of HER2 mutation status"
    cut = _EXCEPT.search(text, found[0].end)
    if cut:  # "Except for ..., coexisting with other EGFR mutations such as T790M": not asked
        found = [x for x in found if x.start < cut.start()] or found[:1]
    list_negated = _list_negated(text, found)
    read: list[dict[str, Any] | None] = []
    for i, mention in enumerate(found):
        stop = found[i + 1].start if i + 1 < len(found) else len(text)
        back = found[i - 1].end if i else 0
        other = next((x.start for x in found[i + 1 :] if x.id != mention.id), len(text))
        if _EITHER_RESULT.search(text, mention.start, min(other, mention.end + 120)):
            read.append(None)  # "ER status can include ER positive, negative, or unknown"
            continue
        read.append(_one_biomarker(text, mention, stop=stop, back=back, negated=list_negated))
    for i in range(len(found) - 2, -1, -1):  # "KRAS, NRAS or BRAF mutation": one result, shared
        after = read[i + 1]
        if (
            read[i] is None
            and after
            and _LIST_GAP.fullmatch(text, found[i].end, found[i + 1].start)
        ):
            shared = {k: v for k, v in after.items() if k in ("result", "alteration")}
            read[i] = {"biomarker": found[i].id, **shared}
    items = []
    for item in read:
        if item and item not in items:
            items.append(item)
    if not items:
        return None
    items = _same_marker(items)
    if len(items) == 1:
        return items[0]
    # "EGFR and ALK", "KRAS G12C mutation; EGFR wild type", "EGFR wild-type, ALK negative":
    # each is required; "KRAS, NRAS or BRAF mutation", "EGFR, ALK, ROS1 alterations": any one
    negative = any(p.get("result") == "negative" for p in items)
    conj = (
        "all_of"
        if (re.search(r"(?i)\b(?:and|both)\b|;", text) or negative)
        and not re.search(r"(?i)\b(?:or|any of|either)\b", text)
        else "any_of"
    )
    return {conj: [{"kind": "biomarker", "params": p} for p in items]}


def _same_marker(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One gene named before each of its variants ("EGFR sensitive mutations: EGFR L858R, EGFR
    exon 19 deletion") is one requirement with either variant, not two required at once."""
    keys = {(p["biomarker"], p.get("result"), p.get("alteration")) for p in items}
    if len(items) < 2 or len(keys) > 1 or any(set(p) - _MERGEABLE for p in items):
        return items
    merged = dict(items[0])
    variants = [v for p in items for v in p.get("variants", ())]
    if all(p.get("variants") for p in items):
        merged["variants"] = list(dict.fromkeys(variants))
    else:
        merged.pop("variants", None)  # one of them asks for any variant
    return [merged]


_MERGEABLE = {"biomarker", "result", "alteration", "variants"}

#: the result said after the gene's words: "EGFR sensitive mutations were negative"
_RESULT_STATED_AFTER = re.compile(
    r"(?i)[\w\s-]{0,30}?\b(?:were|was|is|are|(?:must|should|found\s+to)\s+be)\s+(?:negative|not\s+detected|"
    r"wild[- ]type|absent)\b"
)

#: what parts the genes of one list sharing a result: "KRAS, NRAS or BRAF mutation"
_LIST_GAP = re.compile(r"(?i)\s*(?:,\s*(?:and/or|or|and)?|/|and/or|or|and)\s*")

_TARGET_AFTER = re.compile(
    r"(?i)[\w\s,/+-]{0,40}?\b(?:inhibitors?|targeting|targeted|antibod\w*|directed|TKIs?|"
    r"blockers?|antagonists?)\b"
)
_THERAPY_BEFORE = re.compile(
    r"(?i)\b(?:treated with|treatment with|therapy with|received|receiving|prior|previous|"
    r"exposure to|exposed to)\b"
)

#: a drug word right after the gene: "EGFR- tyrosine kinase inhibitor", "ALK-TKI", "EGFR-directed"
_DRUG_RIGHT_AFTER = re.compile(
    r"(?i)\s*-?\s*(?:(?:tyrosine[- ]kinase\s+inhibitors?|TKIs?|inhibitors?)\b"
    r"(?!\s*-?\s*(?:sensiti|resist))|targeted\s+"
    r"(?:therap|agent|drug|antibod|treatment)|targeting\s+(?:therap|agent|drug|antibod|treatment)|"
    r"directed\s+(?:therap|agent|drug|antibod|treatment))"
)


def _names_a_drug_target(text: str, mention: vocab.Mention) -> bool:
    """ "Prior treatment with EGFR targeting antibodies", "should be offered EGFR- tyrosine
    kinase inhibitor treatment": the gene names a drug's target."""
    if _DRUG_RIGHT_AFTER.match(text, mention.end):
        return True
    return bool(
        _TARGET_AFTER.match(text, mention.end)
        and _THERAPY_BEFORE.search(text, 0, mention.start)
        and not _RESULT_WORDS.match(text[mention.end : mention.end + 40])
    )


#: a test of the marker named before it ("central review of", "testing for", "Detection of")
_TEST_BEFORE = re.compile(
    r"(?i)\b(?:review|testing|tests?|analys[ie]s|assessment|determination|detection|evaluation|"
    r"confirmation|screening|sequencing|profiling|characteri[sz]ation)\s+(?:of|for)\s+"
    r"(?:the\s+|their\s+|a\s+)?(?:(?!(?:known|documented|confirmed|positive|negative|"
    r"activating|sensitizing|mutant|mutated)\b)[\w-]+\s+){0,3}$"
)
#: words of sample handling or of where a test is done, not of what it must show
_LOGISTICS = re.compile(
    r"(?i)\b(?:available|availability|submi(?:t|ts|tted|tting|ssion)|provided?|send|sent|"
    r"ship(?:ped|ping)?|(?:will|shall|must|should|can|may)\s+be\s+(?:performed|done|conducted|"
    r"carried out|assessed|tested|determined|analy[sz]ed)|centrally|central(?:ly)?\s+"
    r"(?:lab\w*|review|testing|confirmation|assessment|analysis))\b"
)
#: a result stated right after the marker (and its alteration noun): then it is asked for
_STATED_RESULT = re.compile(
    r"(?i)[\s:(-]*(?:(?:gene\s+)?(?:mutations?|amplifications?|fusions?|rearrangements?|"
    r"expression|alterations?)\s+)?(?:positiv\w*|negativ\w*|wild[- ]?type|\+|-(?=\s|$|[,;)/])|"
    r"amplified|overexpress\w*|high|low|deficient|proficient)"
)


def _sample_logistics(text: str, mention: vocab.Mention) -> bool:
    """ "Tumour block available for central review of HER2 mutation status", "Detection of
    EGFR mutations ... will be performed centrally": the marker names what a sample will be
    tested for, not a result the patient must have (NCT02369484, NCT01742767)."""
    if not _TEST_BEFORE.search(text, max(0, mention.start - 60), mention.start):
        return False
    if not _LOGISTICS.search(text):
        return False
    stated = _STATED_RESULT.match(text, mention.end) or _result_in_mention(mention.text)
    return not stated


def _list_negated(text: str, found: list[vocab.Mention]) -> bool:
    """ "Patients must not have EGFR ..., ALK ..., and ROS 1 ...": a negation before the first
    of several biomarkers, with no clause break in the list, covers each of them."""
    if len(found) < 2:
        return False
    before = text[max(0, found[0].start - 40) : found[0].start]
    span = text[found[0].start : found[-1].end]
    return bool(_NEG_BEFORE.search(before)) and not re.search(r"[;]|\.\s", span)


def _one_biomarker(
    text: str, mention: vocab.Mention, *, stop: int, back: int = 0, negated: bool = False
) -> dict[str, Any] | None:
    ident = mention.id
    params: dict[str, Any] = {"biomarker": ident}
    window = text[mention.start : mention.end + 80]
    # variants are read up to the next biomarker or the end of the sentence, so a neighbour's
    # "exon 20 insertion" is not this gene's, and "Ex19del or L858R" 90 characters on is
    sentence = _SENTENCE_END.search(text, mention.end)
    limit = min(stop, sentence.start() if sentence else len(text), mention.end + 160)
    # and back to the start of its sentence or the previous biomarker: "the exon 20 T790M
    # mutation ... EGFR mutation test", "An exon 19 deletion mutation or exon 21 L858R mutation
    # has been found in high-sensitivity EGFR mutation tests"
    before = re.split(r"[.;]\s", text[max(back, mention.start - 160) : mention.start])[-1]
    variant_window = before + text[mention.start : limit]
    raw = _result_after(text, mention.end) or _result_in_mention(mention.text)
    if raw is None and ident in _PRESENT_WHEN_NAMED:
        raw = "positive"  # "High-risk cytogenetics: t(4;14), t(14;16) or del(17p)"
    pre = _PRE_RESULT.search(text[max(0, mention.start - 60) : mention.start])
    negated = negated or bool(_NEG_BEFORE.search(text[max(0, mention.start - 40) : mention.start]))
    if _status_only(text, mention, stop=limit):
        if _NO_STATUS_ASKED.match(text, mention.end):
            return None  # "Hormone receptor status: Not specified", a heading "... status:"
        # "Known HER2 status", "documented ER/PgR receptor status": a result on record,
        # whichever it is
        return {"biomarker": ident, "alteration": "status", "result": "known"}
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
    if result == "positive" and _RESULT_STATED_AFTER.match(text, mention.end, limit):
        result = "negative"
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


#: both results allowed: "can include ER positive, negative, or unknown"
_EITHER_RESULT = re.compile(
    r"(?i)\bpositive\s*,?\s*(?:or\s+|and/or\s+)?negative\b|\bnegative\s*,?\s*(?:or\s+|and/or\s+)?positive\b"
)
#: a status that asks nothing: "Hormone receptor status: Not specified", "... status: Any
#: status", a heading ending with its colon
_NO_STATUS_ASKED = re.compile(
    r"(?i)[\s/\w()-]{0,45}?\bstatus\b\s*(?::\s*$|:?\s*(?:not\s+specified|any\b|unknown\b|"
    r"positive\s+or\s+negative))"
)
#: words saying a test was done, not its result
_STATUS_WORDS = re.compile(
    r"(?i)^[\s/\w()-]{0,80}?\b(?:status|results?|analysis|test(?:ing|ed)?|assessments?|determination)\b"
)
#: a result stated in the clause
_EXPLICIT_RESULT = re.compile(
    r"(?i)positiv|negativ|\+|(?<![\w/])-(?![\w])|mutat|mutant|amplif|overexpress|wild|\bhigh\b|\blow\b|"
    r"deficien|proficien|fusion|rearrang|deletion|insertion|[≥≤<>]|%|\bIHC\s*[0-3]|\bscore\b"
)


def _status_only(text: str, mention: vocab.Mention, *, stop: int) -> bool:
    """The clause asks for the marker's test or status, with no result ("Known HER2 status",
    "Documented results of oestrogen and progesterone receptors expression analysis").

    >>> t = "Known HER2 status"
    >>> _status_only(t, vocab.find_biomarkers(t)[0], stop=len(t))
    True
    >>> t = "HER2 status positive by IHC 3+"
    >>> _status_only(t, vocab.find_biomarkers(t)[0], stop=len(t))
    False
    """
    if _result_in_mention(mention.text):
        return False  # "HER2-negative status"
    sentence = _SENTENCE_END.search(text, mention.end)
    end = sentence.start() if sentence else len(text)
    tested_for = re.search(
        r"(?i)\btest(?:ed|ing)?\s+for\s+(?:an?\s+|the\s+)?$", text[: mention.start]
    )
    if not (tested_for or _STATUS_WORDS.match(text[mention.end : end])):
        return False
    start = max(0, text.rfind(";", 0, mention.start) + 1, text.rfind(". ", 0, mention.start) + 1)
    clause = re.sub(
        r"(?i)\b(?:mutation(?:al)?|receptors?|expression|amplification|fusion|rearrangement)\s+"
        r"(?=status|analysis|test)",
        "",
        text[start:end],
    )
    if re.search(r"(?i)\bactivating\b", clause) or [
        v
        for v in vocab.biomarker_variants(mention.id, clause)
        if v not in ("mutation", "fusion", "germline", "somatic")
    ]:
        return False  # "Documentation of V600E-activating BRAF mutation status": a variant asked
    if tested_for:  # "must be tested for EGFR mutation": the mutation is what is tested for
        clause = re.sub(r"(?i)\b(?:mutations?|alterations?)\b", "", clause, count=1)
    return not _EXPLICIT_RESULT.search(clause.replace(mention.text, " "))


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
