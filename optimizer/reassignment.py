"""The reassignment model: integer flows of staff over eligible arcs, solved exactly.

Variables are flows ``x[a]`` on the eligible arcs a = (u → v, p) of
`optimizer.eligibility` — never one variable per person and destination.

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

``mip`` (the general path, OR-Tools model builder with HiGHS or SCIP).
    Used when the scenario adds constraints that couple positions (``max_departures_per_unit``,
    ``max_arrivals_per_unit``) or when asked for. Solved lexicographically: stage 1 maximises
    Σ priority·x (the integer weighted fill); stage 2 fixes it at its optimum and minimises
    Σ metres·x. Status, objective, bound and gap are those of the solver; when the time limit
    binds the best plan found is kept and the status is ``feasible``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.eligibility import Eligibility

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


def solve_min_cost_flow(elig: Eligibility) -> FlowResult:
    """Maximum flow of least cost over the eligible arcs (exact lexicographic optimum)."""
    from ortools.graph.python import min_cost_flow

    t0 = time.perf_counter()
    arcs = elig.arcs
    if arcs.empty:
        return FlowResult(_empty_flows(arcs), "optimal", "min_cost_flow", 0, 0.0, 0.0, 0.0, 0.0,
                          0.0, time.perf_counter() - t0)
    src_key = arcs["from_unit"] + "\x1f" + arcs["position_code"]
    dst_key = arcs["to_unit"] + "\x1f" + arcs["position_code"]
    src_codes, src_nodes = pd.factorize(src_key, sort=True)
    dst_codes, dst_nodes = pd.factorize(dst_key, sort=True)
    n_src = len(src_nodes)
    tails = src_codes.astype(np.int32)
    heads = (dst_codes + n_src).astype(np.int32)
    cap = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(np.int64)
    cost = _metres(arcs["km"])
    supply = arcs.groupby(src_codes)["supply"].first().to_numpy(dtype=np.int64)
    demand = arcs.groupby(dst_codes)["shortage"].first().to_numpy(dtype=np.int64)

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, cap, cost)
    nodes = np.arange(n_src + len(dst_nodes), dtype=np.int32)
    smcf.set_nodes_supplies(nodes, np.concatenate([supply, -demand]))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    status = smcf.solve_max_flow_with_min_cost()
    solve = time.perf_counter() - t1
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flow = smcf.flows(np.arange(len(arcs), dtype=np.int32))
    flows = _result_flows(arcs, flow)
    prio = _priorities(elig)
    wfill = int((flows["flow"] * flows["position_code"].map(prio)).sum())
    total_km = float((flows["flow"] * flows["km"]).sum())
    return FlowResult(flows, "optimal", "min_cost_flow", wfill, float(wfill), total_km, total_km,
                      0.0, solve, build)


def _incidence(keys: pd.Series, n_arcs: int) -> tuple[sp.csr_matrix, np.ndarray]:
    codes, uniques = pd.factorize(keys, sort=True)
    m = sp.csr_matrix((np.ones(n_arcs), (codes, np.arange(n_arcs))), shape=(len(uniques), n_arcs))
    return m, codes


def solve_mip(elig: Eligibility, time_limit: float = 60.0, *, max_departures_per_unit: int | None = None,
              max_arrivals_per_unit: int | None = None, solver: str = "highs") -> FlowResult:
    """The lexicographic MIP over arc flows, with optional per-unit limits coupling positions."""
    from ortools.linear_solver.python import model_builder as mb

    t0 = time.perf_counter()
    arcs = elig.arcs
    n = len(arcs)
    if n == 0:
        return FlowResult(_empty_flows(arcs), "optimal", "mip", 0, 0.0, 0.0, 0.0, 0.0, 0.0,
                          time.perf_counter() - t0)
    prio = arcs["position_code"].map(_priorities(elig)).to_numpy(dtype=float)
    metres = _metres(arcs["km"]).astype(float)
    cap = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(float)

    blocks, lo, hi = [], [], []
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
    # the stage-2 row Σ priority·x ≥ best, left free in stage 1
    blocks.append(sp.csr_matrix(prio.reshape(1, -1)))
    hi.append(np.array([np.inf]))
    A = sp.vstack(blocks, format="csr")
    upper = np.concatenate(hi)
    lower = np.full(A.shape[0], -np.inf)
    lower[:-1] = 0.0
    fill_row = A.shape[0] - 1

    model = mb.Model()
    h = model.helper
    h.fill_model_from_sparse_data(np.zeros(n), cap, prio, lower, upper, A)
    for i in range(n):
        h.set_var_integrality(i, True)
    h.set_maximize(True)
    build = time.perf_counter() - t0

    solver_obj = mb.Solver(solver)
    if not solver_obj.solver_is_supported():
        solver_obj = mb.Solver("scip")
    deadline = time.perf_counter() + float(time_limit)
    stages = []

    def run(stage):
        remaining = max(0.5, deadline - time.perf_counter())
        solver_obj.set_time_limit_in_seconds(remaining)
        t = time.perf_counter()
        st = solver_obj.solve(model)
        rep = {"stage": stage, "status": st.name, "seconds": time.perf_counter() - t}
        if st in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
            rep["objective"] = float(solver_obj.objective_value)
            rep["bound"] = float(solver_obj.best_objective_bound)
        stages.append(rep)
        return st

    t1 = time.perf_counter()
    st1 = run("weighted_fill")
    if st1 not in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        return FlowResult(_empty_flows(arcs), "infeasible", "mip", 0, float("nan"), 0.0, float("nan"),
                          float("nan"), time.perf_counter() - t1, build, stages)
    x1 = np.rint(solver_obj.values(model.get_variables()).to_numpy()).astype(np.int64)
    best_fill = int(round(stages[-1]["objective"]))
    fill_bound = stages[-1]["bound"]
    optimal1 = st1 == mb.SolveStatus.OPTIMAL

    # stage 2: keep the weighted fill, minimise metres
    h.set_constraint_lower_bound(fill_row, float(best_fill))
    h.set_maximize(False)
    h.set_objective_coefficients(list(range(n)), metres.tolist())
    st2 = run("kilometres")
    if st2 in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        x = np.rint(solver_obj.values(model.get_variables()).to_numpy()).astype(np.int64)
        km_bound = stages[-1]["bound"] / 1000.0
        optimal2 = st2 == mb.SolveStatus.OPTIMAL
    else:  # time ran out in stage 2: keep stage 1's plan
        x, km_bound, optimal2 = x1, float("nan"), False
    solve = time.perf_counter() - t1
    flows = _result_flows(arcs, x)
    wfill = int((x * prio).sum())
    total_km = float((flows["flow"] * flows["km"]).sum())
    if optimal1 and optimal2:
        status, gap = "optimal", 0.0
    else:
        status = "feasible"
        if not optimal1:
            gap = abs(fill_bound - wfill) / max(1.0, abs(fill_bound))
        else:
            gap = abs(total_km - km_bound) / max(1e-9, abs(total_km)) if km_bound == km_bound else float("nan")
    return FlowResult(flows, status, "mip", wfill, float(fill_bound), total_km, km_bound, gap, solve, build,
                      stages)


def solve_flows(elig: Eligibility, *, time_limit: float = 60.0, method: str = "auto",
                max_departures_per_unit: int | None = None,
                max_arrivals_per_unit: int | None = None) -> FlowResult:
    """Solve the reassignment exactly; ``auto`` takes min-cost flow unless side limits need the MIP."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    coupled = max_departures_per_unit is not None or max_arrivals_per_unit is not None
    if method == "min_cost_flow" and coupled:
        raise ValueError("per-unit limits couple positions: min-cost flow cannot take them, use the MIP")
    if method == "mip" or coupled:
        return solve_mip(elig, time_limit, max_departures_per_unit=max_departures_per_unit,
                         max_arrivals_per_unit=max_arrivals_per_unit)
    return solve_min_cost_flow(elig)
