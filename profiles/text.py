"""A patient profile read out of a free-text note or a "field: value" questionnaire.

Every fact found keeps its span so a navigator can check it: ``text[start:end] == fact.text``.
Patterns are data (``profiles/data/text_patterns.json``, each with examples); cancers, drugs
and comorbidities come from the shared vocabularies in :mod:`rules.vocab`.

>>> x = extract_profile("Disease: Colon cancer\\nGene: KRAS (G13D), BRAF (V600E)\\n"
...                     "Demographic: 52-year-old male\\nOther: Type II Diabetes, Hypertension")
>>> x.profile.age, x.profile.sex, x.profile.diagnoses[0].condition
(52, 'male', 'Colon cancer')
>>> [(b.name, b.detail) for b in x.profile.biomarkers]
[('KRAS', 'G13D'), ('BRAF', 'V600E')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from profiles.model import PatientProfile
from profiles.text_cns import CNS_SITES, cns_states, state_name
from profiles.text_course import (
    recent_progression,
    with_current_use,
    with_event_start,
    with_stop_reasons,
)
from profiles.text_disease import with_disease_facts
from profiles.text_genes import free_genes, gene_fact
from profiles.text_labs import a_change, mean_arterial_pressure, measurement_facts, scale_fact
from profiles.text_mentions import history_none_facts
from profiles.text_past import with_past_labs
from profiles.text_pathology import confirmation_facts
from profiles.text_regimens import group_regimens
from profiles.text_settings import with_setting, with_site
from profiles.text_vocab import surgery_facts, vocab_facts
from rules import vocab

_FIELD_LINE = re.compile(
    r"^[ \t]*(disease|diagnosis|gene|genes|demographic|other|"
    r"age|sex|gender)[ \t]*:[ \t]*(.*?)[ \t]*$",
    re.I | re.M,
)
_SENTENCE_END = re.compile(r"[.;\n]")
_CLAUSE_END = re.compile(r"[.;,:\n]")
#: analytes with one unit, which notes often leave out
_ONLY_UNIT = {"bmi": "kg/m2", "body mass index": "kg/m2"}
#: a metastatic site listed just before one a pattern found ("bone and brain metastases")
_SITES_BEFORE = re.compile(
    r"\b(liver|lungs?|bones?|brain|nodal|peritoneal|adrenal|hepatic|pulmonary|osseous)"
    r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)$",
    re.I,
)
#: a further metastatic site listed after one a pattern found ("to liver, lungs and bone")
#: (past a parenthesis of detail: "to bone (T8, right ilium), contralateral lung and brain")
_MORE_SITES = re.compile(
    r"(?:\s*\([^()]{0,40}\))?\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:the\s+)?"
    r"(?:(?:contralateral|ipsilateral|bilateral|both|left|right|multiple)\s+)?"
    r"(liver|lungs?|bones?|brain|lymph nodes|peritoneum|adrenal\w*|spine|pleura|skin)\b",
    re.I,
)
_NONE = {"none", "n/a", "na", "-", "unknown", "no"}


class Fact(BaseModel):
    """One thing read from the text: profile ``field``, its ``value``, and where it was."""

    model_config = ConfigDict(frozen=True)
    field: str
    value: Any
    text: str
    start: int
    end: int


class ExtractedProfile(BaseModel):
    """A profile read from text, with the facts (and spans) it was built from."""

    profile: PatientProfile
    facts: list[Fact]


@dataclass(frozen=True)
class _Pattern:
    id: str
    field: str
    regex: re.Pattern[str]
    group: int


@cache
def _pattern_data() -> dict[str, Any]:
    """``profiles/data/text_patterns.json``, read once."""
    path = Path(__file__).parent / "data" / "text_patterns.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def patterns() -> tuple[_Pattern, ...]:
    """The text patterns, compiled once (case-insensitive unless the entry says ``case``)."""
    data = _pattern_data()
    return tuple(
        _Pattern(
            p["id"], p["field"], re.compile(p["regex"], 0 if p.get("case") else re.I), p["group"]
        )
        for p in data["patterns"]
    )


def _find(field: str, text: str) -> list[tuple[_Pattern, re.Match[str]]]:
    found = [(p, m) for p in patterns() if p.field == field for m in p.regex.finditer(text)]
    return sorted(found, key=lambda pm: pm[1].start(pm[0].group))


#: a closed parenthesis: a negation inside it does not reach past it
CLOSED_BRACKETS = re.compile(r"\([^()]*\)")


def negated(text: str, start: int, *, window: int = 6, clause: bool = False) -> bool:
    """Whether a negation cue stands within ``window`` words before ``start`` in its sentence
    (with ``clause``, in its clause: a comma ends the reach of "no cardiac history, QTc 428").

    >>> negated("She denies chest pain.", 11), negated("Chest pain today.", 0)
    (True, False)
    >>> t = "no cardiac history, QTc 428 ms"
    >>> negated(t, 20), negated(t, 20, clause=True)
    (True, False)

    A cue inside a parenthesis closed before the mention does not reach it:

    >>> t = "debulking surgery (no macroscopic residual disease), followed by carboplatin"
    >>> negated(t, t.index("carboplatin")), negated("No (prior) chemotherapy", 11)
    (False, True)
    """
    head = text[:start]
    ends = _CLAUSE_END if clause else _SENTENCE_END
    cut = max((m.end() for m in ends.finditer(head)), default=0)
    words = CLOSED_BRACKETS.sub(" ", head[cut:]).split()[-window:]
    cue = next(p for p in patterns() if p.field == "negation")
    return bool(cue.regex.search(" ".join(words)))


#: a metastatic site said as an adjective or a plural, as the organ ("hepatic metastases" are
#: in the liver: a lab limit "if liver metastases" applies; "peritoneal metastases" and
#: "metastatic to the peritoneum" are one site)
_SITE_NOUNS = {
    "hepatic": "liver",
    "osseous": "bone",
    "bones": "bone",
    "pulmonary": "lung",
    "lungs": "lung",
    "peritoneal": "peritoneum",
    "nodal": "lymph nodes",
    "cerebral": "brain",
}


def site_noun(word: str) -> str:
    """A metastatic site's word as the organ.

    >>> site_noun("Hepatic"), site_noun("peritoneal"), site_noun("adrenal")
    ('liver', 'peritoneum', 'adrenal')
    """
    word = word.lower()
    return _SITE_NOUNS.get(word, word)


def _fact(field: str, value: Any, text: str, start: int, end: int) -> Fact:
    return Fact(field=field, value=value, text=text[start:end], start=start, end=end)


def _group_fact(field: str, value: Any, text: str, p: _Pattern, m: re.Match[str]) -> Fact:
    return _fact(field, value, text, m.start(p.group), m.end(p.group))


def _split_list(value: str, offset: int) -> list[tuple[str, int, int]]:
    """Comma-separated items outside parentheses, with their absolute spans."""
    items, depth, begin = [], 0, 0
    for i, ch in enumerate(value + ","):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth <= 0:
            raw = value[begin:i]
            lead = len(raw) - len(raw.lstrip())
            item = raw.strip()
            if item:
                items.append((item, offset + begin + lead, offset + begin + lead + len(item)))
            begin = i + 1
    return items


#: a questionnaire value that says more than a name: a clause, a list, a parenthesis
_PROSE = re.compile(r"[,;()]|\.\s|\b(?:stage|diagnosed|with|since|in \d{4})\b", re.I)


_FIRST_CLAUSE = re.compile(r"[,;(]|\.\s")


def a_sentence(value: str) -> bool:
    """Whether a "Diagnosis:" value is a sentence of a letter, not a name of a disease: its
    facts (the cancer, its stage, the markers) are then read as in any free text.

    >>> a_sentence("Colon cancer"), a_sentence("stage IVB lung adenocarcinoma, EGFR exon 19")
    (False, True)
    """
    return len(value.split()) > 8 or bool(_PROSE.search(value))


def _questionnaire(text: str) -> tuple[list[Fact], set[str]]:
    facts: list[Fact] = []
    seen: set[str] = set()
    for m in _FIELD_LINE.finditer(text):
        key, value, at = m.group(1).lower(), m.group(2), m.start(2)
        if not value or value.lower() in _NONE:
            if key == "other" and value:
                facts.append(_fact("conditions.none", [], text, at, at + len(value)))
                seen.add("conditions")
            continue
        if key in ("disease", "diagnosis"):
            if a_sentence(value):  # "Diagnosis: stage IVB lung adenocarcinoma (diagnosed
                if vocab.find_cancers(value):  # 03/2024), EGFR exon 19 deletion. ...":
                    continue  # read as free text, which finds the cancer words
                value = _FIRST_CLAUSE.split(value, maxsplit=1)[0].strip()  # a name unknown
            facts.append(_fact("diagnoses.condition", value, text, at, at + len(value)))
            seen.add("diagnoses")
        elif key in ("gene", "genes"):
            for item, s, e in _split_list(value, at):
                fact = gene_fact(text, item, s, e)
                if fact:
                    facts.append(fact)
            seen.add("biomarkers")
        elif key == "other":
            for item, s, e in _split_list(value, at):
                if item.lower() not in _NONE:
                    facts.append(_fact("conditions", item, text, s, e))
            seen.add("conditions")
    return facts, seen


def _first(field: str, text: str, cast: Any = int) -> Fact | None:
    for p, m in _find(field, text):
        try:
            return _group_fact(field, cast(m.group(p.group)), text, p, m)
        except ValueError:
            continue
    return None


def _sex(text: str) -> Fact | None:
    hits = _find("sex", text)
    if hits:
        p, m = hits[0]
        word = m.group(p.group).lower()
        female = word in ("f", "w") or p.id == "sex.female_word"
        return _group_fact("sex", "female" if female else "male", text, p, m)
    she = list(re.finditer(r"\b(she|her|hers)\b", text, re.I))
    he = list(re.finditer(r"\b(he|his|him)\b", text, re.I))
    if she or he:
        m = she[0] if len(she) > len(he) else he[0]
        return _fact("sex", "female" if len(she) > len(he) else "male", text, m.start(), m.end())
    return None


def _oncology(text: str) -> list[Fact]:
    facts: list[Fact] = []
    stage = _first("stage", text, str)
    if stage:
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}
        value = stage.value.upper()
        facts.append(
            stage.model_copy(
                update={
                    "value": roman.get(value[:1], value[:1]) + value[1:]
                    if value[:1].isdigit()
                    else value
                }
            )
        )
    for p, m in _find("extent", text):
        if not negated(text, m.start()):
            word = m.group(p.group).lower()
            extent = (
                "locally advanced"
                if "locally" in word
                else "recurrent"
                if word in ("recurrent", "recurrence", "relapsed")
                else "metastatic"
            )
            facts.append(_group_fact("extent", extent, text, p, m))
            break
    sites: dict[str, Fact] = {}
    for p, m in _find("metastatic_site", text):
        if not negated(text, m.start()):
            site = site_noun(m.group(p.group))
            sites.setdefault(site, _group_fact("metastatic_sites", site, text, p, m))
            at = m.end(p.group)  # "to liver, lungs and bone": the sites listed after it
            while more := _MORE_SITES.match(text, at):
                site = site_noun(more.group(1))
                sites.setdefault(site, _fact("metastatic_sites", site, text, *more.span(1)))
                at = more.end()
            at = m.start(p.group)  # "bone and brain metastases": the sites listed before it
            while before := _SITES_BEFORE.search(text, max(0, at - 40), at):
                site = site_noun(before.group(1))
                sites.setdefault(site, _fact("metastatic_sites", site, text, *before.span(1)))
                at = before.start()
    for p, m in _find("metastatic_site_bone", text):  # "L2 vertebral metastasis": bone
        if not negated(text, m.start()) and "bone" not in sites and "bones" not in sites:
            sites["bone"] = _group_fact("metastatic_sites", "bone", text, p, m)
    for p, m in _find("no_cns_metastases", text):  # "Brain MRI negative": none in the brain
        facts.append(_group_fact("metastatic_sites.no_cns", [], text, p, m))
        break
    for p, m in _find("metastatic_site_chest", text):  # "CXR was remarkable for metastatic
        if not negated(text, m.start(p.group)):  # lesions": distant disease in the chest
            sites.setdefault("chest", _group_fact("metastatic_sites", "chest", text, p, m))
    facts.extend(sites.values())
    if CNS_SITES & sites.keys():  # "treated with SRS ... stable on MRI"
        words = [
            (m.group(p.group), m.start(p.group), m.end(p.group))
            for p, m in _find("cns_state", text)
        ]
        for word, start, end in cns_states(text, words):
            facts.append(_fact("metastatic_sites.state", state_name(word), text, start, end))
    for field in ("ecog", "karnofsky"):
        found = _first(field, text)
        if found:
            facts.append(found)
    for _p, m in _find("pdl1", text):
        scoring = m.group(1)
        facts.append(
            _fact(
                "biomarkers",
                {
                    "name": "PD-L1",
                    "result": "positive" if float(m.group(2)) >= 1 else "negative",
                    "value": float(m.group(2)),
                    "scoring": scoring,
                },
                text,
                m.start(),
                m.end(),
            )
        )
    for _p, m in _find("cldn18", text):  # "CLDN18.2 positive (80% of tumour cells ...)"
        if negated(text, m.start()):
            continue
        cldn: dict[str, Any] = {"name": "CLDN18.2", "result": m.group(1).lower()}
        if m.group(2):
            cldn.update(value=float(m.group(2)), scoring="percent")
        facts.append(_fact("biomarkers", cldn, text, m.start(), m.end()))
    for p, m in _find("msi", text):
        word = m.group(1).lower()
        result = "MSS" if word in ("mss", "microsatellite stable", "pmmr") else "MSI-H"
        facts.append(_group_fact("biomarkers", {"name": "MSI", "result": result}, text, p, m))
    for _p, m in _find("her2", text):
        facts.append(_fact("biomarkers", her2_value(m.group(1)), text, m.start(), m.end()))
    for _p, m in _find("hormone_receptor", text):
        name = "ER" if m.group(1) == "ER" else "PR"
        said = m.group(2).lower()
        if said.endswith("%"):  # "ER 90%": positive from 1% of stained nuclei (ASCO/CAP)
            share = float(said.rstrip("% "))
            receptor = {"name": name, "result": "positive" if share >= 1 else "negative"}
            receptor["detail"] = f"{share:g}%"
        else:
            receptor = {
                "name": name,
                "result": "positive" if said in ("+", "positive") else "negative",
            }
        facts.append(_fact("biomarkers", receptor, text, m.start(), m.end()))
    return facts


def her2_value(word: str) -> dict[str, Any]:
    """A HER2 result as written: an IHC score keeps its score, so 2+ asks for the ISH result
    and 1+ is HER2-low (before, 2+ and 1+ were both read as negative).

    >>> her2_value("2+")["result"], her2_value("1+")["value"], her2_value("positive")["result"]
    ('equivocal', 1.0, 'positive')
    """
    word = word.lower()
    if word[:1].isdigit():
        score = float(word[0])
        result = {3.0: "positive", 2.0: "equivocal"}.get(score, "negative")
        return {"name": "HER2", "result": result, "scoring": "IHC", "value": score,
                "detail": f"IHC {word}"}  # fmt: skip
    return {"name": "HER2", "result": "positive" if word in ("positive", "+") else "negative"}


def _body(text: str) -> list[Fact]:
    facts: list[Fact] = []
    from profiles.text_vocab import post_negated

    for field in ("pregnant", "breastfeeding"):
        for p, m in _find(field, text):
            said = not negated(text, m.start()) and not post_negated(text, m.end(p.group))
            facts.append(_group_fact(field, said, text, p, m))
            break
    for _p, m in _find("lab", text):
        if a_change(text, m.start()):
            continue  # "a decrease in hemoglobin 2 g/dL"
        name, value = m.group(1).lower(), float(m.group(2).replace(",", ""))
        unit = m.group(3) or _ONLY_UNIT.get(name)  # "BMI: 41.5" is in kg/m2
        if unit and unit.startswith("kg/m"):
            unit = "kg/m2"
        facts.append(
            _fact("labs", {"name": name, "value": value, "unit": unit}, text, m.start(), m.end())
        )
    for _p, m in _find("bp", text):  # "BP: 130/80": two measurements, one span
        for name, group in (("systolic blood pressure", 1), ("diastolic blood pressure", 2)):
            lab = {"name": name, "value": float(m.group(group)), "unit": "mmHg"}
            facts.append(_fact("labs", lab, text, m.start(), m.end()))
        mean = mean_arterial_pressure(float(m.group(1)), float(m.group(2)))
        if mean is not None:  # derived: (SBP + 2 x DBP) / 3, the span is the reading
            lab = {"name": "mean_arterial_pressure", "value": mean, "unit": "mmHg"}
            facts.append(_fact("labs", lab, text, m.start(), m.end()))
    for p, m in _find("heart_rate", text):  # "tachycardic (113/min)"
        lab = {"name": "heart_rate", "value": float(m.group(p.group)), "unit": "/min"}
        facts.append(_group_fact("labs", lab, text, p, m))
    facts.extend(measurement_facts(text, facts))
    for p, m in _find("oxygen_flow", text):  # "on 2.5-3.5L O2": oxygen is being given
        if not negated(text, m.start()):
            therapy = {"name": m.group(p.group), "drugs": ["supplemental_oxygen"]}
            facts.append(_group_fact("therapies", therapy, text, p, m))
            break
    return facts


def extract_facts(text: str, *, as_of: date | None = None) -> list[Fact]:
    """Every fact found in ``text``, each with its span; ``as_of`` (default today) is the day
    the text is read, from which "4 months ago" is dated."""
    as_of = as_of or date.today()
    facts, seen = _questionnaire(text)
    for field in ("age",):
        found = _first(field, text)
        if found:
            facts.append(found)
    sex = _sex(text)
    if sex:
        facts.append(sex)
    facts.extend(_oncology(text))
    if "biomarkers" not in seen:
        facts.extend(free_genes(text, facts))
    facts.extend(_body(text))
    facts = with_disease_facts(text, facts)  # measurable disease, myeloma, progression
    # a rating scale's name ("NIH Stroke Scale", "Hamilton Depression Rating Scale") stays
    # readable for the conditions: the scale is scored for the disease it names
    # and the words saying brain metastases were treated ("radiosurgery") name the treatment too
    readable = [f for f in facts if not scale_fact(f) and f.field != "metastatic_sites.state"]
    facts.extend(vocab_facts(text, readable, skip=seen, as_of=as_of))
    facts = group_regimens(text, facts)
    # "adjuvant trastuzumab", "... maintenance", "radiotherapy to the chest wall"
    facts = [with_site(text, with_setting(text, f)) for f in facts]
    facts = with_stop_reasons(text, facts)  # "stopped for atrial fibrillation"
    facts = with_current_use(text, facts)  # "since 10/2026", ", on apixaban"
    facts = with_event_start(text, facts)  # "recurrence 06/2025, treated with ..."
    facts.extend(recent_progression(text, facts, as_of=as_of))  # "progression on CT 10/2026"
    facts = with_past_labs(text, facts, as_of=as_of)  # "at diagnosis, glucose >1000 mg/dL"
    facts.extend(confirmation_facts(text, facts))  # "Biopsy 09/2026 confirmed ... carcinoma"
    if "conditions" not in seen:
        facts.extend(history_none_facts(text))  # "Other history: none."
    if "therapies" not in seen:
        facts.extend(surgery_facts(text, facts, as_of=as_of))
    return sorted(facts, key=lambda f: (f.start, f.field))


def extract_profile(
    text: str, *, id: str | None = None, as_of: date | None = None
) -> ExtractedProfile:
    """Read a :class:`~profiles.model.PatientProfile` out of a note or questionnaire.

    ``as_of`` (default today) is the day the note is read: a therapy or operation "4 months
    ago" is dated from it.

    >>> x = extract_profile("62 yo woman with stage IV NSCLC metastatic to the liver, "
    ...                     "EGFR L858R, ECOG 1.")
    >>> p = x.profile
    >>> p.age, p.sex, p.ecog, p.biomarkers[0].name, p.biomarkers[0].detail
    (62, 'female', 1, 'EGFR', 'L858R')
    >>> all(x.facts[i].text == "62 yo woman with stage IV NSCLC metastatic to the liver, "
    ...     "EGFR L858R, ECOG 1."[f.start:f.end] for i, f in enumerate(x.facts))
    True
    """
    from profiles.text_build import build_profile

    facts = extract_facts(text, as_of=as_of)
    return ExtractedProfile(profile=build_profile(facts, id=id, text=text), facts=facts)
