"""Answering a question on the results page: the matcher's question key -> one profile field.

The questions and their wording come from the matcher (``{"key", "question", "trials"}``);
this module only knows which input asks for each key and how to write the answer back into
the profile JSON, which the caller then validates as a PatientProfile.
"""

from __future__ import annotations

import copy
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
}
HINTS = {
    "age": "Date of birth as YYYY-MM-DD (or just the year).",
    "birth_date": "Date of birth as YYYY-MM-DD.",
    "conditions": "Separate several with commas, e.g. hypertension, diabetes.",
    "life_expectancy": "In months.",
}


def widget(key: str) -> Widget | None:
    """The input that answers a question key, or None when only a doctor can answer it here."""
    if key in WIDGETS:
        return WIDGETS[key]
    head, _, rest = key.partition(":")
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
                "hint": HINTS.get(key),
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
