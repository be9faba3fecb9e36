"""Every plain-English explanation and question, built in one place from outcome fields.

The web pages, the API and the command line call :func:`explain` and :func:`question_text`
(and :func:`matcher.describe.describe_criterion` for a criterion without a patient); none
writes its own wording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matcher import knowledge as kb
from matcher.describe import as_weeks, display_name
from matcher.outcome import Finding
from rules import vocab

if TYPE_CHECKING:
    from matcher.verdict import CriterionOutcome

EVIDENCE = {
    ("MMR", "deficient"): "dMMR (mismatch-repair deficient)",
    ("MSI", "MSI-H"): "MSI-H (microsatellite instability-high)",
    ("MMR", "proficient"): "pMMR (mismatch-repair proficient)",
    ("MSI", "MSS"): "MSS (microsatellite stable)",
}


def explain(o: CriterionOutcome) -> str:
    """The explanation of one outcome: the trial's words, the patient's facts, the result."""
    c, f = o.criterion, o.finding
    if f.code == "placeholder":
        return f'The registry lists "{c.text}" here: there is nothing to check.'
    if f.code == "heading":
        return f'"{c.text}" heads the items after it: each of them is checked on its own.'
    if f.code == "if_absent":
        return f'The trial asks: "{c.text}". This applies only to patients with that condition, which your record does not list.'
    if f.assumed:
        return (
            f'The trial asks: "{c.text}". This is confirmed with the trial team at screening, '
            "so it is not counted for or against you."
        )
    if o.status == "needs_clinician":
        return f'Only a clinician can judge this: "{c.text}". Ask the trial team or your doctor.'
    verb = "requires" if o.required else "excludes"
    text = f"The trial {verb} {requirement(c.kind, c.params, f)}; {patient_side(f)}."
    if f.ready_on and o.status == "not_met":
        text += f" This will no longer stand in the way from {f.ready_on.isoformat()}."
    if c.rule == "ctgov:conditions":
        studied = requirement(c.kind, c.params, f).removeprefix("a diagnosis of ")
        text = f"The trial studies {studied}; {patient_side(f)}."
        if o.low_confidence or f.mismatch or f.code == "condition.coarse":
            text += (
                " The listed conditions describe whom the trial is for but do not by "
                "themselves exclude you: check with the trial team."
            )
    elif o.doubt:
        from matcher.guards import explanation

        text += (
            f" This does not rule you out, because {explanation(o.doubt)}: "
            "check it with the trial team."
        )
    elif o.low_confidence:
        text += (
            " We are not sure we read this criterion right, so it does not rule you out: "
            "check it with the trial team."
        )
    return text[0].upper() + text[1:]


def requirement(kind: str, params: dict[str, Any], f: Finding) -> str:
    """What the proposition P says, in words ("ECOG 0-1", "active autoimmune disease")."""
    if f.parts:
        joiner = " or " if f.mode == "any" else " and "
        items = [it for it in params.get("any_of") or params.get("all_of") or []]
        words = [
            ("not " if (it.get("params") or {}).get("negated") else "")
            + requirement(it.get("kind") or kind, it.get("params") or {}, part)
            for it, part in zip(items, f.parts, strict=False)
        ]
        return joiner.join(words)
    x = f.facts
    if kind == "age":
        return f"age {x.get('want', '')}".strip()
    if kind == "sex":
        return f"{x.get('want')} patients"
    if kind == "stage":
        return f"{x.get('want', 'a stage the trial names')} disease"
    if kind in ("performance_status", "lines_of_therapy"):
        suffix = " prior lines of therapy" if kind == "lines_of_therapy" else ""
        return f"{x.get('want', 'a stage the trial names')}{suffix}"
    if kind == "pregnancy":
        return "pregnancy or breastfeeding" if x.get("breastfeeding") else "pregnancy"
    if kind == "measurable_disease":
        return "measurable disease" + (f" ({x['standard']})" if x.get("standard") else "")
    if kind == "life_expectancy":
        return f"a life expectancy {as_weeks(x.get('want', ''))}".strip()
    if kind == "lab":
        return f"{x.get('analyte', 'a lab value')} {x.get('want', '')}".strip()
    if kind == "cns_metastases":
        state = x.get("state") or "any"
        cns = "brain or CNS metastases" if state == "any" else f"{state} brain or CNS metastases"
        return cns + (f" (unless {' and '.join(x['allowed'])})" if x.get("allowed") else "")
    if kind == "condition" and ("studied" in params or "healthy" in params):
        return _w(x.get("want")) if not params.get("mentions") else _w(params["mentions"])
    if kind == "condition":
        names = x.get("mentions") or [display_name("cancers", w) for w in x.get("want") or []]
        return "a diagnosis of " + (" or ".join(names) or "the cancer studied")
    if kind == "biomarker":
        return _biomarker_words(x)
    if kind == "prior_therapy" and x.get("current"):
        return f"current use of {x.get('want', 'the therapy')}"
    if kind == "prior_therapy":
        return f"prior {x.get('want', 'therapy')}"
    if kind == "washout":
        what = ("starting or changing " if x.get("started") else "") + x.get("want", "treatment")
        return f"{what} within {x.get('days', '?')} days before {x.get('as_of')}"
    if kind == "comorbidity":
        want = str(x.get("want", "the condition"))
        said = any(w in want.lower() for w in ("active", "uncontrolled", "current", "ongoing"))
        return ("active " if x.get("active") and not said else "") + want
    return "this"


def _biomarker_words(x: dict[str, Any]) -> str:
    name = x.get("name", "?")
    if x.get("threshold"):
        return f"{name} {x.get('scoring') or ''} {x['threshold']}".replace("  ", " ")
    if x.get("variants"):
        return f"{name} {' or '.join(x['variants'])}"
    result = x.get("result") or "positive"
    if result in ("MSI-H", "deficient"):
        return "MSI-H or dMMR" if name in ("MSI", "MMR") else f"{name} {result}"
    return f"{name}-{result}" if name.startswith("HER2") else f"{name} {result}"


def patient_side(f: Finding) -> str:
    """What the profile says (or lacks), in words."""
    if f.parts:
        return "; ".join(patient_side(p) for p in f.parts)
    x, code = f.facts, f.code
    templates = {
        "missing.age": "your age (or date of birth) is not recorded",
        "missing.sex": "your sex is not recorded",
        "sex.other": "your recorded sex is {patient}, so the trial team decides",
        "sex": "your recorded sex is {patient}",
        "missing.performance": "no ECOG or Karnofsky performance status is recorded",
        "pregnancy.male": "you are recorded as male",
        "missing.pregnancy": "your record does not say whether you are pregnant"
        + (" or breastfeeding" if x.get("breastfeeding") else ""),
        "missing.measurable": "your record does not say whether you have measurable disease",
        "missing.life_expectancy": "no life expectancy estimate is recorded",
        "life_expectancy": "your recorded life expectancy is {patient} months",
        "missing.lab": "no {analyte} result is recorded",
        "lab": "your {analyte} is {patient}",
        "lab.units": "your {analyte} is {patient}, which cannot be compared with a limit in {unit} "
        "without the lab's reference range",
        "missing.cns": "your record does not say whether the cancer has spread to the brain",
        "cns.none": "no brain or CNS metastases are recorded",
        "cns.none_local": "your disease is recorded as {extent}, so without brain metastases",
        "cns.present": "your record lists {patient}",
        "cns.quiet": "your record lists {patient}",
        "cns.active": "your record lists {patient}",
        "cns.state_unknown": "your record lists {patient} but not whether they are treated and stable",
        "missing.diagnosis": "no diagnosis is recorded",
        "condition.unrecognized": "we did not recognise your diagnosis, {patient}",
        "missing.stage": "no stage or extent is recorded",
        "missing.biomarker": "no {name} result is recorded",
        "missing.therapies": "your treatment history is not recorded",
        "missing.conditions": "your other medical conditions are not recorded",
        "unparsed": "we could not read the numbers in this criterion",
        "lines": "you have had {patient} prior line(s) of therapy for advanced disease by our count",
    }
    if code in templates:
        if "name" in x and code == "missing.biomarker":
            x = {**x, "name": vocab.biomarker_label(str(x["name"]))}
        return templates[code].format(**{k: _w(v) for k, v in x.items()})
    handler = _HANDLERS.get(code)
    return handler(f) if handler else "see the criterion"


def _w(v: Any) -> str:
    """A list of the patient's facts as words, each once (a letter may name a regimen twice).

    >>> _w(["FOLFOX", "FOLFIRI + bevacizumab", "FOLFIRI + bevacizumab"]), _w("ECOG 1")
    ('FOLFOX, FOLFIRI + bevacizumab', 'ECOG 1')
    """
    if not isinstance(v, list):
        return str(v)
    return ", ".join(dict.fromkeys(words_of_id(str(x)) for x in v))


def words_of_id(name: str) -> str:
    """A name the note reader took from a vocabulary id, in words.

    >>> words_of_id("insulin_glargine"), words_of_id("carboplatin + liposomal_doxorubicin")
    ('insulin glargine', 'carboplatin + liposomal doxorubicin')
    """
    return name.replace("_", " ")


def _age(f: Finding) -> str:
    p = f.facts["patient"]
    return f"you are {p}" if " or " not in p else f"you are {p} (your birth date is partial)"


def _performance(f: Finding) -> str:
    scale, _, score = f.facts["patient"].partition(" ")
    text = f"your {scale} is {score}"
    return text + (f" (about {f.facts['converted']})" if f.facts.get("converted") else "")


def _pregnancy(f: Finding) -> str:
    x = f.facts
    if f.value:
        return (
            "you are recorded as pregnant"
            if x.get("pregnant")
            else "you are recorded as breastfeeding"
        )
    return "you are recorded as not pregnant" + (
        " and not breastfeeding" if x.get("breastfeeding") else ""
    )


def _measurable(f: Finding) -> str:
    return (
        "you are recorded as having measurable disease"
        if f.value
        else "your record says there is no measurable disease"
    )


def _condition(f: Finding) -> str:
    x = f.facts
    if f.value:
        matched = display_name("cancers", str(x.get("matched", "")))
        if matched.lower() == str(x["patient"]).lower():
            return f"your diagnosis is {x['patient']}"
        return f"your diagnosis, {x['patient']}, is a form of {matched}"
    if x.get("broader"):
        return f"your diagnosis, {x['patient']}, is broader: is it {display_name('cancers', x['broader'])}?"
    return f"your diagnosis is {x['patient']}"


def _coarse(f: Finding) -> str:
    x = f.facts
    return (
        f"your diagnosis, {x['patient']}, is a form of {display_name('cancers', x['coarse'])}, but the "
        "trial names a more specific kind than we can check"
    )


def _studied(f: Finding) -> str:
    x = f.facts
    if f.value:
        return f"your record lists {x['matched']}"
    if f.code == "studied.healthy":
        if f.value is False:
            return f"your record lists {_w(x['patient'])}, so you are not a healthy volunteer"
        return "your record does not say whether you have any medical conditions"
    if not x.get("patient"):
        return "your record does not list it"
    return f"your record ({_w(x['patient'])}) does not list it"


def _confirmation(f: Finding) -> str:
    if f.facts.get("confirmation") is False:
        return "your diagnosis is recorded as not confirmed by histology"
    return "your record does not say whether the diagnosis was confirmed by histology"


def _stage(f: Finding) -> str:
    x = f.facts
    text = f"your disease is recorded as {x['patient']}"
    return text + (f", with metastases in {x['sites']}" if x.get("sites") else "")


def _biomarker(f: Finding) -> str:
    x = f.facts
    return f"your {vocab.biomarker_label(x['name'])} result is {x.get('patient', 'not recorded')}"


def _equivalent(f: Finding) -> str:
    x = f.facts
    ev = EVIDENCE.get(
        (x["evidence"], x["evidence_result"]), f"{x['evidence']} {x['evidence_result']}"
    )
    if f.value is False:
        same = kb.biomarker_equivalents(x["evidence"], x["evidence_result"])
        as_ = [EVIDENCE.get(p, f"{p[0]} {p[1]}") for p in same if p[0] == x["name"]]
        return f"your tumour is {ev}, which counts as {as_[0] if as_ else 'another result'}"
    return f"your tumour is {ev}, which counts"


def _scoring(f: Finding) -> str:
    x = f.facts
    return (
        f"your {x['name']} result is {x.get('patient')}, but that scoring method does not "
        f"answer a {x.get('scoring')} threshold"
    )


def _her2(f: Finding) -> str:
    x = f.facts
    status = x.get("status")
    if status in (None, "equivocal"):
        return f"your HER2 result is {x.get('patient')}, which does not settle the status (IHC 2+ needs ISH)"
    return f"your HER2 result is {x.get('patient')}, which is HER2-{status}"


def _her2_mutation(f: Finding) -> str:
    return (
        f"your HER2 result is {f.facts.get('patient')}; a HER2 test result (overexpression or "
        "amplification) does not say whether there is a HER2 mutation"
    )


def _prior(f: Finding) -> str:
    x = f.facts
    if f.value:
        return f"you received {_w(x['matched'])}"
    if not x.get("patient"):
        return "no prior anticancer therapy is recorded"
    if f.value is False:
        return f"your recorded therapies ({_w(x['patient'])}) do not include it"
    return f"your record ({_w(x['patient'])}) does not say enough to tell"


def _current(f: Finding) -> str:
    """A therapy received now: the one ongoing, else the ones that ended (and when), else
    the ones whose dates do not say whether they go on."""
    x = f.facts
    if f.value:
        return f"your record lists {_w(x['matched'])} as current"
    if x.get("unclear"):
        return (
            f"your record lists {_w(x['unclear'])} but not whether you are currently receiving it"
        )
    if f.value is None and x.get("unsure"):
        return (
            f"you currently receive {_w(x['unsure'])}; whether it is such a treatment is not clear"
        )
    if x.get("ended"):
        ended = "; ".join(f"{name}, which ended in {end}" for name, end in x["ended"])
        return f"your record lists {ended}, so not currently"
    if not x.get("patient"):
        return "no current treatment is recorded"
    return f"none of your recorded therapies ({_w(x['patient'])}) is one you currently receive"


def _washout(f: Finding) -> str:
    """The therapy that decided a washout, in words: the one inside the window, else the most
    recent one matched, else the one whose date is missing or unclear."""
    x = f.facts
    if x.get("started"):
        return _started(f)
    unsure = "; whether it is such a treatment is not clear" if x.get("unsure") else ""
    if x.get("ongoing"):
        return f"you are still receiving {x['last']}" + unsure
    ended = "was on" if x.get("one_day") else "ended"  # an operation is a day, not a course
    if x.get("last") and f.value is False:
        return f"your last {x['last']} {ended} {x['end']}, earlier than that"
    if f.value or (x.get("last") and not x.get("partial")):
        return f"your last {x['last']} {ended} {x['end']}" + unsure
    if x.get("partial"):
        return (
            f"your {x['last']} {ended} {x['end']}, which may or may not be within {x['days']} days"
        )
    if x.get("undated"):
        return f"the end date of {_w(x['undated'])} is not recorded"
    return f"no such treatment within {x['days']} days before {x['as_of']} is recorded"


def _started(f: Finding) -> str:
    """A washout on when a therapy was begun or changed ("initiation of insulin within 4
    months", "recent increase in glucocorticoids"): its start date is what is checked."""
    x = f.facts
    if x.get("undated"):
        return (
            f"the start date of {_w(x['undated'])} is not recorded, so we cannot tell whether "
            "it was started or changed in that time"
        )
    if x.get("last") and x.get("start"):
        start = str(x["start"])
        day = len(start) >= 10  # "2026-10-01", not "2026-10" or "2026"
        when = f"your {x['last']} was started {'on' if day else 'in'} {start}"
        if f.value:
            return when
        if f.value is None:
            return when + (
                "; whether it counts is not clear"
                if day
                else ", which may or may not be in that time"
            )
        return when + ", earlier than that (no later change is recorded)"
    return f"no such treatment started within {x['days']} days before {x['as_of']} is recorded"


def _comorbidity(f: Finding) -> str:
    x = f.facts
    if x.get("grade"):  # "Grade >= 2 peripheral neuropathy" (matcher.evaluate_grade)
        graded = _graded(f)
        if graded:
            return graded
    if f.value:
        return f"your recorded conditions include {_w(x['matched'])}"
    if f.value is None and x.get("matched"):
        what = "whether it is active" if x.get("active") else "enough to tell"
        return f"your record lists {_w(x['matched'])} but not {what}"
    if not x.get("patient"):
        return "no other medical conditions are recorded"
    return f"none of your recorded conditions ({_w(x['patient'])}) is one"


def _graded(f: Finding) -> str | None:
    """Both grades named: "your record says peripheral neuropathy (grade 1); the trial counts
    grade 2 or higher"."""
    x = f.facts
    if f.value:
        return f"your record says {_w(x['matched'])}; the trial counts {x['grade']}"
    if f.value is None and x.get("matched"):
        return (
            f"your record lists {_w(x['matched'])} without its grade; the trial counts {x['grade']}"
        )
    if f.value is False and x.get("below"):
        return f"your record says {_w(x['below'])}; the trial counts only {x['grade']}"
    return None


_HANDLERS = {
    "age": _age,
    "performance": _performance,
    "pregnancy": _pregnancy,
    "measurable": _measurable,
    "condition": _condition,
    "condition.confirmation": _confirmation,
    "condition.coarse": _coarse,
    "studied": _studied,
    "studied.healthy": _studied,
    "stage": _stage,
    "biomarker": _biomarker,
    "biomarker.equivalent": _equivalent,
    "biomarker.scoring": _scoring,
    "biomarker.her2": _her2,
    "biomarker.her2_mutation": _her2_mutation,
    "prior_therapy": _prior,
    "prior_therapy.current": _current,
    "washout": _washout,
    "comorbidity": _comorbidity,
}

_QUESTIONS = {
    "age": "What is your date of birth?",
    "birth_date": "What is your exact date of birth?",
    "sex": "What is your sex?",
    "ecog": "What is your ECOG performance status (0-5)?",
    "karnofsky": "What is your Karnofsky performance status (0-100)?",
    "diagnosis": "What type of cancer were you diagnosed with?",
    "diagnosis:subtype": "What exact type (histology) of cancer was diagnosed?",
    "diagnosis:confirmed": "Was the diagnosis confirmed by a biopsy (histology or cytology)?",
    "stage": "What is the stage of the cancer, and has it spread (locally advanced or metastatic)?",
    "therapies": "Which cancer treatments have you had, in which setting, with start and end dates?",
    "conditions": "What other medical conditions do you have?",
    "brain_metastases": "Has the cancer spread to the brain or spinal cord?",
    "brain_metastases:state": "Are the brain metastases treated and stable, without symptoms?",
    "pregnant": "Are you pregnant?",
    "breastfeeding": "Are you breastfeeding?",
    "measurable_disease": "Does a recent scan show measurable disease (RECIST 1.1)?",
    "life_expectancy": "What is your doctor's estimate of your life expectancy, in months?",
    "biomarker:HER2:IHC": "What was the HER2 IHC score (0, 1+, 2+ or 3+), and the ISH result if 2+?",
}


def question_text(key: str) -> str:
    """The question a patient or navigator can answer, for a stable question key.

    >>> question_text("biomarker:PD-L1:TPS")
    'What was the PD-L1 TPS result?'
    >>> question_text("ecog")
    'What is your ECOG performance status (0-5)?'
    >>> question_text("condition_active:rheumatoid_arthritis")
    'Is your rheumatoid arthritis currently active?'
    >>> question_text("lab:total_bilirubin:mg/dL")
    'What is your most recent total bilirubin result?'
    >>> question_text("condition:covid19")
    'Do you have COVID-19?'
    """
    if key in _QUESTIONS:
        return _QUESTIONS[key]
    head, _, rest = key.partition(":")
    rest_words = rest.replace("_", " ")
    if head == "biomarker":
        name, _, scoring = rest.partition(":")
        name = vocab.biomarker_label(name)
        return f"What was the {name} {scoring} result?".replace("  ", " ")
    if head == "lab":
        ident, _, unit = rest.partition(":")
        name = kb.entry_name("labs", ident) or ident.replace("_", " ")
        name = name if len(name) > 1 and name[1].isupper() else name[:1].lower() + name[1:]
        if "uln" in unit.lower() or "lln" in unit.lower():
            return f"What is your most recent {name} result, and the lab's normal range?"
        return f"What is your most recent {name} result?"
    if head == "therapy_end":
        return f"When did you receive the last dose of {rest}?"
    if head == "condition" and rest:
        return f"Do you have {kb.entry_name('comorbidities', rest) or rest_words}?"
    if head == "condition_active":
        return f"Is your {rest_words} currently active?"
    if head == "condition_grade":
        return f"What is the CTCAE grade (0-4) of your {rest_words}?"
    if head == "condition_when":
        return f"When was your {rest_words} diagnosed or last treated?"
    return f"Can you tell us about: {rest_words or head}?"
