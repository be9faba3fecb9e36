"""The vocabularies under ``rules/data/vocab``, loaded once per process.

One module per vocabulary (:mod:`~rules.vocab.cancers`, :mod:`~rules.vocab.drugs`,
:mod:`~rules.vocab.biomarkers`, :mod:`~rules.vocab.conditions`); everything public is
re-exported here, so callers keep writing ``from rules import vocab``.
"""

from __future__ import annotations

from rules.lexicon import Mention
from rules.vocab.biomarkers import (
    biomarker_equivalents,
    biomarker_label,
    biomarker_variants,
    canonical_biomarker,
    find_biomarkers,
    her2_status,
    pdl1_scoring,
)
from rules.vocab.cancers import (
    cancer_ancestors,
    cancer_category,
    cancer_ids,
    cancer_is_a,
    cancer_name,
    find_cancers,
    is_histology,
)
from rules.vocab.conditions import (
    canonical_comorbidity,
    canonical_lab,
    comorbidity_classes,
    find_comorbidities,
    find_labs,
    lab_entry,
    lab_ids,
    lab_units,
    loose_members,
)
from rules.vocab.data import biomarker_result, biomarker_results, load_data, norm_key
from rules.vocab.drugs import (
    canonical_drug,
    canonical_drug_class,
    class_ancestors,
    class_is_a,
    drug_class_ids,
    drug_classes,
    drug_ids,
    drugs_of_generation,
    find_drugs,
    regimen_drugs,
)
from rules.vocab.surgery import surgery_sites

__all__ = [
    "Mention",
    "biomarker_equivalents",
    "biomarker_label",
    "biomarker_result",
    "biomarker_results",
    "biomarker_variants",
    "cancer_ancestors",
    "cancer_category",
    "cancer_ids",
    "cancer_is_a",
    "cancer_name",
    "canonical_biomarker",
    "canonical_comorbidity",
    "canonical_drug",
    "canonical_drug_class",
    "canonical_lab",
    "class_ancestors",
    "class_is_a",
    "comorbidity_classes",
    "drug_class_ids",
    "drug_classes",
    "drug_ids",
    "drugs_of_generation",
    "find_biomarkers",
    "find_cancers",
    "find_comorbidities",
    "find_drugs",
    "find_labs",
    "her2_status",
    "is_histology",
    "lab_entry",
    "lab_ids",
    "lab_units",
    "load_data",
    "loose_members",
    "norm_key",
    "pdl1_scoring",
    "regimen_drugs",
    "surgery_sites",
]
