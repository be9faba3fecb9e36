"""Commands over patient profiles: profile check."""

from __future__ import annotations

from service.cli.app import app  # noqa: F401
