"""A FHIR R4 Bundle of one patient (mCODE resources) to a profile.

The bundle is validated with ``fhir.resources`` (its R4B models, which read R4 bundles),
then a small adapter picks what the profile carries. Nothing is invented: what the bundle
does not say stays ``None`` (not recorded). Which resource feeds which field is listed in
docs/cohort.md ("FHIR bundles").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, get_args

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from profiles.errors import Loc, describe, field_path
from profiles.model import TherapyKind
from profiles.record import ProfileRecord, validate_record

ECOG_LOINC = "89247-1"
KARNOFSKY_LOINC = "89243-0"
PREGNANCY_LOINC = "82810-3"
DISEASE_STATUS_LOINC = ("97509-4", "88040-1")
STAGE_GROUP_LOINC = ("21908-9", "21902-2")  # clinical, pathologic
TNM_LOINC = {
    "21905-5": "T",
    "21899-0": "T",
    "21906-3": "N",
    "21900-6": "N",
    "21907-1": "M",
    "21901-4": "M",
}
GENE_STUDIED_LOINC = "48018-6"
VARIANT_LOINC = ("48005-3", "81290-9", "81252-9", "48004-6")
ECOG_ANSWERS = {
    "LA9622-7": 0,
    "LA9623-5": 1,
    "LA9624-3": 2,
    "LA9625-0": 3,
    "LA9626-8": 4,
    "LA9627-6": 5,
}
PREGNANCY_ANSWERS = {"77386006": True, "60001007": False}
DISEASE_STATUS = {
    "268910001": "responding", "359746009": "stable", "271299001": "progressing",
    "709137006": "undetermined", "550991000124107": "undetermined",
}  # fmt: skip
CANCER_WORDS = re.compile(
    r"carcinoma|cancer|tumou?r|neoplasm|lymphoma|leuka?emia|melanoma|sarcoma|myeloma|glioma|blastoma|malignan",
    re.I,
)
SCORING_WORDS = re.compile(
    r"\b(CPS|TPS|IC|TC|H-score)\b|combined positive|tumou?r proportion", re.I
)
_QUALIFIER = re.compile(r"\s*\((qualifier value|finding|disorder|morphologic abnormality)\)$")
Origins = dict[Loc, str]


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


def partial_date(value: Any) -> str | None:
    """A FHIR date or dateTime as the profile's partial date (YYYY, YYYY-MM or YYYY-MM-DD).

    >>> partial_date("2026-11-02T09:00:00Z"), partial_date(date(2025, 11, 3)), partial_date("2025-10")
    ('2026-11-02', '2025-11-03', '2025-10')
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _text(concept: Any) -> str | None:
    if concept is None:
        return None
    if concept.text:
        return str(concept.text).strip()
    for coding in concept.coding or []:
        if coding.display:
            return _QUALIFIER.sub("", str(coding.display)).strip()
    for coding in concept.coding or []:
        if coding.code:
            return str(coding.code)
    return None


def _codes(concept: Any) -> set[str]:
    return {str(c.code) for c in (concept.coding or []) if c.code} if concept is not None else set()


def _profiles(resource: Any) -> str:
    return " ".join(str(p) for p in (resource.meta.profile or [])) if resource.meta else ""


def _label(resource: Any, field: str = "") -> str:
    text = f"{resource.get_resource_type()}/{resource.id or '?'}"
    return f"{text} {field}".strip()


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


def _latest(observations: Iterable[Any]) -> Any:
    return max(observations, key=lambda o: partial_date(o.effectiveDateTime) or "", default=None)


def _observations(observations: list[Any], data: dict[str, Any], origins: Origins) -> None:
    groups: dict[str, list[Any]] = {}
    for obs in observations:
        if obs.status in ("entered-in-error", "cancelled"):
            continue
        groups.setdefault(_observation_kind(obs), []).append(obs)
    if ecog := _latest(groups.get("ecog", [])):
        data["ecog"], origins[("ecog",)] = (
            _score(ecog, ECOG_ANSWERS),
            _label(ecog, _value_field(ecog)),
        )
    if kps := _latest(groups.get("karnofsky", [])):
        data["karnofsky"], origins[("karnofsky",)] = _score(kps, {}), _label(kps, _value_field(kps))
    if preg := _latest(groups.get("pregnancy", [])):
        found = _codes(preg.valueCodeableConcept) & set(PREGNANCY_ANSWERS)
        if found:
            data["pregnant"], origins[("pregnant",)] = PREGNANCY_ANSWERS[found.pop()], _label(preg)
    primary = (data.get("diagnoses") or [None])[0]
    if primary is not None:
        if (stage := _latest(groups.get("stage", []))) and "stage" not in primary:
            primary["stage"] = _text(stage.valueCodeableConcept)
        if status := _latest(groups.get("status", [])):
            found = _codes(status.valueCodeableConcept) & set(DISEASE_STATUS)
            primary["status"] = (
                DISEASE_STATUS[found.pop()] if found else _text(status.valueCodeableConcept)
            )
        tnm = {
            TNM_LOINC[c]: _text(o.valueCodeableConcept)
            for o in groups.get("tnm", [])
            for c in _codes(o.code) & set(TNM_LOINC)
        }
        if tnm:
            primary["tnm"] = "".join(v for k in "TNM" if (v := tnm.get(k)))
    biomarkers = [b for obs in groups.get("biomarker", []) for b in _biomarkers(obs)]
    labs = [lab for obs in groups.get("lab", []) if (lab := _lab(obs))]
    if biomarkers:
        data["biomarkers"] = biomarkers
        _reindex(origins, "biomarkers", biomarkers)
    if labs:
        data["labs"] = labs


def _observation_kind(obs: Any) -> str:
    codes, tags = _codes(obs.code), _profiles(obs)
    if ECOG_LOINC in codes or "ecog" in tags:
        return "ecog"
    if KARNOFSKY_LOINC in codes or "karnofsky" in tags:
        return "karnofsky"
    if PREGNANCY_LOINC in codes:
        return "pregnancy"
    if codes & set(DISEASE_STATUS_LOINC) or "disease-status" in tags:
        return "status"
    if codes & set(STAGE_GROUP_LOINC) or "stage-group" in tags:
        return "stage"
    if codes & set(TNM_LOINC) or "tnm" in tags:
        return "tnm"
    if "tumor-marker" in tags or "genomic" in tags or "variant" in tags:
        return "biomarker"
    if obs.valueQuantity is not None and not SCORING_WORDS.search(_text(obs.code) or ""):
        return "lab"
    if (
        obs.valueCodeableConcept
        or obs.valueString
        or obs.valueBoolean is not None
        or obs.valueQuantity
    ):
        return "biomarker"
    if any(c.valueQuantity is not None or c.valueCodeableConcept for c in obs.component or []):
        return "biomarker"  # e.g. PD-L1 given only as TPS / CPS components
    return "other"


def _value_field(obs: Any) -> str:
    for name in ("valueInteger", "valueQuantity", "valueCodeableConcept", "valueString"):
        if getattr(obs, name, None) is not None:
            return name
    return "value"


def _score(obs: Any, answers: dict[str, int]) -> Any:
    if obs.valueInteger is not None:
        return obs.valueInteger
    if obs.valueQuantity is not None and obs.valueQuantity.value is not None:
        number = float(obs.valueQuantity.value)
        return int(number) if number.is_integer() else number
    found = _codes(obs.valueCodeableConcept) & set(answers)
    if found:
        return answers[found.pop()]
    text = _text(obs.valueCodeableConcept) or obs.valueString
    return str(text).strip().rstrip("%") if text is not None else None


def _gene(obs: Any) -> str | None:
    for comp in obs.component or []:
        if GENE_STUDIED_LOINC in _codes(comp.code):
            return _text(comp.valueCodeableConcept)
    name = _text(obs.code)
    if name and len(name) > 30 and (m := re.match(r"^([A-Z][A-Z0-9-]{1,9})\b", name)):
        return m.group(1)  # a long LOINC display such as "EGFR gene mutations found ..."
    return name


def _result(obs: Any) -> str | None:
    if obs.valueBoolean is not None:
        return "positive" if obs.valueBoolean else "negative"
    text = _text(obs.valueCodeableConcept) or (
        str(obs.valueString).strip() if obs.valueString else None
    )
    if text is None and obs.interpretation:
        text = _text(obs.interpretation[0])
    return text


def _biomarkers(obs: Any) -> list[dict[str, Any]]:
    name = _gene(obs)
    if not name:
        return []
    base: dict[str, Any] = {
        "name": name,
        "result": _result(obs),
        "date": partial_date(obs.effectiveDateTime),
    }
    for comp in obs.component or []:
        if _codes(comp.code) & set(VARIANT_LOINC):
            base["detail"] = _text(comp.valueCodeableConcept) or comp.valueString
    if obs.method:
        base["method"] = _text(obs.method)
    scored = [(obs.code, obs.valueQuantity)] if obs.valueQuantity is not None else []
    scored += [
        (c.code, c.valueQuantity) for c in obs.component or [] if c.valueQuantity is not None
    ]
    found = []
    for code, quantity in scored or [(None, None)]:
        item = dict(base)
        if quantity is not None and quantity.value is not None:
            item["value"] = float(quantity.value)
            item["scoring"] = _scoring(_text(code), quantity.unit or quantity.code)
        found.append({k: v for k, v in item.items() if v is not None})
    for item in found:
        item["__origin__"] = _label(obs)
    return found


def _scoring(text: str | None, unit: str | None) -> str | None:
    if text and (m := SCORING_WORDS.search(text)):
        word = (m.group(1) or m.group(0)).lower()
        return {
            "combined positive": "CPS",
            "tumor proportion": "TPS",
            "tumour proportion": "TPS",
        }.get(word, m.group(1))
    if unit and "mut" in unit.lower():
        return "mut/Mb"
    return "percent" if unit == "%" else None


def _reindex(origins: Origins, field: str, items: list[dict[str, Any]]) -> None:
    for index, item in enumerate(items):
        origins[(field, index)] = item.pop("__origin__")


def _lab(obs: Any) -> dict[str, Any] | None:
    quantity = obs.valueQuantity
    name = _text(obs.code)
    if quantity is None or quantity.value is None or not name:
        return None
    lab = {"name": name, "value": float(quantity.value), "unit": quantity.unit or quantity.code,
           "date": partial_date(obs.effectiveDateTime)}  # fmt: skip
    return {k: v for k, v in lab.items() if v is not None}


def _therapies(
    statements: list[Any],
    procedures: list[Any],
    medications: dict[str, Any],
    data: dict[str, Any],
    origins: Origins,
) -> None:
    groups: dict[str, dict[str, Any]] = {}
    for st in statements:
        drug = _text(st.medicationCodeableConcept) if st.medicationCodeableConcept else None
        if drug is None and st.medicationReference is not None:
            drug = _text(
                getattr(medications.get(str(st.medicationReference.reference)), "code", None)
            )
        if drug is None or st.status in ("entered-in-error", "cancelled"):
            continue
        start, end = _period(st)
        regimen = next(
            (
                m.group(1).strip()
                for n in st.note or []
                if (m := re.search(r"regimen[:\s]+([^;.\n]+)", str(n.text), re.I))
            ),
            None,
        )
        key = regimen or drug.lower()
        group = groups.setdefault(
            key,
            {
                "name": regimen or drug,
                "drugs": [],
                "starts": [],
                "ends": [],
                "ongoing": False,
                "stop": None,
                "kind": None,
                "origin": _label(st),
            },
        )
        if drug not in group["drugs"]:
            group["drugs"].append(drug)
        group["starts"].append(start)
        group["ends"].append(end)
        group["ongoing"] |= st.status in ("active", "on-hold", "in-progress")
        group["stop"] = group["stop"] or _stop_reason(st)
        category = getattr(st, "category", None)
        category = category[0] if isinstance(category, list) and category else category
        kind = (_text(category) or "").lower() if category else ""
        group["kind"] = group["kind"] or (kind if kind in get_args(TherapyKind) else None)
    therapies = [_therapy(g) for g in groups.values()]
    for proc in procedures:
        name = _text(proc.code)
        if name and proc.status not in ("entered-in-error", "not-done"):
            start = partial_date(
                proc.performedPeriod.start if proc.performedPeriod else proc.performedDateTime
            )
            end = partial_date(proc.performedPeriod.end) if proc.performedPeriod else start
            kind = "radiotherapy" if re.search(r"radiat|radiother", name, re.I) else "surgery"
            therapies.append(
                {
                    k: v
                    for k, v in {"name": name, "kind": kind, "start": start, "end": end}.items()
                    if v
                }
                | {"__origin__": _label(proc)}
            )
    if therapies:
        data["therapies"] = therapies
        _reindex(origins, "therapies", therapies)


def _period(st: Any) -> tuple[str | None, str | None]:
    period = (
        getattr(st, "effectivePeriod", None)
        or (getattr(st, "dispenseRequest", None)
        and st.dispenseRequest.validityPeriod)
    )
    if period:
        return partial_date(period.start), partial_date(period.end)
    when = getattr(st, "effectiveDateTime", None) or getattr(st, "authoredOn", None)
    return partial_date(when), None


def _stop_reason(st: Any) -> str | None:
    for ext in st.extension or []:
        if str(ext.url).endswith("termination-reason") and ext.valueCodeableConcept:
            return _text(ext.valueCodeableConcept)
    reasons = getattr(st, "statusReason", None)
    if isinstance(reasons, list) and reasons:
        return _text(reasons[0])
    return _text(reasons) if reasons is not None and not isinstance(reasons, list) else None


def _therapy(group: dict[str, Any]) -> dict[str, Any]:
    starts = [s for s in group["starts"] if s]
    ends = [e for e in group["ends"] if e]
    therapy = {
        "name": group["name"],
        "drugs": group["drugs"],
        "kind": group["kind"],
        "start": min(starts) if starts else None,
        "end": None
        if group["ongoing"] or len(ends) < len(group["ends"])
        else (max(ends) if ends else None),
        "ongoing": True if group["ongoing"] else None,
        "stop_reason": group["stop"],
        "__origin__": group["origin"],
    }
    return {k: v for k, v in therapy.items() if v is not None}
