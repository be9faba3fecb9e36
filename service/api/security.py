"""API-key check for the navigator endpoints (``/v1``)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A navigator key, one of those in TRIALMATCH_API_KEYS.",
)


def key_is_valid(given: str, accepted: tuple[str, ...]) -> bool:
    """Constant-time comparison against every accepted key (no early exit on a match)."""
    given_bytes = given.encode()
    ok = False
    for key in accepted:
        ok |= hmac.compare_digest(given_bytes, key.encode())
    return ok


def require_api_key(request: Request, key: Annotated[str | None, Depends(_header)] = None) -> None:
    """401 unless ``X-API-Key`` carries one of the configured keys."""
    accepted: tuple[str, ...] = request.app.state.settings.api_keys
    if not key:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="missing API key: send it in the X-API-Key header",
            headers={"WWW-Authenticate": "APIKey"},
        )
    if not key_is_valid(key, accepted):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="invalid API key",
            headers={"WWW-Authenticate": "APIKey"},
        )


ApiKey = Annotated[None, Depends(require_api_key)]
