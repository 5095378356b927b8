"""What the reassignment solvers share: the result type and helpers over eligible arcs."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.reassign.eligibility import Eligibility
from optimizer.status import Status

__all__ = ["FlowResult", "METHODS", "add_source_and_sink", "metres", "empty_flows", "result_flows", "priorities", "incidence",
           "pair_nodes", "node_values", "incidence_codes", "big_weight"]

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
    """The arcs that carry flow (only those rows are copied), with their flow."""
    flow = np.asarray(flow, dtype=np.int64)
    used = np.flatnonzero(flow > 0)
    out = arcs[["from_unit", "to_unit", "position_code", "km", "distance_source"]].iloc[used]
    return out.assign(flow=flow[used]).reset_index(drop=True)


def priorities(elig: Eligibility) -> pd.Series:
    return elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]

def incidence(keys: pd.Series, n_arcs: int) -> tuple[sp.csr_matrix, np.ndarray]:
    codes, uniques = pd.factorize(keys, sort=True)
    m = sp.csr_matrix((np.ones(n_arcs), (codes, np.arange(n_arcs))), shape=(len(uniques), n_arcs))
    return m, codes


def pair_nodes(units: pd.Series, positions: pd.Series) -> tuple[np.ndarray, int, np.ndarray, pd.Index]:
    """One node per (unit, position) of the arcs, from integer codes (no joined strings).

    Nodes are numbered in the sorted order of (unit, position) — the order ``pd.factorize`` of the
    strings ``unit + "\x1f" + position`` with ``sort=True`` gives — so the networks are the same.
    Returns (node of each row, number of nodes, unit rank of each node, positions of each node).
    """
    p, p_uni = pd.factorize(positions, sort=True)
    n_pos = max(len(p_uni), 1)
    key, _ = pd.factorize(units, sort=True)
    key = key.astype(np.int64, copy=False)
    key *= n_pos                    # in place: one array of the arcs' length at a time
    key += p
    del p
    codes, keys = pd.factorize(key, sort=True)
    del key
    keys = np.asarray(keys, dtype=np.int64)
    return codes, len(keys), keys // n_pos, pd.Index(np.asarray(p_uni, dtype=object)[keys % n_pos])


def node_values(codes: np.ndarray, n_nodes: int, values: pd.Series) -> np.ndarray:
    """The value each node's arcs carry (a pair's supply or shortage: the same on every arc of the
    node), as int64 by node, without a groupby over the arcs."""
    out = np.zeros(n_nodes, dtype=np.int64)
    out[codes] = values.to_numpy(dtype=np.int64)
    return out


def incidence_codes(codes: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """Row ``codes[a]`` has a 1 in column a."""
    n = len(codes)
    return sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_rows, n))


def big_weight(arcs: pd.DataFrame, dst_codes: np.ndarray) -> int:
    """More metres than any feasible plan can travel: Σ shortage × the longest arc into it, + 1."""
    longest = arcs.groupby(dst_codes)["km"].max().to_numpy()
    demand = arcs.groupby(dst_codes)["shortage"].first().to_numpy(dtype=np.int64)
    return int((demand * np.rint(longest * 1000).astype(np.int64)).sum()) + 1


def add_source_and_sink(smcf, n_src: int, n_dst: int, supply: np.ndarray, demand: np.ndarray,
                        reward: np.ndarray, dep_units, max_dep: int | None, arr_units,
                        max_arr: int | None) -> None:
    """The frame shared by the reassignment networks with rewards (per-unit limits, retraining).

    Nodes 0..n_src-1 are the surplus pairs and n_src..n_src+n_dst-1 the shortage pairs; S and T
    follow, then the unit nodes. S → surplus pair (its supply), through one node per unit when
    departures are limited (`dep_units`: each surplus pair's unit code and the units, as from
    `pd.factorize`); shortage pair → T (its demand) earning `reward`, through one node per unit
    when arrivals are limited (`arr_units`); and S → T at cost 0 for whoever is not moved.
    """
    S, T = n_src + n_dst, n_src + n_dst + 1
    nxt = T + 1
    total = int(supply.sum())
    src_ids = np.arange(n_src, dtype=np.int32)
    if max_dep is None:
        smcf.add_arcs_with_capacity_and_unit_cost(np.full(n_src, S, np.int32), src_ids, supply,
                                                  np.zeros(n_src, np.int64))
    else:
        un = nxt + np.arange(len(dep_units[1]), dtype=np.int32)
        nxt += len(un)
        smcf.add_arcs_with_capacity_and_unit_cost(np.full(len(un), S, np.int32), un,
                                                  np.full(len(un), int(max_dep), np.int64), np.zeros(len(un), np.int64))
        smcf.add_arcs_with_capacity_and_unit_cost(un[dep_units[0]], src_ids, supply, np.zeros(n_src, np.int64))
    dst_ids = (n_src + np.arange(n_dst)).astype(np.int32)
    if max_arr is None:
        smcf.add_arcs_with_capacity_and_unit_cost(dst_ids, np.full(n_dst, T, np.int32), demand, reward)
    else:
        vn = nxt + np.arange(len(arr_units[1]), dtype=np.int32)
        smcf.add_arcs_with_capacity_and_unit_cost(dst_ids, vn[arr_units[0]], demand, reward)
        smcf.add_arcs_with_capacity_and_unit_cost(vn, np.full(len(vn), T, np.int32),
                                                  np.full(len(vn), int(max_arr), np.int64), np.zeros(len(vn), np.int64))
    smcf.add_arc_with_capacity_and_unit_cost(S, T, total, 0)    # whatever is not moved
    smcf.set_node_supply(S, total)
    smcf.set_node_supply(T, -total)
