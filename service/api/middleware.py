"""ASGI middleware: request ids, access logs without patient data, and the body-size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("trialmatch.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


async def _send_json(send: Send, status: int, body: dict[str, Any], request_id: str) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class RequestContextMiddleware:
    """Give every request an id (``X-Request-ID``), log one line for it, cap its body size.

    The log line holds the request id, method, path, status and duration: never the query
    string, headers or body, which may carry patient data.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500}
        limit = self.max_body_bytes
        too_large = {"detail": f"request body too large: the limit is {limit} bytes"}

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            status_holder["status"] = 413
            await _send_json(send, 413, too_large, request_id)
            self._log(scope, request_id, 413, started)
            return

        if declared is None:
            # No Content-Length (chunked): read the body here, up to the limit, then replay it.
            chunks: list[bytes] = []
            received = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    await _send_json(send, 413, too_large, request_id)
                    self._log(scope, request_id, 413, started)
                    return
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            replayed = False
            upstream = receive

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await upstream()

            receive = replay

        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._log(scope, request_id, status_holder["status"], started)

    @staticmethod
    def _log(scope: Scope, request_id: str, status: int, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        log.info(
            "request_id=%s method=%s path=%s status=%d duration_ms=%.1f",
            request_id,
            scope.get("method"),
            scope.get("path"),
            status,
            ms,
        )
