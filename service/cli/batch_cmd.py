"""``trialmatch batch``: a cohort against the recruiting trials, locally or on Dask."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from service.cli.app import app, console, err_console, fail, parse_date


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} patients/s" if speed else "- patients/s", style="cyan")


@app.command("batch")
def batch(
    cohort: Path = typer.Argument(
        ...,
        help="CSV or Parquet cohort (docs/cohort.md), JSONL "
        "(one profile per line), or a folder of FHIR bundles.",
    ),
    out: Path = typer.Option(..., "--out", help="Results file: .parquet, .csv or .xlsx."),
    errors: Path | None = typer.Option(
        None, "--errors", help="Errors CSV (default: <results>.errors.csv)."
    ),
    top_k: int = typer.Option(20, "--top-k", help="Trials kept per patient."),
    status: str = typer.Option(
        "RECRUITING,NOT_YET_RECRUITING",
        "--status",
        help="Comma-separated trial statuses, or 'any' (records without a status are "
        "included only with 'any').",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Reference date YYYY-MM-DD (default: today)."
    ),
    engine: str = typer.Option("local", "--engine", help="local or dask."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (default: a local cluster)."
    ),
    workers: int = typer.Option(2, "--workers", help="Dask local cluster worker processes."),
    partition_size: int = typer.Option(100, "--partition-size", help="Patients per partition."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Corpus data folder."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Match every patient of a cohort; write top-k trials per patient and an errors CSV."""
    import matcher.batch as batch_pkg
    from matcher.batch import BatchOptions, run_batch
    from rules.corpus import parse_statuses
    from rules.errors import ConfigError

    if engine not in ("local", "dask"):
        fail(f"unknown engine {engine!r}: use local or dask")
    reference = parse_date(as_of or None) or date.today()
    if not cohort.exists():
        fail(f"{cohort}: no such file or folder")
    from matcher.batch.outputs import out_format

    out_format(out)  # an unusable extension is refused before the corpus is loaded
    statuses = None if status.strip().lower() in ("any", "all") else parse_statuses(status)
    options = BatchOptions(
        top_k=top_k,
        statuses=statuses,
        as_of=reference,
        engine=engine,  # type: ignore[arg-type]
        scheduler=scheduler,
        workers=workers,
        partition_size=partition_size,
        resume=resume,
    )
    with err_console.status("loading the corpus and its parsed criteria"):
        # Dask workers build the corpus side themselves from the store (one copy each, none
        # shipped); the local engine builds it here
        context = (
            batch_pkg.stored_corpus(options=options, data_dir=data_dir)
            if engine == "dask"
            else batch_pkg.corpus_context(options=options, data_dir=data_dir)
        )
    if not context.trial_ids:
        raise ConfigError(
            f"no trial has status {status}",
            hint="use --status any, or ingest trials with `trialmatch ingest`",
        )
    columns = (
        TextColumn("matching"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, disable=not progress) as bar:
        task = bar.add_task("patients", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = run_batch(
            cohort, out, context=context, options=options, errors_path=errors, on_progress=tick
        )
    console.print(
        f"{summary.input_rows} input rows = {summary.matched_patients} matched patients + "
        f"{summary.error_rows} errors; {summary.result_rows} result rows "
        f"({summary.patients_without_match} patients without a kept trial) against "
        f"{summary.trials} trials in {summary.seconds:.1f} s "
        f"({summary.patients_per_second:.1f} patients/s); patient-trial pairs: "
        f"{summary.pairs_not_relevant:,} not relevant (other conditions), "
        f"{summary.pairs_prescreened:,} ruled out in the pre-screen, "
        f"{summary.pairs_evaluated:,} judged by the matcher"
        + (
            f"; resumed {summary.resumed_partitions} of {summary.partitions} partitions"
            if summary.resumed_partitions
            else ""
        ),
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"results: {summary.out_path}\nerrors:  {summary.errors_path}",
        highlight=False,
        soft_wrap=True,
    )
