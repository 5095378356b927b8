"""The reassignment model: integer flows of staff over eligible arcs, solved exactly.

Variables are flows ``x[a]`` on the eligible arcs a = (u → v, p) of
`optimizer.reassign.eligibility` — never one variable per person and destination.

Objective (docs/contract.md §2), lexicographic:
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
import time

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

from optimizer.reassign.eligibility import Eligibility
from optimizer.reassign.flows import (METHODS, FlowResult, add_source_and_sink, big_weight, metres, node_values,
                                      pair_nodes, priorities, result_flows)
from optimizer.reassign.mip import solve_mip
from optimizer.status import Status

__all__ = ["FlowResult", "METHODS", "solve_flows", "solve_min_cost_flow", "solve_mip"]


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
    t0 = time.perf_counter()
    arcs = elig.arcs
    if arcs.empty:
        return FlowResult.empty(arcs, "min_cost_flow", time.perf_counter() - t0)
    # arrays of the arcs' length are dropped as soon as OR-Tools holds its own copy (memory at scale)
    src_codes, n_src, src_unit, _ = pair_nodes(arcs["from_unit"], arcs["position_code"])
    supply = node_values(src_codes, n_src, arcs["supply"])
    tails = src_codes.astype(np.int32)
    del src_codes
    dst_codes, n_dst, dst_unit, dst_pos = pair_nodes(arcs["to_unit"], arcs["position_code"])
    demand = node_values(dst_codes, n_dst, arcs["shortage"])
    heads = (dst_codes + n_src).astype(np.int32)
    smcf = min_cost_flow.SimpleMinCostFlow()
    # transport arcs first, so that flows(0..n-1) are theirs
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(np.int64),
        metres(arcs["km"]))
    del tails, heads
    limited = max_departures_per_unit is not None or max_arrivals_per_unit is not None
    if not limited:
        del dst_codes
        smcf.set_nodes_supplies(np.arange(n_src + n_dst, dtype=np.int32), np.concatenate([supply, -demand]))
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        status = smcf.solve_max_flow_with_min_cost()
    else:
        # S → (u, p) and (v, p) → T earning −priority · BIG, through unit nodes where limited
        prio = priorities(elig).reindex(dst_pos).to_numpy(dtype=np.int64)
        reward = -prio * big_weight(arcs, dst_codes)
        del dst_codes
        dep_units = pd.factorize(src_unit, sort=True) if max_departures_per_unit is not None else None
        arr_units = pd.factorize(dst_unit, sort=True) if max_arrivals_per_unit is not None else None
        add_source_and_sink(smcf, n_src, n_dst, supply, demand, reward, dep_units, max_departures_per_unit,
                            arr_units, max_arrivals_per_unit)
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        status = smcf.solve()
    solve = time.perf_counter() - t1
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flow = smcf.flows(np.arange(len(arcs), dtype=np.int32))
    del smcf
    flows = result_flows(arcs, flow)
    wfill = int((flows["flow"] * flows["position_code"].map(priorities(elig))).sum())
    total_km = float((flows["flow"] * flows["km"]).sum())
    return FlowResult(flows=flows, status=Status.OPTIMAL, method="min_cost_flow", weighted_fill=wfill,
                      weighted_fill_bound=float(wfill), total_km=total_km, km_bound=total_km, gap=0.0,
                      solve_seconds=solve, build_seconds=build)

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
        if res.status == Status.OPTIMAL:
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
