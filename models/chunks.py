"""Rows in consecutive chunks whose joins stay within a budget (bounded memory at scale).

A join of each row with every row of its group (a position, a province) grows as the square of
the data: 0.8 M pairs at 5× the national roster, 13 M at 20×. Code that only aggregates per row
can take the rows a chunk at a time; `chunk_bounds` cuts them so that no chunk's join holds more
than ``budget`` pairs (a single row over the budget gets a chunk of its own).
"""
from __future__ import annotations

import numpy as np

__all__ = ["JOIN_BUDGET", "chunk_bounds"]

#: pairs held at once by a chunked join (about 50–250 MiB of join columns)
JOIN_BUDGET = 1_000_000


def chunk_bounds(weights, budget: int | None = None) -> list[tuple[int, int]]:
    """Consecutive (start, stop) ranges covering ``range(len(weights))``, each with a total weight
    of at most ``budget`` (`JOIN_BUDGET` when None) unless it is a single row. No rows: no ranges."""
    budget = JOIN_BUDGET if budget is None else int(budget)
    w = np.asarray(weights, dtype=np.int64)
    n = len(w)
    out: list[tuple[int, int]] = []
    if budget < 1:
        raise ValueError("budget must be at least 1")
    cum = np.concatenate([[0], np.cumsum(w)])
    start = 0
    while start < n:
        # the furthest stop with cum[stop] - cum[start] <= budget, at least start + 1
        stop = int(np.searchsorted(cum, cum[start] + budget, side="right")) - 1
        stop = min(max(stop, start + 1), n)
        out.append((start, stop))
        start = stop
    return out
