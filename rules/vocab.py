"""Loading of the vocabulary data files under ``rules/data/vocab``, once per process."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from rapidfuzz import process

from rules.errors import ConfigError
from rules.lexicon import BLOCK, Lexicon, Mention, tokenize

_SPACES = re.compile(r"[\s_]+")


def load_data(relpath: str) -> Any:
    """Read a JSON data file shipped in ``rules/data`` (cached)."""
    return _load(relpath)


@cache
def _load(relpath: str) -> Any:
    path = resources.files("rules").joinpath("data", *relpath.split("/"))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"missing data file rules/data/{relpath}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"rules/data/{relpath} is not valid JSON: {exc}") from exc


def norm_key(text: str) -> str:
    """Lower-case and collapse whitespace and underscores, for alias lookups.

    >>> norm_key("  MSI_High ")
    'msi high'
    """
    return _SPACES.sub(" ", text.strip().lower())


@cache
def _result_aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in load_data("vocab/biomarker_results.json")["results"].items():
        for alias in [canonical, *aliases]:
            table[norm_key(alias)] = canonical
            table[norm_key(alias.replace("-", " "))] = canonical
    return table


def biomarker_result(text: str, *, name: str | None = None) -> str | None:
    """Canonical tested state for what people write, or None when not recognised.

    >>> biomarker_result("MSI-high"), biomarker_result("dMMR"), biomarker_result("pos")
    ('MSI-H', 'deficient', 'positive')
    >>> biomarker_result("positive", name="MSI")
    'MSI-H'
    """
    key = norm_key(text)
    found = _result_aliases().get(key) or _result_aliases().get(key.replace("-", " "))
    if found is None:
        return None
    if name is not None:
        specific = load_data("vocab/biomarker_results.json")["name_specific"]
        for prefix, mapping in specific.items():
            if norm_key(name).replace(" ", "").replace("-", "").startswith(prefix.lower()):
                return str(mapping.get(found, found))
    return found


def biomarker_results() -> list[str]:
    return list(load_data("vocab/biomarker_results.json")["results"])


# --------------------------------------------------------------------------------------
# Term vocabularies (cancers, biomarkers, drugs, comorbidities, labs): ids, aliases,
# hierarchies. Lookups are case-insensitive except for short capitalised acronyms (see
# rules.lexicon). The tables are loaded once, on first use.
# --------------------------------------------------------------------------------------


def _entries(name: str, section: str = "entries") -> list[dict[str, Any]]:
    return list(load_data(f"vocab/{name}.json")[section])


def _blockers(name: str) -> list[tuple[str, str, str]]:
    """Phrases listed under ``not_terms``: they hide the words inside them from lookups."""
    return [(t, "", BLOCK) for t in load_data(f"vocab/{name}.json").get("not_terms", [])]


def _lexicon_rows(entries: list[dict[str, Any]], kind: str) -> list[tuple[str, str, str]]:
    rows = []
    for e in entries:
        for alias in [e.get("name", ""), *e.get("aliases", [])]:
            if alias:
                rows.append((alias, e["id"], kind))
    return rows


@cache
def _cancer_lex() -> Lexicon:
    return Lexicon(_lexicon_rows(_entries("cancers"), "cancer") + _blockers("cancers"))


@cache
def _cancer_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("cancers")}


def find_cancers(text: str) -> list[Mention]:
    """Cancer types named in ``text`` (most specific alias wins; no overlaps).

    >>> [m.id for m in find_cancers("Non-small-cell lung cancer or SCLC; all patients")]
    ['nsclc', 'sclc']
    >>> [m.id for m in find_cancers("relapsed ALL")]
    ['all']
    """
    return _cancer_lex().find(text)


def cancer_ancestors(cancer_id: str) -> set[str]:
    """All ancestors of a cancer id (not including itself).

    >>> sorted(cancer_ancestors("pdac"))
    ['pancreatic_cancer', 'solid_tumor']
    """
    table = _cancer_table()
    seen: set[str] = set()
    stack = list(table.get(cancer_id, {}).get("parents", []))
    while stack:
        cur = stack.pop()
        if cur not in seen:
            seen.add(cur)
            stack.extend(table.get(cur, {}).get("parents", []))
    return seen


def cancer_is_a(child_id: str, ancestor_id: str) -> bool:
    """True when ``child_id`` is ``ancestor_id`` or lies under it in the hierarchy.

    A basket (``advanced_solid_tumor``) contains every cancer under its root (solid tumours);
    its stage part is judged by stage criteria.

    >>> cancer_is_a("squamous_nsclc", "nsclc"), cancer_is_a("sclc", "nsclc")
    (True, False)
    >>> cancer_is_a("apl", "aml"), cancer_is_a("pdac", "advanced_solid_tumor")
    (True, True)
    """
    if child_id == ancestor_id:
        return True
    basket = _cancer_table().get(ancestor_id, {}).get("basket_of")
    if basket:
        return cancer_is_a(child_id, basket)
    return ancestor_id in cancer_ancestors(child_id)


def cancer_category(cancer_id: str) -> str | None:
    """``solid`` or ``haematological`` (inherited from the parents), or None if unknown.

    >>> cancer_category("nsclc"), cancer_category("apl"), cancer_category("nope")
    ('solid', 'haematological', None)
    """
    table = _cancer_table()
    if cancer_id not in table:
        return None
    for cid in [cancer_id, *sorted(cancer_ancestors(cancer_id))]:
        cat = table[cid].get("category")
        if cat:
            return str(cat)
    return None


def cancer_ids(text: str, *, fuzzy_cutoff: float = 90) -> list[str]:
    """Canonical ids for a free cancer name: exact id or alias first, then mentions inside the
    text, then a rapidfuzz match against the aliases.

    >>> cancer_ids("pancreatic ductal adenocarcinoma"), cancer_ids("NSCLC"), cancer_ids("nsclc")
    (['pdac'], ['nsclc'], ['nsclc'])
    >>> cancer_ids("pancreatic ductal adenocarcinom")
    ['pdac']
    """
    if text.strip() in _cancer_table():
        return [text.strip()]
    exact = [i for i, _ in _cancer_lex().lookup(text)]
    if exact:
        return list(dict.fromkeys(exact))
    found = [m.id for m in find_cancers(text)]
    if found:
        return list(dict.fromkeys(found))
    choices = {" ".join(k): v[0][0] for k, v in _cancer_lex().table.items()}
    hit = process.extractOne(
        " ".join(t[0] for t in tokenize(text)), list(choices), score_cutoff=fuzzy_cutoff
    )
    return [choices[hit[0]]] if hit else []


def cancer_name(cancer_id: str) -> str | None:
    """Display name of a cancer id.

    >>> cancer_name("pdac")
    'Pancreatic ductal adenocarcinoma'
    """
    entry = _cancer_table().get(cancer_id)
    return str(entry["name"]) if entry else None


# ----- drugs, drug classes, regimens -----------------------------------------------------


@cache
def _drug_tables() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return (
        {e["id"]: e for e in _entries("drugs", "drugs")},
        {e["id"]: e for e in _entries("drugs", "classes")},
        {e["id"]: e for e in _entries("drugs", "regimens")},
    )


@cache
def _drug_lex() -> Lexicon:
    drugs, classes, regimens = _drug_tables()
    rows = []
    for table, kind in ((drugs, "drug"), (classes, "class"), (regimens, "regimen")):
        for e in table.values():
            names = [*e.get("aliases", [])]
            names.append(e.get("name", "") if kind == "class" else e["id"].replace("_", " "))
            rows += [(a, e["id"], kind) for a in names if a]
    return Lexicon(rows + _blockers("drugs"))


def find_drugs(text: str) -> list[Mention]:
    """Drugs, drug classes and regimens named in ``text``; ``Mention.type`` says which.

    >>> [(m.id, m.type) for m in find_drugs("prior Keytruda or an anti-PD-L1 antibody")]
    [('pembrolizumab', 'drug'), ('anti_pd_l1', 'class')]
    >>> [m.id for m in find_drugs("modified FOLFIRINOX, then nab-paclitaxel")]
    ['folfirinox', 'nab_paclitaxel']
    """
    return _drug_lex().find(text)


def canonical_drug(name: str) -> str | None:
    """Canonical drug id for a name, brand or code (any case), or None.

    >>> canonical_drug("Keytruda"), canonical_drug("ak104"), canonical_drug("T-DXd")
    ('pembrolizumab', 'cadonilimab', 'trastuzumab_deruxtecan')
    >>> canonical_drug("aspirin") is None
    True
    """
    for ident, kind in _drug_lex().lookup(name):
        if kind == "drug":
            return ident
    return None


def canonical_drug_class(name: str) -> str | None:
    """Canonical class id for a class name ("PD-1 inhibitor", "EGFR-TKI"), or None.

    >>> canonical_drug_class("PD-1 inhibitor"), canonical_drug_class("egfr_tki")
    ('anti_pd1', 'egfr_tki')
    """
    if name in _drug_tables()[1]:
        return name
    for ident, kind in _drug_lex().lookup(name):
        if kind == "class":
            return ident
    return None


def _class_ancestors(class_id: str) -> set[str]:
    classes = _drug_tables()[1]
    seen: set[str] = set()
    stack = [class_id]
    while stack:
        cur = stack.pop()
        if cur in classes and cur not in seen:
            seen.add(cur)
            stack.extend(classes[cur].get("parents", []))
    return seen


def drug_classes(drug_id: str) -> set[str]:
    """Classes of a drug (canonical id or any alias), with all their ancestors.

    Bispecific antibodies belong to each target's class: cadonilimab (PD-1 x CTLA-4) is
    both anti_pd1 and anti_ctla4.

    >>> sorted(drug_classes("pembrolizumab"))
    ['anti_pd1', 'anti_pd1_pdl1', 'anticancer_therapy', 'immune_checkpoint_inhibitor', 'immunotherapy']
    >>> {"anti_pd1", "anti_ctla4"} <= drug_classes("AK104")
    True
    """
    drugs = _drug_tables()[0]
    ident = drug_id if drug_id in drugs else canonical_drug(drug_id)
    if ident is None:
        return set()
    out: set[str] = set()
    for cls in drugs[ident].get("classes", []):
        out |= _class_ancestors(cls)
    return out


def class_is_a(cls: str, ancestor: str) -> bool:
    """True when drug class ``cls`` is ``ancestor`` or under it.

    >>> class_is_a("anti_pd1", "immune_checkpoint_inhibitor"), class_is_a("platinum", "immunotherapy")
    (True, False)
    """
    return ancestor in _class_ancestors(cls)


def regimen_drugs(name: str) -> list[str] | None:
    """The drugs of a named regimen (any alias), or None when it is not a known regimen.

    >>> regimen_drugs("mFOLFIRINOX")
    ['fluorouracil', 'leucovorin', 'irinotecan', 'oxaliplatin']
    >>> regimen_drugs("pembrolizumab") is None
    True
    """
    regimens = _drug_tables()[2]
    if name in regimens:
        return list(regimens[name]["drugs"])
    for ident, kind in _drug_lex().lookup(name):
        if kind == "regimen":
            return list(regimens[ident]["drugs"])
    return None


def drug_ids() -> list[str]:
    """All canonical drug ids."""
    return list(_drug_tables()[0])


def drug_class_ids() -> list[str]:
    """All canonical drug class ids."""
    return list(_drug_tables()[1])


# ----- biomarkers -----------------------------------------------------------------------


@cache
def _biomarker_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("biomarkers")}


@cache
def _biomarker_lex() -> Lexicon:
    return Lexicon(
        _lexicon_rows(list(_biomarker_table().values()), "biomarker") + _blockers("biomarkers")
    )


@cache
def _variant_lex(biomarker: str) -> Lexicon:
    variants = _biomarker_table().get(biomarker, {}).get("variants", {})
    return Lexicon([(a, v, "variant") for v, aliases in variants.items() for a in [v, *aliases]])


def find_biomarkers(text: str) -> list[Mention]:
    """Biomarkers named in ``text`` (gene symbols in capitals match case-sensitively).

    >>> [m.id for m in find_biomarkers("EGFR exon 19 deletion; patients who met criteria; MET amplification")]
    ['EGFR', 'MET']
    """
    return _biomarker_lex().find(text)


def canonical_biomarker(name: str) -> str | None:
    """Canonical biomarker id for a name or alias (any case), or None.

    >>> canonical_biomarker("ERBB2"), canonical_biomarker("dMMR"), canonical_biomarker("pd-l1")
    ('HER2', 'MMR', 'PD-L1')
    """
    if name in _biomarker_table():
        return name
    hits = _biomarker_lex().lookup(name)
    return hits[0][0] if hits else None


def biomarker_variants(biomarker: str, text: str) -> list[str]:
    """Canonical variant names of ``biomarker`` mentioned in ``text``.

    >>> biomarker_variants("EGFR", "exon 19 deletions (ex19del) or exon 21 L858R")
    ['exon 19 deletion', 'L858R']
    """
    return list(dict.fromkeys(m.id for m in _variant_lex(biomarker).find(text)))


def biomarker_equivalents(name: str, result: str) -> list[tuple[str, str]]:
    """Other ``(biomarker, result)`` pairs a result also satisfies (distinct evidence).

    >>> biomarker_equivalents("MSI", "MSI-H"), biomarker_equivalents("dMMR", "deficient")
    ([('MMR', 'deficient')], [('MSI', 'MSI-H')])
    >>> biomarker_equivalents("HER2", "low")
    [('HER2', 'negative')]
    """
    ident = canonical_biomarker(name) or name
    canon = biomarker_result(result, name=ident) or result
    out = []
    for rule in load_data("vocab/biomarkers.json")["equivalents"]:
        if rule["if"] == {"biomarker": ident, "result": canon}:
            pair = (rule["then"]["biomarker"], rule["then"]["result"])
            if pair != (ident, canon):
                out.append(pair)
    return out


def her2_status(*, ihc: str | None = None, ish: str | None = None) -> str | None:
    """HER2 status from IHC score and ISH result (ASCO/CAP 2018, with HER2-low).

    Returns ``positive``, ``low``, ``negative`` (IHC 0), ``equivocal`` or None when unknown.

    >>> her2_status(ihc="3+"), her2_status(ihc="2+", ish="negative"), her2_status(ihc="1+")
    ('positive', 'low', 'low')
    >>> her2_status(ihc="2+"), her2_status(ihc="0"), her2_status()
    ('equivocal', 'negative', None)
    """
    ish_c = biomarker_result(ish) if ish else None
    ihc_c = ihc.strip().replace(" ", "") if ihc else None
    for rule in load_data("vocab/biomarkers.json")["her2_rules"]:
        if rule["ihc"] == ihc_c and rule["ish"] == ish_c:
            return str(rule["status"])
    return None


def pdl1_scoring(text: str) -> str | None:
    """Canonical PD-L1 scoring method (TPS, CPS, TC, IC, TAP) named in ``text``, or None.

    Scores are not interchangeable: a CPS never answers a TPS threshold.

    >>> pdl1_scoring("combined positive score"), pdl1_scoring("TPS"), pdl1_scoring("percent")
    ('CPS', 'TPS', None)
    """
    found = _pdl1_lex().find(text)
    return found[0].id if found else None


@cache
def _pdl1_lex() -> Lexicon:
    table = load_data("vocab/biomarkers.json")["pdl1_scorings"]
    return Lexicon([(a, k, "scoring") for k, aliases in table.items() for a in [k, *aliases]])


# ----- comorbidities and labs -------------------------------------------------------------


@cache
def _comorbidity_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("comorbidities")}


@cache
def _comorbidity_lex() -> Lexicon:
    return Lexicon(
        _lexicon_rows(list(_comorbidity_table().values()), "comorbidity")
        + _blockers("comorbidities")
    )


def find_comorbidities(text: str) -> list[Mention]:
    """Comorbidities named in ``text``.

    >>> [m.id for m in find_comorbidities("Active HBV or HCV; history of HIV")]
    ['hepatitis_b', 'hepatitis_c', 'hiv']
    """
    return _comorbidity_lex().find(text)


def canonical_comorbidity(text: str) -> str | None:
    """Canonical comorbidity id for a name (exact alias first, then the first mention).

    >>> canonical_comorbidity("Crohn's"), canonical_comorbidity("allo-HSCT")
    ('crohns_disease', 'allogeneic_hsct')
    """
    if text in _comorbidity_table():
        return text
    hits = _comorbidity_lex().lookup(text)
    if hits:
        return hits[0][0]
    found = find_comorbidities(text)
    return found[0].id if found else None


def comorbidity_classes(comorbidity_id: str) -> set[str]:
    """All ancestor classes of a comorbidity (not including itself).

    >>> sorted(comorbidity_classes("crohns_disease"))
    ['autoimmune_disease', 'inflammatory_bowel_disease']
    """
    table = _comorbidity_table()
    seen: set[str] = set()
    stack = list(table.get(comorbidity_id, {}).get("parents", []))
    while stack:
        cur = stack.pop()
        if cur not in seen:
            seen.add(cur)
            stack.extend(table.get(cur, {}).get("parents", []))
    return seen


@cache
def _lab_table() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _entries("labs")}


@cache
def _lab_lex() -> Lexicon:
    return Lexicon(_lexicon_rows(list(_lab_table().values()), "lab") + _blockers("labs"))


def find_labs(text: str) -> list[Mention]:
    """Laboratory analytes named in ``text``.

    >>> [m.id for m in find_labs("ANC ≥1.5, platelets ≥100, AST/ALT ≤ 2.5 x ULN")]
    ['anc', 'platelets', 'transaminases']
    """
    return _lab_lex().find(text)


def canonical_lab(name: str) -> str | None:
    """Canonical analyte id for a name or alias (any case), or None.

    >>> canonical_lab("SGPT"), canonical_lab("Absolute neutrophil count"), canonical_lab("x")
    ('alt', 'anc', None)
    """
    if name in _lab_table():
        return name
    hits = _lab_lex().lookup(name)
    return hits[0][0] if hits else None


def lab_units(lab_id: str) -> list[str]:
    """Usual units of an analyte, canonical first.

    >>> lab_units("hemoglobin")[0]
    'g/dL'
    """
    return list(_lab_table().get(lab_id, {}).get("units", []))
