"""The service's single door to the engine: the corpus, parsed criteria, matching.

Routes and pages call this, never ``rules``/``matcher`` internals directly, so every
surface (API, pages, CLI) shows the same engine output. A piece of the engine missing from
this build is reported as :class:`~service.api.errors.NotAvailable` (HTTP 501), never faked.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from profiles.model import PatientProfile
from rules.criterion import Criterion
from rules.errors import ProfileError
from rules.trial import Trial
from service.api.errors import NotAvailable
from service.api.geo import Point, zip_point
from service.api.schemas import MatchFilters


def need(module: str, attr: str, feature: str) -> Callable[..., Any]:
    """The engine function ``module.attr``, or NotAvailable naming the missing feature."""
    try:
        found = getattr(importlib.import_module(module), attr, None)
    except ImportError:
        found = None
    if found is None:
        raise NotAvailable(f"{feature} is not available in this build ({module}.{attr} is missing)")
    return found  # type: ignore[no-any-return]


def _engine_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the engine; a piece it imports lazily that is missing becomes NotAvailable."""
    try:
        return fn(*args, **kwargs)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("rules", "profiles", "matcher"):
            raise NotAvailable(f"{exc.name} is not available in this build") from None
        raise


def _origin(profile: PatientProfile) -> Point:
    """The profile's place for a distance filter, or a clear error when it has none."""
    origin = profile_point(profile)
    if origin is None:
        raise ProfileError(
            "filters.max_distance_km needs a place to measure from",
            where="profile.location",
            hint="give location.postal_code (a US postal code) or location.lat and .lon",
        )
    return origin


def profile_point(profile: PatientProfile) -> Point | None:
    loc = profile.location
    if loc is None:
        return None
    if loc.lat is not None and loc.lon is not None:
        return Point(loc.lat, loc.lon)
    return zip_point(loc.postal_code) if loc.postal_code else None


class Engine:
    """Holds the corpus (loaded on first use) and caches each trial's parsed criteria."""

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        trials: Sequence[Trial] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self._given = list(trials) if trials is not None else None
        self._lock = threading.RLock()
        self._criteria: dict[str, list[Criterion]] = {}
        self._phases: dict[tuple[str, ...], list[Trial]] = {}

    @cached_property
    def trials(self) -> list[Trial]:
        if self._given is not None:
            return self._given
        load = need("rules.corpus", "load_corpus", "the trial corpus")
        with self._lock:
            return list(load(data_dir=self.data_dir))

    @cached_property
    def by_id(self) -> dict[str, Trial]:
        return {t.nct_id: t for t in self.trials}

    def get(self, nct_id: str) -> Trial | None:
        return self.by_id.get(nct_id.strip().upper())

    def criteria(self, trial: Trial) -> list[Criterion]:
        """The trial's parsed criteria (parsed once, then cached)."""
        cached = self._criteria.get(trial.nct_id)
        if cached is None:
            parse = need("rules.criteria", "parse_trial", "criteria parsing")
            cached = list(parse(trial))
            self._criteria[trial.nct_id] = cached
        return cached

    def plain_criteria(self, trial: Trial) -> list[tuple[Criterion, str]]:
        """Each criterion (structured fields included) with its plain-English rendering.

        The registry's structured fields (ages, sex, conditions studied) come first, then the
        parsed free text; the words are the matcher's ``describe_criterion`` (none written here).
        """
        parsed = self.criteria(trial)  # a clear 501 when the parser is missing
        structured = need("matcher", "structured_criteria", "plain-English criteria")
        describe = need("matcher.describe", "describe_criterion", "plain-English criteria")
        crits = list(_engine_call(structured, trial)) + parsed
        return [(c, _engine_call(describe, c)) for c in crits]

    # -- matching -------------------------------------------------------------------------

    def warm(self) -> None:
        """Pay the first-request costs at start-up: the ranking model is loaded, the corpus's
        site index and condition relevance table are built, and the texts the model's BM25
        features read are tokenized for the trials requests see by default (recruiting or
        not yet), so the first patients after a start are answered as fast as the rest."""
        build = need("matcher.pairs", "TrialIndexes", "ranking").build
        default = need("matcher.retrieve", "DEFAULT_STATUSES", "matching")
        seen = [t for t in self.trials if (t.overall_status or "").upper() in default]
        for start in range(0, len(seen), 500):
            build(seen[start : start + 500])
        probe = PatientProfile(
            age=60,
            sex="female",
            diagnoses=[{"condition": "cancer"}],
            location={"postal_code": "10016"},
        )
        self.search(probe, top_k=1)

    def search(
        self,
        profile: PatientProfile,
        *,
        as_of: date | None = None,
        top_k: int | None = None,
        filters: MatchFilters | None = None,
    ) -> dict[str, Any]:
        """The JSON of ``trialmatch match --format json`` for this profile (:meth:`ranked`)."""
        report = self.ranked(profile, as_of=as_of, top_k=top_k, filters=filters)
        return report.to_dict()  # type: ignore[no-any-return]

    def ranked(
        self,
        profile: PatientProfile,
        *,
        as_of: date | None = None,
        top_k: int | None = None,
        filters: MatchFilters | None = None,
    ) -> Any:
        """The ``matcher.search.CorpusReport`` for this profile: matches, questions and what
        retrieval kept (``report.retrieval.describe()``).

        The CLI's path (``matcher.search.match_corpus``: retrieval by status, age/sex,
        distance and cancer relevance, then verdict group and ranking model) over the corpus
        prepared once: ``filters.status`` are the statuses (default: the CLI's),
        ``filters.max_distance_km`` the distance limit, ``filters.phase`` keeps those phases,
        ``filters.condition`` / ``filters.intervention`` the trials about / testing them.
        """
        run = need("matcher.search", "match_corpus", "matching")
        default = need("matcher.retrieve", "DEFAULT_STATUSES", "matching")
        distance = filters.max_distance_km if filters else None
        if distance is not None:
            _origin(profile)  # a distance filter needs a place to measure from
        return _engine_call(
            run,
            profile,
            self.of_phases(tuple(filters.phase) if filters and filters.phase else ()),
            as_of=as_of,
            statuses=tuple(filters.status) if filters and filters.status else default,
            max_distance_km=distance,
            top_k=top_k,
            prepared=self.prepared,
            condition=filters.condition if filters else None,
            intervention=filters.intervention if filters else None,
        )

    def of_phases(self, phases: Sequence[str]) -> list[Trial]:
        """The corpus trials in any of ``phases`` (all trials when none given); kept."""
        if not phases:
            return self.trials
        key = tuple(sorted(set(phases)))
        with self._lock:
            found = self._phases.get(key)
            if found is None:
                want = set(key)
                found = [t for t in self.trials if want.intersection(t.phases or ["NA"])]
                self._phases[key] = found
        return found

    def _flatten(self, trials: list[Trial]) -> Any:
        from_criteria = need("matcher", "from_criteria", "matching")
        return _engine_call(from_criteria, trials, [self.criteria(t) for t in trials])

    @cached_property
    def prepared(self) -> Any:
        """The whole corpus parsed (from the store's parse cache when current) and flattened
        once for matching."""
        with self._lock:
            if self._given is None:
                cached = need("matcher.batch.corpus", "cached_parse", "matching")
                parsed = _engine_call(cached, self.trials, data_dir=self.data_dir)
                for t in self.trials:
                    self._criteria.setdefault(t.nct_id, list(parsed.get(t.nct_id, [])))
            return self._flatten(self.trials)

    def questions(
        self,
        profile: PatientProfile,
        *,
        as_of: date | None = None,
        filters: MatchFilters | None = None,
    ) -> list[Any]:
        """The facts that would settle the most unknowns, best first."""
        return list(self.search(profile, as_of=as_of, filters=filters).get("questions", []))

    def from_text(
        self, text: str, *, as_of: date | None = None
    ) -> tuple[PatientProfile, list[Any]]:
        """A profile extracted from a free-text note, and its facts with their spans; dates the
        note gives relative to the day it is read ("4 months ago") count back from ``as_of``
        (default today)."""
        extract = need("profiles.text", "extract_profile", "profile extraction from text")
        result = _engine_call(extract, text, as_of=as_of)
        return result.profile, [f.model_dump(mode="json") for f in result.facts]
