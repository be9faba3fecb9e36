"""Therapy received now ("Currently receiving corticosteroids", "Concurrent use of warfarin"):
a criterion on the present, not on the patient's whole history.

Read from the recorded dates: a therapy marked ``ongoing``, or one whose end is after the
reference date, is current; one that ended before it is not; one with a start only (a lone
date is the start: docs/cohort.md) or no dates at all leaves it open. Therapies that are no
anticancer treatment (anticoagulants, steroids, insulin) are never "any anticancer therapy"
nor a line of therapy (:func:`anticancer`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from matcher.dates import date_range
from matcher.facts import PatientFacts, TherapyFact
from matcher.logic import any_of
from matcher.outcome import Finding
from rules import vocab

_THERAPIES = ("therapies",)
#: drug classes that are never anticancer therapy nor a line of it (an anticoagulant, insulin,
#: an antibiotic for an infection, the entecavir given to prevent hepatitis B reactivation).
#: Steroids and somatostatin analogues are not here: they treat myeloma, lymphoma, acromegaly
#: (a "previously untreated" acromegaly trial means them).
SUPPORTIVE = ("anticoagulant", "antiviral", "insulin", "antibiotic")
Matches = Callable[[TherapyFact, dict[str, Any]], bool | None]


def anticancer(t: TherapyFact) -> bool:
    """Whether a recorded therapy may be an anticancer treatment: False only when all its
    classes are :data:`SUPPORTIVE` (apixaban, warfarin), so an unknown drug still counts.

    >>> def fact(name, drugs, classes, kind=None):
    ...     return TherapyFact(name, kind, "", None, set(drugs), set(classes), None, None,
    ...                        True, False, True)
    >>> anticancer(fact("apixaban", ["apixaban"], vocab.drug_classes("apixaban")))
    False
    >>> anticancer(fact("FOLFOX", ["oxaliplatin"], vocab.drug_classes("oxaliplatin")))
    True
    >>> anticancer(fact("trial drug X", [], [])), anticancer(fact("RT", [], [], "radiotherapy"))
    (True, True)
    """
    if t.kind not in (None, "other") or not t.classes:
        return True
    return not all(any(vocab.class_is_a(c, s) for s in SUPPORTIVE) for c in t.classes)


def current_therapy(
    params: dict[str, Any], facts: PatientFacts, *, matches: Matches, want: str
) -> Finding:
    """The patient is receiving the criterion's therapy on the reference date.

    True when a matching therapy is ongoing (or ends after the reference date); False when
    every matching therapy ended before it, or none matches a known history; None when a
    match's dates do not say (a start only, no dates) or whether it matches is unclear.

    >>> from datetime import date
    >>> from profiles.model import PatientProfile
    >>> ts = [{"name": "prednisone", "start": "2026-01", "end": "2026-03"}]
    >>> f = PatientFacts.of(PatientProfile(therapies=ts), date(2026, 11, 20))
    >>> from matcher.evaluate_history import _matches
    >>> r = current_therapy({"classes": ["corticosteroid"]}, f, matches=_matches, want="x")
    >>> r.value, r.facts["ended"]
    (False, [['prednisone', '2026-03']])
    """
    facts_: dict[str, Any] = {"want": want, "current": True}
    if facts.therapies is None:
        return Finding(None, "missing.therapies", _THERAPIES, facts_, question="therapies")
    results: list[bool | None] = []
    now: list[str] = []
    ended: list[list[str]] = []
    unclear: list[str] = []  # matched (or may have), but the dates do not say if current
    unsure: list[str] = []  # current, but whether it is such a therapy is not clear
    for t in facts.therapies:
        hit = matches(t, params)
        if hit is False or (params.get("any_anticancer") and not anticancer(t)):
            continue
        if hit and _excepted(t, params):
            continue  # "Ongoing immunosuppressive therapy other than corticosteroids"
        if hit and _prophylaxis(t, params) == "allowed":
            continue
        if hit and _prophylaxis(t, params) == "maybe":
            hit = None  # "prophylactic anticoagulation is allowed": which one is it?
        when = _current(t, facts)
        result = when if hit else (None if when is not False else False)
        results.append(result)
        if result:
            now.append(t.name)
        elif when is False:
            ended.append([t.name, str(t.end)])
        elif when:
            unsure.append(t.name)
        else:
            unclear.append(t.name)
    value = any_of(results) if results else False
    facts_.update(matched=now, ended=ended, unclear=unclear, unsure=unsure)
    facts_["patient"] = [t.name for t in facts.therapies]
    return Finding(
        value,
        "prior_therapy.current",
        _THERAPIES,
        facts_,
        question=("therapy_end:" + unclear[0] if unclear else "therapies")
        if value is None
        else None,
    )


_QUALIFIED = re.compile(r"(?i)\b(?:prophyla\w*|preventive|low[- ]dose|small|topical|inhaled)")


@cache
def exception_names(
    exceptions: tuple[str, ...], qualified: re.Pattern[str]
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The drugs, drug classes and regimens' drugs a criterion's carve-outs name ("other than
    corticosteroids", "except LHRH agonists"), leaving out a carve-out ``qualified`` by a dose,
    route or purpose that a treatment history cannot show ("prophylactic anticoagulation").

    >>> exception_names(("corticosteroids", "prophylactic heparin"), _QUALIFIED)
    (frozenset(), frozenset({'corticosteroid'}), frozenset())
    """
    drugs: set[str] = set()
    classes: set[str] = set()
    regimens: set[str] = set()
    for text in exceptions:
        if qualified.search(text):
            continue
        for m in vocab.find_drugs(text):
            if m.type == "drug":
                drugs.add(m.id)
            elif m.type == "class":
                classes.add(m.id)
            else:
                regimens.update(vocab.regimen_drugs(m.id) or [])
    return frozenset(drugs), frozenset(classes), frozenset(regimens)


def _excepted(t: TherapyFact, params: dict[str, Any]) -> bool:
    """The therapy is one the criterion's exceptions name (a drug or a class of it).

    >>> t = TherapyFact("dexamethasone", None, "", None, {"dexamethasone"},
    ...                 vocab.drug_classes("dexamethasone"), None, None, True, False, True)
    >>> _excepted(t, {"exceptions": ["corticosteroids"]}), _excepted(t, {"exceptions": ["x"]})
    (True, False)
    """
    texts = tuple(str(e) for e in params.get("exceptions") or ())
    drugs, classes, _ = exception_names(texts, _QUALIFIED)
    return bool(drugs & t.drugs) or bool(classes & t.classes)


def _current(t: TherapyFact, facts: PatientFacts) -> bool | None:
    """Is this therapy still given on the reference date? None when its dates do not say."""
    if t.ongoing:
        return True
    end = date_range(t.end) if t.end else None
    if end is None:
        return None
    if end[1] < facts.as_of:
        return False
    return True if end[0] >= facts.as_of else None


#: anticoagulants also given at a low, preventive dose (an exception "prophylactic
#: anticoagulation is allowed" cannot tell which a recorded one is)
_PROPHYLACTIC_USE = ("heparin", "lmwh", "fondaparinux")


def _prophylaxis(t: TherapyFact, params: dict[str, Any]) -> str | None:
    """When the criterion allows preventive anticoagulation: "allowed" for a therapy whose
    name says it is preventive, "maybe" for a heparin (the record rarely gives the dose),
    else None."""
    exceptions = " ".join(str(e).lower() for e in params.get("exceptions") or ())
    if "prophyla" not in exceptions:
        return None
    name = t.name.lower()
    if "prophyla" in name or "prevent" in name:
        return "allowed"
    heparin = bool(t.drugs & set(_PROPHYLACTIC_USE)) or "lmwh" in t.classes
    return "maybe" if heparin else None
