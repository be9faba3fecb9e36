"""Request and response schemas of the ``/v1`` API (input and output are separate classes)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from profiles.model import PatientProfile
from rules.trial import Status

Phase = Literal["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("as_of", mode="before", check_fields=False)
    @classmethod
    def _iso_date(cls, v: Any) -> Any:
        # lax pydantic would read a number as a Unix time: only an ISO date is accepted
        if v is None or isinstance(v, date):
            return v
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            try:
                return date.fromisoformat(v)  # a date, so strict validation accepts it too
            except ValueError:
                pass
        raise ValueError("as_of is a date written YYYY-MM-DD")


class _Out(BaseModel):
    # Extra keys the engine adds later are passed through, not silently dropped.
    model_config = ConfigDict(extra="allow")


class MatchFilters(_In):
    """Narrow the trials considered before matching."""

    status: list[Status] | None = Field(
        default=None, description="Overall statuses to keep, e.g. ['RECRUITING']."
    )
    phase: list[Phase] | None = Field(default=None, description="Phases to keep, e.g. ['PHASE2'].")
    max_distance_km: float | None = Field(
        default=None,
        gt=0,
        le=40_000,
        description="Keep trials with a site within this distance of profile.location.",
    )
    condition: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Keep trials about this condition (conditions, MeSH terms, title; a cancer "
        "also by the vocabulary: 'NSCLC' finds non-small cell lung cancer). Replaces the "
        "default cut of trials about other cancers than the patient's.",
    )
    intervention: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Keep trials testing this drug or intervention (name, brand or code: "
        "'Keytruda' finds pembrolizumab).",
    )


class MatchRequest(_In):
    profile: PatientProfile
    as_of: date | None = Field(default=None, description="Reference date (default: today).")
    top_k: int | None = Field(default=None, ge=1, le=1000, description="Keep the best k matches.")
    filters: MatchFilters | None = None


class TextMatchRequest(_In):
    text: str = Field(min_length=1, max_length=100_000, description="A pasted clinical note.")
    as_of: date | None = None
    top_k: int | None = Field(default=None, ge=1, le=1000)
    filters: MatchFilters | None = None


class QuestionsRequest(_In):
    profile: PatientProfile
    as_of: date | None = None
    filters: MatchFilters | None = None


class CriterionOutcomeOut(_Out):
    id: str
    polarity: str
    text: str
    status: str
    explanation: str
    fields: list[str] = Field(default_factory=list)


class MatchOut(_Out):
    nct_id: str
    title: str
    verdict: str
    score: float
    criteria: list[CriterionOutcomeOut] = Field(default_factory=list)
    questions: list[Any] = Field(default_factory=list)


class MatchResponse(_Out):
    """The JSON of ``trialmatch match --format json``."""

    matches: list[MatchOut]
    questions: list[Any] = Field(default_factory=list)


class TextMatchResponse(_Out):
    profile: dict[str, Any]
    facts: list[Any] = Field(default_factory=list, description="Each fact with its span.")
    matches: list[MatchOut]
    questions: list[Any] = Field(default_factory=list)


class QuestionsResponse(_Out):
    questions: list[Any]


class CriterionOut(_Out):
    id: str
    polarity: str
    kind: str
    text: str
    start: int
    end: int
    plain: str | None = Field(description="The plain-English rendering.")
    confidence: float
    rule: str


class SiteOut(_Out):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    status: str | None = None
    distance_km: float | None = None


class TrialSummary(_Out):
    nct_id: str
    title: str
    status: str | None = None
    phases: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    distance_km: float | None = None


class TrialDetail(_Out):
    trial: dict[str, Any] = Field(description="The record as trialmatch reads it.")
    criteria: list[CriterionOut]
    url: str


class SearchResponse(_Out):
    count: int
    results: list[TrialSummary]


class BiomarkerCount(_Out):
    biomarker: str
    trials: int


class IndicationOut(_Out):
    condition: str = Field(description="The cancer type's name (vocabulary), the group.")
    cancer_id: str | None = Field(
        default=None, description="The cancer type's vocabulary id; null: no cancer recognised."
    )
    count: int
    phases: dict[str, int]
    cancers: dict[str, int] = Field(
        default_factory=dict, description="Trials by the specific cancer they list."
    )
    biomarkers: list[BiomarkerCount] = Field(
        default_factory=list, description="Biomarkers the group's criteria use."
    )
    trials: list[TrialSummary]


class InterventionResponse(_Out):
    name: str
    canonical: str | None
    names: list[str] = Field(description="The names and codes the drug was found by.")
    trial_count: int
    phases: dict[str, int]
    statuses: dict[str, int]
    indications: list[IndicationOut]
    biomarkers: list[BiomarkerCount]


class ErrorOut(BaseModel):
    detail: Any
    request_id: str | None = None
