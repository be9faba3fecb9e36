"""Ranking and eligibility metrics for re-ranking each patient's judged trials.

Labels are the benchmark grades: 0 not relevant, 1 excluded (TREC CT) or partially relevant
(TREC PM), 2 eligible or definitely relevant. Gains for NDCG are the grades themselves
(linear, as ``trec_eval``'s ``ndcg_cut``); "relevant" for P@10 and MRR means grade 2.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

RELEVANT = 2
EXCLUDED = 1


def _order(scores: Sequence[float], ids: Sequence[str]) -> list[int]:
    # Ties broken by id so that a run is reproducible whatever the input order.
    return sorted(range(len(scores)), key=lambda i: (-float(scores[i]), ids[i]))


def ndcg_at(labels: Sequence[int], *, k: int = 10) -> float:
    """NDCG@k of labels given in ranked order (gain = label, discount log2(rank + 1)).

    >>> round(ndcg_at([2, 0, 1]), 4), ndcg_at([0, 0]), ndcg_at([2, 1, 0])
    (0.9502, 0.0, 1.0)
    """
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(labels[:k]))
    ideal = sorted(labels, reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def precision_at(labels: Sequence[int], *, k: int = 10) -> float:
    """Share of the top ``k`` whose label is 2 (always divided by ``k``, as trec_eval).

    >>> precision_at([2, 1, 2, 0], k=10)
    0.2
    """
    return sum(1 for g in labels[:k] if g >= RELEVANT) / k


def reciprocal_rank(labels: Sequence[int]) -> float:
    """1 / rank of the first label-2 item, 0 when there is none.

    >>> reciprocal_rank([0, 1, 2]), reciprocal_rank([1, 0])
    (0.3333333333333333, 0.0)
    """
    for i, g in enumerate(labels):
        if g >= RELEVANT:
            return 1.0 / (i + 1)
    return 0.0


def auroc_eligible_vs_excluded(scores: Sequence[float], labels: Sequence[int]) -> float | None:
    """AUROC of ``scores`` separating label 2 from label 1 (label 0 ignored); None if one is absent.

    >>> auroc_eligible_vs_excluded([0.9, 0.1, 0.5, 0.7], [2, 1, 0, 1])
    1.0
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels)
    keep = (y == RELEVANT) | (y == EXCLUDED)
    if len(set(y[keep].tolist())) < 2:
        return None
    return float(roc_auc_score(y[keep] == RELEVANT, s[keep]))


def false_exclusion_rate(verdicts: Sequence[str], labels: Sequence[int]) -> float | None:
    """Share of label-2 pairs that were called ``ineligible``; None without label-2 pairs.

    >>> false_exclusion_rate(["ineligible", "eligible", "ineligible"], [2, 2, 1])
    0.5
    """
    called = [v for v, g in zip(verdicts, labels, strict=True) if g >= RELEVANT]
    if not called:
        return None
    return sum(1 for v in called if v == "ineligible") / len(called)


@dataclass(frozen=True)
class RunMetrics:
    """Metrics of one run over one benchmark: means over patients, plus pooled AUROC."""

    ndcg_10: float
    p_10: float
    mrr: float
    auroc: float | None
    auroc_per_patient: float | None
    false_exclusion: float | None
    patients: int
    pairs: int

    def as_dict(self) -> dict[str, float | int | None]:
        return dict(self.__dict__)


def per_query(run: pl.DataFrame) -> pl.DataFrame:
    """Per-patient NDCG@10, P@10, RR and AUROC of a run with columns query_id, nct_id, score, label.

    >>> run = pl.DataFrame({"query_id": ["q", "q"], "nct_id": ["NCT1", "NCT2"],
    ...                     "score": [0.2, 0.8], "label": [2, 1]})
    >>> per_query(run).row(0, named=True)["ndcg_10"] < 1.0
    True
    """
    rows = []
    for (qid,), group in run.group_by(["query_id"], maintain_order=True):
        scores = group["score"].to_list()
        labels = group["label"].to_list()
        order = _order(scores, group["nct_id"].to_list())
        ranked = [labels[i] for i in order]
        rows.append(
            {
                "query_id": qid,
                "pairs": len(labels),
                "ndcg_10": ndcg_at(ranked),
                "p_10": precision_at(ranked),
                "rr": reciprocal_rank(ranked),
                "auroc": auroc_eligible_vs_excluded(scores, labels),
            }
        )
    schema = {
        "query_id": pl.String,
        "pairs": pl.Int64,
        "ndcg_10": pl.Float64,
        "p_10": pl.Float64,
        "rr": pl.Float64,
        "auroc": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def evaluate_run(run: pl.DataFrame) -> RunMetrics:
    """Metrics of a run: columns query_id, nct_id, score, label and optionally verdict.

    Patients with no label-2 pair still count (with 0) in NDCG, P@10 and MRR, as trec_eval
    does for judged topics.

    >>> run = pl.DataFrame({"query_id": ["a", "a", "b", "b"],
    ...     "nct_id": ["NCT1", "NCT2", "NCT1", "NCT3"], "score": [2.0, 1.0, 0.5, 0.7],
    ...     "label": [2, 1, 0, 2], "verdict": ["eligible", "ineligible", "eligible", "eligible"]})
    >>> m = evaluate_run(run)
    >>> m.ndcg_10, m.mrr, m.auroc, m.false_exclusion
    (1.0, 1.0, 0.5, 0.0)
    """
    table = per_query(run)
    verdicts = run["verdict"].to_list() if "verdict" in run.columns else None
    labels = run["label"].to_list()
    patient_auc = table["auroc"].drop_nulls()
    return RunMetrics(
        ndcg_10=float(table["ndcg_10"].mean() or 0.0),  # type: ignore[arg-type]
        p_10=float(table["p_10"].mean() or 0.0),  # type: ignore[arg-type]
        mrr=float(table["rr"].mean() or 0.0),  # type: ignore[arg-type]
        auroc=auroc_eligible_vs_excluded(run["score"].to_list(), labels),
        auroc_per_patient=float(patient_auc.mean()) if len(patient_auc) else None,  # type: ignore[arg-type]
        false_exclusion=false_exclusion_rate(verdicts, labels) if verdicts else None,
        patients=table.height,
        pairs=run.height,
    )
