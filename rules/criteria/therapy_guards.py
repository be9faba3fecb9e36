"""Guards of the therapy readings: words that limit, qualify or cancel what a therapy criterion
would otherwise say (a dose limit, a time since, a state that includes a therapy, an
operation at a site the vocabulary lacks, a glued section label, how long against how long
ago, comparators a record wrote in words). Split out of ``extract_therapy`` (session 8).
"""

from __future__ import annotations

import re

SURGERY = re.compile(r"(?i)\b(?:surgery|surgical|resection|operation)\b")


#: the drug's dose is what is limited, not whether it was given: "Prior cumulative doxorubicin
#: dose no greater than 360 mg/m^2"
DOSE_LIMIT = re.compile(
    r"(?i)\bcumulative\b[^.;]{0,60}?\b(?:no\s+(?:greater|more)\s+than|not\s+(?:to\s+)?exceed|less\s+than|"
    r"up\s+to|maximum|[<≤])"
)
#: a time since the therapy, written without "at least": "4 weeks must have elapsed since the
#: patient has received any other IMP" (a washout, not a history)
ELAPSED_SINCE = re.compile(
    r"(?i)\b\d+\s*(?:days?|weeks?|months?)\s+(?:must\s+have\s+|should\s+have\s+|have\s+)?"
    r"(?:elapsed|passed)\s+since\b"
)
#: a therapy named as what a state includes: "Postmenopausal (including concurrent use of
#: ovarian suppression)"
INCLUDED_IN_STATE = re.compile(
    r"(?i)\b(?:post-?menopausal|menopaus\w*|childbearing|fertile|sterile)\s*\((?:including|incl\.?)\s+[^()]{0,40}$"
)


#: an old record's section label glued to the item ("PRIOR CONCURRENT THERAPY: No other
#: concurrent adjuvant systemic therapy"): its "PRIOR" is no word of the criterion
_SECTION_LABEL = re.compile(r"^\s*(?:[A-Z][A-Z/&-]*\s+){0,3}[A-Z][A-Z/&-]*\s*:\s*")
#: words before "surgery" that name nothing: what is left names a site the vocabulary lacks
WITHIN_WORDS = re.compile(
    r"(?i)\bwithin\b|\bsince\b|\bprior to\b|\bbefore\b|\bdays?\b|\bweeks?\b|\bmonths?\b"
)
_GENERIC_BEFORE_SURGERY = frozenset(
    [
        "major",
        "minor",
        "prior",
        "previous",
        "recent",
        "any",
        "elective",
        "planned",
        "surgical",
        "history",
        "of",
        "a",
        "an",
        "the",
        "no",
        "or",
        "and",
        "other",
        "curative",
        "definitive",
        "palliative",
        "diagnostic",
        "open",
        "laparoscopic",
        "invasive",
        "minimally",
        "in",
        "within",
        "underwent",
        "had",
        "has",
        "have",
        "from",
        "after",
        "for",
        "to",
        "with",
        "since",
        "weeks",
        "week",
        "days",
        "day",
        "months",
        "month",
        "cancer",
        "tumor",
        "tumour",
        "oncologic",
        "oncological",
        "primary",
        "radical",
        "extensive",
        "significant",
        "ambulatory",
        "outpatient",
        "emergency",
        "emergent",
        "big",
        "small",
        "required",
        "requiring",
        "previously",
        "performed",
    ]
)


def blank_label(text: str) -> str:
    label = _SECTION_LABEL.match(text)
    return " " * label.end() + text[label.end() :] if label else text


def surgery_limited_elsewhere(text: str) -> bool:
    """Whether the operation is named by a site the vocabulary does not know, in the word right
    before it ("History of Bartholin gland surgery", "Previous eyelid surgery"): any operation
    is too broad a reading.

    >>> surgery_limited_elsewhere("History of Bartholin gland surgery")
    True
    >>> surgery_limited_elsewhere("Major surgery within 4 weeks"), surgery_limited_elsewhere("Prior surgery")
    (False, False)
    """
    m = SURGERY.search(text)
    if m is None:
        return False
    words = re.findall(r"[A-Za-z]+", text[max(0, m.start() - 25) : m.start()])
    return bool(words) and words[-1].lower() not in _GENERIC_BEFORE_SURGERY and len(words[-1]) > 2


#: words saying a therapy was stopped or absent for the span: then it is a time since
OFF_FOR = re.compile(
    r"(?i)\b(?:free|discontinu\w*|off\b|stopp\w*|washed|wash-?out|no\b|not\b|without|abstain\w*|"
    r"withh[eo]ld\w*|ceased?|interrupt\w*|since)"
)


#: the low end of a range of lines right before the count: "2-4 prior regimens"
RANGE_BEFORE = re.compile(r"(?i)\b(\d{1,2}|one|two|three)\s*(?:-|–|to|and)\s*$")
#: comparator words a record wrote around the count, or whose symbol it lost: "Less than or
#: equal to (  ) 3 chemotherapy regimens", "maximally one line", "At least treated with one line"
_AT_MOST = re.compile(
    r"(?i)(?:\bless\s+than\s+or\s+equal|\bno\s+more\s+than|\bnot\s+more\s+than|\bat\s+most|"
    r"\bmaximally|\bmaximum\s+(?:of\s+)?|\bup\s+to|≤|<=|</=)[^.;\d]{0,25}$"
)
_AT_LEAST = re.compile(
    r"(?i)(?:\bgreater\s+than\s+or\s+equal|\bat\s+least|\bminimum\s+(?:of\s+)?|≥|>=|>/=)[^.;\d]{0,25}$"
)


def cmp_words(before: str) -> str:
    if _AT_MOST.search(before):
        return "<="
    if _AT_LEAST.search(before):
        return ">="
    return ""
