"""Cancers, drugs and comorbidities found in a note through the shared vocabularies.

Mentions come from :mod:`rules.vocab` (token n-gram lexicons over curated aliases). A mention
counts only when it is about the patient: not negated ("denies", "no history of", "HIV
negative") and not a relative's history ("mother had breast cancer"). Each fact keeps the
span of the words it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from profiles.text_dates import fronted_date, opens_clause, relative_date
from profiles.text_grades import graded_condition
from profiles.text_mentions import (
    named_as_refractory,
    resolved_hbv,
    sentence_span,
    service_name,
    spelled_out,
)
from rules import vocab

_FAMILY = re.compile(
    r"\b(family history|fhx|mother|father|sister|brother|aunt|uncle|grand(?:mother|father|parent)s?"
    r"|son|daughter|sibling|cousin|parents?|husband|wife|spouse|partner)\b",
    re.I,
)
#: "HIV negative", "HIV and hepatitis C serology negative" (never across a "positive")
_AFTER_NEGATIVE = re.compile(
    r"^\s*(?:(?!positive\b|pos\b)[\w/-]+\s+){0,5}(negative|neg\b|ruled out|was excluded)", re.I
)
_FAMILY_AFTER = re.compile(
    r"^[^.;\n]{0,12}\b(?:in|of)\s+(?:his|her|the)\s+(?:mother|father|sister|brother|parents?|"
    r"aunt|uncle|son|daughter|grand\w+)",
    re.I,
)
#: Treatment not yet given: "a candidate for ... prior to chemotherapy", "will start FOLFOX".
_PLANNED = re.compile(
    r"\b(candidate for|planned|plans? (?:to|for)|will (?:start|receive|begin|undergo)|"
    r"scheduled for|before starting|to start|referred for|consider(?:ing|ed)? for|"
    r"(?:is|was|were|are|been) offered|will be (?:started|given|initiated|prescribed)|"
    r"unfit for|ineligible for|not (?:fit|eligible|suitable) for|declined|refused|"
    # "We discussed second-line ramucirumab and paclitaxel", "options include docetaxel"
    r"discuss(?:ed|ing)?|recommend(?:ed|s|ing)?|propos(?:e|ed|ing)|"
    r"options? (?:include|includes|are|were|would be)|"
    # "She is interested in trials of ..., for example tucatinib-based combinations"
    # "He would like second-line trial options, including ... (tarlatamab or similar)"
    r"interested in|would like|keen (?:on|to)|"
    r"hop(?:es|ing) (?:to|for)|wish(?:es)? to)\b",
    re.I,
)
#: Words right after a treatment that say it was not given: "docetaxel was discussed",
#: "chemotherapy (FOLFOX) was offered", "radiotherapy is planned".
_NOT_GIVEN_AFTER = re.compile(
    r"\s*\)?\s*(?:\([^)]{0,40}\)\s*)?(?:(?:maintenance|therapy|treatment)\s+)?"
    r"(?:was|were|has been|had been|is|are|will be)\s+(?:also\s+)?"
    r"(?:discussed|offered|recommended|proposed|considered|suggested|declined|refused|deferred|"
    r"planned|scheduled|not\s+(?:given|started|restarted|resumed|reintroduced|administered))\b"
    # "any suitable trial, in particular CAR-T or bispecific antibody studies"
    r"|[^.;,]{0,40}?\b(?:studies|trials)\b"
    # "Radiation to the left breast planned", never "completed as planned"
    r"|[^.;,]{0,40}?\b(?<!as )(?:is |are |was |were )?(?:planned|scheduled|pending)\b",
    re.I,
)
#: A negation that scopes over a list: "no evidence of A, B or C".
_LIST_NEGATION = re.compile(
    r"\b(no (?:evidence|history|signs?|symptoms?) of|negative for|denies|denied|free of|"
    r"absence of|ruled out|without|no|(?:does|do|did)n['’]t (?:have|has|had|show)|"
    r"(?:does|do|did) not (?:have|show))\b"
    r"(?P<rest>[^.;:\n]*)$",
    re.I,
)
_PIVOT = re.compile(
    r"\b(but|however|although|though|with|presents?|presented|has|had|is|was|"
    r"diagnosed|s/p|status post)\b",
    re.I,
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
#: "March 2025", "2025", "2025-03", "03/2025", "3/15/2025" (month first, as US notes write)
_DATE = re.compile(
    r"\b(?P<iy>(?:19[5-9]\d|20[0-2]\d))-(?P<im>0[1-9]|1[0-2])\b"
    r"|\b(?:(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?"
    r"(?P<year>(?:19[5-9]\d|20[0-2]\d))\b"
    r"|\b(?P<sm>0?[1-9]|1[0-2])/(?:(?:0?[1-9]|[12]\d|3[01])/)?(?P<sy>(?:19[5-9]\d|20[0-2]\d))\b",
    re.I,
)
#: a date heading a letter's item, with a colon: "Induction 06/2025: 7+3 ...", "First line,
#: 10/2024: trastuzumab ...", "- 02/2024: metastatic relapse ..."
_HEADED = re.compile(
    r"^[\s*•-]*(?:[a-z][a-z0-9 ,/+-]{0,30}?[\s,]+)?(?:" + _DATE.pattern + r")\s*:", re.I
)
#: the next sentence of the same item opening with a progression and its date: the end of
#: the treatment before it ("mFOLFIRINOX from 12/2025, 10 cycles. Progression on CT in
#: 08/2026 with new liver metastases.")
_NEXT_PROGRESSION = re.compile(
    r"\.[ \t]+(?:(?:disease|radiological|radiologic|clinical)[ \t]+)?"
    r"(?:progression|progressed|progressive disease)\b[^.;\n]{0,40}?\b(?:in|on)[ \t]+"
    r"(?P<date>(?:" + _DATE.pattern + r"))",
    re.I,
)
_FULL_STOP = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\b[eEiI])\.(?!\d)|\n")
#: what joins a start date to an end date: "from 11/2025 to 08/2026", "2019-2021"
_DATE_TO = re.compile(r"\s*(?:to|until|till|through|thru|-|–)\s*", re.I)
#: Drug class -> the profile's therapy kind (the first class that has one wins).
_KIND = {
    "radiotherapy": "radiotherapy",
    "cellular_therapy": "cell therapy",
    "chemotherapy": "chemotherapy",
    "immunotherapy": "immunotherapy",
    "endocrine_therapy": "hormone therapy",
    "targeted_therapy": "targeted therapy",
    "investigational_agent": "investigational",
}
#: Classes named alone that say a treatment was given (a bare "steroids" says little).
_CLASS_THERAPY = {
    "chemotherapy",
    "immunotherapy",
    "radiotherapy",
    "targeted_therapy",
    "endocrine_therapy",
    "cellular_therapy",
    "immune_checkpoint_inhibitor",
    "platinum",
    "taxane",
    "anthracycline",
    "anti_pd1",
    "anti_pd_l1",
    "egfr_tki",
    "tki",
    "adt",
    # general medicine: a named insulin, inhaled steroid or HCV antiviral is a treatment given
    "insulin",
    "inhaled_corticosteroid",
    "laba",
    "hcv_daa",
    # named classes of general medicine: "on anti-depressants", "on a dopamine agonist"
    "antidepressant",
    "ssri",
    "snri",
    "tricyclic_antidepressant",
    "somatostatin_analogue",
    "dopaminergic_therapy",
    "dopamine_agonist",
    "mao_b_inhibitor",
    "antibiotic",
    "oxygen_therapy",
}


def about_patient(text: str, start: int, end: int) -> bool:
    """Whether the mention at ``start:end`` is asserted for the patient (not negated, not a
    relative's history).

    >>> t = ("Denies diabetes. Mother had breast cancer. HIV negative. Has COPD. No evidence "
    ...      "of alcoholic liver disease, bleeding from varices or autoimmune hepatitis. "
    ...      "MI in his father. He doesn't have any signs of dementia.")
    >>> [about_patient(t, t.index(w), t.index(w) + len(w)) for w in
    ...  ("diabetes", "breast cancer", "HIV", "COPD", "autoimmune hepatitis", "MI", "dementia")]
    [False, False, False, True, False, False, False]
    """
    from profiles.text import negated

    if negated(text, start):
        return False
    from profiles.text import CLOSED_BRACKETS

    cut, _ = sentence_span(text, start, end)
    # "surgery (no residual disease), followed by carboplatin": the bracket closes the "no"
    scoped = _LIST_NEGATION.search(CLOSED_BRACKETS.sub(" ", text[cut:start]))
    if scoped and not _PIVOT.search(scoped.group("rest")):
        return False
    if _FAMILY.search(text[cut:start]) or _FAMILY_AFTER.match(text[end:]):
        return False
    return not post_negated(text, end)


def post_negated(text: str, end: int) -> bool:
    """Whether a negative result follows the mention ending at ``end`` ("test is negative").

    >>> t = "Her pregnancy test is negative."
    >>> post_negated(t, t.index("pregnancy") + 9), post_negated("HIV positive", 3)
    (True, False)
    >>> post_negated("HIV and hepatitis C serology negative.", 3)
    True
    >>> post_negated("HBV core antibody positive, HBsAg negative", 3)
    False
    """
    return bool(_AFTER_NEGATIVE.match(text[end : end + 50]))


#: what separates the items of a list of conditions ("HTN, HL, DMII", "CAD, HL and HTN")
_LIST_GAP = re.compile(r"\s*(?:,|;|/|\band\b)\s*", re.I)


def _abbreviation_among_comorbidities(text: str, m: Any, comorbid: list[tuple[int, int]]) -> bool:
    """Whether a cancer's short abbreviation ("HL", "MM") stands in a list next to other
    conditions, where it is their abbreviation (hyperlipidaemia), not a cancer.

    >>> from types import SimpleNamespace as M
    >>> t = "PMH: HTN, HL, DMII."
    >>> _abbreviation_among_comorbidities(t, M(text="HL", start=10, end=12), [(5, 8), (14, 18)])
    True
    >>> t = "Relapsed HL after ABVD."
    >>> _abbreviation_among_comorbidities(t, M(text="HL", start=9, end=11), [])
    False
    """
    if len(m.text) > 3 or not m.text.isupper():
        return False
    for start, end in comorbid:
        if end <= m.start and _LIST_GAP.fullmatch(text[end : m.start]):
            return True
        if start >= m.end and _LIST_GAP.fullmatch(text[m.end : start]):
            return True
    return False


def _planned(text: str, start: int, end: int) -> bool:
    """Whether the treatment at ``start:end`` is only planned, offered or refused, not given:
    said before it in its sentence ("candidate for", "unfit for") or right after it
    ("docetaxel was discussed but he preferred to wait").

    >>> t = "No prior chemotherapy; docetaxel was discussed but he preferred to wait."
    >>> _planned(t, 23, 32), _planned("He received docetaxel in 2024.", 12, 21)
    (True, False)
    >>> _planned("We discussed second-line ramucirumab and paclitaxel.", 26, 37)
    True
    >>> t = "Nivolumab maintenance was not restarted."
    >>> _planned(t, 0, 9)
    True
    >>> t = "She is interested in trials of tucatinib-based combinations."
    >>> _planned(t, t.index("tucatinib"), t.index("-based"))
    True
    """
    cut, _ = sentence_span(text, start, end)
    return bool(_PLANNED.search(text[cut:start]) or _NOT_GIVEN_AFTER.match(text, end))


#: How far after a mention a relative date ("4 months ago") may stand and still date it.
_RELATIVE_REACH = 60


#: Words between a treatment and a relative date that make it the treatment's end ("until
#: progression 2 months ago", "stopped 3 weeks ago").
#: "abiraterone from 03/2022, progressed in 2025": stopped at progression, too
_ENDED = re.compile(
    r"(?i)\b(?:until|till|through|stopped|discontinued|completed|finished|ended|progressed)\b"
)


def _date_near(text: str, start: int, end: int, as_of: date | None = None) -> dict[str, Any]:
    """When the mention at ``start:end`` happened, as therapy fields: a real calendar date
    (``YYYY`` or ``YYYY-MM``) in its sentence after it is its ``start``; else, with
    ``as_of``, a date given relative to it close after the mention ("4 months ago") is its
    ``start``, or its ``end`` after "until" / "stopped" ..., and "for the past 6 months"
    also makes it ``ongoing``; one that opens the mention's clause ("4 months ago he started
    temozolomide") is its ``start`` too. Empty when none is given.

    >>> t = "gemcitabine until progression 2 months ago"
    >>> _date_near(t, 0, 11, date(2026, 11, 20))
    {'end': '2026-09'}
    >>> _date_near("FOLFIRINOX from 11/2025 to 08/2026, then", 0, 10)
    {'start': '2025-11', 'end': '2026-08'}
    >>> _date_near("Lenalidomide maintenance from 2023 until progression in 08/2026.", 0, 12)
    {'start': '2023', 'end': '2026-08'}
    >>> _date_near("Abiraterone from 03/2022, progressed in 2025 (rising PSA).", 0, 11)
    {'start': '2022-03', 'end': '2025'}
    >>> _date_near("docetaxel stopped after six cycles, P+H until progression in 01/2025", 0, 9)
    {}

    A date heading the mention's item ("Second line, 08/2026: ...") is its ``start`` when
    the words after it give none:

    >>> _date_near("Second line, 08/2026: T-DXd, stopped after three cycles in 10/2026.", 22, 27)
    {'end': '2026-10', 'start': '2026-08'}

    and a progression opening the next sentence of the item ends it:

    >>> _date_near("FOLFOX from 12/2025, 10 cycles. Progression on CT in 08/2026.", 0, 6)
    {'start': '2025-12', 'end': '2026-08'}
    """
    cut, _ = sentence_span(text, start, end)
    when = _date_after(text, start, end, as_of)
    headed = _HEADED.match(text[cut:start])
    if headed and "start" not in when and not when.get("ongoing"):
        when["start"] = _calendar(headed)
    if "start" in when and "end" not in when and not when.get("ongoing"):
        full_stop = _FULL_STOP.search(text, end)  # past any ';' of the item
        progressed = full_stop and _NEXT_PROGRESSION.match(text, full_stop.start())
        date_ = _DATE.search(text, progressed.start("date")) if progressed else None
        if date_:  # ". Progression on CT in 08/2026"
            when["end"] = _calendar(date_)
    return when


def _date_after(text: str, start: int, end: int, as_of: date | None) -> dict[str, Any]:
    cut, stop = sentence_span(text, start, end)
    m = _DATE.search(text, end, stop)
    if m:
        then = _DATE.search(text, m.end(), stop)
        if then and _DATE_TO.fullmatch(text, m.end(), then.start()):
            return {"start": _calendar(m), "end": _calendar(then)}
        if then and _ENDED.search(text, m.end(), then.start()):  # "from 2023 until
            return {"start": _calendar(m), "end": _calendar(then)}  # progression in 08/2026"
        ended = list(_ENDED.finditer(text, end, m.start()))
        if ended and "," in text[ended[0].end() : m.start()]:
            return {}  # "docetaxel stopped after six cycles, P+H until 01/2025": not its date
        if ended:  # "FOLFIRI until progression in June 2026"
            return {"end": _calendar(m)}
        return {"start": _calendar(m)}
    if as_of is None:
        return {}
    when: dict[str, Any] = {}
    fronted = fronted_date(text, cut, start, as_of)
    if fronted is not None:
        when = {"start": fronted.date, **({"ongoing": True} if fronted.ongoing else {})}
    found = relative_date(text, end, min(stop, end + _RELATIVE_REACH), as_of)
    if found is None or opens_clause(text, cut, found.at):
        return when  # none after it, or one that opens the next clause ("and 2 weeks ago ...")
    if _ENDED.search(text, end, found.at):
        return {**when, "end": found.date}
    return when or {"start": found.date, **({"ongoing": True} if found.ongoing else {})}


def _calendar(m: re.Match[str]) -> str:
    """The date a ``_DATE`` match names, as ``YYYY`` or ``YYYY-MM``.

    >>> [_calendar(_DATE.search(t)) for t in ["March 2025", "2025-03", "3/2025", "03/15/2025"]]
    ['2025-03', '2025-03', '2025-03', '2025-03']
    """
    if m.group("iy"):
        return f"{m.group('iy')}-{m.group('im')}"
    if m.group("sy"):
        return f"{m.group('sy')}-{int(m.group('sm')):02d}"
    mon = m.group("mon")
    return f"{m.group('year')}-{_MONTHS.index(mon.lower()[:3]) + 1:02d}" if mon else m.group("year")


_COURSES_OF = re.compile(r"(?i)^(?:cycles?|courses?) of\s+")


def _kind(classes: Iterable[str]) -> str | None:
    found = set(classes)
    for cls, kind in _KIND.items():
        if cls in found:
            return kind
    return None


#: a treatment word that says the patient went without it: "chemotherapy-free interval",
#: "treatment-naive"
_WITHOUT = re.compile(r"(?i)[- ](?:free|naive|naïve)\b")
#: "off dexamethasone since 04/2026": the date it ended
_OFF = re.compile(r"(?i)\boff\s+$")


def _therapy(text: str, m: Any, as_of: date | None = None) -> dict[str, Any] | None:
    if _WITHOUT.match(text, m.end):
        return None
    when = _date_near(text, m.start, m.end, as_of)
    if _OFF.search(text, max(0, m.start - 6), m.start) and "start" in when and "end" not in when:
        when = {"end": when["start"]}
    value: dict[str, Any]
    if m.type == "regimen":
        drugs = vocab.regimen_drugs(m.id) or []
        classes = {c for d in drugs for c in vocab.drug_classes(d)}
        name = _COURSES_OF.sub("", m.text)  # "cycles of PCR" names the regimen PCR
        value = {"name": name, "drugs": drugs, "kind": _kind(classes)}
    elif m.type == "drug":
        value = {"name": m.id, "drugs": [m.id], "kind": _kind(vocab.drug_classes(m.id))}
    elif (
        m.id in _CLASS_THERAPY
        or (
            m.id == "corticosteroid"  # a route or a current-use cue says one was given
            and (_ROUTE.match(m.text) or _ongoing(text, m.start, m.end))
        )
        or (  # "She is on anticoagulation for AF": only in current use (not "held")
            vocab.class_is_a(m.id, "anticoagulant") and _ongoing(text, m.start, m.end)
        )
    ):
        kinds = {m.id} | {c for c in _KIND if vocab.class_is_a(m.id, c)}
        value = {"name": m.text, "kind": _kind(kinds)}
    else:
        return None
    value.update(when)
    if "end" not in when and _ongoing(text, m.start, m.end):
        value["ongoing"] = True  # "She takes apixaban ... since 06/2026": started, and goes on
    return value


#: "oral corticosteroids", "IV steroids": a route says a steroid was given (a bare "steroids"
#: says little).
_ROUTE = re.compile(r"(?i)(?:oral|iv|intravenous|parenteral|systemic)\b")
#: Current use written before the drug in its sentence: "He currently uses inhaled
#: corticosteroid", "She is on IFN, RBV ...", "he has been using insulin glargine".
_CURRENT = re.compile(
    r"(?i)\b(?:currently|is (?:now |still )?(?:on|taking|using|receiving|treated with)|"
    r"are (?:on|taking)|has been (?:on|using|taking|receiving|treated with)|"
    r"(?:he|she) (?:uses|takes|receives)|continues? (?:on|to take|to use)|"
    r"remains? on|(?:current )?medications?\s*:|meds\s*:|"
    r"(?:his|her) (?:current )?(?:medications?|meds|regimen) (?:include|includes|are|is)|"
    r"(?:doubled|increased|tapering) (?:his|her))(?:\b|(?<=:))"
)
#: ... unless the words put it in the past or stop it.
_PAST = re.compile(
    r"(?i)\b(?:used to|previously|formerly|stopped|discontinued|was (?:on|treated)|"
    r"had been|in the past|no longer|not taking|off)\b"
)


#: "On warfarin for a mechanical valve.": a sentence opening with "on" and the drug
_OPENS_ON = re.compile(r"(?i)^\W*on\s+(?:[^\s,;]+\s+){0,2}$")


def _ongoing(text: str, start: int, end: int) -> bool:
    """Whether the drug at ``start:end`` is in current use (a present-tense cue before it in its
    sentence, none putting it in the past).

    >>> t = "He currently uses inhaled corticosteroid (ICS) and fluticasone. He used to take X."
    >>> _ongoing(t, t.index("fluticasone"), t.index("fluticasone") + 11)
    True
    >>> t = "He used to be treated with inhaled corticosteroids and Zafirlukast."
    >>> _ongoing(t, t.index("inhaled"), t.index("inhaled") + 7)
    False
    >>> t = "Started on ADT with leuprolide in 02/2022, continuing."
    >>> _ongoing(t, t.index("leuprolide"), t.index(" in "))
    True
    """
    cut, stop = sentence_span(text, start, end)
    before = text[cut:start]
    if _ONGOING_AFTER.match(text[end:stop]) and not _PAST.search(text, cut, stop):
        return True  # "Started on ADT with leuprolide in 02/2022, continuing."
    current = _CURRENT.search(before) or _OPENS_ON.match(before)
    return bool(current) and not _PAST.search(before)


#: current use said after the drug and its date: "leuprolide in 02/2022, continuing."
_ONGOING_AFTER = re.compile(
    r"(?i)[^.;]{0,40}?,\s*(?:continuing|ongoing|continues|continued to date|to date)\s*"
    r"(?:[.;,)\n]|$)"
)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def vocab_facts(
    text: str, taken: Iterable[Any], *, skip: set[str], as_of: date | None = None
) -> list[Any]:
    """Facts from the vocabularies (diagnoses, therapies, conditions) not already taken.

    ``skip`` names profile fields a questionnaire line already filled ("diagnoses",
    "conditions"); they are not read again from the free text. ``as_of`` is the day the
    note is read: a therapy "started 2 weeks ago" is dated from it (without it, undated).

    >>> fs = vocab_facts("62 yo with NSCLC, on Keytruda since 2024; denies HIV.", [], skip=set())
    >>> [(f.field, f.text) for f in fs]
    [('diagnoses.condition', 'NSCLC'), ('therapies', 'Keytruda')]
    >>> fs[1].value["drugs"], fs[1].value["start"]
    (['pembrolizumab'], '2024')
    """
    from profiles.text import Fact

    spans = [(f.start, f.end) for f in taken]
    facts: list[Any] = []

    def add(field: str, value: Any, m: Any) -> None:
        facts.append(Fact(field=field, value=value, text=m.text, start=m.start, end=m.end))
        spans.append((m.start, m.end))

    comorbidities = vocab.find_comorbidities(text)  # conditions, and abbreviations among them
    if "diagnoses" not in skip:
        # a cancer named with its marker ("HER2-positive breast cancer") is the diagnosis even
        # though the marker was read as a biomarker already
        # and so is one named with its extent ("metastatic castration-resistant prostate
        # cancer": not only "mCRPC" after it)
        markers = {
            (f.start, f.end)
            for f in taken
            if f.field in ("biomarkers", "extent", "diagnoses.status")
        }
        comorbid = [(c.start, c.end) for c in comorbidities]
        for m in vocab.find_cancers(text):
            others = [s for s in spans if s not in markers]
            if service_name(text, m.end):
                continue  # "Department of Haematology - Myeloma Service": a unit, no diagnosis
            if _abbreviation_among_comorbidities(text, m, comorbid):
                continue  # "HTN, HL, DMII": hyperlipidaemia, not Hodgkin lymphoma
            if about_patient(text, m.start, m.end) and not _overlaps(m.start, m.end, others):
                add("diagnoses.condition", m.text, m)
    if "therapies" not in skip:
        found = list(vocab.find_drugs(text))
        for m in found:
            if spelled_out(text, m, found):
                continue  # "VRd (bortezomib, lenalidomide, dexamethasone)": VRd's own drugs
            if (
                not about_patient(text, m.start, m.end)
                or _planned(text, m.start, m.end)
                or _overlaps(m.start, m.end, spans)
                or named_as_refractory(text, m, found)
            ):
                continue
            value = _therapy(text, m, as_of)
            if value is not None:
                add("therapies", value, m)
    if "conditions" not in skip:
        for m in comorbidities:
            if _room_air(text, m) or _overlaps(m.start, m.end, spans):
                continue
            if not about_patient(text, m.start, m.end):
                continue
            graded = graded_condition(text, m)
            if graded is not None:  # "grade 2 peripheral neuropathy": its grade is its state
                words = text[graded.start : graded.end]
                facts.append(
                    Fact(
                        field="conditions",
                        value=graded.value,
                        text=words,
                        start=graded.start,
                        end=graded.end,
                    )
                )
                spans.append((graded.start, graded.end))
            else:
                add("conditions", resolved_hbv(text, m) or m.text, m)
    return facts


#: "SpO2 98% on RA": room air, not rheumatoid arthritis.
_ON_AIR = re.compile(r"(?i)(?:%|\bon|\bsats?|\bo2|\bspo2)\s*$")


def _room_air(text: str, m: Any) -> bool:
    return m.text == "RA" and bool(_ON_AIR.search(text, max(0, m.start - 12), m.start))


def surgery_facts(text: str, taken: Iterable[Any], *, as_of: date | None = None) -> list[Any]:
    """Operations the patient had ("underwent transsphenoidal surgery", "s/p appendectomy"):
    therapies of kind surgery (a planned or negated operation is not taken), dated when the
    sentence gives a date after them, or, with ``as_of`` (the day the note is read), a date
    relative to it ("4 months ago").

    >>> note = "A man who underwent transsphenoidal surgery 4 months ago."
    >>> fs = surgery_facts(note, [])
    >>> fs[0].text, fs[0].value
    ('transsphenoidal surgery', {'name': 'transsphenoidal surgery', 'kind': 'surgery'})
    >>> surgery_facts(note, [], as_of=date(2026, 11, 20))[0].value["start"]
    '2026-07'
    >>> surgery_facts("She never had a hysterectomy.", [])
    []
    """
    from profiles.text import Fact, patterns

    spans = [(f.start, f.end) for f in taken]
    facts: list[Any] = []
    for p in patterns():
        if p.field != "surgery":
            continue
        for m in p.regex.finditer(text):
            start, end = m.span(p.group)
            if (
                not about_patient(text, m.start(), end)
                or _planned(text, m.start(), end)
                or _overlaps(start, end, spans)
            ):
                continue
            value = {"name": text[start:end], "kind": "surgery"}
            when = _date_near(text, start, end, as_of)
            if "start" in when:  # an operation has a date, not an end of its own
                value["start"] = when["start"]
            facts.append(
                Fact(field="therapies", value=value, text=value["name"], start=start, end=end)
            )
    return facts
