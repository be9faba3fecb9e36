"""The fetch client against a local fake registry replaying real API v2 responses."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from rules.corpus import CorpusStore
from rules.fetch import STATE_FILE, FetchError, FetchQuery, FetchSettings, fetch
from tests.conftest import TEST_DATA

API = TEST_DATA / "ctgov-api-responses"
PAGE1 = json.loads((API / "search_phelan_limit5_20260811.json").read_text())
PAGE2 = json.loads((API / "search_phelan_next_20260811.json").read_text())
QUERY = FetchQuery(condition="Phelan-McDermid", statuses=("RECRUITING",), page_size=5)


class Registry:
    """Serves PAGE1 for no token, PAGE2 for PAGE1's nextPageToken; scripted failures first."""

    def __init__(self):
        self.requests: list[dict[str, list[str]]] = []
        self.failures: list[tuple[int, dict[str, str]]] = []  # (status, headers), used in order
        self.fail_on_token: str | None = None  # always 503 for this page token

    def answer(self, params):
        self.requests.append(params)
        token = params.get("pageToken", [None])[0]
        if self.failures:
            return (*self.failures.pop(0), b"{}")
        if token is not None and token == self.fail_on_token:
            return 503, {}, b"Service Unavailable"
        if token is None:
            return 200, {}, json.dumps(PAGE1).encode()
        if token == PAGE1["nextPageToken"]:
            return 200, {}, json.dumps(PAGE2).encode()
        return 400, {}, b'{"message": "invalid pageToken"}'


@contextmanager
def serve(registry: Registry) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            assert url.path == "/api/v2/studies"
            status, headers, body = registry.answer(parse_qs(url.query))
            self.send_response(status)
            for k, v in {"Content-Type": "application/json", **headers}.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def registry():
    reg = Registry()
    with serve(reg) as url:
        reg.url = url
        yield reg


def _settings(url, **kw):
    return FetchSettings(base_url=url, rate=1000.0, **kw)


def test_two_real_pages_in_sequence(tmp_path, registry):
    store = CorpusStore(tmp_path)
    result = fetch(store, QUERY, settings=_settings(registry.url), max_pages=2)
    first, second = registry.requests
    assert first["query.cond"] == ["Phelan-McDermid"] and first["pageSize"] == ["5"]
    assert first["filter.overallStatus"] == ["RECRUITING"] and "pageToken" not in first
    assert second["pageToken"] == [PAGE1["nextPageToken"]]
    assert (result.pages, result.studies, result.total_count) == (2, 10, 21)
    ids = {
        s["protocolSection"]["identificationModule"]["nctId"]
        for s in PAGE1["studies"] + PAGE2["studies"]
    }
    assert {t.nct_id for t in store.trials()} == ids and result.summary.added == 10
    # PAGE2 has a nextPageToken too: the fetch is not complete and says where it stopped
    assert not result.complete
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert state["next_page_token"] == PAGE2["nextPageToken"]


def test_updated_since_goes_to_filter_advanced(tmp_path, registry):
    query = FetchQuery(intervention="pembrolizumab", updated_since=dt.date(2026, 1, 31))
    fetch(CorpusStore(tmp_path), query, settings=_settings(registry.url), max_pages=1)
    (req,) = registry.requests
    assert req["query.intr"] == ["pembrolizumab"]
    assert req["filter.advanced"] == ["AREA[LastUpdatePostDate]RANGE[2026-01-31,MAX]"]


def test_429_then_success_respects_retry_after(tmp_path, registry):
    registry.failures = [(429, {"Retry-After": "7"})]
    slept = []
    result = fetch(CorpusStore(tmp_path), QUERY, settings=_settings(registry.url),
                   max_pages=1, sleep=slept.append)  # fmt: skip
    assert result.studies == 5 and len(registry.requests) == 2
    assert 7.0 in slept


def test_503_retried_with_exponential_backoff(tmp_path, registry):
    registry.failures = [(503, {}), (502, {}), (500, {})]
    slept = []
    result = fetch(CorpusStore(tmp_path), QUERY, settings=_settings(registry.url, backoff=0.5),
                   max_pages=1, sleep=slept.append)  # fmt: skip
    assert result.studies == 5
    assert [s for s in slept if s >= 0.5] == [0.5, 1.0, 2.0]


def test_persistent_503_gives_up_after_bounded_attempts(tmp_path, registry):
    registry.failures = [(503, {})] * 10
    with pytest.raises(FetchError, match="HTTP 503 4 times"):
        fetch(CorpusStore(tmp_path), QUERY, settings=_settings(registry.url, max_attempts=4),
              sleep=lambda s: None)  # fmt: skip
    assert len(registry.requests) == 4


def test_resume_after_interruption_mid_sequence(tmp_path, registry):
    store = CorpusStore(tmp_path)
    registry.fail_on_token = PAGE1["nextPageToken"]
    with pytest.raises(FetchError, match="progress saved"):
        fetch(store, QUERY, settings=_settings(registry.url, max_attempts=3), sleep=lambda s: None)
    assert len(store.trials()) == 5  # page 1 is stored
    registry.fail_on_token = None
    registry.requests.clear()
    result = fetch(store, QUERY, settings=_settings(registry.url), max_pages=1)
    assert registry.requests[0]["pageToken"] == [PAGE1["nextPageToken"]]
    assert result.resumed and result.summary.added == 5 and len(store.trials()) == 10
    # another query does not pick up this state; --restart ignores it
    registry.requests.clear()
    fetch(store, QUERY, settings=_settings(registry.url), max_pages=1, restart=True)
    assert "pageToken" not in registry.requests[0]


def test_interrupt_by_ctrl_c_keeps_the_next_token(tmp_path, registry):
    store = CorpusStore(tmp_path)

    def stop(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(store, QUERY, settings=_settings(registry.url), on_page=stop)
    registry.requests.clear()
    fetch(store, QUERY, settings=_settings(registry.url), max_pages=1)
    assert registry.requests[0]["pageToken"] == [PAGE1["nextPageToken"]]


def test_bad_request_is_not_retried_and_says_why(tmp_path, registry):
    registry.failures = [(400, {})]
    with pytest.raises(FetchError, match="HTTP 400"):
        fetch(CorpusStore(tmp_path), QUERY, settings=_settings(registry.url))
    assert len(registry.requests) == 1


def test_offline_message(tmp_path):
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = CorpusStore(tmp_path)
    with pytest.raises(FetchError) as info:
        fetch(store, QUERY, settings=_settings(f"http://127.0.0.1:{port}"), sleep=lambda s: None)
    text = str(info.value)
    assert f"cannot reach 127.0.0.1:{port}" in text and "check your connection" in text
    assert "progress saved, run the same command again to resume" in text
    assert store.is_empty


def test_polite_rate_spaces_requests(tmp_path, registry):
    slept = []
    fetch(CorpusStore(tmp_path), QUERY, settings=FetchSettings(base_url=registry.url, rate=2.0),
          max_pages=2, sleep=slept.append)  # fmt: skip
    assert len(slept) == 1 and 0 < slept[0] <= 0.5


def test_base_url_from_env(monkeypatch):
    monkeypatch.setenv("TRIALMATCH_CTGOV_URL", "http://mirror.example/")
    assert FetchSettings.from_env().base_url == "http://mirror.example"
    assert FetchSettings.from_env("http://flag.example").base_url == "http://flag.example"
    monkeypatch.delenv("TRIALMATCH_CTGOV_URL")
    assert FetchSettings.from_env().base_url == "https://clinicaltrials.gov"


@pytest.mark.parametrize(("commit_every", "commits"), [(1000, 1), (5, 2)])
def test_pages_are_committed_in_batches(tmp_path, registry, commit_every, commits):
    store = CorpusStore(tmp_path)
    fetch(store, QUERY, settings=_settings(registry.url), max_pages=2, commit_every=commit_every)
    assert store.manifest()["generation"] == commits and len(store.trials()) == 10
