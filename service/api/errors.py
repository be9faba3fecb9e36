"""Error handlers: a clear JSON error for bad input, never a stack trace to a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rules.errors import ConfigError, CorpusError, ProfileError, TrialmatchError

log = logging.getLogger("trialmatch.service")


class NotAvailable(TrialmatchError):
    """A feature whose engine piece is not in this build (answered with 501)."""


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "")


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    """Field, message and type of each validation error; the input itself is not echoed."""
    out: list[dict[str, Any]] = []
    for err in errors:
        msg = str(err.get("msg", ""))
        item = {
            "loc": list(err.get("loc", ())),
            "msg": msg.removeprefix("Value error, "),
            "type": err.get("type", "value_error"),
        }
        if item not in out:  # the body is read by the route and by its schema check
            out.append(item)
    return out


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content=jsonable_encoder({"detail": _clean(list(exc.errors()))}),
    )


async def _trialmatch(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TrialmatchError)
    if isinstance(exc, NotAvailable):
        code = status.HTTP_501_NOT_IMPLEMENTED
    elif isinstance(exc, ProfileError):
        code = 422
    elif isinstance(exc, ConfigError | CorpusError):
        code = status.HTTP_503_SERVICE_UNAVAILABLE
    else:
        code = status.HTTP_400_BAD_REQUEST
    return JSONResponse(status_code=code, content={"detail": str(exc)})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    rid = request_id(request)
    # The type is logged for operators; the message may quote patient data, so it is not.
    log.error("request_id=%s unhandled %s", rid, type(exc).__name__)
    return JSONResponse(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        content={
            "detail": "internal error; quote this request id when reporting it",
            "request_id": rid,
        },
        headers={"X-Request-ID": rid},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(TrialmatchError, _trialmatch)
    app.add_exception_handler(Exception, _unexpected)
