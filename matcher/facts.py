"""Facts derived once per profile and reference date: age, normalized cancers, therapies with
their drugs, classes and dates, lines of therapy, conditions, biomarkers and labs by canonical
name. Evaluators read these, never the raw profile text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matcher import knowledge as kb
from matcher.dates import age_range, date_range, days_since
from profiles.model import Biomarker, PatientProfile, Therapy

PERIOPERATIVE = ("neoadjuvant", "adjuvant", "perioperative")
LOCAL_KINDS = ("surgery", "radiotherapy")
#: therapies given on one day: their end date is their date
ONE_DAY_KINDS = ("surgery",)
PROGRESSION_WORDS = ("progress", "recur", "relapse", "refractory")
# a regimen's kind as a drug class of rules/data/vocab/drugs.json, so class criteria see it
KIND_CLASSES = {
    "chemotherapy": ("chemotherapy",),
    "immunotherapy": ("immunotherapy",),
    "targeted therapy": ("targeted_therapy",),
    "hormone therapy": ("endocrine_therapy",),
    "radiotherapy": ("radiotherapy",),
    "chemoradiotherapy": ("chemotherapy", "radiotherapy"),
    "cell therapy": ("cellular_therapy",),
    "investigational": ("investigational_agent",),
}


@dataclass(slots=True)
class TherapyFact:
    """One prior regimen, normalized."""

    name: str
    kind: str | None
    setting: str
    line: int | None
    drugs: set[str]
    classes: set[str]
    start: str | None
    end: str | None
    ongoing: bool
    progressed: bool
    recognized: bool

    @property
    def perioperative(self) -> bool:
        return any(word in self.setting for word in PERIOPERATIVE)

    @property
    def maintenance(self) -> bool:
        """Continues the line before it: maintenance, a leukaemia's consolidation, the
        conditioning of a transplant."""
        return any(w in self.setting for w in _CONTINUES) or "maintenance" in self.name.lower()

    @property
    def systemic(self) -> bool | None:
        if self.kind in LOCAL_KINDS:
            return False
        if self.kind is not None or self.drugs:
            return True
        return None

    def days_since_end(self, when: date) -> tuple[int, int] | None:
        """Fewest/most days since the last dose; 0 when ongoing; None when no end date."""
        if self.ongoing:
            return 0, 0
        return days_since(self.end, when)


#: settings that continue the line of therapy before them
_CONTINUES = ("maintenance", "consolidation", "conditioning")


@dataclass(slots=True)
class ConditionFact:
    text: str
    id: str | None
    classes: set[str]
    active: bool | None


@dataclass(slots=True)
class PatientFacts:
    """Everything the evaluators read, derived from one profile at one reference date."""

    profile: PatientProfile
    as_of: date
    age: tuple[int, int] | None
    cancers: list[str] | None
    therapies: list[TherapyFact] | None
    conditions: list[ConditionFact] | None
    biomarkers: dict[str, list[Biomarker]] | None
    labs: dict[str, list[Any]] | None
    metastatic_sites: list[str] | None
    extent: str | None
    cache: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, profile: PatientProfile, as_of: date) -> PatientFacts:
        """Derive the facts (this is the only place profile text is normalized).

        >>> from profiles.model import PatientProfile
        >>> f = PatientFacts.of(PatientProfile(birth_date="1960", therapies=[]), date(2026, 11, 20))
        >>> f.age, f.therapies, f.cancers
        ((65, 66), [], None)
        """
        diagnoses = profile.diagnoses
        cancers: list[str] | None = None
        sites: list[str] | None = None
        extent: str | None = None
        if diagnoses is not None:
            cancers = []
            for dx in diagnoses:
                cancers.extend(c for c in _dx_cancers(dx) if c not in cancers)
            primary = diagnoses[0] if diagnoses else None
            if primary is not None:
                sites = primary.metastatic_sites
                extent = primary.extent if primary.extent != "unknown" else None
        return cls(
            profile=profile,
            as_of=as_of,
            age=age_range(profile.birth_date, profile.age, as_of),
            cancers=cancers,
            therapies=None
            if profile.therapies is None
            else [_therapy(t) for t in profile.therapies],
            conditions=None
            if profile.conditions is None
            else [_condition(c) for c in profile.conditions],
            biomarkers=_by_name(profile.biomarkers, kb.biomarker_id),
            labs=_by_name(profile.labs, kb.lab_id),
            metastatic_sites=sites,
            extent=extent,
        )


def _dx_cancers(dx: Any) -> list[str]:
    """Cancer ids of one diagnosis: the condition's, refined by the histology only when the
    histology's reading belongs to the same cancer ("adenocarcinoma" alone reads as lung
    adenocarcinoma, which must not turn a pancreatic cancer into a lung one). A histology
    broader than the condition adds nothing ("small cell carcinoma" reads as any carcinoma:
    kept, it made every carcinoma trial a question of subtype for a small-cell lung cancer).
    """
    found = kb.cancer_ids(dx.condition)
    histology = kb.cancer_ids(dx.histology)
    if not found:
        return histology
    related = [h for h in histology if any(kb.cancer_is_a(h, c) for c in found)]
    return found + [h for h in related if h not in found]


def _therapy(t: Therapy) -> TherapyFact:
    drugs = kb.drug_ids([t.name, *t.drugs])
    named = kb.named_classes([t.name, *t.drugs])  # "inhaled corticosteroids": a class only
    setting = (t.setting or "").lower()
    stop_reason = (t.stop_reason or "").lower()
    progressed = bool(stop_reason) and any(w in stop_reason for w in PROGRESSION_WORDS)
    return TherapyFact(
        name=t.name,
        kind=t.kind,
        setting=setting,
        line=t.line,
        drugs=drugs,
        classes=kb.classes_of_drugs(drugs) | named | set(KIND_CLASSES.get(t.kind or "", ())),
        start=t.start,
        end=t.end or (t.start if t.kind in ONE_DAY_KINDS else None),
        ongoing=bool(t.ongoing),
        progressed=progressed,
        recognized=bool(drugs) or bool(named) or t.kind is not None,
    )


def _condition(text: str) -> ConditionFact:
    cid = kb.comorbidity_id(text)
    if cid is None and kb.cancer_ids(text):
        cid = "other_malignancy"  # a second cancer listed among the other conditions
    return ConditionFact(
        text=text,
        id=cid,
        classes=kb.comorbidity_classes(cid) if cid else set(),
        active=kb.activity(text),
    )


def _by_name(items: list[Any] | None, canon: Any) -> dict[str, list[Any]] | None:
    if items is None:
        return None
    out: dict[str, list[Any]] = {}
    for item in items:
        key = canon(item.name) or item.name.strip().lower()
        out.setdefault(key, []).append(item)
    return out


def count_lines(
    therapies: list[TherapyFact] | None, *, adjuvant_within_months: float | None = None
) -> tuple[int, int] | None:
    """Fewest and most lines of systemic therapy for advanced disease.

    Rules: each systemic regimen starts a new line, except maintenance (continues the line), a
    regimen started within 30 days of the previous one that had not progressed (a combination
    recorded in parts), and neoadjuvant/adjuvant therapy, which counts only when the criterion
    says so (``adjuvant_within_months``) and the disease recurred within that time after it.
    An explicit ``line`` number is trusted. A regimen of unknown kind widens the range.

    >>> def t(name, start, end=None, stop=None):
    ...     return TherapyFact(name, "chemotherapy", "", None, {name}, set(), start, end, False,
    ...                        stop == "progression", True)
    >>> ts = [t("FOLFIRINOX", "2025-01", "2025-06", "progression"), t("gemcitabine", "2025-07")]
    >>> count_lines(ts), count_lines([]), count_lines(None)
    ((2, 2), (0, 0), None)

    An undated mention of a regimen already counted, or of some of its drugs, is the same
    line:

    >>> count_lines(ts + [t("FOLFIRINOX", None), t("gemcitabine", None)])
    (2, 2)
    >>> ts[0].drugs = {"oxaliplatin", "irinotecan"}
    >>> count_lines(ts + [t("oxaliplatin", None)])
    (2, 2)
    """
    if therapies is None:
        return None
    ordered = sorted(therapies, key=lambda t: (t.start or "9999", t.line or 0))
    explicit = {t.line for t in ordered if t.line is not None and not t.perioperative}
    lo = hi = 0
    prev: TherapyFact | None = None
    counted: list[TherapyFact] = []
    for i, t in enumerate(ordered):
        systemic = t.systemic
        if systemic is False or t.maintenance or t.line is not None:
            continue
        if _named_again(t, counted):
            # "progressing on FOLFIRI-bevacizumab", "oxaliplatin was stopped for neuropathy":
            # the regimen already counted, named again for what happened on it
            continue
        if t.perioperative:
            if not _adjuvant_counts(t, ordered[i + 1 :], adjuvant_within_months):
                continue
        elif prev is not None and _same_line(prev, t):
            continue
        if systemic is None:
            hi += 1
        else:
            lo += 1
            hi += 1
            prev = t
            counted.append(t)
    return lo + len(explicit), hi + len(explicit)


def _named_again(t: TherapyFact, counted: list[TherapyFact]) -> bool:
    """Whether an undated regimen repeats one already counted: its name, or its drugs or some
    of them. A letter names a regimen again, or one of its drugs, when it says what happened
    on it ("irinotecan was dose-reduced"); without a date that is no new line."""
    if t.start or not t.drugs:
        return False
    name = t.name.strip().lower()
    return any(c.name.strip().lower() == name or t.drugs <= c.drugs for c in counted)


def _same_line(prev: TherapyFact, t: TherapyFact) -> bool:
    if prev.progressed:
        return False
    if t.drugs and t.drugs <= prev.drugs:
        return True  # de-escalation or continuation of the same drugs
    a, b = date_range(prev.start), date_range(t.start)
    return bool(a and b and (b[0] - a[1]).days <= 30)


def _adjuvant_counts(t: TherapyFact, later: list[TherapyFact], months: float | None) -> bool:
    if months is None or not t.progressed or t.end is None:
        return False
    end = date_range(t.end)
    nxt = next((x for x in later if x.start), None)
    if end is None or nxt is None:
        return t.progressed
    start = date_range(nxt.start)
    return start is not None and (start[1] - end[0]).days <= months * 30.44
