"""Therapy history extraction: prior therapy, treatment-naive, washout windows, lines."""

from __future__ import annotations

import re
from typing import Any

from rules import vocab
from rules.criteria.numbers import combine, number, numeric, to_days
from rules.criteria.therapy_guards import (
    DOSE_LIMIT,
    ELAPSED_SINCE,
    INCLUDED_IN_STATE,
    OFF_FOR,
    RANGE_BEFORE,
    SURGERY,
    WITHIN_WORDS,
    blank_label,
    cmp_words,
    surgery_limited_elsewhere,
)
from rules.criteria.therapy_qualifiers import (
    narrow_classes,
    radiotherapy_limited_elsewhere,
    radiotherapy_sites_named,
    sites_named,
)

Params = dict[str, Any] | None
_THERAPY_CUE = re.compile(
    r"(?i)\b(?:received|receiving|treated with|treatment with|therapy with|prior|previous|"
    r"exposure to|exposed to|use of|administration of)\b"
)
SETTING_CONFIDENCE = 0.7
_FOR_SETTING = re.compile(
    r"(?i)\s*(?:\w+\s+){0,2}?(?:for|in)\s+(?:the\s+)?(?:\w+\s+){0,2}?"
    r"(?:advanced|metastatic|recurrent|locally|unresectable|stage|setting|disease)\b"
)
_CLAUSE_END = re.compile(r";|\.(?=\s|$)")
_SETTING_RX = (
    ("adjuvant", r"(?<!neo)(?<!neo-)adjuvant"),
    ("neoadjuvant", r"neo-?adjuvant"),
    ("metastatic", r"metastatic"),
    ("maintenance", r"maintenance"),
    ("first line", r"first[- ]line|1st[- ]line"),
    ("second line", r"second[- ]line|2nd[- ]line"),
)
_SETTINGS = tuple((name, re.compile(rf"(?i)\b(?:{rx})\b")) for name, rx in _SETTING_RX)
_PLANNED = re.compile(
    r"(?i)\b(?:to be treated|to receive|will (?:be )?(?:receive|treated|undergo)|scheduled (?:to|for)|"
    r"planned (?:to|for)|plans? to (?:receive|undergo|start)|candidates?\b|eligible for (?:treatment|therapy)|"
    r"intend\w* to (?:receive|start|treat)|about to (?:receive|start)|indicated for|considered for|"
    # "Doctors evaluate the benefits of receiving Anlotinib treatment" (NCT04871997)
    r"benefit\w* (?:from|of) (?:receiving|being treated|(?:the )?treatment with)|"
    r"suitable (?:for|to receive)|"
    r"appropriate (?:for|to receive)|(?:prior to|before) (?:every|each) (?:cycle|dose|infusion)|"
    r"(?:every|each) cycle of)"
)
_NOT_THERAPY = re.compile(
    # "bleeding from previous surgery", "peritoneal fibrosis either from disease or prior
    # surgery": a condition the operation caused
    r"(?i)\b(?:bleeding|complications?|fibrosis|adhesions?)\b[^.;]{0,30}\bfrom\b|"
    r"\b(?:toxic\w*|adverse (?:events?|effects?|reactions?)|(?:ir|tr)?AEs?|side[- ]effects?|recover\w*|"
    r"hypersensitiv\w*|allerg\w*|intoleran\w*|contraindicat\w*|due to|caused by|effects? of|"
    r"sensitivity to|(?:infusion[- ]related |infusion |unmanageable |severe )?reactions?|"
    r"induced by|secondary to|related to|attributed to)\b"
)
_CUE_TOPICS = (
    (("toxic", "adverse", "side", "recover", "ae", "irae", "trae"), "toxicity_recovery"),
    (
        ("hypersens", "allerg", "intoler", "sensitivity", "infusion", "unmanageable", "severe"),
        "allergy",
    ),
    (("reaction",), "allergy"),
    (("contraind",), "contraindication"),
)
_CONTAINING = re.compile(
    r"(?i)\b(?:chemotherapy|regimen)s?\s+(?:regimens?\s+)?(?:containing|that contain\w*)\s+"
)
#: progression while the therapy was given, not after it (NCT01222936, ES-SCLC letter)
_DURING = re.compile(
    r"(?i)\b(?:progress\w*|relaps\w*|recurr\w*)\s+(?:\w+\s+){0,2}(?:while|during)\b"
    r"(?![^.;]{0,40}?\b(?:or|and/or)\s+(?:after|following|within|since))|"
    r"\bwhile (?:on|receiving)\b[^.;]{0,60}\bprogress"
)
_NON_RESPONSE = re.compile(
    r"(?i)\bnon-?respon\w*|\bno response to|\bfail\w* to respond|\black of response"
)
_MIN_BEFORE = re.compile(
    r"(?i)(?:at least|more than|greater than|longer than|over|minimum(?: of)?|≥|>=|\\?>|"
    r"no (?:less|fewer) than|not less than|a minimum of)\s*$"
)
_MIN_WORDS = re.compile(
    r"(?i)\btime (?:since|from)\b|\b(?:must have |have |has )?(?:elapsed|passed)\b|"
    r"\bsince (?:the )?(?:last|prior|previous|completion|end)\b"
)


#: what ends the words that qualify an operation, before it: a clause break or a new item
_BEFORE_CUT = re.compile(r"(?i)[,;:()]|\b(?:or|and|including|within|after|prior)\b")
#: "surgery of the heart", "surgery on the spine": the site said after the operation
_SITE_AFTER = re.compile(r"(?i)^\s+(?:of|on|to)\s+(?:the\s+)?(\w+(?:\s+\w+)?)")


def surgery_sites_named(text: str) -> list[str]:
    """The body sites the criterion's operations are limited to: each mention of surgery
    must name its own ("major cardiac surgery", "surgery of the heart"), else none (a bare
    "Major surgery within 4 weeks, or cardiac surgery" counts any operation).

    >>> surgery_sites_named("Major cardiac surgery within 6 months")
    ['cardiac']
    >>> surgery_sites_named("Major surgery within 4 weeks or cardiac surgery within 6 months")
    []
    >>> surgery_sites_named("Prior surgery of the spine"), surgery_sites_named("Major surgery")
    (['spine'], [])
    """
    return sites_named(text, SURGERY, cut=_BEFORE_CUT, after=_SITE_AFTER)


#: the target named right before "targeted therapy" ("TROP2-targeted", "anti-KRAS targeted")
_TARGET_BEFORE = re.compile(
    r"(?:\banti-?)?\b((?=[A-Za-z0-9]*[A-Z0-9]{2})(?=[A-Za-z0-9]*\d|[A-Z0-9]{3,})[A-Za-z0-9]{2,10})"
    r"(?:[- ]|\s*-\s*)$"
)
#: drugs or classes named after these words are carved out of the criterion ("antileukemic
#: therapy other than SNDX-5613 except for short-term ... corticosteroids and/or hydroxyurea")
_CARVE = re.compile(
    r"(?i)\b(?:other than|except(?:\s+for)?|excluding|with the exceptions? of|apart from|"
    r"aside from|besides)\b"
)


_FOR_ILLNESS_RX = re.compile(
    r"(?i)\s+(?:to (?:prevent|treat|control|manage)|for (?:the )?(?:prevention|treatment|"
    r"prophylaxis|management|control) of)\s+(?:\w+\s+){0,2}?(?P<ill>\w[\w-]*)"
)


def _for_illness(text: str, end: int) -> bool:
    """A generic "systemic treatment" ending at ``end`` is said to be for another illness
    ("to prevent GVHD")."""
    m = _FOR_ILLNESS_RX.match(text, end)
    if not m:
        return False
    tail = text[m.start("ill") : m.start("ill") + 60]
    return bool(vocab.find_comorbidities(tail)) and not vocab.find_cancers(tail)


_CARVE_END = re.compile(r"[);]|\.(?=\s|$)")


def _carve_out(params: dict[str, Any], text: str, found: list[vocab.Mention]) -> None:
    carve = _CARVE.search(text)
    if not carve:
        return
    kept = [x for x in found if x.start < carve.start()]
    if not kept:
        return  # the carve-out words open the item: nothing stands before them
    stop = _CARVE_END.search(text, carve.end())
    end_at = stop.start() if stop else len(text)
    out = [x for x in found if carve.start() <= x.start < end_at]
    if not out:
        return
    own = {x.id for x in kept}
    params["drugs"] = [d for d in params["drugs"] if d in own or not any(x.id == d for x in out)]
    params["classes"] = [
        c for c in params["classes"] if c in own or not any(x.id == c for x in out)
    ]
    params["exceptions"] = [text[carve.end() : end_at].strip(" ,:")]
    params["_carved"] = True


_EXCEPT_BEFORE = re.compile(r"(?i)\b(?:except(?:\s+for)?|other than|excluding|apart from)\s+$")
_SYSTEMIC = re.compile(r"(?i)\bsystemic\b|\bSACT\b")


#: the drugs after it are examples of something named before ("biologic therapy (e.g.,
#: interleukin-2, interferon alfa ...)")
_EXAMPLES = re.compile(r"(?i)\be\.\s?g\b\.?|\bfor example\b|\bsuch as\b")


def _examples_only(
    params: dict[str, Any], text: str, found: list[vocab.Mention], regimens: list[str]
) -> None:
    """Drugs named only as examples ("systemic established therapy for advanced RCC (e. g.
    IL-2, IFN-a)"): a generic anticancer therapy named before them is the requirement, so
    they are dropped; a kind the vocabulary does not know ("biologic therapy (e.g., ...)",
    "erbB targeting therapies such as erlotinib") marks them ``as_examples``: the matcher counts
    those drugs, and leaves a drug sharing a class with them open."""
    ex = _EXAMPLES.search(text)
    named = [x for x in found if x.type in ("drug", "regimen")]
    others = [c for c in params["classes"] if c != "anticancer_therapy"]
    if not ex or not named or others or any(x.start < ex.start() for x in named):
        return
    if any(x.id == "anticancer_therapy" and x.end <= ex.start() for x in found):
        params["drugs"] = []
        regimens.clear()
    else:
        params["as_examples"] = True


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
    _carve_out(params, text, found)
    for x in found:
        if x.id == "targeted_therapy" and (t := _TARGET_BEFORE.search(text, 0, x.start)):
            # "TROP2-targeted therapy", "anti-KRAS targeted agent": a therapy against that
            # target, not any targeted therapy
            if "targeted_therapy" in params["classes"]:
                params["classes"].remove("targeted_therapy")
            params.setdefault("targets", []).append(t.group(1))
    narrow_classes(params, text, found)
    _examples_only(params, text, found, regimens)
    if regimens:
        params["regimens"] = regimens
    if "anticancer_therapy" in params["classes"]:
        params["classes"].remove("anticancer_therapy")
        generic = [x for x in found if x.id == "anticancer_therapy"]
        if not all(_for_illness(text, x.end) for x in generic):
            params["any_anticancer"] = True
            if not (params["drugs"] or params["classes"]) and all(
                _SYSTEMIC.search(text, max(0, x.start - 10), x.end) for x in generic
            ):
                # "No prior systemic therapy for HCC": a drug given through the body, not
                # a nephrectomy, a TACE or radiotherapy (the matcher's kind "systemic therapy")
                params["kind"] = "systemic therapy"
        else:
            params["_for_illness"] = True
        # else "systemic treatment to prevent GVHD": the illness's treatment, not an anticancer one
    if "radiotherapy" in params["classes"]:
        params["kind"] = "radiotherapy"
        if sites := radiotherapy_sites_named(text):
            params["sites"] = sites  # "Prior radiotherapy to chest": not radiosurgery to the brain
        elif radiotherapy_limited_elsewhere(text):
            params["_confidence"] = SETTING_CONFIDENCE  # "to more than 25% of bone marrow"
    elif surgery := SURGERY.search(text):
        params["kind"] = "surgery"
        # "Recovered from prior surgery": the cue words before it are read against this anchor
        params.setdefault("_anchor", (surgery.start(), surgery.end()))
        sites = surgery_sites_named(text)
        if sites:
            params["sites"] = sites
        elif surgery_limited_elsewhere(text) and not WITHIN_WORDS.search(text):
            params["_confidence"] = SETTING_CONFIDENCE  # "History of Bartholin gland surgery"
    elif "chemotherapy" in params["classes"]:
        params["kind"] = "chemotherapy"
    for name, rx in _SETTINGS:
        found_at = rx.search(text)
        if found_at and _EXCEPT_BEFORE.search(
            text, max(0, found_at.start() - 25), found_at.start()
        ):
            # "Any previous systemic therapy of RCC except for adjuvant treatment": a carve-out,
            # not the setting asked
            params["_confidence"] = SETTING_CONFIDENCE
            break
        if found_at:
            params["setting"] = name
            break
    return params


_LIST_HEADER = re.compile(
    r"(?i)\bwithin the (?:stated|specified|"
    r"listed|following) time ?frames?\b|^\W*(?:inclusion|exclusion) criteria for\b"
)
_INVESTIGATIONAL_BEFORE = re.compile(
    r"(?i)\b(?:investigational|experimental|non-?registered|unapproved|unlicensed)\s+"
    r"(?:and\s+(?:[\w-]+\s+)?)?$"
)


def prior_therapy(m: re.Match[str], text: str, polarity: str) -> Params:
    text = blank_label(text)
    if DOSE_LIMIT.search(text) and polarity == "inclusion":
        return {"_kind": "other", "topic": "cumulative_dose", "_confidence": 0.5}
    if ELAPSED_SINCE.search(text):
        return None
    params = _therapy_params(text)
    _drop_reference_drugs(params, text)
    if together := _both(text, params["drugs"]):
        params["together"] = together  # "or with both PLD and topotecan": only the two
    for_illness = params.pop("_for_illness", False)
    carved = params.pop("_carved", False)
    if not (
        params["drugs"] or params["classes"] or params.get("any_anticancer") or params.get("kind")
    ):
        if for_illness:  # "Any concurrent systemic treatment to prevent GVHD"
            return {"_kind": "other", "topic": "medication", "_confidence": 0.5}
        return None
    if _LIST_HEADER.search(text):
        # "Treatment with any of the following anti-cancer therapies prior to the first dose
        # within the stated timeframes.": its sub-items say what and when
        return {"_kind": "other", "topic": "list_header", "_confidence": 0.5}
    at = params.get("_anchor", (0, 0))[0]
    if _INVESTIGATIONAL_BEFORE.search(text, max(0, at - 60), at):
        # "Use of investigational and non-registered immunosuppressants": only such drugs, which
        # a treatment history does not tell apart from the approved ones
        params["_confidence"] = SETTING_CONFIDENCE
    if carved and params.get("any_anticancer") and not is_current(text, at, params):
        # "any antileukemic therapy other than SNDX-5613 except for ... hydroxyurea": the
        # carve-outs are named, but a treatment history is not checked against them (current
        # therapies are)
        params["_confidence"] = SETTING_CONFIDENCE
    anchor = params.get("_anchor", (0, 0))[0]
    if INCLUDED_IN_STATE.search(text, 0, anchor) and anchor > 0:
        return {"_kind": "other", "topic": "state_includes_therapy", "_confidence": 0.5}
    if re.search(r"(?i)\bhigh[- ]dose\s+(?:\w+\s+){0,1}$", text[max(0, anchor - 25) : anchor]):
        params["_confidence"] = (
            SETTING_CONFIDENCE  # "high-dose chemotherapy requiring stem cell support"
        )
    if _PLANNED.search(text[:anchor] or text):  # "to be treated with", "candidate for"
        return {"_kind": "other", "topic": "planned_treatment", "planned": True, "_confidence": 0.5}
    cues = [c.group().lower() for c in _NOT_THERAPY.finditer(text[:anchor])]
    for starts, topic in _CUE_TOPICS:  # toxicity of, allergy to a therapy: not "received it"
        if any(w.startswith(starts) for w in cues):
            return {"_kind": "other", "topic": topic, "_confidence": 0.5}
    if cues:  # "not due to the effects of corticosteroids"
        return None
    if _NON_RESPONSE.search(text):
        params["refractory"] = True
    ill = vocab.find_comorbidities(text[:anchor])
    if ill and _REQUIRING.search(text, ill[-1].end, anchor):
        # "autoimmune disease requiring the use of systemic immunosuppressive therapy": the
        # illness and its treatment
        both = illness_and_treatment(text, polarity, "prior_therapy", params)
        if both is not params:
            return both
    if ill and not _THERAPY_CUE.search(text[max(0, anchor - 35) : anchor]):
        return None  # "ILD ..., radiation pneumonitis requiring steroids": a comorbidity
    if re.search(r"(?i)\b(?:refractory|resistan\w+|progress\w*|failure|failed|relapsed)\b", text):
        params["refractory"] = True
        if _DURING.search(text):  # "Progression while on previous chemotherapy"
            params["during"] = True
    if _SCOPE_BEFORE.search(text, max(0, anchor - 40), anchor):
        # "PT and PTT within normal limits or within therapeutic limits for patients receiving
        # anticoagulation" (NCT02244502): the patients a limit is for, not a therapy asked
        return None
    if is_current(text, anchor, params):
        if _SCOPE.match(text):
            return None  # "For patients receiving anticoagulation: stable regimen": a scope
        if _LOCAL_ROUTE.search(text, max(0, anchor - 30), anchor):
            return None  # "only requiring low potency topical steroids": not systemic use
        if _UNLESS.search(text, max(0, anchor - 60), anchor):
            return None  # "INR <= 1.5 ... unless currently receiving warfarin": a carve-out
        params["current"] = True
        params.pop("refractory", None)
        _own_sentence(params, text, anchor)
        _after_label(params, text)
    elif (stop := _SENTENCE_STOP.search(text, anchor)) and _ALLOWS.search(text, stop.end()):
        # "Patient has had previous treatment with poziotinib. The currently approved TKIs
        # ... are permissible" (NCT04402008): the allowed ones are not the criterion's
        _own_sentence(params, text, anchor)
    if _PROPHYLAXIS_ALLOWED.search(text) and _only_anticoagulants(params):
        params["exceptions"] = ["prophylactic anticoagulation"]
    return params


#: words saying the therapy is being received now ("Currently receiving corticosteroids",
#: "Concurrent use of warfarin", "Ongoing immunosuppressive therapy", "requiring steroids")
_CURRENT = re.compile(
    r"(?i)\b(?:currently|current|ongoing|concurrent(?:ly)?|concomitant(?:ly)?|receiving|"
    r"on (?:treatment|therapy) with|requir(?:e|es|ing)|need(?:s|ing)?|taking|undergoing|"
    r"(?:is|are|be|being) on|at the time of|still|chronic|long-term|maintenance)\b"
)
#: ... unless a past time is named: then it is a history ("prior", "history of") or a washout
#: ("within 4 weeks")
_PAST = re.compile(
    r"(?i)\b(?:prior|previous(?:ly)?|history|received|had|has been|have been|past|"
    r"recent(?:ly)?|within|last|ever|former(?:ly)?|discontinued|since|"
    r"required|requiring an? (?:increas\w+|escalat\w+)|increas\w+|escalat\w+|"
    r"refractory|resistan\w+|progress\w*|fail\w*|relapsed|intoleran\w+)\b"
)
_PROPHYLAXIS_ALLOWED = re.compile(
    r"(?i)\b(?:prophyla\w+|preventive|low[- ]dose|small dose|patency)\b[^.;]{0,80}?\b(?:allowed|permitted|"
    r"acceptable|eligible|not exclu\w+)|\b(?:allow\w*|permit\w*|except(?:ing)?)\b[^.;]{0,40}?"
    r"\b(?:prophyla\w+|preventive)"
)


_LOCAL_ROUTE = re.compile(r"(?i)\b(?:topical|inhaled|intranasal|nasal|ophthalmic|low[- ]potency)\b")
_UNLESS = re.compile(r"(?i)\b(?:unless|other than|except(?:ing)?|excluding)\b")
#: an item scoped to the patients on a therapy, not a requirement to be on it
_SCOPE_BEFORE = re.compile(
    r"(?i)\b(?:for|in)\s+(?:patients?|subjects?|participants?|those)\s+(?:who\s+are\s+)?"
    r"(?:receiving|on|taking|treated with)\s+(?:\w+\s+){0,2}$"
)
_SCOPE = re.compile(
    r"(?i)^\W*(?:for|in|if)\s+(?:the\s+)?(?:patients?|subjects?|participants?|those|people)\b"
)


def _own_sentence(params: dict[str, Any], text: str, anchor: int) -> None:
    """Keep only the therapies named in the anchor's sentence: "Concurrent use of systemic
    steroids. ... use of inhaled steroids or hydrocortisone is not exclusionary" is about
    systemic steroids, not the allowed ones named after it; so is a clause after a ";" that
    allows some ("Warfarin is not permitted; ... use of LMWH ... is permitted")."""
    end = _SENTENCE_STOP.search(text, anchor)
    semi = text.find(";", anchor)
    if semi >= 0 and (end is None or semi < end.start()) and _ALLOWS.search(text, semi):
        end = _SEMICOLON.search(text, semi)
    if end is None:
        return
    own = _therapy_params(text[: end.start()])
    if own["drugs"] or own["classes"]:
        for key in ("drugs", "classes", "kind", "setting", "any_anticancer"):
            if key in own:
                params[key] = own[key]
            elif key not in ("drugs", "classes"):
                params.pop(key, None)


_ALLOWS = re.compile(r"(?i)\b(?:allowed|permitted|permissible|acceptable|not exclu\w+)\b")
#: the full stop that ends a sentence (not one inside "e.g." or "2.5"), and a ";"
_SENTENCE_STOP = re.compile(r"\.(?=\s|$)")
_SEMICOLON = re.compile(";")
#: "Endocrine therapy: No concurrent immunosuppressive medications": a list's label
_LABEL = re.compile(r"^\s*[A-Z][\w /,-]{2,40}:\s*(?=\S)")


def _after_label(params: dict[str, Any], text: str) -> None:
    """Read the therapies after a label that names a therapy kind ("Endocrine therapy: No
    concurrent immunosuppressive medications" is about immunosuppressants, and its "No"
    then stands before them)."""
    label = _LABEL.match(text)
    if label is None:
        return
    own = _therapy_params(text[label.end() :])
    if not (own["drugs"] or own["classes"]):
        return
    for key in ("drugs", "classes", "kind", "setting"):
        if key in own:
            params[key] = own[key]
        elif key not in ("drugs", "classes"):
            params.pop(key, None)
    a0, a1 = own["_anchor"]
    params["_anchor"] = (a0 + label.end(), a1 + label.end())


def _anticoagulant(cls: str) -> bool:
    return vocab.class_is_a(cls, "anticoagulant")


def _only_anticoagulants(params: dict[str, Any]) -> bool:
    """The criterion names anticoagulants and nothing else (drugs or classes)."""
    classes = [
        *params.get("classes", []),
        *(c for d in params.get("drugs", []) for c in (vocab.drug_classes(d) or {"?"})),
    ]
    return bool(classes) and all(_anticoagulant(c) for c in classes)


def is_current(text: str, anchor: int, params: dict[str, Any]) -> bool:
    """The item asks about therapy received now, not ever: a present-tense cue
    ("currently", "ongoing", "concurrent", "receiving", "requiring") in the therapy's clause,
    or an anticoagulant named with no time at all (an exclusion of "Anticoagulation therapy"
    or "Patients treated with warfarin" is about the present); never with a past time
    ("prior", "history of", "within 4 weeks").

    >>> is_current("Currently receiving corticosteroids", 19, {"classes": ["corticosteroid"]})
    True
    >>> is_current("Prior treatment with corticosteroids", 21, {"classes": ["corticosteroid"]})
    False
    >>> is_current("Anticoagulation therapy", 0, {"classes": ["anticoagulant"]})
    True
    """
    if params.get("kind") == "surgery":
        return False  # an operation is a day, not a course one is "on"
    cut = max(text.rfind(";", 0, anchor), text.rfind(". ", 0, anchor)) + 1
    end = _CLAUSE_END.search(text, anchor)
    clause = text[cut : end.start() if end else len(text)]
    if _PAST.search(clause):
        return False
    return bool(_CURRENT.search(clause)) or _only_anticoagulants(params)


#: a requirement to be on a therapy now ("Current prescription of insulin or an oral
#: hypoglycemic agent") often lists alternatives the vocabulary cannot read: not sure enough
#: to rule a patient out on the therapies we could read
CURRENT_INCLUSION_CONFIDENCE = 0.75


_NO = re.compile(r"(?i)^\W*(?:no|not|without)\b")


def current_therapy(m: re.Match[str], text: str, polarity: str) -> Params:
    """A therapy received now, said without the words of a history ("Ongoing
    immunosuppressive therapy", "Anticoagulation therapy"): the prior-therapy reading, kept
    only when it is about the present."""
    params = prior_therapy(m, text, polarity)
    if params is not None and params.get("topic") == "medication":
        return params  # "Any concurrent systemic treatment to prevent GVHD"
    if params is None or not params.get("current"):
        return None
    label = _LABEL.match(text)
    said = text[label.end() :] if label else text
    if polarity == "inclusion" and not _NO.match(said):  # "No concurrent radiotherapy": sure
        params["_confidence"] = CURRENT_INCLUSION_CONFIDENCE
    return params


#: "untreated or relapsed/refractory", "relapsed, refractory or previously untreated": the
#: untreated patients are one of the choices
_TREATED = r"(?:relaps\w*|refractory|recurr\w*|previously treated|pre-?treated|progressive)"
_OR_TREATED_AFTER = re.compile(rf"(?i)\s*(?:,|/|or|and/or)\s*(?:\w+\s+){{0,2}}?{_TREATED}\b")
_OR_TREATED_BEFORE = re.compile(
    rf"(?i)\b{_TREATED}\s*(?:,\s*(?:\w+\s*)?|/|\s+or\s+|\s+and/or\s+)(?:previously\s+)?$"
)


def _illness_after(text: str, at: int) -> bool:
    """An illness other than cancer named in the next few words ("untreated coronary artery
    disease", "untreated hypertension")."""
    after = text[at : at + 40]
    return any(x.start < 6 for x in vocab.find_comorbidities(after)) and not vocab.cancer_ids(after)


def treatment_naive(m: re.Match[str], text: str, polarity: str) -> Params:
    if m.group().lower() == "untreated" and not re.match(
        r"(?i)\s+(?:\w+\s+){0,3}?(?:patients?|subjects?|participants?|disease|cancer|carcinoma|"
        r"tumou?rs?|malignan\w*|adenocarcinoma|nsclc|sclc|lymphoma|leuka?emia|myeloma|mds|aml|cll)\b",
        text[m.end() : m.end() + 60],
    ):
        return None  # "untreated spinal cord compression": a state of something else
    if m.group().lower() == "untreated" and _illness_after(text, m.end()):
        return None  # "No untreated coronary artery disease": an illness left untreated
    if _OR_TREATED_AFTER.match(text, m.end()) or _OR_TREATED_BEFORE.search(text, 0, m.start()):
        return None  # "untreated or relapsed CLL": either, so no requirement on therapy
    # the drugs and kind named in the phrase's own clause: in "Previously untreated, ...
    # stage II-IIIB NSCLC; resectable includes ... surgical resection" the surgery is not
    # a therapy the patient must not have had
    end = _CLAUSE_END.search(text, m.end())
    params = _therapy_params(text[: end.start() if end else len(text)])
    params["any_anticancer"] = not (params["drugs"] or params["classes"])
    params["negated"] = True
    if _FOR_SETTING.match(text, m.end()):
        # "No prior systemic therapy for advanced stage disease": therapy in an earlier
        # setting (adjuvant) is allowed, and a profile rarely says which setting it was in
        params["_confidence"] = SETTING_CONFIDENCE
    a0, a1 = params.get("_anchor", (m.start(), m.end()))
    params["_anchor"] = (min(a0, m.start()), max(a1, m.end()))
    return params


#: an illness's own treatment ("infections requiring systemic treatment", "ailments treated
#: with high doses of glucocorticoids"); "X and are currently treated with Y" also names Y
_REQUIRING = re.compile(
    r"(?i)\b(?:requir\w*|needing|needed|(?<!currently )(?<!are )(?<!is )(?<!being )"
    r"(?:treated|managed) with)\b"
)


def illness_and_treatment(text: str, polarity: str, kind: str, params: dict[str, Any]) -> Params:
    """An illness named with the treatment it requires ("Asthma or COPD requiring systemic
    steroids in the previous 3 years"): in an exclusion both must hold, so the criterion is
    ``all_of`` [comorbidity, therapy]; a generic "systemic treatment" of an illness ("active
    infections requiring systemic treatment") is no anticancer therapy, so only the illness
    is read (the comorbidity pattern, which sets ``active``). Inclusion items (often "No ...")
    keep the comorbidity reading."""
    from rules.criteria.extract_comorbidity import comorbidity  # a cycle at import time

    generic = params.get("any_anticancer") and not (params["drugs"] or params["classes"])
    if generic:
        return None
    if polarity != "exclusion":
        return params  # read as before: the therapy
    ill = comorbidity(None, text, polarity)  # type: ignore[arg-type]
    if not ill or "_kind" in ill:
        return params  # "upper respiratory tract infection requiring antibiotics": the therapy
    confidence = min(float(ill.get("_confidence", 0.9)), float(params.get("_confidence", 0.9)))
    items = [
        {"kind": "comorbidity", "params": {k: v for k, v in ill.items() if k[0] != "_"}},
        {"kind": kind, "params": {k: v for k, v in params.items() if k[0] != "_"}},
    ]
    return {"_kind": "comorbidity", "all_of": items, "_confidence": confidence}


def washout(m: re.Match[str], text: str, polarity: str) -> Params:
    before = text[max(0, m.start() - 80) : m.start()]
    if (
        re.search(
            r"(?i)\b(?:for|lasted|lasting|duration\s+of)\s+(?:at\s+least\s+|a\s+minimum\s+of\s+|"
            r"more\s+than\s+|over\s+|>\s*|≥\s*)?$",
            text[max(0, m.start() - 30) : m.start()],
        )
        or re.match(r"(?i)[^.;]{0,20}?\bapart\b", text[m.end() :])
    ) and not OFF_FOR.search(before):
        # "treatment with GnRH agonist ... for at least 1 month prior to enrollment", "values
        # taken at least 2 months apart": how long, not how long ago
        return None
    g = m.groupdict()
    v = number(g.get("v") or "")
    unit = g.get("unit") or ""
    days = to_days(v, unit) if v is not None else None
    if days is None:
        return None
    params = _therapy_params(text)
    _drop_reference_drugs(params, text)
    params.pop("_for_illness", None)
    if params.pop("_carved", False) and params.get("any_anticancer"):
        params["_confidence"] = SETTING_CONFIDENCE
    anchor = params.get("_anchor", (0, 0))[0]
    ill = vocab.find_comorbidities(text[:anchor])
    if ill and _REQUIRING.search(text, ill[-1].end, anchor):
        # "infections requiring systemic treatment within 14 days", "GVHD requiring systemic
        # treatment within 4 weeks": the illness's treatment, not the patient's anticancer one
        params["within"] = numeric("<=", days, "days")
        both = illness_and_treatment(text, polarity, "washout", params)
        if both is not params:
            return both
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
    if _started(text, m):
        # "Initiation of insulin therapy within 4 months", "Recent (within four weeks) increase
        # in GC": a treatment begun or changed inside the window, not any use in it
        params["started"] = True
    if _minimum_interval(text, m):
        # "at least 2 weeks since radiotherapy", "Time since WBRT is >= 21 days": the patient
        # must NOT have received it within that time
        if polarity == "inclusion":
            params["negated"] = True
        else:
            params["_confidence"] = 0.7
    return params


#: "within 10 days of first dose of bevacizumab": the study drug the window counts from
_REFERENCE = re.compile(
    r"(?i)\b(?:(?:first|initial|last) )?(?:dose|administration|start) of\s+"
    r"(?:[\w-]+\s+(?:or|and|/)\s+)?$"
)


def _both(text: str, drugs: list[str]) -> list[list[str]]:
    """Drugs that count only together ("Prior treatment with PM01183, trabectedin, or with
    both PLD and topotecan", NCT02421588): each "both X and Y" of two named drugs.

    >>> _both("or with both PLD and topotecan", ["liposomal_doxorubicin", "topotecan"])
    [['liposomal_doxorubicin', 'topotecan']]
    >>> _both("PLD and topotecan", ["liposomal_doxorubicin", "topotecan"])
    []
    """
    found = [x for x in vocab.find_drugs(text) if x.type == "drug" and x.id in drugs]
    groups = []
    for b in re.finditer(r"(?i)\bboth\s+", text):
        after = [x for x in found if x.start >= b.end()]
        if (
            len(after) >= 2
            and after[0].start == b.end()
            and re.fullmatch(r"(?i)\s*(?:and|&)\s*", text[after[0].end : after[1].start])
        ):
            groups.append([after[0].id, after[1].id])
    return groups


def _drop_reference_drugs(params: dict[str, Any], text: str) -> None:
    """Drop the drugs named only as the window's reference point ("Current or recent (within
    10 days of first dose of bevacizumab) use of full-dose anticoagulants"): the study's
    drug, not one the patient must not have had.

    >>> p = {"drugs": ["bevacizumab"], "classes": ["anticoagulant"]}
    >>> _drop_reference_drugs(p, "(within 10 days of first dose of bevacizumab) anticoagulants")
    >>> p["drugs"]
    []
    """
    if (
        params["drugs"]
        and _CONTAINING.search(text)
        and len(re.findall(r"(?i)chemotherap", text)) == 1
    ):
        # "Prior chemotherapy regimen containing irinotecan" (NCT00397293): that drug, not any
        # chemotherapy
        params["classes"] = [c for c in params["classes"] if c != "chemotherapy"]
        if params.get("kind") == "chemotherapy":
            del params["kind"]
    found = vocab.find_drugs(text)
    ref = {x.id for x in found if x.type == "drug" and _REFERENCE.search(text[: x.start])}
    if not ref:
        return
    named = {x.id for x in found if x.id in ref and not _REFERENCE.search(text[: x.start])}
    params["drugs"] = [d for d in params["drugs"] if d not in ref or d in named]


#: words saying the window is about starting or changing a treatment, not using it (the
#: study's own start, "prior to starting study drug", is not one)
_STARTED = re.compile(
    r"(?i)\b(?:(?:initiation|initiating|start(?:ing)?|addition)\s+of"
    r"|(?:increases?|changes?|escalation)\s+(?:of|in|from))"
    r"\b(?!\s+(?:the\s+)?(?:study|trial|protocol|investigational))"
    r"|\b(?:newly|recently)\s+(?:started|initiated|begun|added)\b"
)


def _started(text: str, m: re.Match[str]) -> bool:
    """The clause of the window opens with a start or change ("Initiation of ...", "Recently
    initiated treatment", "Newly added ...") or names one right after it ("Recent (within
    four weeks) increase in ..."); a start word deep in the clause or in another one ("Oral
    corticosteroids ... or changes in dosing within 30 days") is not read as governing it."""
    cut = max(text.rfind(";", 0, m.start()), text.rfind(". ", 0, m.start())) + 1
    clause = text[cut : m.start()]
    lead = len(clause) - len(clause.lstrip())
    found = _STARTED.search(clause)
    if found and found.start() - lead <= _STARTED_LEAD:
        return True
    rest = text[m.end() :]
    return bool(_STARTED.match(text, m.end() + len(rest) - len(rest.lstrip(") ,"))))


#: how far into its clause a start word may stand ("Have significant changes in ...")
_STARTED_LEAD = 30


def _minimum_interval(text: str, m: re.Match[str]) -> bool:
    """The time is a minimum gap ("at least 4 weeks since ..."), not a window ("within")."""
    if re.match(r"(?i)\s*(?:within|in the|during)", m.group()):
        return False
    start = m.start("v")
    return bool(_MIN_BEFORE.search(text[max(0, start - 25) : start]) or _MIN_WORDS.search(text))


_NOT_RECEIVED_MORE = re.compile(
    r"(?i)\bnot\s+(?:yet\s+)?(?:been\s+)?(?:received|had|undergone|given|treated with)\s+"
    r"(?:more than|greater than|over|in excess of|>|≥|>=)\s*$"
)


def lines_of_therapy(m: re.Match[str], text: str, polarity: str) -> Params:
    g = m.groupdict()
    n = number(g.get("n") or "")
    if n is None or n > 10:
        return None
    from rules.criteria.extractors import cmp_before

    op = combine(g.get("cmp") or cmp_before(text, m.start()), g.get("post"), default="")
    before = text[max(0, m.start() - 50) : m.start()]
    low = RANGE_BEFORE.search(before)
    if not op and low and number(low.group(1)) is not None:
        # "2-4 prior regimens", "between 1 and 3 prior lines"
        return {"lines": numeric("between", number(low.group(1)) or 0, None, n)}
    if not op:
        op = cmp_words(before)
    lost = not op and bool(re.search(r"\S\s{2,}$", before))  # "Has received  3": a symbol lost
    if not op:
        op = ">=" if re.search(r"(?i)\bafter|following|progress|failed|received\b", text) else "="
    elif op in (">", ">=") and _NOT_RECEIVED_MORE.search(text, 0, m.start()):
        # "Subject has not received more than 2 prior lines" (NCT03803761): at most 2
        op = "<=" if op == ">" else "<"
    params: dict[str, Any] = {"lines": numeric(op, n)}
    if lost:
        params["_confidence"] = 0.7
    for name, rx in _SETTINGS:
        if name != "first line" and rx.search(text):
            params["setting"] = name
            break
    return params


def lines_ordinal(m: re.Match[str], text: str, polarity: str) -> Params:
    n = number(m.group("ord"))
    if n is None:
        return None
    return {"lines": numeric(">=", n), "_confidence": 0.85}
