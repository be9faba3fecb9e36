"""A typed model of a ClinicalTrials.gov API v2 study record.

Real records are often partial (whole modules missing): every field but the NCT id is
optional, and lists default to empty. What is not a study (no nctId, wrong types) is
rejected with a :class:`~rules.errors.CorpusError` that names the source, the record's
position and the problem.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from rules.errors import CorpusError

NCT_RE = re.compile(r"^NCT\d{8}$")
Status = Literal[
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
]
STATUSES: tuple[str, ...] = get_args(Status)
_AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MeshTerm(_Model):
    id: str | None = None
    term: str


class Intervention(_Model):
    type: str | None = None
    name: str
    description: str | None = None
    other_names: list[str] = Field(default_factory=list)
    arm_group_labels: list[str] = Field(default_factory=list)


class ArmGroup(_Model):
    label: str
    type: str | None = None
    description: str | None = None
    intervention_names: list[str] = Field(default_factory=list)


class Site(_Model):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    lat: float | None = None
    lon: float | None = None


class Trial(_Model):
    """One study, flattened from the v2 JSON into the fields matching needs."""

    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None
    last_update: str | None = None
    start_date: str | None = None
    brief_summary: str | None = None
    conditions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    condition_meshes: list[MeshTerm] = Field(default_factory=list)
    condition_ancestors: list[MeshTerm] = Field(default_factory=list)
    intervention_meshes: list[MeshTerm] = Field(default_factory=list)
    intervention_ancestors: list[MeshTerm] = Field(default_factory=list)
    study_type: str | None = None
    phases: list[str] = Field(default_factory=list)
    enrollment: int | None = None
    interventions: list[Intervention] = Field(default_factory=list)
    arm_groups: list[ArmGroup] = Field(default_factory=list)
    eligibility_criteria: str | None = None
    minimum_age: str | None = None
    maximum_age: str | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None
    std_ages: list[str] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    lead_sponsor: str | None = None

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title or self.nct_id

    @property
    def min_age_years(self) -> float | None:
        return age_in_years(self.minimum_age)

    @property
    def max_age_years(self) -> float | None:
        return age_in_years(self.maximum_age)

    @classmethod
    def from_record(cls, record: Any, *, source: str = "<record>", position: int = 0) -> Trial:
        """Build a Trial from one v2 study record.

        >>> t = Trial.from_record({"protocolSection": {"identificationModule":
        ...     {"nctId": "NCT06532617", "briefTitle": "Cadonilimab"}}})
        >>> t.nct_id, t.title, t.conditions
        ('NCT06532617', 'Cadonilimab', [])
        """
        return _Reader(source, position).trial(record)


def age_in_years(text: str | None) -> float | None:
    """Parse an age as ClinicalTrials.gov writes it ("18 Years", "6 Months").

    >>> age_in_years("18 Years"), age_in_years("6 Months"), age_in_years(None)
    (18.0, 0.5, None)
    """
    if not text:
        return None
    m = _AGE_RE.match(text)
    if not m:
        return None
    return float(m.group(1)) * _UNIT_YEARS[m.group(2).lower()]


class _Reader:
    """Reads one record, checking types as it goes, so errors can say where."""

    def __init__(self, source: str, position: int):
        self.source = source
        self.position = position
        self.nct_id: str | None = None

    def fail(self, problem: str) -> CorpusError:
        where = f"{self.source}, record {self.position}"
        if self.nct_id:
            where += f" ({self.nct_id})"
        return CorpusError(problem, where=where)

    def obj(self, parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{path}.{key} should be an object, got {type(value).__name__}")
        return value

    def text(self, parent: dict[str, Any], key: str, path: str) -> str | None:
        value = parent.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.fail(f"{path}.{key} should be text, got {type(value).__name__}")

    def items(self, parent: dict[str, Any], key: str, path: str) -> list[Any]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key} should be a list, got {type(value).__name__}")
        return value

    def texts(self, parent: dict[str, Any], key: str, path: str) -> list[str]:
        values = self.items(parent, key, path)
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise self.fail(f"{path}.{key}[{i}] should be text, got {type(v).__name__}")
        return values

    def objs(self, parent: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        values = self.items(parent, key, path)
        for i, v in enumerate(values):
            if not isinstance(v, dict):
                raise self.fail(f"{path}.{key}[{i}] should be an object, got {type(v).__name__}")
        return values

    def date(self, module: dict[str, Any], key: str, path: str) -> str | None:
        return self.text(self.obj(module, key, path), "date", f"{path}.{key}")

    def meshes(self, module: dict[str, Any], key: str, path: str) -> list[MeshTerm]:
        return [
            MeshTerm(id=self.text(m, "id", path), term=m["term"])
            for m in self.objs(module, key, path)
            if isinstance(m.get("term"), str)
        ]

    def trial(self, record: Any) -> Trial:
        if isinstance(record, dict) and "studies" in record and "protocolSection" not in record:
            raise self.fail("this is a search page ({'studies': [...]}), not a single study")
        if not isinstance(record, dict):
            raise self.fail(f"a study record is a JSON object, got {type(record).__name__}")
        ps = self.obj(record, "protocolSection", "")
        if not ps:
            raise self.fail("no protocolSection: this is not a ClinicalTrials.gov v2 study")
        p = "protocolSection"
        ident = self.obj(ps, "identificationModule", p)
        nct = ident.get("nctId")
        if not isinstance(nct, str) or not nct.strip():
            raise self.fail("no protocolSection.identificationModule.nctId")
        nct = nct.strip().upper()
        if not NCT_RE.match(nct):
            raise self.fail(f"nctId {nct!r} is not of the form NCT followed by 8 digits")
        self.nct_id = nct
        status = self.obj(ps, "statusModule", p)
        cond = self.obj(ps, "conditionsModule", p)
        design = self.obj(ps, "designModule", p)
        arms = self.obj(ps, "armsInterventionsModule", p)
        elig = self.obj(ps, "eligibilityModule", p)
        contacts = self.obj(ps, "contactsLocationsModule", p)
        sponsor = self.obj(self.obj(ps, "sponsorCollaboratorsModule", p), "leadSponsor", p)
        desc = self.obj(ps, "descriptionModule", p)
        derived = self.obj(record, "derivedSection", "")
        cbrowse = self.obj(derived, "conditionBrowseModule", "derivedSection")
        ibrowse = self.obj(derived, "interventionBrowseModule", "derivedSection")
        hv = elig.get("healthyVolunteers")
        if hv is not None and not isinstance(hv, bool):
            raise self.fail("eligibilityModule.healthyVolunteers should be true or false")
        enrollment = self.obj(design, "enrollmentInfo", p).get("count")
        if enrollment is not None and not isinstance(enrollment, int):
            raise self.fail("designModule.enrollmentInfo.count should be a whole number")
        return Trial(
            nct_id=nct,
            brief_title=self.text(ident, "briefTitle", p),
            official_title=self.text(ident, "officialTitle", p),
            acronym=self.text(ident, "acronym", p),
            overall_status=self.text(status, "overallStatus", p),
            last_update=self.date(status, "lastUpdatePostDateStruct", p)
            or self.text(status, "lastUpdateSubmitDate", p),
            start_date=self.date(status, "startDateStruct", p),
            brief_summary=self.text(desc, "briefSummary", p),
            conditions=self.texts(cond, "conditions", p),
            keywords=self.texts(cond, "keywords", p),
            condition_meshes=self.meshes(cbrowse, "meshes", "conditionBrowseModule"),
            condition_ancestors=self.meshes(cbrowse, "ancestors", "conditionBrowseModule"),
            intervention_meshes=self.meshes(ibrowse, "meshes", "interventionBrowseModule"),
            intervention_ancestors=self.meshes(ibrowse, "ancestors", "interventionBrowseModule"),
            study_type=self.text(design, "studyType", p),
            phases=self.texts(design, "phases", p),
            enrollment=enrollment,
            interventions=[
                Intervention(
                    type=self.text(i, "type", p),
                    name=self.text(i, "name", p) or "(unnamed)",
                    description=self.text(i, "description", p),
                    other_names=self.texts(i, "otherNames", p),
                    arm_group_labels=self.texts(i, "armGroupLabels", p),
                )
                for i in self.objs(arms, "interventions", p)
            ],
            arm_groups=[
                ArmGroup(
                    label=self.text(a, "label", p) or "(unlabelled)",
                    type=self.text(a, "type", p),
                    description=self.text(a, "description", p),
                    intervention_names=self.texts(a, "interventionNames", p),
                )
                for a in self.objs(arms, "armGroups", p)
            ],
            eligibility_criteria=self.text(elig, "eligibilityCriteria", p),
            minimum_age=self.text(elig, "minimumAge", p),
            maximum_age=self.text(elig, "maximumAge", p),
            sex=self.text(elig, "sex", p),
            healthy_volunteers=hv,
            std_ages=self.texts(elig, "stdAges", p),
            sites=[self.site(loc) for loc in self.objs(contacts, "locations", p)],
            lead_sponsor=self.text(sponsor, "name", p),
        )

    def site(self, loc: dict[str, Any]) -> Site:
        geo = self.obj(loc, "geoPoint", "locations")
        lat, lon = geo.get("lat"), geo.get("lon")
        if not all(v is None or isinstance(v, int | float) for v in (lat, lon)):
            raise self.fail("locations[].geoPoint lat/lon should be numbers")
        p = "locations"
        return Site(
            facility=self.text(loc, "facility", p),
            city=self.text(loc, "city", p),
            state=self.text(loc, "state", p),
            zip=self.text(loc, "zip", p),
            country=self.text(loc, "country", p),
            status=self.text(loc, "status", p),
            lat=lat,
            lon=lon,
        )
