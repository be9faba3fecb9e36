"""Trials as polars tables: the flat columns used for filtering, and the sites table.

Each trials row keeps the whole :class:`~rules.trial.Trial` as JSON (``trial_json``), so
the store rebuilds every trial exactly; the other columns are for filtering and listing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl

from rules.trial import Trial

TRIALS_SCHEMA: dict[str, Any] = {
    "nct_id": pl.String,
    "title": pl.String,
    "status": pl.String,
    "last_update": pl.Date,
    "conditions": pl.List(pl.String),
    "condition_terms": pl.List(pl.String),
    "phases": pl.List(pl.String),
    "study_type": pl.String,
    "min_age_years": pl.Float64,
    "max_age_years": pl.Float64,
    "sex": pl.String,
    "sponsor": pl.String,
    "n_sites": pl.Int32,
    "source": pl.String,
    "trial_json": pl.String,
}
SITES_SCHEMA: dict[str, Any] = {
    "nct_id": pl.String,
    "facility": pl.String,
    "city": pl.String,
    "state": pl.String,
    "zip": pl.String,
    "country": pl.String,
    "status": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y")


def parse_date(text: str | None) -> dt.date | None:
    """A ClinicalTrials.gov date as a date; month-only dates fall on the 1st.

    >>> parse_date("2024-05-01"), parse_date("June 24, 2005"), parse_date("2023-07")
    (datetime.date(2024, 5, 1), datetime.date(2005, 6, 24), datetime.date(2023, 7, 1))
    >>> parse_date("soon") is None
    True
    """
    if not text:
        return None
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def trial_row(trial: Trial, *, source: str = "") -> dict[str, Any]:
    """The trials-table row of one trial."""
    terms = [m.term for m in (*trial.condition_meshes, *trial.condition_ancestors)]
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "status": trial.overall_status,
        "last_update": parse_date(trial.last_update),
        "conditions": list(trial.conditions),
        "condition_terms": list(dict.fromkeys(terms)),
        "phases": list(trial.phases),
        "study_type": trial.study_type,
        "min_age_years": trial.min_age_years,
        "max_age_years": trial.max_age_years,
        "sex": trial.sex,
        "sponsor": trial.lead_sponsor,
        "n_sites": len(trial.sites),
        "source": source,
        "trial_json": trial.model_dump_json(),
    }


def site_rows(trial: Trial) -> list[dict[str, Any]]:
    """The sites-table rows of one trial (one per location)."""
    return [{"nct_id": trial.nct_id, **s.model_dump()} for s in trial.sites]


def trials_frame(trials: Iterable[Trial], *, source: str = "") -> pl.DataFrame:
    """The trials table for ``trials`` (same columns as the store's).

    >>> from rules.trial import Trial
    >>> t = Trial.from_record({"protocolSection": {"identificationModule":
    ...     {"nctId": "NCT06532617", "briefTitle": "Cadonilimab"},
    ...     "statusModule": {"lastUpdatePostDateStruct": {"date": "2024-08-05"}}}})
    >>> trials_frame([t]).select("nct_id", "title", "last_update").row(0)
    ('NCT06532617', 'Cadonilimab', datetime.date(2024, 8, 5))
    """
    return pl.DataFrame([trial_row(t, source=source) for t in trials], schema=TRIALS_SCHEMA)


def sites_frame(trials: Iterable[Trial]) -> pl.DataFrame:
    """The sites table for ``trials``: nct_id, facility, city, state, zip, country, status, lat, lon."""
    return pl.DataFrame([r for t in trials for r in site_rows(t)], schema=SITES_SCHEMA)


def frame_trials(frame: pl.DataFrame) -> list[Trial]:
    """Rebuild the trials of a trials table, in its row order."""
    return [Trial.model_validate_json(j) for j in frame.get_column("trial_json")]


def dedupe(trials: Iterable[Trial]) -> list[Trial]:
    """One trial per NCT id: the newest last-update date wins, the first seen on a tie.

    >>> from rules.trial import Trial
    >>> def t(date):
    ...     return Trial(nct_id="NCT00000001", last_update=date, brief_title=date)
    >>> [x.brief_title for x in dedupe([t("2020-01-01"), t("March 5, 2024"), t("2024-03-05")])]
    ['March 5, 2024']
    """
    best: dict[str, tuple[dt.date | None, Trial]] = {}
    for trial in trials:
        date = parse_date(trial.last_update)
        held = best.get(trial.nct_id)
        if held is None or (date is not None and (held[0] is None or date > held[0])):
            best[trial.nct_id] = (date, trial)
    return [t for _, t in best.values()]
