"""The finished plan: what export, report, compare and notebooks read (see DESIGN.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True, eq=False)
class Plan:
    scenario: Any                      # models.scenario.Scenario
    transfers: pd.DataFrame            # one row per moved person ("6 rõ" columns, DESIGN.md)
    units_after: pd.DataFrame          # one row per (unit, position) with staff or quota
    summary: dict                      # JSON-ready figures (DESIGN.md lists the keys)
    postings: pd.DataFrame | None = None       # officer postings, when the dataset has officers
    explanations: pd.DataFrame | None = None   # officers: each province's best alternative
    note: str = ""                     # the dataset's label (SYNTHETIC ...), repeated in every output
