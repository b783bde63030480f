"""Exercise 2's numbers: the interval [a, c] whose indicator the student's networks build."""

from __future__ import annotations

import numpy as np

COMMON = {"a": 1.0, "c": 2.0}  # the lecture's [1, 2]: everyone's interval when ids are off


def numbers(rng: np.random.Generator) -> dict:
    """A left edge in {-2, -1.5, ..., 2} and a width in {0.5, 1, ..., 2.5}."""
    a = float(rng.choice(np.arange(-2.0, 2.01, 0.5)))
    return {"a": a, "c": a + float(rng.choice([0.5, 1.0, 1.5, 2.0, 2.5]))}
