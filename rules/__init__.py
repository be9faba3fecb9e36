"""The trial side: ClinicalTrials.gov records, eligibility criteria and the vocabularies."""

from rules.errors import ConfigError, CorpusError, CriteriaError, ProfileError, TrialmatchError

__all__ = ["ConfigError", "CorpusError", "CriteriaError", "ProfileError", "TrialmatchError"]
