"""The public patient pages: the form, results, trial and drug pages (no API key)."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from profiles.model import PatientProfile
from rules.trial import NCT_RE
from service.api import catalog
from service.api.engine import Engine
from service.api.errors import NotAvailable
from service.web import answers, form
from service.web.note import plain_facts

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|^])")


def plain_text(text: str) -> str:
    """The registry's markdown escapes removed for reading ("\\>180" -> ">180")."""
    return _MD_ESCAPE.sub(r"\1", str(text))


templates.env.filters["plain_text"] = plain_text
CTGOV = "https://clinicaltrials.gov/study/"


@cache
def content() -> dict[str, Any]:
    return json.loads(resources.files("service.web").joinpath("content.json").read_text("utf-8"))


def _engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def _page(request: Request, name: str, status_code: int = 200, **ctx: Any) -> Response:
    return templates.TemplateResponse(
        request, name, {"content": content(), "form": form, **ctx}, status_code=status_code
    )


def _problem(request: Request, status_code: int, title: str, message: str) -> Response:
    return _page(request, "problem.html", status_code, title=title, message=message)


async def home(request: Request) -> Response:
    return _page(request, "form.html", values={}, problems={})


def studies_another_condition(match: dict[str, Any]) -> bool:
    """The matcher doubted the trial's registered conditions for this patient: the trial is
    for another disease (a COVID-19 vaccine study, a leukaemia study for a pancreatic cancer)."""
    return any(
        c.get("rule") == "ctgov:conditions" and c.get("status") == "unknown" and c.get("doubted")
        for c in match.get("criteria", [])
    )


def split_other_conditions(
    matches: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Matches for the patient's condition, and those studying another one (shown apart)."""
    fits = [m for m in matches if not studies_another_condition(m)]
    return fits, [m for m in matches if studies_another_condition(m)]


def _results(
    request: Request,
    profile: PatientProfile,
    values: dict[str, Any],
    *,
    template: str = "results.html",
    **extra: Any,
) -> Response:
    engine = _engine(request)
    try:  # the CLI's and the API's path: recruiting trials near the patient, model-ordered
        ranked = engine.ranked(profile, top_k=20)
    except NotAvailable as exc:
        return _problem(request, 501, "Matching is not available yet", str(exc))
    report = ranked.to_dict()
    profile_json = profile.model_dump_json(exclude_none=True)
    fits, others = split_other_conditions(report.get("matches", []))
    ctx = {
        "report": report,
        "considered": ranked.retrieval.describe(),
        "fits": fits,
        "others": others,
        "profile_json": profile_json,
        "asked": answers.decorate(report.get("questions", [])),
        "values": values,
        **extra,
    }
    if request.headers.get("HX-Request"):
        return _page(request, "_results.html", **ctx)
    return _page(request, template, **ctx)


async def results(request: Request) -> Response:
    data = await request.form()
    values = {k: str(v) for k, v in data.items()}
    profile, problems = form.build_profile(form.profile_dict(data))
    if profile is None:
        return _page(request, "form.html", 422, values=values, problems=problems)
    return _results(request, profile, values)


async def note_form(request: Request) -> Response:
    return _page(request, "note.html", values={}, problems={})


#: the longest note read (the API's limit too)
NOTE_LIMIT = 100_000


async def note_results(request: Request) -> Response:
    """A pasted letter: the facts read from it (each with its words), then the results."""
    data = await request.form()
    values = {k: str(v) for k, v in data.items()}
    text = values.get("note", "").strip()
    problems: dict[str, str] = {}
    if not text:
        problems["note"] = "Paste the letter or note in the box first."
    elif len(text) > NOTE_LIMIT:
        problems["note"] = (
            f"The note has {len(text):,} characters; paste at most {NOTE_LIMIT:,} "
            "(about 15 pages), for example only the latest letter."
        )
    if problems:
        return _page(request, "note.html", 422, values=values, problems=problems)
    try:
        profile, facts = _engine(request).from_text(text)
    except NotAvailable as exc:
        return _problem(request, 501, "Reading letters is not available yet", str(exc))
    if not facts:
        problems["note"] = (
            "We could not find any facts trials ask about (age, cancer, treatments, test "
            "results) in this text. Check it is the doctor's letter, or answer the questions "
            "instead."
        )
        return _page(request, "note.html", 422, values=values, problems=problems)
    place = form.profile_dict(data).get("location")
    if place:  # the ZIP code and distance from the page, beside what the note says
        merged = {**profile.model_dump(mode="json", exclude_none=True), "location": place}
        located, problems = form.build_profile(merged)
        if located is None:
            return _page(request, "note.html", 422, values=values, problems=problems)
        profile = located
    return _results(
        request, profile, values, template="note_results.html", facts=plain_facts(facts)
    )


async def answer(request: Request) -> Response:
    data = await request.form()
    try:
        current = json.loads(str(data.get("profile_json") or "{}"))
        updated = answers.apply(current, str(data.get("key") or ""), str(data.get("value") or ""))
        profile = PatientProfile.model_validate(updated)
    except ValidationError as exc:
        msgs = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        return _problem(request, 422, "That answer could not be used", msgs)
    except (ValueError, TypeError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "the answer could not be used"
        return _problem(request, 422, "That answer could not be used", msg)
    return _results(request, profile, {})


def _trial_ctx(request: Request, nct_id: str) -> dict[str, Any] | None:
    nct = nct_id.strip().upper()
    trial = _engine(request).get(nct) if NCT_RE.match(nct) else None
    if trial is None:
        return None
    engine = _engine(request)
    try:
        criteria = engine.plain_criteria(trial)
        missing = None
    except NotAvailable as exc:
        criteria, missing = [], str(exc)
    return {
        "trial": trial,
        "criteria": criteria,
        "criteria_missing": missing,
        "url": CTGOV + trial.nct_id,
    }


def _trial_response(request: Request, template: str) -> Response:
    ctx = _trial_ctx(request, request.path_params["nct_id"])
    if ctx is None:
        return _problem(
            request,
            404,
            "Trial not found",
            f"There is no trial {request.path_params['nct_id']} in this collection.",
        )
    return _page(request, template, **ctx)


async def trial_page(request: Request) -> Response:
    return _trial_response(request, "trial.html")


async def trial_print(request: Request) -> Response:
    return _trial_response(request, "trial_print.html")


async def drug_page(request: Request) -> Response:
    name = request.path_params["name"].strip()
    if not 2 <= len(name) <= 100:
        return _problem(request, 422, "Drug name", "Give a drug name of 2 to 100 characters.")
    view = catalog.drug_view(_engine(request), name)
    return _page(request, "drug.html", view=view)


def mount(app: FastAPI) -> None:
    """Add the page routes and the static files to ``app``."""
    html = HTMLResponse
    app.add_api_route("/", home, methods=["GET"], response_class=html, include_in_schema=False)
    app.add_api_route(
        "/results", results, methods=["POST"], response_class=html, include_in_schema=False
    )
    app.add_api_route(
        "/results/answer", answer, methods=["POST"], response_class=html, include_in_schema=False
    )
    app.add_api_route(
        "/note", note_form, methods=["GET"], response_class=html, include_in_schema=False
    )
    app.add_api_route(
        "/note", note_results, methods=["POST"], response_class=html, include_in_schema=False
    )
    app.add_api_route(
        "/trials/{nct_id}",
        trial_page,
        methods=["GET"],
        response_class=html,
        include_in_schema=False,
    )
    app.add_api_route(
        "/trials/{nct_id}/print",
        trial_print,
        methods=["GET"],
        response_class=html,
        include_in_schema=False,
    )
    app.add_api_route(
        "/interventions/{name}",
        drug_page,
        methods=["GET"],
        response_class=html,
        include_in_schema=False,
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
