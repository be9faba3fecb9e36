"""Which criteria rule out trials that experts judged eligible (false exclusions).

A false exclusion is a pair labelled 2 (eligible) that the rule engine calls ineligible. Each
one is traced to the criteria that failed, with the trial's words, the pattern that parsed
them and the engine's explanation, so a wrong rule can be found and fixed (never by
touching the metric).
"""

from __future__ import annotations

import polars as pl

from matcher import evaluate_trial
from matcher.bench import Benchmark
from matcher.rule_features import AS_OF
from profiles.model import PatientProfile

COLUMNS = ("query_id", "nct_id", "criterion", "polarity", "kind", "rule", "text", "explanation")


def false_exclusions(
    bench: Benchmark, *, profiles: dict[str, PatientProfile] | None = None
) -> pl.DataFrame:
    """One row per failed criterion of each eligible-judged pair the engine rules out.

    ``profiles`` default to the ones read from the patient texts.

    >>> from rules.trial import Trial
    >>> qrels = pl.DataFrame({"query_id": ["q1"], "nct_id": ["NCT00000001"], "label": [2]})
    >>> b = Benchmark("demo", {"q1": "A 70-year-old man."}, qrels,
    ...               {"NCT00000001": Trial(nct_id="NCT00000001", maximum_age="65 Years")})
    >>> false_exclusions(b).select("nct_id", "kind", "rule").row(0)
    ('NCT00000001', 'age', 'ctgov:maximumAge')
    """
    if profiles is None:
        profiles = bench.profiles()
    rows = []
    eligible = bench.qrels.filter(pl.col("label") == 2)
    for qid, nct in eligible.select("query_id", "nct_id").iter_rows():
        m = evaluate_trial(profiles[qid], bench.trials[nct], as_of=AS_OF)
        if m.verdict != "ineligible":
            continue
        for o in m.outcomes:
            if o.status == "not_met":
                c = o.criterion
                rows.append((qid, nct, c.id, c.polarity, c.kind, c.rule, c.text, o.explanation))
    return pl.DataFrame(rows, schema=list(COLUMNS), orient="row")


def top_causes(found: pl.DataFrame, *, by: str = "rule", n: int = 15) -> pl.DataFrame:
    """The most frequent causes (by ``rule`` or ``kind``) with one example of the words.

    >>> f = pl.DataFrame({c: ["x"] for c in COLUMNS})
    >>> top_causes(f).row(0)
    ('x', 'x', 1, 1, 'x')
    """
    return (
        found.group_by(by, "kind" if by != "kind" else "polarity")
        .agg(
            pl.len().alias("criteria"),
            pl.struct("query_id", "nct_id").n_unique().alias("pairs"),
            pl.col("text").first().alias("example"),
        )
        .sort(["pairs", "criteria", by], descending=[True, True, False])
        .head(n)
    )
