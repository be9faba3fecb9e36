"""Turn pydantic validation errors into lines a clinician can act on.

One line per problem: where (file, row, line or item), the field path as written in the
profile JSON (``biomarkers[2].result``), what was wrong and what is accepted. No pydantic
boilerplate, no URLs; an unknown field gets a "did you mean" against the accepted names.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from profiles.model import PatientProfile
from rules.errors import did_you_mean

Loc = tuple[str | int, ...]


def field_path(loc: Sequence[str | int]) -> str:
    """Readable path of a pydantic ``loc``: list indices in brackets, fields joined by dots.

    >>> field_path(("biomarkers", 2, "result"))
    'biomarkers[2].result'
    >>> field_path(())
    ''
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation if issubclass(annotation, BaseModel) else None
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def accepted_fields(loc: Sequence[str | int], model: type[BaseModel] = PatientProfile) -> list[str]:
    """The field names accepted at ``loc`` (the location of an unknown field).

    >>> accepted_fields(("location", "zip"))[:3]
    ['postal_code', 'city', 'state']
    """
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _submodel(info.annotation) if info is not None else None
    return list(current.model_fields) if current is not None else []


def _show(value: Any) -> str:
    text = repr(
        value if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)
    )
    return text if len(text) <= 60 else text[:57] + "...'"


def describe(error: Mapping[str, Any], *, model: type[BaseModel] = PatientProfile) -> str:
    """The message of one pydantic error (a dict of ``ValidationError.errors()``), in plain words.

    >>> describe({"type": "int_parsing", "loc": ("age",), "msg": "...", "input": "abc"})
    "'abc' is not a whole number"
    """
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    loc = tuple(error.get("loc", ()))
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        hint = did_you_mean(name, accepted_fields(loc, model))
        accepted = ", ".join(accepted_fields(loc, model))
        return f"unknown field ({hint})" if hint else f"unknown field (accepted: {accepted})"
    if kind == "missing":
        return "required but missing"
    simple = {
        "int_parsing": "is not a whole number",
        "int_from_float": "is not a whole number",
        "int_type": "is not a whole number",
        "float_parsing": "is not a number",
        "float_type": "is not a number",
        "bool_parsing": "is not yes or no (use true/false, yes/no)",
        "bool_type": "is not yes or no (use true/false, yes/no)",
        "string_type": "is not text",
        "list_type": "is not a list",
        "model_type": "is not an object with fields",
        "model_attributes_type": "is not an object with fields",
        "dict_type": "is not an object with fields",
    }
    if kind in simple:
        return f"{_show(value)} {simple[kind]}"
    bounds = {
        "greater_than_equal": ("ge", "at least"),
        "greater_than": ("gt", "more than"),
        "less_than_equal": ("le", "at most"),
        "less_than": ("lt", "less than"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        limit = ctx.get(key)
        limit_text = f"{limit:g}" if isinstance(limit, float) else str(limit)
        return f"{_show(value)} is out of range: must be {words} {limit_text}"
    if kind == "literal_error":
        return f"{_show(value)} is not accepted (use {ctx.get('expected', '')})"
    return f"{_show(value)}: {str(error['msg']).lower()}"


def format_errors(
    validation_error: ValidationError,
    where: str,
    *,
    sources: Mapping[Loc, str] | None = None,
    model: type[BaseModel] = PatientProfile,
) -> list[str]:
    """One readable line per error: ``"<where>, <field path>: <what is wrong>"``.

    ``sources`` maps a location prefix (e.g. ``("biomarkers", 1)``) to where that part came
    from (the cohort cell text, or the FHIR resource), shown after the field path.

    >>> try:
    ...     PatientProfile.model_validate({"ecog": "6", "ecgo": 1})
    ... except ValidationError as exc:
    ...     for line in format_errors(exc, "row 17"):
    ...         print(line)
    row 17, ecog: '6' is not an ECOG score (0-5)
    row 17, ecgo: unknown field (did you mean ecog?)
    """
    lines = []
    for error in validation_error.errors():
        loc: Loc = tuple(error["loc"])
        path = field_path(loc)
        source = _source(loc, sources or {})
        if source:
            path = f"{path} (from {source})" if path else f"(from {source})"
        head = ", ".join(part for part in (where, path) if part)
        line = f"{head}: {describe(error, model=model)}" if head else describe(error, model=model)
        if line not in lines:
            lines.append(line)
    return lines


def _source(loc: Loc, sources: Mapping[Loc, str]) -> str | None:
    for size in range(len(loc), -1, -1):
        found = sources.get(loc[:size])
        if found:
            return found
    return None
