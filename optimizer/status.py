"""The status of a solution, one word for every room (flows, officers, roadmap, comparison).

A `str` enum: it compares equal to its text (`Status.OPTIMAL == "optimal"`) and is written
to JSON and CSV as that text. Vietnamese labels are in `optimizer.output.vocabulary`.
"""
from __future__ import annotations

from enum import StrEnum

__all__ = ["Status"]


class Status(StrEnum):
    OPTIMAL = "optimal"          # proven optimal (bound = objective)
    FEASIBLE = "feasible"        # a valid solution, optimality not proven (bound and gap reported)
    INFEASIBLE = "infeasible"    # no solution satisfies the rules
