"""Search over the corpus and the drug view (trials of one intervention, by indication)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from matcher.topics import drug_names, has_condition, trial_cancers, uses_drug
from rules.trial import Trial
from service.api.engine import Engine
from service.api.errors import NotAvailable
from service.api.geo import Point, nearest_site

PHASE_ORDER = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")


def _vocab(attr: str) -> Any:
    from rules import vocab

    return getattr(vocab, attr, None)


def criterion_biomarkers(params: dict[str, Any]) -> set[str]:
    """Biomarker names a criterion's params use, looking inside any_of / all_of."""
    found: set[str] = set()
    if isinstance(params.get("biomarker"), str):
        found.add(params["biomarker"])
    for key in ("any_of", "all_of"):
        for item in params.get(key) or []:
            found |= criterion_biomarkers(item.get("params") or {})
    return found


def trial_biomarkers(engine: Engine, trial: Trial) -> set[str]:
    return set().union(*(criterion_biomarkers(c.params) for c in engine.criteria(trial)))


def has_biomarker(engine: Engine, trial: Trial, query: str) -> bool:
    canonical_biomarker = _vocab("canonical_biomarker")
    if canonical_biomarker is None:
        raise NotAvailable(
            "biomarker search is not available in this build (rules.vocab.canonical_biomarker is missing)"
        )
    wanted = canonical_biomarker(query) or query
    return wanted in trial_biomarkers(engine, trial)


def summary(trial: Trial, distance: float | None = None) -> dict[str, Any]:
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "status": trial.overall_status,
        "phases": list(trial.phases),
        "conditions": list(trial.conditions),
        "distance_km": None if distance is None else round(distance, 1),
    }


def search(
    engine: Engine,
    *,
    condition: str | None = None,
    intervention: str | None = None,
    biomarker: str | None = None,
    status: list[str] | None = None,
    near: Point | None = None,
    distance_km: float = 100.0,
    limit: int = 50,
) -> dict[str, Any]:
    """Trials matching every given filter, nearest first when ``near`` is given."""
    trials = engine.trials
    if status:
        trials = [t for t in trials if (t.overall_status or "UNKNOWN") in status]
    if condition:
        trials = [t for t in trials if has_condition(t, condition)]
    if intervention:
        canonical, names = drug_names(intervention)
        trials = [t for t in trials if uses_drug(t, names, canonical)]
    if biomarker:
        trials = [t for t in trials if has_biomarker(engine, t, biomarker)]
    rows: list[tuple[Trial, float | None]] = [(t, None) for t in trials]
    if near is not None:
        located = [(t, nearest_site(t, near)) for t in trials]
        rows = sorted(
            ((t, n[1]) for t, n in located if n is not None and n[1] <= distance_km),
            key=lambda r: r[1],
        )
    return {"count": len(rows), "results": [summary(t, d) for t, d in rows[:limit]]}


def phase_label(phases: list[str]) -> str:
    return "/".join(phases) if phases else "NA"


ROOT_CANCERS = frozenset({"cancer", "solid_tumor", "hematologic_malignancy"})
OTHER = "Not a cancer type we recognise"


def organ_group(cancer_id: str) -> str:
    """The broad cancer type a vocabulary id belongs to: its topmost ancestor below the
    roots (solid tumour, haematological malignancy), e.g. ``pdac`` -> ``pancreatic_cancer``."""
    ancestors = _vocab("cancer_ancestors")
    is_histology = _vocab("is_histology") or (lambda _c: False)
    if ancestors is None:
        return cancer_id
    chain = [cancer_id, *ancestors(cancer_id)]
    kept = [c for c in chain if c not in ROOT_CANCERS and not is_histology(c)]
    if not kept:
        return cancer_id
    return min(kept, key=lambda c: (len(ancestors(c)), c))


def _cancer_name(cancer_id: str) -> str:
    name_of = _vocab("cancer_name")
    return str(name_of(cancer_id)) if name_of else cancer_id.replace("_", " ")


def _biomarker_counts(engine: Engine, trials: list[Trial]) -> list[dict[str, Any]]:
    markers: Counter[str] = Counter()
    try:
        for t in trials:
            markers.update(trial_biomarkers(engine, t))
    except NotAvailable:
        return []
    return [{"biomarker": b, "trials": n} for b, n in markers.most_common()]


def drug_view(engine: Engine, name: str) -> dict[str, Any]:
    """The drug page's data: its trials grouped by cancer type (the vocabulary's broad types;
    a trial of several types is listed under each), with phase counts and biomarkers."""
    canonical, names = drug_names(name)
    trials = [t for t in engine.trials if uses_drug(t, names, canonical)]
    groups: dict[str, list[Trial]] = {}
    specific: dict[str, Counter[str]] = {}
    for t in trials:
        ids = trial_cancers(t)
        by_group: dict[str, set[str]] = {}
        for cid in ids:
            by_group.setdefault(organ_group(cid), set()).add(cid)
        # a trial naming a type and its subtype counts once, under the subtype
        for group, members in (by_group or {OTHER: set()}).items():
            groups.setdefault(group, []).append(t)
            leaves = {m for m in members if not any(m in _ancestors(o) for o in members)}
            specific.setdefault(group, Counter()).update(_cancer_name(m) for m in leaves)
    indications = [
        {
            "condition": OTHER if group == OTHER else _cancer_name(group),
            "cancer_id": None if group == OTHER else group,
            "count": len(ts),
            "phases": dict(Counter(phase_label(t.phases) for t in ts)),
            "cancers": dict(specific.get(group, Counter()).most_common()),
            "biomarkers": _biomarker_counts(engine, ts),
            "trials": [summary(t) for t in sorted(ts, key=_phase_then_id)],
        }
        for group, ts in sorted(groups.items(), key=lambda kv: (kv[0] == OTHER, -len(kv[1]), kv[0]))
    ]
    return {
        "name": name,
        "canonical": canonical,
        "names": names,
        "trial_count": len(trials),
        "phases": dict(Counter(phase_label(t.phases) for t in trials)),
        "statuses": dict(Counter(t.overall_status or "UNKNOWN" for t in trials)),
        "indications": indications,
        "biomarkers": _biomarker_counts(engine, trials),
    }


def _ancestors(cancer_id: str) -> set[str]:
    ancestors = _vocab("cancer_ancestors")
    return set(ancestors(cancer_id)) if ancestors else set()


def _phase_then_id(trial: Trial) -> tuple[int, str]:
    """Latest phase first (phase 3 before phase 1), then by id."""
    ranks = [PHASE_ORDER.index(p) for p in trial.phases if p in PHASE_ORDER and p != "NA"]
    return (-max(ranks, default=-1), trial.nct_id)
