"""Benchmark files (TREC-style) and the baselines every result is shown beside.

A benchmark is ``queries.jsonl`` (``{"_id", "text"}`` per line), ``qrels.tsv`` (header
``query-id corpus-id score``, grades 0/1/2) and ``trials.jsonl`` (v2-shaped records). Runs
are polars tables with one row per judged pair: ``query_id, nct_id, label, score`` (and
``verdict`` when the rule engine judged the pair).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from matcher.metrics import evaluate_run
from matcher.retrieve import Bm25Index
from profiles.model import PatientProfile
from rules.corpus import read_trials as corpus_read_trials
from rules.errors import CorpusError
from rules.trial import Trial

BENCHMARK_SETS = ("trec-ct-2021", "trec-pm-2017", "trec-pm-2018")
RANDOM_SEEDS = (0, 1, 2, 3, 4)
VERDICTS = ("eligible", "possibly_eligible", "ineligible")


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: patient texts, judged pairs and the judged trials."""

    name: str
    queries: dict[str, str]
    qrels: pl.DataFrame
    trials: dict[str, Trial]

    @classmethod
    def from_paths(
        cls, *, queries: Path, trials: Path, qrels: Path, name: str | None = None
    ) -> Benchmark:
        """Read the three files; every judged pair must have its patient and its trial."""
        q = read_queries(queries)
        judged = read_qrels(qrels)
        t = read_trials(trials)
        missing_q = sorted(set(judged["query_id"]) - set(q))
        if missing_q:
            raise CorpusError(
                f"{len(missing_q)} judged patient(s) not in the queries file, e.g. {missing_q[:3]}",
                where=str(qrels),
            )
        missing_t = sorted(set(judged["nct_id"]) - set(t))
        if missing_t:
            raise CorpusError(
                f"{len(missing_t)} judged trial(s) not in the trials file, e.g. {missing_t[:3]}",
                where=str(qrels),
            )
        return cls(name or Path(queries).parent.name, q, judged, t)

    @classmethod
    def from_dir(cls, folder: Path) -> Benchmark:
        """Read ``queries.jsonl``, ``trials.jsonl`` and ``qrels.tsv`` from one folder."""
        folder = Path(folder)
        if not folder.is_dir():
            raise CorpusError(
                "no such benchmark folder",
                where=str(folder),
                hint="expected a folder with queries.jsonl, trials.jsonl, qrels.tsv",
            )
        trials = folder / "trials.jsonl"
        if not trials.exists() and trials.with_suffix(".jsonl.gz").exists():
            trials = trials.with_suffix(".jsonl.gz")
        return cls.from_paths(
            queries=folder / "queries.jsonl",
            trials=trials,
            qrels=folder / "qrels.tsv",
            name=folder.name,
        )

    def pairs(self) -> pl.DataFrame:
        """The judged pairs, ``query_id, nct_id, label``, in file order."""
        return self.qrels

    def profiles(self) -> dict[str, PatientProfile]:
        """Each patient's profile read from their text, on the day the rules are judged
        (``matcher.rule_features.AS_OF``), so "4 months ago" is the same date every run."""
        from matcher.rule_features import AS_OF
        from profiles.text import extract_profile

        return {q: extract_profile(t, id=q, as_of=AS_OF).profile for q, t in self.queries.items()}


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        raw = Path(path).read_bytes()
        text = (gzip.decompress(raw) if str(path).endswith(".gz") else raw).decode("utf-8")
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise CorpusError(
            f"cannot read: {getattr(exc, 'strerror', None) or exc}", where=str(path)
        ) from None
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def read_queries(path: Path) -> dict[str, str]:
    """Patient descriptions by id from a JSON Lines file of ``{"_id", "text"}``."""
    out: dict[str, str] = {}
    for n, line in _lines(path):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"not JSON: {exc.msg}", where=f"{path}, line {n}") from None
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("_id"), str)
            or not isinstance(row.get("text"), str)
        ):
            raise CorpusError(
                'each line must be {"_id": "...", "text": "..."}', where=f"{path}, line {n}"
            )
        if row["_id"] in out:
            raise CorpusError(f"patient id {row['_id']!r} appears twice", where=f"{path}, line {n}")
        out[row["_id"]] = row["text"]
    return out


def read_qrels(path: Path) -> pl.DataFrame:
    """Judged pairs from a TSV with header ``query-id corpus-id score`` (grades 0, 1, 2)."""
    rows = _lines(path)
    if not rows or rows[0][1].split() != ["query-id", "corpus-id", "score"]:
        raise CorpusError(
            "the first line must be the header 'query-id corpus-id score'", where=f"{path}, line 1"
        )
    q, t, g = [], [], []
    for n, line in rows[1:]:
        cells = line.split()
        if len(cells) != 3 or cells[2] not in ("0", "1", "2"):
            raise CorpusError(
                f"expected 'query-id corpus-id score' with score 0, 1 or 2, got {line!r}",
                where=f"{path}, line {n}",
            )
        q.append(cells[0])
        t.append(cells[1])
        g.append(int(cells[2]))
    frame = pl.DataFrame(
        {"query_id": q, "nct_id": t, "label": g},
        schema={"query_id": pl.String, "nct_id": pl.String, "label": pl.Int64},
    )
    dupes = frame.filter(pl.struct("query_id", "nct_id").is_duplicated())
    if dupes.height:
        raise CorpusError(f"pair {dupes.row(0)[:2]} is judged twice", where=str(path))
    return frame


def read_trials(path: Path) -> dict[str, Trial]:
    """Trials by NCT id from a JSON Lines file of v2-shaped records (the corpus reader);
    the first unreadable record is an error, never a dropped trial."""
    trials, errors = corpus_read_trials([path])
    if errors:
        raise errors[0]
    return {t.nct_id: t for t in trials}


def random_run(bench: Benchmark, *, seed: int) -> pl.DataFrame:
    """A random order of each patient's judged trials (the floor)."""
    rng = np.random.default_rng(seed)
    return bench.pairs().with_columns(pl.Series("score", rng.random(bench.qrels.height)))


def bm25_scores(bench: Benchmark) -> np.ndarray:
    """BM25 of each patient's text against each judged trial (index over all judged trials)."""
    ordered = sorted(bench.trials)
    index = Bm25Index.build([bench.trials[i] for i in ordered])
    position = {nct: i for i, nct in enumerate(ordered)}
    scores = np.zeros(bench.qrels.height)
    cache: dict[str, np.ndarray] = {}
    for row, (qid, nct) in enumerate(bench.qrels.select("query_id", "nct_id").iter_rows()):
        if qid not in cache:
            cache[qid] = index.score_array(bench.queries[qid])
        scores[row] = cache[qid][position[nct]]
    return scores


def bm25_run(bench: Benchmark) -> pl.DataFrame:
    """BM25 over title, conditions, interventions and criteria, on the judged pairs."""
    return bench.pairs().with_columns(pl.Series("score", bm25_scores(bench)))


def baselines(bench: Benchmark) -> dict[str, dict[str, float | int | None]]:
    """Metrics of the random order (mean over fixed seeds) and of BM25, on the judged pairs."""
    runs = [evaluate_run(random_run(bench, seed=s)).as_dict() for s in RANDOM_SEEDS]
    mean: dict[str, float | int | None] = {}
    for key in runs[0]:
        values = [r[key] for r in runs if r[key] is not None]
        mean[key] = float(np.mean(values)) if values else None  # type: ignore[arg-type]
    mean["patients"], mean["pairs"] = runs[0]["patients"], runs[0]["pairs"]
    return {"random": mean, "bm25": evaluate_run(bm25_run(bench)).as_dict()}


def write_run(run: pl.DataFrame, path: Path) -> None:
    """Write ``query-id Q0 nct-id rank score verdict`` lines, ranks per patient from 1."""
    ranked = run.sort(["query_id", "score", "nct_id"], descending=[False, True, False])
    ranked = ranked.with_columns(pl.int_range(1, pl.len() + 1).over("query_id").alias("rank"))
    with Path(path).open("w", encoding="utf-8") as out:
        for qid, nct, rank, score, verdict in ranked.select(
            "query_id", "nct_id", "rank", "score", "verdict"
        ).iter_rows():
            out.write(f"{qid}\tQ0\t{nct}\t{rank}\t{score:.6f}\t{verdict}\n")


def pair_table(bench: Benchmark, *, rules: bool = True) -> pl.DataFrame:
    """Raw features of every judged pair: profiles read from the patient texts, retrieval
    scores, trial fields and (with ``rules``) the rule engine's outcomes and verdict."""
    from matcher.pairs import pair_frame

    return pair_frame(
        bench.pairs(),
        texts=bench.queries,
        profiles=bench.profiles(),
        trials=bench.trials,
        rules=rules,
    )


def model_run(
    table: pl.DataFrame,
    *,
    ranker: object | None = None,
    cv: int | None = None,
    seed_params: dict[str, object] | None = None,
    dealing: int = 0,
) -> pl.DataFrame:
    """Score the pairs with ``ranker``, or out-of-fold (``cv`` folds grouped by patient;
    ``dealing``: see :func:`matcher.rank.out_of_fold`).

    Returns ``query_id, nct_id, label, score, verdict``; without rule features every pair's
    verdict is ``possibly_eligible`` (nothing was ruled out).
    """
    from matcher.rank import TrialRanker, out_of_fold

    if cv:
        fresh = TrialRanker(**(seed_params or {}))  # type: ignore[arg-type]
        scores = out_of_fold(table, k=cv, ranker=fresh, dealing=dealing)
    elif isinstance(ranker, TrialRanker):
        scores = ranker.predict(table.drop([c for c in ("label", "verdict") if c in table.columns]))
    else:
        raise TypeError("give a fitted TrialRanker or a number of folds")
    verdict = (
        table["verdict"]
        if "verdict" in table.columns
        else pl.Series("verdict", ["possibly_eligible"] * table.height)
    )
    return table.select("query_id", "nct_id", "label").with_columns(
        pl.Series("score", scores), verdict.alias("verdict")
    )
