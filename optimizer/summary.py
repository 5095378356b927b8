"""The figures of a plan: a typed `Summary`, written to summary.json by `to_json()`.

`Summary` is what `optimizer.plan.solve` returns in `Plan.summary`. It is frozen and typed;
it also reads like the JSON it writes (`summary["moves"]`, `summary.get("gap")`, `dict(summary)`:
a read-only Mapping over `to_json()`), so notebooks and reports need no second vocabulary.
Fields are in the order of summary.json (DESIGN.md lists them).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from models.dataset import Dataset
from models.scenario import Scenario
from optimizer.output.naming import dataset_name, public_settings
from optimizer.reassign.audit import RULE_NAMES, Violation
from optimizer.reassign.eligibility import Eligibility
from optimizer.reassign.flows import FlowResult
from optimizer.status import Status

__all__ = ["Summary", "make_summary", "CLOCK_KEYS"]

#: Figures measured by the clock: they differ from run to run, so summary.json has them and the
#: workbook leaves them out (its bytes depend on the input and the settings alone).
CLOCK_KEYS = frozenset({"solve_seconds", "build_seconds", "timings", "solver_stages"})


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None or x != x else round(float(x), digits)


@dataclass(frozen=True, eq=False)
class Summary(Mapping):
    status: Status
    method: str
    shortage_before: int
    shortage_after: int
    weighted_shortage_before: int
    weighted_shortage_after: int
    surplus_before: int
    surplus_after: int
    moves: int
    total_km: float
    mean_km: float
    ceiling: int
    ceiling_fill_rate: float | None
    fill_rate: float | None
    units_short_before: int
    units_short_after: int
    objective: dict[str, float]
    bound: dict[str, float | None]
    gap: float | None
    solve_seconds: float
    timings: dict[str, float]
    check: dict[str, Any]
    scenario: dict[str, Any]
    dataset: str | None
    data_note: str
    officers: dict[str, Any] | None
    ceiling_weighted: int
    build_seconds: float
    eligible_arcs: int
    solver_stages: list[dict[str, Any]]
    #: further figures a stage adds (warnings, explanations, ...), written after the fields above
    extras: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The figures in summary.json's order (then `extras`), as plain Python values."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extras"}
        out.update(self.extras)
        return out

    # a read-only mapping over the JSON figures
    def __getitem__(self, key: str) -> Any:
        return self.to_json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_json())

    def __len__(self) -> int:
        return len(self.to_json())


def fill_rate_of(units_after: pd.DataFrame) -> float | None:
    """The share of the shortage before the plan that it fills, to 4 places (1.0 when nothing
    was short): the summary's ``fill_rate``."""
    before = int(units_after["shortage_before"].sum())
    filled = before - int(units_after["shortage_after"].sum())
    return _round(filled / before, 4) if before else 1.0


def make_summary(ds: Dataset, scenario: Scenario, elig: Eligibility, res: FlowResult,
                 transfers: pd.DataFrame, units_after: pd.DataFrame, violations: list[Violation],
                 timings: dict[str, float], officers_info: dict[str, Any] | None) -> Summary:
    """The plan's figures, recomputed from its own tables (not from the solver's objective)."""
    ua = units_after
    shortage_before = int(ua["shortage_before"].sum())
    shortage_after = int(ua["shortage_after"].sum())
    filled = shortage_before - shortage_after
    moves = int(len(transfers))
    total_km = float(transfers["km"].sum()) if moves else 0.0
    weighted_before = int((ua["shortage_before"] * ua["priority"]).sum())
    weighted_after = int((ua["shortage_after"] * ua["priority"]).sum())
    unit_short_before = ua.groupby("unit_code")["shortage_before"].sum()
    unit_short_after = ua.groupby("unit_code")["shortage_after"].sum()
    return Summary(
        status=Status(res.status),
        method=res.method,
        shortage_before=shortage_before,
        shortage_after=shortage_after,
        weighted_shortage_before=weighted_before,
        weighted_shortage_after=weighted_after,
        surplus_before=int(ua["surplus_before"].sum()),
        surplus_after=int(ua["surplus_after"].sum()),
        moves=moves,
        total_km=round(total_km, 3),
        mean_km=round(total_km / moves, 3) if moves else 0.0,
        ceiling=int(elig.ceiling),
        ceiling_fill_rate=_round(filled / elig.ceiling, 4) if elig.ceiling else 1.0,
        fill_rate=fill_rate_of(ua),
        units_short_before=int((unit_short_before > 0).sum()),
        units_short_after=int((unit_short_after > 0).sum()),
        objective={"weighted_shortage_after": weighted_after, "total_km": round(total_km, 3)},
        bound={"weighted_shortage_after": _round(weighted_before - res.weighted_fill_bound),
               "total_km": _round(res.km_bound)},
        gap=_round(res.gap, 6),
        solve_seconds=round(res.solve_seconds, 3),
        timings={k: round(v, 3) for k, v in timings.items()},
        check={"passed": not violations, "rules": RULE_NAMES, "violations": [str(v) for v in violations]},
        scenario=public_settings(scenario.to_dict()),     # names, not paths (docs/contract.md §5)
        dataset=dataset_name(ds.source),
        data_note=ds.note,
        officers=officers_info,
        ceiling_weighted=int(elig.ceiling_weighted),
        build_seconds=round(res.build_seconds, 3),
        eligible_arcs=int(len(elig.arcs)),
        solver_stages=[{k: (round(v, 3) if isinstance(v, float) else v)
                        for k, v in st.items()} for st in res.stages],
    )
