"""Extractors for the disease facets: condition (cancer type, histology) and stage.

Biomarkers are in :mod:`rules.criteria.extract_biomarker`, therapy history in
:mod:`rules.criteria.extract_therapy`; their extractors are re-exported here.
"""

from __future__ import annotations

import re
from typing import Any

from rules import vocab
from rules.criteria.extract_biomarker import biomarker
from rules.criteria.extract_therapy import (
    _THERAPY_CUE,
    lines_of_therapy,
    lines_ordinal,
    prior_therapy,
    treatment_naive,
    washout,
)

Params = dict[str, Any] | None
HISTOLOGY_ONLY_CONFIDENCE = 0.7
_HISTO = re.compile(
    r"(?i)\b(?:histolog\w*|cytolog\w*|patholog\w*|biopsy[- ]proven|"
    r"histopatholog\w*|tissue[- ]confirmed)"
)
_EXTENTS = (
    ("locally advanced", r"locally[- ]advanced|locoregionally advanced"),
    # "Metastatic disease to the central nervous system" (NCT01673217): CNS metastases, not
    # any metastatic disease
    (
        "metastatic",
        r"metasta(?:tic|ses|sis|sized)(?!\s+(?:disease\s+)?(?:(?:to|in|of)\s+(?:the\s+)?)?(?:brain|"
        r"cns|central nervous system|leptomeninges)\b)|stage\s*iv\b|distant",
    ),
    ("recurrent", r"recurren(?:t|ce)|recurred|relaps(?:ed|e)"),
    ("advanced", r"(?<!locally )(?<!locally-)advanced"),
    (
        "unresectable",
        r"unresectable|inoperable|non-?resectable|not (?:amenable|suitable) (?:to|for) (?:curative )?(?:surgery|resection)",
    ),
    ("resectable", r"(?<!un)(?<!non-)(?<!non )(?<!borderline )resectable|operable"),
    ("borderline resectable", r"borderline[- ]resectable"),
    # "At least 30 days since localized surgery, radiotherapy or chemotherapy" (NCT01416038):
    # a local treatment, not the extent of the disease
    (
        "localized",
        r"locali[sz]ed(?!\s+(?:surgery|surgical|radiotherapy|radiation|therapy|treatment|"
        r"resection|excision|ablation|procedure))|early[- ]stage|limited[- ]stage",
    ),
    ("extensive stage", r"extensive[- ]stage"),
    (
        "refractory",
        r"(?<!platelet )(?<!platelet-)(?<!transfusion )refractory(?!\s+to\s+(?:platelet|transfusion))",
    ),
)
_EXTENTS_RE = tuple((name, re.compile(rf"(?i)\b(?:{rx})")) for name, rx in _EXTENTS)
_STAGE_TOKEN = (
    r"(?:T\d[a-c]?N\d[a-c]?(?:M\d[a-c]?)?\s*)?(?P<base>0|IV|I{1,3}V?|[1-4])(?P<sub>[A-Ca-c]?[0-9]?)"
    r"(?![A-Za-z])(?P<alts>(?:/[A-Ca-c](?![A-Za-z]))*)"
)
_STAGE_TOKEN_RE = re.compile("(?i)" + _STAGE_TOKEN)
_STAGE = re.compile(
    r"(?i)\bstages?\s*(?:is|was|of|:)?\s*(?P<s>" + _STAGE_TOKEN.replace("?P<", "?P<s_") + ")"
    r"(?P<more>(?:(?:\s*\([^()]{0,120}\))?\s*(?:-|–|to|through|thru|or|and/or|and|/|,)\s*(?:stage\s*)?"
    + re.sub(r"\(\?P<\w+>", "(?:", _STAGE_TOKEN)
    + ")*)"
)
_BRACKET = re.compile(r"\([^()]*\)")
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_FAMILY = re.compile(
    r"(?i)\b(?:family (?:medical )?history|(?:first|second)[- ]degree relatives?|family members?|"
    r"relatives? (?:with|of|who)|parents?|siblings?)\b"
)
_MARGINS = re.compile(
    r"(?i)\bmargins?\b[^.;]{0,40}?\b(?:clear|free|negative|uninvolved)\s+(?:of|for|from)\b[^.;]{0,40}$"
)
_CLAUSE_END = re.compile(r"[;]|\.(?=\s|$)")
_RECURRENCE_OF = re.compile(
    r"(?i)\b(?:recurrence|relapse|progression|recurrences|relapses) (?:of (?:the |their |his |her )?)?(?:\w+ )?$"
)
_INDICATION = re.compile(
    r"(?i)\bfor (?:the )?(?:treatment|therapy|management) of\s+(?:\w+\s+){0,3}$"
)
#: "Received any prior treatment for primary invasive breast cancer": the cancer is what the
#: treatment was for; only an item saying the treatment's absence ("No prior systemic therapy
#: for metastatic NSCLC") also says the patient has it
_TREATMENT_FOR = re.compile(
    r"(?i)\b(?:treatments?|therap(?:y|ies))\s+for\s+(?:the\s+)?(?:\w+\s+){0,3}$"
)
_NO = re.compile(r"(?i)^\W*(?:no|not|without|never|none)\b")
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


#: what joins the two ends of a stage range ("I-III", "I to IV", "II through IV")
_RANGE_GAP = re.compile(r"(?i)\s*(?:-|–|to|through|thru)\s*(?:stage\s*)?")
_MAIN_STAGES = ("0", "I", "II", "III", "IV")


def stages_between(first: str, last: str) -> list[str]:
    """The stages strictly between the two ends of a range: whole stages between them, the
    sub-stages after the first end and before the last.

    >>> stages_between("I", "III"), stages_between("IB", "IIIA"), stages_between("IIIA", "IIIC")
    (['II'], ['IC', 'II'], ['IIIB'])
    """
    a, b = re.match(r"(IV|I{1,3}|0)(.*)", first), re.match(r"(IV|I{1,3}|0)(.*)", last)
    if not a or not b:
        return []
    i, j = _MAIN_STAGES.index(a.group(1)), _MAIN_STAGES.index(b.group(1))
    letters = "ABC"
    if i == j:
        lo, hi = a.group(2)[:1], b.group(2)[:1]
        if lo in letters and hi in letters:
            return [a.group(1) + x for x in letters[letters.index(lo) + 1 : letters.index(hi)]]
        return []
    if i > j:
        return []
    out: list[str] = []
    if a.group(2)[:1] in letters and a.group(2):
        out += [a.group(1) + x for x in letters[letters.index(a.group(2)[0]) + 1 :]]
    out += list(_MAIN_STAGES[i + 1 : j])
    if b.group(2)[:1] in letters and b.group(2):
        out += [b.group(1) + x for x in letters[: letters.index(b.group(2)[0])]]
    return out


#: What an extent or stage word may qualify besides the cancer: a procedure or an event of
#: another illness ("ascites requiring recurrent drainage procedures")
_OTHER_NOUN = re.compile(
    r"(?i)\b(?:drainage|paracentes[ie]s|thoracentes[ie]s|transfusions?|hospitali[sz]ations?|falls?|"
    r"miscarriages?|abortions?|nausea|vomiting|emesis|diarrh(?:o)?ea|constipation|pain|cough|"
    r"headaches?|seizures?|pruritus|hypotension|an(?:a)?emia|hypo\w+emia|hyper\w+emia|"
    r"thrombocytopenia|neutropenia|ascites|effusions?|(?:spinal\s+)?cord\s+compressions?|fractures?)\b"
)
_DISEASE_WORD = re.compile(
    r"(?i)\b(?:disease|cancers?|tumou?rs?|carcinomas?|malignan\w*|neoplas\w*|lymphomas?|"
    r"leuka?emias?|myelomas?|sarcomas?|melanomas?|and|with|who|that)\b"
)
#: ... or an illness named right before a stage ("Macular hole of stage 2", "CKD stage 3")
_OTHER_BEFORE_STAGE = re.compile(
    r"(?i)\b(?:hole|ulcers?|sores?|injur(?:y|ies)|CKD|kidney disease|renal (?:disease|failure)|"
    r"hypertension|heart failure|lymph(?:o)?edema|fibrosis|retinopathy|nephropathy|"
    r"neuropathy|sarcoidosis|decubitus)\s+(?:of\s+|at\s+)?(?:the\s+)?$"
)
#: a tissue source, not the disease's extent ("samples of primary or metastatic lesions")
_TISSUE_SOURCE = re.compile(
    r"(?i)\bprimary (?:or|and/or|and|/) metastatic (?:lesions?|tumou?rs?|sites?|tissues?|"
    r"biops(?:y|ies))\b|\b(?:tissue|samples?|biops(?:y|ies)|specimens?)\b[^.;]{0,40}\bmetastatic "
    r"(?:lesions?|sites?|tissue)\b"
)
#: at most five words (commas, "or", "and") between the qualifier and the illness it qualifies
_GAP = re.compile(r"(?i)[\s,/-]*(?:[a-z][\w'-]*[\s,/-]+){0,5}")
_REGARDLESS = re.compile(
    r"(?i)\b(?:regardless of|irrespective of|independent(?:ly)? of)\b[^.;()]{0,70}\w+$"
)
_NEW_OR = re.compile(
    r"(?i)\b(?:newly[- ]diagnosed|de novo|untreated|treatment[- ]na[iï]ve)\s*(?:,|/|or|and/or)\s*"
    r"(?:\w+\s+){0,2}?(?:recurren(?:t|ce)|recurred|relaps(?:ed|e))$"
)
#: "relapsed, refractory or previously untreated CLL", "relapsed/refractory or newly
#: diagnosed AML": the other state is allowed too
_OR_NEW = re.compile(
    r"(?i)(?:\s*(?:,|/|or|and/or)\s*(?:relapsed|refractory|recurrent))*"
    r"\s*(?:,|/|or|and/or)\s*(?:previously\s+)?(?:untreated|newly[- ]diagnosed|de novo|"
    r"treatment[- ]na[iï]ve)\b"
)
_NYHA_BEFORE = re.compile(r"(?i)\b(?:NYHA|New York Heart Association)\b[^.;]{0,25}$")


def _of_other_illness(text: str, end: int, others: list[tuple[int, int]]) -> bool:
    """The word ending at ``end`` qualifies another illness or a procedure named within five
    words after it ("recurrent bacterial, fungal, or viral infections", "refractory
    hypertension", "Stage II to IV congestive heart failure"), not the cancer."""
    if (
        _REGARDLESS.search(text, max(0, end - 90), end)
        or _NEW_OR.search(text, max(0, end - 60), end)
        or _OR_NEW.match(text, end)
    ):
        # "(regardless of whether the disease is first or recurrent)", "newly diagnosed or
        # relapsed AML": either state is allowed, so the word is no requirement
        return True
    gap = _GAP.match(text, end)
    stop = gap.end() if gap else end
    window = _DISEASE_WORD.split(text[end : stop + 20].split(";")[0].split(".")[0])[0]
    if _OTHER_NOUN.search(window):  # "stage II-IV disease and pain" names the disease first
        return True
    return any(end <= s <= stop and _GAP.fullmatch(text, end, s) for s, _ in others)


#: the extent names what caused something or what a treatment was for, not the patient's
#: disease as a requirement: "dyspnea at rest due to complications of advanced malignancy",
#: "Denosumab or bisphosphonates to treat metastatic bone disease", "ovariectomy for advanced
#: disease"
_CAUSE_OR_PURPOSE = re.compile(
    r"(?i)(?:\b(?:due\s+to|secondary\s+to|caused\s+by|complications?\s+of|to\s+treat)|"
    r"\b(?:ovariectomy|oophorectomy|bisphosphonates?|denosumab)\s+(?:\w+\s+){0,2}for)\s+"
    r"(?:the\s+|an?\s+|their\s+)?(?:[\w-]+\s+){0,2}$"
)


def _in_tissue_source(text: str, pos: int) -> bool:
    return any(t.start() <= pos < t.end() for t in _TISSUE_SOURCE.finditer(text))


def _other_illnesses(text: str) -> list[tuple[int, int]]:
    cancers = [(x.start, x.end) for x in vocab.find_cancers(text)]
    return [
        (x.start, x.end)
        for x in vocab.find_comorbidities(text)
        if not any(s <= x.start < e for s, e in cancers)
    ]


#: how the cancer answered platinum ("platinum resistant or refractory disease", "primary
#: platinum-refractory"): no relapsed/refractory stage of the disease itself
_PLATINUM_RESPONSE = re.compile(
    r"(?i)\bplatinum[- ](?:partially[- ])?(?:resistan\w+|refractory|sensitiv\w+)"
    r"(?:\s*(?:,|/|or|and/or)\s*(?:resistan\w+|refractory|sensitiv\w+))*"
    r"|\b(?:resistant|refractory|sensitive) to (?:prior )?platinum"
)


#: the disease a therapy was given for ("more than 3 prior cytotoxic regimens for metastatic
#: disease", "in the advanced disease setting", "therapy for advanced disease"): the therapy's
#: setting, not an extent the patient must have (read only where a therapy is named)
_FOR_SETTING = re.compile(
    r"(?i)\b(?:for|in)\s+(?:the\s+)?(?:treatment\s+of\s+)?(?:(?:locally\s+)?advanced|metastatic|"
    r"recurrent)(?:\s*(?:,|/|or|and/or)\s*(?:(?:locally\s+)?advanced|metastatic|recurrent))*"
    r"\s+(?:disease\s+)?setting\b|\b(?:regimens?|therap(?:y|ies)|chemotherap(?:y|ies)|agents?|"
    r"treatments?|lines?)\s+(?:\w+\s+){0,3}?(?:for|in)\s+(?:the\s+)?(?:(?:locally\s+)?advanced|"
    r"metastatic|recurrent)(?:\s*(?:,|/|or|and/or)\s*(?:(?:locally\s+)?advanced|metastatic|"
    r"recurrent))*\s+(?:disease|cancer|renal cell carcinoma)\b"
)


def _facet_stage(text: str) -> dict[str, Any]:
    text = _PLATINUM_RESPONSE.sub(lambda m: " " * len(m.group()), text)
    # only where the therapy's own reading keeps the setting (its "metastatic"); "for
    # advanced disease" stays, under the doubt rule therapy_setting of the matcher
    text = _FOR_SETTING.sub(
        lambda m: " " * len(m.group()) if "metasta" in m.group().lower() else m.group(), text
    )
    params: dict[str, Any] = {}
    stages: list[str] = []
    others = _other_illnesses(text)
    for m in _STAGE.finditer(text):
        if (
            _of_other_illness(text, m.end(), others)
            or _NYHA_BEFORE.search(text, 0, m.start())
            or _OTHER_BEFORE_STAGE.search(text, max(0, m.start() - 40), m.start())
            or any(0 <= m.start() - e <= 12 for _, e in others)  # "hypertension stage 2"
        ):
            continue  # "Stage II to IV congestive heart failure", "NYHA stage III"
        # "Stage IIIB (non amenable to curative-intent ... treatment) or IV": the bracket
        # qualifies a stage; its own words are no stages
        more = _BRACKET.sub(" ", m.group("more") or "")
        seq = m.group("s") + more
        last: tuple[str, Any] | None = None
        for tok in _STAGE_TOKEN_RE.finditer(seq):
            base = tok.group("base").upper()
            base = _ROMAN.get(base, base)
            name = base + tok.group("sub").upper()
            if last and _RANGE_GAP.fullmatch(seq, last[1].end(), tok.start()):
                stages += stages_between(last[0], name)  # "I-III", "IB to IIIA", "II through IV"
            stages.append(name)
            # "IIIB/C": the letters after "/" are sub-stages of the same stage
            stages += [base + a.upper() for a in re.findall(r"[A-Ca-c]", tok.group("alts"))]
            last = (name, tok)
    if stages:
        params["stages"] = list(dict.fromkeys(stages))
    extents = [
        name
        for name, rx in _EXTENTS_RE
        if any(
            not _of_other_illness(text, x.end(), others)
            and not (name == "metastatic" and _in_tissue_source(text, x.start()))
            and not _CAUSE_OR_PURPOSE.search(text, max(0, x.start() - 60), x.start())
            for x in rx.finditer(text)
        )
    ]
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
        if any(
            not _of_other_illness(text, x.end(), others)
            for x in re.finditer(r"(?i)relapsed|refractory", text)
        ) and not re.search(r"(?i)newly[- ]diagnosed\s*(?:,|/|or)\s*(?:relaps|recurr)", text):
            params["relapsed_refractory"] = True
        if not params["extent"]:
            del params["extent"]
    return params


def not_family(text: str, mentions: list[vocab.Mention]) -> list[vocab.Mention]:
    """Mentions that are not a relative's ("Family history of ... colon cancer")."""
    lower = text.lower()
    if not any(w in lower for w in ("family", "relative", "parent", "sibling", "degree")):
        return mentions
    spans = []
    for f in _FAMILY.finditer(text):
        end = _CLAUSE_END.search(text, f.end())
        spans.append((f.start(), end.start() if end else len(text)))
    return [x for x in mentions if not any(s <= x.start < e for s, e in spans)]


LONG_ITEM = 200


def stage(m: re.Match[str], text: str, polarity: str) -> Params:
    if len(text) > LONG_ITEM and ";" in text:
        # a long item whose first stage clause lists stages: the later clauses define or
        # explain them ("...; potentially resectable includes some stage IIIA and IIIB, ...
        # lymph node metastases") and must not widen the list
        start = text.rfind(";", 0, m.start()) + 1
        end = text.find(";", m.end())
        own = _facet_stage(text[start : end if end >= 0 else len(text)])
        if own.get("stages"):
            return own
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
    if _MARGINS.search(text, 0, first.start):
        # "Margins must be clear of invasive cancer and DCIS": the absence of disease at
        # the resection margins, a surgical requirement, not the diagnosis
        return {"_kind": "other", "topic": "surgical_margins", "_confidence": 0.5}
    if _RECURRENCE_OF.search(text[max(0, first.start - 30) : first.start]):
        return None  # "Recurrence of breast cancer": the extent (stage facet), not the diagnosis
    if _INDICATION.search(text[max(0, first.start - 40) : first.start]) and _THERAPY_CUE.search(
        text[: first.start]
    ):
        return None  # "previous treatment with poziotinib for treatment of NSCLC": the indication
    if _TREATMENT_FOR.search(text[max(0, first.start - 40) : first.start]) and not _NO.match(text):
        return None
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


__all__ = [
    "biomarker",
    "condition",
    "lines_of_therapy",
    "lines_ordinal",
    "not_family",
    "prior_therapy",
    "stage",
    "treatment_naive",
    "washout",
]
