"""Drug classes a criterion narrows in words the class itself does not hold.

"4th-generation EGFR-TKIs", "third-generation EGFR TKI", "any other EGFR or HER2 exon 20
insertion mutation-selective tyrosine kinase inhibitor", "HER2 targeted antibody or tyrosine
kinase inhibitor": a class mention read alone would count every drug of the class (osimertinib
for a fourth-generation TKI, any TKI for an exon 20-selective one). A generation the drug
entries know (``generation`` in ``rules/data/vocab/drugs.json``) becomes its drugs; a
narrowing they cannot check drops the class and lowers the confidence, so a failure is shown
for a clinician to check instead of ruling the patient out.
"""

from __future__ import annotations

import re
from typing import Any

from rules import vocab
from rules.lexicon import Mention

#: a generation named with a class: "4th-generation EGFR-TKIs", "third generation EGFR TKI",
#: "1st, 2nd and 3rd-generation EGFR-TKI", "first- or second-generation"
_ORD = r"(?:[1-4]\s*(?:st|nd|rd|th)|first|second|third|fourth)"
_GENERATION = re.compile(
    rf"(?i)\b{_ORD}(?:-?\s*(?:,|/|or|and|and/or)\s*{_ORD})*[- ]?generations?\b"
)
_ONE = re.compile(rf"(?i){_ORD}")
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}

#: a narrowing of the generic kinase-inhibitor class: "exon 20 insertion mutation-selective",
#: "HER2 targeted antibody or"
_NARROWED = re.compile(
    r"(?i)(?:\bselective|\bexon\s*20\b[\w\s-]*|\b(?:HER2|EGFR|ALK|MET|RET|BTK|JAK)[- ]"
    r"(?:targeted|directed)\s+(?:antibod\w*|agents?|therap\w*)\s+or)\s*$"
)

#: the confidence of a criterion whose class is narrowed in words no drug entry checks
NARROWED_CONFIDENCE = 0.7


def narrow_classes(params: dict[str, Any], text: str, found: list[Mention]) -> None:
    """Apply the generation or narrowing words of each class mention to ``params``.

    >>> p = {"drugs": [], "classes": ["egfr_tki", "tki"]}
    >>> t = "Prior treatment with 4th-generation EGFR-TKIs"
    >>> narrow_classes(p, t, vocab.find_drugs(t)); p["classes"], p["_confidence"]
    ([], 0.7)
    >>> p = {"drugs": [], "classes": ["egfr_tki"]}
    >>> t = "prior third-generation EGFR TKI"
    >>> narrow_classes(p, t, vocab.find_drugs(t)); p["classes"], "osimertinib" in p["drugs"]
    ([], True)
    """
    for x in found:
        if x.type != "class" or x.id not in params.get("classes", ()):
            continue
        gen = _GENERATION.search(text, max(0, x.start - 40), x.end)
        if gen is not None and gen.end() <= x.start + 25 and _has_generations(x.id):
            _take_generations(params, x.id, [_number(o) for o in _ONE.finditer(gen.group())])
        elif x.id == "tki" and _NARROWED.search(text[max(0, x.start - 60) : x.start]):
            params["classes"].remove("tki")
            params["_confidence"] = NARROWED_CONFIDENCE


def _number(m: re.Match[str]) -> int:
    word = m.group().lower()
    return _ORDINAL[word] if word in _ORDINAL else int(word[0])


def _has_generations(class_id: str) -> bool:
    return any(vocab.drugs_of_generation(class_id, n) for n in (1, 2, 3))


def _take_generations(params: dict[str, Any], class_id: str, generations: list[int]) -> None:
    """The class becomes the drugs of those generations; a generation no drug entry has
    ("fourth-generation EGFR TKI") leaves nothing to check the history against."""
    drugs = [d for n in generations for d in vocab.drugs_of_generation(class_id, n)]
    params["classes"] = [
        c for c in params["classes"] if c != class_id and not vocab.class_is_a(class_id, c)
    ]
    if drugs:
        params["drugs"] = list(dict.fromkeys([*params["drugs"], *drugs]))
    else:
        params["_confidence"] = NARROWED_CONFIDENCE


_RADIOTHERAPY = re.compile(
    r"(?i)\b(?:radiotherapy|radiation(?:\s+therapy)?|irradiation|radiosurgery|SBRT|RT)\b"
)
#: what ends the words that qualify a radiotherapy, before it
_BEFORE_CUT = re.compile(
    r"(?i)[,;:()]|\b(?:including|within|after|prior|previous|with|surgery|surgical|chemotherapy|"
    r"therapy|treatment|resection|operation)\b"
)
#: "radiotherapy to the chest", "radiation of the brain", "to the breast, chest wall, or
#: regional lymph nodes": the sites said after it
_SITE_AFTER = re.compile(
    r"(?i)^\s+(?:of|on|to|at|involving)\s+(?:the\s+)?([\w\s,/>%-]{1,70}?)(?=[.;()]|\s+(?:within|for|in|"
    r"prior|before|during|that|which|with|unless|except)\b|$)"
)
#: a radiotherapy limited by words that name no site the vocabulary knows ("to more than 25%
#: of bone marrow", "to the treatment area", "to study lesion")
_LIMITED = re.compile(
    r"(?i)^\s+(?:to|of|on|involving)\s+(?:the\s+|a\s+|an\s+)?(?!any\b|all\b)[\w>%]"
)
#: a radiotherapy of the patient's past, not the study's own ("prior chest radiation which ...
#: precludes delivery of protocol radiation therapy", NCT03043599)
_PAST_RADIOTHERAPY = re.compile(r"(?i)(?<!protocol )(?<!study )" + _RADIOTHERAPY.pattern[4:])


def radiotherapy_sites_named(text: str) -> list[str]:
    """The body sites the criterion's radiotherapy is limited to; each mention must name
    its own ("Prior radiotherapy to chest", "thoracic radiotherapy"), else none.

    >>> radiotherapy_sites_named("No prior radiotherapy to chest, immunotherapy or biologic therapy")
    ['thoracic']
    >>> radiotherapy_sites_named("Prior radiotherapy, or thoracic radiotherapy within 6 months")
    []
    >>> radiotherapy_sites_named("Prior chest or abdominal irradiation with greater than 1800 cGy")
    ['abdominal', 'thoracic']
    """
    return sites_named(text, _PAST_RADIOTHERAPY, cut=_BEFORE_CUT, after=_SITE_AFTER)


def radiotherapy_limited_elsewhere(text: str) -> bool:
    """Whether a radiotherapy is limited by words that name no known site ("No prior
    radiotherapy to more than 25% of bone marrow", "No prior radiation therapy to treatment
    area"): any radiotherapy is too broad a reading, so the criterion is for a clinician.

    >>> radiotherapy_limited_elsewhere("No prior radiotherapy to more than 25% of bone marrow")
    True
    >>> radiotherapy_limited_elsewhere("Prior radiotherapy to chest"), radiotherapy_limited_elsewhere("Prior radiotherapy")
    (False, False)
    """
    for m in _RADIOTHERAPY.finditer(text):
        rest = re.sub(r"^\s*\([^()]{0,12}\)", "", text[m.end() :])  # "radiotherapy (RT) on"
        tail = _SITE_AFTER.match(rest)
        if _LIMITED.match(rest) and not (tail and vocab.surgery_sites(tail.group(1))):
            return True
    return False


def sites_named(
    text: str, mention: re.Pattern[str], *, cut: re.Pattern[str], after: re.Pattern[str]
) -> list[str]:
    """The body sites (``vocab.surgery_sites``) named by the words before each ``mention``
    (up to the last ``cut``) or right after it (``after``'s group 1); none as soon as one
    mention names none."""
    found: set[str] = set()
    for m in mention.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        cuts = list(cut.finditer(before))
        words = before[cuts[-1].end() :] if cuts else before
        tail = after.match(text[m.end() :])
        sites = vocab.surgery_sites(words + " " + (tail.group(1) if tail else ""))
        if not sites:
            return []
        found |= sites
    return sorted(found)
