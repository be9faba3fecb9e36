"""`trialmatch serve --workers 2`: each worker on its own socket, a clear error for a busy port,
and nothing left listening once the server is stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRIALMATCH_API_KEYS": "serve-test"}
    env.pop("TRIALMATCH_DATA_DIR", None)
    return subprocess.Popen(
        [
            *(sys.executable, "-c", "from service.cli import main; main()", "serve"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _listeners(port: int) -> list[str]:
    out = subprocess.run(["ss", "-tlnpH", f"sport = :{port}"], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.strip()]


def test_two_workers_listen_answer_and_stop_cleanly(example_profile_json: dict) -> None:
    port = _free_port()
    proc = _serve(port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while len(_listeners(port)) < 2:  # each worker binds once its app is loaded
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "the two workers did not start listening"
            time.sleep(0.5)
        assert len({line.split("pid=")[1].split(",")[0] for line in _listeners(port)}) == 2
        body = {"profile": example_profile_json, "as_of": "2026-11-20", "top_k": 3}

        def post(_: int) -> int:
            r = httpx.post(
                f"{base}/v1/match", json=body, headers={"X-API-Key": "serve-test"}, timeout=60
            )
            return r.status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(post, range(16))) == {200}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0
    time.sleep(0.5)
    assert _listeners(port) == [], "a worker outlived the server"


def test_a_busy_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(port)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 2  # the CLI's code for a bad option
    text = out.decode()
    assert f"cannot listen on 127.0.0.1:{port}" in text and "Traceback" not in text
