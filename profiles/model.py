"""The patient profile: a pydantic model aligned with mCODE.

The JSON of ``examples/profile.example.json`` is a public contract: the web form, the API,
batch files and tests all speak it. Semantics:

* a missing field (``None``) means *not recorded*: criteria over it are unknown;
* an empty list means *none*: ``"therapies": []`` is no prior treatment,
  ``"conditions": []`` no other conditions;
* biomarker results are tested states, normalised from the aliases people write;
* dates may be partial (``2025``, ``2025-10``, ``2025-10-14``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules import vocab

PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
Sex = Literal["male", "female", "other"]
#: a lab value given as a bound: "< 50 ng/dL" (FHIR Quantity.comparator)
Comparator = Literal["<", "<=", ">", ">="]
Scoring = Literal["CPS", "TPS", "IC", "TC", "H-score", "IHC", "ISH", "percent", "mut/Mb", "other"]
Extent = Literal["localized", "locally advanced", "metastatic", "recurrent", "unknown"]
TherapyKind = Literal[
    "chemotherapy",
    "immunotherapy",
    "targeted therapy",
    "hormone therapy",
    "radiotherapy",
    "surgery",
    "chemoradiotherapy",
    "cell therapy",
    "stem cell transplant",
    "investigational",
    "other",
]
_SEX_ALIASES = {
    "m": "male",
    "man": "male",
    "male": "male",
    "f": "female",
    "woman": "female",
    "female": "female",
    "other": "other",
    "x": "other",
}
_EXTENT_ALIASES = {
    "local": "localized",
    "localised": "localized",
    "localized": "localized",
    "locally advanced": "locally advanced",
    "locally-advanced": "locally advanced",
    "la": "locally advanced",
    "metastatic": "metastatic",
    "distant": "metastatic",
    "advanced metastatic": "metastatic",
    "recurrent": "recurrent",
    "unknown": "unknown",
}
_SCORING_ALIASES = {
    "cps": "CPS",
    "tps": "TPS",
    "ic": "IC",
    "tc": "TC",
    "h-score": "H-score",
    "hscore": "H-score",
    "ihc": "IHC",
    "ish": "ISH",
    "fish": "ISH",
    "percent": "percent",
    "%": "percent",
    "mut/mb": "mut/Mb",
    "other": "other",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_partial_date(value: Any, what: str = "date") -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (or a date); say what is accepted otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not PARTIAL_DATE.match(text):
        raise ValueError(f"{text!r} is not a {what}: write YYYY, YYYY-MM or YYYY-MM-DD")
    if len(text) == 10:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{text!r} is not a real {what}: write YYYY, YYYY-MM or YYYY-MM-DD"
            ) from None
    return text


class Diagnosis(_Model):
    condition: str
    histology: str | None = None
    histologically_confirmed: bool | None = None
    stage: str | None = None
    tnm: str | None = None
    extent: Extent | None = None
    metastatic_sites: list[str] | None = None
    status: str | None = None
    diagnosed_on: str | None = None

    @field_validator("condition")
    @classmethod
    def _nonempty(cls, v: str) -> str:
        if not v:
            raise ValueError(
                "the condition is empty: name the cancer, e.g. 'non-small cell lung cancer'"
            )
        return v

    @field_validator("stage", mode="before")
    @classmethod
    def _stage(cls, v: Any) -> str | None:
        if v is None or v == "":
            return None
        text = str(v).strip()
        return re.sub(r"^stage\s+", "", text, flags=re.I).upper() if len(text) <= 12 else text

    @field_validator("extent", mode="before")
    @classmethod
    def _extent(cls, v: Any) -> str | None:
        if v is None or v == "":
            return None
        found = _EXTENT_ALIASES.get(str(v).strip().lower())
        if found is None:
            raise ValueError(
                f"{v!r} is not an extent: use localized, locally advanced, metastatic or recurrent"
            )
        return found

    @field_validator("diagnosed_on", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str | None:
        return check_partial_date(v)


class Biomarker(_Model):
    name: str
    result: str | None = None
    value: float | None = None
    scoring: Scoring | None = None
    detail: str | None = None
    method: str | None = None
    date: str | None = None

    @field_validator("scoring", mode="before")
    @classmethod
    def _scoring(cls, v: Any) -> str | None:
        if v is None or v == "":
            return None
        found = _SCORING_ALIASES.get(str(v).strip().lower())
        if found is None:
            raise ValueError(
                f"{v!r} is not a scoring method: use CPS, TPS, IC, TC, H-score, IHC or ISH"
            )
        return found

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str | None:
        return check_partial_date(v)

    @model_validator(mode="after")
    def _result(self) -> Biomarker:
        if not self.name:
            raise ValueError("a biomarker needs a name, e.g. 'EGFR' or 'PD-L1'")
        if self.result is None:
            if self.value is None and self.detail is None:
                raise ValueError(
                    f"biomarker {self.name!r} has no result: give positive, negative, a value, "
                    "or 'not tested'"
                )
            return self
        canonical = vocab.biomarker_result(self.result, name=self.name)
        if canonical is None:
            accepted = ", ".join(vocab.biomarker_results())
            raise ValueError(f"{self.result!r} is not a biomarker result (accepted: {accepted})")
        object.__setattr__(self, "result", canonical)
        return self

    @property
    def tested(self) -> bool:
        return self.result != "not_tested"


class Therapy(_Model):
    name: str
    drugs: list[str] = Field(default_factory=list)
    kind: TherapyKind | None = None
    setting: str | None = None
    line: int | None = Field(default=None, ge=1, le=20)
    cycles: int | None = Field(default=None, ge=0)
    start: str | None = None
    end: str | None = None
    ongoing: bool | None = None
    stop_reason: str | None = None
    best_response: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> str | None:
        if v is None or v == "":
            return None
        text = str(v).strip().lower()
        aliases = {
            "chemo": "chemotherapy",
            "targeted": "targeted therapy",
            "io": "immunotherapy",
            "radiation": "radiotherapy",
            "radiation therapy": "radiotherapy",
            "hormonal": "hormone therapy",
            "endocrine therapy": "hormone therapy",
            "transplant": "stem cell transplant",
            "car-t": "cell therapy",
        }
        return aliases.get(text, text)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str | None:
        return check_partial_date(v)

    @model_validator(mode="after")
    def _order(self) -> Therapy:
        if self.start and self.end and self.end[: len(self.start)] < self.start[: len(self.end)]:
            raise ValueError(
                f"therapy {self.name!r} ends ({self.end}) before it starts ({self.start})"
            )
        return self


def lab_words(name: Any, value: Any, unit: Any = None, comparator: Any = None) -> str:
    """A lab value in words ("testosterone < 50 ng/dL"), from a :class:`Lab`'s fields or a
    note's lab fact; what is not given is left out.

    >>> lab_words("platelets", 210.0, "x10^9/L"), lab_words("psa", None)
    ('platelets 210 x10^9/L', 'psa')
    """
    parts = (name, comparator, value, unit)
    return " ".join(
        f"{p:g}" if isinstance(p, float) else str(p) for p in parts if p not in (None, "")
    )


class Lab(_Model):
    """One measurement. ``comparator`` makes ``value`` a bound: ``"<"`` with 50 is "below 50"
    (a result reported as "< 50 ng/dL", FHIR ``Quantity.comparator``); None is an exact value."""

    name: str
    value: float
    unit: str | None = None
    date: str | None = None
    comparator: Comparator | None = None

    def words(self) -> str:
        """The measurement as a person reads it, a bound with its sign.

        >>> Lab(name="testosterone", value=50, unit="ng/dL", comparator="<").words()
        'testosterone < 50 ng/dL'
        """
        return lab_words(self.name, self.value, self.unit, self.comparator)

    @field_validator("comparator", mode="before")
    @classmethod
    def _comparator(cls, v: Any) -> Any:
        return {"≤": "<=", "≥": ">=", "=": None, "": None}.get(v, v) if isinstance(v, str) else v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str | None:
        return check_partial_date(v)


class Location(_Model):
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    max_distance_km: float | None = Field(default=None, gt=0)

    @field_validator("postal_code", mode="before")
    @classmethod
    def _zip(cls, v: Any) -> str | None:
        return None if v is None or v == "" else str(v).strip()


class PatientProfile(_Model):
    """One patient. ``None`` everywhere means not recorded; ``[]`` means none."""

    id: str | None = None
    age: int | None = Field(default=None, ge=0, le=120)
    birth_date: str | None = None
    sex: Sex | None = None
    diagnoses: list[Diagnosis] | None = None
    biomarkers: list[Biomarker] | None = None
    ecog: int | None = None
    karnofsky: int | None = None
    therapies: list[Therapy] | None = None
    labs: list[Lab] | None = None
    conditions: list[str] | None = None
    measurable_disease: bool | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    life_expectancy_months: float | None = Field(default=None, ge=0)
    location: Location | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, v: Any) -> str | None:
        if v is None or v == "":
            return None
        found = _SEX_ALIASES.get(str(v).strip().lower())
        if found is None:
            raise ValueError(f"{v!r} is not a sex: use male, female or other")
        return found

    @field_validator("ecog", mode="before")
    @classmethod
    def _ecog(cls, v: Any) -> int | None:
        if v is None or v == "":
            return None
        try:
            score = int(str(v).strip().removeprefix("ECOG").strip())
            ok = str(score) == str(v).strip().removeprefix("ECOG").strip() and 0 <= score <= 5
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{str(v)!r} is not an ECOG score (0-5)")
        return score

    @field_validator("karnofsky", mode="before")
    @classmethod
    def _kps(cls, v: Any) -> int | None:
        if v is None or v == "":
            return None
        try:
            score = int(str(v).strip().rstrip("%"))
        except ValueError:
            score = -1
        if not (0 <= score <= 100 and score % 10 == 0):
            raise ValueError(f"{str(v)!r} is not a Karnofsky score (0-100, in tens)")
        return score

    @field_validator("birth_date", mode="before")
    @classmethod
    def _birth(cls, v: Any) -> str | None:
        return check_partial_date(v, "birth date")

    @model_validator(mode="after")
    def _consistent(self) -> PatientProfile:
        if self.pregnant and self.sex == "male":
            raise ValueError("pregnant is true but sex is male: check both fields")
        return self

    def age_on(self, when: date) -> int | None:
        """Age in whole years at ``when``; from the birth date when given, else ``age``.

        >>> PatientProfile(birth_date="1960-06-15").age_on(date(2026, 6, 14))
        65
        >>> PatientProfile(age=62).age_on(date(2030, 1, 1))
        62
        """
        if self.birth_date and len(self.birth_date) == 10:
            born = date.fromisoformat(self.birth_date)
            return when.year - born.year - ((when.month, when.day) < (born.month, born.day))
        if self.birth_date and len(self.birth_date) < 10 and self.age is None:
            return None  # a partial birth date leaves the age uncertain
        return self.age

    @property
    def primary(self) -> Diagnosis | None:
        return self.diagnoses[0] if self.diagnoses else None
