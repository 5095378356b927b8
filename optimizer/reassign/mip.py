"""The general MIP over arc flows (OR-Tools model builder; HiGHS, else SCIP).

The same flows as `optimizer.reassign.network` with the constraints written out, for side
constraints a network cannot express and as an independent cross-check.
"""
from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb

from optimizer.reassign.eligibility import Eligibility
from optimizer.reassign.flows import FlowResult, big_weight, incidence, priorities, result_flows
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
    out_m, out_codes = incidence(arcs["from_unit"] + "\x1f" + arcs["position_code"], n)
    blocks.append(out_m)
    hi.append(arcs.groupby(out_codes)["supply"].first().to_numpy(dtype=float))
    in_m, in_codes = incidence(arcs["to_unit"] + "\x1f" + arcs["position_code"], n)
    blocks.append(in_m)
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
