"""Doubt about a parsed reading: when a criterion's own words (or the trial's registered
fields) contradict how it was parsed, a sure failure must not rule the patient out.

A guard never makes a criterion pass: it only turns a ``not_met`` into ``unknown`` ("check
with the trial team"), the same way a low parser confidence does. The rules and their
explanations are data (``doubt_rules`` in ``matcher/data/knowledge.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from matcher import knowledge as kb
from matcher.verdict import required_of
from rules.criterion import Criterion
from rules.trial import Trial

_STAGE_TOKEN = re.compile(r"(?<![A-Za-z])(IV|III|II|I)(?:[A-C]\d?)?(?![A-Za-z])")


@cache
def _text_rules() -> tuple[tuple[str, re.Pattern[str], frozenset[str], dict[str, Any]], ...]:
    rules = kb.table("doubt_rules")["text"]
    return tuple(
        (name, re.compile(r["pattern"], re.IGNORECASE), frozenset(r.get("kinds") or ()), r)
        for name, r in rules.items()
    )


def explanation(reason: str) -> str:
    """Words for a doubt reason (from the data file).

    >>> explanation("target_excluded")
    'it would exclude the very disease the trial studies'
    """
    rules = kb.table("doubt_rules")
    if reason in rules["text"]:
        return str(rules["text"][reason]["explain"])
    return str(rules["structural"].get(reason, "we are not sure we read it right"))


def _items(kind: str, params: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (kind, params) of a criterion, composite items included."""
    nested = params.get("any_of") or params.get("all_of")
    if not nested:
        yield kind, params
        return
    for item in nested:
        yield from _items(item.get("kind") or kind, item.get("params") or {})


def text_doubt(c: Criterion) -> str | None:
    """The first text rule whose words cast doubt on this criterion's reading, or None.

    >>> from rules.criterion import Criterion
    >>> c = Criterion(id="i", polarity="inclusion", text="Cohort 1: EGFR exon 20 insertion",
    ...     start=0, end=32, kind="biomarker", params={"biomarker": "EGFR"}, confidence=0.9,
    ...     rule="biomarker")
    >>> text_doubt(c)
    'scope'
    """
    items = list(_items(c.kind, c.params))
    kinds = {k for k, _ in items}
    for name, pattern, only, rule in _text_rules():
        if only and not (only & kinds):
            continue
        if rule.get("sole") and not kinds <= only:
            continue  # doubt about one facet only: a composite fails on its other facets too
        if rule.get("unless_param") and any(rule["unless_param"] in p for _, p in items):
            continue
        if rule.get("unless_result") and any(
            p.get("result") == rule["unless_result"] for _, p in items
        ):
            continue
        if rule.get("unless_cns_state") and any(
            k == "cns_metastases" and ((p.get("state") or "any") != "any" or p.get("allowed"))
            for k, p in items
        ):
            continue
        if pattern.search(c.text):
            return name
    return None


def _targets(trial: Trial) -> set[str]:
    found: set[str] = set()
    for text in [*trial.conditions, *(m.term for m in trial.condition_meshes)]:
        found.update(kb.cancer_ids(text))
    return found


_VOLUNTEERS = re.compile(r"(?i)\b(?:volunteers?|controls?)\b")
_HEALTHY_TERM = re.compile(r"(?i)\b(?:healthy|volunteers?|normal)\b")


def _healthy_group(text: str, trial: Trial) -> bool:
    """ "Healthy" describes one group of the trial: it studies a disease, or the item names
    healthy volunteers in a trial registered for a condition ("Healthy volunteers" in a low
    back pain trial)."""
    if _studies_disease(trial):
        return True
    return bool(_VOLUNTEERS.search(text)) and any(
        not _HEALTHY_TERM.search(x) for x in trial.conditions
    )


def _studies_disease(trial: Trial) -> bool:
    """The trial's conditions name a disease ("Chronic Obstructive Pulmonary Disease"), not
    only healthy volunteers or a symptom: a "Healthy" inclusion is then one group's rule."""
    texts = [*trial.conditions, *(m.term for m in trial.condition_meshes)]
    return any(kb.comorbidity_id(t) or kb.cancer_ids(t) for t in texts)


def _inclusion_cancers(criteria: Sequence[Criterion]) -> set[str]:
    """Cancers an inclusion criterion requires ("Histologically proven invasive unilateral
    breast cancer"): the trial's target even when its conditions field is empty."""
    found: set[str] = set()
    for c in criteria:
        if c.polarity != "inclusion" or not required_of(c):
            continue
        for kind, p in _items(c.kind, c.params):
            if kind == "condition" and not p.get("negated"):
                found.update(p.get("cancers") or ())
    return found


def _comorbidity_targets(trial: Trial, criteria: Sequence[Criterion]) -> set[str]:
    """Conditions an inclusion criterion of the trial requires ("Diagnosis of sickle cell
    disease"); the conditions field alone is too broad a hint."""
    found: set[str] = set()
    for c in criteria:
        if c.kind == "comorbidity" and required_of(c) and not c.rule.startswith("ctgov:"):
            found.update(c.params.get("conditions") or ())
    return found


#: Words that may come before a bare diagnosis ("Previous history of", "Diagnosis of").
_BARE_DIAGNOSIS = re.compile(
    r"(?i)^\W*(?:(?:patients?|subjects?|participants?|those)\s+with\s+)?"
    r"(?:(?:known|previous|prior|confirmed|documented|clinical|biochemical|and|a)\s+)*"
    r"(?:(?:diagnosis|history)\s+of\s+)?$"
)


def _excludes_target(params: dict[str, Any], text: str, targets: set[str]) -> bool:
    """The exclusion is the bare diagnosis an inclusion requires ("Diagnosis of sickle cell
    disease" in both lists: each belongs to one group). A class ("diabetic ketoacidosis"), a
    subtype ("hemorrhagic stroke"), a state or severity ("sickle cell anemia during acute
    crisis") or another condition named beside it is a real exclusion."""
    wanted = list(params.get("conditions") or ())
    mentions = [str(m) for m in params.get("mentions") or ()]
    if not wanted or params.get("classes") or not mentions or not set(wanted) <= targets:
        return False
    if params.get("qualified"):  # "sickle cell anemia during acute crisis": a state of it
        return False
    at = text.lower().find(mentions[0].lower())
    return at >= 0 and bool(_BARE_DIAGNOSIS.match(text[:at]))


#: an item about the patients with some disease only: "Patients with GBM or anaplastic
#: astrocytoma must be at first or second recurrence", "For patients with melanoma: ..."
_COHORT_SUBJECT = re.compile(
    r"(?i)^\W*(?:for\s+|in\s+)?(?:patients?|subjects?|participants?|those)\s+with\s+"
    r"(?P<what>[^,:;()]{2,80}?)\s*(?:[,:]\s*|\s)(?:must|should|need|needs|are required|will need|"
    r"have to|has to|may|can)\b"
)


#: brain metastases named as whom a rule is for, not as a requirement
_CNS_SUBJECT = re.compile(
    r"(?i)\b(?:patients?|subjects?|participants?|those)\s+with\s+(?:[\w-]+\s+){0,3}"
    r"(?:brain|cns|intracranial|cerebral)\s+metasta\w*\s+(?:must|should|may|can|are|will)\b"
)


_PREGNANCY_TOPIC = re.compile(
    r"(?i)pregnan|gestation|preterm|\blabou?r\b|postpartum|pre-?eclampsia|obstetric|"
    r"delivery|caesarean|cesarean|fetal|foetal|prenatal|antenatal|placenta|miscarriage"
)


def _about_pregnancy(trial: Trial) -> bool:
    """The trial studies pregnancy or birth (its title or conditions say so): there, an
    inclusion criterion may really require a pregnancy.

    >>> _about_pregnancy(Trial(nct_id="NCT00000001", conditions=["Postpartum Haemorrhage"]))
    True
    """
    return any(_PREGNANCY_TOPIC.search(t) for t in [trial.title, *trial.conditions])


def _one_cohort(text: str, targets: set[str]) -> bool:
    """The item speaks of patients with some cancers only, and the trial takes others too (a
    basket trial's rule for one of its cancers): it cannot rule out a patient who may not be
    in that group.

    >>> t = "Patients with GBM or anaplastic astrocytoma must be at first or second recurrence"
    >>> _one_cohort(t, {"colorectal_cancer", "glioblastoma"}), _one_cohort(t, {"glioblastoma"})
    (True, False)
    """
    m = _COHORT_SUBJECT.match(text)
    if not m or not targets:
        return False
    named = kb.cancer_ids(m.group("what"))
    if not named:
        return False
    return any(not any(_overlaps(n, t) for n in named) for t in targets)


def _overlaps(a: str, b: str) -> bool:
    return a == b or kb.cancer_is_a(a, b) or kb.cancer_is_a(b, a)


def _stage_doubt(c: Criterion, items: list[tuple[str, dict[str, Any]]]) -> bool:
    stages = [str(s).upper() for k, p in items if k == "stage" for s in p.get("stages") or []]
    if not stages or "stage" not in c.text.lower():
        return False
    have = {m.group(1) for s in stages if (m := _STAGE_TOKEN.match(s))}
    said = {m.group(1) for m in _STAGE_TOKEN.finditer(c.text)}
    return bool(said - have)


def _stricter_than_registry(params: dict[str, Any], trial: Trial) -> bool:
    """A free-text age limit stricter than the registered one (likely one arm, or misread)."""
    want = params.get("age") or {}
    op, a, b = want.get("op"), want.get("value"), want.get("value2")
    if a is None:
        return False
    lo = a if op in (">=", ">", "between", "=") else None
    hi = (b if b is not None else a) if op == "between" else (a if op in ("<=", "<", "=") else None)
    reg_lo = trial.min_age_years or None
    reg_hi = trial.max_age_years
    return bool(
        (lo is not None and reg_lo is not None and lo > reg_lo)
        or (hi is not None and reg_hi is not None and hi < reg_hi)
    )


def structural_doubt(
    c: Criterion,
    trial: Trial,
    *,
    has_children: bool,
    targets: set[str] | None = None,
    comorbidity_targets: set[str] | None = None,
) -> str | None:
    """A doubt from how the criterion sits in the trial (registered fields, list headers).

    >>> from rules.criterion import Criterion
    >>> t = Trial(nct_id="NCT00000001", conditions=["NSCLC"])
    >>> c = Criterion(id="e", polarity="exclusion", text="unconfirmed NSCLC histology", start=0,
    ...     end=27, kind="condition", params={"cancers": ["nsclc"]}, confidence=0.9, rule="x")
    >>> structural_doubt(c, t, has_children=False)
    'target_excluded'
    """
    required = required_of(c)
    structured = c.rule.startswith("ctgov:")
    if structured:
        return "conditions_field" if c.rule == "ctgov:conditions" else None
    items = list(_items(c.kind, c.params))
    composite = bool(c.params.get("any_of") or c.params.get("all_of"))
    if c.polarity == "exclusion" and c.params.get("negated"):
        return "double_negative"
    if c.kind == "comorbidity" and required and not composite:
        return "required_comorbidity"
    if c.kind == "comorbidity" and c.params.get("healthy") and _healthy_group(c.text, trial):
        return "healthy_group"
    if c.kind == "washout" and required and not composite:
        return "required_washout"
    if (
        c.kind == "pregnancy"
        and required
        and not composite
        and not c.params.get("negated")
        and not _about_pregnancy(trial)
    ):  # "With a pregnant female partner, men must ... use a condom": contraception advice
        return "required_pregnancy"
    cns_state = (c.params.get("state") or "any") != "any" or bool(c.params.get("allowed"))
    if c.kind == "cns_metastases" and required and not composite and cns_state:
        return "required_cns_state"
    if c.kind == "cns_metastases" and required and _CNS_SUBJECT.search(c.text):
        return "cohort"  # "Note: Patients with resectable brain metastases must be ..."
    if c.kind == "age" and not composite and _stricter_than_registry(c.params, trial):
        return "text_age"
    if c.kind == "sex" and not composite:
        return "text_sex"
    if has_children and (c.text.rstrip().endswith((":", "：")) or "following" in c.text.lower()):
        return "header"
    if _one_cohort(c.text, _targets(trial) if targets is None else targets):
        return "cohort"
    if c.kind == "condition" and not required and not c.params.get("all_of"):
        wanted = [w for k, p in items if k == "condition" for w in p.get("cancers") or []]
        goal = _targets(trial) if targets is None else targets
        if any(_overlaps(w, t) for w in wanted for t in goal):
            return "target_excluded"
    if (
        c.kind == "comorbidity"
        and not required
        and comorbidity_targets
        and _excludes_target(c.params, c.text, comorbidity_targets)
    ):  # "Diagnosis of sickle cell disease" excluded in a sickle cell trial: one group's rule
        return "target_excluded"
    if _stage_doubt(c, items):
        return "stage_words"
    return None


def doubts(trial: Trial, criteria: Sequence[Criterion]) -> list[str | None]:
    """One doubt reason (or None) per criterion of a trial.

    >>> from rules.criteria import parse_criteria
    >>> t = Trial(nct_id="NCT00000001", minimum_age="18 Years", maximum_age="99 Years")
    >>> cs = parse_criteria("Inclusion Criteria:\\n* Age 18-75\\n* ECOG PS 0-1")
    >>> doubts(t, cs)
    ['text_age', None]
    """
    key = (trial.nct_id, trial.eligibility_criteria, tuple(trial.conditions), len(criteria))
    found = _DOUBTS.get(key)
    if found is not None and len(found) == len(criteria):
        return found
    parents = {c.parent for c in criteria if c.parent}
    targets = _targets(trial) | _inclusion_cancers(criteria)
    comorbidity_targets = _comorbidity_targets(trial, criteria)
    out: list[str | None] = []
    for c in criteria:
        reason = structural_doubt(
            c,
            trial,
            has_children=c.id in parents,
            targets=targets,
            comorbidity_targets=comorbidity_targets,
        )
        if reason is None and not c.rule.startswith("ctgov:"):
            reason = text_doubt(c)
        out.append(reason)
    _DOUBTS[key] = out
    return out


_DOUBTS: dict[tuple[Any, ...], list[str | None]] = {}


def settled_by_patient(doubt: str | None, finding: Any) -> bool:
    """The patient's own record settles a doubted reading: a required condition (type 2
    diabetes) the patient cannot have, because a mutually exclusive one (type 1 diabetes) is
    recorded. The evaluator marks it (``facts["contrary"]``); other doubts stay.

    >>> from matcher.outcome import Finding
    >>> f = Finding(False, "comorbidity", facts={"contrary": ["type 1 diabetes"]})
    >>> settled_by_patient("required_comorbidity", f), settled_by_patient("header", f)
    (True, False)
    """
    return doubt in _SETTLED and contrary_on_record(finding)


def contrary_on_record(finding: Any) -> bool:
    """The finding failed because the patient has a condition excluding the required one
    (the evaluator names it in ``facts["contrary"]``)."""
    return finding.value is False and bool((finding.facts or {}).get("contrary"))


#: doubts the patient's record can settle (see :func:`settled_by_patient`)
_SETTLED = frozenset({"required_comorbidity"})
