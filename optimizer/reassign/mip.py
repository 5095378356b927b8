"""The general MIP over arc flows (OR-Tools model builder; HiGHS, else SCIP).

The same flows as `optimizer.reassign.network` with the constraints written out, for side
constraints a network cannot express and as an independent cross-check.

How it is solved, and why (measured on the national dataset at 80 km: 80,542 arcs; a shared
2-core machine at load ≈ 11, so read the ratios; benchmarks/README.md has the commands):

* The old way — one MIP, objective Σ (priority · BIG − metres) · x with BIG ≈ 6·10^8, HiGHS
  branch and bound told to close an absolute gap of 0.5 — took 60–160 s against 0.5–1 s for the
  network flow (the 15–30 s of issue 14 on a quiet machine). Where it went: (1) the objective is
  ≈ 8·10^12 and a gap of 0.5 is a relative 6·10^-14, below what HiGHS's tolerances can prove, so
  after the root it keeps working (one default run hit a 120 s limit with no incumbent);
  (2) presolve (probing on 80,000 integer columns) and symmetry detection: presolve=off gave 61 s,
  mip_detect_symmetry=false 96 s, both optimal; (3) the big-M objective itself is badly scaled:
  the *LP* relaxation with it takes 17.8 s by dual simplex (scipy HiGHS) against 3.1 s with the
  stage-1 objective Σ priority · x alone.
* The rows (out of each (unit, position), into each (unit, position), and the per-unit limits,
  which nest) form a totally unimodular matrix, so an optimal *vertex* of the LP relaxation is
  integral. So: solve lexicographically, stage by stage, on LP relaxations by simplex — stage 1
  maximises Σ priority · x (W*), stage 2 adds Σ priority · x ≥ W* and minimises the metres — and
  check each vertex integral and feasible in integers. An integral optimum of a relaxation is an
  optimum of the integer program (the relaxation bounds it), so the result is exact, with no
  weights at all. National 80 km: 10.6 s (3.1 + 6.2 s) against 18.3 s for the one weighted LP
  and 60–160 s for the MIP, still ≈ 20× the network flow — the rest is a general LP simplex
  against a specialised network simplex, and stage 2 starting cold (model builder cannot pass
  stage 1's basis; highspy's setBasis could).
* Only when a vertex is fractional (side constraints that break unimodularity: the roadmap's)
  does branch and bound run, on the weighted objective as before, with the time that is left.
  For the roadmap: keep the lexicographic stages (not big-M weights), try the LP first, and
  prefer side constraints that keep the rows nested.
"""
from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb

from optimizer.reassign.eligibility import Eligibility
from optimizer.reassign.flows import FlowResult, big_weight, incidence, incidence_codes, pair_nodes, priorities, result_flows
from optimizer.reassign.flows import metres as to_metres
from optimizer.status import Status

__all__ = ["solve_mip"]


def solve_mip(elig: Eligibility, time_limit: float = 60.0, *, max_departures_per_unit: int | None = None,
              max_arrivals_per_unit: int | None = None, solver: str = "highs") -> FlowResult:
    """The general MIP over arc flows (OR-Tools model builder; HiGHS, else SCIP).

    Objective: maximise Σ (priority · BIG − metres) · x with BIG = `big_weight`: every plan with more
    weighted fill scores higher whatever its kilometres, so the optimum is the lexicographic one.
    All coefficients are integers and the solver is told to close the gap below 1 (no relative
    gap), so "optimal" is exact. When the time limit binds, the best plan found is returned as
    ``feasible`` with the solver's bound; if none was found, moving nobody (always allowed) is.
    """
    t0 = time.perf_counter()
    arcs = elig.arcs
    n = len(arcs)
    if n == 0:
        return FlowResult.empty(arcs, "mip", time.perf_counter() - t0)
    prio = arcs["position_code"].map(priorities(elig)).to_numpy(dtype=np.int64)
    metres = to_metres(arcs["km"])
    cap = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(float)

    blocks, hi = [], []
    out_codes, n_out, _, _ = pair_nodes(arcs["from_unit"], arcs["position_code"])
    blocks.append(incidence_codes(out_codes, n_out))
    hi.append(arcs.groupby(out_codes)["supply"].first().to_numpy(dtype=float))
    in_codes, n_in, _, _ = pair_nodes(arcs["to_unit"], arcs["position_code"])
    blocks.append(incidence_codes(in_codes, n_in))
    hi.append(arcs.groupby(in_codes)["shortage"].first().to_numpy(dtype=float))
    if max_departures_per_unit is not None:
        m, _ = incidence(arcs["from_unit"], n)
        blocks.append(m)
        hi.append(np.full(m.shape[0], float(max_departures_per_unit)))
    if max_arrivals_per_unit is not None:
        m, _ = incidence(arcs["to_unit"], n)
        blocks.append(m)
        hi.append(np.full(m.shape[0], float(max_arrivals_per_unit)))
    A = sp.vstack(blocks, format="csr")
    upper = np.concatenate(hi)
    big = big_weight(arcs, in_codes)
    objective = (prio * big - metres).astype(float)

    def model_of(integer: bool) -> mb.Model:
        model = mb.Model()
        h = model.helper
        h.fill_model_from_sparse_data(np.zeros(n), cap, objective, np.zeros(A.shape[0]), upper, A)
        if integer:
            for i in range(n):
                h.set_var_integrality(i, True)
        h.set_maximize(True)
        return model

    build = time.perf_counter() - t0
    if not mb.Solver(solver).solver_is_supported():
        solver = "scip"

    # 1. Lexicographic, stage by stage, on LP relaxations (see the module docstring): maximise the
    #    weighted fill, then keep it and minimise the metres. Each vertex is checked integral and
    #    feasible in integers; an integral optimum of a relaxation is an optimum of the integer
    #    program, so both stages are exact. A fractional vertex falls through to branch and bound.
    t1 = time.perf_counter()
    lp = _lexicographic_lp(A, upper, cap, prio, metres, time_limit, solver)
    if lp is not None:
        x, lp_stages = lp
        solve = time.perf_counter() - t1
        flows = result_flows(arcs, x)
        wfill = int((x * prio).sum())
        total_km = float((flows["flow"] * flows["km"]).sum())
        return FlowResult(flows=flows, status=Status.OPTIMAL, method="mip", weighted_fill=wfill,
                          weighted_fill_bound=float(wfill), total_km=total_km, km_bound=total_km, gap=0.0,
                          solve_seconds=solve, build_seconds=build, stages=lp_stages)

    # 2. Otherwise (a fractional vertex: side constraints that break unimodularity) branch and bound.
    model = model_of(True)
    solver_obj = mb.Solver(solver)
    solver_obj.enable_output(False)
    if solver == "highs":
        solver_obj.set_solver_specific_parameters("mip_rel_gap=0\nmip_abs_gap=0.5\noutput_flag=false")
    solver_obj.set_time_limit_in_seconds(max(1e-3, float(time_limit) - (time.perf_counter() - t1)))
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
    flows = result_flows(arcs, x)
    wfill = int((x * prio).sum())
    total_km = float((flows["flow"] * flows["km"]).sum())
    if st == mb.SolveStatus.OPTIMAL:
        return FlowResult(flows=flows, status=Status.OPTIMAL, method="mip", weighted_fill=wfill,
                          weighted_fill_bound=float(wfill), total_km=total_km, km_bound=total_km, gap=0.0,
                          solve_seconds=solve, build_seconds=build, stages=[report])
    # the solver's bound, and never above what could be filled with no distance limit at all
    fill_bound = float(min(math.ceil(bound_obj / big), elig.ceiling_weighted))
    gap = (fill_bound - wfill) / max(1.0, fill_bound)
    return FlowResult(flows=flows, status=Status.FEASIBLE, method="mip", weighted_fill=wfill,
                      weighted_fill_bound=fill_bound, total_km=total_km, km_bound=float("nan"), gap=gap,
                      solve_seconds=solve, build_seconds=build, stages=[report])


def _relaxation(objective: np.ndarray, A: sp.csr_matrix, lower: np.ndarray, upper: np.ndarray,
                cap: np.ndarray, time_limit: float, solver: str) -> tuple[np.ndarray, dict] | None:
    """Maximise objective·x over lower ≤ A x ≤ upper, 0 ≤ x ≤ cap, x continuous, by simplex.

    The optimal vertex when it is integral (checked, and its rounding checked feasible in
    integers), else None."""
    n = len(objective)
    model = mb.Model()
    h = model.helper
    h.fill_model_from_sparse_data(np.zeros(n), cap, objective.astype(float), lower, upper, A)
    h.set_maximize(True)
    solver_obj = mb.Solver(solver)
    solver_obj.enable_output(False)
    if solver == "highs":
        solver_obj.set_solver_specific_parameters("solver=simplex\noutput_flag=false")
    solver_obj.set_time_limit_in_seconds(max(1e-3, float(time_limit)))
    t = time.perf_counter()
    st = solver_obj.solve(model)
    seconds = time.perf_counter() - t
    if st != mb.SolveStatus.OPTIMAL:
        return None
    value = solver_obj.values(model.get_variables()).to_numpy()
    x = np.rint(value)
    if np.abs(value - x).max(initial=0.0) > 1e-6:
        return None
    x = x.astype(np.int64)
    ax = A @ x
    if (x < 0).any() or (x > cap).any() or (ax > upper + 1e-9).any() or (ax < lower - 1e-9).any():
        return None
    return x, {"solver": solver, "status": st.name, "relaxation": "lp", "integral": True,
               "objective": float(objective @ x), "seconds": seconds}


def _lexicographic_lp(A: sp.csr_matrix, upper: np.ndarray, cap: np.ndarray, prio: np.ndarray,
                      metres: np.ndarray, time_limit: float, solver: str) -> tuple[np.ndarray, list[dict]] | None:
    """Stage 1: most weighted fill W*; stage 2: least metres with Σ priority·x ≥ W*. Both on LP
    relaxations that must come out integral (else None)."""
    t0 = time.perf_counter()
    lower = np.full(A.shape[0], -np.inf)
    first = _relaxation(prio, A, lower, upper, cap, time_limit, solver)
    if first is None:
        return None
    x1, r1 = first
    best = int(prio @ x1)
    A2 = sp.vstack([A, sp.csr_matrix(prio.astype(float).reshape(1, -1))], format="csr")
    second = _relaxation(-metres, A2, np.append(lower, float(best)), np.append(upper, np.inf), cap,
                         time_limit - (time.perf_counter() - t0), solver)
    if second is None:
        return None
    x2, r2 = second
    if int(prio @ x2) != best:
        return None
    r1["stage"], r2["stage"] = "weighted fill", "kilometres"
    return x2, [r1, r2]
