"""Hormone receptors in a list with "negative" are each negative (session 8: held back until
three trial criteria that ruled an ER-negative patient out wrongly were parsed right)."""

from __future__ import annotations

from profiles.text import extract_profile


def test_er_pr_negative_are_both_negative():
    p = extract_profile("The tumor was HER2-positive and ER/PR negative.")
    got = {b.name: b.result for b in p.profile.biomarkers or []}
    assert got.get("ER") == "negative" and got.get("PR") == "negative"
    assert got.get("HER2") == "positive"
