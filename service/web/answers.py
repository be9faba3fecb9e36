"""Answering a question on the results page: one profile field, updated from a plain answer.

The questions come from the matcher (each names the profile field that would settle
unknown criteria); this module only knows how to ask for a field and write the answer back.
"""

from __future__ import annotations

import copy
from typing import Any

from profiles.model import PatientProfile
from service.web import form

YES_NO = [("true", "Yes"), ("false", "No")]
# field -> (input kind, choices); a field not listed gets a free-text box.
WIDGETS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "ecog": ("select", [(str(v), d) for v, d in form.ECOG]),
    "sex": ("select", [("female", "Female"), ("male", "Male"), ("other", "Other")]),
    "age": ("number", []),
    "measurable_disease": ("select", YES_NO),
    "pregnant": ("select", YES_NO),
    "breastfeeding": ("select", YES_NO),
    "extent": ("select", [(v, d) for v, d in form.EXTENTS]),
    "stage": ("select", [(s, f"Stage {s}") for s in form.STAGES]),
    "histologically_confirmed": ("select", YES_NO),
    "biomarker": ("select", list(form.BIOMARKER_RESULTS)),
    "life_expectancy_months": ("number", []),
}


def field_key(field: str) -> tuple[str, str | None]:
    """Split 'biomarkers.EGFR' into ('biomarker', 'EGFR'); 'diagnoses[0].stage' into ('stage', None)."""
    if field.startswith("biomarkers.") or field.startswith("biomarker:"):
        return "biomarker", field.split(".", 1)[-1].split(":", 1)[-1]
    last = field.replace("]", "").split(".")[-1].split("[")[0]
    return last, None


def decorate(questions: list[Any], profile: PatientProfile) -> list[dict[str, Any]]:
    """Each question with the widget that answers it (None when the page cannot take it)."""
    out = []
    for q in questions:
        item = dict(q) if isinstance(q, dict) else {"text": str(q)}
        field = str(item.get("field") or "")
        key, _ = field_key(field)
        widget = WIDGETS.get(key)
        item["widget"] = {"kind": widget[0], "choices": widget[1]} if widget and field else None
        out.append(item)
    return out


def apply(profile: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    """A copy of ``profile`` with the answer written to ``field`` (validated by the caller)."""
    if not field or not value:
        raise ValueError("choose an answer first")
    data = copy.deepcopy(profile)
    key, name = field_key(field)
    parsed: Any = {"true": True, "false": False}.get(value, value)
    if key == "biomarker":
        markers = [b for b in data.get("biomarkers") or [] if b.get("name") != name]
        markers.append({"name": name, "result": value})
        data["biomarkers"] = markers
    elif key in ("extent", "stage", "histologically_confirmed"):
        diagnoses = data.get("diagnoses") or []
        if not diagnoses:
            raise ValueError("tell us the cancer type first")
        diagnoses[0][key] = parsed
        data["diagnoses"] = diagnoses
    elif key in WIDGETS or key in PatientProfile.model_fields:
        data[key] = parsed
    else:
        raise ValueError(f"this page cannot record {field!r}; tell your doctor instead")
    return data
