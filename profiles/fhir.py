"""A FHIR R4 Bundle of one patient (mCODE resources) to a profile.

The bundle is validated with ``fhir.resources`` (its R4B models, which read R4 bundles),
then a small adapter picks what the profile carries. Nothing is invented: what the bundle
does not say stays ``None`` (not recorded). Which resource feeds which field is listed in
docs/cohort.md ("FHIR bundles").
"""

from __future__ import annotations

import re
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from profiles.errors import describe, field_path
from profiles.fhir_common import (
    CANCER_WORDS,
    Origins,
    _codes,
    _label,
    _profiles,
    _text,
    partial_date,
)
from profiles.fhir_observations import _observations
from profiles.fhir_therapies import _therapies
from profiles.record import ProfileRecord, validate_record


def bundle_record(raw: dict[str, Any], *, position: int, where: str) -> ProfileRecord:
    """Validate a FHIR Bundle and turn it into a record (a profile or errors naming resources)."""
    errors = _shape_errors(raw)
    if errors:
        return ProfileRecord(position, where, None, None, [f"{where}: {e}" for e in errors])
    try:
        bundle = Bundle.model_validate(raw)
    except ValidationError as exc:
        return ProfileRecord(
            position, where, None, None, [f"{where}, {line}" for line in _fhir_errors(exc, raw)]
        )
    data, origins = profile_from_bundle(bundle)
    return validate_record(data, position=position, where=where, sources=origins)


def _shape_errors(raw: dict[str, Any]) -> list[str]:
    kind = raw.get("resourceType")
    if kind != "Bundle":
        return [
            f"not a FHIR Bundle (resourceType is {kind!r}); give a Bundle with one Patient and its resources"
        ]
    entries = raw.get("entry") or []
    if not isinstance(entries, list):
        return ["Bundle.entry is not a list"]
    patients = [
        e.get("resource", {})
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "Patient"
    ]
    if not patients:
        return ["the Bundle has no Patient resource; one bundle holds one patient"]
    if len(patients) > 1:
        ids = ", ".join(f"Patient/{p.get('id', '?')}" for p in patients)
        return [f"the Bundle holds {len(patients)} patients ({ids}); give one bundle per patient"]
    return []


def _fhir_errors(exc: ValidationError, raw: dict[str, Any]) -> list[str]:
    lines = []
    entries = raw.get("entry") or []
    for error in exc.errors():
        loc = tuple(error["loc"])
        label = "Bundle"
        if len(loc) >= 3 and loc[0] == "entry" and isinstance(loc[1], int) and loc[2] == "resource":
            resource = entries[loc[1]].get("resource", {}) if loc[1] < len(entries) else {}
            label = (
                f"{resource.get('resourceType', '?')}/{resource.get('id', f'entry {loc[1] + 1}')}"
            )
            loc = loc[3:]
        message = describe(error)
        if "does not match spec regex" in message:
            what = "date" if message.startswith("Date ") else "dateTime"
            message = f"{error.get('input')!r} is not a FHIR {what} (YYYY, YYYY-MM or YYYY-MM-DD)"
        path = field_path([p for p in loc if not (isinstance(p, str) and p[0].isupper())])
        lines.append(f"{label}, {path}: {message}" if path else f"{label}: {message}")
    return list(dict.fromkeys(lines))


def profile_from_bundle(bundle: Bundle) -> tuple[dict[str, Any], Origins]:
    """The profile fields a bundle carries, and for each the resource it came from."""
    resources = [e.resource for e in bundle.entry or [] if e.resource is not None]
    by_type: dict[str, list[Any]] = {}
    for resource in resources:
        by_type.setdefault(resource.get_resource_type(), []).append(resource)
    data: dict[str, Any] = {}
    origins: Origins = {}
    _patient(by_type["Patient"][0], data, origins)
    _conditions(by_type.get("Condition", []), data, origins)
    _observations(by_type.get("Observation", []), data, origins)
    medications = {f"Medication/{m.id}": m for m in by_type.get("Medication", [])}
    _therapies(
        [*by_type.get("MedicationStatement", []), *by_type.get("MedicationRequest", []),
         *by_type.get("MedicationAdministration", [])],
        by_type.get("Procedure", []), medications, data, origins,
    )  # fmt: skip
    return data, origins


def _patient(patient: Any, data: dict[str, Any], origins: Origins) -> None:
    data["id"] = patient.id or next(
        (str(i.value) for i in patient.identifier or [] if i.value), None
    )
    if patient.gender and patient.gender != "unknown":
        data["sex"], origins[("sex",)] = patient.gender, _label(patient, "gender")
    if patient.birthDate:
        data["birth_date"], origins[("birth_date",)] = (
            partial_date(patient.birthDate),
            _label(patient, "birthDate"),
        )
    address = (patient.address or [None])[0]
    if address is not None:
        location = {
            "postal_code": address.postalCode,
            "city": address.city,
            "state": address.state,
            "country": address.country,
        }
        location = {k: v for k, v in location.items() if v}
        if location:
            data["location"], origins[("location",)] = location, _label(patient, "address")
    if data["id"] is None:
        del data["id"]


def _is_cancer(condition: Any, kind: str) -> bool:
    return f"mcode-{kind}-cancer-condition" in _profiles(condition)


def _conditions(conditions: list[Any], data: dict[str, Any], origins: Origins) -> None:
    usable = [
        c
        for c in conditions
        if not (
            c.verificationStatus and _codes(c.verificationStatus) & {"refuted", "entered-in-error"}
        )
    ]
    secondary = [c for c in usable if _is_cancer(c, "secondary")]
    primaries = [c for c in usable if _is_cancer(c, "primary")]
    rest = [c for c in usable if c not in secondary and c not in primaries]
    if not primaries:  # no mCODE profile tags: a condition named like a cancer is the primary
        primaries = [c for c in rest if CANCER_WORDS.search(_text(c.code) or "")][:1]
        rest = [c for c in rest if c not in primaries]
    diagnoses = []
    for index, condition in enumerate(primaries):
        diagnosis: dict[str, Any] = {"condition": _text(condition.code)}
        origins[("diagnoses", index)] = _label(condition)
        for ext in condition.extension or []:
            if str(ext.url).endswith("histology-morphology-behavior"):
                diagnosis["histology"] = _text(ext.valueCodeableConcept)
        if condition.stage:
            diagnosis["stage"] = _text(condition.stage[0].summary)
        diagnosis["diagnosed_on"] = partial_date(condition.onsetDateTime)
        if index == 0 and secondary:
            diagnosis["metastatic_sites"] = [_site(c) for c in secondary]
            diagnosis["extent"] = "metastatic"  # a secondary cancer is, by definition, metastasis
        diagnoses.append({k: v for k, v in diagnosis.items() if v is not None})
    if diagnoses:
        data["diagnoses"] = diagnoses
    if rest:
        data["conditions"] = [t for c in rest if (t := _text(c.code))]


def _site(condition: Any) -> str:
    site = _text(condition.bodySite[0]) if condition.bodySite else None
    return site or re.sub(
        r"^(secondary|metastatic|metastasis)\s+(\w+\s+)?(to|of|in)\s+",
        "",
        _text(condition.code) or "",
        flags=re.I,
    )
