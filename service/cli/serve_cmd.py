"""Command module (registers on service.cli.app.app)."""

from __future__ import annotations

from service.cli.app import app  # noqa: F401
