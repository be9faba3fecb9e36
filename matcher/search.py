"""One patient against a corpus: retrieval, the rule engine's verdicts, then the ranking model.

:func:`match_corpus` is what ``trialmatch match`` and the service call. Retrieval keeps the
trials whose status is wanted and whose age/sex fields and nearest recruiting site do not
rule the patient out; condition relevance never drops a trial, it only orders. The verdict
rules decide eligible / possibly eligible / ineligible; within each verdict group the
learned ranker (:mod:`matcher.rank`) orders the trials, or a retrieval score when the
model cannot be used (no condition in the profile, no model file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any, Literal

import numpy as np
import polars as pl

from matcher.facade import MatchReport, TrialMatch, match
from matcher.geo import NearestSite, SiteIndex, location_point
from matcher.index import PreparedTrials
from matcher.outcome import Question
from matcher.retrieve import DEFAULT_STATUSES, age_fit, condition_match, patient_terms, sex_fit
from matcher.topics import drug_names, has_condition, uses_drug
from profiles.model import PatientProfile
from rules.errors import ConfigError
from rules.trial import Trial

Ranking = Literal["model", "retrieval"]
VERDICT_ORDER = {"eligible": 0, "possibly_eligible": 1, "ineligible": 2}
#: Above this many candidates the model's per-pair features cost too much: retrieval order.
MODEL_LIMIT = 3000
#: biomarker results that name something the patient has (TREC PM "Gene:" lines list those)
_SHOWN = frozenset({None, "positive", "high", "MSI-H", "deficient", "equivocal", "low"})


def profile_query(profile: PatientProfile) -> str:
    """A structured profile as the questionnaire text the ranker was trained on (TREC PM).

    >>> p = PatientProfile(age=64, sex="male", diagnoses=[{"condition": "melanoma"}],
    ...                    biomarkers=[{"name": "BRAF", "result": "positive", "detail": "V600E"}])
    >>> print(profile_query(p))
    Disease: melanoma
    Gene: BRAF (V600E)
    Demographic: 64-year-old male
    """
    lines = []
    diseases = [d.condition for d in profile.diagnoses or []]
    if diseases:
        lines.append("Disease: " + ", ".join(diseases))
    genes = [
        f"{b.name} ({b.detail})" if b.detail else b.name
        for b in profile.biomarkers or []
        if b.result in _SHOWN
    ]
    if genes:
        lines.append("Gene: " + ", ".join(genes))
    who = " ".join(
        x
        for x in (f"{profile.age}-year-old" if profile.age is not None else None, profile.sex)
        if x
    )
    if who:
        lines.append("Demographic: " + who)
    if profile.conditions:
        lines.append("Other: " + ", ".join(profile.conditions))
    return "\n".join(lines)


@dataclass(frozen=True)
class Retrieval:
    """What retrieval kept and why it left the others out (counts of trials)."""

    total: int
    statuses: tuple[str, ...] | None
    wrong_status: int = 0
    age: int = 0
    sex: int = 0
    beyond: int = 0
    max_distance_km: float | None = None
    unlocated: int = 0
    other_condition: int = 0
    kept: int = 0
    condition: str | None = None
    not_condition: int = 0
    intervention: str | None = None
    not_intervention: int = 0

    def describe(self) -> str:
        """One line for a person, e.g. ``180 of 255 trials are recruiting or not yet ...``.

        >>> Retrieval(10, ("RECRUITING",), wrong_status=4, age=1, kept=5).describe()
        '6 of 10 trials are recruiting; 1 outside their age limits; 5 considered.'
        >>> Retrieval(10, None, intervention="Keytruda", not_intervention=7, kept=3).describe()
        '10 trials of any status; 7 not testing Keytruda; 3 considered.'
        """
        if self.statuses is None:
            parts = [f"{self.total} trials of any status"]
        else:
            words = " or ".join(s.lower().replace("_", " ") for s in self.statuses)
            parts = [f"{self.total - self.wrong_status} of {self.total} trials are {words}"]
        if self.not_condition:
            parts.append(f"{self.not_condition} not about {self.condition}")
        if self.not_intervention:
            parts.append(f"{self.not_intervention} not testing {self.intervention}")
        if self.age:
            parts.append(f"{self.age} outside their age limits")
        if self.sex:
            parts.append(f"{self.sex} for the other sex")
        if self.beyond:
            parts.append(
                f"{self.beyond} with no recruiting site within {self.max_distance_km:g} km"
            )
        if self.unlocated:
            parts.append(f"{self.unlocated} kept with no located recruiting site")
        if self.other_condition:
            parts.append(f"{self.other_condition} studying other conditions than your cancer")
        return "; ".join(parts) + f"; {self.kept} considered."


@dataclass
class CorpusReport:
    """A :class:`MatchReport` ordered by verdict group then rank, with retrieval facts.

    ``to_dict`` is the ``trialmatch match`` JSON contract, each match with a
    ``nearest_site`` ({facility, city, country, distance_km} or None) and ``rank_score``.
    """

    report: MatchReport
    retrieval: Retrieval
    ranking: Ranking
    nearest: dict[str, NearestSite | None] = field(default_factory=dict)
    rank_scores: dict[str, float] = field(default_factory=dict)

    @property
    def matches(self) -> list[TrialMatch]:
        return self.report.matches

    @property
    def questions(self) -> list[Question]:
        return self.report.questions

    @property
    def as_of(self) -> date:
        return self.report.as_of

    @property
    def counts(self) -> dict[str, int]:
        return self.report.counts

    def to_dict(self) -> dict[str, Any]:
        out = self.report.to_dict()
        for m in out["matches"]:
            site = self.nearest.get(m["nct_id"])
            m["nearest_site"] = (
                {
                    "facility": site.facility,
                    "city": site.city,
                    "country": site.country,
                    "distance_km": site.distance_km,
                }
                if site
                else None
            )
            m["rank_score"] = round(self.rank_scores.get(m["nct_id"], 0.0), 4)
        return out


def retrieve_trials(
    profile: PatientProfile,
    trials: Sequence[Trial],
    *,
    statuses: Iterable[str] | None = DEFAULT_STATUSES,
    max_distance_km: float | None = None,
    cut: bool = True,
    sites: SiteIndex | None = None,
    statuses_of: Callable[[list[Trial]], np.ndarray] | None = None,
    condition: str | None = None,
    intervention: str | None = None,
) -> tuple[list[Trial], dict[str, NearestSite | None], Retrieval]:
    """Trials kept by status, condition, intervention, age/sex fields and distance; nearest
    sites; the counts.

    Without ``cut`` every trial is kept (the counts still say what would have gone).
    The distance limit is ``max_distance_km`` or the profile's ``location.max_distance_km``;
    a trial with no located recruiting site is kept (its distance is unknown).
    ``sites`` (a :class:`matcher.geo.SiteIndex` holding at least these trials, e.g. built
    once for a service's corpus) saves indexing the sites on every call; ``statuses_of``
    (trials -> their upper-case statuses, an array) saves reading each record's status.
    ``condition`` keeps the trials about it and ``intervention`` those testing it
    (:mod:`matcher.topics`: "NSCLC" finds "Non-small Cell Lung Cancer", "Keytruda" finds
    pembrolizumab).

    >>> ts = [Trial(nct_id="NCT00000001", overall_status="RECRUITING", maximum_age="50 Years"),
    ...       Trial(nct_id="NCT00000002", overall_status="COMPLETED")]
    >>> kept, _, why = retrieve_trials(PatientProfile(age=60), ts)
    >>> [t.nct_id for t in kept], why.wrong_status, why.age
    ([], 1, 1)
    """
    wanted = tuple(s.upper() for s in statuses) if statuses is not None else None
    point = location_point(profile.location) if profile.location else None
    limit = max_distance_km
    if limit is None and profile.location is not None:
        limit = profile.location.max_distance_km
    counts = dict.fromkeys(
        ("wrong_status", "not_condition", "not_intervention", "age", "sex", "beyond", "unlocated"),
        0,
    )
    trials = trials if isinstance(trials, list) else list(trials)
    if wanted is None:
        candidates = list(range(len(trials)))
    elif statuses_of is not None:  # the corpus's statuses as an array: one vectorized test
        have = statuses_of(trials)
        candidates = np.flatnonzero(np.isin(have, wanted)).tolist()
    else:
        candidates = [i for i, t in enumerate(trials) if (t.overall_status or "").upper() in wanted]
    counts["wrong_status"] = len(trials) - len(candidates)
    if condition:
        about = [i for i in candidates if has_condition(trials[i], condition)]
        counts["not_condition"], candidates = len(candidates) - len(about), about
    if intervention:
        canonical, names = drug_names(intervention)
        testing = [i for i in candidates if uses_drug(trials[i], names, canonical)]
        counts["not_intervention"], candidates = len(candidates) - len(testing), testing
    survivors = []  # the record's own age and sex fields next
    for i in candidates:
        trial = trials[i]
        if age_fit(profile, trial) is False:
            counts["age"] += 1
        elif sex_fit(profile, trial) is False:
            counts["sex"] += 1
        else:
            survivors.append(i)
    located = [trials[i] for i in survivors] if cut else trials
    nearest: dict[str, NearestSite | None] = dict.fromkeys(t.nct_id for t in located)
    if point is not None and located:  # distances only of the trials still in play
        index = sites or SiteIndex.build(located)
        nearest = index.nearest(point, among=[t.nct_id for t in located])
    gone = set()
    if point is not None and limit is not None:
        for i in survivors:
            site = nearest.get(trials[i].nct_id)
            if site is None:
                counts["unlocated"] += 1
            elif site.distance_km > limit:
                counts["beyond"] += 1
                gone.add(i)
    kept = [trials[i] for i in survivors if i not in gone] if cut else trials
    summary = Retrieval(
        len(trials),
        wanted,
        max_distance_km=limit if point is not None else None,
        kept=len(kept),
        condition=condition,
        intervention=intervention,
        **counts,
    )
    return kept, nearest, summary


@cache
def _shipped_ranker() -> Any:
    from matcher.rank import load_ranker

    return load_ranker()


def model_scores(
    profile: PatientProfile,
    trials: Sequence[Trial],
    *,
    ranker: Any | None = None,
    judged: Sequence[TrialMatch] = (),
) -> dict[str, float]:
    """The ranking model's score of each trial for ``profile`` (higher = better).

    The profile is written as the questionnaire the model saw in training
    (:func:`profile_query`); BM25 features are computed over the trials given. ``judged``
    are these trials already judged by the matcher: their outcomes give the rule features.
    """
    from matcher.pairs import pair_columns

    if not trials:
        return {}
    ranker = ranker or _shipped_ranker()
    qid = profile.id or "patient"
    ids = [t.nct_id for t in trials]
    columns = pair_columns(
        [(qid, n) for n in ids],
        texts={qid: profile_query(profile)},
        profiles={qid: profile},
        trials={t.nct_id: t for t in trials},
        judged={(qid, m.trial.nct_id): m for m in judged},
    )
    columns["query_id"] = np.array([qid] * len(ids), dtype=object)
    scores = ranker.predict(columns)  # the same columns as pair_frame's table, as arrays
    return dict(zip(ids, scores.tolist(), strict=True))


def retrieval_scores(profile: PatientProfile, trials: Sequence[Trial]) -> dict[str, float]:
    """Condition match of each trial (0 to 1): the order when the model cannot be used.

    >>> t = Trial(nct_id="NCT00000001", conditions=["Melanoma"])
    >>> retrieval_scores(PatientProfile(diagnoses=[{"condition": "melanoma"}]), [t])
    {'NCT00000001': 1.0}
    """
    terms = patient_terms(profile)
    return {t.nct_id: condition_match(terms, t) if terms else 0.0 for t in trials}


def match_corpus(
    profile: PatientProfile,
    trials: Iterable[Trial],
    *,
    as_of: date | None = None,
    statuses: Iterable[str] | None = DEFAULT_STATUSES,
    max_distance_km: float | None = None,
    top_k: int | None = None,
    verdicts: Iterable[str] | None = None,
    retrieval: bool = True,
    use_model: bool = True,
    ranker: Any | None = None,
    prepared: PreparedTrials | None = None,
    condition: str | None = None,
    intervention: str | None = None,
) -> CorpusReport:
    """Judge ``profile`` against ``trials``: retrieve, judge, order by verdict group then rank.

    ``statuses`` (trial recruitment statuses, None for any), ``condition`` (trials about it),
    ``intervention`` (trials testing it) and the distance limit apply only with ``retrieval``;
    without it every trial given is judged and reported. ``verdicts``
    keeps only those verdicts; ``top_k`` the best k after ordering. The model orders each
    verdict group unless ``use_model`` is off, the profile names no condition, there are
    more than ``MODEL_LIMIT`` candidates or no model is installed; then the retrieval
    score (condition match) does, with the rule engine's score breaking ties.
    ``prepared`` (:func:`matcher.prepare` output holding every trial given, e.g. a service's
    corpus prepared once) is reused: the kept trials are sliced from it, never re-parsed.

    >>> from rules.corpus import bundled_trials
    >>> p = PatientProfile(age=62, sex="male", diagnoses=[{"condition": "pancreatic cancer"}])
    >>> r = match_corpus(p, bundled_trials(), as_of=date(2026, 11, 20), top_k=3, use_model=False)
    >>> r.ranking, len(r.matches), r.retrieval.kept < r.retrieval.total
    ('retrieval', 3, True)
    """
    if top_k is not None and top_k < 1:
        raise ConfigError(f"top_k must be at least 1, got {top_k}")
    trials = trials if isinstance(trials, list) else list(trials)  # a service's list: kept
    sites = _memo(prepared, "sites", lambda p: SiteIndex.build(p.trials)) if prepared else None
    statuses_of = _memo(prepared, "statuses", _statuses_of) if prepared else None
    kept, nearest, summary = retrieve_trials(
        profile,
        trials,
        statuses=statuses,
        max_distance_km=max_distance_km,
        cut=retrieval,
        sites=sites,
        statuses_of=statuses_of,
        condition=condition,
        intervention=intervention,
    )
    if retrieval and not condition:  # a condition asked for replaces the patient's cancer
        kept, summary = _relevant_to_cancer(
            profile, kept, summary, as_of=as_of or date.today(), prepared=prepared
        )
    pool: list[Trial] | PreparedTrials = kept
    if prepared is not None:
        pool = take_prepared(prepared, [t.nct_id for t in kept])
    report = match(profile, pool, as_of=as_of, statuses=verdicts)
    judged = [m.trial for m in report.matches]
    how: Ranking = "retrieval"
    scores: dict[str, float] = {}
    if use_model and patient_terms(profile) and 0 < len(judged) <= MODEL_LIMIT:
        try:
            scores = model_scores(profile, judged, ranker=ranker, judged=report.matches)
            how = "model"
        except ConfigError:  # no model file installed: the retrieval order
            scores = {}
    if not scores:
        scores = retrieval_scores(profile, judged)
    ordered = sorted(
        report.matches,
        key=lambda m: (
            VERDICT_ORDER[m.verdict],
            -scores.get(m.trial.nct_id, 0.0),
            -m.score,
            m.trial.nct_id,
        ),
    )
    out = MatchReport(ordered[: top_k or None], report.questions, report.as_of, report.counts)
    return CorpusReport(out, summary, how, nearest, scores)


def take_prepared(prepared: PreparedTrials, nct_ids: Sequence[str]) -> PreparedTrials:
    """The prepared trials named by ``nct_ids``, in that order (array slicing, no parsing).

    >>> from matcher.index import prepare
    >>> ts = [Trial(nct_id=f"NCT0000000{i}", minimum_age="18 Years") for i in (1, 2, 3)]
    >>> sub = take_prepared(prepare(ts), ["NCT00000003", "NCT00000001"])
    >>> [t.nct_id for t in sub.trials], sub.trial_of.tolist()
    (['NCT00000003', 'NCT00000001'], [0, 1])
    """

    where = _positions(prepared)
    missing = [n for n in nct_ids if n not in where]
    if missing:
        raise ConfigError(
            f"{len(missing)} trial(s) are not in the prepared trials, e.g. {missing[0]}",
            hint="prepare every trial passed to match_corpus",
        )
    chosen = [where[n] for n in nct_ids]
    starts = _memo(
        prepared,
        "starts",
        lambda p: np.searchsorted(p.trial_of, np.arange(len(p.trials) + 1)),
    )
    rows = (
        np.concatenate([np.arange(starts[i], starts[i + 1]) for i in chosen])
        if chosen
        else np.zeros(0, dtype=np.int64)
    )
    trial_of = np.repeat(
        np.arange(len(chosen), dtype=np.int32), [starts[i + 1] - starts[i] for i in chosen]
    )
    return PreparedTrials(
        trials=[prepared.trials[i] for i in chosen],
        criteria=[prepared.criteria[i] for i in chosen],
        trial_of=trial_of.astype(np.int32),
        key=prepared.key[rows],
        required=prepared.required[rows],
        confident=prepared.confident[rows],
        temporary=prepared.temporary[rows],
        full_key=prepared.full_key[rows] if prepared.full_key is not None else None,
    )


def _relevant_to_cancer(
    profile: PatientProfile,
    kept: list[Trial],
    summary: Retrieval,
    *,
    as_of: date,
    prepared: PreparedTrials | None = None,
) -> tuple[list[Trial], Retrieval]:
    """Leave out trials that study only other conditions than the patient's recognised cancer.

    The same rule as batch matching (:mod:`matcher.batch.relevance`): a trial for a related
    cancer (either way in the hierarchy) or for cancer in general stays; a trial whose
    registered conditions and inclusion criteria name only other diseases goes. A patient
    with no recognised cancer keeps every trial. This is retrieval, not a verdict: with
    ``--trials`` (no retrieval) such trials are judged and reported.
    """
    from matcher.batch.relevance import patient_cancers

    cancers = patient_cancers(profile, as_of=as_of)
    if not cancers or not kept:
        return kept, summary
    if prepared is not None:  # it holds every trial given (see match_corpus)
        wanted = _relevant_in(prepared, cancers)
    else:
        wanted = _relevant_ids(kept, cancers)
    relevant = [t for t in kept if t.nct_id in wanted]
    dropped = len(kept) - len(relevant)
    return relevant, replace(summary, other_condition=dropped, kept=len(relevant))


def _statuses_of(prepared: PreparedTrials) -> Callable[[list[Trial]], np.ndarray]:
    """Trials -> the upper-case status of each (prepared trials only): a lookup table, with
    the positions of each list of trials seen kept while the same list object comes back
    (a service passes its corpus, or a cached subset, on every request)."""
    where = _positions(prepared)
    status = np.array([(t.overall_status or "").upper() for t in prepared.trials], dtype=object)
    seen: dict[int, tuple[list[Trial], np.ndarray]] = {}

    def lookup(trials: list[Trial]) -> np.ndarray:
        hit = seen.get(id(trials))
        if (
            hit is None
            or hit[0] is not trials
            or len(hit[1]) != len(trials)
            or (trials and where.get(trials[-1].nct_id) != hit[1][-1])
        ):
            if len(seen) >= 64:
                seen.clear()
            missing = [t.nct_id for t in trials if t.nct_id not in where]
            if missing:
                raise ConfigError(
                    f"{len(missing)} trial(s) are not in the prepared trials, e.g. {missing[0]}",
                    hint="prepare every trial passed to match_corpus",
                )
            positions = np.array([where[t.nct_id] for t in trials], dtype=np.int64)
            seen[id(trials)] = hit = (trials, positions)
        return status[hit[1]]

    return lookup


def _positions(prepared: PreparedTrials) -> dict[str, int]:
    """Each prepared trial's position, by NCT id (built once per prepared corpus)."""
    found: dict[str, int] = _memo(
        prepared, "where", lambda p: {t.nct_id: i for i, t in enumerate(p.trials)}
    )
    return found


def _memo(prepared: PreparedTrials, name: str, build: Callable[[PreparedTrials], Any]) -> Any:
    """A value derived once from ``prepared`` (kept in its ``memo``)."""
    if name not in prepared.memo:
        prepared.memo[name] = build(prepared)
    return prepared.memo[name]


def _relevant_ids(trials: Sequence[Trial], cancers: tuple[str, ...]) -> frozenset[str]:
    """NCT ids of ``trials`` relevant to a patient with ``cancers`` (batch's relevance rule)."""
    from matcher.batch.relevance import relevance_table, relevant_trials
    from rules.criteria import parse_trial

    table = relevance_table(trials, {t.nct_id: parse_trial(t) for t in trials})
    return frozenset(relevant_trials({0: cancers}, table).get(0, []))


def _relevant_in(prepared: PreparedTrials, cancers: tuple[str, ...]) -> frozenset[str]:
    """:func:`_relevant_ids` over the whole prepared corpus, kept per set of cancers."""
    from matcher.batch.relevance import relevance_table, relevant_trials

    def table(p: PreparedTrials) -> pl.DataFrame:
        own = [[c for c in cs if not c.rule.startswith("ctgov:")] for cs in p.criteria]
        return relevance_table(p.trials, {t.nct_id: c for t, c in zip(p.trials, own, strict=True)})

    found: dict[tuple[str, ...], frozenset[str]] = _memo(prepared, "relevant", lambda p: {})
    if cancers not in found:
        if len(found) >= 1024:
            found.clear()
        found[cancers] = frozenset(
            relevant_trials({0: cancers}, _memo(prepared, "relevance", table)).get(0, [])
        )
    return found[cancers]
