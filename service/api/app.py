"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service.api import errors, routes
from service.api.engine import Engine
from service.api.middleware import RequestContextMiddleware
from service.api.settings import Settings

log = logging.getLogger("trialmatch.serve")


def make_ready(engine: Engine) -> None:
    """Load and prepare the corpus and warm the engine (``Engine.warm``), then move everything
    loaded out of the garbage collector's sight (``gc.freeze``): a full collection walking the
    millions of objects of a parsed corpus took ~180 ms, which every request queued behind it
    waited for (the load test's p99)."""
    from service.api.errors import NotAvailable

    try:
        engine.prepared  # noqa: B018
        engine.warm()
        log.info("worker ready: %d trials", len(engine.trials))
    except NotAvailable as exc:
        log.warning("%s; matching will answer 501", exc)
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def _preload(app: FastAPI) -> AsyncIterator[None]:
    """Make the engine ready before this process takes requests (``create_app(preload=True)``)."""
    await asyncio.to_thread(make_ready, app.state.engine)
    yield


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, preload: bool = False
) -> FastAPI:
    """Build the app: the ``/v1`` API, the patient pages, docs at ``/docs``.

    No I/O here: the corpus is loaded on the first request that needs it, or at startup
    (before the first request) with ``preload=True``.
    """
    settings = settings or Settings.from_env()
    app = FastAPI(
        lifespan=_preload if preload else None,
        title="trialmatch",
        version="1",
        summary="Match patients to clinical trials, with an explanation for every criterion.",
        description=(
            "Navigator API. Every /v1 endpoint needs an `X-API-Key` header. "
            "Informational only: not medical advice."
        ),
    )
    app.state.settings = settings
    app.state.engine = engine or Engine(data_dir=settings.data_dir)
    errors.install(app)
    app.include_router(routes.router)
    from service.web.routes import mount as mount_web

    mount_web(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


def serve_worker_app() -> FastAPI:
    """The app of one ``trialmatch serve --workers N`` process: settings from the environment,
    corpus prepared at startup (uvicorn imports this by name in each worker)."""
    return create_app(Settings.from_env(), preload=True)


def ready_worker_app() -> FastAPI:
    """The app of one worker of ``service.api.workers``: settings from the environment, the
    engine made ready now, before the worker binds its socket."""
    app = create_app(Settings.from_env())
    make_ready(app.state.engine)
    return app
