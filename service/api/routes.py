"""The ``/v1`` navigator API: thin routes over :class:`~service.api.engine.Engine`."""

from __future__ import annotations

import inspect
import json
from functools import cache
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from fastapi._compat import field_annotation_is_sequence
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from service.api import catalog
from service.api.engine import Engine
from service.api.geo import PlaceError, parse_place
from service.api.schemas import (
    ErrorOut,
    InterventionResponse,
    MatchRequest,
    MatchResponse,
    QuestionsRequest,
    QuestionsResponse,
    SearchResponse,
    Status,
    TextMatchRequest,
    TextMatchResponse,
    TrialDetail,
)
from service.api.security import require_api_key

CTGOV = "https://clinicaltrials.gov/study/"
_errors: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A body that is not JSON."},
    401: {"model": ErrorOut, "description": "Missing or invalid X-API-Key."},
    413: {"model": ErrorOut, "description": "Request body over the size limit."},
    422: {"model": ErrorOut, "description": "Invalid input: each error names its field."},
    501: {"model": ErrorOut, "description": "A part of the engine not in this build."},
}


def single_valued_query(request: Request) -> None:
    """Reject a query parameter given several times where the endpoint takes one value
    (``?condition=a&condition=b``): FastAPI would silently keep the last one."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    errors = [
        {
            "loc": ("query", field.alias),
            "msg": f"give {field.alias} once (it takes a single value)",
            "type": "value_error",
            "input": request.query_params.getlist(field.alias),
        }
        for field in dependant.query_params
        if not field_annotation_is_sequence(field.field_info.annotation)
        and len(request.query_params.getlist(field.alias)) > 1
    ]
    if errors:
        raise RequestValidationError(errors)


router = APIRouter(
    prefix="/v1",
    dependencies=[Depends(require_api_key), Depends(single_valued_query)],
    responses=_errors,
)


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(get_engine)]


def strict(model: type[BaseModel]) -> Any:
    """A dependency checking the JSON body against ``model``'s published JSON schema.

    FastAPI validates bodies laxly ("62" -> 62, false -> 0.0, {} -> "{}"); the API's
    OpenAPI schema says integer / number / string, so a body that breaks the published schema
    is a 422 naming each field (the input is not echoed). The web form keeps the lax reading.
    """
    validator = _validator(model)

    # ``body`` makes FastAPI validate the body first: its clearer errors win, and this check
    # runs only on a body the model accepted.
    async def check(request: Request, body: Any) -> None:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return  # FastAPI answers a body that is not JSON itself
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            raise RequestValidationError([_schema_error(e) for e in errors[:20]])

    kinds = inspect.Parameter.POSITIONAL_OR_KEYWORD
    check.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", kinds, annotation=Request),
            inspect.Parameter("body", kinds, annotation=model),
        ]
    )
    return Depends(check)


@cache
def _validator(model: type[BaseModel]) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(model.model_json_schema(mode="validation"))


def _schema_error(error: Any) -> dict[str, Any]:
    while error.context:  # anyOf/oneOf (e.g. an object or null): the deepest failure says most
        error = max(error.context, key=lambda e: len(e.absolute_path))
    rule, value = error.validator, error.validator_value
    if rule == "type":
        msg = f"Input should be of JSON type {value}"
    elif rule == "enum":
        msg = "Input should be one of: " + ", ".join(map(str, value))
    elif rule == "additionalProperties":
        msg = "Extra inputs are not permitted"
    elif rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        msg = f"Input breaks the {rule} of {value}"
    else:
        msg = f"Input breaks the schema's '{rule}' rule"
    return {"loc": ("body", *error.absolute_path), "msg": msg, "type": f"schema_{rule}"}


@router.post(
    "/match", response_model=MatchResponse, tags=["match"], dependencies=[strict(MatchRequest)]
)
async def match(body: MatchRequest, engine: EngineDep) -> Response:
    """Match a profile against the corpus: the JSON of ``trialmatch match --format json``."""
    # ``async``: matching is pure CPU, so a worker's requests run one after another in the
    # order they came (FIFO) instead of sharing the GIL in a thread pool, where a request
    # took as long as all the others in flight; same mean latency, a much shorter tail
    # (load test, 20 clients: p99 1105 -> 790 ms on the same busy machine).
    return _json(
        engine.search(body.profile, as_of=body.as_of, top_k=body.top_k, filters=body.filters)
    )


def _json(content: dict[str, Any]) -> Response:
    """``content`` as JSON, as the engine made it (the JSON of the CLI, which the tests hold to
    the published response model): re-validating a 250 KB answer against the model cost more
    than a third of a match request."""
    return Response(orjson.dumps(content), media_type="application/json")


@router.post(
    "/match/text",
    response_model=TextMatchResponse,
    tags=["match"],
    dependencies=[strict(TextMatchRequest)],
)
async def match_text(body: TextMatchRequest, engine: EngineDep) -> Response:
    """Extract a profile from a pasted note (each fact with its span), then match it."""
    profile, facts = engine.from_text(body.text, as_of=body.as_of)
    report = engine.search(profile, as_of=body.as_of, top_k=body.top_k, filters=body.filters)
    extracted = profile.model_dump(mode="json", exclude_none=True)
    return _json({"profile": extracted, "facts": facts, **report})


@router.post(
    "/questions",
    response_model=QuestionsResponse,
    tags=["match"],
    dependencies=[strict(QuestionsRequest)],
)
async def questions(body: QuestionsRequest, engine: EngineDep) -> dict[str, Any]:
    """The facts that would settle the most unknown criteria for this profile, best first."""
    return {"questions": engine.questions(body.profile, as_of=body.as_of, filters=body.filters)}


@router.get(
    "/trials/{nct_id}",
    response_model=TrialDetail,
    tags=["trials"],
    responses={404: {"model": ErrorOut, "description": "No trial with this id."}},
)
def trial(
    nct_id: Annotated[str, Path(pattern=r"^[Nn][Cc][Tt]\d{8}$", examples=["NCT06532617"])],
    engine: EngineDep,
) -> dict[str, Any]:
    """The record, its parsed criteria and their plain-English rendering."""
    found = engine.get(nct_id)
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no trial {nct_id.upper()} in the corpus"
        )
    criteria = [
        {**c.model_dump(mode="json"), "plain": plain} for c, plain in engine.plain_criteria(found)
    ]
    return {
        "trial": found.model_dump(mode="json"),
        "criteria": criteria,
        "url": CTGOV + found.nct_id,
    }


@router.get("/trials", response_model=SearchResponse, tags=["trials"])
def search_trials(
    engine: EngineDep,
    condition: Annotated[str | None, Query(max_length=200)] = None,
    intervention: Annotated[str | None, Query(max_length=200)] = None,
    biomarker: Annotated[str | None, Query(max_length=100)] = None,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    near: Annotated[
        str | None, Query(max_length=60, description="US postal code or 'lat,lon'.")
    ] = None,
    distance_km: Annotated[float, Query(gt=0, le=40_000)] = 100.0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Search by condition, intervention, biomarker, status and distance from a place."""
    point = None
    if near:
        try:
            point = parse_place(near)
        except PlaceError as exc:
            raise HTTPException(
                422,
                detail=[{"loc": ["query", "near"], "msg": str(exc), "type": "value_error"}],
            ) from None
    return catalog.search(
        engine,
        condition=condition,
        intervention=intervention,
        biomarker=biomarker,
        status=list(status_) if status_ else None,
        near=point,
        distance_km=distance_km,
        limit=limit,
    )


@router.get("/interventions/{name}", response_model=InterventionResponse, tags=["trials"])
def intervention(
    name: Annotated[str, Path(min_length=2, max_length=100, examples=["cadonilimab"])],
    engine: EngineDep,
) -> dict[str, Any]:
    """A drug's trials, found by its names and codes, grouped by indication."""
    return catalog.drug_view(engine, name)
