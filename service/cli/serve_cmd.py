"""``trialmatch serve``: the HTTP API, patient form and trial pages on the corpus."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import typer

from service.cli.app import app, console, fail


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help="Corpus directory (default: TRIALMATCH_DATA_DIR, else the bundled corpus).",
    ),
    workers: int = typer.Option(
        min(2, os.cpu_count() or 1),
        "--workers",
        min=1,
        max=64,
        help="Worker processes, each with the corpus prepared in memory (default: min(2, CPUs)).",
    ),
) -> None:
    """Serve the API (/v1, docs at /docs) and the patient pages (/)."""
    import uvicorn

    from service.api import Settings
    from service.api.workers import check_port, reuse_port_supported

    if reuse_port_supported() and (busy := check_port(host, port)):
        fail(f"{busy} (is another server running? choose another --port)")
    if data_dir is not None and not data_dir.is_dir():
        fail(f"--data-dir {data_dir}: not a directory (create one with `trialmatch ingest`)")
    overrides = {"data_dir": data_dir} if data_dir is not None else {}
    settings = Settings.from_env(**overrides)
    if not settings.api_keys:
        console.print(
            "[yellow]note:[/] TRIALMATCH_API_KEYS is not set: every /v1 call will get 401; "
            "the patient pages work without a key."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from service.api import create_app
    from service.api.errors import NotAvailable

    application = create_app(settings)
    engine = application.state.engine
    count = len(engine.trials)  # load the corpus and parse its criteria before taking requests
    with console.status(f"parsing the criteria of {count} trials"):
        try:
            engine.prepared  # noqa: B018  (also writes the store's parse cache for the workers)
        except NotAvailable as exc:
            console.print(f"[yellow]note:[/] {exc}; matching will answer 501")
    where = f"http://{host}:{port}/ (API docs at /docs)"
    if workers == 1:
        from service.api.app import make_ready

        make_ready(engine)  # the model loaded and the caches warm before the first request
        console.print(f"serving {count} trials on {where}")
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
        return
    del application, engine  # each worker loads its own copy (from the parse cache)
    if data_dir is not None:
        os.environ["TRIALMATCH_DATA_DIR"] = str(data_dir)
    console.print(f"serving {count} trials with {workers} workers on {where}")
    from service.api.workers import reuse_port_supported, serve_workers

    if reuse_port_supported():  # each worker its own socket: connections spread over them
        raise typer.Exit(serve_workers(host, port, workers))
    uvicorn.run(
        "service.api.app:serve_worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        # a worker preparing a large corpus on a busy machine can miss uvicorn's 5 s health
        # ping and be killed and restarted forever (seen with 18,000 trials): allow 10 min
        timeout_worker_healthcheck=600,
    )
