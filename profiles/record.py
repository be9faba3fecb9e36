"""One loaded patient record: where it came from, and either a profile or its errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from profiles.errors import Loc, format_errors
from profiles.model import PatientProfile


@dataclass(frozen=True)
class ProfileRecord:
    """A patient read from a file.

    ``position`` is the 1-based number shown in ``where`` (the spreadsheet row of a CSV,
    the line of a JSONL file, the item of a JSON array, the file of a folder); ``where``
    names it for people (``"cohort.csv, row 17"``); exactly one of ``profile`` and
    ``errors`` is set.
    """

    position: int
    where: str
    patient_id: str | None = None
    profile: PatientProfile | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.profile is not None and not self.errors


def validate_record(
    data: Any,
    *,
    position: int,
    where: str,
    errors: list[str] | None = None,
    sources: Mapping[Loc, str] | None = None,
) -> ProfileRecord:
    """Validate a profile dict; earlier ``errors`` (already without ``where``) are kept first.

    >>> validate_record({"id": "p1", "ecog": 7}, position=3, where="x.jsonl, line 3").errors
    ["x.jsonl, line 3, ecog: '7' is not an ECOG score (0-5)"]
    """
    lines = [f"{where}, {e}" for e in errors or []]
    patient_id = _patient_id(data)
    if not isinstance(data, dict):
        lines.append(
            f"{where}: not a profile (a JSON object with fields such as id, age, diagnoses)"
        )
        return ProfileRecord(position, where, patient_id, None, lines)
    try:
        profile = PatientProfile.model_validate(data)
    except ValidationError as exc:
        lines.extend(format_errors(exc, where, sources=sources))
        return ProfileRecord(position, where, patient_id, None, lines)
    if lines:
        return ProfileRecord(position, where, patient_id, None, lines)
    return ProfileRecord(position, where, patient_id, profile, [])


def _patient_id(data: Any) -> str | None:
    if isinstance(data, dict) and data.get("id") not in (None, ""):
        return str(data["id"])
    return None
