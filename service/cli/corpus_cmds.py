"""Commands over the corpus: ingest, fetch, trials list/show."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path

import polars as pl
import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from rules.corpus import (
    CorpusStore,
    IngestSummary,
    announce_bundled,
    bundled_frame,
    bundled_trials,
    filter_frame,
    ingest_paths,
    input_size,
    parse_statuses,
)
from rules.errors import CorpusError, TrialmatchError, did_you_mean
from rules.fetch import FetchError, FetchQuery, FetchResult, FetchSettings, fetch
from rules.trial import NCT_RE, Trial
from service.cli.app import app, console, echo_json, err_console, fail

trials_app = typer.Typer(help="List and show the trials in the corpus.", no_args_is_help=True)
app.add_typer(trials_app, name="trials")

_PROGRESS_MIN_BYTES = 1_000_000
_LIST_COLUMNS = [
    "nct_id", "title", "status", "phases", "conditions", "study_type", "last_update",
    "min_age_years", "max_age_years", "sex", "sponsor", "n_sites",
]  # fmt: skip

DataDir = typer.Option(
    None,
    "--data-dir",
    help="Corpus data folder (default: $TRIALMATCH_DATA_DIR or the user data folder).",
)


class Format(StrEnum):
    table = "table"
    json = "json"


def _summary_line(s: IngestSummary) -> str:
    return (
        f"{s.added:,} added, {s.updated:,} updated, {s.unchanged:,} unchanged, "
        f"{s.rejected:,} rejected; {s.total:,} trials in the corpus"
    )


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="JSON, JSONL (.gz), zip files or folders."),
    data_dir: Path | None = DataDir,
) -> None:
    """Read ClinicalTrials.gov v2 study records into the corpus (newer versions replace older)."""
    store = CorpusStore.from_env(data_dir)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")

    def report(exc: CorpusError) -> None:
        err_console.print(
            f"[yellow]rejected:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )

    size = input_size(paths)
    show = err_console.is_terminal and size >= _PROGRESS_MIN_BYTES
    columns = (TextColumn("ingesting"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err_console, transient=True, disable=not show) as bar:
            task = bar.add_task("ingest", total=size or None)
            summary = ingest_paths(
                store, paths, on_error=report, progress=lambda n: bar.advance(task, n)
            )
    except TrialmatchError as exc:
        fail(str(exc))
    read = summary.added + summary.updated + summary.unchanged
    if not read:
        fail(f"nothing could be read from {', '.join(map(str, paths))} "
             f"({summary.rejected} record(s) rejected)", code=1)  # fmt: skip
    console.print(
        f"ingested into {escape(str(store.root))}: {_summary_line(summary)}",
        highlight=False,
        soft_wrap=True,
    )
    if summary.rejected:
        err_console.print(
            f"[yellow]{summary.rejected:,} record(s) could not be read (listed above); "
            "the rest were ingested[/]", highlight=False,
        )  # fmt: skip


@app.command("fetch")
def fetch_cmd(
    condition: str | None = typer.Option(
        None, "--condition", help="Condition or disease (query.cond)."
    ),
    intervention: str | None = typer.Option(
        None, "--intervention", help="Intervention or drug (query.intr)."
    ),
    status: str | None = typer.Option(
        None, "--status", help="Comma-separated, e.g. RECRUITING,NOT_YET_RECRUITING."
    ),
    updated_since: str | None = typer.Option(
        None, "--updated-since", help="Only studies updated on or after YYYY-MM-DD."
    ),
    page_size: int = typer.Option(100, "--page-size", min=1, max=1000, help="Studies per request."),
    max_pages: int | None = typer.Option(
        None, "--max-pages", min=1, help="Stop after this many pages (run again to continue)."
    ),
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        help="Registry URL (default $TRIALMATCH_CTGOV_URL or https://clinicaltrials.gov).",
    ),
    rate: float = typer.Option(
        3.0, "--rate", min=0.1, help="At most this many requests per second."
    ),
    restart: bool = typer.Option(
        False, "--restart", help="Ignore a saved unfinished fetch of the same query."
    ),
    data_dir: Path | None = DataDir,
) -> None:
    """Fetch studies from the ClinicalTrials.gov API v2 into the corpus (resumable)."""  # fmt: skip
    if not any((condition, intervention, status, updated_since)):
        fail("give at least one of --condition, --intervention, --status, --updated-since")
    try:
        since = dt.date.fromisoformat(updated_since) if updated_since else None
    except ValueError:
        fail(f"--updated-since {updated_since!r} is not a date (use YYYY-MM-DD, e.g. 2026-01-31)")
    try:
        statuses = parse_statuses(status) if status else ()
    except TrialmatchError as exc:
        fail(f"--status: {exc}")
    query = FetchQuery(condition=condition, intervention=intervention, statuses=statuses,
                       updated_since=since, page_size=page_size)  # fmt: skip
    store = CorpusStore.from_env(data_dir)
    settings = FetchSettings.from_env(base_url, rate=rate)

    def page_done(r: FetchResult) -> None:
        of = f" of {r.total_count:,}" if r.total_count is not None else ""
        resumed = " (resumed)" if r.resumed and r.pages == 1 else ""
        err_console.print(
            f"page {r.pages}{resumed}: {r.studies:,}{of} studies so far", highlight=False
        )

    def report(exc: CorpusError) -> None:
        err_console.print(
            f"[yellow]rejected:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )

    try:
        result = fetch(store, query, settings=settings, restart=restart, max_pages=max_pages,
                       on_page=page_done, on_error=report)  # fmt: skip
    except FetchError as exc:
        fail(str(exc), code=1)
    console.print(
        f"fetched {result.studies:,} studies in {result.pages} page(s) into "
        f"{escape(str(store.root))}: {_summary_line(result.summary)}", highlight=False, soft_wrap=True,
    )  # fmt: skip
    if not result.complete:
        err_console.print("more pages remain: run the same command again to continue")


def _frame(store: CorpusStore) -> pl.DataFrame:
    if store.is_empty:
        frame = bundled_frame()
        announce_bundled(frame.height)
        return frame
    return store.frame()


@trials_app.command("list")
def list_cmd(
    condition: str | None = typer.Option(
        None, "--condition", help="Text in conditions, MeSH terms or title."
    ),
    status: str | None = typer.Option(
        None, "--status", help="Comma-separated statuses, e.g. recruiting,not_yet_recruiting."
    ),
    limit: int = typer.Option(50, "--limit", min=0, help="At most this many trials (0: all)."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json."),
    data_dir: Path | None = DataDir,
) -> None:
    """List trials, optionally filtered by condition and status."""  # fmt: skip
    try:
        statuses = parse_statuses(status) if status else None
    except TrialmatchError as exc:
        fail(f"--status: {exc}")
    try:
        frame = _frame(CorpusStore.from_env(data_dir))
    except TrialmatchError as exc:
        fail(str(exc))
    hits = filter_frame(frame, condition=condition, statuses=statuses).sort("nct_id")
    shown = hits.head(limit) if limit else hits
    more = " (use --limit 0 for all)" if shown.height < hits.height else ""
    if fmt is Format.json:
        echo_json(shown.select(_LIST_COLUMNS).write_json())
        if more:
            err_console.print(f"{shown.height:,} of {hits.height:,} matching trials{more}")
        return
    table = Table("NCT id", "status", "phase", "title", "conditions", highlight=False)
    for row in shown.iter_rows(named=True):
        table.add_row(
            row["nct_id"], row["status"] or "", ", ".join(row["phases"]),
            Text(row["title"] or ""), Text(", ".join(row["conditions"][:3])),
        )  # fmt: skip
    console.print(table)
    err_console.print(f"{shown.height:,} of {hits.height:,} matching trials{more}")


@trials_app.command("show")
def show_cmd(
    nct_ids: list[str] = typer.Argument(..., help="NCT ids, e.g. NCT06532617."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json."),
    data_dir: Path | None = DataDir,
) -> None:
    """Show trials by NCT id: the key fields and the eligibility criteria text."""
    wanted = [n.strip().upper() for n in nct_ids]
    bad = [n for n in wanted if not NCT_RE.match(n)]
    if bad:
        fail(f"{', '.join(bad)}: an NCT id is NCT followed by 8 digits, e.g. NCT06532617")
    try:
        store = CorpusStore.from_env(data_dir)
        if store.is_empty:
            pool = {t.nct_id: t for t in bundled_trials()}
            announce_bundled(len(pool))
            found = {n: pool.get(n) for n in wanted}
        else:
            found = {n: store.get(n) for n in wanted}
    except TrialmatchError as exc:
        fail(str(exc))
    unknown = [n for n, t in found.items() if t is None]
    if unknown:
        ids = pool.keys() if store.is_empty else store.frame().get_column("nct_id").to_list()
        hint = did_you_mean(unknown[0], ids, cutoff=90)
        where = "the bundled corpus" if store.is_empty else str(store.root)
        fail(f"not in the corpus ({where}): {', '.join(unknown)}" + (f" ({hint})" if hint else ""))
    trials = [t for t in found.values() if t is not None]
    if fmt is Format.json:
        echo_json(json.dumps([t.model_dump(mode="json") for t in trials], ensure_ascii=False))
        return
    for t in trials:
        _print_trial(t)


def _print_trial(t: Trial) -> None:
    grid = Table.grid(padding=(0, 2))
    ages = f"{t.minimum_age or 'no minimum'} to {t.maximum_age or 'no maximum'}"
    fields = {
        "title": t.title, "status": t.overall_status, "phases": ", ".join(t.phases),
        "study type": t.study_type, "conditions": "; ".join(t.conditions), "ages": ages,
        "sex": t.sex, "sponsor": t.lead_sponsor, "last update": t.last_update,
        "interventions": "; ".join(i.name for i in t.interventions),
        "sites": f"{len(t.sites)}" + (f" (first: {', '.join(filter(None, (t.sites[0].facility, t.sites[0].city, t.sites[0].country)))})" if t.sites else ""),
    }  # fmt: skip
    for name, value in fields.items():
        grid.add_row(Text(name, style="bold"), Text(value or "-"))
    console.rule(Text(t.nct_id, style="bold"))
    console.print(grid)
    console.print(Text("\nEligibility criteria", style="bold"))
    console.print(Text(t.eligibility_criteria or "(none in this record)"))
