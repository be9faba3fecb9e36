"""The ``trialmatch`` command line. Each command lives in its own module under ``service.cli``."""

from __future__ import annotations

import os
import sys

from rules.errors import TrialmatchError

# Importing a module registers its commands on ``app``.
from service.cli import (  # noqa: F401
    batch_cmd,
    corpus_cmds,
    match_cmd,
    parse_cmd,
    profile_cmds,
    rank_cmds,
    serve_cmd,
)
from service.cli.app import app, err_console

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app; typed errors become one clear line, never a traceback."""
    try:
        app()
    except TrialmatchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/]")
        sys.exit(130)
    except Exception as exc:  # the last guard: a user never sees a traceback
        if os.environ.get("TRIALMATCH_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "Set TRIALMATCH_DEBUG=1 to see the details, and please report it.",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
