"""From eligibility text to criteria: segment, classify each item, apply context, number."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise
from typing import Any, cast

from rules import vocab
from rules.criteria import engine
from rules.criteria.abbreviations import reading, record_abbreviations
from rules.criteria.alternatives import rival_diseases
from rules.criteria.compound import Part, condition_before_lab
from rules.criteria.context import context
from rules.criteria.headings import headings
from rules.criteria.labs import LabThreshold, thresholds
from rules.criteria.segment import (
    Item,
    field_label,
    is_definition_item,
    one_of_section_choice,
    segment,
    unflattened,
)
from rules.criterion import Criterion, Polarity

NEGATABLE = frozenset(
    {
        "prior_therapy",
        "comorbidity",
        "cns_metastases",
        "pregnancy",
        "consent",
        "contraception",
        "measurable_disease",
        "condition",
        "stage",
        "washout",
    }
)
WITH_EXCEPTIONS = frozenset(
    {"comorbidity", "condition", "prior_therapy", "cns_metastases", "washout"}
)
FACET_ORDER = ("condition", "stage", "biomarker", "lines_of_therapy", "prior_therapy")
NO_HEADER_CONFIDENCE = 0.75
#: Without an inclusion/exclusion header an item's polarity is a guess (kept below the
#: matcher's rule-out threshold of 0.8), except where the item says it itself: a measurement
#: ("Age less than 11 years", "BMI 25-40 kg/m2") or a "No ..." item ("No prior chemotherapy")
#: is a requirement whichever list it stands in. A "No ..." pregnancy item stays a guess:
#: old records mix "No women who are pregnant" with pregnancy-study wording.
NO_HEADER_SURE_CONFIDENCE = 0.8
SURE_WITHOUT_HEADER = frozenset({"age", "sex", "lab"})
CHILD_OF_LIST_CONFIDENCE = 0.6
CONDITIONAL_CONFIDENCE = 0.7
CACHE_SIZE = 65_536
_ARM_WORDS = ("group", "cohort", "arm", "panel", "part", "phase")
_ALL_ARMS = re.compile(
    r"(?i)\ball (?:patients|participants|subjects|arms|cohorts|parts|groups)\b|"
    r"\b(?:arms?|cohorts?|parts?|groups?)\s+[A-Z0-9]{1,2}(?:\s*,\s*[A-Z0-9]{1,2})*,?\s*(?:and|&)\s*[A-Z0-9]{1,2}\b"
)
_ARM_SCOPE = re.compile(
    r"(?i)\b(?:for|in) (?:the )?(?:[\w-]+ ){0,2}(?:(?:group|cohort|arm|panel)\b|(?:part|phase)\s*"
    r"(?-i:[A-Z0-9]{1,2}|I{1,3}V?|\([^)]{1,20}\))\b)|\b(?:group|cohort|arm)\s*(?:[A-Z0-9]|I{1,3})\b"
    r"\s*(?:patients?|participants?|subjects?)?\s*(?:must|should|will|only)|\b(?:group|cohort),?\s+defined as"
)


def classify(text: str, polarity: str) -> tuple[str, dict[str, Any], float, str]:
    """Kind, params, confidence and rule for one item's text (context applied).

    >>> classify("No prior anti-PD-1 therapy", "inclusion")[:2]
    ('prior_therapy', {'drugs': [], 'classes': ['anti_pd1'], 'negated': True})
    >>> classify("Adequate organ function", "inclusion")[0]
    'other'
    """
    kind, params, conf, rule = _classify(text, polarity)
    return kind, _copy(params), conf, rule


def _copy(value: Any) -> Any:
    """A deep copy of JSON-like params (faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@lru_cache(maxsize=CACHE_SIZE)
def _classify(text: str, polarity: str) -> tuple[str, dict[str, Any], float, str]:
    """:func:`classify`, cached: about a fifth of the items of a large corpus are
    boilerplate repeated word for word across trials. Callers get a copy of the params."""
    hits = engine.run(text, polarity)
    if not hits:
        return "other", {}, 0.5, "unstructured"
    first = hits[0]
    if first.kind in FACET_ORDER:
        hits = _useful_facets(hits)
        first = hits[0]
    kind, params, conf, rule = first.kind, dict(first.params), first.confidence, first.rule
    ctx = context(_masked(text, hits, first), first.start, first.end)
    if "PERMISSIVE" in ctx.categories and kind != "cns_metastases":
        return "other", {"topic": "permissive"}, 0.5, f"{rule}+permissive"
    negated = any(h.params.get("negated") for h in hits)
    by_context = False  # the negation comes from words around the first facet, not its own
    if kind in NEGATABLE and ctx.negated:
        if polarity == "inclusion" or "neg-unable" in ctx.rules:
            negated = by_context = True
            if kind == "measurable_disease" and not _NO_RIGHT_BEFORE.search(
                text[max(0, first.start - 40) : first.start]
            ):
                # "DISEASE CHARACTERISTICS: ... advanced solid tumor No lymphomas Measurable
                # disease": a negation further away may be another item's, glued on
                conf = min(conf, CONDITIONAL_CONFIDENCE)
        else:  # "No known HIV" under Exclusion Criteria: a double negative, read as written
            params["ambiguous_negation"] = True
            conf = min(conf, CHILD_OF_LIST_CONFIDENCE)
    if "EXCLUSIONARY" in ctx.categories or (
        kind == "cns_metastases" and "PERMISSIVE" in ctx.categories
    ):
        negated = polarity == "inclusion"
        by_context = True
    if len(hits) > 1 and negated and not by_context:
        # "Previously untreated, ... stage II-IIIB NSCLC": the therapy facet says its own
        # absence; the other facets stand as written (each keeps its own ``negated``)
        negated = False
    if len(hits) > 1:
        if negated:  # negation scope over several facets is unclear: keep the therapy one
            keep = next((h for h in hits if h.kind == "prior_therapy"), hits[0])
            kind, params, rule = keep.kind, dict(keep.params), keep.rule
            purpose = _purpose(text, keep, hits)
            if purpose:  # "No prior thalidomide for myeloma": the therapy, for that disease
                params["purpose"] = purpose
            else:
                conf = min(conf, CONDITIONAL_CONFIDENCE)
            hits = [keep]
        else:
            params = {
                "all_of": [{"kind": h.kind, "params": _own_negation(text, h, first)} for h in hits]
            }
            conf = min(h.confidence for h in hits)
            rule = "+".join(h.rule for h in hits)
    if negated:
        params["negated"] = True
    else:
        params.pop("negated", None)
    if ctx.exceptions and kind in WITH_EXCEPTIONS and "all_of" not in params:
        params["exceptions"] = ctx.exceptions
    if ctx.condition and kind not in ("lab", "cns_metastases", "comorbidity"):
        params["condition"] = ctx.condition
        conf = min(conf, CONDITIONAL_CONFIDENCE)
    elif ctx.condition and _inside(text, ctx.condition, first.start):
        conf = min(conf, CONDITIONAL_CONFIDENCE)  # "... if cardiac disease was excluded"
    if "HISTORICAL" in ctx.categories and kind == "comorbidity":
        params["history"] = True
    subject = _IF_SUBJECT.match(text)
    if kind in ("comorbidity", "prior_therapy") and subject and first.start < subject.end("who"):
        # "Patients with a history of congestive heart failure ... must have a normal ejection
        # fraction", "Patients who have received prior adriamycin must have a LVEF greater than
        # 45%": a requirement on the patients who have it, not a requirement to have it
        params["if_present"] = True
    elif subject and "condition" not in params and _asked_of_subgroup(kind, params, subject["who"]):
        params["condition"] = subject.group(0)
        conf = min(conf, CONDITIONAL_CONFIDENCE)
    lower = text.lower()
    if (
        kind != "other"
        and any(w in lower for w in _ARM_WORDS)
        and _ARM_SCOPE.search(text)
        and not _ALL_ARMS.search(text)
    ):
        # "Patients for Group 1 must be treatment-naive", "For Healthy Panel (Part I), ...":
        # it applies to one arm or cohort only
        params["arm_specific"] = True
        conf = min(conf, CONDITIONAL_CONFIDENCE)
    return kind, params, conf, rule


#: words saying a therapy was never given, right before it (at most three words between):
#: "with no history of", "who have not been treated with", "that has never received"; not
#: "not amenable to" / "not appropriately treated with" (what the disease allows), not "with
#: or without", not "no other concurrent" (the present)
_NEVER_GIVEN = re.compile(
    r"(?<!\bor )\b(?:no(?:\s+(?:history\s+of|prior|previous))?|without\s+(?:any\s+)?(?:prior|previous)"
    r"|never\s+(?:been\s+)?(?:received|treated\s+with|had)"
    r"|(?:has|have|had)\s+not\s+(?:been\s+(?:previously\s+)?treated\s+with|(?:previously\s+)?received|had))"
    r"(?:\s+(?!or\b|and\b|concurrent\b|other\b)[\w-]+){0,3}\s+$",
    re.IGNORECASE,
)


#: a negation right before the words it negates: "No measurable disease", "without evidence of
#: measurable disease", "must not have measurable disease"
_NO_RIGHT_BEFORE = re.compile(
    r"(?i)\b(?:no|without|not\s+have|absence\s+of|free\s+of|lack\s+of)\s+(?:(?:evidence\s+of|any|known|"
    r"other|residual|radiographic(?:ally)?|clinical(?:ly)?|detectable)\s+){0,2}$"
)

#: "Patients with <a condition> must / should ...": the subject of the sentence names who
#: the requirement is for
_IF_SUBJECT = re.compile(
    r"(?i)^\W*(?:\d+[.)]\s*)?(?:patients|participants|subjects|those|women|men|individuals)\s+"
    r"(?:who\s+(?:have|had)|with)\s+(?P<who>[^.;:]{3,100}?)\s+(?:must|should|need\s+to|needs\s+to|"
    r"are\s+required|will\s+(?:be\s+required|need)|have\s+to)\b"
)


def _asked_of_subgroup(kind: str, params: dict[str, Any], who: str) -> bool:
    """Whether a therapy is asked only of the patients the subject names: an illness
    ("Participants with hepatitis B virus (HBV) infection must be treated with antiviral
    therapy") or a marker ("Patients with ER+ breast cancer must have received prior treatment
    with an aromatase inhibitor": not ER positivity of all)."""
    if kind == "prior_therapy" and vocab.find_comorbidities(who) and not vocab.find_cancers(who):
        return True
    parts = params.get("all_of") or []
    return (
        any(p["kind"] == "biomarker" for p in parts)
        and any(p["kind"] in ("prior_therapy", "lines_of_therapy") for p in parts)
        and bool(vocab.find_biomarkers(who))
    )


def _own_negation(text: str, hit: engine.Hit, first: engine.Hit) -> dict[str, Any]:
    """A therapy facet after the first one, said never given in its own words ("Stage III-IV
    NSCLC, with no history of anticancer treatment", "thymic carcinoma ... who have not been
    treated with systemic cancer chemotherapy"): its absence is required. Only the words
    between the first facet and this one count.

    >>> t = "Stage III-IV NSCLC, with no history of anticancer treatment including chemotherapy"
    >>> hits = _useful_facets(engine.run(t, "inclusion"))
    >>> [h.kind for h in hits], _own_negation(t, hits[-1], hits[0]).get("negated")
    (['condition', 'stage', 'prior_therapy'], True)
    """
    if hit is first or hit.kind != "prior_therapy" or hit.params.get("negated"):
        return hit.params
    if not _NEVER_GIVEN.search(text[max(first.end, hit.start - 80) : hit.start]):
        return hit.params
    return {**hit.params, "negated": True}


def _masked(text: str, hits: list[engine.Hit], first: engine.Hit) -> str:
    """The text with the words of other facets that state their own absence blanked
    ("no prior systemic therapy for metastatic NSCLC": the "no" is the therapy's, not the
    cancer's), so the context of the first facet does not take their negation."""
    for h in hits:
        if h is not first and h.params.get("negated") and h.kind == "prior_therapy":
            text = text[: h.start] + " " * (h.end - h.start) + text[h.end :]
    return text


def _inside(text: str, clause: str, pos: int) -> bool:
    at = text.find(clause)
    return at >= 0 and at <= pos < at + len(clause)


def _useful_facets(hits: list[engine.Hit]) -> list[engine.Hit]:
    by_kind = {h.kind: h for h in hits if h.kind in FACET_ORDER}
    prior = by_kind.get("prior_therapy")
    if (
        prior
        and "lines_of_therapy" in by_kind
        and not (
            prior.params.get("drugs") or prior.params.get("classes") or prior.params.get("negated")
        )
    ):
        del by_kind["prior_therapy"]  # "one prior line of systemic therapy": the lines say it
    lines = by_kind.get("lines_of_therapy")
    if (
        prior
        and lines
        and "prior_therapy" in by_kind
        and not prior.params.get("negated")
        and lines.params.get("lines", {}).get("op") in ("<=", "<")
        and lines.start <= prior.start < lines.end  # the therapy words are the count's own
    ):
        # "No more than 2 prior chemotherapy regimens", "The number of previous chemotherapy
        # regimens does not exceed 2": a most, so none is fine; the count is of those regimens
        # only, which a count of all lines can overstate: a failure is for a clinician to check
        del by_kind["prior_therapy"]
        by_kind["lines_of_therapy"] = replace(
            lines,
            params={
                **lines.params,
                "of": prior.params.get("drugs", []) + prior.params.get("classes", []),
            },
            confidence=min(lines.confidence, CONDITIONAL_CONFIDENCE),
        )
    stage = by_kind.get("stage")
    if (
        stage
        and "condition" not in by_kind
        and not (stage.params.get("stages") or stage.params.get("extent"))
        and len(by_kind) > 1
    ):
        del by_kind["stage"]
    out = [by_kind[k] for k in FACET_ORDER if k in by_kind]
    return [part for h in out for part in _split_stage(h)]


def _split_stage(hit: engine.Hit) -> list[engine.Hit]:
    """A stage list and a resectability in one item are both required ("stage II or III,
    inoperable", "resectable stage II-IIIB"), not alternatives as the params of one stage
    facet would read: two stage facets."""
    p = hit.params
    if hit.kind != "stage" or not p.get("stages") or "resectable" not in p:
        return [hit]
    stages = {k: v for k, v in p.items() if k != "resectable"}
    resect = {"resectable": p["resectable"]}
    return [
        engine.Hit("stage", stages, hit.confidence, hit.rule, hit.start, hit.end),
        engine.Hit("stage", resect, hit.confidence, hit.rule, hit.start, hit.end),
    ]


def parse_items(text: str) -> list[Criterion]:
    """Criteria of an eligibility text (see :func:`rules.criteria.parse_criteria`)."""
    record, text = text, unflattened(text)
    items = segment(text)
    ids = _ids(items)
    defined = record_abbreviations(text)
    out: list[Criterion] = []
    for idx, item in enumerate(items):
        out += _criteria_for(
            text,
            item,
            ids[idx],
            ids.get(item.parent) if item.parent is not None else None,
            n_children=len(item.children),
            abbreviations=defined,
        )
    crits = _cohort_lists(text, items, ids, _or_lists(_disease_lists(out)))
    crits = [_trimmed(c) for c in headings(rival_diseases(crits, cap=CHILD_OF_LIST_CONFIDENCE))]
    if record is not text:  # read with its lines back; each criterion cites the record's words
        crits = [c.model_copy(update={"text": record[c.start : c.end]}) for c in crits]
    return crits


def _trimmed(c: Criterion) -> Criterion:
    """The criterion's span without the white space a segment may keep at its ends ("* \n")."""
    lead = len(c.text) - len(c.text.lstrip())
    trail = len(c.text) - len(c.text.rstrip())
    if not (lead or trail):
        return c
    return c.model_copy(
        update={"text": c.text.strip(), "start": c.start + lead, "end": c.end - trail}
    )


#: a parent item scoping its list to some cohorts ("Subjects enrolled in disease specific
#: expansion cohorts must fulfill ... with the following restriction ...:", NCT01390818)
_COHORT_PARENT = re.compile(
    r"(?i)\b(?:enrolled|enrolling|participating|included|randomi[sz]ed)\s+(?:in|into|to)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:cohorts?|arms?|groups?|parts?)\b"
)


def _cohort_lists(
    text: str, items: list[Item], ids: dict[int, str], crits: list[Criterion]
) -> list[Criterion]:
    """The items of a list that applies to some cohorts only are arm-specific (confidence
    <= 0.7): a patient is not held to another cohort's disease list."""
    scoped = {
        ids[k]
        for k, item in enumerate(items)
        if item.children and _COHORT_PARENT.search(text, item.start, item.end)
    }
    if not scoped:
        return crits
    out = []
    for c in crits:
        if c.parent in scoped and c.kind != "other":
            scoped.add(c.id)  # and their own children
            params = {**c.params, "arm_specific": True}
            conf = min(c.confidence, CONDITIONAL_CONFIDENCE)
            c = c.model_copy(update={"params": params, "confidence": conf})
        elif c.parent in scoped:
            scoped.add(c.id)
        out.append(c)
    return out


_OR_TAIL = re.compile(r"(?i)\b(?:or|and/or)\s*[,;:]?\s*$")


def _or_lists(crits: list[Criterion]) -> list[Criterion]:
    """ "Age > 60, or" ends with "or": it and the next item are alternatives, not each
    required (confidence <= 0.6)."""
    out = list(crits)
    for i, c in enumerate(crits):
        if c.text.rstrip(" ,;:")[-2:].lower() == "or" and _OR_TAIL.search(c.text):
            for k in (i, i + 1):
                if k < len(out) and out[k].parent == c.parent:
                    conf = min(out[k].confidence, CHILD_OF_LIST_CONFIDENCE)
                    out[k] = out[k].model_copy(update={"confidence": conf})
    return out


SHORT_DISEASE_ITEM = 80


def _bare_disease(c: Criterion) -> bool:
    p = c.params
    return (
        c.kind == "condition"
        and c.polarity == "inclusion"
        and len(c.text) <= SHORT_DISEASE_ITEM
        and "cancers" in p
        and not p.get("negated")
        and not p.get("condition")
    )


def _disease_lists(crits: list[Criterion]) -> list[Criterion]:
    """Consecutive sibling inclusion items that each just name a disease ("Mantle cell
    lymphoma (MCL)", "Follicular lymphoma (FL)", ...) list the diseases the trial takes: the
    patient needs one of them, not all. Each item of such a run gets the run's ``any_of``."""
    out = list(crits)
    i = 0
    while i < len(out):
        j = i
        while (
            j + 1 < len(out)
            and _bare_disease(out[i])
            and _bare_disease(out[j + 1])
            and out[j + 1].parent == out[i].parent
            and out[j + 1].section == out[i].section
        ):
            j += 1
        run = out[i : j + 1]
        if len(run) > 1 and len({tuple(c.params["cancers"]) for c in run}) == len(run):
            alts = [{"kind": "condition", "params": _copy(c.params)} for c in run]
            group = [c.id for c in run]
            for k, c in enumerate(run):
                out[i + k] = c.model_copy(
                    update={
                        "params": {"any_of": _copy(alts), "group": group},
                        "rule": f"{c.rule}+disease-list",
                    }
                )
        i = j + 1
    return out


def _ids(items: list[Item]) -> dict[int, str]:
    ids: dict[int, str] = {}
    counters = {"inclusion": 0, "exclusion": 0}
    child_counts: dict[int, int] = {}
    for idx, item in enumerate(items):
        if item.parent is None:
            counters[item.polarity] += 1
            prefix = "inc" if item.polarity == "inclusion" else "exc"
            ids[idx] = f"{prefix}-{counters[item.polarity]}"
        else:
            child_counts[item.parent] = child_counts.get(item.parent, 0) + 1
            ids[idx] = f"{ids[item.parent]}.{child_counts[item.parent]}"
    return ids


_OR = re.compile(r"(?i)\bor\b")
#: An item opening with "No" before a lab limit; "No more than 2 mg/dL" is a comparator.
_NO_LAB = re.compile(
    r"(?i)^\W*no\s+(?!(?:more|greater|less|fewer|higher|lower|later|earlier|longer|shorter)\s+than\b)"
)


def _alternative_ranges(text: str, subs: Sequence[LabThreshold]) -> bool:
    """Thresholds of one analyte joined by "or": any of them will do, not all."""
    if len(subs) < 2 or len({s.analyte for s in subs}) > 1:
        return False
    return all(_OR.search(text, a.end, b.start) for a, b in pairwise(subs))


def _criteria_for(
    text: str,
    item: Item,
    cid: str,
    parent: str | None,
    *,
    n_children: int,
    abbreviations: dict[str, str | None],
) -> list[Criterion]:
    own = text[item.start : item.end]
    # a drug abbreviation is read as its long form ("increase in GC ... therapy"); the
    # criterion still cites the record's own words
    kind, params, conf, rule = classify(reading(own, abbreviations), item.polarity)
    if kind == "other" and not params and (label := field_label(text, item.start)):
        # "Age:\n* Under 65" (legacy PDQ records): the value read under its label
        labelled = classify(reading(f"{label[0]}: {own}", abbreviations), item.polarity)
        if labelled[0] == label[1]:
            kind, params, conf, rule = (*labelled[:3], f"{labelled[3]}+field-label")
    if item.permissive and kind != "other":
        kind, params, conf, rule = "other", {"topic": "permissive"}, 0.5, f"{rule}+permissive"
    if item.exception and kind in ("condition", "comorbidity"):
        # "EXCEPTIONS: ... eligible even if ...:" / "no other malignancy except:" - each child
        # is a carve-out of the parent (a treated skin cancer), never a required diagnosis
        kind, params, conf, rule = "other", {"topic": "exception"}, 0.5, f"{rule}+exception"
    conf = _adjust(conf, item, kind=kind, params=params)
    if one_of_section_choice(item, own, kind):
        conf = min(conf, CHILD_OF_LIST_CONFIDENCE)
    if kind != "other" and not own.rstrip().endswith(":") and is_definition_item(own):
        # "NOTE: *Hormone-receptor negativity is defined as ...": a definition, no requirement
        # (a head "Locally advanced pancreatic cancer is defined as follows:" keeps its
        # reading; its items are capped as a definition's)
        conf = min(conf, CHILD_OF_LIST_CONFIDENCE)
    # segment() only yields the header data's inclusion/exclusion (a null sub-header keeps the
    # region's polarity); Criterion validates it again at run time
    polarity = cast(Polarity, item.polarity)
    subs = thresholds(own) if kind == "lab" else []
    if kind == "lab" and item.polarity == "inclusion" and _NO_LAB.match(own):
        # "No creatinine greater than 2 mg/dL" (records without headers list exclusions as
        # "No ..." items): the limit is what the patient must not meet
        params = {**params, "negated": True}
        subs = [replace(sub, params={**sub.params, "negated": True}) for sub in subs]
    if _alternative_ranges(own, subs):  # "BMI 35-39.9 kg/m2 with ... or BMI 40-55 kg/m2"
        params = {"any_of": [{"kind": "lab", "params": sub.params} for sub in subs]}
        subs = []
    if len(subs) == 1:
        part = condition_before_lab(own, subs[0].start, item.polarity, classify)
        extra = [] if part is None else [_part_criterion(part, item, own, cid, n_children)]
    else:
        extra = []
    if len(subs) < 2:
        return [
            Criterion(
                id=cid,
                text=own,
                start=item.start,
                end=item.end,
                kind=kind,  # type: ignore[arg-type]
                params=params,
                confidence=conf,
                rule=rule,
                polarity=polarity,
                section=item.section,
                parent=parent,
            ),
            *extra,
        ]
    out = [
        Criterion(
            id=cid,
            text=own,
            start=item.start,
            end=item.end,
            kind="other",
            params={"topic": "lab_panel"},
            confidence=0.5,
            rule="lab-panel",
            polarity=polarity,
            section=item.section,
            parent=parent,
        )
    ]
    for k, sub in enumerate(subs, start=n_children + 1):
        s, e = item.start + sub.start, item.start + sub.end
        out.append(
            Criterion(
                id=f"{cid}.{k}",
                polarity=polarity,
                text=text[s:e],
                start=s,
                end=e,
                kind="lab",
                params=sub.params,
                confidence=conf,
                rule="lab-threshold",
                section=item.section,
                parent=cid,
            )
        )
    return out


def _part_criterion(part: Part, item: Item, own: str, cid: str, n_children: int) -> Criterion:
    """ "No diabetes mellitus or fasting glucose >= 120 mg/dl": the condition before the lab
    limit, a child criterion of the item (see :mod:`rules.criteria.compound`)."""
    return Criterion(
        id=f"{cid}.{n_children + 1}",
        text=own[part.start : part.end],
        start=item.start + part.start,
        end=item.start + part.end,
        kind="comorbidity",
        params=part.params,
        confidence=_adjust(part.confidence, item, kind="comorbidity", params=part.params),
        rule=part.rule,
        polarity=cast(Polarity, item.polarity),
        section=item.section,
        parent=cid,
    )


def _no_header_cap(kind: str, params: dict[str, Any]) -> float:
    """Confidence cap of an item of a record without inclusion/exclusion headers.

    >>> _no_header_cap("age", {}), _no_header_cap("prior_therapy", {"negated": True})
    (0.8, 0.8)
    >>> _no_header_cap("comorbidity", {}), _no_header_cap("pregnancy", {"negated": True})
    (0.75, 0.75)
    """
    if kind in SURE_WITHOUT_HEADER or (params.get("negated") and kind != "pregnancy"):
        return NO_HEADER_SURE_CONFIDENCE
    return NO_HEADER_CONFIDENCE


def _adjust(conf: float, item: Item, *, kind: str, params: dict[str, Any]) -> float:
    if not item.header_found:
        conf = min(conf, _no_header_cap(kind, params))
    if item.alternatives or item.definition:
        conf = min(conf, CHILD_OF_LIST_CONFIDENCE)
    return round(conf, 3)


#: what may stand between a therapy and the cancer it was for ("chemotherapy regimens for")
_FOR_WORDS = re.compile(
    r"(?i)\s*(?:(?:therapy|treatment|regimens?|agents?|drugs?)\s+)?for\s+(?:the\s+|their\s+|this\s+)?$"
)


def _purpose(text: str, therapy: Any, hits: list[Any]) -> list[str]:
    """Cancers a negated therapy was given for ("No prior chemotherapy for multiple myeloma"):
    every other facet is a cancer named right after the therapy's own "for"; else empty.

    >>> from rules.criteria import engine
    >>> t = "No prior thalidomide for myeloma"
    >>> hits = engine.run(t, "inclusion")
    >>> _purpose(t, next(h for h in hits if h.kind == "prior_therapy"), hits)
    ['multiple_myeloma']
    """
    if therapy.kind != "prior_therapy":
        return []
    found: list[str] = []
    for h in hits:
        if h is therapy:
            continue
        cancers = h.params.get("cancers") or []
        if h.kind != "condition" or not cancers or h.start < therapy.start:
            return []
        if not _FOR_WORDS.match(text[therapy.end : h.start]):
            return []  # "No prior clarithromycin for myeloma No more than 2 courses of ..."
        found.extend(c for c in cancers if c not in found)
    return found
