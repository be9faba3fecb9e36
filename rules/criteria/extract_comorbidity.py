"""Comorbidity extraction: conditions and classes, activity, time window, named infections."""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise
from typing import Any

from rules import vocab
from rules.criteria.extract_onco import not_family
from rules.criteria.numbers import number, numeric

Params = dict[str, Any] | None


#: drugs that cause the condition are what is asked about, not the condition: "Concomitant use
#: of drugs known to prolong the QT interval", "QTc prolonging agents strongly associated with
#: Torsade de Pointes arrhythmia"
_DRUGS_CAUSING = re.compile(
    r"(?i)\b(?:drugs?|medications?|medicines?|agents?)\s+(?:that\s+(?:are\s+|may\s+)?|which\s+(?:are\s+|may\s+)?)?"
    r"(?:known\s+to\s+|likely\s+to\s+|associated\s+with\s+)?(?:prolong|cause|induce)\w*|"
    r"\b(?:QTc?|QT\s+interval)[- ]prolonging\s+(?:drugs?|medications?|agents?)"
)


def comorbidity(m: re.Match[str], text: str, polarity: str) -> Params:
    found = vocab.find_comorbidities(text)
    if not found:
        return None
    causing = _DRUGS_CAUSING.search(text)
    if (
        causing
        and causing.start() <= found[0].start
        and not re.search(r"(?i)\bhistory\s+of\b", text)
    ):
        return {"_kind": "other", "topic": "medication", "_confidence": 0.5}
    mentions = [
        x
        for x in _decompensated_heads(text, _specific_infections(text, not_family(text, found)))
        if _own(text, x) and not _scale_name(text, x)
    ]
    # "HBV or HCV (these increase the risk of TB-drug induced hepatotoxicity)": a later
    # condition naming a medicine is no condition of the criterion (a first one is seen below)
    mentions = [
        x for i, x in enumerate(mentions) if i == 0 or not _MEDICATION_AFTER.match(text, x.end)
    ]
    if not mentions:
        if len(not_family(text, found)) < len(found):
            return {"_kind": "other", "topic": "family_history", "_confidence": 0.5}
        return {"_kind": "other", "topic": "unlisted_condition", "_confidence": 0.5}
    carved = [x for x in mentions if _OTHER_THAN.search(text, max(0, x.start - 40), x.start)]
    carved_ids = {
        x.id for x in carved
    }  # "... other than Chronic Obstructive Pulmonary Disease (COPD)"
    carved = [x for x in mentions if x.id in carved_ids]
    if carved:  # "Significant disease other than COPD": COPD is the carve-out, not the target
        mentions = [x for x in mentions if x not in carved]
        if not mentions:
            return _other_than(text, carved)
    lower = text.lower()
    if _CONTRAINDICATION.search(text, max(0, mentions[0].start - 40), mentions[0].start):
        # "No other contraindications for HSCT": fitness for it, not having had it
        return {"_kind": "other", "topic": "contraindication", "_confidence": 0.5}
    if _SCOPE_HEADER.match(text):  # "FOR SICKLE CELL PATIENTS:", "for acromegaly"
        return {"_kind": "other", "topic": "scope_header", "_confidence": 0.5}
    if _PRIOR_STUDY.search(text):  # "enrolled in the previous ICAC trial ... for Asthma"
        return {"_kind": "other", "topic": "prior_study", "_confidence": 0.5}
    if _STUDY_AIM.search(text):  # "it is planned to compare ... patients with hypertension"
        return {"_kind": "other", "topic": "study_aim", "_confidence": 0.5}
    first = mentions[0]
    before = text[max(0, first.start - 60) : first.start]
    transplant = "transplant" in first.id or "hsct" in first.id
    if transplant and _FUTURE.search(before):  # "Eligible for a ... autologous transplant"
        return {"_kind": "other", "topic": "planned_treatment", "planned": True, "_confidence": 0.5}
    if _RATING_SCALE.search(text):  # "Raskin Depression Scale score at Screening"
        return {"_kind": "other", "topic": "rating_scale", "_confidence": 0.5}
    if (
        _MEDICATION_FOR.search(before)
        or _TREATED_FOR.search(before)
        or _MEDICATION_AFTER.match(text, first.end)
    ):
        # "taking any medication for treatment of X", "treated with duloxetine (for DPNP or MDD)"
        return {"_kind": "other", "topic": "medication", "_confidence": 0.5}
    if ("control" in lower or "stab" in lower) and _CONTROLLED.search(
        text
    ):  # "with a history of hypertension must be well-controlled"
        return {"_kind": "other", "topic": "controlled_comorbidity", "_confidence": 0.5}
    mentions = _without_bare_ancestors(mentions, text)
    ids = list(dict.fromkeys(x.id for x in mentions))
    if "hypersensitivity" in ids and len(ids) == 1:
        return {"_kind": "other", "topic": "allergy", "_confidence": 0.5}
    classes = [i for i in ids if _has_children(i)]
    params: dict[str, Any] = {
        "conditions": [i for i in ids if i not in classes],
        "classes": classes,
        "mentions": [x.text for x in mentions],
        "_anchor": (mentions[0].start, mentions[0].end),
    }
    if re.search(
        r"(?i)\b(?:active|uncontroll(?:ed|able)|uncontroled|current(?:ly)?|ongoing|untreated|unstable|"
        r"decompensated|poorly[- ]controlled|inadequately[- ]controlled|not (?:well[- ]|adequately )?controlled|"
        r"requir\w*\s+(?:(?!replacement\b)[\w-]+\s+){0,5}?(?:treatment|therapy)|clinically significant)\b",
        text,
    ):
        params["active"] = True
    elif not (_VIRAL_LOAD.search(text) or _NEGATIVE_RESULT.search(text)) and any(
        _HEPATITIS.match(x.id) and _VIRUS_PRESENT.match(text, x.end) for x in mentions
    ):
        # "Presence of hepatitis C Ribonucleic acid (RNA)", "HCV RNA positive": the virus is
        # there now, which a cured infection (sustained virological response) is not
        params["present"] = True
    if set(classes) & vocab.loose_members().keys() and (
        polarity == "exclusion" or _NEGATED_START.match(text)
    ):
        # "No prior history of cardiovascular disease": a class that rules patients out, which
        # the matcher may read loosely for its common members (hypertension)
        params["loose_members"] = True
    if _COINFECTION.search(text) and _joined_by_and(text, mentions):
        # "co-infected with HBV and HCV or ... with HBV and HDV": two of them together, not
        # either one ("coinfection with HIV and/or HBV" in a hepatitis C trial: either, with
        # the trial's own infection)
        params["coinfection"] = True
    if carved:
        params["exceptions"] = [x.text for x in carved]
    within = _within_years(text)
    if within:
        params["within"] = within
    if (
        any(_qualified(text, x) or _severity(text, x) for x in mentions)
        or _DIAGNOSIS_DATE.search(text)
        or _DEFINITION.search(text)
        or (
            polarity == "exclusion"  # "Confirmed HCV RNA positive" required: none is sure
            and not params.get("active")  # "active hepatitis B": unknown for a resolved one
            and _VIRAL_LOAD.search(text)
            and any(_HEPATITIS.match(x.id) for x in mentions)
        )
    ):
        # "nonatherosclerotic stroke", "non-typable HCV genotype", "date of COPD diagnosis
        # is before 1997": a subtype or a date the profile does not record
        params["qualified"] = True
        params["_confidence"] = QUALIFIED_CONFIDENCE
    return params


QUALIFIED_CONFIDENCE = 0.7
#: Hepatitis defined by a core antibody or a viral-load threshold ("positive HBcAb and HBV DNA
#: above the detection limit"): a patient with a resolved infection (core antibody,
#: undetectable DNA) does not have it, and a diagnosis alone does not tell ("Confirmed HCV RNA
#: positive" is not such a definition: chronic hepatitis C has it)
_VIRAL_LOAD = re.compile(
    r"(?i)\b(?:core antibod\w*|HBcAb|anti-?HBc|HBc)\b|\b(?:un)?detectable\b|"
    r"\b(?:above|higher than|exceed\w*|greater than|more than)\b[^.;]{0,50}?"
    r"\b(?:limit|detection|copies|IU|ULN)\b|(?:≥|>=|>)\s*\d[\d,.]*\s*(?:copies|IU)\b"
)
_HEPATITIS = re.compile(r"hepatitis_[bc]$")
_COINFECTION = re.compile(r"(?i)\bco-?infect")
_NEGATED_START = re.compile(r"(?i)^\W*(?:no|without|absence of|free of|not)\b")
#: the virus's own nucleic acid right after a hepatitis mention ("hepatitis C RNA", "HBV DNA
#: positive", "HCV ribonucleic acid"): a present infection
_VIRUS_PRESENT = re.compile(
    r"(?i)(?:\s+virus)?\s*(?:\(\w+\)\s*)?(?:RNA|DNA|ribonucleic|deoxyribonucleic)\b|"
    r"(?<=RNA)|(?<=DNA)"
)
#: a negative result named in the item ("positive HCV antibody followed by a negative HCV RNA
#: test", "Hepatitis C RNA negative"): not the virus's presence
_NEGATIVE_RESULT = re.compile(r"(?i)\b(?:negative|undetectable|not detect\w*|below)\b")
#: An exception word right before a condition ("other than COPD", "(other than asthma)",
#: "except hypothyroidism"): the condition is carved out of the criterion, not named by it.
_OTHER_THAN = re.compile(
    r"(?i)\b(?:other than|except(?:\s+for)?|excepting|apart from|aside from|besides|excluding|with the "
    r"exception of)\s*\(?\s*(?:(?:the|a|an|chronic|stable|known|underlying|mild|controlled)\s+)?$"
)
#: A significant illness of any kind is excluded, apart from the carve-out ("Severe
#: comorbidities other than COPD", "Clinically significant diseases other than COPD.").
_ANY_SIGNIFICANT = re.compile(
    r"(?i)^\W*(?:(?:patients?|subjects?|participants?)\s+with\s+)?(?:(?:a|an|any|other|known|"
    r"history\s+of|presence\s+of)\s+)*(?:clinically\s+significant|significant|severe|serious|"
    r"major)\s+(?:(?:concomitant|concurrent|medical|systemic|co-?morbid|other)\s+)?"
    r"(?:diseases?|illness(?:es)?|comorbidit(?:y|ies)|co-morbidit(?:y|ies)|medical\s+conditions?|"
    r"disorders?|conditions?)\s*(?:\(\s*)?$"
)


_RECENT = re.compile(
    r"(?i)\b(?:within|in the (?:past|last|previous))\s+(?:the\s+)?(?:(?:past|last|previous|preceding)\s+)?"
    r"[\w.]+[\s-]*(?:days?|weeks?|months?|years?)\b"
)


def _other_than(text: str, carved: list[vocab.Mention]) -> dict[str, Any]:
    """Params of an item whose every named condition is a carve-out: a significant illness of
    any kind apart from it ("Severe comorbidities other than COPD"), or nothing we read
    ("Respiratory disorder other than COPD": a class the vocabulary lacks)."""
    head = _OTHER_THAN.search(text, max(0, carved[0].start - 40), carved[0].start)
    before = text[: head.start()] if head else ""
    if not _ANY_SIGNIFICANT.match(before):
        return {"_kind": "other", "topic": "other_than", "_confidence": 0.5}
    params: dict[str, Any] = {
        "conditions": [],
        "classes": [],
        "significant": True,
        "exceptions": [x.text for x in carved],
        "mentions": [x.text for x in carved],
        "_anchor": (carved[0].start, carved[0].end),
    }
    if _RECENT.search(text):  # "Significant illness other than diabetes within 2 weeks": an
        params["_confidence"] = QUALIFIED_CONFIDENCE  # episode, which a history does not date
    return params


_STUDY_AIM = re.compile(
    r"(?i)\b(?:it is planned|we plan|we will compare|is planned to|the (?:aim|objective|purpose) "
    r"(?:of (?:this|the) (?:study|trial) )?is)\b"
)
_FUTURE = re.compile(
    r"(?i)\b(?:eligible for|candidates? for|scheduled (?:for|to)|planned|plans? to|awaiting|"
    r"waiting list|to undergo|will undergo|survival from|incompatible with)\b[^.;]{0,40}$"
)
_MEDICATION_FOR = re.compile(
    r"(?i)\b(?:medications?|drugs?|medicines?|treatments?|therap(?:y|ies))\s+(?:\w+\s+){0,2}?(?:for|to treat)\s+"
    r"(?:the\s+)?(?:treatment|management|control)?\s*(?:of\s+)?(?:\w+\s+){0,1}$"
)
#: The condition names a medicine ("asthma medications", "Excluded Asthma Medications").
_MEDICATION_AFTER = re.compile(
    r"(?i)[\s-]+(?:medications?|medicines?|drugs?|controllers?|inhalers?|maintenance therapy)\b"
)
_TREATED_FOR = re.compile(
    r"(?i)\b(?:treated|treatment|therapy)\s+with\s+[^.;]{1,40}?\(?\bfor\s+(?:[\w-]+\s+(?:or|and)\s+)?$"
)
_RATING_SCALE = re.compile(r"(?i)\bscale\s+score\b|\binventory\b")
_NON_WORD = re.compile(
    r"(?i)(?:\bnon(?!e\b)[- ]?[a-z]+[- ]?[a-z]*|\bnew(?:ly)?(?![- ]york)(?:[- ]onset)?"
    r"(?:[\s,]+[\w-]+){0,3}?)[\s,]+$"
)
#: "(class III or IV of the NYHA classification for heart disease)": the scale's name
_SCALE_NAME = re.compile(
    r"(?i)(?:\bclassification\s+(?:for|of)|\bclass\s+(?:[IV]+|\d)(?:\s*(?:or|-|to|/)\s*(?:[IV]+|\d))?)\s+$"
)
_DIAGNOSIS_DATE = re.compile(
    r"(?i)\bdiagnos\w*\b[^.;]{0,30}\b(?:before|after|prior to|since)\s+(?:19|20)\d\d\b"
)


def _scale_name(text: str, x: vocab.Mention) -> bool:
    """A class named as the scale ("NYHA class III or IV heart disease"), not a condition of
    its own; a specific condition there ("class IV heart failure") is the condition."""
    return _has_children(x.id) and bool(_SCALE_NAME.search(text, max(0, x.start - 40), x.start))


def _qualified(text: str, x: vocab.Mention) -> bool:
    """A "non-" word right before the condition names a subtype of it ("nonatherosclerotic
    stroke", "non-typable HCV genotype infection"); "new" names a new event ("ECG with new ST
    changes or tachyarrhythmia"), which a history does not settle."""
    return bool(_NON_WORD.search(text, max(0, x.start - 25), x.start))


#: A severity, symptom or episode qualifier before the condition ("life-threatening asthma",
#: "Known symptomatic prostatic hypertrophy", "morbid obesity"): having the condition does
#: not settle it.
_SEVERITY_BEFORE = re.compile(
    r"(?i)\b(?:life[- ]threatening|severe|serious|symptomatic|morbid|poorly[- ]controlled|brittle|"
    r"persistent|frequent|recurrent|refractory|steroid[- ]dependent|familial|hereditary|"
    r"exacerbations?|worsening|attacks?|episodes?|flares?|intermittent|seasonal|exercise[- ]induced|(?:moderate|mild)(?:\s*(?:-|to)\s*severe)?)"
    r"[\s,/-]+(?:[\w'-]+[\s,/-]+){0,2}$"
)
#: ... or after it: "sickle cell anemia during acute crisis", "asthma requiring hospitalization",
#: "mechanical ventilation for > 48 hours" (matched at the mention's end).
_SEVERITY_AFTER = re.compile(
    r"(?i)[^.;:]{0,40}?\b(?:limiting\b|(?:III|IV|[34])(?:rd|th)?\s+degree|(?:grade|stage)\s*(?:≥|>=|>|of)?\s*(?:I{1,3}V?|IV|[0-5])\b|"
    r"for\s+(?:more than|over|at least|longer than|>|≥|>=)?\s*\d+\s*"
    r"(?:hours?|days?|h)\b|during\s+(?:an?\s+)?(?:acute\s+)?(?:crisis|crises|exacerbation|attack|"
    r"episode|flare)|requiring\s+(?:\w+\s+){0,2}?(?:hospitali[sz]ation|intubation|emergency|ICU|"
    r"admission|mechanical ventilation|oxygen)|(?:exacerbation|crisis|crises|attack|subtype|variant)s?\b"
    r"|involving\b|isolates?\b|resistan(?:t|ce)\b|(?:origin|originating|arising)\s+(?:from|in)\b)"
)
#: The mention names an event of the condition, not the condition ("asthma exacerbation").
_EPISODE_WORDS = re.compile(r"(?i)\b(?:exacerbations?|crisis|crises|attacks?)\b")
#: The item defines a word for the protocol ("An exacerbation of asthma is defined as ...").
_DEFINITION = re.compile(r"(?i)\b(?:is|are|will be) defined as\b|\bdefinition of\b")
#: A header scoping the items after it to one group ("FOR SICKLE CELL PATIENTS:", "for
#: acromegaly", "Exclusion for Asthma EXCLUSION"), not a criterion of its own.
_SCOPE_HEADER = re.compile(
    r"(?i)^\s*(?:(?:inclusion|exclusion)(?:\s+criteria)?\s+)?for\s+[^.;:]{1,50}?:?\s*$"
    r"|^\s*(?:inclusion|exclusion)\b[^.;:]{0,40}\b(?:inclusion|exclusion)\b\s*:?\s*$"
)
#: Taking part in another study that names the condition ("enrolled in the previous ICAC
#: trial, Inner-City Anti-IgE Therapy for Asthma").
_PRIOR_STUDY = re.compile(
    r"(?i)\b(?:enrolled|participated|randomi[sz]ed|participation|enrol+ment)\s+in\s+(?:\w+\s+){0,2}?"
    r"(?:previous|prior|another|other|earlier)\b[^.;]{0,60}?\b(?:trial|study|studies|protocol)\b"
)


def _severity(text: str, x: vocab.Mention) -> bool:
    """A severity or episode qualifier on the condition: the patient's diagnosis alone does not
    settle it ("sickle cell anemia during acute crisis" for a patient with sickle cell)."""
    return bool(
        _SEVERITY_BEFORE.search(text, max(0, x.start - 40), x.start)
        or (x.id != "heart_failure" and _STAGE_BEFORE.search(text, max(0, x.start - 40), x.start))
        or _SEVERITY_AFTER.match(text, x.end)
        or _EPISODE_WORDS.search(x.text)
        or _SEVERITY_IN.match(x.text)
    )


#: A stage or grade of the illness before it ("Stage 3 chronic kidney disease"): having the
#: illness does not settle it (a heart failure's NYHA stage or class is read as heart failure,
#: as tests/rules/test_parser_regressions_rank.py asks)
_STAGE_BEFORE = re.compile(
    r"(?i)\b(?:stage|grade)\s*(?:I{1,3}V?|IV|[0-5])[a-c]?(?:\s*(?:-|–|to|or|and)\s*"
    r"(?:I{1,3}V?|IV|[0-5]))?\s+(?:[\w-]+\s+){0,2}$"
)
#: The qualifier is part of the vocabulary's name ("poorly controlled diabetes", "severe angina").
_SEVERITY_IN = re.compile(r"(?i)(?:poorly[- ]controlled|severe|symptomatic|life[- ]threatening)\b")


_CONTROLLED = re.compile(
    r"(?i)\b(?:must|should|has to|have to|needs? to) be (?:well[- ]|adequately |medically |"
    r"optimally |clinically )?(?:controlled|stable|stabili[sz]ed)\b|\bis (?:well[- ]|adequately )controlled"
)


_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z'-]*)[ \t-]*$")


_INFECTION_QUALIFIERS = frozenset(
    [
        "active",
        "serious",
        "severe",
        "uncontrolled",
        "systemic",
        "systematic",
        "acute",
        "chronic",
        "any",
        "ongoing",
        "significant",
        "bacterial",
        "viral",
        "virus",
        "fungal",
        "parasitic",
        "microbial",
        "opportunistic",
        "current",
        "recurrent",
        "intercurrent",
        "concurrent",
        "unresolved",
        "known",
        "other",
        "a",
        "an",
        "or",
        "and",
        "of",
        "with",
        "no",
        "including",
        "untreated",
        "evidence",
        "requiring",
        "major",
        "clinically",
        "history",
        "documented",
        "suspected",
        "confirmed",
        "latent",
        "invasive",
        "post",
        "to",
        "for",
        "the",
        "in",
        "by",
        "from",
        "as",
        "such",
        "like",
        "e",
        "g",
        "eg",
        "uncontroled",
        "persistent",
        "life-threatening",
        "treatment-requiring",
        "new",
        "grade",
    ]
)


_NOT_OWN_AFTER = re.compile(
    r"(?i)\s+(?:clinical\s+)?(?:research\s+)?(?:network|registry|foundation|consortium|society|"
    r"association|study group|trials? network)\b"
)
#: ... nor the cause of the condition the item names ("bradycardia related to cardiac disease")
_NOT_OWN_BEFORE = re.compile(
    r"(?i)\b(?:in addition to|besides|apart from|related to|due to|secondary to|caused by|"
    r"attributable to)\s+$"
)


def _own(text: str, x: vocab.Mention) -> bool:
    """The patient's own condition: not a network's name ("the COPD Clinical Research
    Network") nor what another condition comes on top of ("in addition to viral hepatitis")."""
    return not (
        _NOT_OWN_AFTER.match(text, x.end)
        or _NOT_OWN_BEFORE.search(text, max(0, x.start - 30), x.start)
    )


def _joined_by_and(text: str, mentions: list[vocab.Mention]) -> bool:
    """Two different conditions named one right after the other with "and" between them
    ("HBV and HCV"; not "HIV and/or HBV", not "HIV or HBV").

    >>> from rules import vocab
    >>> t = "co-infected with HBV and HCV"
    >>> _joined_by_and(t, vocab.find_comorbidities(t))
    True
    >>> t = "coinfection with HIV and/or HBV"
    >>> _joined_by_and(t, vocab.find_comorbidities(t))
    False
    """
    return any(
        a.id != b.id and re.fullmatch(r"(?i)\s*(?:and|&)\s*", text[a.end : b.start])
        for a, b in pairwise(mentions)
    )


def _decompensated_heads(text: str, mentions: list[vocab.Mention]) -> list[vocab.Mention]:
    """Drop the head noun "cirrhosis" of a stage of it ("Child-Pugh class C cirrhosis"): the
    stage is the criterion, not any cirrhosis (a Child-Pugh A patient was excluded)."""
    out: list[vocab.Mention] = []
    for i, x in enumerate(mentions):
        prev = out[-1] if out else None
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            x.id == "cirrhosis"
            and (
                (
                    prev is not None
                    and prev.id == "decompensated_cirrhosis"
                    and not text[prev.end : x.start].strip(" -")
                )
                or (  # "Cirrhosis, Child-Pugh B or worse", "cirrhosis (Child-Pugh class C)"
                    nxt is not None
                    and nxt.id == "decompensated_cirrhosis"
                    and re.fullmatch(r"[\s,:(-]*(?:with\s+)?", text[x.end : nxt.start])
                )
            )
        ):
            continue
        out.append(x)
    return out


def _specific_infections(text: str, mentions: list[vocab.Mention]) -> list[vocab.Mention]:
    """Drop the head noun "infection" of a named infection ("tuberculosis infection",
    "dermatophytic infection of toe nails", "virus (HIV) infection"): it is not "any infection". A qualifier ("active",
    "serious", "fungal") or a listing word before it keeps the generic class."""
    out = []
    for i, x in enumerate(mentions):
        if x.id == "infection" and " " not in x.text.strip():
            # "Human immunodeficiency virus (HIV) infection": the abbreviation's bracket
            # sits between the named infection and its head noun.
            prev_adjacent = i > 0 and not text[mentions[i - 1].end : x.start].strip(" -()")
            word = _WORD_BEFORE.search(text, max(0, x.start - 40), x.start)
            named = word is not None and word.group(1).lower() not in _INFECTION_QUALIFIERS
            if prev_adjacent or named:
                continue
        out.append(x)
    return out


def other_malignancy(m: re.Match[str], text: str, polarity: str) -> Params:
    params: dict[str, Any] = {"conditions": ["other_malignancy"], "classes": []}
    within = _within_years(text)
    if within:
        params["within"] = within
    if re.search(r"(?i)\b(?:active|current|concurrent|ongoing|requiring treatment)\b", text):
        params["active"] = True
    return params


def _within_years(text: str) -> dict[str, Any] | None:
    w = re.search(
        r"(?i)\b(?:within|in|during)\s+(?:the\s+)?(?:(?:past|last|previous|preceding)\s+)?"
        r"(\d+(?:\.\d+)?|one|two|three|four|five|ten)\s*(years?|months?)\b",
        text,
    )
    if not w:
        w = re.search(r"(?i)\b(\d+|one|two|three|five)\s*(years?)\s*(?:before|prior)", text)
    if w:
        value, unit = w.group(1), w.group(2).lower()
    else:
        # "allogeneic stem cell transplant <=3 months before", "≤ 6 months prior to enrollment"
        # (a bare "for 3 months prior to screening" is a duration, "more than 6 months prior"
        # an older one)
        b = _BEFORE.search(text)
        if not b or not b.group("less"):
            return None
        value, unit = b.group("n"), b.group("unit").lower()
    v = number(value) or 0.0
    per_year = {"y": 1, "m": 12, "w": 52.18, "d": 365.25}[unit[0]]
    return numeric("<=", round(v / per_year, 2), "years")


#: a time before now: "<=3 months before", "< 120 days prior" (the comparator decides the side)
_BEFORE = re.compile(
    r"(?i)(?:(?P<more>>|≥|more than|greater than|at least|over)|(?P<less>\\?<=?|≤|less than))?\s*"
    r"\b(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|ten)\s*(?P<unit>years?|months?|weeks?|days?)"
    r"\s*(?:before|prior)\b"
)


_CONTRAINDICATION = re.compile(r"(?i)\bcontra-?indications?\s+(?:to|for)\s+(?:an?\s+|the\s+)?$")


#: words before a generic condition that take up one named before it: an example
#: ("including corneal transplant") or the one just named ("the last transplant")
_TAKES_UP = re.compile(
    r"(?i)\b(?:including|such as|e\.?g\.?,?|for example|the(?:\s+(?:last|same|previous|prior))?)"
    r"\s+(?:[\w-]+\s+)?$"
)
_RELATED_AFTER = re.compile(r"(?i)[- ]related\b")


def _without_bare_ancestors(mentions: list[vocab.Mention], text: str) -> list[vocab.Mention]:
    """The mentions without a one-word generic one that takes up a more precise one before
    it: "solid organ transplant, including corneal transplant" is about solid organs (the
    vocabulary lacks corneal ones), "autologous ... transplant who have not recovered from the
    effects of the last transplant (eg, transplant-related side effects)" about an autologous
    one, not any transplant. "Atrial fibrillation or severe arrhythmia" keeps both.
    """

    def taken_up(x: vocab.Mention) -> bool:
        return (
            " " not in x.text.strip()
            and bool(
                _TAKES_UP.search(text, max(0, x.start - 30), x.start)
                or _RELATED_AFTER.match(text, x.end)
            )
            and any(
                y.end <= x.start and x.id in vocab.comorbidity_classes(y.id)
                for y in mentions
                if y.id != x.id
            )
        )

    return [x for x in mentions if not taken_up(x)] or mentions


@cache
def _has_children(comorbidity_id: str) -> bool:
    return any(
        comorbidity_id in vocab.comorbidity_classes(e["id"])
        for e in vocab.load_data("vocab/comorbidities.json")["entries"]
    )


def healthy(m: re.Match[str], text: str, polarity: str) -> Params:
    """ "Healthy", "Healthy men and women", "Good general health": no significant illness
    (read like "no significant disease"); only an inclusion says it."""
    if polarity != "inclusion" or text.isupper():  # "HEALTHY VOLUNTEERS": a group's header
        return None
    return {"conditions": [], "classes": [], "significant": True, "healthy": True, "negated": True}
