"""Facts read from text -> a validated :class:`~profiles.model.PatientProfile`.

Only what the text says is set; everything else stays ``None`` (not recorded). A fact the
profile model refuses (for example an ECOG of 7) is left out of the profile but kept in the
facts, so nothing read is silently lost.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from profiles.model import Biomarker, Diagnosis, Lab, PatientProfile, Therapy

_SCALARS = ("age", "sex", "ecog", "karnofsky", "pregnant", "breastfeeding")


def _valid(model: Any, value: dict[str, Any]) -> Any | None:
    try:
        return model(**value)
    except (ValidationError, TypeError):
        return None


def build_profile(facts: list[Any], *, id: str | None = None) -> PatientProfile:
    """Assemble a profile from facts (first value wins for single-valued fields)."""
    data: dict[str, Any] = {"id": id}
    for f in facts:
        if f.field in _SCALARS and f.field not in data:
            data[f.field] = f.value
    if data.get("sex") == "male":
        data.pop("pregnant", None)
        data.pop("breastfeeding", None)
    conditions = [f.value for f in facts if f.field == "diagnoses.condition"]
    if conditions:
        diagnosis: dict[str, Any] = {"condition": conditions[0]}
        for f in facts:
            if f.field == "stage" and "stage" not in diagnosis:
                diagnosis["stage"] = f.value
            elif f.field == "extent" and "extent" not in diagnosis:
                diagnosis["extent"] = f.value
        sites = [f.value for f in facts if f.field == "metastatic_sites"]
        if sites:
            diagnosis["metastatic_sites"] = sites
            diagnosis.setdefault("extent", "metastatic")
        first = _valid(Diagnosis, diagnosis) or Diagnosis(condition=conditions[0])
        others = [
            Diagnosis(condition=c) for c in dict.fromkeys(conditions[1:]) if c != conditions[0]
        ]
        data["diagnoses"] = [first, *others]
    markers: dict[str, Biomarker] = {}
    for f in facts:
        if f.field == "biomarkers":
            found = _valid(Biomarker, f.value)
            if found is not None:
                markers.setdefault(f"{found.name}|{found.detail}", found)
    if markers:
        data["biomarkers"] = list(markers.values())
    labs = [_valid(Lab, f.value) for f in facts if f.field == "labs"]
    if any(labs):
        data["labs"] = [lab for lab in labs if lab is not None]
    therapies = [_valid(Therapy, f.value) for f in facts if f.field == "therapies"]
    if any(therapies):
        data["therapies"] = [t for t in therapies if t is not None]
    conds = list(dict.fromkeys(f.value for f in facts if f.field == "conditions"))
    if conds:
        data["conditions"] = conds
    elif any(f.field == "conditions.none" for f in facts):
        data["conditions"] = []
    try:
        return PatientProfile(**data)
    except ValidationError:
        # An inconsistent pair of facts (e.g. pregnant and male): keep the rest.
        data.pop("pregnant", None)
        return PatientProfile(**data)
