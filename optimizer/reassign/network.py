"""The reassignment model: integer flows of staff over eligible arcs, solved exactly.

Variables are flows ``x[a]`` on the eligible arcs a = (u → v, p) of
`optimizer.reassign.eligibility` — never one variable per person and destination.

Objective (CONTRACT.md §2), lexicographic:
  1. minimise Σ priority(p) · shortage_after(v, p)  (weighted unfilled shortage);
  2. among those, minimise Σ km(a) · x[a]            (total kilometres).

Two exact methods:

``min_cost_flow`` (the fast path, OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``).
    Nodes are (unit, position) pairs: surplus pairs supply ``supply``, shortage pairs demand
    ``shortage``. Because shortage_after(v,p) = shortage(v,p) − inflow(v,p),
    objective 1 equals a constant minus Σ_p priority(p)·F_p, where F_p is the flow of
    position p. Positions share no node and no capacity, so with every priority > 0
    the sum is largest exactly when every F_p is a maximum flow, i.e. when the total flow is
    maximum. A maximum flow of least cost is therefore the lexicographic optimum: no weights
    are needed. Costs are km rounded to the metre (eligibility rounds them once; those are the
    distances reported), so the optimum is exact on the reported distances.

``min_cost_flow`` also takes the per-unit limits of a scenario (``max_departures_per_unit``,
    ``max_arrivals_per_unit``): a layer of unit nodes keeps it a network, and integer rewards
    ``priority · BIG`` (BIG above the metres of any plan) keep the order exact.

``mip`` (the general path, OR-Tools model builder with HiGHS, else SCIP).
    The same flows as integer variables with the constraints written out, for side constraints
    a network cannot express and as an independent cross-check (the tests show both give the
    same optimum). Objective Σ (priority · BIG − metres) · x, integer coefficients, solved to an
    absolute gap below 1: exact. Status, objective, bound and gap are the solver's; when the time
    limit binds the best plan found is kept and the status is ``feasible``.
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.reassign.eligibility import Eligibility

METHODS = ("auto", "min_cost_flow", "mip")


@dataclass(frozen=True)
class FlowResult:
    flows: pd.DataFrame        # from_unit, to_unit, position_code, km, distance_source, flow (>0 only)
    status: str                # optimal / feasible / infeasible
    method: str                # min_cost_flow / mip
    weighted_fill: int         # Σ priority · flow (stage-1 objective)
    weighted_fill_bound: float  # best bound proven for it
    total_km: float
    km_bound: float            # stage-2 bound (equal to total_km when optimal)
    gap: float                 # relative gap of the stage that did not close (0 when optimal)
    solve_seconds: float
    build_seconds: float
    stages: list = field(default_factory=list)  # per-stage solver reports (MIP)


def _metres(km: pd.Series) -> np.ndarray:
    return np.rint(km.to_numpy(dtype=float) * 1000.0).astype(np.int64)


def _empty_flows(arcs: pd.DataFrame) -> pd.DataFrame:
    return arcs.iloc[0:0][["from_unit", "to_unit", "position_code", "km", "distance_source"]].assign(
        flow=pd.Series(dtype="int64"))


def _result_flows(arcs: pd.DataFrame, flow: np.ndarray) -> pd.DataFrame:
    out = arcs[["from_unit", "to_unit", "position_code", "km", "distance_source"]].assign(
        flow=np.asarray(flow, dtype=np.int64))
    return out.loc[out["flow"] > 0].reset_index(drop=True)


def _priorities(elig: Eligibility) -> pd.Series:
    return elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]


def solve_min_cost_flow(elig: Eligibility, *, max_departures_per_unit: int | None = None,
                        max_arrivals_per_unit: int | None = None) -> FlowResult:
    """The exact lexicographic optimum as a network flow.

    Without per-unit limits: a maximum flow of least cost (see the module docstring).
    With them, positions compete for a unit's limit, so the priorities matter; the network gets a
    layer of unit nodes (source → unit → (unit, position) … (unit, position) → unit → sink) and
    each unit of flow arriving at a shortage pair earns ``−priority · BIG`` where ``BIG`` exceeds
    the metres of any feasible plan (Σ shortage × the longest arc into it). A plan with more
    weighted fill is then always cheaper, whatever its kilometres: the weights give the same
    order as the lexicographic objective, exactly, in integers.
    """
    from ortools.graph.python import min_cost_flow

    t0 = time.perf_counter()
    arcs = elig.arcs
    if arcs.empty:
        return FlowResult(_empty_flows(arcs), "optimal", "min_cost_flow", 0, 0.0, 0.0, 0.0, 0.0,
                          0.0, time.perf_counter() - t0)
    src_codes, src_nodes = pd.factorize(arcs["from_unit"] + "\x1f" + arcs["position_code"], sort=True)
    dst_codes, dst_nodes = pd.factorize(arcs["to_unit"] + "\x1f" + arcs["position_code"], sort=True)
    n_src, n_dst = len(src_nodes), len(dst_nodes)
    cap = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(np.int64)
    cost = _metres(arcs["km"])
    supply = arcs.groupby(src_codes)["supply"].first().to_numpy(dtype=np.int64)
    demand = arcs.groupby(dst_codes)["shortage"].first().to_numpy(dtype=np.int64)
    smcf = min_cost_flow.SimpleMinCostFlow()
    # transport arcs first, so that flows(0..n-1) are theirs
    smcf.add_arcs_with_capacity_and_unit_cost(src_codes.astype(np.int32), (dst_codes + n_src).astype(np.int32),
                                              cap, cost)
    limited = max_departures_per_unit is not None or max_arrivals_per_unit is not None
    if not limited:
        smcf.set_nodes_supplies(np.arange(n_src + n_dst, dtype=np.int32), np.concatenate([supply, -demand]))
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        status = smcf.solve_max_flow_with_min_cost()
    else:
        S, T = n_src + n_dst, n_src + n_dst + 1
        nxt = T + 1
        total = int(supply.sum())
        # source side: S → (u, p), through a unit node when departures are limited
        if max_departures_per_unit is None:
            smcf.add_arcs_with_capacity_and_unit_cost(np.full(n_src, S, np.int32), np.arange(n_src, dtype=np.int32),
                                                      supply, np.zeros(n_src, np.int64))
        else:
            u_codes, u_names = pd.factorize(pd.Series(src_nodes).str.split("\x1f").str[0], sort=True)
            un = nxt + np.arange(len(u_names), dtype=np.int32)
            nxt += len(u_names)
            smcf.add_arcs_with_capacity_and_unit_cost(np.full(len(un), S, np.int32), un,
                                                      np.full(len(un), int(max_departures_per_unit), np.int64),
                                                      np.zeros(len(un), np.int64))
            smcf.add_arcs_with_capacity_and_unit_cost(un[u_codes], np.arange(n_src, dtype=np.int32), supply,
                                                      np.zeros(n_src, np.int64))
        # sink side: (v, p) → T earning −priority · BIG, through a unit node when arrivals are limited
        prio = pd.Series(dst_nodes).str.split("\x1f").str[1].map(_priorities(elig)).to_numpy(dtype=np.int64)
        big = _big(arcs, dst_codes)
        reward = -prio * big
        dst_ids = (n_src + np.arange(n_dst)).astype(np.int32)
        if max_arrivals_per_unit is None:
            smcf.add_arcs_with_capacity_and_unit_cost(dst_ids, np.full(n_dst, T, np.int32), demand, reward)
        else:
            v_codes, v_names = pd.factorize(pd.Series(dst_nodes).str.split("\x1f").str[0], sort=True)
            vn = nxt + np.arange(len(v_names), dtype=np.int32)
            nxt += len(v_names)
            smcf.add_arcs_with_capacity_and_unit_cost(dst_ids, vn[v_codes], demand, reward)
            smcf.add_arcs_with_capacity_and_unit_cost(vn, np.full(len(vn), T, np.int32),
                                                      np.full(len(vn), int(max_arrivals_per_unit), np.int64),
                                                      np.zeros(len(vn), np.int64))
        smcf.add_arc_with_capacity_and_unit_cost(S, T, total, 0)    # whatever is not moved
        smcf.set_node_supply(S, total)
        smcf.set_node_supply(T, -total)
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        status = smcf.solve()
    solve = time.perf_counter() - t1
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flow = smcf.flows(np.arange(len(arcs), dtype=np.int32))
    flows = _result_flows(arcs, flow)
    wfill = int((flows["flow"] * flows["position_code"].map(_priorities(elig))).sum())
    total_km = float((flows["flow"] * flows["km"]).sum())
    return FlowResult(flows, "optimal", "min_cost_flow", wfill, float(wfill), total_km, total_km,
                      0.0, solve, build)


def _incidence(keys: pd.Series, n_arcs: int) -> tuple[sp.csr_matrix, np.ndarray]:
    codes, uniques = pd.factorize(keys, sort=True)
    m = sp.csr_matrix((np.ones(n_arcs), (codes, np.arange(n_arcs))), shape=(len(uniques), n_arcs))
    return m, codes


def _big(arcs: pd.DataFrame, dst_codes: np.ndarray) -> int:
    """More metres than any feasible plan can travel: Σ shortage × the longest arc into it, + 1."""
    longest = arcs.groupby(dst_codes)["km"].max().to_numpy()
    demand = arcs.groupby(dst_codes)["shortage"].first().to_numpy(dtype=np.int64)
    return int((demand * np.rint(longest * 1000).astype(np.int64)).sum()) + 1


def solve_mip(elig: Eligibility, time_limit: float = 60.0, *, max_departures_per_unit: int | None = None,
              max_arrivals_per_unit: int | None = None, solver: str = "highs") -> FlowResult:
    """The general MIP over arc flows (OR-Tools model builder; HiGHS, else SCIP).

    Objective: maximise Σ (priority · BIG − metres) · x with BIG = `_big`: every plan with more
    weighted fill scores higher whatever its kilometres, so the optimum is the lexicographic one.
    All coefficients are integers and the solver is told to close the gap below 1 (no relative
    gap), so "optimal" is exact. When the time limit binds, the best plan found is returned as
    ``feasible`` with the solver's bound; if none was found, moving nobody (always allowed) is.
    """
    from ortools.linear_solver.python import model_builder as mb

    t0 = time.perf_counter()
    arcs = elig.arcs
    n = len(arcs)
    if n == 0:
        return FlowResult(_empty_flows(arcs), "optimal", "mip", 0, 0.0, 0.0, 0.0, 0.0, 0.0,
                          time.perf_counter() - t0)
    prio = arcs["position_code"].map(_priorities(elig)).to_numpy(dtype=np.int64)
    metres = _metres(arcs["km"])
    cap = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(float)

    blocks, hi = [], []
    out_m, out_codes = _incidence(arcs["from_unit"] + "\x1f" + arcs["position_code"], n)
    blocks.append(out_m)
    hi.append(arcs.groupby(out_codes)["supply"].first().to_numpy(dtype=float))
    in_m, in_codes = _incidence(arcs["to_unit"] + "\x1f" + arcs["position_code"], n)
    blocks.append(in_m)
    hi.append(arcs.groupby(in_codes)["shortage"].first().to_numpy(dtype=float))
    if max_departures_per_unit is not None:
        m, _ = _incidence(arcs["from_unit"], n)
        blocks.append(m)
        hi.append(np.full(m.shape[0], float(max_departures_per_unit)))
    if max_arrivals_per_unit is not None:
        m, _ = _incidence(arcs["to_unit"], n)
        blocks.append(m)
        hi.append(np.full(m.shape[0], float(max_arrivals_per_unit)))
    A = sp.vstack(blocks, format="csr")
    upper = np.concatenate(hi)
    big = _big(arcs, in_codes)
    objective = (prio * big - metres).astype(float)

    model = mb.Model()
    h = model.helper
    h.fill_model_from_sparse_data(np.zeros(n), cap, objective, np.zeros(A.shape[0]), upper, A)
    for i in range(n):
        h.set_var_integrality(i, True)
    h.set_maximize(True)
    build = time.perf_counter() - t0

    solver_obj = mb.Solver(solver)
    if not solver_obj.solver_is_supported():
        solver, solver_obj = "scip", mb.Solver("scip")
    solver_obj.enable_output(False)
    if solver == "highs":
        solver_obj.set_solver_specific_parameters("mip_rel_gap=0\nmip_abs_gap=0.5\noutput_flag=false")
    solver_obj.set_time_limit_in_seconds(float(time_limit))
    t1 = time.perf_counter()
    st = solver_obj.solve(model)
    solve = time.perf_counter() - t1
    report = {"solver": solver, "status": st.name, "seconds": solve, "big": big}
    if st in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        x = np.rint(solver_obj.values(model.get_variables()).to_numpy()).astype(np.int64)
        bound_obj = float(solver_obj.best_objective_bound)
        report.update(objective=float(solver_obj.objective_value), bound=bound_obj)
    elif st in (mb.SolveStatus.NOT_SOLVED, mb.SolveStatus.UNKNOWN_STATUS):
        x, bound_obj = np.zeros(n, dtype=np.int64), float(objective.clip(min=0).dot(cap))
    else:
        raise RuntimeError(f"the MIP solver ended with status {st.name}")
    flows = _result_flows(arcs, x)
    wfill = int((x * prio).sum())
    total_km = float((flows["flow"] * flows["km"]).sum())
    if st == mb.SolveStatus.OPTIMAL:
        return FlowResult(flows, "optimal", "mip", wfill, float(wfill), total_km, total_km, 0.0,
                          solve, build, [report])
    # the solver's bound, and never above what could be filled with no distance limit at all
    fill_bound = float(min(math.ceil(bound_obj / big), elig.ceiling_weighted))
    gap = (fill_bound - wfill) / max(1.0, fill_bound)
    return FlowResult(flows, "feasible", "mip", wfill, fill_bound, total_km, float("nan"), gap,
                      solve, build, [report])


def solve_flows(elig: Eligibility, *, time_limit: float = 60.0, method: str = "auto",
                max_departures_per_unit: int | None = None,
                max_arrivals_per_unit: int | None = None) -> FlowResult:
    """Solve the reassignment exactly.

    ``auto`` and ``min_cost_flow`` take the network-flow path (with or without per-unit limits);
    ``mip`` builds the general MIP (for constraints a network cannot express, and as a cross-check).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "mip":
        res = solve_mip(elig, time_limit, max_departures_per_unit=max_departures_per_unit,
                        max_arrivals_per_unit=max_arrivals_per_unit)
        if res.status == "optimal":
            return res
        # Every constraint the MIP has, the network takes too, exactly: rather than hand a planner
        # a plan the MIP could not finish, return the network's optimum and say so.
        net = solve_min_cost_flow(elig, max_departures_per_unit=max_departures_per_unit,
                                  max_arrivals_per_unit=max_arrivals_per_unit)
        note = {"fallback": f"the MIP ended {res.status} (gap {res.gap:.3g}) within {time_limit:g} s; "
                            "the network flow solved the same constraints exactly"}
        return dataclasses.replace(net, stages=[*res.stages, note])
    return solve_min_cost_flow(elig, max_departures_per_unit=max_departures_per_unit,
                               max_arrivals_per_unit=max_arrivals_per_unit)
