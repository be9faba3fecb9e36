"""Commands over the corpus: ingest, fetch, trials list/show."""

from __future__ import annotations

from service.cli.app import app  # noqa: F401
