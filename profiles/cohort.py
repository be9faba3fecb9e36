"""Cohort tables (CSV or Parquet), one row per patient, to profiles.

The column layout is documented in ``docs/cohort.md``. A blank cell means *not recorded*;
the literal ``none`` in a list column means *none* (an empty list). List columns hold
compact text, items separated by ``;``:

* ``biomarkers``: ``EGFR=positive (L858R); PD-L1=TPS 60%; MSI=MSS``
* ``therapies``: ``FOLFIRINOX [fluorouracil+leucovorin+irinotecan+oxaliplatin] chemotherapy
  (first line) 8 cycles 2025-11-03..2026-08-21 progression``
* ``labs``: ``platelets=180 10^9/L (2026-11-02); total bilirubin=0.9 mg/dL``
* ``conditions`` and ``metastatic_sites``: ``hypertension; type 2 diabetes``
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from profiles.record import ProfileRecord, validate_record
from rules.errors import did_you_mean

PATIENT_COLUMNS = (
    "age", "birth_date", "sex", "ecog", "karnofsky", "measurable_disease", "pregnant",
    "breastfeeding", "life_expectancy_months",
)  # fmt: skip
DIAGNOSIS_COLUMNS = (
    "condition", "histology", "histologically_confirmed", "stage", "tnm", "extent",
    "metastatic_sites", "status", "diagnosed_on",
)  # fmt: skip
LOCATION_COLUMNS = ("postal_code", "city", "state", "country", "lat", "lon", "max_distance_km")
LIST_COLUMNS = ("biomarkers", "therapies", "labs", "conditions")
ID_COLUMNS = ("patient_id", "id")
COLUMNS = (
    *ID_COLUMNS, *PATIENT_COLUMNS, *DIAGNOSIS_COLUMNS, *LIST_COLUMNS, *LOCATION_COLUMNS,
    "profile_json",
)  # fmt: skip
NONE = "none"

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_SCORINGS = r"CPS|TPS|IC|TC|H-score|IHC|ISH|percent|mut/Mb"
_BIOMARKER = re.compile(r"^(?P<name>[^=]+)=(?P<rest>.*)$")
_DETAIL = re.compile(r"\((?P<detail>[^()]*)\)\s*$")
_SCORED = re.compile(
    rf"(?:(?P<s1>{_SCORINGS})\s*(?P<v1>{_NUMBER})\s*%?|(?P<v2>{_NUMBER})\s*(?P<s2>%|{_SCORINGS})?)\s*$",
    re.I,
)
_LAB = re.compile(
    rf"^(?P<name>[^=]+)=\s*(?P<value>{_NUMBER})\s*(?P<unit>[^()]*?)\s*(?:\((?P<date>[^()]*)\))?$"
)
_DRUGS = re.compile(r"\[(?P<drugs>[^\[\]]*)\]")
_SETTING = re.compile(r"\((?P<setting>[^()]*)\)")
_DATES = re.compile(rf"(?<![\w.])(?P<start>{_DATE})?\.\.(?P<end>{_DATE}|ongoing)?(?![\w.])")
_ONE_DATE = re.compile(rf"(?<![\w.-])(?P<start>{_DATE})(?![\w.-])")
_LINE = re.compile(r"\bline\s+(?P<line>\d+)\b", re.I)
_CYCLES = re.compile(r"\b(?P<cycles>\d+)\s+cycles?\b", re.I)
_KINDS = (
    "chemoradiotherapy", "chemotherapy", "immunotherapy", "targeted therapy", "hormone therapy",
    "radiotherapy", "surgery", "cell therapy", "stem cell transplant", "investigational",
    "chemo", "targeted", "radiation", "hormonal", "endocrine therapy", "transplant", "car-t",
)  # fmt: skip
_KIND = re.compile(
    r"(?<![\w-])(?P<kind>" + "|".join(re.escape(k) for k in _KINDS) + r")(?![\w-])", re.I
)


class CellError(ValueError):
    """A cell whose compact text does not follow the documented layout."""


def unknown_columns(columns: list[str]) -> list[str]:
    """One message per unknown column, with a "did you mean" when a known one is close.

    >>> unknown_columns(["patient_id", "ecgo", "zzz"])[0]
    "unknown column 'ecgo' (did you mean ecog?)"
    """
    messages = []
    for column in columns:
        if column not in COLUMNS:
            hint = did_you_mean(column, COLUMNS)
            messages.append(
                f"unknown column {column!r} ({hint or 'see docs/cohort.md for the columns'})"
            )
    return messages


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def parse_biomarker(item: str) -> dict[str, Any]:
    """``NAME=[RESULT] [SCORING VALUE[%] | VALUE UNIT] [(DETAIL)]`` to a biomarker dict.

    >>> parse_biomarker("EGFR=positive (L858R)")
    {'name': 'EGFR', 'result': 'positive', 'detail': 'L858R'}
    >>> parse_biomarker("PD-L1=positive TPS 60%")
    {'name': 'PD-L1', 'result': 'positive', 'value': 60.0, 'scoring': 'TPS'}
    """
    found = _BIOMARKER.match(item)
    if not found or not found["name"].strip() or not found["rest"].strip():
        raise CellError(
            f"{item!r} is not a biomarker: write NAME=RESULT, e.g. 'EGFR=positive (L858R)'"
        )
    out: dict[str, Any] = {"name": found["name"].strip()}
    rest = found["rest"].strip()
    detail = None
    if m := _DETAIL.search(rest):
        detail, rest = m["detail"].strip(), rest[: m.start()].strip()
    if m := _SCORED.search(rest):
        value, scoring = m["v1"] or m["v2"], m["s1"] or m["s2"]
        rest = rest[: m.start()].strip()
        out["result"] = rest or None
        out["value"] = float(value)
        if scoring:
            out["scoring"] = "percent" if scoring == "%" else scoring
    else:
        out["result"] = rest or None
    if out["result"] is None:
        del out["result"]
    if detail:
        out["detail"] = detail
    return out


def parse_lab(item: str) -> dict[str, Any]:
    """``NAME=VALUE [UNIT] [(DATE)]`` to a lab dict.

    >>> parse_lab("platelets=180 10^9/L (2026-11-02)")
    {'name': 'platelets', 'value': 180.0, 'unit': '10^9/L', 'date': '2026-11-02'}
    """
    found = _LAB.match(item)
    if not found or not found["name"].strip():
        raise CellError(
            f"{item!r} is not a lab: write NAME=VALUE UNIT, e.g. 'platelets=180 10^9/L'"
        )
    out: dict[str, Any] = {"name": found["name"].strip(), "value": float(found["value"])}
    if found["unit"]:
        out["unit"] = found["unit"].strip()
    if found["date"]:
        out["date"] = found["date"].strip()
    return out


def parse_therapy(item: str) -> dict[str, Any]:
    """``NAME [DRUG+DRUG] [KIND] [(SETTING)] [line N] [N cycles] [START..END] [STOP REASON]``.

    >>> parse_therapy("FOLFOX [fluorouracil+oxaliplatin] chemotherapy 2024-01..2024-06 toxicity")
    {'name': 'FOLFOX', 'drugs': ['fluorouracil', 'oxaliplatin'], 'kind': 'chemotherapy', 'start': '2024-01', 'end': '2024-06', 'stop_reason': 'toxicity'}
    >>> parse_therapy("osimertinib targeted therapy 2025-03..ongoing")["ongoing"]
    True
    """
    text = item.strip()
    masked = text
    out: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    for pattern in (_DRUGS, _SETTING, _KIND, _DATES, _ONE_DATE, _LINE, _CYCLES):
        m = pattern.search(masked)
        if not m or ("start" in out and pattern is _ONE_DATE):
            continue
        spans.append(m.span())
        masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
        groups = m.groupdict()
        if "drugs" in groups:
            out["drugs"] = [d.strip() for d in groups["drugs"].split("+") if d.strip()]
        elif "start" in groups:
            out["start"] = groups["start"]
            end = groups.get("end")
            if end == "ongoing":
                out["ongoing"] = True
            elif end:
                out["end"] = end
        elif "kind" in groups:
            out["kind"] = groups["kind"].lower()
        elif "setting" in groups:
            out["setting"] = groups["setting"].strip()
        else:
            key, value = next(iter(groups.items()))
            out[key] = int(value)
    first = min((a for a, _ in spans), default=len(text))
    last = max((b for _, b in spans), default=len(text))
    between = masked[first:last].strip()
    if between:
        raise CellError(
            f"{item!r}: cannot place {between!r}; the order is NAME [DRUG+DRUG] KIND (SETTING) "
            "line N, N cycles, START..END, then the stop reason"
        )
    name = text[:first].strip() or out.get("kind")
    if not name:
        raise CellError(
            f"{item!r} is not a therapy: start with its name, e.g. "
            "'FOLFOX [fluorouracil+oxaliplatin] chemotherapy 2024-01..2024-06 toxicity'"
        )
    result: dict[str, Any] = {"name": name, **{k: v for k, v in out.items() if v is not None}}
    if stop := text[last:].strip():
        result["stop_reason"] = stop
    return result


def _list(cell: Any, parse: Any, column: str, errors: list[str], sources: dict) -> list | None:
    if isinstance(cell, list):  # a Parquet list column
        items = [str(x) for x in cell]
    elif str(cell).strip().lower() == NONE:
        return []
    else:
        items = _split(str(cell))
    parsed = []
    for item in items:
        try:
            parsed.append(parse(item) if parse else item)
        except CellError as exc:
            errors.append(f"{column}: {exc}")
            continue
        sources[(column, len(parsed) - 1)] = repr(item)
    return parsed


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def row_to_profile_dict(row: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], dict]:
    """One cohort row to a profile dict, the cell errors, and where each list item came from."""
    cells = {k: v for k, v in row.items() if k in COLUMNS and not _blank(v)}
    errors: list[str] = []
    if row.get("__extra__"):
        errors.append(
            f"the row has {len(row['__extra__'])} more cell(s) than the header has columns"
        )
    sources: dict = {}
    ident = cells.get("patient_id", cells.get("id"))
    if "profile_json" in cells:
        others = sorted(set(cells) - {"profile_json", *ID_COLUMNS})
        if others:
            errors.append(
                f"profile_json is given, so leave the other columns blank (found: {', '.join(others)})"
            )
        try:
            given = json.loads(str(cells["profile_json"]))
        except json.JSONDecodeError as exc:
            errors.append(f"profile_json: not valid JSON ({exc.msg} at column {exc.colno})")
            return {}, errors, sources
        if not isinstance(given, dict):
            errors.append("profile_json: not a JSON object")
            return {}, errors, sources
        if ident is not None and given.get("id") is None:
            given["id"] = str(ident)
        return given, errors, sources
    data: dict[str, Any] = {}
    if ident is not None:
        data["id"] = str(ident)
    data.update({c: cells[c] for c in PATIENT_COLUMNS if c in cells})
    diagnosis = {c: cells[c] for c in DIAGNOSIS_COLUMNS if c in cells}
    if "metastatic_sites" in diagnosis:
        diagnosis["metastatic_sites"] = _list(
            diagnosis["metastatic_sites"], None, "metastatic_sites", errors, {}
        )
    if diagnosis:
        if "condition" not in diagnosis:
            errors.append(
                f"condition: blank, but {', '.join(sorted(diagnosis))} given: name the cancer, "
                "e.g. 'pancreatic ductal adenocarcinoma'"
            )
        else:
            data["diagnoses"] = [diagnosis]
    parsers = {
        "biomarkers": parse_biomarker,
        "therapies": parse_therapy,
        "labs": parse_lab,
        "conditions": None,
    }
    for column, parse in parsers.items():
        if column in cells:
            data[column] = _list(cells[column], parse, column, errors, sources)
    location = {c: cells[c] for c in LOCATION_COLUMNS if c in cells}
    if location:
        data["location"] = location
    return data, errors, sources


def read_rows(
    rows: Iterable[Mapping[str, Any]], *, name: str, first_row: int, columns: list[str]
) -> Iterator[ProfileRecord]:
    """Records from table rows: an error record for unknown columns, then one per row.

    ``first_row`` is the number of the first data row as people see it (2 for a CSV, whose
    header is row 1 in a spreadsheet).
    """
    if problems := unknown_columns(columns):
        yield ProfileRecord(
            1 if first_row > 1 else 0,
            f"{name}, header",
            None,
            None,
            [f"{name}, header: {p}" for p in problems],
        )
    if "patient_id" in columns and "id" in columns:
        yield ProfileRecord(
            1 if first_row > 1 else 0,
            f"{name}, header",
            None,
            None,
            [f"{name}, header: both 'patient_id' and 'id' columns; keep one"],
        )
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows):
        number = first_row + offset
        if all(_blank(v) for k, v in row.items() if k != "__extra__") and not row.get("__extra__"):
            continue  # an empty spreadsheet row holds no patient
        where = f"{name}, row {number}"
        data, errors, sources = row_to_profile_dict(row)
        ident = data.get("id") if isinstance(data, dict) else None
        if ident is not None and ident in seen:
            errors.append(
                f"patient_id: {ident!r} is also on row {seen[ident]}; each patient needs a unique id"
            )
        elif ident is not None:
            seen[ident] = number
        yield validate_record(data, position=number, where=where, errors=errors, sources=sources)
