"""Evaluators over the patient's history: prior therapy, lines, washout, other conditions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from matcher import knowledge as kb
from matcher.dates import add_days, date_range, days_since
from matcher.evaluate_current import anticancer, current_therapy, exception_names
from matcher.evaluate_grade import grade_hit, grade_words, patient_grade
from matcher.facts import (
    ONE_DAY_KINDS,
    ConditionFact,
    PatientFacts,
    TherapyFact,
    count_lines,
)
from matcher.logic import any_of, compare, describe_numeric
from matcher.outcome import Finding
from rules import vocab

_THERAPIES = ("therapies",)
#: kinds of treatment that are no drug: a therapy recorded by its drugs is none of them
_NOT_A_DRUG = frozenset({"radiotherapy", "surgery"})
#: the drug class of a kind of treatment, for drugs recorded without their kind
_KIND_CLASS = {
    "chemotherapy": "chemotherapy",
    "immunotherapy": "immunotherapy",
    "targeted therapy": "targeted_therapy",
    "hormone therapy": "endocrine_therapy",
}
_KIND_ALIASES = {
    "chemotherapy": ("chemotherapy", "chemoradiotherapy"),
    "radiotherapy": ("radiotherapy", "chemoradiotherapy"),
    "systemic therapy": (
        "chemotherapy",
        "immunotherapy",
        "targeted therapy",
        "hormone therapy",
        "chemoradiotherapy",
        "cell therapy",
        "investigational",
    ),
}


def _matches(t: TherapyFact, params: dict[str, Any]) -> bool | None:
    """Does one regimen match the criterion's drugs / classes / kind / any anticancer?"""
    drugs = set(params.get("drugs") or [])
    classes = list(params.get("classes") or [])
    kind = params.get("kind")
    if params.get("exceptions") and _excepted(t, tuple(params["exceptions"])):
        return False  # "(including nonsteroidal antiandrogens, but not LHRH agonists)"
    if kind == "radiotherapy" and params.get("sites") and t.kind == "radiotherapy":
        # "Prior radiotherapy to chest": a radiotherapy counts at those sites only; one whose
        # name gives no site ("palliative radiotherapy") leaves it open
        return _same_site(t.name, params["sites"])
    checks: list[bool | None] = []
    if drugs or classes:
        hit = bool(t.drugs & drugs) or any(
            kb.class_is_a(have, want) for have in t.classes for want in classes
        )
        if not hit and t.drugs and params.get("as_examples") and _near_examples(t, drugs):
            checks.append(None)  # "erbB targeting therapies such as erlotinib": osimertinib?
        else:
            checks.append(
                True
                if hit
                else (False if t.drugs or t.kind in ("surgery", "radiotherapy") else None)
            )
    if kind:
        kinds = _KIND_ALIASES.get(str(kind).lower(), (str(kind).lower(),))
        if t.kind is None and t.drugs and str(kind).lower() in _NOT_A_DRUG:
            checks.append(False)  # apixaban is no radiotherapy and no operation
        elif t.kind is None and t.drugs and t.classes and str(kind).lower() in _KIND_CLASS:
            # a drug the vocabulary knows: its classes say its kind (apixaban: no chemotherapy)
            want = _KIND_CLASS[str(kind).lower()]
            checks.append(any(kb.class_is_a(have, want) for have in t.classes))
        elif t.kind in (None, "other") and t.drugs and str(kind).lower() == "systemic therapy":
            checks.append(anticancer(t))  # a drug is given through the body: its classes say
        elif t.kind is None:
            checks.append(None)
        else:
            checks.append(
                t.kind in kinds or (kind == "investigational" and "investigational" in t.classes)
            )
        if kind == "surgery" and params.get("sites") and t.kind == "surgery":
            checks[-1] = _same_site(t.name, params["sites"])
    if not checks:
        if params.get("any_anticancer", True) and not anticancer(t):
            return False  # apixaban, dexamethasone: no anticancer therapy
        return True if params.get("any_anticancer", True) else None
    return any_of(checks)


def _near_examples(t: TherapyFact, examples: set[str]) -> bool:
    """Whether a regimen shares a drug class (other than "anticancer therapy") with drugs a
    criterion names as examples of a kind it does not name in words we know.

    >>> from matcher.facts import TherapyFact
    >>> def fact(d):
    ...     return TherapyFact(d, None, "", None, {d}, vocab.drug_classes(d), None, None,
    ...                        False, False, True)
    >>> _near_examples(fact("osimertinib"), {"erlotinib"}), _near_examples(fact("carboplatin"), {"erlotinib"})
    (True, False)
    """
    theirs = {c for d in examples for c in vocab.drug_classes(d)} - {"anticancer_therapy"}
    return bool(t.classes & theirs)


_QUALIFIED = re.compile(
    r"(?i)prophyla|low[- ]?dose|preventi|topical|inhal|physiolog|replacement|\bfor\b|\bdoses?\b|"
    r"\bmg\b|intermittent|short[- ]term|single"
)


def _excepted(t: TherapyFact, exceptions: tuple[str, ...]) -> bool:
    """Whether a regimen is one the criterion carves out: every drug of it is named in the
    exceptions or belongs to a class named there (leuprolide under "except LHRH agonists").

    >>> from matcher.facts import TherapyFact
    >>> t = TherapyFact("leuprolide", "hormone therapy", "", None, {"leuprolide"}, {"adt"},
    ...                 "2022", None, True, False, True)
    >>> _excepted(t, ("LHRH agonists",)), _excepted(t, ("megestrol for hot flashes",))
    (True, False)
    """
    named, classes, regimens = exception_names(exceptions, _QUALIFIED)
    drugs = named | regimens
    if not (drugs or classes) or not t.drugs:
        return False
    return all(
        d in drugs or any(kb.class_is_a(c, want) for c in vocab.drug_classes(d) for want in classes)
        for d in t.drugs
    )


def _same_site(operation: str, sites: list[str]) -> bool | None:
    """Whether an operation is at one of the criterion's sites; None when its name gives no
    site ("surgery").

    >>> _same_site("transsphenoidal surgery", ["cardiac"]), _same_site("CABG", ["cardiac"])
    (False, True)
    >>> print(_same_site("surgery", ["cardiac"]))
    None
    """
    have = vocab.surgery_sites(operation)
    return bool(have & set(sites)) if have else None


def _setting_ok(t: TherapyFact, setting: str | None) -> bool | None:
    if not setting:
        return True
    s = setting.lower()
    if s in ("first line", "first-line", "1l", "frontline"):
        if t.line is not None:
            return t.line == 1
        if "first" in t.setting or t.setting in ("1l", "frontline"):
            return True
        return None if not t.setting else False
    if s in ("metastatic", "advanced"):
        if t.perioperative:
            return False
        return True if t.setting else None
    if not t.setting:
        return None
    return s in t.setting or t.setting in s


def prior_therapy(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient has received the drug / class / kind of therapy (in the setting named)."""
    want = _want_words(params)
    if params.get("current"):  # "Currently receiving corticosteroids": now, not ever
        return current_therapy(params, facts, matches=_matches, want=want)
    if facts.therapies is None:
        return Finding(None, "missing.therapies", _THERAPIES, {"want": want}, question="therapies")
    together = [set(g) for g in params.get("together") or []]
    if together:  # "or with both PLD and topotecan": those only as a pair, over the history
        paired = set().union(*together)
        params = {**params, "drugs": [d for d in params.get("drugs") or [] if d not in paired]}
    results: list[bool | None] = []
    matched: list[str] = []
    for t in facts.therapies:
        if together and not (params["drugs"] or params.get("classes") or params.get("kind")):
            results.append(False)  # nothing asked alone: no "any anticancer therapy"
            continue
        hit = _matches(t, params)
        if hit is not False:
            hit = hit if hit is None else _setting_ok(t, params.get("setting"))
        results.append(hit)
        if hit:
            matched.append(t.name)
    had = set().union(*(t.drugs for t in facts.therapies)) if facts.therapies else set()
    results += [all(d in had for d in g) for g in together]
    value = any_of(results)
    facts_: dict[str, Any] = {
        "want": want,
        "matched": matched,
        "patient": [t.name for t in facts.therapies],
    }
    if (
        value
        and params.get("during")
        and not any(t.progressed for t in facts.therapies if t.name in matched)
    ):
        # "Progression while on previous chemotherapy": had it, but grew during it? A regimen
        # whose record names no progression leaves it open
        value = None
        facts_["during"] = True
    if value and params.get("purpose") and not _for_own_cancer(params["purpose"], facts):
        value = None  # "No prior thalidomide for myeloma": given for another disease, maybe
        facts_["purpose"] = list(params["purpose"])
    return Finding(
        value, "prior_therapy", _THERAPIES, facts_, question="therapies" if value is None else None
    )


def _for_own_cancer(purpose: list[str], facts: PatientFacts) -> bool:
    """The patient's recorded cancer is the one the therapy had to be given for (or a kind of
    it): their recorded therapies are then read as given for it. A broader record ("glioma"
    for "glioblastoma") does not say so."""
    return any(c == p or kb.cancer_is_a(c, p) for c in facts.cancers or () for p in purpose)


def _display(name: str) -> str:
    """Lower-case a display name's first letter unless it starts an abbreviation (EGFR)."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _want_words(params: dict[str, Any]) -> str:
    key = (
        tuple(params.get("drugs") or ()),
        tuple(params.get("classes") or ()),
        params.get("kind"),
        tuple(params.get("sites") or ()),
        params.get("setting"),
    )
    words = _WANT_WORDS.get(key)
    if words is None:
        words = _WANT_WORDS[key] = _want_words_of(params)
    return words


_WANT_WORDS: dict[tuple[Any, ...], str] = {}


def _want_words_of(params: dict[str, Any]) -> str:
    """The therapy a criterion names, in words ("EGFR tyrosine kinase inhibitors or docetaxel").

    >>> _want_words({"classes": ["chemotherapy"], "kind": "chemotherapy", "setting": "first line"})
    'chemotherapy (first line)'
    >>> _want_words({"classes": ["radiotherapy"], "kind": "radiotherapy", "sites": ["thoracic"]})
    'thoracic radiotherapy'
    """
    sited = params.get("sites") and params.get("kind") in ("radiotherapy", "surgery")
    parts = list(params.get("drugs") or []) + [
        _display(kb.entry_name("drugs", c) or c.replace("_", " "))
        for c in params.get("classes") or []
        if not (sited and c == params.get("kind"))  # "thoracic radiotherapy", not both
    ]
    if params.get("kind"):
        kind = str(params["kind"])
        sites = " or ".join(s.replace("_", " ") for s in params.get("sites") or [])
        parts.append((sites + " " if sites else "") + kind)
        parts[-1] += " treatment" if kind == "investigational" else ""
    parts = list(dict.fromkeys(p for p in parts if p))
    text = " or ".join(parts) if parts else "anticancer therapy"
    if params.get("setting"):
        text += f" ({params['setting']})"
    return text


def lines_of_therapy(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Number of prior lines of systemic therapy for advanced disease satisfies the constraint."""
    want = params.get("lines")
    if want is None:
        return Finding(None, "unparsed", _THERAPIES, clinician=True)
    window = params.get("adjuvant_within_months")
    therapies = facts.therapies  # an anticoagulant or a steroid is no line of therapy
    therapies = None if therapies is None else [t for t in therapies if anticancer(t)]
    counted = count_lines(therapies, adjuvant_within_months=window)
    facts_: dict[str, Any] = {"want": describe_numeric(want, unit="")}
    if counted is None:
        return Finding(None, "missing.therapies", _THERAPIES, facts_, question="therapies")
    lo, hi = counted
    facts_["patient"] = f"{lo}" if lo == hi else f"{lo}-{hi}"
    value = compare(lo, hi, want)
    return Finding(
        value, "lines", _THERAPIES, facts_, question="therapies" if value is None else None
    )


def washout(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient received the therapy within ``within`` days before the reference date."""
    within = params.get("within")
    want = _want_words(params)
    if within is None:
        return Finding(None, "unparsed", _THERAPIES, {"want": want}, clinician=True)
    value: Any = within.get("value") if isinstance(within, dict) else within.value
    limit = float(value)
    unit = (within.get("unit") if isinstance(within, dict) else within.unit) or "days"
    limit_days = _to_days(limit, unit)
    op = within.get("op") if isinstance(within, dict) else within.op
    numeric = {"op": "<" if op == "<" else "<=", "value": limit_days}
    facts_: dict[str, Any] = {
        "want": want,
        "days": int(limit_days),
        "as_of": facts.as_of.isoformat(),
    }
    if facts.therapies is None:
        return Finding(None, "missing.therapies", _THERAPIES, facts_, question="therapies")
    ready: date | None = None
    started = bool(params.get("started"))  # begun or changed inside the window, not used
    if started:
        facts_["started"] = True
    seen: list[_Seen] = []
    never = False
    for t in facts.therapies:
        hit = _matches(t, params)
        if hit is False:
            continue
        since = days_since(t.start, facts.as_of) if started else t.days_since_end(facts.as_of)
        inside = None if since is None else compare(since[0], since[1], numeric)
        result = None if since is None else (inside if hit else (None if inside else False))
        seen.append(_Seen(t, result, since, inside))
        if not (inside and hit):
            continue
        if started and t.start:
            free = add_days(date_range(t.start)[1], int(limit_days) + 1)  # type: ignore[index]
        elif not started and t.ongoing:
            never = True  # still received: no day it stops standing in the way
            continue
        elif not started and t.end:
            last = date_range(t.end)[1]  # type: ignore[index]
            free = add_days(last, int(limit_days) + (0 if numeric["op"] == "<" else 1))
        else:
            continue
        ready = max(ready, free) if ready else free
    value = any_of([s.result for s in seen])
    facts_.update(_deciding(value, seen, started=started))
    undated = facts_.get("undated") or []
    return Finding(
        value,
        "washout",
        _THERAPIES,
        facts_,
        ready_on=ready if value and not never else None,
        question=(
            "therapies"
            if started
            else "therapy_end:" + (undated[0] if undated else facts_.get("last", "?"))
        )
        if value is None
        else None,
    )


class _Seen(NamedTuple):
    """One therapy a washout matched (or may have): its result and days since its end/start."""

    therapy: TherapyFact
    result: bool | None
    since: tuple[int, int] | None
    inside: bool | None


def _deciding(value: bool | None, seen: list[_Seen], *, started: bool) -> dict[str, Any]:
    """The facts naming the therapy that decided a washout: inside the window (the most recent
    if several) when it was received there; the most recent one matched when none was; when
    it cannot be told, the ones with no date, else the most recent unclear one.

    >>> from matcher.facts import PatientFacts
    >>> from profiles.model import PatientProfile
    >>> ts = [{"name": "FOLFOX", "kind": "chemotherapy", "end": "2026-11-01"},
    ...       {"name": "capecitabine", "kind": "chemotherapy", "end": "2025-03-01"}]
    >>> f = PatientFacts.of(PatientProfile(therapies=ts), date(2026, 11, 20))
    >>> seen = [_Seen(t, t.name == "FOLFOX", t.days_since_end(f.as_of), t.name == "FOLFOX")
    ...         for t in f.therapies]
    >>> _deciding(True, seen, started=False)["last"], _deciding(False, seen[1:], started=False)
    ('FOLFOX', {'last': 'capecitabine', 'end': '2025-03-01', 'one_day': False})
    """
    undated = [s.therapy.name for s in seen if s.since is None]
    if value is None and undated:
        return {"undated": undated}
    pool = [s for s in seen if s.since is not None and (s.result is value or value is False)]
    if not pool:
        return {}
    best = min(pool, key=lambda s: s.since)  # type: ignore[arg-type,return-value]
    t = best.therapy
    out: dict[str, Any] = {"last": t.name}
    if started:
        out["start"] = t.start
    elif t.ongoing:
        out["ongoing"] = True
    else:
        out.update(end=t.end, one_day=t.kind in ONE_DAY_KINDS)
        if best.inside is None:
            out["partial"] = True
    if value is None and best.inside is not None:
        out["unsure"] = True  # dated, but whether it is such a treatment is not clear
    return out


def _to_days(value: float, unit: str) -> float:
    u = unit.lower()
    if u.startswith("week"):
        return value * 7
    if u.startswith("month"):
        return value * 30
    if u.startswith("year"):
        return value * 365
    if u.startswith("hour"):
        return value / 24
    return value


_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def comorbidity(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient has one of the conditions or classes (active / recent when the criterion says)."""
    ids = list(params.get("conditions") or [])
    classes = list(params.get("classes") or [])
    want = _condition_words(tuple(ids), tuple(classes), tuple(params.get("mentions") or ()))
    facts_: dict[str, Any] = {"want": want, "active": params.get("active")}
    if params.get("grade"):
        facts_["grade"] = grade_words(params["grade"])
    fields = ("conditions",)
    if params.get("significant"):
        return _significant(params, facts, facts_)
    if not ids and not classes:
        return Finding(None, "comorbidity.unparsed", fields, facts_, clinician=True)
    if facts.conditions is None:
        return Finding(None, "missing.conditions", fields, facts_, question="conditions")
    exceptions = [str(e).lower() for e in params.get("exceptions") or []]
    if params.get("coinfection"):
        return _coinfection(ids + classes, facts.conditions, exceptions, facts_)
    results: list[bool | None] = []
    matched: list[str] = []
    question = None
    for c in facts.conditions:
        hit = _condition_hit(c, ids, classes, exceptions)
        if hit is False:
            continue
        if hit and c.id and params.get("loose_members") and _loose_member(c.id, ids, classes):
            # "No prior history of cardiovascular disease", the patient's hypertension: the
            # trial may not mean it (the knowledge table loose_members)
            hit = None
            question = question or "conditions"
        elif hit and c.active is False and params.get("present") and not params.get("history"):
            hit = False  # "HCV RNA positive": a cured hepatitis C has none
        elif hit and c.active is False and _bare_infection(params, c):
            # "Hepatitis C" excluded, the patient's "hepatitis C (cured, sustained virological
            # response)": the criterion may mean a present infection only
            hit = None
            question = f"condition_active:{c.id or c.text}"
        grade = params.get("grade")
        if hit and params.get("active"):
            hit = c.active if c.active is not None else None
            if hit is None and grade and patient_grade(c.text) is not None:
                hit = True  # a grade with no word of resolution: a current side effect
            if hit is None:
                question = f"condition_active:{c.id or c.text}"
        if hit and params.get("within"):
            hit = _within_years(c, params["within"], facts.as_of)
            if hit is None:
                question = f"condition_when:{c.id or c.text}"
        if hit and grade:  # "Grade >= 2 peripheral neuropathy": the condition from a grade on
            hit = grade_hit(c.text, c.active, grade)
            if hit is None:
                question = f"condition_grade:{c.id or c.text}"
            elif not hit:
                facts_.setdefault("below", []).append(c.text)
        results.append(hit)
        if hit is not False:
            matched.append(c.text)
    value = any_of(results)
    facts_.update(matched=matched, patient=[c.text for c in facts.conditions])
    if value is False and ids and not classes:
        contrary = _contrary(ids, facts.conditions)
        if contrary:
            facts_["contrary"] = contrary
    return Finding(
        value,
        "comorbidity",
        fields,
        facts_,
        question=(question or "conditions") if value is None else None,
    )


@cache
def _exclusive() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for group in kb.table("exclusive_conditions")["groups"]:
        for cid in group:
            out.setdefault(cid, set()).update(g for g in group if g != cid)
    return {k: frozenset(v) for k, v in out.items()}


def _contrary(ids: list[str], conditions: Sequence[ConditionFact]) -> list[str]:
    """The patient's conditions that exclude every wanted one (type 1 diabetes when type 2 is
    wanted: ``exclusive_conditions`` of the knowledge file); empty when any wanted id has no
    such sibling recorded.

    >>> from matcher.facts import ConditionFact
    >>> t1 = ConditionFact("type 1 diabetes", "type1_diabetes", {"diabetes"}, None)
    >>> _contrary(["type2_diabetes"], [t1]), _contrary(["type2_diabetes", "copd"], [t1])
    (['type 1 diabetes'], [])
    """
    table = _exclusive()
    found: list[str] = []
    for want in ids:
        others = table.get(want, frozenset())
        hits = [c.text for c in conditions if c.id in others]
        if not hits:
            return []
        found.extend(h for h in hits if h not in found)
    return found


def _significant(params: dict[str, Any], facts: PatientFacts, facts_: dict[str, Any]) -> Finding:
    """ "Severe comorbidities other than COPD": the patient has a significant illness (the
    knowledge table ``significant_conditions``) besides the carve-out; a condition we cannot
    name leaves it open."""
    fields = ("conditions",)
    exceptions = [str(e) for e in params.get("exceptions") or []]
    if params.get("healthy"):
        facts_["want"] = "a significant illness (it asks for healthy participants)"
    elif exceptions:
        facts_["want"] = "a significant illness other than " + " or ".join(exceptions)
    else:
        facts_["want"] = "a significant illness"
    if facts.conditions is None:
        return Finding(None, "missing.conditions", fields, facts_, question="conditions")
    carved = {i for e in exceptions if (i := kb.comorbidity_id(e))}
    carved |= {a for i in list(carved) for a in kb.comorbidity_classes(i)}
    lower = [e.lower() for e in exceptions]
    significant = _significant_ids()
    results: list[bool | None] = []
    matched: list[str] = []
    for c in facts.conditions:
        if c.id is None:
            results.append(None)
            continue
        if c.id in carved or c.classes & carved or any(e in c.text.lower() for e in lower):
            continue  # the carve-out itself, a kind of it or what it is a kind of
        hit = c.id in significant or bool(c.classes & significant)
        results.append(hit)
        if hit:
            matched.append(c.text)
    value = any_of(results)
    facts_.update(matched=matched, patient=[c.text for c in facts.conditions])
    return Finding(
        value, "comorbidity", fields, facts_, question="conditions" if value is None else None
    )


@cache
def _significant_ids() -> frozenset[str]:
    return frozenset(kb.table("significant_conditions")["ids"])


@cache
def _condition_words(
    ids: tuple[str, ...], classes: tuple[str, ...], mentions: tuple[Any, ...]
) -> str:
    names = [str(m) for m in mentions] or [
        kb.entry_name("comorbidities", c) or c.replace("_", " ") for c in ids + classes
    ]
    return " or ".join(dict.fromkeys(_display(n) for n in names)) or "the condition"


def _loose_member(cid: str, ids: list[str], classes: list[str]) -> bool:
    """Whether a condition counts only through a class that may not mean it (hypertension as
    "cardiovascular disease"): no id of the criterion names it or a narrower class.

    >>> _loose_member("hypertension", [], ["cardiovascular_disease"])
    True
    >>> _loose_member("hypertension", ["hypertension"], ["cardiovascular_disease"])
    False
    """
    if cid in ids:
        return False
    loose = vocab.loose_members()
    via = [k for k in classes if k in kb.comorbidity_classes(cid) or k == cid]
    return bool(via) and all(cid in loose.get(k, ()) for k in via)


def _bare_infection(params: dict[str, Any], c: ConditionFact) -> bool:
    """An infection named without "active" or "history of", held by a patient whose record
    says it is over (cured, resolved): the criterion may mean a present infection only."""
    if params.get("active") or params.get("history") or params.get("present"):
        return False
    return c.id == "infection" or "infection" in c.classes


def _coinfection(
    wanted: list[str],
    conditions: Sequence[ConditionFact],
    exceptions: list[str],
    facts_: dict[str, Any],
) -> Finding:
    """ "Co-infected with HBV and HCV": two of the named infections together. True when two of
    the patient's conditions are among them, False when fewer could be.

    >>> from matcher.facts import ConditionFact
    >>> hcv = ConditionFact("hepatitis C", "hepatitis_c", {"viral_hepatitis", "infection"}, None)
    >>> hbv = ConditionFact("hepatitis B", "hepatitis_b", {"viral_hepatitis", "infection"}, None)
    >>> want = ["hepatitis_b", "hepatitis_c"]
    >>> _coinfection(want, [hcv], [], {}).value, _coinfection(want, [hcv, hbv], [], {}).value
    (False, True)
    """
    hits = [_condition_hit(c, wanted, [], exceptions) for c in conditions]
    sure = sum(h is True for h in hits)
    open_ = sum(h is None for h in hits)
    value = True if sure >= 2 else (None if sure + open_ >= 2 else False)
    matched = [c.text for c, h in zip(conditions, hits, strict=True) if h is not False]
    want = facts_.get("want") or " or ".join(wanted)
    facts_.update(
        matched=matched, patient=[c.text for c in conditions], want=f"two of {want} together"
    )
    return Finding(
        value,
        "comorbidity",
        ("conditions",),
        facts_,
        question="conditions" if value is None else None,
    )


def _condition_hit(
    c: ConditionFact, ids: list[str], classes: list[str], exceptions: list[str]
) -> bool | None:
    if any(
        e and (e in c.text.lower() or (c.id and e.replace(" ", "_") == c.id)) for e in exceptions
    ):
        return False
    if c.id is None:
        return None if _shares_words(c.text, ids + classes) else False
    wanted = set(ids) | set(classes)  # the vocabulary is one is-a hierarchy: ids and classes alike
    return c.id in wanted or bool(c.classes & wanted)


def _shares_words(text: str, names: list[str]) -> bool:
    words = {w for w in re.findall(r"[a-z]{4,}", text.lower())}
    return any(w in words for n in names for w in re.findall(r"[a-z]{4,}", n.lower()))


def _within_years(c: ConditionFact, within: Any, as_of: date) -> bool | None:
    years = [int(m.group(0)) for m in _YEAR.finditer(c.text)]
    if not years:
        return None
    raw: Any = within.get("value") if isinstance(within, dict) else within.value
    value = float(raw)
    ago_lo, ago_hi = as_of.year - max(years) - 1, as_of.year - max(years)
    return compare(max(ago_lo, 0), ago_hi, {"op": "<=", "value": value})
