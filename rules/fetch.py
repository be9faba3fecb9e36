"""Fetching study records from the ClinicalTrials.gov API v2 into the corpus store.

Pages through ``GET {base}/api/v2/studies`` politely (a bounded request rate, retries
with exponential backoff on 429 and 5xx that respect ``Retry-After``), ingests each page
as it comes, and remembers the query and the next page token in ``fetch-state.json`` in
the data folder, so an interrupted fetch continues where it stopped when run again.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from rules.corpus.readers import RawRecord
from rules.corpus.store import CorpusStore, IngestSummary
from rules.errors import CorpusError
from rules.trial import Trial

DEFAULT_BASE_URL = "https://clinicaltrials.gov"
ENV_BASE_URL = "TRIALMATCH_CTGOV_URL"
STATE_FILE = "fetch-state.json"
USER_AGENT = "trialmatch (clinical trial matching; https://clinicaltrials.gov/data-api)"


class FetchError(CorpusError):
    """The registry could not be reached or gave an unusable answer."""


@dataclass(frozen=True, slots=True)
class FetchQuery:
    """What to fetch: the API's condition, intervention, status and update-date filters.

    >>> q = FetchQuery(condition="lung cancer", statuses=("RECRUITING", "NOT_YET_RECRUITING"),
    ...                updated_since=dt.date(2026, 1, 1), page_size=50)
    >>> q.params("tok")["filter.advanced"], q.params("tok")["filter.overallStatus"]
    ('AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX]', 'RECRUITING,NOT_YET_RECRUITING')
    """

    condition: str | None = None
    intervention: str | None = None
    statuses: tuple[str, ...] = ()
    updated_since: dt.date | None = None
    page_size: int = 100

    def params(self, page_token: str | None = None) -> dict[str, str]:
        params = {"format": "json", "pageSize": str(self.page_size)}
        if self.condition:
            params["query.cond"] = self.condition
        if self.intervention:
            params["query.intr"] = self.intervention
        if self.statuses:
            params["filter.overallStatus"] = ",".join(self.statuses)
        if self.updated_since:
            params["filter.advanced"] = (
                f"AREA[LastUpdatePostDate]RANGE[{self.updated_since.isoformat()},MAX]"
            )
        if page_token:
            params["pageToken"] = page_token
        return params


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How to talk to the registry: where, how fast, how patiently."""

    base_url: str = DEFAULT_BASE_URL
    rate: float = 3.0  # requests per second, at most
    max_attempts: int = 5
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_delay: float = 120.0
    timeout: float = 30.0

    @classmethod
    def from_env(cls, base_url: str | None = None, **options: Any) -> FetchSettings:
        """Settings with the base URL from the argument, else ``$TRIALMATCH_CTGOV_URL``."""
        url = base_url or os.environ.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL
        return cls(base_url=url.rstrip("/"), **options)


@dataclass
class FetchResult:
    """What a fetch did, summed over its pages."""

    pages: int = 0
    studies: int = 0
    resumed: bool = False
    complete: bool = False
    total_count: int | None = None
    summary: IngestSummary = field(default_factory=IngestSummary)


def fetch(
    store: CorpusStore,
    query: FetchQuery,
    *,
    settings: FetchSettings | None = None,
    restart: bool = False,
    max_pages: int | None = None,
    on_page: Callable[[FetchResult], None] | None = None,
    on_error: Callable[[CorpusError], None] | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    commit_every: int = 1000,
) -> FetchResult:
    """Fetch every page of ``query`` into ``store``, resuming a previous identical fetch.

    Pages are ingested in batches of about ``commit_every`` studies (each commit rewrites
    the store's tables). Raises FetchError when the registry cannot be reached or keeps
    failing; what was fetched until then is stored and the next page is remembered, as on
    Ctrl-C.
    """
    settings = settings or FetchSettings.from_env()
    state_path = store.data_dir / STATE_FILE
    key = {"base_url": settings.base_url, **_jsonable(asdict(query))}
    state = None if restart else _load_state(state_path)
    result = FetchResult()
    token = None
    if state and state.get("query") == key and state.get("next_page_token"):
        token, result.resumed = state["next_page_token"], True
    own = client is None
    http = client or httpx.Client(
        timeout=settings.timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )
    pacer = _Pacer(settings.rate, sleep)
    pending: list[tuple[Trial, str]] = []

    def commit(next_token: str | None) -> None:
        """Ingest the buffered pages, then remember where to continue."""
        if pending:
            result.summary = _add(result.summary, store.ingest_pairs(pending))
            pending.clear()
        if next_token:
            _save_state(state_path, {"query": key, "next_page_token": next_token})
        else:
            state_path.unlink(missing_ok=True)

    try:
        while max_pages is None or result.pages < max_pages:
            try:
                page = _get_page(http, settings, query.params(token), pacer, sleep)
            except FetchError:
                commit(token)  # keep what came; continue from the page that failed
                raise
            result.pages += 1
            if isinstance(page.get("totalCount"), int):
                result.total_count = page["totalCount"]
            result.studies += len(page["studies"])
            source = f"{settings.base_url}/api/v2/studies page {result.pages}"
            rejects: list[CorpusError] = []
            pending.extend(_trials(page["studies"], source, rejects.append))
            for exc in rejects:
                if on_error:
                    on_error(exc)
            result.summary = replace(
                result.summary, rejected=result.summary.rejected + len(rejects)
            )
            token = page.get("nextPageToken") or None
            result.complete = token is None
            if len(pending) >= commit_every or result.complete:
                commit(token)
            if on_page:
                on_page(result)
            if result.complete:
                break
        commit(token)
    except KeyboardInterrupt:
        commit(token)
        raise
    finally:
        if own:
            http.close()
    return result


def _trials(
    studies: list[Any], source: str, on_error: Callable[[CorpusError], None]
) -> Iterator[tuple[Trial, str]]:
    for i, record in enumerate(studies, start=1):
        raw = RawRecord(source, i, record)
        try:
            yield raw.to_trial(), raw.where
        except CorpusError as exc:
            on_error(exc)


def _add(a: IngestSummary, b: IngestSummary) -> IngestSummary:
    rejected = a.rejected + b.rejected
    return IngestSummary(
        added=a.added + b.added,
        updated=a.updated + b.updated,
        unchanged=a.unchanged + b.unchanged,
        rejected=rejected,
        total=b.total or a.total,
    )


def _get_page(
    http: httpx.Client,
    settings: FetchSettings,
    params: dict[str, str],
    pacer: _Pacer,
    sleep: Callable[[float], None],
) -> dict[str, Any]:
    url = f"{settings.base_url}/api/v2/studies"
    host = urlsplit(settings.base_url).netloc or settings.base_url
    for attempt in range(1, settings.max_attempts + 1):
        pacer.wait()
        try:
            resp = http.get(url, params=params)
        except httpx.TransportError as exc:
            if attempt >= min(settings.max_attempts, 3):
                raise FetchError(
                    f"cannot reach {host} ({type(exc).__name__}: {exc}); check your connection; "
                    "progress saved, run the same command again to resume"
                ) from None
            sleep(_backoff(settings, attempt))
            continue
        if resp.status_code == 429 or resp.status_code >= 500:
            if attempt == settings.max_attempts:
                raise FetchError(
                    f"{host} answered HTTP {resp.status_code} {attempt} times in a row; "
                    "progress saved, run the same command again later to resume"
                )
            sleep(_retry_after(resp, settings) or _backoff(settings, attempt))
            continue
        if resp.status_code != 200:
            raise FetchError(
                f"{host} answered HTTP {resp.status_code}: {resp.text[:300].strip()}",
                where=str(resp.request.url),
                hint="check the --condition, --intervention, --status and --updated-since values",
            )
        try:
            page = resp.json()
        except ValueError:
            raise FetchError(f"{host} answered something that is not JSON", where=url) from None
        if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
            raise FetchError(f"{host} answered JSON without a 'studies' list", where=url)
        return page
    raise AssertionError("unreachable")  # pragma: no cover


def _backoff(settings: FetchSettings, attempt: int) -> float:
    return min(settings.backoff * 2 ** (attempt - 1), settings.max_delay)


def _retry_after(resp: httpx.Response, settings: FetchSettings) -> float | None:
    """Seconds asked by a Retry-After header (seconds or an HTTP date), capped."""
    value = resp.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return min(max(seconds, 0.0), settings.max_delay)


class _Pacer:
    """Keeps request starts at least ``1/rate`` seconds apart."""

    def __init__(self, rate: float, sleep: Callable[[float], None]):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.sleep = sleep
        self.last: float | None = None

    def wait(self) -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.interval:
            self.sleep(self.interval - (now - self.last))
        self.last = time.monotonic()


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(values, default=str))


def _load_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(tmp, path)
