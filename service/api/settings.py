"""Service settings, read from the environment once when the app is created.

| variable | meaning | default |
|---|---|---|
| ``TRIALMATCH_API_KEYS`` | comma-separated keys accepted in ``X-API-Key`` for ``/v1`` | none (every ``/v1`` call gets 401) |
| ``TRIALMATCH_MAX_BODY_BYTES`` | largest request body accepted (413 above) | 1000000 |
| ``TRIALMATCH_CORS_ORIGINS`` | comma-separated origins allowed by CORS | none (CORS closed) |
| ``TRIALMATCH_DATA_DIR`` | corpus directory (see ``trialmatch corpus``) | the bundled corpus |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rules.errors import ConfigError


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the service needs to know; build it with :meth:`from_env` or directly in tests."""

    api_keys: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    cors_origins: tuple[str, ...] = ()
    data_dir: Path | None = None
    title: str = "trialmatch"
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``TRIALMATCH_*`` variables; ``overrides`` win over the environment."""
        env = os.environ if env is None else env
        raw_limit = env.get("TRIALMATCH_MAX_BODY_BYTES", "1000000").strip()
        try:
            limit = int(raw_limit)
        except ValueError:
            raise ConfigError(
                f"TRIALMATCH_MAX_BODY_BYTES={raw_limit!r} is not a whole number of bytes",
                hint="e.g. 1000000 for 1 MB",
            ) from None
        if limit <= 0:
            raise ConfigError(f"TRIALMATCH_MAX_BODY_BYTES={limit} must be positive")
        data_dir = env.get("TRIALMATCH_DATA_DIR") or None
        values: dict[str, object] = {
            "api_keys": _split(env.get("TRIALMATCH_API_KEYS")),
            "max_body_bytes": limit,
            "cors_origins": _split(env.get("TRIALMATCH_CORS_ORIGINS")),
            "data_dir": Path(data_dir) if data_dir else None,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
