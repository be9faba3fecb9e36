"""The typer application every command module registers on, and shared CLI helpers."""

from __future__ import annotations

import sys
from datetime import date
from typing import NoReturn

import typer
from rich.console import Console

app = typer.Typer(
    name="trialmatch",
    help="Match patients to clinical trials, with an explanation for every criterion.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def fail(message: str, *, code: int = 2) -> NoReturn:
    """Print a clear error (no traceback) and exit with ``code``."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def echo_json(text: str) -> None:
    """Write JSON to stdout untouched by rich (no wrapping, no colour)."""
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"trialmatch {version('trialmatch')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Match patients to clinical trials, with an explanation for every criterion."""


def parse_date(text: str | None, *, option: str = "--as-of") -> date | None:
    """The date an option gives (None when not given); a clear error when it is no date."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date: write YYYY-MM-DD, e.g. 2026-11-20")
