"""Shared readers of FHIR resources for the bundle adapter: codes, texts, dates, labels."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from profiles.errors import Loc

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


def _reindex(origins: Origins, field: str, items: list[dict[str, Any]]) -> None:
    for index, item in enumerate(items):
        origins[(field, index)] = item.pop("__origin__")
