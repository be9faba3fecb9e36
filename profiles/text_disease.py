"""The state of the disease read out of a note: measurable disease, myeloma markers, progression.

Each reader returns :class:`~profiles.text.Fact` objects with their spans, as every other
reader of :mod:`profiles.text`:

* ``measurable_disease`` (bool): the explicit words only. "measurable disease",
  "RECIST-measurable", "target lesion(s)", "measurable by RECIST 1.1" say True (False when
  negated: "no measurable disease"); "non-measurable disease only", "no evidence of disease",
  "NED" and a complete (metabolic) response or remission said of the present ("currently in
  complete remission") say False, unless the note names a relapse or progression after them
  (then they are history). A tumour size alone ("a resected 1.8 cm tumour") is never read.
  In a myeloma note the IMWG definition is applied to the values read: serum M-protein
  >= 0.5 g/dL or urine M-protein >= 200 mg/24 h says True; an involved free light chain
  >= 100 mg/L says True only with "measurable" in its sentence (IMWG also asks for an
  abnormal ratio, which a note rarely gives).
* myeloma labs: the serum M-protein and involved free light chain come from the lab
  vocabulary (``rules/data/vocab/labs.json``: ``m_protein``, ``involved_flc``) through
  :func:`profiles.text_labs.measurement_facts`; here a value in g/L or mg/dL is put in the
  vocabulary's usual unit (its ``convert``), where trial limits are put too, and the urine
  M-protein ("urine M-protein 450 mg/24 h") is read (``urine_m_protein``, mg/24h).
* ``biomarkers``: the paraprotein isotype ("IgG kappa" -> ``{"name": "M-protein isotype",
  "result": "positive", "detail": "IgG kappa"}``, "lambda light chain myeloma" -> detail
  "lambda light chain") and the cytogenetic markers of ``rules/data/vocab/biomarkers.json``
  (t(4;14), t(14;16), t(11;14), del(17p), 1q gain), positive or negative ("no del(17p)").
* ``diagnoses.status``: the current course of the disease: "progressing", "progressive
  disease", "biochemical progression", "relapsed/refractory", "now refractory"; never when
  negated ("no progressive disease") nor said of another illness ("progressing dementia").
"""

from __future__ import annotations

import re
from typing import Any

from profiles.text_mentions import sentence_span
from rules import vocab

_POSITIVE = re.compile(
    r"(?i)(?<!non-)(?<!non)(?<!non )\b(?:RECIST[- ]?(?:1\.1[- ])?measurable(?:\s+(?:disease|lesions?))?|"
    r"measurable\s+(?:disease|lesions?|tumou?r)|target\s+lesions?|"
    r"measurable\s+(?:by|per|according\s+to)\s+(?:RECIST|IMWG|Lugano|iRECIST|mRECIST|RANO)"
    r"(?:\s*v?\d(?:\.\d)?)?|"
    # a lesion's size said measurable: "(largest nodule 2.1 cm, measurable)"
    r"(?<=[cm]m, )measurable\b|"
    # said of the lesions just named: "(growing hilar mass and new liver lesions, measurable)"
    r"(?:(?<=lesions, )|(?<=lesion, )|(?<=mass, )|(?<=masses, )|(?<=nodules, )|"
    r"(?<=nodule, )|(?<=deposits, )|(?<=metastases, ))measurable"
    r"(?=\s*[().;])"
    r")"
)
_NONMEASURABLE = re.compile(
    r"(?i)\b(?:non-?\s?measurable\s+(?:disease|lesions?)(?:\s+only)?|"
    r"no\s+evidence\s+of\s+(?:residual\s+|active\s+)?disease(?!\s+(?:progression|recurrence))|"
    r"NED\b|"
    r"(?:currently|now|remains?|remained|is|continues?)\s+(?:to\s+be\s+)?(?:in\s+)?(?:a\s+)?"
    r"(?:complete|stringent\s+complete)\s+(?:metabolic\s+)?(?:response|remission))"
)
#: a later relapse or progression: a no-disease statement before it is history
_LATER = re.compile(r"(?i)\b(?:relaps\w*|recurr\w*|progress\w*|refractory)\b")
_NED_CASE = re.compile(r"NED\b")
#: a question, a plan or a trial's requirement, not the patient's state
_UNSETTLED = re.compile(
    r"(?i)\b(?:whether|if|assess\w*|confirm\w*|determine|evaluate|evaluated|pending|await\w*|"
    r"requires?|required|requirement|needs?|eligible|eligibility|unclear|query)\b"
)

_PROGRESSION = re.compile(
    r"(?i)\b(?P<w>progressing(?=\s*(?:[.,;:)\n]|$|\s+(?:on|after|despite|through|in|with|"
    r"since|at|while|under|during|and|disease|again|now|rapidly|clinically|"
    r"radiologically|biochemically)\b))|"
    r"progressive\s+disease|biochemical(?:ly)?\s+progress(?:ion|ing|ed)|"
    r"relapsed\s*(?:/|and|or|&)\s*refractory|(?:now|currently)\s+refractory)"
)
_NEGATION = re.compile(
    r"(?i)\b(?:no|not|without|denies|free of|absence of|ruled out|never|negative for)\b"
)
_HISTORY_RESPONSE = re.compile(r"(?i)\bbest\s+response\b")

_ISOTYPE = re.compile(
    r"(?i)\b(?:(?P<ig>Ig[GAMDE])[- ]?(?P<chain>kappa|lambda|κ|λ)(?![\w/])|"
    r"(?P<lc>kappa|lambda)\s+light[- ]chain(?:\s+only)?(?=\s+(?:multiple\s+)?myeloma|\s+disease|\s+only))"
)
_URINE = re.compile(
    r"(?i)\b(?:(?:24[- ]?h(?:ou)?r?\s+)?urin(?:e|ary)\s+(?:M[- ]?protein|monoclonal\s+protein|"
    r"paraprotein|M[- ]spike)|Bence[- ]Jones\s+protein(?:uria)?)"
    r"(?:\s*(?:level|excretion))?(?:\s*(?:of|was|is|:|=|at)){0,2}\s*"
    r"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>mg|g)\s*(?:/|per|in)\s*(?:a\s+)?24\s*-?\s*h(?:ours?|rs?)?\b"
)
#: the end of a sentence (a ';' inside "t(4;14)" is not one)
_FULL_STOP = re.compile(r"\.(?:\s|$)|\n")
#: a marker said absent after it: "del(17p) not detected"
_NOT_FOUND = re.compile(
    r"(?i)\s*(?:was\s+|is\s+|were\s+)?(?:not\s+(?:detected|found|seen|identified|present)|"
    r"absent|negative)\b"
)
_CYTOGENETICS = ("T4_14", "T14_16", "T11_14", "DEL17P", "GAIN1Q")
_MYELOMA = re.compile(r"(?i)\b(?:myeloma|plasma\s+cell\s+(?:neoplasm|leuka?emia|dyscrasia))\b")
_AT_DIAGNOSIS = re.compile(r"(?i)\b(?:at\s+diagnosis|initially|at\s+presentation|baseline)\b")
_MYELOMA_LABS = ("m_protein", "involved_flc", "urine_m_protein")
#: IMWG measurable disease: (analyte, lowest value in its usual unit, needs "measurable")
_IMWG = {
    "m_protein": (0.5, False),
    "urine_m_protein": (200.0, False),
    "involved_flc": (100.0, True),
}


def _fact(field: str, value: Any, text: str, start: int, end: int) -> Any:
    from profiles.text import Fact

    return Fact(field=field, value=value, text=text[start:end], start=start, end=end)


def _negated_before(text: str, start: int, *, window: int = 4) -> bool:
    cut, _ = sentence_span(text, start, start)
    words = text[cut:start].split()[-window:]
    return bool(_NEGATION.search(" ".join(words)))


def measurable_facts(text: str) -> list[Any]:
    """Explicit statements on measurable disease (True or False), each with its span.

    >>> [(f.text, f.value) for f in measurable_facts("Measurable disease in the liver.")]
    [('Measurable disease', True)]
    >>> [(f.text, f.value) for f in measurable_facts("There is no measurable disease.")]
    [('measurable disease', False)]
    >>> measurable_facts("A resected 1.8 cm tumour, pT1c.")
    []
    """
    out: list[Any] = []
    taken: list[tuple[int, int]] = []
    for m in _NONMEASURABLE.finditer(text):
        if m.group(0).upper() == "NED" and not _NED_CASE.fullmatch(m.group(0)):
            continue  # "ned" in lower case is not the abbreviation
        if _LATER.search(text, m.end()) or _negated_before(text, m.start()):
            continue  # NED, then a relapse: history
        out.append(_fact("measurable_disease", False, text, m.start(), m.end()))
        taken.append(m.span())
    for m in _POSITIVE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        cut, _ = sentence_span(text, m.start(), m.end())
        if _UNSETTLED.search(" ".join(text[cut : m.start()].split()[-5:])):
            continue  # "to confirm whether she has measurable disease"
        said = not _negated_before(text, m.start())
        out.append(_fact("measurable_disease", said, text, m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


def in_usual_unit(lab: dict[str, Any]) -> dict[str, Any]:
    """A myeloma lab value in its analyte's usual unit (``convert`` in vocab/labs.json), so it
    meets trial limits, which are put in that unit too.

    >>> in_usual_unit({"name": "m_protein", "value": 28.0, "unit": "g/L"})
    {'name': 'm_protein', 'value': 2.8, 'unit': 'g/dL'}
    >>> in_usual_unit({"name": "involved_flc", "value": 64.0, "unit": "mg/dL"})["value"]
    640.0
    """
    if lab.get("name") not in _MYELOMA_LABS:
        return lab
    rule = vocab.lab_entry(str(lab["name"])).get("convert", {}).get(lab.get("unit"))
    if not rule:
        return lab
    value = round(rule["factor"] * float(lab["value"]) + rule["offset"], 3)
    return {**lab, "value": value, "unit": rule["unit"]}


def urine_m_protein_facts(text: str) -> list[Any]:
    """Urine M-protein values ("urine M-protein 450 mg/24 h"), in mg/24h.

    >>> [f.value for f in urine_m_protein_facts("Urine M-protein 0.45 g/24h.")]
    [{'name': 'urine_m_protein', 'value': 450.0, 'unit': 'mg/24h'}]
    """
    out = []
    for m in _URINE.finditer(text):
        if _negated_before(text, m.start()):
            continue
        value = float(m.group("v")) * (1000.0 if m.group("u").lower() == "g" else 1.0)
        lab = {"name": "urine_m_protein", "value": value, "unit": "mg/24h"}
        out.append(_fact("labs", lab, text, m.start(), m.end()))
    return out


def _imwg_measurable(text: str, labs: list[Any]) -> list[Any]:
    """Measurable myeloma (IMWG) from the values read, in a note that names myeloma."""
    if not _MYELOMA.search(text):
        return []
    out = []
    for f in labs:
        rule = _IMWG.get(str(f.value.get("name")))
        if rule is None:
            continue
        lowest, needs_word = rule
        cut, stop = sentence_span(text, f.start, f.end)
        sentence = text[cut:stop]
        if _AT_DIAGNOSIS.search(sentence) or float(f.value["value"]) < lowest:
            continue
        if needs_word and "measurable" not in sentence.lower():
            continue
        out.append(_fact("measurable_disease", True, text, f.start, f.end))
    return out


def _isotype_facts(text: str) -> list[Any]:
    out = []
    for m in _ISOTYPE.finditer(text):
        chain = (m.group("chain") or m.group("lc") or "").lower()
        chain = {"κ": "kappa", "λ": "lambda"}.get(chain, chain)
        detail = (
            f"{m.group('ig')[:2]}{m.group('ig')[2:].upper()} {chain}"
            if m.group("ig")
            else (f"{chain} light chain")
        )
        marker = {"name": "M-protein isotype", "result": "positive", "detail": detail}
        out.append(_fact("biomarkers", marker, text, m.start(), m.end()))
    return out


def _cytogenetic_facts(text: str, taken: list[tuple[int, int]]) -> list[Any]:
    from profiles.text_vocab import post_negated

    out = []
    for m in vocab.find_biomarkers(text):
        if m.id not in _CYTOGENETICS or any(s <= m.start < e for s, e in taken):
            continue
        cut = max((x.end() for x in _FULL_STOP.finditer(text, 0, m.start)), default=0)
        stop = next((x.start() for x in _FULL_STOP.finditer(text, m.end)), len(text))
        negative = (
            _negated_before(text, m.start, window=6)
            or post_negated(text, m.end)
            or bool(_NOT_FOUND.match(text, m.end))
        )
        marker: dict[str, Any] = {
            "name": text[m.start : m.end],
            "result": "negative" if negative else "positive",
        }
        if re.search(r"\bFISH\b", text[cut:stop]):
            marker["method"] = "FISH"
        out.append(_fact("biomarkers", marker, text, m.start, m.end))
    return out


def _status_facts(text: str) -> list[Any]:
    out = []
    for m in _PROGRESSION.finditer(text):
        cut, _ = sentence_span(text, m.start(), m.end())
        if _negated_before(text, m.start()) or _HISTORY_RESPONSE.search(text, cut, m.start()):
            continue
        word = re.sub(r"\s+", " ", m.group(0).lower())
        status = (
            "relapsed/refractory"
            if word.startswith("relapsed")
            else "refractory"
            if "refractory" in word
            else "biochemical progression"
            if word.startswith("biochemical")
            else "progressing"
        )
        out.append(_fact("diagnoses.status", status, text, m.start(), m.end()))
    return out


def with_disease_facts(text: str, facts: list[Any]) -> list[Any]:
    """``facts`` with the disease-state facts of ``text`` added (see the module docstring)
    and each myeloma lab value already read put in its analyte's usual unit (same span).

    >>> t = ("IgG kappa multiple myeloma. FISH showed t(4;14); no del(17p). "
    ...      "Serum M-protein 2.8 g/dL; biochemical progression.")
    >>> [(f.field, f.value) for f in with_disease_facts(t, [])][:3]  # doctest: +NORMALIZE_WHITESPACE
    [('biomarkers', {'name': 'M-protein isotype', 'result': 'positive', 'detail': 'IgG kappa'}),
     ('biomarkers', {'name': 't(4;14)', 'result': 'positive', 'method': 'FISH'}),
     ('biomarkers', {'name': 'del(17p)', 'result': 'negative', 'method': 'FISH'})]
    >>> [(f.field, f.value) for f in with_disease_facts(t, []) if f.field != "biomarkers"]
    [('diagnoses.status', 'biochemical progression')]
    """
    facts = [
        f.model_copy(update={"value": in_usual_unit(f.value)})
        if f.field == "labs" and isinstance(f.value, dict)
        else f
        for f in facts
    ]
    urine = urine_m_protein_facts(text)
    # "urinary paraprotein 0.6 g/24h": the lab vocabulary reads 0.6 without its unit
    read = {f.start for f in urine}
    facts = [
        f
        for f in facts
        if not (f.field == "labs" and f.value.get("name") == "urine_m_protein" and f.start in read)
    ] + urine
    labs = [f for f in facts if f.field == "labs" and f.value.get("name") in _MYELOMA_LABS]
    markers = [(f.start, f.end) for f in facts if f.field == "biomarkers"]
    new = [
        *measurable_facts(text),
        *_imwg_measurable(text, labs),
        *_isotype_facts(text),
        *_cytogenetic_facts(text, markers),
        *_status_facts(text),
    ]
    return [*facts, *sorted(new, key=lambda f: f.start)]
