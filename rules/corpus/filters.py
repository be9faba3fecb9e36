"""Filtering the trials table: by condition text and by recruitment status."""

from __future__ import annotations

import polars as pl

from rules.errors import ConfigError, did_you_mean
from rules.trial import STATUSES


def parse_statuses(text: str) -> tuple[str, ...]:
    """Comma-separated statuses, case-insensitive, checked against ClinicalTrials.gov's.

    >>> parse_statuses("recruiting, Not_Yet_Recruiting")
    ('RECRUITING', 'NOT_YET_RECRUITING')
    >>> parse_statuses("recrutng")
    Traceback (most recent call last):
    ...
    rules.errors.ConfigError: unknown status 'RECRUTNG' (did you mean RECRUITING?)
    """
    found: list[str] = []
    for part in text.split(","):
        value = part.strip().upper().replace(" ", "_").replace("-", "_")
        if not value:
            continue
        if value not in STATUSES:
            hint = did_you_mean(value, STATUSES) or "accepted: " + ", ".join(STATUSES)
            raise ConfigError(f"unknown status {value!r}", hint=hint)
        if value not in found:
            found.append(value)
    if not found:
        raise ConfigError("no status given", hint="accepted: " + ", ".join(STATUSES))
    return tuple(found)


def filter_frame(
    frame: pl.DataFrame,
    *,
    condition: str | None = None,
    statuses: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """Rows whose conditions, MeSH terms/ancestors or title contain ``condition``
    (case-insensitive), and whose status is one of ``statuses``.

    >>> from rules.corpus import bundled_frame
    >>> hits = filter_frame(bundled_frame(), condition="PANCREATIC", statuses=("RECRUITING",))
    >>> "NCT06532617" in hits["nct_id"].to_list()
    True
    """
    out = frame
    if condition and condition.strip():
        needle = condition.strip().lower()

        def has(col: str) -> pl.Expr:
            return (
                pl.col(col)
                .list.eval(pl.element().str.to_lowercase().str.contains(needle, literal=True))
                .list.any()
                .fill_null(False)
            )

        in_title = pl.col("title").str.to_lowercase().str.contains(needle, literal=True)
        out = out.filter(in_title.fill_null(False) | has("conditions") | has("condition_terms"))
    if statuses:
        out = out.filter(pl.col("status").is_in(list(statuses)))
    return out
