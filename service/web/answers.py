"""Answering a question on the results page: the matcher's question key -> one profile field.

The questions and their wording come from the matcher (``{"key", "question", "trials"}``);
this module only knows which input asks for each key and how to write the answer back into
the profile JSON, which the caller then validates as a PatientProfile.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from service.web import form

YES_NO = [("true", "Yes"), ("false", "No")]
Widget = tuple[str, list[tuple[str, str]]]  # (input kind, choices)
WIDGETS: dict[str, Widget] = {
    "ecog": ("select", [(str(v), d) for v, d in form.ECOG]),
    "karnofsky": ("number", []),
    "sex": ("select", [("female", "Female"), ("male", "Male"), ("other", "Other")]),
    "age": ("text", []),
    "birth_date": ("text", []),
    "pregnant": ("select", YES_NO),
    "breastfeeding": ("select", YES_NO),
    "measurable_disease": ("select", YES_NO),
    "diagnosis:confirmed": ("select", YES_NO),
    "stage": ("select", list(form.EXTENTS)),
    "brain_metastases": ("select", YES_NO),
    "life_expectancy": ("number", []),
    "conditions": ("text", []),
    "diagnosis": ("text", []),
    "diagnosis:subtype": ("text", []),
    "therapies": ("text", []),
    "brain_metastases:state": (
        "select",
        [
            ("stable", "Treated and stable, without symptoms"),
            ("active", "Not yet treated, growing, or causing symptoms"),
        ],
    ),
    "biomarker:HER2:IHC": (
        "select",
        [
            ("0", "IHC 0"),
            ("1", "IHC 1+"),
            ("2:negative", "IHC 2+ with a negative ISH (FISH) test"),
            ("2:positive", "IHC 2+ with a positive ISH (FISH) test"),
            ("3", "IHC 3+"),
        ],
    ),
}
# Families keyed by the part before the first ":" (the rest names a condition or a therapy).
FAMILIES: dict[str, Widget] = {
    # only "yes" can be written into the profile: it has no field for "I do not have X"
    "condition": ("select", [("true", "Yes, I have it")]),
    "condition_active": ("select", YES_NO),
    "condition_grade": (
        "select",
        [
            ("0", "Grade 0: it has gone"),
            ("1", "Grade 1: mild"),
            ("2", "Grade 2: moderate, limits some daily activities"),
            ("3", "Grade 3: severe, limits self-care"),
            ("4", "Grade 4: life-threatening"),
        ],
    ),
    "condition_when": ("number", []),
    "therapy_end": ("text", []),
}
HINTS = {
    "age": "Date of birth as YYYY-MM-DD (or just the year).",
    "birth_date": "Date of birth as YYYY-MM-DD.",
    "conditions": "Separate several with commas, e.g. hypertension, diabetes.",
    "life_expectancy": "In months.",
    "therapies": "Names separated by commas (e.g. FOLFIRINOX, radiotherapy), or type none.",
    "condition": "Only a 'yes' can be recorded here: if you do not have it, leave this one.",
    "condition_when": "The year (for example 2019).",
    "therapy_end": "The date of the last dose as YYYY-MM-DD (or YYYY-MM).",
}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def widget(key: str) -> Widget | None:
    """The input that answers a question key, or None when only a doctor can answer it here."""
    if key in WIDGETS:
        return WIDGETS[key]
    head, _, rest = key.partition(":")
    if head in FAMILIES and rest:
        return FAMILIES[head]
    if head == "biomarker" and rest:
        _name, _, scoring = rest.partition(":")
        if scoring and scoring not in ("IHC", "ISH"):
            return ("number", [])
        return ("select", list(form.BIOMARKER_RESULTS))
    if head == "lab" and rest:
        unit = rest.partition(":")[2].lower()
        return None if ("uln" in unit or "lln" in unit) else ("number", [])
    return None


def decorate(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each question with the input that answers it (``widget`` None: ask a doctor)."""
    out = []
    for q in questions:
        key = str(q.get("key") or "")
        found = widget(key)
        out.append(
            {
                **q,
                "hint": HINTS.get(key) or HINTS.get(key.partition(":")[0]),
                "widget": {"kind": found[0], "choices": found[1]} if found else None,
            }
        )
    return out


def _primary(data: dict[str, Any]) -> dict[str, Any]:
    diagnoses = data.get("diagnoses") or []
    if not diagnoses:
        raise ValueError("tell us the cancer type first (change your answers)")
    return diagnoses[0]  # type: ignore[no-any-return]


def apply(profile: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    """A copy of ``profile`` with the answer to question ``key`` written in."""
    value = value.strip()
    if not key or not value:
        raise ValueError("choose or type an answer first")
    if widget(key) is None:
        raise ValueError("this page cannot record that answer; ask your doctor about it")
    data = copy.deepcopy(profile)
    yes = {"true": True, "false": False}.get(value)
    head, _, rest = key.partition(":")
    if key in ("ecog", "karnofsky", "sex"):
        data[key] = value
    elif key in ("age", "birth_date"):
        data["birth_date"] = value
    elif key in ("pregnant", "breastfeeding", "measurable_disease"):
        data[key] = yes
    elif key == "life_expectancy":
        data["life_expectancy_months"] = value
    elif key == "conditions":
        data["conditions"] = [c.strip() for c in value.split(",") if c.strip()]
    elif key == "diagnosis":
        data["diagnoses"] = [{**(data.get("diagnoses") or [{}])[0], "condition": value}]
    elif key == "diagnosis:subtype":
        _primary(data)["histology"] = value
    elif key == "diagnosis:confirmed":
        _primary(data)["histologically_confirmed"] = yes
    elif key == "stage":
        _primary(data)["extent"] = value
    elif key == "brain_metastases":
        dx = _primary(data)
        sites = [s for s in dx.get("metastatic_sites") or [] if "brain" not in s.lower()]
        dx["metastatic_sites"] = [*sites, "brain"] if yes else sites
    elif key == "therapies":
        _therapies(data, value)
    elif head == "therapy_end":
        _therapy_end(data, rest, value)
    elif key == "brain_metastases:state":
        dx = _primary(data)
        words = "treated, stable, asymptomatic" if value == "stable" else "untreated, symptomatic"
        sites = [s for s in dx.get("metastatic_sites") or [] if "brain" not in s.lower()]
        dx["metastatic_sites"] = [*sites, f"brain ({words})"]
    elif head == "condition":
        name = _comorbidity_name(rest)
        if yes and name.lower() not in (c.lower() for c in data.get("conditions") or []):
            data["conditions"] = [*(data.get("conditions") or []), name]
    elif head in ("condition_active", "condition_when", "condition_grade"):
        _qualify_condition(data, rest, head, value)
    elif key == "biomarker:HER2:IHC":
        ihc, _, ish = value.partition(":")
        markers = [b for b in data.get("biomarkers") or [] if b.get("name") != "HER2"]
        markers.append({"name": "HER2", "value": int(ihc), "scoring": "IHC"})
        if ish:
            markers.append({"name": "HER2", "result": ish, "scoring": "ISH"})
        data["biomarkers"] = markers
    elif head == "biomarker":
        name, _, scoring = rest.partition(":")
        markers = [b for b in data.get("biomarkers") or [] if b.get("name") != name]
        if scoring and scoring not in ("IHC", "ISH"):
            markers.append({"name": name, "value": value, "scoring": scoring})
        else:
            markers.append({"name": name, "result": value})
        data["biomarkers"] = markers
    elif head == "lab":
        name, _, unit = rest.partition(":")
        labs = [lab for lab in data.get("labs") or [] if lab.get("name") != name]
        data["labs"] = [*labs, {"name": name, "value": value, "unit": unit or None}]
    return data


def _therapies(data: dict[str, Any], value: str) -> None:
    if value.lower() in ("none", "no", "nothing"):
        data["therapies"] = []
        return
    names = [n.strip() for n in value.split(",") if n.strip()]
    known = {t.get("name", "").lower() for t in data.get("therapies") or []}
    added = [{"name": n} for n in names if n.lower() not in known]
    data["therapies"] = [*(data.get("therapies") or []), *added]


def _therapy_end(data: dict[str, Any], name: str, value: str) -> None:
    if not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD (or YYYY-MM)")
    wanted = name.strip().lower()
    for t in reversed(data.get("therapies") or []):
        names = [t.get("name", ""), *(t.get("drugs") or [])]
        if any(wanted in str(n).lower() or str(n).lower() in wanted for n in names if n):
            t["end"], t["ongoing"] = value, False
            return
    raise ValueError(f"no treatment named {name!r} in your answers (change your answers)")


def _comorbidity_name(ident: str) -> str:
    from matcher.knowledge import entry_name

    return entry_name("comorbidities", ident) or ident.replace("_", " ")


def _qualify_condition(data: dict[str, Any], ref: str, head: str, value: str) -> None:
    """Mark the condition the question names as active / inactive, or add its year or its
    CTCAE grade."""
    from matcher.knowledge import comorbidity_id

    if head == "condition_when":
        if not re.fullmatch(r"(19|20)\d{2}", value) or int(value) > date.today().year:
            raise ValueError(f"{value!r} is not a year such as 2019")
        note = value
    elif head == "condition_grade":  # read back by matcher.evaluate_grade
        if value not in ("0", "1", "2", "3", "4"):
            raise ValueError(f"{value!r} is not a CTCAE grade 0-4")
        note = f"grade {value}"
    else:
        note = {"true": "active", "false": "inactive"}[value]
    conditions = list(data.get("conditions") or [])
    for i, text in enumerate(conditions):
        if text == ref or comorbidity_id(text) == ref:
            conditions[i] = f"{text} ({note})"
            data["conditions"] = conditions
            return
    raise ValueError(f"no condition {ref.replace('_', ' ')!r} in your answers")
