"""``trialmatch serve --workers N``: N server processes, each with its own listening socket.

uvicorn's own ``--workers`` shares one listening socket between its processes, and whichever
process wakes first accepts every pending connection: under a burst of keep-alive clients
(the load test's 20) all of them landed on one worker while the other idled (seen with ``ss``:
20 connections on one pid). Here each worker binds its own socket to the same address with
``SO_REUSEPORT``, so the kernel spreads new connections across the workers. Each worker loads
the app (the corpus prepared, the model warm) *before* binding, so no connection waits on a
worker that is still starting.

Where ``SO_REUSEPORT`` does not exist (Windows), uvicorn's shared-socket workers are used.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

#: a worker that dies this soon after starting is not restarted (it would only die again)
_EARLY = 30.0


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def check_port(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be served (None when it can): tried with a throwaway socket."""
    try:
        with _socket(host, port):
            return None
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _die_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker(host: str, port: int) -> None:
    import uvicorn

    from service.api.app import ready_worker_app

    _die_with_parent()
    app = ready_worker_app()  # the corpus and the model, before taking connections
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    config.load()
    sock = _socket(host, port)
    sock.listen(config.backlog)
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(host: str, port: int, workers: int) -> int:
    """Run ``workers`` server processes until SIGINT/SIGTERM; the exit code.

    Workers inherit this process's environment (``TRIALMATCH_*`` settings).

    A worker that dies after running a while is restarted; one that dies within its first
    half minute stops the server (a broken start would only repeat).
    """
    ctx = multiprocessing.get_context("spawn")
    procs: list[Any] = []
    started: list[float] = []

    def start(slot: int | None = None) -> None:
        p = ctx.Process(target=_worker, args=(host, port), name="trialmatch-worker")
        p.start()
        if slot is None:
            procs.append(p)
            started.append(time.monotonic())
        else:
            procs[slot], started[slot] = p, time.monotonic()

    stopping = False
    failed_start = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(workers):
            start()
        while not stopping:
            time.sleep(0.5)
            for i, p in enumerate(procs):
                if p.is_alive() or stopping:
                    continue
                if time.monotonic() - started[i] < _EARLY:
                    print(
                        f"trialmatch serve: a worker exited with code {p.exitcode} while "
                        "starting; stopping",
                        file=sys.stderr,
                    )
                    stopping = failed_start = True
                    break
                print(
                    f"trialmatch serve: a worker exited with code {p.exitcode}; restarting it",
                    file=sys.stderr,
                )
                start(i)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + 15
        for p in procs:
            p.join(max(0.1, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join()
        for s, handler in old.items():
            signal.signal(s, handler)
    return 1 if failed_start else 0
