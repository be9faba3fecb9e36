"""Bounded load test of ``POST /v1/match`` on loopback: p50/p99 latency and throughput.

The load comes from wrk (C, Debian package ``wrk``: ``scripts/install-wrk``) when it is
installed, so the client takes little of the CPU the server is measured on; else, or with
``--driver httpx``, from asyncio httpx clients in this process.

Starts ``trialmatch serve`` on a free loopback port (the bundled corpus by default, or the
trials of ``--trials PATH`` ingested into a temporary data dir), then runs ``--clients``
concurrent asyncio httpx clients for ``--seconds``, with no pause between requests. Each
request posts a different patient: by default one of 200 seeded synthetic patients of
``benchmarks/synth_cohort.py`` (cancer types, stages, biomarkers, treatments, locations), taken
in turn; ``--profile FILE`` posts that one profile every time.

    .venv/bin/python benchmarks/load.py                      # bundled corpus, 20 clients, 20 s
    .venv/bin/python benchmarks/load.py --trials ../shared/data/trials/trials.jsonl.gz
    .venv/bin/python benchmarks/load.py --workers 1              # one server process

Prints one JSON line with the numbers (and writes it to --out when given).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
KEY = "load-test-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    port: int, data_dir: Path | None, timeout: float, workers: int | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRIALMATCH_API_KEYS": KEY}
    args = [
        sys.executable,
        "-c",
        "from service.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    if workers is not None:
        args += ["--workers", str(workers)]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    else:
        env.pop("TRIALMATCH_DATA_DIR", None)
    proc = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"trialmatch serve exited with code {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"trialmatch serve did not answer within {timeout:.0f} s")


async def client(
    http: httpx.AsyncClient,
    bodies: list[dict],
    stop: float,
    lat: list[float],
    errors: list[int],
    start: int,
) -> None:
    i = start
    while time.perf_counter() < stop:
        body = bodies[i % len(bodies)]
        i += 1
        t0 = time.perf_counter()
        r = await http.post("/v1/match", json=body)
        if r.status_code == 200:
            lat.append(time.perf_counter() - t0)
        else:
            errors.append(r.status_code)


async def run(base: str, bodies: list[dict], clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors: list[int] = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": KEY}, timeout=60, limits=limits
    ) as http:
        r = await http.post("/v1/match", json=bodies[0])  # warm-up, not counted
        r.raise_for_status()
        started = time.perf_counter()
        stop = started + seconds
        step = max(1, len(bodies) // clients)
        await asyncio.gather(
            *(client(http, bodies, stop, lat, errors, k * step) for k in range(clients))
        )
        elapsed = time.perf_counter() - started
    lat.sort()
    ms = [x * 1000 for x in lat]

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p / 100 * len(ms)))], 1) if ms else float("nan")

    return {
        "requests": len(lat),
        "errors": len(errors),
        "seconds": round(elapsed, 1),
        "clients": clients,
        "throughput_rps": round(len(lat) / elapsed, 1),
        "p50_ms": pct(50),
        "p90_ms": pct(90),
        "p99_ms": pct(99),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
    }


_WRK_SCRIPT = """
local bodies = {%s}
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end
function init(args)
  counter = id * 7919
end
function request()
  counter = counter + 1
  local body = bodies[(counter %% #bodies) + 1]
  return wrk.format("POST", "/v1/match",
    {["Content-Type"] = "application/json", ["X-API-Key"] = "%s"}, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRK {"requests": %%d, "errors": %%d, "seconds": %%.3f, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "mean_us": %%.1f, "max_us": %%d}\\n',
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.status + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max))
end
"""


def run_wrk(base: str, bodies: list[dict], clients: int, seconds: float) -> dict:
    """wrk with ``clients`` connections on 2 threads, each request the next body in turn."""
    # warm-up, not counted
    httpx.post(f"{base}/v1/match", json=bodies[0], headers={"X-API-Key": KEY}, timeout=120)
    lua = ", ".join("[==[" + json.dumps(b) + "]==]" for b in bodies)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_SCRIPT % (lua, KEY))
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(clients),
                "-d",
                f"{seconds:.0f}s",
                "--timeout",
                "60s",
                "-s",
                f.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    w = json.loads(line[4:])
    ok = w["requests"] - w["errors"]
    return {
        "requests": w["requests"],
        "errors": w["errors"],
        "seconds": round(w["seconds"], 1),
        "clients": clients,
        "throughput_rps": round(ok / w["seconds"], 1),
        "p50_ms": round(w["p50_us"] / 1000, 1),
        "p90_ms": round(w["p90_us"] / 1000, 1),
        "p99_ms": round(w["p99_us"] / 1000, 1),
        "mean_ms": round(w["mean_us"] / 1000, 1),
        "driver": "wrk",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=Path, help="trials file to ingest into a temp data dir")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--top-k", type=int, default=20, help="top_k of each request (0: all)")
    ap.add_argument("--profile", type=Path, help="post this profile JSON every time")
    ap.add_argument("--patients", type=int, default=200, help="synthetic patients to cycle")
    ap.add_argument("--startup-timeout", type=float, default=1800.0)
    ap.add_argument("--workers", type=int, help="serve --workers (default: serve's own)")
    ap.add_argument("--out", type=Path)
    ap.add_argument(
        "--driver",
        choices=("wrk", "httpx"),
        default="wrk" if shutil.which("wrk") else "httpx",
        help="load generator (default: wrk when installed)",
    )
    a = ap.parse_args()
    if a.profile is not None:
        profiles = [json.loads(a.profile.read_text())]
    else:
        from benchmarks.synth_cohort import generate

        profiles = generate(a.patients, seed=7, as_of=date(2026, 11, 20))
    bodies = [{"profile": p, "as_of": "2026-11-20"} for p in profiles]
    for body in bodies:
        if a.top_k:
            body["top_k"] = a.top_k
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = None
        if a.trials is not None:
            data_dir = Path(tmp) / "data"
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from service.cli import main; main()",
                    "ingest",
                    str(a.trials),
                    "--data-dir",
                    str(data_dir),
                ],
                cwd=REPO,
                check=True,
            )
        port = free_port()
        t0 = time.perf_counter()
        proc = start_server(port, data_dir, a.startup_timeout, a.workers)
        startup = time.perf_counter() - t0
        try:
            base = f"http://127.0.0.1:{port}"
            if a.driver == "wrk":
                result = run_wrk(base, bodies, a.clients, a.seconds)
            else:
                result = asyncio.run(run(base, bodies, a.clients, a.seconds))
                result["driver"] = "httpx"
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result.update(
        corpus=str(a.trials or "bundled"),
        profiles=str(a.profile) if a.profile else f"{len(bodies)} synthetic patients",
        top_k=a.top_k or None,
        workers=a.workers or "default",
        startup_s=round(startup, 1),
        cpus=os.cpu_count(),
    )
    line = json.dumps(result)
    print(line)
    if a.out:
        a.out.write_text(line + "\n")


if __name__ == "__main__":
    main()
