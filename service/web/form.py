"""The patient form: plain-language answers -> a PatientProfile (unanswered = not recorded)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from profiles.model import PatientProfile
from service.api.geo import zip_point

# (value, plain description) pairs; the value is what the profile records.
EXTENTS = [
    ("localized", "Only where it started"),
    ("locally advanced", "Grown into nearby tissue or lymph nodes, not to distant organs"),
    ("metastatic", "Spread to distant parts of the body (for example liver, lungs, bones, brain)"),
    ("recurrent", "Came back after treatment"),
]
STAGES = ["I", "II", "III", "IV"]
ECOG = [
    (0, "Fully active: I can do everything I did before my illness."),
    (
        1,
        "I can't do heavy physical work, but I can walk and do light work (housework, office work).",
    ),
    (
        2,
        "I can walk and take care of myself but can't work; I'm up and about more than half the day.",
    ),
    (3, "I can only partly take care of myself; I'm in bed or a chair more than half the day."),
    (4, "I can't take care of myself at all and I'm in bed or a chair all day."),
]
THERAPY_KINDS = [
    ("chemotherapy", "Chemotherapy"),
    ("immunotherapy", "Immunotherapy (for example pembrolizumab, nivolumab)"),
    ("targeted therapy", "Targeted therapy (pills or drugs aimed at a gene change)"),
    ("hormone therapy", "Hormone therapy"),
    ("radiotherapy", "Radiation"),
    ("surgery", "Surgery"),
    ("other", "Something else"),
]
BIOMARKERS = [
    ("EGFR", "EGFR"),
    ("ALK", "ALK"),
    ("KRAS", "KRAS"),
    ("BRAF", "BRAF"),
    ("HER2", "HER2"),
    ("MSI", "MSI / mismatch repair (MMR)"),
    ("PD-L1", "PD-L1"),
    ("BRCA1", "BRCA1"),
    ("BRCA2", "BRCA2"),
]
BIOMARKER_RESULTS = [
    ("positive", "Positive / found"),
    ("negative", "Negative / not found"),
    ("not tested", "Not tested"),
]
DISTANCES = [25, 50, 100, 300, 1000]
THERAPY_ROWS = 3


def _get(form: Any, key: str) -> str:
    value = form.get(key)
    return str(value).strip() if value is not None else ""


def profile_dict(form: Any) -> dict[str, Any]:
    """The profile JSON the answers describe; a field left blank or "I don't know" is absent."""
    out: dict[str, Any] = {}
    cancer = _get(form, "cancer")
    if cancer:
        dx: dict[str, Any] = {"condition": cancer}
        if _get(form, "extent"):
            dx["extent"] = _get(form, "extent")
        if _get(form, "stage"):
            dx["stage"] = _get(form, "stage")
        out["diagnoses"] = [dx]
    treated = _get(form, "treated")
    if treated == "no":
        out["therapies"] = []
    elif treated == "yes":
        therapies = []
        for i in range(1, THERAPY_ROWS + 1):
            name = _get(form, f"therapy{i}_name")
            if not name:
                continue
            row: dict[str, Any] = {"name": name}
            for key in ("kind", "start", "end"):
                if _get(form, f"therapy{i}_{key}"):
                    row[key] = _get(form, f"therapy{i}_{key}")
            if _get(form, f"therapy{i}_ongoing"):
                row["ongoing"] = True
            therapies.append(row)
        if therapies:
            out["therapies"] = therapies
    markers = []
    for name, _label in BIOMARKERS:
        result = _get(form, f"bm_{name}")
        if not result:
            continue
        marker: dict[str, Any] = {"name": name, "result": result}
        if name == "PD-L1" and _get(form, "pdl1_value"):
            marker["value"] = _get(form, "pdl1_value")
            if _get(form, "pdl1_scoring"):
                marker["scoring"] = _get(form, "pdl1_scoring")
        markers.append(marker)
    if markers:
        out["biomarkers"] = markers
    for key in ("ecog", "age", "sex"):
        if _get(form, key):
            out[key] = _get(form, key)
    if _get(form, "postal_code"):
        loc: dict[str, Any] = {"postal_code": _get(form, "postal_code")}
        if _get(form, "max_distance_km"):
            loc["max_distance_km"] = _get(form, "max_distance_km")
        out["location"] = loc
    return out


FIELD_NAMES = {
    ("diagnoses", 0, "condition"): "cancer",
    ("diagnoses", 0, "extent"): "extent",
    ("diagnoses", 0, "stage"): "stage",
    ("ecog",): "ecog",
    ("age",): "age",
    ("sex",): "sex",
    ("location", "postal_code"): "postal_code",
    ("location", "max_distance_km"): "max_distance_km",
}


def form_field(loc: tuple[Any, ...]) -> str:
    """The form field a profile validation error belongs to (for showing it beside it)."""
    if loc in FIELD_NAMES:
        return FIELD_NAMES[loc]
    if loc[:1] == ("therapies",) and len(loc) >= 3:
        return f"therapy{int(loc[1]) + 1}_{loc[2]}"
    if loc[:1] == ("biomarkers",):
        return "biomarkers"
    return ".".join(str(p) for p in loc) or "form"


def build_profile(data: dict[str, Any]) -> tuple[PatientProfile | None, dict[str, str]]:
    """Validate; on failure map each message to its form field. The pages find sites by US
    ZIP code, so one that is not known is a problem too (else the distance asked for would be
    silently ignored)."""
    try:
        profile = PatientProfile.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for err in exc.errors():
            problems.setdefault(
                form_field(tuple(err["loc"])), str(err["msg"]).removeprefix("Value error, ")
            )
        return None, problems
    code = profile.location.postal_code if profile.location else None
    if code and zip_point(code) is None:
        return None, {
            "postal_code": f"we do not know the ZIP code {code!r}: give a 5-digit US ZIP code "
            "(for example 10016), or leave it empty"
        }
    return profile, {}
