"""The pasted-letter page: facts read from a note, in plain words beside the words they came from."""

from __future__ import annotations

from typing import Any

from matcher.explain import words_of_id
from profiles.model import lab_words

LABELS = {
    "age": "Age",
    "sex": "Sex",
    "diagnoses.condition": "Cancer or diagnosis",
    "stage": "Stage",
    "extent": "How far it has spread",
    "metastatic_sites": "Where it has spread",
    "metastatic_sites.no_cns": "Spread to the brain",
    "metastatic_sites.state": "Brain metastases are",
    "biomarkers": "Test result",
    "biomarkers.not_detected": "Not found on testing",
    "measurable_disease": "Measurable disease",
    "diagnoses.status": "Disease status",
    "ecog": "Daily activity (ECOG)",
    "karnofsky": "Daily activity (Karnofsky)",
    "therapies": "Treatment",
    "labs": "Lab result",
    "labs.past": "Earlier lab result (not taken as today's)",
    "diagnoses.confirmed": "Confirmed by biopsy or cytology",
    "conditions": "Other condition",
    "conditions.none": "Other conditions",
    "pregnant": "Pregnant",
    "breastfeeding": "Breastfeeding",
}


def _value(field: str, value: Any) -> str:
    """A fact's value as a person reads it ("KRAS positive (G12D)", "FOLFIRINOX (chemotherapy),
    from 2025-11 to 2026-08", "creatinine 1.1 mg/dL").

    >>> _value("biomarkers", {"name": "KRAS", "result": "positive", "detail": "G12D"})
    'KRAS positive (G12D)'
    >>> _value("therapies", {"name": "FOLFIRINOX", "kind": "chemotherapy", "start": "2025-11"})
    'FOLFIRINOX (chemotherapy), from 2025-11'
    >>> _value("therapies", {"name": "insulin_glargine", "drugs": ["insulin_glargine"]})
    'insulin glargine'
    >>> _value("conditions.none", []), _value("pregnant", False)
    ('none', 'no')
    >>> _value("biomarkers.not_detected", {"name": "EGFR", "result": "negative", "detail": "T790M"})
    'EGFR T790M not detected'
    >>> _value("labs", {"name": "testosterone", "value": 50.0, "unit": "ng/dL", "comparator": "<"})
    'testosterone < 50 ng/dL'
    >>> _value("labs.past", {"name": "psa", "value": 112.0, "unit": "ng/mL", "date": "2022-01"})
    'psa 112 ng/mL, in 2022-01'
    >>> _value("therapies", {"name": "olaparib", "end": "2025-05", "stop_reason": "progression"})
    'olaparib, to 2025-05, stopped: progression'

    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "conditions.none" or value in ([], None):
        return "none"
    if not isinstance(value, dict):
        return str(value)
    if field == "biomarkers.not_detected":  # "EGFR T790M not detected"
        return " ".join(str(value[k]) for k in ("name", "detail") if value.get(k)) + " not detected"
    if field == "biomarkers":
        words = [value.get("name"), value.get("result")]
        if value.get("value") is not None:
            words.append(
                f"{value['value']:g}" + (f" {value['scoring']}" if value.get("scoring") else "")
            )
        out = " ".join(str(w) for w in words if w)
        return out + (f" ({value['detail']})" if value.get("detail") else "")
    if field in ("labs", "labs.past"):  # "testosterone < 50 ng/dL": a bound keeps its sign
        out = lab_words(*(value.get(k) for k in ("name", "value", "unit", "comparator")))
        return out + (f", in {value['date']}" if value.get("date") else "")
    if field == "therapies":
        out = str(value.get("name") or ", ".join(value.get("drugs") or []) or "a treatment")
        out = words_of_id(out)
        if value.get("kind"):
            out += f" ({value['kind']})"
        when = [f"from {value['start']}" if value.get("start") else "",
                f"to {value['end']}" if value.get("end") else "",
                "ongoing" if value.get("ongoing") else ""]  # fmt: skip
        when = [w for w in when if w]
        out += ", " + " ".join(when) if when else ""
        return out + (f", stopped: {value['stop_reason']}" if value.get("stop_reason") else "")
    return ", ".join(f"{k} {v}" for k, v in value.items() if v not in (None, [], ""))


def plain_facts(facts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each fact read from a note as ``{label, value, text}`` for the page, in note order.

    >>> plain_facts([{"field": "ecog", "value": 1, "text": "ECOG 1", "start": 0, "end": 6}])
    [{'label': 'Daily activity (ECOG)', 'value': '1', 'text': 'ECOG 1'}]
    """
    ordered = sorted(facts, key=lambda f: (f.get("start", 0), f.get("end", 0)))
    return [
        {
            "label": LABELS.get(f["field"], f["field"].replace("_", " ").replace(".", " ")),
            "value": _value(f["field"], f.get("value")),
            "text": str(f.get("text", "")),
        }
        for f in ordered
    ]
