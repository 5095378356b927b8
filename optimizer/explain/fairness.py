"""The leximin-fair plan (docs/contract.md §7, ``fairness = "leximin"``) and the share statistics.

A unit's *shortage share* is s_u = D_u / Q_u with D_u = Σ_p priority(p) · shortage_after(u,p) and
Q_u = Σ_p priority(p) · quota(u,p) (units with Q_u > 0 only). Among all plans with the least
Σ priority · shortage_after (the efficient plan's weighted fill W*, fixed), we want the one whose
vector (s_u) sorted from the largest down is lexicographically smallest, then the least km.

**Exact, with integer flows.** Flows are integers, so the usual "min-max, then freeze the units
that cannot go lower" of convex problems is not enough: two units may each be able to go below
the worst level but not both at once. We therefore minimise, level by level, the *cumulative
counts* N(t) = #{u : s_u ≥ t}: comparing two sorted vectors lexicographically is the same as
comparing N(t) at the distinct levels from the top (at the first index where the vectors differ,
the larger value t has a larger N(t), and the counts above it agree). Stage k:

  A. t_k = min t  s.t.  s_u ≤ t for every unit except the m_{k-1} units allowed above t_{k-1}
     (binaries b_{u,k-1}, Σ_u b_{u,k-1} ≤ m_{k-1}), all earlier level constraints kept;
     t_k is then read exactly (a fraction D_u / Q_u) from the integer solution;
  B. m_k = min Σ_u b_{u,k}  s.t.  b_{u,k} = 0 ⇒ D_u ≤ ⌈t_k · Q_u⌉ − 1 (strictly below t_k), plus A's
     constraint with t = t_k. (Skipped when A's own solution has only m_{k-1} + 1 units at or
     above t_k: that is the least possible.)

until t_k = 0 or every unit is counted; then the least km under all the level constraints.
Each stage is a MILP over the integer arc flows (OR-Tools model builder with HiGHS, relative gap
0, absolute gap 1e-7 — below the smallest difference 1/(Q_u·Q_w) of two distinct shares).
Units that no eligible arc reaches keep their share whatever the plan; they are left out (a
constant part of the vector does not change which plan is leximin-best). The problem splits
into the connected components of the arcs, solved one by one: the leximin order is that of
Σ_u φ(s_u) for a steep enough convex φ, which is additive over independent parts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from optimizer.reassign.eligibility import Eligibility

ABS_GAP = 1e-7


@dataclass(frozen=True)
class FairResult:
    flows: pd.DataFrame           # from_unit, to_unit, position_code, km, distance_source, flow (>0)
    status: str                   # optimal / feasible (a stage hit the time limit)
    weighted_fill: int
    total_km: float
    levels: list = field(default_factory=list)    # [(share as float, cumulative units at or above)]
    #: components solved to the end / in all (the others keep the efficient flows when time ran out)
    milps: int = 0
    components: int = 0
    components_done: int = 0
    solve_seconds: float = 0.0


# --------------------------------------------------------------------------- statistics

def unit_shares(units_after: pd.DataFrame) -> pd.Series:
    """s_u = Σ priority · shortage_after / Σ priority · quota, for units with quota (index unit_code)."""
    w = units_after.assign(d=units_after["priority"] * units_after["shortage_after"],
                           q=units_after["priority"] * units_after["quota"])
    g = w.groupby("unit_code")[["d", "q"]].sum()
    g = g.loc[g["q"] > 0]
    return (g["d"] / g["q"]).rename("share")


def gini(values) -> float:
    """Gini coefficient (mean absolute difference / twice the mean); 0 when all are 0."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float((2 * i - n - 1).dot(x) / (n * x.sum()))


def lorenz(values) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve: cumulative share of units (0..1) and of the total (0..1), smallest first."""
    x = np.sort(np.asarray(values, dtype=float))
    tot = x.sum()
    ys = np.concatenate([[0.0], np.cumsum(x) / tot]) if tot > 0 else np.linspace(0, 1, len(x) + 1)
    return np.linspace(0, 1, len(x) + 1), ys


# --------------------------------------------------------------------------- one MILP

class _Model:
    """Arc flows x (integer) + extra columns (t continuous, binaries), rows added as sparse blocks."""

    def __init__(self, cap: np.ndarray):
        self.n = len(cap)
        self.lb = [np.zeros(self.n)]
        self.ub = [cap.astype(float)]
        self.integer = [np.ones(self.n, bool)]
        self.rows: list[sp.csr_matrix] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.ncols = self.n

    def add_cols(self, k: int, lb: float, ub: float, integer: bool) -> np.ndarray:
        idx = np.arange(self.ncols, self.ncols + k)
        self.lb.append(np.full(k, lb))
        self.ub.append(np.full(k, ub))
        self.integer.append(np.full(k, integer))
        self.ncols += k
        return idx

    def add_rows(self, m, lo, hi):
        m = sp.csr_matrix(m)
        self.rows.append(m)
        self.lo.append(np.broadcast_to(np.asarray(lo, float), (m.shape[0],)).copy())
        self.hi.append(np.broadcast_to(np.asarray(hi, float), (m.shape[0],)).copy())

    def solve(self, obj_cols: np.ndarray, obj_vals: np.ndarray, time_limit: float):
        from ortools.linear_solver.python import model_builder as mb

        blocks = []
        for r in self.rows:
            r = r.tocoo()
            blocks.append(sp.coo_matrix((r.data, (r.row, r.col)), shape=(r.shape[0], self.ncols)))
        A = sp.vstack(blocks, format="csr")
        c = np.zeros(self.ncols)
        c[obj_cols] = obj_vals
        model = mb.Model()
        h = model.helper
        h.fill_model_from_sparse_data(np.concatenate(self.lb), np.concatenate(self.ub), c,
                                      np.concatenate(self.lo), np.concatenate(self.hi), A)
        for i in np.flatnonzero(np.concatenate(self.integer)):
            h.set_var_integrality(int(i), True)
        h.set_maximize(False)
        solver = mb.Solver("highs")
        solver.enable_output(False)
        solver.set_solver_specific_parameters(f"mip_rel_gap=0\nmip_abs_gap={ABS_GAP}\noutput_flag=false")
        solver.set_time_limit_in_seconds(max(1.0, float(time_limit)))
        st = solver.solve(model)
        if st not in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
            return "none", None
        x = solver.values(model.get_variables()).to_numpy()
        return ("optimal" if st == mb.SolveStatus.OPTIMAL else "feasible"), x


def _row_matrix(codes: np.ndarray, n_rows: int, n: int, weights=None) -> sp.csr_matrix:
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    keep = codes >= 0
    return sp.csr_matrix((w[keep], (codes[keep], np.arange(n)[keep])), shape=(n_rows, n))


# --------------------------------------------------------------------------- one component

def _component(arcs: pd.DataFrame, prio: np.ndarray, D0: pd.Series, Q: pd.Series, W: int, limits,
               deadline: float, stats: dict) -> tuple[np.ndarray, str, list]:
    n = len(arcs)
    cap = np.minimum(arcs["supply"].to_numpy(), arcs["shortage"].to_numpy()).astype(float)
    m = _Model(cap)
    src, src_keys = pd.factorize(arcs["from_unit"] + "\x1f" + arcs["position_code"])
    dst, dst_keys = pd.factorize(arcs["to_unit"] + "\x1f" + arcs["position_code"])
    m.add_rows(_row_matrix(src, len(src_keys), n), -np.inf,
               arcs.groupby(src)["supply"].first().to_numpy(float))
    m.add_rows(_row_matrix(dst, len(dst_keys), n), -np.inf,
               arcs.groupby(dst)["shortage"].first().to_numpy(float))
    max_dep, max_arr = limits
    if max_dep is not None:
        c, k = pd.factorize(arcs["from_unit"])
        m.add_rows(_row_matrix(c, len(k), n), -np.inf, float(max_dep))
    if max_arr is not None:
        c, k = pd.factorize(arcs["to_unit"])
        m.add_rows(_row_matrix(c, len(k), n), -np.inf, float(max_arr))
    m.add_rows(sp.csr_matrix(prio.reshape(1, -1).astype(float)), W, W)

    ucode, units = pd.factorize(arcs["to_unit"])
    units = pd.Index(units)
    keep = Q.reindex(units).fillna(0).to_numpy() > 0
    units = units[keep]
    remap = np.full(len(keep), -1)
    remap[np.flatnonzero(keep)] = np.arange(len(units))
    Pin = _row_matrix(remap[ucode], len(units), n, prio)     # I_u = weighted inflow of unit u
    d0 = D0.reindex(units).to_numpy(dtype=np.int64)
    q = Q.reindex(units).to_numpy(dtype=np.int64)
    nu = len(units)
    t_col = m.add_cols(1, 0.0, np.inf, False)[0]
    levels: list[tuple[Fraction, int]] = []
    prev_b = None            # (unit indices, columns) of the last level's binaries
    x_best = None
    status = "optimal"

    # the levels stop early enough to leave the least-km stage a fifth of the time (≥ 5 s)
    km_reserve = max(5.0, 0.2 * max(0.0, deadline - time.perf_counter()))

    def remaining():
        return deadline - km_reserve - time.perf_counter()

    def shares(xv):
        d = d0 - Pin @ np.rint(xv[:n])
        return [Fraction(int(round(a)), int(b)) for a, b in zip(d, q)]

    while True:
        # ---- A: the next level
        ta = sp.csr_matrix((q.astype(float), (np.arange(nu), np.full(nu, t_col))), shape=(nu, m.ncols))
        rowA = sp.hstack([Pin, sp.csr_matrix((nu, m.ncols - n))]).tocsr() + ta
        if prev_b is not None:
            bu, bc = prev_b
            rowA = rowA + sp.csr_matrix((d0[bu].astype(float), (bu, bc)), shape=(nu, m.ncols))
        if remaining() <= 0:
            status = "feasible"
            break
        m.rows.append(rowA)
        m.lo.append(d0.astype(float))
        m.hi.append(np.full(nu, np.inf))
        stA, x = m.solve(np.array([t_col]), np.array([1.0]), remaining())
        m.rows.pop(); m.lo.pop(); m.hi.pop()
        stats["milps"] += 1
        if x is None:
            status = "feasible"
            break
        if stA != "optimal":
            status = "feasible"
        x_best = x
        s = shares(x)
        free = np.ones(nu, bool)
        if prev_b is not None:
            free[prev_b[0][np.rint(x[prev_b[1]]) > 0.5]] = False
        tk = max((s[i] for i in np.flatnonzero(free)), default=Fraction(0))
        if tk == 0 and not levels:
            return None, status, levels      # every unit can be filled: the efficient plan is fair
        # the hard form of A with t = t_k (units not allowed above the last level stay ≤ t_k)
        cap_k = np.array([(tk.numerator * qq) // tk.denominator for qq in q])
        r = sp.hstack([Pin, sp.csr_matrix((nu, m.ncols - n))]).tocsr()
        if prev_b is not None:
            bu, bc = prev_b
            r = r + sp.csr_matrix(((d0 - cap_k)[bu].astype(float), (bu, bc)), shape=(nu, m.ncols))
        m.add_rows(r, (d0 - cap_k).astype(float), np.inf)
        if tk == 0:
            break
        # ---- B: how few units can sit at t_k or above
        below = np.array([-(-tk.numerator * qq // tk.denominator) - 1 for qq in q])   # ⌈t·Q⌉ − 1
        can = np.flatnonzero(d0 > below)
        at_or_above = sum(1 for i in can if s[i] >= tk)
        lower = (levels[-1][1] if levels else 0) + 1
        cols = m.add_cols(len(can), 0.0, 1.0, True)
        gap = (d0 - below)[can].astype(float)
        r = sp.hstack([Pin[can], sp.csr_matrix((len(can), m.ncols - n))]).tocsr() + sp.csr_matrix(
            (gap, (np.arange(len(can)), cols)), shape=(len(can), m.ncols))
        m.add_rows(r, gap, np.inf)
        if prev_b is not None:   # above the previous level ⇒ above this one
            pos = {u: c for u, c in zip(can, cols)}
            pu, pc = prev_b
            rr = [(i, pos[u], c) for i, (u, c) in enumerate(zip(pu, pc)) if u in pos]
            if rr:
                k = len(rr)
                mat = sp.csr_matrix((np.r_[np.ones(k), -np.ones(k)],
                                     (np.r_[np.arange(k), np.arange(k)], np.r_[[a for _, a, _ in rr], [b for _, _, b in rr]])),
                                    shape=(k, m.ncols))
                m.add_rows(mat, 0.0, np.inf)
        if at_or_above <= lower:
            mk = lower
        elif remaining() <= 0:
            levels.append((tk, None))     # this level holds, its count is not minimised
            status = "feasible"
            break
        else:
            stB, xb = m.solve(cols, np.ones(len(cols)), remaining())
            stats["milps"] += 1
            if xb is None:
                levels.append((tk, None))
                status = "feasible"
                break
            if stB != "optimal":
                status = "feasible"
            x_best = xb
            mk = int(round(np.rint(xb[cols]).sum()))
        m.add_rows(sp.csr_matrix((np.ones(len(cols)), (np.zeros(len(cols), int), cols)), shape=(1, m.ncols)),
                   -np.inf, float(mk))
        levels.append((tk, mk))
        prev_b = (can, cols)
        if mk >= nu:
            break
    # ---- the least km under every level constraint
    metres = np.rint(arcs["km"].to_numpy(float) * 1000.0)
    if x_best is None:
        return None, "feasible", levels           # nothing found in time: the efficient flows stay
    left = deadline - time.perf_counter()
    if left <= 0:
        return x_best, "feasible", levels
    stK, xk = m.solve(np.arange(n), metres, left)
    stats["milps"] += 1
    if xk is not None:
        x_best = xk
    if stK != "optimal":
        status = "feasible"
    return x_best, status, levels


# --------------------------------------------------------------------------- public

def solve_leximin(elig: Eligibility, base_flows: pd.DataFrame, *, time_limit: float = 60.0,
                  max_departures_per_unit: int | None = None,
                  max_arrivals_per_unit: int | None = None) -> FairResult:
    """The leximin-fair plan with the weighted fill of ``base_flows`` (the efficient optimum)."""
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit)
    arcs = elig.arcs.reset_index(drop=True)
    pairs = elig.pairs
    prio_of = pairs.drop_duplicates("position_code").set_index("position_code")["priority"]
    D0 = (pairs["priority"] * pairs["shortage"]).groupby(pairs["unit_code"]).sum()
    Q = (pairs["priority"] * pairs["quota"]).groupby(pairs["unit_code"]).sum()
    key = ["from_unit", "to_unit", "position_code"]
    base = arcs[key].merge(base_flows[key + ["flow"]], on=key, how="left")["flow"].fillna(0).to_numpy(np.int64)
    x = base.copy()
    stats = {"milps": 0}
    status = "optimal"
    levels_all: list = []
    n_comp = done = 0
    if len(arcs):
        codes, names = pd.factorize(pd.concat([arcs["from_unit"], arcs["to_unit"]]))
        k = len(arcs)
        g = sp.coo_matrix((np.ones(k), (codes[:k], codes[k:])), shape=(len(names), len(names)))
        n_comp, label = connected_components(g, directed=False)
        arc_comp = label[codes[:k]]
        prio = arcs["position_code"].map(prio_of).to_numpy(np.int64)
        order = np.argsort(arc_comp, kind="stable")
        bounds = np.searchsorted(arc_comp[order], np.arange(n_comp + 1))
        # the components whose efficient plan leaves the worst share first: if the time limit
        # stops the work, the components left keep the efficient plan (same weighted fill)
        inflow = pd.Series(prio * base, index=arcs.index).groupby(arcs["to_unit"]).sum()
        worst = ((D0 - inflow.reindex(D0.index).fillna(0)) / Q.where(Q > 0)).fillna(0)
        comp_worst = pd.Series(arcs["to_unit"].map(worst).to_numpy()).groupby(arc_comp).max()
        for c in comp_worst.sort_values(ascending=False, kind="stable").index:
            idx = order[bounds[c]:bounds[c + 1]]
            if time.perf_counter() >= deadline:
                status = "feasible"
                break
            sub = arcs.iloc[idx]
            if sub["to_unit"].nunique() < 2:
                done += 1
                continue      # one receiving unit: its share is fixed by W; the efficient km is least
            W = int((prio[idx] * base[idx]).sum())
            xc, st, lv = _component(sub, prio[idx], D0, Q, W, (max_departures_per_unit, max_arrivals_per_unit),
                                    deadline, stats)
            done += st == "optimal"
            if xc is not None:
                x[idx] = np.rint(xc[:len(idx)]).astype(np.int64)
            if st != "optimal":
                status = "feasible"
            levels_all.extend((float(t), m) for t, m in lv)
            if time.perf_counter() >= deadline:
                status = "feasible"
    out = arcs[["from_unit", "to_unit", "position_code", "km", "distance_source"]].assign(flow=x)
    out = out.loc[out["flow"] > 0].reset_index(drop=True)
    wfill = int((out["flow"] * out["position_code"].map(prio_of)).sum())
    km = float((out["flow"] * out["km"]).sum())
    return FairResult(out, status, wfill, km, levels_all, stats["milps"], int(n_comp), int(done),
                      time.perf_counter() - t0)
