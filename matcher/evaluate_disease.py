"""Evaluators about the cancer itself: condition (type and histology), stage/extent, biomarkers."""

from __future__ import annotations

import re
from typing import Any

from matcher import knowledge as kb
from matcher.facts import PatientFacts
from matcher.logic import any_of, compare, describe_numeric
from matcher.outcome import Finding

_DX = ("diagnoses[0].condition", "diagnoses[0].histology")


def condition(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient has one of the trial's cancers (hierarchy-aware: NSCLC is a lung cancer).

    A patient under a cancer the trial names only coarsely (``coarse``, see
    :mod:`matcher.studied`) is unknown, not met; the registered conditions of a non-cancer
    trial (``studied``, ``healthy``) are judged by :mod:`matcher.studied`.
    """
    if "studied" in params or "healthy" in params:
        from matcher import studied

        return (
            studied.healthy(params, facts)
            if params.get("healthy")
            else studied.studied(params, facts)
        )
    wanted = list(params.get("cancers") or [])
    coarse = set(params.get("coarse") or ())
    mentions = list(params.get("mentions") or [])
    facts_: dict[str, Any] = {"want": wanted, "mentions": mentions}
    if facts.cancers is None:
        return Finding(None, "missing.diagnosis", _DX, facts_, question="diagnosis")
    dx = facts.profile.diagnoses or []
    facts_["patient"] = dx[0].condition if dx else "none"
    if not wanted:
        return Finding(None, "condition.unparsed", _DX, facts_, clinician=True)
    if not facts.cancers:
        return Finding(None, "condition.unrecognized", _DX, facts_, question="diagnosis")
    value: bool | None = False
    for have in facts.cancers:
        for want in wanted:
            if kb.cancer_is_a(have, want) and want in coarse:
                value = None if value is False else value  # named more finely than we know
                facts_.setdefault("coarse", want)
            elif kb.cancer_is_a(have, want):
                value = True
                facts_["matched"] = want
                break
            elif kb.cancer_is_a(want, have):
                value = None  # the patient's diagnosis is broader: which subtype?
                facts_["broader"] = want
        if value:
            break
    if value is None and "coarse" in facts_ and "broader" not in facts_:
        return Finding(None, "condition.coarse", _DX, facts_)
    if value and params.get("histologically_confirmed"):
        confirmed = dx[0].histologically_confirmed if dx else None
        if confirmed is not True:
            facts_["confirmation"] = confirmed
            value = None if confirmed is None else False
            return Finding(
                value,
                "condition.confirmation",
                (*_DX, "diagnoses[0].histologically_confirmed"),
                facts_,
                question="diagnosis:confirmed" if value is None else None,
            )
    return Finding(
        value, "condition", _DX, facts_, question="diagnosis:subtype" if value is None else None
    )


_STAGE_RE = re.compile(r"^(IV|I{1,3})([A-C]?)\d?$")


def _stage_match(have: str | None, want: str) -> bool | None:
    if not have:
        return None
    h, w = _STAGE_RE.match(have.upper()), _STAGE_RE.match(want.upper())
    if not h or not w:
        return None
    if h.group(1) != w.group(1):
        return False
    if not w.group(2) or h.group(2) == w.group(2):
        return True
    return None if not h.group(2) else False


def _distant(facts: PatientFacts) -> bool:
    """Metastases recorded beyond lymph nodes (nodes alone may be regional)."""
    return any("node" not in s.lower() for s in facts.metastatic_sites or [])


def _extent_match(facts: PatientFacts, want: str) -> bool | None:
    dx = facts.profile.diagnoses[0] if facts.profile.diagnoses else None
    extent = facts.extent
    stage = (dx.stage or "") if dx else ""
    status = ((dx.status or "") if dx else "").lower()
    want = want.lower()
    if extent is None and facts.metastatic_sites:
        extent = "metastatic"
    if extent is None and stage.startswith("IV"):
        extent = "metastatic"
    if want == "extensive stage":
        # small-cell lung cancer's staging: extensive is beyond one hemithorax, so metastatic
        named = ((dx.condition or "") if dx else "").lower()
        if "extensive" in named or extent == "metastatic":
            return True
        return False if "limited" in named or extent == "localized" else None
    if want == "advanced":
        return any_of(
            [_extent_match(facts, "locally advanced"), _extent_match(facts, "metastatic")]
        )
    if want in ("recurrent", "relapsed"):
        if extent == "recurrent" or any(w in status for w in ("recur", "relaps")):
            return True
        return None
    if extent is None:
        return None
    if extent == "recurrent":
        # a recurrence may be local or distant: distant sites say metastatic, else unknown
        if not _distant(facts):
            return None
        extent = "metastatic"
    if want in ("unresectable",):
        return True if extent == "metastatic" else None
    return extent == want


def stage(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient's disease is in one of the stages / extents named (any of them)."""
    fields = ("diagnoses[0].stage", "diagnoses[0].extent", "diagnoses[0].metastatic_sites")
    dx = facts.profile.diagnoses[0] if facts.profile.diagnoses else None
    if facts.profile.diagnoses is None or dx is None:
        return Finding(None, "missing.stage", fields, question="stage")
    checks: list[bool | None] = []
    want_words: list[str] = []
    for s in params.get("stages") or []:
        checks.append(_stage_match(dx.stage, str(s)))
        want_words.append(f"stage {s}")
    for e in params.get("extent") or []:
        checks.append(_extent_match(facts, str(e)))
        want_words.append(str(e))
    if params.get("relapsed_refractory"):
        status = (dx.status or "").lower()
        checks.append(True if any(w in status for w in ("relaps", "refract", "recur")) else None)
        want_words.append("relapsed or refractory")
    if "resectable" in params:
        extent = facts.extent
        checks.append(
            False
            if extent == "metastatic" and params["resectable"]
            else (True if extent == "metastatic" else None)
        )
        want_words.append("resectable" if params["resectable"] else "unresectable")
    patient = (
        ", ".join(
            x
            for x in (
                f"stage {dx.stage}" if dx.stage else None,
                facts.extent or dx.extent,
                dx.status,
            )
            if x
        )
        or "not recorded"
    )
    facts_ = {
        "want": " or ".join(want_words),
        "patient": patient,
        "sites": ", ".join(facts.metastatic_sites or []),
    }
    if not checks:
        return Finding(None, "stage.unparsed", fields, facts_, clinician=True)
    value = any_of(checks)
    return Finding(value, "stage", fields, facts_, question="stage" if value is None else None)


def _markers(facts: PatientFacts, name: str) -> list[Any]:
    if facts.biomarkers is None:
        return []
    return [b for b in facts.biomarkers.get(name, []) if b.tested]


def biomarker(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient has the biomarker result (equivalences, HER2 IHC/ISH, PD-L1 scoring aware)."""
    name = kb.biomarker_id(params.get("biomarker")) or params.get("biomarker") or "?"
    result = params.get("result")
    scoring = params.get("scoring")
    threshold = params.get("threshold")
    field = f"biomarkers[{name}]"
    key = f"biomarker:{name}" + (f":{scoring}" if scoring and threshold else "")
    facts_: dict[str, Any] = {
        "name": name,
        "result": result,
        "scoring": scoring,
        "variants": list(params.get("variants") or []),
        "threshold": describe_numeric(threshold) if threshold else None,
    }
    if facts.biomarkers is None:
        return Finding(None, "missing.biomarker", (field,), facts_, question=key)
    if name.upper().startswith("HER2") and params.get("alteration") == "mutation":
        return _her2_mutation(name, result, facts, facts_, key)
    if (
        name.upper().startswith("HER2")
        and result in ("positive", "negative", "low", "zero")
        and not threshold
    ):
        return _her2(name, result, facts, facts_, key)
    own = _markers(facts, name)
    if not own:
        for other_name, other_result in _equivalents(name, result):
            for b in _markers(facts, other_name):
                if b.result == other_result:
                    facts_.update(evidence=other_name, evidence_result=other_result)
                    return Finding(
                        True, "biomarker.equivalent", (field, f"biomarkers[{other_name}]"), facts_
                    )
        against = _equivalent_against(name, result, facts)
        if against is not None:
            facts_.update(evidence=against[0], evidence_result=against[1])
            return Finding(
                False, "biomarker.equivalent", (field, f"biomarkers[{against[0]}]"), facts_
            )
        return Finding(None, "missing.biomarker", (field,), facts_, question=key)
    values = [_one(b, result, scoring, threshold, facts_) for b in own]
    value = any_of(values)
    b = own[0]
    facts_["patient"] = _show(b)
    if (
        value is None
        and threshold
        and any(x.scoring and scoring and x.scoring != scoring for x in own)
    ):
        return Finding(None, "biomarker.scoring", (field,), facts_, question=key)
    return Finding(value, "biomarker", (field,), facts_, question=key if value is None else None)


def _show(b: Any) -> str:
    """A biomarker result as the explanation shows it, each fact once.

    >>> from profiles.model import Biomarker
    >>> _show(Biomarker(name="HER2", result="positive", value=3, scoring="IHC", detail="IHC 3+"))
    'positive, IHC 3+'
    >>> _show(Biomarker(name="PD-L1", result="positive", value=8, scoring="CPS"))
    'positive, CPS 8'
    """
    parts = [b.result or ""]
    value = f"{b.scoring or ''} {b.value:g}".strip() if b.value is not None else ""
    if value and not (b.detail and b.detail.startswith(value)):  # "IHC 3" inside "IHC 3+"
        parts.append(value)
    if b.detail:
        parts.append(b.detail)
    return ", ".join(p for p in parts if p)


def _one(
    b: Any, result: str | None, scoring: str | None, threshold: Any, facts_: dict
) -> bool | None:
    if threshold:
        if b.value is None:
            return None
        if scoring and b.scoring != scoring:
            return None  # CPS never answers a TPS threshold, and so on
        if not scoring and b.scoring in ("CPS", "IC", "H-score"):
            return None
        return compare(b.value, b.value, threshold)
    if b.result in (None, "equivocal"):
        return None
    if result == "known":
        return True  # "Known HER2 status": any result on record
    want = result or "positive"
    if want == "positive" and b.result in ("MSI-H", "deficient", "high", "low"):
        got: bool | None = True if b.result != "low" else None
    else:
        got = b.result == want
    variants = facts_["variants"]
    if got and variants and want == "positive":
        # variants that are genes of the biomarker ("BRCA1 or BRCA2" of BRCA) are asked of the
        # patient's gene: a BRCA1 carrier meets them when BRCA1 is named, fails "BRCA2"
        squash = lambda x: x.lower().replace(" ", "")  # noqa: E731
        genes = {squash(v) for v in variants if kb.biomarker_id(v) is not None}
        own = squash(b.name)
        if genes and own not in genes:
            return None if own == squash(kb.biomarker_id(b.name) or own) else False
        variants = [v for v in variants if kb.biomarker_id(v) is None]
        if not variants:
            return True
        if not b.detail:
            return None
        detail = b.detail.lower().replace(" ", "")
        if any(
            v.lower().replace(" ", "") in detail or detail in v.lower().replace(" ", "")
            for v in variants
        ):
            return True
        if all(v.lower() in _ORIGINS for v in variants) and not any(
            o in (b.method or "").lower() + detail for o in _ORIGINS
        ):
            return None  # "germline BRCA1" of a record that does not say where it was found
        return False
    return got


#: where a variant was found: an origin a record may leave out ("BRCA1 mutation")
_ORIGINS = ("germline", "somatic", "tumor", "tumour")


def _equivalent_against(
    name: str, result: str | None, facts: PatientFacts
) -> tuple[str, str] | None:
    """The patient's (biomarker, result) whose equivalent on ``name`` is another result than
    the one asked: an MSS tumour is mismatch-repair proficient, so it fails "dMMR" as an
    MSI-H one meets it (the table of ``rules/data/vocab/biomarkers.json``, both ways).

    >>> from datetime import date
    >>> from profiles.model import PatientProfile
    >>> facts = PatientFacts.of(
    ...     PatientProfile(biomarkers=[{"name": "MSI", "result": "MSS"}]), date(2026, 11, 20))
    >>> _equivalent_against("MMR", "deficient", facts), _equivalent_against("MMR", "proficient", facts)
    (('MSI', 'MSS'), None)
    """
    if result is None or facts.biomarkers is None:
        return None
    wanted = {r for n, r in kb.biomarker_equivalents(name, result) if n != name}
    if not wanted:  # the criterion asks for a result the table does not know ("known")
        return None
    for other, markers in facts.biomarkers.items():
        for b in markers:
            if not b.tested or b.result is None:
                continue
            for eq_name, eq_result in kb.biomarker_equivalents(other, b.result):
                if eq_name == name and eq_result != result and b.result not in wanted:
                    return (other, b.result)
    return None


def _equivalents(name: str, result: str | None) -> list[tuple[str, str]]:
    """(biomarker, result) pairs that count for ``name``/``result`` (MSI-H <-> dMMR)."""
    found: list[tuple[str, str]] = []
    for pair in kb.biomarker_equivalents(name, result):
        found.append((pair[0], pair[1]))
    return found


#: a HER2 (ERBB2) result that names a mutation, not overexpression or amplification
_HER2_MUTATION = re.compile(
    r"(?i)\bmut\w*|\bexon\s*(?:8|19|20)\b|\bins\w*|\b[A-Z]\d{2,4}[A-Z]\b|\d_[A-Z]\d+"
)


def _her2_mutation(
    name: str, result: str | None, facts: PatientFacts, facts_: dict, key: str
) -> Finding:
    """A HER2 (ERBB2) *mutation* ("Locally documented HER2 mutation"): a patient's result
    settles it only when it names a mutation ("HER2 exon 20 insertion", "ERBB2 S310F"); a
    positive or negative HER2 test (IHC, ISH: overexpression, amplification) says nothing of
    one, so the answer is unknown, not the HER2-positive of a breast cancer.

    >>> from datetime import date
    >>> from profiles.model import PatientProfile
    >>> def run(marker):
    ...     facts = PatientFacts.of(PatientProfile(biomarkers=[marker]), date(2026, 11, 20))
    ...     return biomarker({"biomarker": "HER2", "result": "positive",
    ...                       "alteration": "mutation"}, facts).value
    >>> run({"name": "HER2", "result": "positive"})
    >>> run({"name": "HER2", "result": "positive", "detail": "exon 20 insertion"})
    True
    """
    field = f"biomarkers[{name}]"
    own = _markers(facts, name)
    facts_["alteration"] = "mutation"
    if not own:
        return Finding(None, "missing.biomarker", (field,), facts_, question=key)
    facts_["patient"] = ", ".join(_show(b) for b in own)
    mutated = [b for b in own if b.detail and _HER2_MUTATION.search(b.detail)]
    if not mutated:
        return Finding(None, "biomarker.her2_mutation", (field,), facts_, question=key)
    positive = any(b.result != "negative" for b in mutated)
    value = positive if result != "negative" else not positive
    return Finding(value, "biomarker", (field,), facts_)


def _her2(name: str, result: str, facts: PatientFacts, facts_: dict, key: str) -> Finding:
    field = f"biomarkers[{name}]"
    own = _markers(facts, name)
    if not own:
        return Finding(None, "missing.biomarker", (field,), facts_, question="biomarker:HER2")
    ihc = next((int(b.value) for b in own if b.scoring == "IHC" and b.value is not None), None)
    ish = next(
        (b.result for b in own if b.scoring == "ISH" and b.result in ("positive", "negative")), None
    )
    direct = next((b.result for b in own if b.scoring not in ("IHC", "ISH") and b.result), None)
    status = kb.her2_status(ihc, ish)
    if status is None and direct in ("positive", "low"):
        status = direct
    elif status is None and direct == "negative":
        status = "negative"
    facts_.update(ihc=ihc, ish=ish, status=status, patient=", ".join(_show(b) for b in own))
    if status is None:
        return Finding(None, "biomarker.her2", (field,), facts_, question="biomarker:HER2:IHC")
    if status == "negative":  # "negative" as written: zero or low, unknown which
        value = True if result == "negative" else (False if result == "positive" else None)
    else:
        value = kb.her2_satisfies(status, result)
    return Finding(
        value,
        "biomarker.her2",
        (field,),
        facts_,
        question="biomarker:HER2:IHC" if value is None else None,
    )
