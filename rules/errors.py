"""One root error class with a few subclasses (profile, criteria, corpus, config).

Errors say what was wrong, where (file, record position, row, field) and what would be
right. The command line and the HTTP service turn them into messages, never tracebacks.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process


class TrialmatchError(Exception):
    """Root of every error trialmatch raises on purpose."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class CorpusError(TrialmatchError):
    """A trial record or corpus file that cannot be read."""


class ProfileError(TrialmatchError):
    """A patient profile that cannot be read or validated."""


class CriteriaError(TrialmatchError):
    """Eligibility criteria or pattern files that cannot be parsed."""


class ConfigError(TrialmatchError):
    """A setting, path or command option that is not usable."""


def did_you_mean(value: str, choices: Iterable[str], *, cutoff: float = 70) -> str | None:
    """Suggest the closest accepted value, or None when nothing is close.

    >>> did_you_mean("RECRUTING", ["RECRUITING", "COMPLETED"])
    'did you mean RECRUITING?'
    """
    found = process.extractOne(value, list(choices), score_cutoff=cutoff)
    return f"did you mean {found[0]}?" if found else None
