"""``trialmatch parse``: the structured criteria of trials (files or NCT ids), or coverage stats."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from rules.corpus import CorpusStore, announce_bundled, bundled_trials, read_trials
from rules.criteria import parse_trial
from rules.criteria.stats import coverage
from rules.criterion import Criterion
from rules.errors import TrialmatchError, did_you_mean
from rules.trial import NCT_RE, Trial
from service.cli.app import app, console, echo_json, err_console, fail

_FIELDS = ("id", "polarity", "text", "start", "end", "kind", "params", "confidence", "rule")


class Format(StrEnum):
    table = "table"
    json = "json"


@app.command("parse")
def parse_command(
    inputs: list[str] = typer.Argument(
        ..., help="Files or folders of study records (as ingest takes them) and/or NCT ids."
    ),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json."),
    stats: bool = typer.Option(
        False, "--stats", help="Coverage: share structured overall and by kind, top unstructured."
    ),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Corpus folder for NCT ids (default: $TRIALMATCH_DATA_DIR)."
    ),
) -> None:
    """Parse eligibility criteria into structured criteria, each citing its text span."""
    try:
        trials = _load(inputs, data_dir)
    except TrialmatchError as exc:
        fail(str(exc))
    parsed = [(t, parse_trial(t)) for t in trials]
    if stats:
        report = coverage([c for _, crits in parsed for c in crits])
        report["trials"] = len(parsed)
        if fmt is Format.json:
            echo_json(json.dumps(report, ensure_ascii=False))
        else:
            _print_stats(report)
        return
    if fmt is Format.json:
        out = {
            "trials": [
                {"nct_id": t.nct_id, "criteria": [_row(c) for c in crits]} for t, crits in parsed
            ]
        }
        echo_json(json.dumps(out, ensure_ascii=False))
        return
    for t, crits in parsed:
        _print_trial(t, crits)


def _row(c: Criterion) -> dict:
    row = {k: getattr(c, k) for k in _FIELDS}
    if c.section:
        row["section"] = c.section
    if c.parent:
        row["parent"] = c.parent
    return row


def _load(inputs: list[str], data_dir: Path | None) -> list[Trial]:
    ids = [
        i.strip().upper()
        for i in inputs
        if NCT_RE.match(i.strip().upper()) and not Path(i).exists()
    ]
    paths = [i for i in inputs if i.strip().upper() not in ids]
    trials: list[Trial] = []
    if paths:
        found, errors = read_trials(paths)
        for err in errors:
            err_console.print(f"[yellow]skipped:[/] {escape(str(err))}", highlight=False)
        if not found and errors:
            raise errors[0]
        trials += found
    if ids:
        trials += _from_corpus(ids, data_dir)
    return trials


def _from_corpus(ids: list[str], data_dir: Path | None) -> list[Trial]:
    store = CorpusStore.from_env(data_dir)
    if store.is_empty:
        pool = {t.nct_id: t for t in bundled_trials()}
        announce_bundled(len(pool))
        found = {n: pool.get(n) for n in ids}
        known = list(pool)
        where = "the bundled corpus"
    else:
        found = {n: store.get(n) for n in ids}
        known = store.frame().get_column("nct_id").to_list()
        where = str(store.root)
    unknown = [n for n, t in found.items() if t is None]
    if unknown:
        hint = did_you_mean(unknown[0], known, cutoff=90)
        fail(
            f"not in the corpus ({where}): {', '.join(unknown)}"
            + (f" ({hint})" if hint else "")
            + "; give a file of study records, or `trialmatch ingest` it first"
        )
    return [t for t in found.values() if t is not None]


def _print_trial(trial: Trial, crits: list[Criterion]) -> None:
    table = Table(title=f"{trial.nct_id}: {escape(trial.title)}", show_lines=False, expand=True)
    for col in ("id", "kind", "conf", "rule", "params", "text"):
        table.add_column(col, overflow="fold")
    for c in crits:
        params = json.dumps(c.params, ensure_ascii=False)
        table.add_row(
            c.id, c.kind, f"{c.confidence:.2f}", c.rule, escape(params[:160]), escape(c.text[:200])
        )
    console.print(table)


def _print_stats(report: dict) -> None:
    console.print(
        f"{report['trials']} trials, {report['criteria']} criteria, "
        f"{report['structured_share']:.1%} structured",
        highlight=False,
    )
    kinds = Table(title="criteria by kind")
    kinds.add_column("kind")
    kinds.add_column("count", justify="right")
    kinds.add_column("share", justify="right")
    total = max(report["criteria"], 1)
    for kind, n in report["by_kind"].items():
        kinds.add_row(kind, str(n), f"{n / total:.1%}")
    console.print(kinds)
    top = Table(title="most common unstructured phrasings (digits as #)")
    top.add_column("count", justify="right")
    top.add_column("text", overflow="fold")
    for row in report["top_unstructured"]:
        top.add_row(str(row["count"]), escape(row["text"][:160]))
    console.print(top)
