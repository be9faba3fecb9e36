"""Medication statements, requests and procedures of a bundle, grouped into therapies."""

from __future__ import annotations

import re
from typing import Any, get_args

from profiles.fhir_common import (
    Origins,
    _label,
    _reindex,
    _text,
    partial_date,
)
from profiles.model import TherapyKind


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
    period = getattr(st, "effectivePeriod", None) or (
        getattr(st, "dispenseRequest", None) and st.dispenseRequest.validityPeriod
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
