"""Judging, ranking and batch matching: criterion x profile -> outcome -> verdict -> rank."""
