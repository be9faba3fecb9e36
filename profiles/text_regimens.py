"""Anticancer drugs a note names together are one regimen, not one line of therapy each.

"Initially treated with melphalan and prednisone, followed by VAD regimen ... she received
thalidomide velcade and thalidomide" is three regimens (three lines), though it names six
drugs. The vocabulary finds each drug on its own; :func:`group_regimens` joins drugs written
next to each other, with only "and", "plus", "with", a comma, "+", "/" or "-" between them,
into one therapy (its span covers them all), when at least one of them is an anticancer drug.
Drugs with different dates, or parted by any other word ("followed by", "then", "later"),
stay apart; so do supportive drugs named together ("aspirin and metformin"), which are no
regimen.
"""

from __future__ import annotations

import re
from typing import Any

from rules import vocab

#: Therapy kinds of anticancer drugs (a run is a regimen only when one member has one).
ANTICANCER_KINDS = frozenset(
    {"chemotherapy", "targeted therapy", "immunotherapy", "hormone therapy", "cell therapy"}
)

#: What may stand between two drugs of one regimen.
_JOIN = re.compile(r"(?i)^\s*[,+/&-]?\s*(?:(?:and|plus|with)\s+)?$")


def joined(gap: str) -> bool:
    """Whether ``gap``, the text between two drug names, joins them into one regimen.

    >>> [joined(g) for g in [" and ", ", ", ", and ", " plus ", "/", " ", " followed by "]]
    [True, True, True, True, True, True, False]
    """
    return bool(_JOIN.match(gap))


def group_regimens(text: str, facts: list[Any]) -> list[Any]:
    """``facts`` with each run of jointly named drugs (therapy facts from the vocabulary)
    merged into one therapy fact whose drugs are the run's, in order, each once.

    >>> from profiles.text import extract_facts
    >>> note = ("Initially treated with melphalan and prednisone, followed by VAD regimen. "
    ...         "At relapse she received thalidomide velcade and thalidomide.")
    >>> [(f.text, f.value["drugs"]) for f in extract_facts(note) if f.field == "therapies"]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('melphalan and prednisone', ['melphalan', 'prednisone']),
     ('VAD regimen', ['vincristine', 'doxorubicin', 'dexamethasone']),
     ('thalidomide velcade and thalidomide', ['thalidomide', 'bortezomib'])]
    """
    from profiles.text import Fact

    drugs = sorted(
        (f for f in facts if f.field == "therapies" and f.value.get("drugs")),
        key=lambda f: f.start,
    )
    runs: list[list[Any]] = []
    for f in drugs:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and joined(text[last.end : f.start])
            and all(_same_or_unsaid(last.value.get(k), f.value.get(k)) for k in ("start", "end"))
        ):
            runs[-1].append(f)
        else:
            runs.append([f])
    merged: dict[int, Any] = {}  # id of a run's first fact -> the run's fact
    dropped: set[int] = set()
    for run in runs:
        if len(run) < 2 or not any(f.value.get("kind") in ANTICANCER_KINDS for f in run):
            continue
        merged[id(run[0])] = Fact(
            field="therapies",
            value=_regimen_value(run),
            text=text[run[0].start : run[-1].end],
            start=run[0].start,
            end=run[-1].end,
        )
        dropped.update(id(f) for f in run[1:])
    return [merged.get(id(f), f) for f in facts if id(f) not in dropped]


def _same_or_unsaid(a: str | None, b: str | None) -> bool:
    """Two drugs' dates let them be one regimen: equal, or one of them not given."""
    return a is None or b is None or a == b


def _regimen_value(run: list[Any]) -> dict[str, Any]:
    drugs: list[str] = []
    for f in run:
        drugs += [d for d in f.value["drugs"] if d not in drugs]
    names: list[str] = []
    for f in run:
        if f.value["name"] not in names:
            names.append(f.value["name"])
    kinds = [f.value.get("kind") for f in run]
    value: dict[str, Any] = {
        "name": " + ".join(names),
        "drugs": drugs,
        "kind": _main_kind(kinds, drugs),
    }
    for key in ("start", "end"):  # the run's members agree where they say it
        when = next((f.value[key] for f in run if f.value.get(key)), None)
        if when:
            value[key] = when
    if any(f.value.get("ongoing") for f in run):
        value["ongoing"] = True
    return value


def _main_kind(kinds: list[str | None], drugs: list[str]) -> str | None:
    """Chemotherapy when any drug is cytotoxic (a chemo-immunotherapy is chemotherapy for
    "prior chemotherapy"), else the first anticancer kind."""
    if any("chemotherapy" in vocab.drug_classes(d) for d in drugs):
        return "chemotherapy"
    return next((k for k in kinds if k in ANTICANCER_KINDS), None)
