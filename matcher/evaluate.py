"""One evaluator per criterion kind: ``P(patient)`` in three-valued logic, as a ``Finding``.

The dispatcher handles composites (``any_of`` / ``all_of``, Kleene logic); polarity and
negation are applied later (``matcher.verdict``), so one finding serves every criterion with
the same proposition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matcher import evaluate_disease, evaluate_history
from matcher import knowledge as kb
from matcher.facts import PatientFacts
from matcher.logic import all_of, any_of, compare, describe_numeric
from matcher.outcome import Finding

Evaluator = Callable[[dict[str, Any], PatientFacts], Finding]


def evaluate(kind: str, params: dict[str, Any], facts: PatientFacts) -> Finding:
    """P(patient) for one criterion's kind and params (composites included).

    >>> from datetime import date
    >>> from profiles.model import PatientProfile
    >>> facts = PatientFacts.of(PatientProfile(ecog=2), date(2026, 11, 20))
    >>> f = evaluate("performance_status", {"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}}, facts)
    >>> f.value, f.fields, f.facts["patient"]
    (False, ('ecog',), 'ECOG 2')
    >>> evaluate("other", {}, facts).clinician
    True
    """
    for mode, combine in (("any_of", any_of), ("all_of", all_of)):
        items = params.get(mode)
        if items:
            parts = tuple(_item(item, kind, facts) for item in items)
            fields = tuple(dict.fromkeys(f for p in parts for f in p.fields))
            value = combine(p.value for p in parts)
            clinician = (
                value is None
                and any(p.clinician for p in parts)
                and all(p.clinician or p.value is not None for p in parts)
            )
            return Finding(
                value,
                "composite." + mode[:3],
                fields,
                parts=parts,
                mode="any" if mode == "any_of" else "all",
                clinician=clinician,
                assumed=all(p.assumed for p in parts),
            )
    evaluator = EVALUATORS.get(kind, _other)
    if params.get("if_present"):
        return _if_present(evaluator(params, facts))
    return evaluator(params, facts)


def _if_present(finding: Finding) -> Finding:
    """A requirement on the patients who have a condition ("Patients with a history of
    congestive heart failure must have a normal ejection fraction"): it does not apply to a
    patient without it, and only a clinician can check it for one with it."""
    if finding.value:
        return Finding(None, "if_present", finding.fields, finding.facts, clinician=True)
    return Finding(True, "if_absent", finding.fields, finding.facts, assumed=True)


def _item(item: dict[str, Any], default_kind: str, facts: PatientFacts) -> Finding:
    params = dict(item.get("params") or {})
    finding = evaluate(item.get("kind") or default_kind, params, facts)
    if params.get("negated") and finding.value is not None:
        # an item stating an absence inside a composite: flip its value, keep its evidence
        return Finding(
            not finding.value,
            finding.code,
            finding.fields,
            {**finding.facts, "negated": True},
            finding.question,
            finding.clinician,
            finding.assumed,
            finding.ready_on,
            finding.parts,
            finding.mode,
        )
    return finding


def _age(params: dict[str, Any], facts: PatientFacts) -> Finding:
    fields = ("birth_date",) if facts.profile.birth_date else ("age",)
    want = params.get("age")
    if want is None:
        return Finding(None, "unparsed", fields, clinician=True)
    if facts.age is None:
        return Finding(None, "missing.age", fields, question="age")
    lo, hi = facts.age
    patient = f"{lo}" if lo == hi else f"{lo} or {hi}"
    return Finding(
        compare(lo, hi, want),
        "age",
        fields,
        {"patient": patient, "want": describe_numeric(want, unit="years")},
        question="birth_date" if lo != hi else None,
    )


def _sex(params: dict[str, Any], facts: PatientFacts) -> Finding:
    sex = facts.profile.sex
    want = params.get("sex")
    if sex is None:
        return Finding(None, "missing.sex", ("sex",), {"want": want}, question="sex")
    if sex == "other" or want not in ("female", "male"):
        return Finding(None, "sex.other", ("sex",), {"want": want, "patient": sex}, clinician=True)
    return Finding(sex == want, "sex", ("sex",), {"want": want, "patient": sex})


def _performance(params: dict[str, Any], facts: PatientFacts) -> Finding:
    scale = str(params.get("scale") or "ECOG")
    want = params.get("score")
    karnofsky_like = scale.lower() in ("karnofsky", "kps", "lansky")
    p = facts.profile
    fields = ("karnofsky",) if karnofsky_like and p.karnofsky is not None else ("ecog", "karnofsky")
    if want is None:
        return Finding(None, "unparsed", fields, clinician=True)
    facts_ = {"want": f"{scale} {describe_numeric(want)}"}
    if karnofsky_like:
        if p.karnofsky is not None:
            lo, hi, shown = p.karnofsky, p.karnofsky, f"Karnofsky {p.karnofsky}"
        elif p.ecog is not None:
            (lo, hi), shown = kb.karnofsky_range(p.ecog), f"ECOG {p.ecog}"
            facts_["converted"] = f"Karnofsky {lo}-{hi}"
        else:
            return Finding(None, "missing.performance", fields, facts_, question="karnofsky")
    else:
        if p.ecog is not None:
            lo, hi, shown, fields = p.ecog, p.ecog, f"ECOG {p.ecog}", ("ecog",)
        elif p.karnofsky is not None:
            (lo, hi), shown = kb.ecog_range(p.karnofsky), f"Karnofsky {p.karnofsky}"
            facts_["converted"] = f"ECOG {lo}" if lo == hi else f"ECOG {lo}-{hi}"
        else:
            return Finding(None, "missing.performance", ("ecog",), facts_, question="ecog")
    value = compare(lo, hi, want)
    return Finding(
        value,
        "performance",
        fields,
        {**facts_, "patient": shown},
        question=None if value is not None else ("ecog" if not karnofsky_like else "karnofsky"),
    )


def _pregnancy(params: dict[str, Any], facts: PatientFacts) -> Finding:
    p = facts.profile
    nursing = bool(params.get("breastfeeding"))
    fields = ("sex", "pregnant", "breastfeeding") if nursing else ("sex", "pregnant")
    if p.sex == "male":
        return Finding(False, "pregnancy.male", fields, {"breastfeeding": nursing})
    states = [p.pregnant] + ([p.breastfeeding] if nursing else [])
    value = any_of(states)
    if value is None:
        key = "pregnant" if p.pregnant is None else "breastfeeding"
        return Finding(None, "missing.pregnancy", fields, {"breastfeeding": nursing}, question=key)
    return Finding(
        value,
        "pregnancy",
        fields,
        {"breastfeeding": nursing, "pregnant": p.pregnant, "nursing": p.breastfeeding},
    )


def _measurable(params: dict[str, Any], facts: PatientFacts) -> Finding:
    has = facts.profile.measurable_disease
    fields = ("measurable_disease",)
    standard = params.get("standard")
    if has is None:
        return Finding(
            None,
            "missing.measurable",
            fields,
            {"standard": standard},
            question="measurable_disease",
        )
    return Finding(has, "measurable", fields, {"standard": standard})


def _life(params: dict[str, Any], facts: PatientFacts) -> Finding:
    months = facts.profile.life_expectancy_months
    want = params.get("months")
    fields = ("life_expectancy_months",)
    if want is None:
        return Finding(None, "unparsed", fields, clinician=True)
    w = describe_numeric(want, unit="months")
    if months is None:
        return Finding(
            None, "missing.life_expectancy", fields, {"want": w}, question="life_expectancy"
        )
    return Finding(
        compare(months, months, want), "life_expectancy", fields, {"want": w, "patient": months}
    )


def _screening(params: dict[str, Any], facts: PatientFacts) -> Finding:
    return Finding(True, "screening", (), assumed=True)


def _other(params: dict[str, Any], facts: PatientFacts) -> Finding:
    if params.get("topic") == "placeholder":  # "None", "-", "N/A": the registry lists nothing
        return Finding(True, "placeholder", (), assumed=True)
    if params.get("topic") == "heading":  # "Adequate liver function:" above its lab items
        return Finding(True, "heading", (), assumed=True)
    return Finding(None, "clinician", (), clinician=True)


def _lab(params: dict[str, Any], facts: PatientFacts) -> Finding:
    analyte = params.get("analyte")
    want = params.get("constraint")
    field = f"labs[{analyte}]"
    if not analyte or want is None:
        return Finding(None, "unparsed", (field,), clinician=True)
    conditional = params.get("conditional") or []
    name = kb.entry_name("labs", analyte) or analyte.replace("_", " ")
    shown = name if len(name) > 1 and name[1].isupper() else name[:1].lower() + name[1:]
    facts_: dict[str, Any] = {"analyte": shown, "want": describe_numeric(want)}
    if conditional and facts.metastatic_sites:
        for cond in conditional:
            words = str(cond.get("condition", "")).lower()
            if any(
                site.lower() in words or words.startswith(site.lower())
                for site in facts.metastatic_sites
            ):
                want = cond.get("constraint") or want
                facts_["want"] = f"{describe_numeric(want)} ({cond.get('condition')})"
    if facts.labs is None or not facts.labs.get(analyte):
        return Finding(None, "missing.lab", (field,), facts_, question=f"lab:{analyte}")
    lab = max(facts.labs[analyte], key=lambda x: x.date or "")
    bound = getattr(lab, "comparator", None)
    facts_["patient"] = f"{bound or ''} {lab.value:g} {lab.unit or ''}".strip()
    unit = want.get("unit") if isinstance(want, dict) else getattr(want, "unit", None)
    if not unit:
        unit = _implied_unit(analyte, lab, want)
        if unit:
            facts_["want"] = describe_numeric({**dict(want), "unit": unit})
    given = lab.unit
    if not given and unit:
        given = _unit_of_value(analyte, lab.value, want, unit)
        if given:
            facts_["patient"] = f"{bound or ''} {lab.value:g} (read as {given})".strip()
    factor = kb.unit_factor(given, unit, analyte=analyte)
    if factor is None:
        return Finding(
            None,
            "lab.units",
            (field,),
            {**facts_, "unit": unit},
            question=f"lab:{analyte}:{unit or ''}",
        )
    value = lab.value * factor
    if bound:
        return Finding(within_bound(bound, value, want), "lab", (field,), facts_)
    return Finding(compare(value, value, want), "lab", (field,), facts_)


#: (low, low included, high, high included) of the values a one-sided bound or a limit allows
_Interval = tuple[float, bool, float, bool]
_INF = float("inf")


def _interval(op: str, a: float, b: float | None, *, floor: float = -_INF) -> _Interval:
    return {
        "<": (floor, True, a, False),
        "<=": (floor, True, a, True),
        ">": (a, False, _INF, False),
        ">=": (a, True, _INF, False),
        "=": (a, True, a, True),
        "between": (a, True, a if b is None else b, True),
    }[op]


def within_bound(comparator: str, value: float, want: Any) -> bool | None:
    """Does a lab result given as a bound ("< 50") satisfy a limit: True when every value
    below (above) the bound does, False when none does, None (unknown) otherwise. Lab values
    are taken as non-negative, so "< 0.5" lies within "≤ 1".

    >>> lim = {"op": "<", "value": 50}
    >>> within_bound("<", 50, lim), within_bound("<=", 50, lim), within_bound("<", 20, lim)
    (True, None, True)
    >>> within_bound("<", 50, {"op": ">=", "value": 50}), within_bound("<", 50, {"op": "<", "value": 20})
    (False, None)
    >>> within_bound(">", 60, {"op": ">=", "value": 30}), within_bound(">", 60, {"op": "between", "value": 30, "value2": 90})
    (True, None)
    """
    get = want.get if isinstance(want, dict) else lambda k: getattr(want, k, None)
    op, a, b = get("op"), get("value"), get("value2")
    if op not in ("<", "<=", ">", ">=", "=", "between") or a is None:
        return None
    lo, lo_in, hi, hi_in = _interval(comparator, value, None, floor=0.0)
    w_lo, w_lo_in, w_hi, w_hi_in = _interval(op, float(a), None if b is None else float(b))
    inside_lo = w_lo < lo or (w_lo == lo and (w_lo_in or not lo_in))
    inside_hi = hi < w_hi or (hi == w_hi and (w_hi_in or not hi_in))
    if inside_lo and inside_hi:
        return True
    apart = hi < w_lo or (hi == w_lo and not (hi_in and w_lo_in))
    apart = apart or w_hi < lo or (w_hi == lo and not (w_hi_in and lo_in))
    return False if apart else None


def _unit_of_value(analyte: str, value: float, want: Any, unit: str) -> str | None:
    """The unit of a patient's value given without one ("ANC 2.1", "platelets 180"): the
    analyte's usual unit, when the value read in it is within a factor 5 of the limit (in
    the limit's unit); else None (a creatinine of 60 is µmol/L, not 60 mg/dL against a limit
    of 1.5 mg/dL, and stays unknown).

    >>> _unit_of_value("anc", 2.1, {"op": ">=", "value": 1.5}, "x10^9/L")
    'x10^9/L'
    >>> _unit_of_value("anc", 2100, {"op": ">=", "value": 1.5}, "x10^9/L") is None
    True
    >>> _unit_of_value("creatinine", 60, {"op": "<=", "value": 1.5}, "mg/dL") is None
    True
    """
    usual = next((u for u in kb.lab_units(analyte) if "uln" not in u.lower()), None)
    limit: Any = want.get("value") if isinstance(want, dict) else getattr(want, "value", None)
    factor = kb.unit_factor(usual, unit, analyte=analyte) if usual else None
    if factor is None or limit is None or float(limit) <= 0 or value <= 0:
        return None
    return usual if 0.2 <= value * factor / float(limit) <= 5 else None


def _implied_unit(analyte: str, lab: Any, want: Any) -> str | None:
    """The analyte's usual unit for a limit written without one ("ANC ≥ 1.5"), when the
    patient's value in that unit is of the same order as the limit (1500/mm3 is not 1.5)."""
    usual = kb.lab_units(analyte)
    if not usual:
        return None
    factor = kb.unit_factor(lab.unit, usual[0], analyte=analyte)
    value: Any = want.get("value") if isinstance(want, dict) else want.value
    limit = float(value)
    if factor is None or limit <= 0 or lab.value <= 0:
        return None
    ratio = lab.value * factor / limit
    return usual[0] if 0.02 <= ratio <= 50 else None


def _cns(params: dict[str, Any], facts: PatientFacts) -> Finding:
    fields = ("diagnoses[0].metastatic_sites",)
    state = params.get("state") or "any"
    allowed = [str(a).lower() for a in params.get("allowed") or []]
    sites = facts.metastatic_sites
    cns_words = kb.table("cns_sites")
    facts_ = {"state": state, "allowed": allowed}
    if sites is None:
        if facts.extent in ("localized", "locally advanced"):
            return Finding(
                False,
                "cns.none_local",
                (*fields, "diagnoses[0].extent"),
                {**facts_, "extent": facts.extent},
            )
        return Finding(None, "missing.cns", fields, facts_, question="brain_metastases")
    cns = [s for s in sites if kb.words_in(s, cns_words)]
    if not cns:
        return Finding(False, "cns.none", fields, facts_)
    facts_["patient"] = "; ".join(cns)
    if state == "any" and not allowed:
        return Finding(True, "cns.present", fields, facts_)
    # state "any" reaches here only with allowed states: the active words are outside them
    active = kb.table("cns_active_words").get("active" if state == "any" else state, [])
    if active and any(kb.words_in(s, active) for s in cns):  # "brain (untreated, symptomatic)"
        return Finding(True, "cns.active", fields, facts_)
    quiet = [kb.words_in(s, kb.table("cns_inactive_words")) for s in cns]
    if all(quiet):
        needed = set(allowed) or {"treated", "stable"}
        ok = all(kb.words_in(s, sorted(needed)) for s in cns) if allowed else True
        return Finding(
            False if ok else None,
            "cns.quiet",
            fields,
            facts_,
            question=None if ok else "brain_metastases:state",
        )
    return Finding(None, "cns.state_unknown", fields, facts_, question="brain_metastases:state")


EVALUATORS: dict[str, Evaluator] = {
    "age": _age,
    "sex": _sex,
    "performance_status": _performance,
    "pregnancy": _pregnancy,
    "measurable_disease": _measurable,
    "life_expectancy": _life,
    "consent": _screening,
    "contraception": _screening,
    "other": _other,
    "lab": _lab,
    "cns_metastases": _cns,
    "condition": evaluate_disease.condition,
    "stage": evaluate_disease.stage,
    "biomarker": evaluate_disease.biomarker,
    "prior_therapy": evaluate_history.prior_therapy,
    "lines_of_therapy": evaluate_history.lines_of_therapy,
    "washout": evaluate_history.washout,
    "comorbidity": evaluate_history.comorbidity,
}
