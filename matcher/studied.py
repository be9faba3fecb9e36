"""What a trial studies, from its registered conditions field, as one low-confidence criterion.

The conditions field says whom the trial is for; it is evidence, never an eligibility rule on
its own (confidence 0.5: a mismatch is an "unknown" to check, never an exclusion). Three
readings (``docs/matching.md``):

* cancers the vocabulary knows: ``{"cancers": [...], "coarse": [...]}`` with only the most
  specific ids (MeSH terms add every ancestor: "Leukemia" beside "Prolymphocytic Leukemia"
  must not let any leukaemia through; a histology-only id such as ``adenocarcinoma`` beside
  a site, "Gastric Cancer" with MeSH "Adenocarcinoma", says nothing of the organ and is
  dropped; the generic root ``cancer``, "Neoplasms", is kept only when nothing else is
  named); ``coarse`` lists ids named with qualifiers the vocabulary does not resolve
  ("Myelomonocytic Leukemia" is only known as ``leukemia``): a patient under such an id is
  ``unknown``, not ``met``;
* healthy volunteers: ``{"healthy": true}``; a patient with a recorded diagnosis or
  condition is not one (a sure but low-confidence failure);
* other diseases or topics: ``{"studied": [{"id": comorbidity id or null, "text": ...}]}``;
  the patient has one of them (recorded in ``conditions`` or as a diagnosis) or it is unknown
  ("Do you have COVID-19?"), marked ``mismatch`` so the trial ranks below relevant ones.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from matcher import knowledge as kb
from matcher.facts import PatientFacts
from matcher.outcome import Finding
from rules import vocab
from rules.criterion import Criterion
from rules.trial import Trial

_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
_FIELDS = ("diagnoses[0].condition", "conditions")


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in kb.table("studied_conditions")[name])


def _most_specific(ids: list[str]) -> list[str]:
    """Drop ids that are ancestors of another id in the list (MeSH adds every ancestor), and
    histology-only ids when a cancer with a site is named (the histology qualifies it).

    >>> _most_specific(["leukemia", "aml", "cancer"])
    ['aml']
    >>> _most_specific(["gastric_cancer", "adenocarcinoma"]), _most_specific(["carcinoma"])
    (['gastric_cancer'], ['carcinoma'])
    """
    kept = [i for i in ids if not any(o != i and kb.cancer_is_a(o, i) for o in ids)]
    sited = [i for i in kept if not vocab.is_histology(i)]
    return sited or kept


def _qualifiers(text: str, ids: list[str]) -> list[str]:
    """Words of ``text`` naming a more specific cancer than the ids recognised
    ("myelomonocytic" in "Myelomonocytic Leukemia", recognised only as leukaemia): words of
    ``cancer_qualifiers`` that the ids' own names lack.

    >>> _qualifiers("Myelomonocytic Leukemia", ["leukemia"]), _qualifiers("Relapsed AML", ["aml"])
    (['myelomonocytic'], [])
    """
    qualifiers = _words("cancer_qualifiers")
    own: set[str] = set()
    for i in ids:
        own |= _lower_words(vocab.cancer_name(i) or i.replace("_", " "))
    return [w for w in _lower_words_list(text) if w in qualifiers and w not in own]


def _extra_words(text: str, cid: str) -> list[str]:
    """Words of a condition as written that the recognised comorbidity's name and aliases
    lack ("pulmonary", "arterial" in "Pulmonary Arterial Hypertension" read as hypertension).

    >>> _extra_words("SARS-CoV-2 Infection", "covid19")
    []
    """
    known = _comorbidity_words(cid) | _words("generic_words")
    return sorted({w for w in _lower_words_list(text) if w not in known and len(w) > 2})


@cache
def _comorbidity_words(cid: str) -> frozenset[str]:
    data = vocab.load_data("vocab/comorbidities.json")
    entry: dict[str, Any] = next((e for e in data.get("entries", []) if e.get("id") == cid), {})
    names = [cid.replace("_", " "), str(entry.get("name") or ""), *entry.get("aliases", [])]
    return frozenset(w for n in names for w in _lower_words_list(n))


def _lower_words_list(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def conditions_criterion(trial: Trial) -> Criterion | None:
    """The trial's registered conditions as a ``condition`` criterion (confidence 0.5).

    >>> t = Trial(nct_id="NCT00000001", conditions=["NSCLC", "Healthy"])
    >>> c = conditions_criterion(t)
    >>> c.text, c.params["cancers"], c.confidence, c.rule
    ('Conditions studied: NSCLC, Healthy', ['nsclc'], 0.5, 'ctgov:conditions')
    >>> conditions_criterion(Trial(nct_id="NCT00000002", conditions=["SARS-CoV-2"])).params
    {'studied': [{'id': 'covid19', 'text': 'SARS-CoV-2'}], 'mentions': ['SARS-CoV-2']}
    >>> conditions_criterion(Trial(nct_id="NCT00000003", conditions=["Healthy Subjects"])).params
    {'healthy': True, 'mentions': ['Healthy Subjects']}
    """
    written = [c for c in trial.conditions if c.strip()]
    meshes = [m.term for m in trial.condition_meshes]
    cancers: list[str] = []
    coarse: set[str] = set()
    for text in [*written, *meshes]:
        ids = kb.cancer_ids(text)
        cancers.extend(i for i in ids if i not in cancers)
        if text in written and ids and _qualifiers(text, ids):
            coarse.update(ids)
    params: dict[str, Any]
    if cancers:
        kept = _most_specific(cancers)
        params = {"cancers": kept}
        if coarse & set(kept):
            params["coarse"] = [i for i in kept if i in coarse]
    elif written and all(_words("healthy_words") & _lower_words(c) for c in written):
        params = {"healthy": True}
    elif written or meshes:
        studied: list[dict[str, str | None]] = []
        for text in written or meshes:
            cid = kb.comorbidity_id(text)
            if cid is not None and _extra_words(text, cid):
                cid = None  # "Pulmonary Arterial Hypertension" is not the patient's hypertension
            item = {"id": cid, "text": text}
            if all(s["id"] != cid or cid is None for s in studied):
                studied.append(item)
        params = {"studied": studied}
    else:
        return None
    params["mentions"] = list(written)
    return Criterion(
        id="ctgov-conditions",
        polarity="inclusion",
        text="Conditions studied: " + ", ".join(written),
        start=0,
        end=0,
        kind="condition",
        params=params,
        confidence=0.5,
        rule="ctgov:conditions",
        section="structured",
    )


def _lower_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def healthy(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """A healthy-volunteer trial: the patient is one when nothing is recorded against it."""
    dx = facts.profile.diagnoses
    conditions = facts.profile.conditions
    recorded = [d.condition for d in dx or [] if d.condition] + list(conditions or [])
    facts_ = {"want": "healthy volunteers", "patient": recorded}
    if recorded:
        return Finding(False, "studied.healthy", _FIELDS, facts_, mismatch=True)
    if dx is None or conditions is None:
        return Finding(None, "studied.healthy", _FIELDS, facts_, question="conditions")
    return Finding(True, "studied.healthy", _FIELDS, facts_)


def studied(params: dict[str, Any], facts: PatientFacts) -> Finding:
    """Patient has one of the (non-cancer) conditions the trial studies."""
    items = list(params.get("studied") or [])
    names = [str(s.get("text")) for s in items]
    facts_: dict[str, Any] = {"want": names}
    have = facts.conditions or []
    for s in items:
        cid = s.get("id")
        for c in have:
            if cid and (c.id == cid or cid in c.classes):
                facts_["matched"] = c.text
                return Finding(True, "studied", _FIELDS, facts_)
    dx = [d.condition for d in facts.profile.diagnoses or [] if d.condition]
    for s in items:
        words = _lower_words(str(s.get("text"))) - _words("generic_words")
        for text in dx:
            if words and words <= _lower_words(text):
                facts_["matched"] = text
                return Finding(True, "studied", _FIELDS, facts_)
    facts_["patient"] = [c.text for c in have] + dx
    known = next((s["id"] for s in items if s.get("id")), None)
    return Finding(
        None,
        "studied",
        _FIELDS,
        facts_,
        question=f"condition:{known}" if known else None,
        mismatch=True,
    )
