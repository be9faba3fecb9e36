"""Observations of an mCODE bundle: performance status, stage, status, biomarkers, labs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from profiles.fhir_common import (
    DISEASE_STATUS,
    DISEASE_STATUS_LOINC,
    ECOG_ANSWERS,
    ECOG_LOINC,
    GENE_STUDIED_LOINC,
    KARNOFSKY_LOINC,
    PREGNANCY_ANSWERS,
    PREGNANCY_LOINC,
    SCORING_WORDS,
    STAGE_GROUP_LOINC,
    TNM_LOINC,
    VARIANT_LOINC,
    Origins,
    _codes,
    _label,
    _profiles,
    _reindex,
    _text,
    partial_date,
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


def _lab(obs: Any) -> dict[str, Any] | None:
    quantity = obs.valueQuantity
    name = _text(obs.code)
    if quantity is None or quantity.value is None or not name:
        return None
    lab = {"name": name, "value": float(quantity.value), "unit": quantity.unit or quantity.code,
           "date": partial_date(obs.effectiveDateTime),
           # "<" 50: below 50; "ad" (enough to make up a total) is no bound on a lab value
           "comparator": quantity.comparator if quantity.comparator != "ad" else None}  # fmt: skip
    return {k: v for k, v in lab.items() if v is not None}
