"""Options, the per-pair outcome, and the closing summary of a batch run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

Engine = Literal["local", "dask"]
ENGINES: tuple[str, ...] = Engine.__args__  # type: ignore[attr-defined]
Verdict = Literal["eligible", "possibly_eligible", "ineligible"]
#: verdict written for a patient none of whose trials was kept (so the patient is not lost)
NO_MATCH = "none"
DEFAULT_STATUSES: tuple[str, ...] = ("RECRUITING", "NOT_YET_RECRUITING")
#: keep at most this many rows in an XLSX sheet (Excel stops at 1,048,576 rows)
EXCEL_MAX_ROWS = 1_000_000


@dataclass(frozen=True, kw_only=True)
class BatchOptions:
    """What a batch run does; recorded in the checkpoint manifest so a resume can check it.

    ``statuses=None`` matches against every trial whatever its recruitment status.
    """

    top_k: int = 20
    statuses: tuple[str, ...] | None = DEFAULT_STATUSES
    as_of: date = field(default_factory=date.today)
    engine: Engine = "local"
    scheduler: str | None = None
    workers: int = 2
    partition_size: int = 100
    resume: bool = False

    def fingerprint(self) -> dict[str, object]:
        """The options that change the rows (not how they are computed)."""
        return {
            "top_k": self.top_k,
            "statuses": list(self.statuses) if self.statuses is not None else None,
            "as_of": self.as_of.isoformat(),
            "partition_size": self.partition_size,
        }


@dataclass(frozen=True, kw_only=True)
class PairResult:
    """The explained evaluation of one (patient, trial) pair, flattened for a table."""

    nct_id: str
    verdict: Verdict
    score: float
    n_met: int
    n_not_met: int
    n_unknown: int
    n_needs_clinician: int
    ruling: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """What the matcher says about one patient against the trials it was asked to judge.

    ``kept``: the eligible then possibly eligible trials, best first, at most top-k, each
    explained; ``counts``: trials judged per verdict (all of them, kept or not);
    ``unlocks``: (question, NCT ids) for each question that would settle an unknown of
    those possibly eligible trials.
    """

    kept: list[PairResult]
    counts: dict[str, int]
    unlocks: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def judged(self) -> int:
        return sum(self.counts.values())


@dataclass(kw_only=True)
class BatchSummary:
    """Counts that must reconcile: ``input_rows == matched_patients + error_rows``."""

    input_rows: int = 0
    matched_patients: int = 0
    error_rows: int = 0
    result_rows: int = 0
    patients_without_match: int = 0
    trials: int = 0
    partitions: int = 0
    resumed_partitions: int = 0
    pairs_not_relevant: int = 0
    pairs_prescreened: int = 0
    pairs_evaluated: int = 0
    seconds: float = 0.0
    out_path: Path | None = None
    errors_path: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        return self.input_rows == self.matched_patients + self.error_rows

    @property
    def patients_per_second(self) -> float:
        return self.matched_patients / self.seconds if self.seconds > 0 else 0.0
