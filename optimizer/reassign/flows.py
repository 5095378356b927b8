"""What the reassignment solvers share: the result type and helpers over eligible arcs."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.reassign.eligibility import Eligibility
from optimizer.status import Status

__all__ = ["FlowResult", "METHODS", "metres", "empty_flows", "result_flows", "priorities", "incidence", "big_weight"]

METHODS = ("auto", "min_cost_flow", "mip")


@dataclass(frozen=True, kw_only=True)
class FlowResult:
    """The optimal (or best found) flows and the solver's account of them. Built by keyword."""
    flows: pd.DataFrame        # from_unit, to_unit, position_code, km, distance_source, flow (>0 only)
    status: Status
    method: str                # min_cost_flow / mip
    weighted_fill: int         # Σ priority · flow (stage-1 objective)
    weighted_fill_bound: float  # best bound proven for it
    total_km: float
    km_bound: float            # stage-2 bound (equal to total_km when optimal)
    gap: float                 # relative gap of the stage that did not close (0 when optimal)
    solve_seconds: float
    build_seconds: float
    stages: list[dict] = field(default_factory=list)  # per-stage solver reports (MIP)

    @classmethod
    def empty(cls, arcs: pd.DataFrame, method: str, build_seconds: float) -> "FlowResult":
        """Nothing to move: the empty plan, trivially optimal."""
        return cls(flows=empty_flows(arcs), status=Status.OPTIMAL, method=method, weighted_fill=0,
                   weighted_fill_bound=0.0, total_km=0.0, km_bound=0.0, gap=0.0, solve_seconds=0.0,
                   build_seconds=build_seconds)


def metres(km: pd.Series) -> np.ndarray:
    return np.rint(km.to_numpy(dtype=float) * 1000.0).astype(np.int64)


def empty_flows(arcs: pd.DataFrame) -> pd.DataFrame:
    return arcs.iloc[0:0][["from_unit", "to_unit", "position_code", "km", "distance_source"]].assign(
        flow=pd.Series(dtype="int64"))


def result_flows(arcs: pd.DataFrame, flow: np.ndarray) -> pd.DataFrame:
    out = arcs[["from_unit", "to_unit", "position_code", "km", "distance_source"]].assign(
        flow=np.asarray(flow, dtype=np.int64))
    return out.loc[out["flow"] > 0].reset_index(drop=True)


def priorities(elig: Eligibility) -> pd.Series:
    return elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]

def incidence(keys: pd.Series, n_arcs: int) -> tuple[sp.csr_matrix, np.ndarray]:
    codes, uniques = pd.factorize(keys, sort=True)
    m = sp.csr_matrix((np.ones(n_arcs), (codes, np.arange(n_arcs))), shape=(len(uniques), n_arcs))
    return m, codes


def big_weight(arcs: pd.DataFrame, dst_codes: np.ndarray) -> int:
    """More metres than any feasible plan can travel: Σ shortage × the longest arc into it, + 1."""
    longest = arcs.groupby(dst_codes)["km"].max().to_numpy()
    demand = arcs.groupby(dst_codes)["shortage"].first().to_numpy(dtype=np.int64)
    return int((demand * np.rint(longest * 1000).astype(np.int64)).sum()) + 1
