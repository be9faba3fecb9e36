"""A structured eligibility criterion: the contract between the parser and the matcher.

Every criterion cites its source: ``text == eligibility_criteria[start:end]``, and it
remembers the pattern (``rule``) that produced it, with a confidence.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Polarity = Literal["inclusion", "exclusion"]
Kind = Literal[
    "age", "sex", "condition", "stage", "biomarker", "performance_status", "prior_therapy",
    "lines_of_therapy", "washout", "lab", "comorbidity", "cns_metastases", "pregnancy",
    "measurable_disease", "life_expectancy", "contraception", "consent", "other",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
Op = Literal["<", "<=", "=", ">=", ">", "between"]


class Numeric(BaseModel):
    """A numeric constraint, e.g. ``{"op": "<=", "value": 1.5, "unit": "x ULN"}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    op: Op
    value: float
    value2: float | None = None
    unit: str | None = None


class Criterion(BaseModel):
    """One testable (or, for kind ``other``, only readable) criterion of a trial."""

    model_config = ConfigDict(extra="forbid")
    id: str
    polarity: Polarity
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Kind
    params: dict[str, Any] = Field(default_factory=dict)
    confidence: float = Field(ge=0, le=1)
    rule: str
    section: str | None = None
    parent: str | None = None
