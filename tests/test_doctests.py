"""Run the docstring examples of the core packages as tests (STYLE habit 9)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import matcher
import profiles
import rules


def _modules():
    for pkg in (rules, profiles, matcher):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
