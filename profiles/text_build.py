"""Facts read from text -> a validated :class:`~profiles.model.PatientProfile`.

Only what the text says is set; everything else stays ``None`` (not recorded). A fact the
profile model refuses (for example an ECOG of 7) is left out of the profile but kept in the
facts, so nothing read is silently lost.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from profiles.model import Biomarker, Diagnosis, Lab, PatientProfile, Therapy
from profiles.text_cns import site_with_state
from rules import vocab

_SCALARS = ("age", "sex", "ecog", "karnofsky", "pregnant", "breastfeeding")
_HISTOLOGY = re.compile(
    r"\b(adenocarcinoma|squamous[- ]cell|small[- ]cell|large[- ]cell|ductal|lobular|papillary|"
    r"follicular|medullary|anaplastic|clear cell|serous|mucinous|transitional cell|"
    r"urothelial|neuroendocrine|sarcomatoid|undifferentiated)\b",
    re.I,
)
_BOUNDARY = re.compile(r"[.;\n]")
#: a histology said just before the cancer's name, with its grade: "recurrent high-grade
#: serous ovarian carcinoma" (the name read is "ovarian carcinoma")
_HISTOLOGY_BEFORE = re.compile(
    r"(?i)\b((?:(?:high|low)[- ]grade\s+)?(?:serous|mucinous|endometrioid|clear[- ]cell|"
    r"squamous(?:[- ]cell)?|(?:small|large)[- ]cell|adenosquamous|papillary|ductal|lobular|acinar|"
    r"signet[- ]ring))"
    r"[\s,-]+$"
)


def _valid(model: Any, value: dict[str, Any]) -> Any | None:
    try:
        return model(**value)
    except (ValidationError, TypeError):
        return None


def build_profile(
    facts: list[Any], *, id: str | None = None, text: str | None = None
) -> PatientProfile:
    """Assemble a profile from facts (first value wins for single-valued fields).

    With the source ``text``, a stage or extent only describes a cancer named in the same
    sentence (so "Esophagitis stage IV" two lines below a lymphoma does not stage it).
    """
    data: dict[str, Any] = {"id": id}
    for f in facts:
        if f.field in _SCALARS and f.field not in data:
            data[f.field] = f.value
    if data.get("sex") == "male":
        data.pop("pregnant", None)
        data.pop("breastfeeding", None)
    measurable = [f.value for f in facts if f.field == "measurable_disease"]
    if measurable:  # one statement of measurable disease outweighs "no measurable disease"
        data["measurable_disease"] = any(measurable)
    diagnoses = _diagnoses(facts, text)
    if diagnoses:
        data["diagnoses"] = diagnoses
    markers: dict[str, Biomarker] = {}
    for f in facts:
        if f.field == "biomarkers":
            found = _valid(Biomarker, f.value)
            if found is not None:
                markers.setdefault(f"{found.name}|{found.detail}", found)
    if markers:
        data["biomarkers"] = _most_detailed(list(markers.values()))
    labs = [_valid(Lab, f.value) for f in _current_first(facts, text) if f.field == "labs"]
    if any(labs):
        data["labs"] = [lab for lab in labs if lab is not None]
    given = _ends_joined([f for f in facts if f.field == "therapies"])
    therapies = _unique_therapies(
        [
            _valid(Therapy, f.value)
            for f in given
            if not _part_named_again(f, given, text) and not _named_as_cause(f, given, text)
        ]
    )
    if any(therapies):
        data["therapies"] = [t for t in therapies if t is not None]
    conds = _unique_conditions([f.value for f in facts if f.field == "conditions"])
    if conds:
        data["conditions"] = conds
    elif any(f.field == "conditions.none" for f in facts):
        data["conditions"] = []
    try:
        return PatientProfile(**data)
    except ValidationError:
        # An inconsistent pair of facts (e.g. pregnant and male): keep the rest.
        data.pop("pregnant", None)
        return PatientProfile(**data)


#: details that only restate a result
_NO_DETAIL = {"", "positive", "negative", "mutation", "mutated", "mutant"}


def _most_detailed(markers: list[Biomarker]) -> list[Biomarker]:
    """One result per marker: "HER2-positive" beside "HER2 IHC 3+" (or "ER positive" beside
    "ER 80%") is the same result said twice, and the one with its detail or value stays.

    >>> b = [Biomarker(name="HER2", result="positive", detail="positive"),
    ...      Biomarker(name="HER2", result="positive", detail="IHC 3+"),
    ...      Biomarker(name="PR", result="negative")]
    >>> [(x.name, x.detail) for x in _most_detailed(b)]
    [('HER2', 'IHC 3+'), ('PR', None)]
    """

    def said(b: Biomarker) -> bool:  # "EGFR-positive", "BRCA2 mutation": no more than a result
        return b.value is not None or (b.detail or "").lower() not in _NO_DETAIL

    detailed = {(b.name, b.result) for b in markers if said(b)}
    return [b for b in markers if said(b) or (b.name, b.result) not in detailed]


def _current_first(facts: list[Any], text: str | None) -> list[Any]:
    """The facts with each lab value said of the past ("at presentation (PSA 112 ng/mL)",
    "PSA nadir 0.2") after the others, so a current value of the same test comes first:
    an undated value is the one the matcher takes first. None is dropped."""
    if text is None:
        return facts
    from profiles.text_labs import historical

    return sorted(facts, key=lambda f: f.field == "labs" and historical(text, f.start, f.end))


def _part_named_again(fact: Any, given: list[Any], text: str | None) -> bool:
    """Whether an undated treatment only names again drugs of a dated regimen before it in
    its sentence ("Pertuzumab, trastuzumab and docetaxel from 03/2024, docetaxel stopped
    after six cycles"): part of that regimen, not another line of therapy.

    >>> from types import SimpleNamespace as F
    >>> t = "THP from 03/2024, docetaxel stopped after six cycles."
    >>> thp = F(start=0, end=3, value={"drugs": ["pertuzumab", "trastuzumab", "docetaxel"],
    ...                               "start": "2024-03"})
    >>> doc = F(start=18, end=27, value={"drugs": ["docetaxel"]})
    >>> _part_named_again(doc, [thp, doc], t), _part_named_again(thp, [thp, doc], t)
    (True, False)

    Clauses after a semicolon are the same item ("mFOLFIRINOX from 12/2025, 10 cycles; best
    response stable disease; irinotecan dose-reduced after cycle 4"); a new sentence is not.
    """
    value = fact.value if isinstance(fact.value, dict) else {}
    drugs = set(value.get("drugs") or [])
    if not drugs or value.get("start") or value.get("end") or value.get("ongoing"):
        return False
    return any(
        g.start < fact.start
        and (g.value.get("start") or g.value.get("end"))
        and drugs < set(g.value.get("drugs") or [])
        and _same_item(text, g, fact)
        for g in given
        if g is not fact and isinstance(g.value, dict)
    )


def _ends_joined(given: list[Any]) -> list[Any]:
    """An end said of a treatment later ("Atezolizumab stopped 10/2026") closes the one of the
    same drugs begun before it and not yet ended ("atezolizumab maintenance from 06/2026"),
    instead of standing as another treatment.

    >>> from profiles.text import Fact
    >>> def F(start, value):
    ...     return Fact(field="therapies", value=value, text="", start=start, end=start + 12)
    >>> m = F(0, {"name": "atezolizumab", "drugs": ["atezolizumab"], "start": "2026-06"})
    >>> s = F(40, {"name": "Atezolizumab", "drugs": ["atezolizumab"], "end": "2026-10"})
    >>> [f.value for f in _ends_joined([m, s])]
    [{'name': 'atezolizumab', 'drugs': ['atezolizumab'], 'start': '2026-06', 'end': '2026-10'}]
    """
    out: list[Any] = []
    for f in given:
        value = f.value if isinstance(f.value, dict) else {}
        drugs = set(value.get("drugs") or [])
        if drugs and value.get("end") and not value.get("start"):
            open_ = next(
                (
                    g
                    for g in reversed(out)
                    if isinstance(g.value, dict)
                    and g.value.get("start")
                    and not g.value.get("end")
                    and set(g.value.get("drugs") or []) == drugs
                ),
                None,
            )
            if open_ is not None:
                ended = {k: value[k] for k in ("end", "stop_reason") if value.get(k)}
                joined = open_.model_copy(update={"value": {**open_.value, **ended}})
                out[out.index(open_)] = joined
                continue
        out.append(f)
    return out


#: words before a drug that name it as the cause of something ("neuropathy from
#: oxaliplatin", "hypothyroidism after pembrolizumab"), and after it ("oxaliplatin-induced")
_CAUSE_BEFORE = re.compile(
    r"(?i)\b(?:from|after|due to|caused by|secondary to|related to|attributed to|induced by)"
    r"\s+(?:(?:prior|previous|the|his|her)\s+)?$"
)
_CAUSE_AFTER = re.compile(r"(?i)[- ](?:induced|related|associated)\b")


def _named_as_cause(fact: Any, given: list[Any], text: str | None) -> bool:
    """Whether an undated treatment is named only as the cause of a side effect of a
    regimen read before it ("grade 1 peripheral neuropathy from oxaliplatin" after
    mFOLFIRINOX): that regimen again, not another line of therapy.

    >>> from types import SimpleNamespace as F
    >>> t = "mFOLFIRINOX from 12/2025. Residual neuropathy from oxaliplatin."
    >>> ffx = F(start=0, end=11, value={"drugs": ["fluorouracil", "oxaliplatin"]})
    >>> oxa = F(start=51, end=62, value={"drugs": ["oxaliplatin"]})
    >>> _named_as_cause(oxa, [ffx, oxa], t), _named_as_cause(oxa, [oxa], t)
    (True, False)
    """
    value = fact.value if isinstance(fact.value, dict) else {}
    drugs = set(value.get("drugs") or [])
    if text is None or not drugs or value.get("start") or value.get("end"):
        return False
    before = text[max(0, fact.start - 30) : fact.start]
    if not (_CAUSE_BEFORE.search(before) or _CAUSE_AFTER.match(text, fact.end)):
        return False
    return any(
        g.start < fact.start and drugs <= set(g.value.get("drugs") or [])
        for g in given
        if g is not fact and isinstance(g.value, dict)
    )


#: the end of a letter's item: a full stop (not a decimal point) or a line end
_ITEM_END = re.compile(r"\.(?!\d)|\n")


def _same_item(text: str | None, a: Any, b: Any) -> bool:
    if text is None:
        return True
    return not _ITEM_END.search(text, min(a.start, b.start), max(a.end, b.end))


def _same_sentence(text: str | None, a: Any, b: Any) -> bool:
    if text is None:
        return True
    lo, hi = min(a.start, b.start), max(a.end, b.end)
    return not _BOUNDARY.search(text, lo, hi) or abs(a.start - b.start) < 3


#: a "Staging:" field of a letter: its stage is the primary cancer's, in whatever sentence
_STAGING_FIELD = re.compile(r"(?i)\b(?:staging|stage|TNM)[ \t]*:")


def _staging(text: str | None, fact: Any) -> bool:
    """Whether ``fact`` stands in a "Staging:" field ("Staging: cT4N3M1c, stage IVB").

    >>> from types import SimpleNamespace as F
    >>> t = "Histology: adenocarcinoma.\\nStaging: cT4N3M1c, stage IVB"
    >>> _staging(t, F(start=t.index("IVB"))), _staging(t, F(start=0))
    (True, False)
    """
    if text is None:
        return False
    head = text[text.rfind("\n", 0, fact.start) + 1 : fact.start]
    return bool(_STAGING_FIELD.search(head))


def _diagnoses(facts: list[Any], text: str | None) -> list[Diagnosis]:
    """One diagnosis per cancer: a broader mention ("lymphoma") folds into a more specific one
    ("Burkitt's lymphoma"); the first cancer named is the primary and takes stage and extent."""
    found = [f for f in facts if f.field == "diagnoses.condition"]
    kept: list[tuple[Any, list[str]]] = []
    folded: dict[int, list[Any]] = {}  # each kept cancer's other mentions
    for f in found:
        ids = vocab.cancer_ids(f.value)
        same = next((i for i, (_, k) in enumerate(kept) if ids and _covers(k, ids)), None)
        if same is None:
            kept.append((f, ids))
            continue
        other = f
        if _narrower(ids, kept[same][1]):
            other, kept[same] = kept[same][0], (f, ids)  # more specific than the one kept
        folded.setdefault(same, []).append(other)
    out: list[Diagnosis] = []
    for n, (f, _) in enumerate(kept):
        dx: dict[str, Any] = {"condition": f.value}
        # "HER2-positive metastatic breast cancer, invasive ductal carcinoma": the histology
        # another mention of the same cancer in the same sentence names
        near = [g.value for g in folded.get(n, []) if _same_sentence(text, f, g)]
        histology = next((h for w in [f.value, *near] if (h := _HISTOLOGY.search(w))), None)
        before = _HISTOLOGY_BEFORE.search(text, max(0, f.start - 40), f.start) if text else None
        if before:  # "high-grade serous ovarian carcinoma": the words before say more
            dx["histology"] = re.sub(r"-cell\b", " cell", before.group(1).lower())
        elif histology:
            dx["histology"] = histology.group(1).lower().replace("-", " ")
        if n == 0:
            status = list(dict.fromkeys(g.value for g in facts if g.field == "diagnoses.status"))
            if status:  # "relapsed/refractory, biochemical progression"
                dx["status"] = ", ".join(status)
            # and an extent said with the disease's course ("first recurrence on MRI
            # 10/2026, ... RANO progression": the glioblastoma is recurrent)
            course = [g for g in facts if g.field == "diagnoses.status"]
            near = [
                g
                for d, _ in [*kept, *((c, []) for c in course)]
                for g in facts
                if (_same_sentence(text, d, g) and (d not in course or g.field == "extent"))
                or (g.field == "stage" and _staging(text, g))
            ]
            for g in near:
                if g.field in ("stage", "extent") and g.field not in dx:
                    dx[g.field] = g.value
            # "Biopsy 09/2026 confirmed recurrent squamous cell carcinoma": this cancer's (the
            # only one named, or named in the biopsy's sentence)
            mentions = [f, *folded.get(0, [])]
            if any(
                g.field == "diagnoses.confirmed"
                and (len(kept) == 1 or any(_same_sentence(text, d, g) for d in mentions))
                for g in facts
            ):
                dx["histologically_confirmed"] = True
            sites = list(dict.fromkeys(g.value for g in facts if g.field == "metastatic_sites"))
            if sites:
                states = [g.value for g in facts if g.field == "metastatic_sites.state"]
                dx["metastatic_sites"] = [site_with_state(s, states) for s in sites]
                dx.setdefault("extent", "metastatic")
            elif any(g.field == "metastatic_sites.no_cns" for g in facts):
                # "Brain MRI negative" and no site named: the sites known are none in the brain
                # (as the pages record a "no" to "has it spread to the brain?")
                dx["metastatic_sites"] = []
        out.append(_valid(Diagnosis, dx) or Diagnosis(condition=f.value))
    return out


def _covers(a: list[str], b: list[str]) -> bool:
    """Whether the cancers ``a`` and ``b`` name one disease at two levels of detail."""
    return any(vocab.cancer_is_a(x, y) or vocab.cancer_is_a(y, x) for x in a for y in b)


def _narrower(a: list[str], b: list[str]) -> bool:
    return any(x != y and vocab.cancer_is_a(x, y) for x in a for y in b)


def _unique_conditions(values: list[str]) -> list[str]:
    """One entry per condition, in order of first mention. A graded condition named again
    later with a grade keeps the later grade: the letter's current state comes after its
    history ("oxaliplatin was stopped for grade 2 neuropathy ... Comorbidities: residual
    grade 1 peripheral neuropathy" is grade 1 now).

    >>> _unique_conditions(["neuropathy (grade 2)", "hypertension", "peripheral neuropathy (grade 1)"])
    ['peripheral neuropathy (grade 1)', 'hypertension']
    """
    at: dict[str, int] = {}
    out: list[str] = []
    for v in values:
        key = vocab.canonical_comorbidity(v) or v.lower()
        if key not in at:
            at[key] = len(out)
            out.append(v)
        elif "(grade" in v and "(grade" in out[at[key]]:
            out[at[key]] = v
    return out


def _unique_therapies(values: list[Therapy | None]) -> list[Therapy]:
    """Each treatment once: by its drugs and start ("7+3 (daunorubicin and cytarabine)" is
    one), else by its name and start."""
    seen: dict[tuple[Any, str | None], Therapy] = {}
    for t in values:
        if t is not None:
            key = frozenset(t.drugs) if t.drugs else t.name.lower()
            seen.setdefault((key, t.start), t)
    return list(seen.values())
