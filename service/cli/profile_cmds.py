"""Commands over patient profiles: ``trialmatch profile check``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from profiles import Biomarker, Lab, PatientProfile, ProfileRecord, iter_profiles
from rules.errors import ProfileError
from service.cli.app import app, console, echo_json, fail, parse_date

profile_app = typer.Typer(
    help="Check patient profiles: JSON, JSONL, cohort CSV/Parquet, FHIR bundles.",
    no_args_is_help=True,
)
app.add_typer(profile_app, name="profile")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@profile_app.command("check")
def check(
    file: Path = typer.Argument(
        ...,
        help="A profile .json, an array .json, .jsonl, a cohort .csv/.parquet, a FHIR bundle, or a folder.",
    ),
    output: OutputFormat = typer.Option(
        OutputFormat.table,
        "--format",
        help="table: a summary per patient; json: the normalized profile(s).",
    ),
) -> None:
    """Validate profiles and print them normalized; every error goes to stderr.

    Exit code 0 when all are valid, 1 when any is invalid, 2 when the file cannot be read.
    """
    try:
        records = list(iter_profiles(file))
    except ProfileError as exc:
        fail(str(exc), code=2)
    valid = [r for r in records if r.profile is not None]
    invalid = [r for r in records if r.profile is None]
    if output is OutputFormat.json:
        profiles = [_dump(r.profile) for r in valid if r.profile is not None]
        single = len(records) == 1 and records[0].where == file.name  # one object or one bundle
        if profiles:
            echo_json(json.dumps(profiles[0] if single else profiles, indent=2, ensure_ascii=False))
    else:
        for record in valid:
            console.print(_table(record), "", highlight=False)
    for record in invalid:
        for line in record.errors:
            typer.echo(line, err=True)
    header = [r for r in invalid if r.where.endswith(", header")]
    summary = f"{len(valid)} of {len(records) - len(header)} profile(s) valid"
    if header:
        summary += "; the header has problems"
    typer.echo(summary, err=True)
    if invalid:
        raise typer.Exit(1)


@profile_app.command("extract")
def extract(
    note: Path = typer.Argument(
        ..., help="A note: free text (.txt, .md, any UTF-8 text file), or '-' for stdin."
    ),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="The day the note is read, YYYY-MM-DD (default: today): '4 months ago' counts "
        "back from it.",
    ),
    output: OutputFormat = typer.Option(
        OutputFormat.table,
        "--format",
        help="table: each fact with the words it was read from; json: the profile and its facts "
        "with their character spans.",
    ),
) -> None:
    """Read a patient profile out of a free-text note, each fact citing its words."""
    import sys

    from profiles.loaders import read_note
    from profiles.text import extract_profile

    when = parse_date(as_of)
    if str(note) == "-":
        text = sys.stdin.read()
        if not text.strip():
            fail("the note on stdin is empty: pipe the patient's description in")
        name = None
    else:
        try:
            text = read_note(note)
        except ProfileError as exc:
            fail(str(exc))
        name = note.stem
    found = extract_profile(text, id=name, as_of=when)
    facts = [f.model_dump(mode="json") for f in found.facts]
    if output is OutputFormat.json:
        body = {"profile": _dump(found.profile), "facts": facts}
        echo_json(json.dumps(body, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(facts)} facts read from the note", title_justify="left")
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("words in the note", overflow="fold")
    table.add_column("chars", justify="right", no_wrap=True)
    for f in found.facts:
        value = f.value if isinstance(f.value, str) else json.dumps(f.value, ensure_ascii=False)
        table.add_row(f.field, value, f.text, f"{f.start}-{f.end}")
    console.print(table, highlight=False)
    if not facts:
        typer.echo(
            "nothing recognised: write age, sex, diagnosis, stage, biomarkers, therapies", err=True
        )


def _dump(profile: PatientProfile) -> dict:
    return profile.model_dump(mode="json", exclude_none=True)


def _table(record: ProfileRecord) -> Table:
    p = record.profile
    assert p is not None
    table = Table(
        title=f"{p.id or 'patient without id'} ({record.where})",
        title_justify="left",
        show_header=False,
        box=None,
    )
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    names = ("diagnosis", "performance", "biomarkers", "therapies", "labs", "other")
    for name, value in zip(names, _cells(p), strict=True):
        table.add_row(name, value)
    return table


def _cells(p: PatientProfile) -> list[str]:
    dx = p.primary
    diagnosis = "not recorded"
    if dx is not None:
        parts = [dx.condition, dx.histology, f"stage {dx.stage}" if dx.stage else None, dx.extent]
        diagnosis = ", ".join(x for x in parts if x)
        if dx.metastatic_sites:
            diagnosis += f" (sites: {', '.join(dx.metastatic_sites)})"
    perf = ", ".join(x for x in (
        f"ECOG {p.ecog}" if p.ecog is not None else None,
        f"KPS {p.karnofsky}" if p.karnofsky is not None else None,
    ) if x) or "not recorded"  # fmt: skip
    return [
        diagnosis,
        perf,
        _items(p.biomarkers, _biomarker),
        _items(
            p.therapies,
            lambda t: f"{t.name} {t.start or '?'}..{'ongoing' if t.ongoing else t.end or '?'}",
        ),
        _items(p.labs, Lab.words),
        _other(p),
    ]


def _biomarker(b: Biomarker) -> str:
    scored = f"{b.scoring or ''} {b.value:g}".strip() if b.value is not None else None
    detail = f"({b.detail})" if b.detail else None
    return " ".join(x for x in (b.name, b.result, scored, detail) if x)


def _items(values: list | None, show) -> str:  # type: ignore[no-untyped-def]
    if values is None:
        return "not recorded"
    return "; ".join(show(v) for v in values) or "none"


def _other(p: PatientProfile) -> str:
    parts = []
    if p.age is not None or p.birth_date:
        parts.append(f"age {p.age}" if p.age is not None else f"born {p.birth_date}")
    if p.sex:
        parts.append(p.sex)
    if p.conditions is not None:
        parts.append(f"conditions: {', '.join(p.conditions) or 'none'}")
    if p.location and p.location.postal_code:
        parts.append(f"{p.location.postal_code} {p.location.country or ''}".strip())
    return "; ".join(parts) or "-"
