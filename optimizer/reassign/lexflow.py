"""The reassignment with retraining (docs/contract.md §6), solved exactly.

Variables are flows ``x[a]`` on the arcs a = ((u, p) → (v, q)) of
`optimizer.reassign.conversions`. The objective, lexicographic:

  1. maximise F1 = Σ_a priority(q) · x[a]      (= least Σ priority · unfilled shortage);
  2. minimise F2 = Σ_a [q ≠ p] · x[a]          (fewest moves that change position);
  3. minimise F3 = Σ_a metres(a) · x[a]        (least kilometres, to the metre).

Why the same-position argument no longer holds. Without conversions, positions share no node,
so a maximum flow is a maximum flow of every position and so maximises F1 (network.py). With
conversions a surplus pair feeds several positions of different priority: a maximum flow may fill
a priority-1 post with the person a priority-3 post needed. The priorities must enter the costs.

Method 1, ``min_cost_flow`` (one network, integer weights proven safe). The network is
S → (u, p) [capacity supply] → (v, q) [capacity shortage] → T, plus S → T for whoever stays (and
the unit nodes of per-unit limits, as in network.py). Costs: −priority(q) · W1 on (v, q) → T,
W2 · [q ≠ p] + metres on a move. A min-cost flow minimises C = −W1·F1 + W2·F2 + F3 over all
integer flows (the constraint matrix is a network matrix, so an optimal vertex is integral). With

    M3 ≥ F3 of any feasible plan   (Σ over shortage pairs of shortage × the longest arc into it,
                                    and the same over surplus pairs; the smaller),
    M2 ≥ F2 of any feasible plan   (the smaller of Σ shortage into pairs some retraining arc reaches
                                    and Σ supply of pairs some retraining arc leaves),
    W2 = M3 + 1,   W1 = W2 · M2 + M3 + 1,

a plan x lexicographically better than y has C(x) < C(y): if F1(x) > F1(y) (integers, so by at
least 1) then C(x) − C(y) ≤ −W1 + W2·M2 + M3 < 0; if F1 ties and F2(x) < F2(y) then
C(x) − C(y) ≤ −W2 + M3 < 0; if both tie, C(x) − C(y) = F3(x) − F3(y). So the least C is the
lexicographic optimum, exactly. The weights are Python integers; they are used only when every
cost fits OR-Tools' cost-scaling push-relabel, which multiplies costs by about twice the number of
nodes (`MAX_COST_TIMES_NODES`; measured: it refuses max |cost| · (2n + 4) ≥ 2^63 with
BAD_COST_RANGE), and when the optimal cost itself fits in int64. The solver's status is checked as
well; on BAD_COST_RANGE, or when the weights do not fit, method 2 is used and the reason recorded.

Method 2, ``staged_lp`` (stage by stage, linear programs with reduced-cost fixing; HiGHS' dual
simplex through scipy). Stage 1 maximises F1 over the flow polytope. Its constraint matrix (one row
per surplus pair, per shortage pair, and per unit when limited: two laminar families) is a network
matrix, totally unimodular, and every bound is an integer, so the simplex vertex is integral. By
complementary slackness, with the stage's optimal duals, the *set of all* stage-1 optima is the
polytope's face where every row with a nonzero dual is tight and every arc with a nonzero reduced
cost sits at the bound it points to. Stage 2 minimises F2 over that face: the same matrix with some
rows turned into equalities and some bounds fixed — still totally unimodular, still an integral
vertex; its duals fix the face of stage-2 optima for stage 3 (F3). No weights, no side rows, no
branching; each stage's vertex is checked to be integral, and the final plan to keep F1 and F2.
It is what ``--solver mip`` runs (a branch-and-bound MIP with the earlier objectives as side rows
was tried first: HiGHS needed minutes on one province for stage 2). When a stage's time runs
out, the last stage's integral optimum is kept as ``feasible``.

Per-unit limits (``max_departures_per_unit``, ``max_arrivals_per_unit``) count every move, a
retraining in place included (it leaves one post of the unit and takes another): the conservative
reading, and the one both methods share.

Both methods are tested to give the same (F1, F2, F3) (tests/test_conversions_flow.py), and the
whole plan against person-level MILPs solved stage by stage with scipy.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.reassign.eligibility import Eligibility
from optimizer.reassign.flows import FlowResult, add_source_and_sink
from optimizer.status import Status

METHODS = ("auto", "min_cost_flow", "mip")
INT64_MAX = 2**63 - 1
#: OR-Tools' cost scaling multiplies every cost by about 2 · (number of nodes) + 4 (measured on
#: ortools 9.15: a cost c with c · (2n + 4) ≥ 2^63 ends in BAD_COST_RANGE)
MAX_COST_TIMES_NODES = INT64_MAX

FLOW_COLUMNS = ["from_unit", "to_unit", "position_code", "to_position_code", "conversion", "km",
                "distance_source", "training_months", "training_cost_vnd"]


@dataclasses.dataclass(frozen=True)
class Weights:
    """The integer weights of method 1 and the bounds they rest on (Python ints, never floats)."""

    m2: int   # most position changes any plan can have
    m3: int   # most metres any plan can travel
    w2: int
    w1: int

    @classmethod
    def for_arcs(cls, arcs: pd.DataFrame) -> "Weights":
        metres = _metres(arcs)
        src = _keys(arcs, "from_unit", "position_code")
        dst = _keys(arcs, "to_unit", "to_position_code")
        supply = arcs.groupby(src)["supply"].first()
        shortage = arcs.groupby(dst)["shortage"].first()
        m = pd.Series(metres, index=arcs.index)
        m3_in = sum(int(a) * int(b) for a, b in zip(shortage, m.groupby(dst).max().reindex(shortage.index)))
        m3_out = sum(int(a) * int(b) for a, b in zip(supply, m.groupby(src).max().reindex(supply.index)))
        conv = arcs["conversion"].to_numpy(dtype=bool)
        m2_in = sum(int(x) for x in shortage.reindex(pd.unique(dst[conv]))) if conv.any() else 0
        m2_out = sum(int(x) for x in supply.reindex(pd.unique(src[conv]))) if conv.any() else 0
        m3, m2 = min(m3_in, m3_out), min(m2_in, m2_out)
        w2 = m3 + 1
        return cls(m2=m2, m3=m3, w2=w2, w1=w2 * m2 + m3 + 1)


def _metres(arcs: pd.DataFrame) -> np.ndarray:
    return np.rint(arcs["km"].to_numpy(dtype=float) * 1000.0).astype(np.int64)


def _keys(arcs: pd.DataFrame, unit: str, position: str) -> np.ndarray:
    return (arcs[unit] + "\x1f" + arcs[position]).to_numpy()


def _priorities(elig: Eligibility) -> pd.Series:
    return elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]


def _empty(arcs: pd.DataFrame, method: str, t0: float) -> FlowResult:
    flows = pd.DataFrame({c: pd.Series(dtype=arcs[c].dtype if c in arcs else object) for c in FLOW_COLUMNS})
    return FlowResult(flows=flows.assign(flow=pd.Series(dtype="int64")), status=Status.OPTIMAL, method=method,
                      weighted_fill=0, weighted_fill_bound=0.0, total_km=0.0, km_bound=0.0, gap=0.0,
                      solve_seconds=0.0, build_seconds=time.perf_counter() - t0,
                      stages=[{"stage": "none", "position_changes": 0}])


def _flows(arcs: pd.DataFrame, x: np.ndarray) -> pd.DataFrame:
    out = arcs[FLOW_COLUMNS].assign(flow=np.asarray(x, dtype=np.int64))
    return out.loc[out["flow"] > 0].reset_index(drop=True)


def objectives(arcs: pd.DataFrame, x: np.ndarray, priority: pd.Series) -> tuple[int, int, int]:
    """(F1, F2, F3) of arc flows x: weighted fill, position changes, metres (integers)."""
    x = np.asarray(x, dtype=np.int64)
    prio = arcs["to_position_code"].map(priority).to_numpy(dtype=np.int64)
    return (int((prio * x).sum()), int((arcs["conversion"].to_numpy(dtype=np.int64) * x).sum()),
            int((_metres(arcs) * x).sum()))


class CostRangeError(RuntimeError):
    """The weights of method 1 do not fit OR-Tools' integer costs."""


def solve_network(elig: Eligibility, *, max_departures_per_unit: int | None = None,
                  max_arrivals_per_unit: int | None = None,
                  cost_limit: int = MAX_COST_TIMES_NODES) -> FlowResult:
    """Method 1: one min-cost flow with the weights of `Weights` (see the module docstring).

    Raises CostRangeError when the weights would not fit (``cost_limit`` bounds
    max |cost| · (2 · nodes + 4) and the optimal cost's magnitude), or when OR-Tools says so.
    """
    from ortools.graph.python import min_cost_flow

    t0 = time.perf_counter()
    arcs = elig.arcs
    if arcs.empty:
        return _empty(arcs, "min_cost_flow", t0)
    w = Weights.for_arcs(arcs)
    src_codes, src_nodes = pd.factorize(_keys(arcs, "from_unit", "position_code"), sort=True)
    dst_codes, dst_nodes = pd.factorize(_keys(arcs, "to_unit", "to_position_code"), sort=True)
    n_src, n_dst = len(src_nodes), len(dst_nodes)
    supply = arcs.groupby(src_codes)["supply"].first().to_numpy(dtype=np.int64)
    demand = arcs.groupby(dst_codes)["shortage"].first().to_numpy(dtype=np.int64)
    dst_prio = pd.Series(dst_nodes).str.split("\x1f").str[1].map(_priorities(elig)).to_numpy(dtype=np.int64)
    dep_units = (pd.factorize(pd.Series(src_nodes).str.split("\x1f").str[0], sort=True)
                 if max_departures_per_unit is not None else None)
    arr_units = (pd.factorize(pd.Series(dst_nodes).str.split("\x1f").str[0], sort=True)
                 if max_arrivals_per_unit is not None else None)
    n_nodes = n_src + n_dst + 2 + (len(dep_units[1]) if dep_units else 0) + (len(arr_units[1]) if arr_units else 0)

    metres = _metres(arcs)
    move_cost = [w.w2 * int(c) + int(m) for c, m in zip(arcs["conversion"], metres)]
    max_cost = max(max(move_cost), int(dst_prio.max()) * w.w1)
    total = int(supply.sum())
    worst_total = int(dst_prio.max()) * w.w1 * min(total, int(demand.sum())) + max(move_cost) * total
    report = {"stage": "weighted network", "w1": w.w1, "w2": w.w2, "m2": w.m2, "m3": w.m3,
              "nodes": n_nodes, "max_cost": max_cost}
    if max_cost * (2 * n_nodes + 4) > cost_limit or worst_total > INT64_MAX:
        raise CostRangeError(f"weights do not fit: max |cost| {max_cost} × (2·{n_nodes} + 4) nodes")

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        src_codes.astype(np.int32), (n_src + dst_codes).astype(np.int32),
        np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(np.int64),
        np.array(move_cost, dtype=np.int64))
    reward = np.array([-int(p) * w.w1 for p in dst_prio], dtype=np.int64)
    add_source_and_sink(smcf, n_src, n_dst, supply, demand, reward, dep_units, max_departures_per_unit,
                        arr_units, max_arrivals_per_unit)
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    status = smcf.solve()
    solve = time.perf_counter() - t1
    if status == smcf.BAD_COST_RANGE:
        raise CostRangeError("OR-Tools refused the weights (BAD_COST_RANGE)")
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    x = smcf.flows(np.arange(len(arcs), dtype=np.int32))
    f1, f2, f3 = objectives(arcs, x, _priorities(elig))
    if -w.w1 * f1 + w.w2 * f2 + f3 != smcf.optimal_cost():
        raise RuntimeError("min-cost flow: the optimal cost does not match its flows")
    report.update(status="OPTIMAL", seconds=solve, weighted_fill=f1, position_changes=f2, metres=f3)
    return _result(arcs, x, Status.OPTIMAL, "min_cost_flow", f1, float(f1), f3, f3, 0.0, solve, build, [report])


def _result(arcs, x, status, method, f1, f1_bound, f3, f3_bound, gap, solve, build, stages) -> FlowResult:
    flows = _flows(arcs, x)
    total_km = float((flows["flow"] * flows["km"]).sum())
    km_bound = total_km if status == Status.OPTIMAL else (f3_bound / 1000.0 if f3_bound == f3_bound else float("nan"))
    return FlowResult(flows=flows, status=Status(status), method=method, weighted_fill=int(f1),
                      weighted_fill_bound=float(f1_bound), total_km=total_km, km_bound=km_bound, gap=gap,
                      solve_seconds=solve, build_seconds=build, stages=stages)


def _constraints(arcs: pd.DataFrame, max_departures_per_unit, max_arrivals_per_unit):
    """Rows A x ≤ upper of the flow model (supply, shortage, per-unit limits)."""
    n = len(arcs)

    def incidence(keys):
        codes, uniques = pd.factorize(keys, sort=True)
        return sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(uniques), n)), codes

    blocks, hi = [], []
    m, codes = incidence(_keys(arcs, "from_unit", "position_code"))
    blocks.append(m)
    hi.append(arcs.groupby(codes)["supply"].first().to_numpy(dtype=float))
    m, codes = incidence(_keys(arcs, "to_unit", "to_position_code"))
    blocks.append(m)
    hi.append(arcs.groupby(codes)["shortage"].first().to_numpy(dtype=float))
    if max_departures_per_unit is not None:
        m, _ = incidence(arcs["from_unit"].to_numpy())
        blocks.append(m)
        hi.append(np.full(m.shape[0], float(max_departures_per_unit)))
    if max_arrivals_per_unit is not None:
        m, _ = incidence(arcs["to_unit"].to_numpy())
        blocks.append(m)
        hi.append(np.full(m.shape[0], float(max_arrivals_per_unit)))
    return sp.vstack(blocks, format="csr"), np.concatenate(hi)


def _lp_stage(A, b, A_eq, b_eq, lower, upper, objective, time_limit):
    """min objective · x s.t. A x ≤ b, A_eq x = b_eq, lower ≤ x ≤ upper, by HiGHS' dual simplex
    (a basic solution and its duals). Returns scipy's result."""
    from scipy.optimize import linprog

    return linprog(objective, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=b_eq,
                   bounds=np.column_stack([lower, upper]), method="highs-ds",
                   options={"time_limit": max(float(time_limit), 0.01), "presolve": True})


def solve_staged_lp(elig: Eligibility, time_limit: float = 60.0, *,
                    max_departures_per_unit: int | None = None,
                    max_arrivals_per_unit: int | None = None) -> FlowResult:
    """Method 2: three linear programs, one objective each, the optimal face of each fixed for the
    next by complementary slackness (see the module docstring)."""
    t0 = time.perf_counter()
    arcs = elig.arcs
    n = len(arcs)
    if n == 0:
        return _empty(arcs, "staged_lp", t0)
    prio = arcs["to_position_code"].map(_priorities(elig)).to_numpy(dtype=np.int64)
    conv = arcs["conversion"].to_numpy(dtype=np.int64)
    metres = _metres(arcs)
    A, b = _constraints(arcs, max_departures_per_unit, max_arrivals_per_unit)
    lower = np.zeros(n)
    upper = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(float)
    tight = np.zeros(A.shape[0], dtype=bool)          # rows fixed at equality by earlier stages
    build = time.perf_counter() - t0
    deadline = time.perf_counter() + float(time_limit)
    stages, solve, x = [], 0.0, np.zeros(n, dtype=np.int64)
    plan = [("weighted fill", -prio), ("position changes", conv), ("metres", metres)]
    for k, (name, obj) in enumerate(plan):
        A_eq = A[tight] if tight.any() else None
        b_eq = b[tight] if tight.any() else None
        t = time.perf_counter()
        res = _lp_stage(A[~tight], b[~tight], A_eq, b_eq, lower, upper, obj.astype(float),
                        deadline - time.perf_counter())
        seconds = time.perf_counter() - t
        solve += seconds
        stages.append({"stage": name, "status": res.message if res.status else "OPTIMAL", "seconds": seconds,
                       "fixed_arcs": int((lower == upper).sum()), "tight_rows": int(tight.sum())})
        if res.status != 0:
            # time limit (or a numerical failure): keep the last integral optimum of the stages before
            f1, f2, f3 = objectives(arcs, x, _priorities(elig))
            bound = float(elig.ceiling_weighted) if k == 0 else float(f1)
            return _result(arcs, x, Status.FEASIBLE, "staged_lp", f1, bound, f3, float("nan"),
                           (bound - f1) / max(1.0, bound), solve, build, stages)
        x_lp = res.x
        x = np.rint(x_lp).astype(np.int64)
        if np.abs(x_lp - x).max(initial=0) > 1e-6:
            raise RuntimeError(f"stage {name}: the LP vertex is not integral (network matrix expected)")
        stages[-1]["objective"] = int(obj @ x)
        if k == len(plan) - 1:
            break
        # complementary slackness with this stage's duals: every optimal solution has these rows
        # tight and these arcs at their bound, and any feasible solution that has them is optimal
        rows_free = np.flatnonzero(~tight)
        duals = np.zeros(A.shape[0])
        duals[rows_free] = res.ineqlin.marginals
        tight |= np.abs(duals) > 1e-7
        at_lower = np.abs(res.lower.marginals) > 1e-7
        at_upper = np.abs(res.upper.marginals) > 1e-7
        upper = np.where(at_lower, lower, upper)
        lower = np.where(at_upper, upper, lower)
    f1, f2, f3 = objectives(arcs, x, _priorities(elig))
    if -f1 != stages[0]["objective"] or f2 != stages[1]["objective"]:
        raise RuntimeError("staged LP: a later stage lost an earlier optimum (fixing failed)")
    if (A @ x > b + 1e-9).any():
        raise RuntimeError("staged LP: the plan breaks a supply, shortage or unit limit")
    stages[-1].update(weighted_fill=f1, position_changes=f2, metres=f3)
    return _result(arcs, x, Status.OPTIMAL, "staged_lp", f1, float(f1), f3, f3, 0.0, solve, build, stages)


def solve_conversion_flows(elig: Eligibility, *, time_limit: float = 60.0, method: str = "auto",
                           max_departures_per_unit: int | None = None,
                           max_arrivals_per_unit: int | None = None,
                           cost_limit: int = MAX_COST_TIMES_NODES) -> FlowResult:
    """Solve the reassignment with retraining exactly.

    ``auto``/``min_cost_flow``: the weighted network; if its weights do not fit, the staged LPs
    (recorded in ``stages``). ``mip``: the staged LPs; if they do not finish, the network's
    optimum when the weights fit (recorded), else the best plan found as ``feasible``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    limits = {"max_departures_per_unit": max_departures_per_unit, "max_arrivals_per_unit": max_arrivals_per_unit}
    if method == "mip":
        res = solve_staged_lp(elig, time_limit, **limits)
        if res.status == "optimal":
            return res
        try:
            net = solve_network(elig, cost_limit=cost_limit, **limits)
        except CostRangeError:
            return res
        note = {"fallback": f"the staged LP ended {res.status} within {time_limit:g} s; "
                            "the weighted network solved the same constraints exactly"}
        return dataclasses.replace(net, stages=[*res.stages, *net.stages, note])
    try:
        return solve_network(elig, cost_limit=cost_limit, **limits)
    except CostRangeError as e:
        res = solve_staged_lp(elig, time_limit, **limits)
        note = {"fallback": f"{e}; solved stage by stage by linear programs instead"}
        return dataclasses.replace(res, stages=[note, *res.stages])
