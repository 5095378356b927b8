"""The roadmap MIP over aggregates (docs/contract.md §9), solved lexicographically, stage by stage.

Variables (all over eligible index sets only):

* ``e[c,k]``   early retirements of cohort c at date k (integer);
* ``td[c,k]``  transfers out of cohort c at date k (integer);
* ``x[a,k,r]`` transfers along arc a = (S → D, same position; or, with conversions, into a
  listed position — optimizer.roadmap.retrain) at date k by persons of retirement class r
  (counted at t_j iff j < r) — the class matters at both ends (integer);
* ``rec[D,k]`` recruits into pair D at date k, from ``recruit_from_year`` (integer);
* ``spre[P,k]`` staff of pair P at t_k before t_k's actions (continuous, implied integer);
* ``short[P,k]``, ``sur[P]`` shortage after date k's actions, surplus after the last date's;
* ``z[P,k]``   1 iff pair P is over its quota before date k's actions (binary).

**The surplus phase.** Arrivals never push a pair above its quota and natural counts only
fall, so a pair at or below quota at some date is never over it again: each pair has a
surplus phase (dates k < Ks, where Ks is the first date its natural count is ≤ quota) then a
non-surplus phase. In its non-surplus phase `staff_pre ≤ quota` and "arrivals ≤ quota −
staff_pre" is linear; on dates where the pair is certainly over (its smallest possible
staff_pre, ``lo``, is above the quota) "departures ≤ staff_pre − quota" is linear. Only on
(pair, date) where staff_pre may fall on either side of the quota — the departures before
and the retirements since can bring it down — is the rule "departures ≤ max(0, staff_pre −
quota), arrivals ≤ max(0, quota − staff_pre)" non-convex; there ``z`` decides the side with
big-Ms from the bounds lo ≤ staff_pre ≤ nat_k (tight: no looser than the data allow).
Note that this is needed on such dates even when no arrival is possible there: a pair that
sent people away last year and then lost two to retirement may be below quota now, and a
linear "departures ≤ staff_pre − quota" would make that plan infeasible.

**Objective**, lexicographic: end surplus, Σ_k Σ priority · shortage, cost (VND), persons
acted on, metres. Each stage minimises its component with the earlier ones fixed at their
optimum (integer data: ≤ optimum + 0.5), warm-started from the previous stage's solution.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.reassign.eligibility import cross_into, distance_lookup
from optimizer.roadmap.retrain import ARC_COLUMNS, retrain_arcs
from optimizer.roadmap.solve import solve_lexicographic
from optimizer.roadmap.timeline import Timeline, allowance_vnd, recruit_cost_vnd

__all__ = ["COMPONENTS", "ModelResult", "solve_model"]

#: the objective components, in lexicographic order

COMPONENTS = ("end_surplus", "shortage_years", "cost_vnd", "persons_acted", "total_metres")


@dataclass(eq=False)
class ModelResult:
    status: str                          # optimal / feasible
    values: dict                         # component → value of the returned solution
    bounds: dict                         # component → proven bound (None where not solved)
    gaps: dict                           # component → relative gap
    stages: list                         # per stage: component, status, value, bound, seconds
    er: pd.DataFrame                     # cohort, k, count, cost_vnd
    departures: pd.DataFrame             # cohort, k, count (transfers out of a cohort)
    transfers: pd.DataFrame              # from_unit, to_unit, position_code, to_position_code, k, r, count, km, cost_vnd
    recruits: pd.DataFrame               # unit_code, position_code, province_code, k, count, cost_vnd
    size: dict = field(default_factory=dict)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    solver: str = "highs"


class _Builder:
    """Variables in blocks and rows as COO triplets."""

    def __init__(self):
        self.lb, self.ub, self.integer = [], [], []
        self.n = 0
        self.I, self.J, self.V = [], [], []
        self.rlb, self.rub = [], []
        self.m = 0

    def vars(self, n, lb, ub, integer) -> np.ndarray:
        idx = np.arange(self.n, self.n + n)
        self.lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self.ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        self.integer.append(np.full(n, bool(integer)))
        self.n += n
        return idx

    def rows(self, row, col, val, lb, ub) -> None:
        """Rows numbered 0..len(lb)-1 locally; entries (row[i], col[i], val[i])."""
        nrows = len(lb)
        self.I.append(np.asarray(row, dtype=np.int64) + self.m)
        self.J.append(np.asarray(col, dtype=np.int64))
        self.V.append(np.asarray(val, dtype=float))
        self.rlb.append(np.asarray(lb, float))
        self.rub.append(np.asarray(ub, float))
        self.m += nrows

    def matrix(self):
        cat = lambda xs, dt=float: np.concatenate(xs) if xs else np.zeros(0, dt)  # noqa: E731
        A = sp.csr_matrix((cat(self.V), (cat(self.I, np.int64), cat(self.J, np.int64))), shape=(self.m, self.n))
        A.sum_duplicates()
        return (A, cat(self.lb), cat(self.ub), cat(self.integer, bool), cat(self.rlb), cat(self.rub))


def _group_rows(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Row number of each entry (one row per distinct key) and the distinct keys."""
    codes = keys.groupby(list(keys.columns), sort=True).ngroup().to_numpy()
    first = keys.assign(_r=codes).drop_duplicates("_r").sort_values("_r")
    return codes, first.drop(columns="_r").reset_index(drop=True)


def _arcs(ds, scenario, pairs: pd.DataFrame, src: np.ndarray, dst: np.ndarray) -> pd.DataFrame:
    """Eligible arcs between pairs that may ever send and pairs that may ever receive (§2)."""
    group = ["position_code"] if scenario.cross_province else ["position_code", "province_code"]
    s = pairs.loc[src, ["unit_code", "position_code", "province_code"]].assign(pid_s=src)
    d = pairs.loc[dst, ["unit_code", "position_code", "province_code"]].assign(pid_d=dst)
    a = s.rename(columns={"unit_code": "from_unit"}).merge(
        d.rename(columns={"unit_code": "to_unit"}), on=group, suffixes=("_from", "_to"))
    if scenario.cross_province:
        into = cross_into(ds, scenario)
        if into:
            a = a.loc[(a["province_code_from"] == a["province_code_to"]) | a["province_code_to"].isin(into)]
    a = a.loc[a["from_unit"] != a["to_unit"]]
    km, _ = distance_lookup(ds, a["from_unit"].to_numpy(), a["to_unit"].to_numpy())
    a = a.assign(km=km).loc[lambda f: f["km"] <= float(scenario.max_km) + 1e-9]
    a = a.assign(metres=np.rint(a["km"].to_numpy() * 1000), to_position_code=a["position_code"],
                 cost_vnd=allowance_vnd(a["km"].to_numpy(), scenario.allowance_tiers, scenario.allowance_months))
    return a[ARC_COLUMNS].reset_index(drop=True)


def _all_arcs(ds, scenario, pairs: pd.DataFrame, src: np.ndarray, dst: np.ndarray) -> pd.DataFrame:
    """The plain transfers' arcs (§2) and, with ``scenario.conversions``, the retraining arcs
    (§6, optimizer.roadmap.retrain): to the model both are arcs between pairs, with a cost."""
    plain = _arcs(ds, scenario, pairs, src, dst)
    more = retrain_arcs(ds, scenario, pairs, src, dst)
    return pd.concat([plain, more], ignore_index=True) if len(more) else plain


def solve_model(tl: Timeline, ds, scenario, *, time_limit: float | None = None, solver: str = "highs",
                progress=None) -> ModelResult:
    """Build and solve the roadmap MIP; ``progress(stage_name)`` is called as each stage starts."""
    t0 = time.perf_counter()
    say = progress or (lambda s: None)
    K = tl.K
    P = tl.pairs
    nP = len(P)
    pid_of = pd.Series(np.arange(nP), index=pd.MultiIndex.from_frame(P[["unit_code", "position_code"]]))
    nat = P[tl.nat_columns].to_numpy(dtype=np.int64)
    q = P["quota"].to_numpy(dtype=np.int64)
    prio = P["priority"].to_numpy(dtype=np.int64)
    over = nat > q[:, None]
    # Ks: the first date whose natural count is at or below quota (0 for a pair never over)
    Ks = np.where(over.all(axis=1), K, np.argmin(over, axis=1))

    C = tl.cohorts
    pid_c = pid_of.reindex(pd.MultiIndex.from_frame(C[["unit_code", "position_code"]])).to_numpy()
    r_c = C["n_counted"].to_numpy(dtype=np.int64)
    lt_c = C["last_transfer"].to_numpy(dtype=np.int64)
    m_c = C["size"].to_numpy(dtype=np.int64)
    er_cost = C[tl.er_columns].to_numpy(dtype=float)
    ks = np.arange(K)[None, :]
    dep_ok = ks < Ks[pid_c][:, None]
    er_ok = dep_ok & ~np.isnan(er_cost)
    tr_ok = dep_ok & (ks <= lt_c[:, None])

    # lo[P,k]: the fewest staff P can have at t_k (everyone who could have left before t_k has)
    can_leave = er_ok | tr_ok
    first_leave = np.where(can_leave.any(axis=1), np.argmax(can_leave, axis=1), K)
    lo = nat.copy()
    for k in range(K):
        gone = (r_c > k) & (first_leave < k)
        lo[:, k] -= np.bincount(pid_c[gone], weights=m_c[gone], minlength=nP).astype(np.int64)
    arr_ok = q[:, None] > lo          # arrivals need room below the quota

    # ------------------------------------------------------------------ index sets
    ce, ke = np.nonzero(er_ok)
    ct, kt = np.nonzero(tr_ok)
    srcs = np.unique(pid_c[ct])
    dsts = np.nonzero(arr_ok.any(axis=1))[0]
    arcs = _all_arcs(ds, scenario, P, srcs, dsts) if len(srcs) and len(dsts) else _arcs(ds, scenario, P, srcs[:0], dsts[:0])
    # transfer departures only where some arc leaves the pair
    has_arc = np.zeros(nP, bool)
    has_arc[arcs["pid_s"].to_numpy()] = True
    keep = has_arc[pid_c[ct]]
    ct, kt = ct[keep], kt[keep]
    td = pd.DataFrame({"cohort": ct, "k": kt, "pid": pid_c[ct], "r": r_c[ct], "m": m_c[ct]})
    src_kr = td.groupby(["pid", "k", "r"], as_index=False)["m"].sum()
    dk = np.argwhere(arr_ok)
    dst_k = pd.DataFrame({"pid_d": dk[:, 0], "k": dk[:, 1], "cap": (q[dk[:, 0]] - lo[dk[:, 0], dk[:, 1]])})
    x = (arcs.merge(src_kr.rename(columns={"pid": "pid_s"}), on="pid_s")
         .merge(dst_k, on=["pid_d", "k"]))
    x["ub"] = np.minimum(x["m"], x["cap"])
    x = x.reset_index(drop=True)
    # drop transfer departures whose (pair, date, class) has no arc at that date
    used = x[["pid_s", "k", "r"]].drop_duplicates().rename(columns={"pid_s": "pid"})
    td = td.merge(used, on=["pid", "k", "r"]).reset_index(drop=True)
    years = np.array([t.year for t in tl.dates])
    rec = pd.DataFrame({"pid": dst_k["pid_d"], "k": dst_k["k"], "cap": dst_k["cap"]})
    if not scenario.recruit:
        rec = rec.iloc[:0]
    rec = rec.loc[years[rec["k"].to_numpy()] >= scenario.recruit_first_year].reset_index(drop=True)
    rec["cost_vnd"] = [recruit_cost_vnd(scenario, int(years[k])) for k in rec["k"]]

    B = _Builder()
    v_e = B.vars(len(ce), 0, m_c[ce], True)
    v_td = B.vars(len(td), 0, td["m"].to_numpy(), True)
    v_x = B.vars(len(x), 0, x["ub"].to_numpy(), True)
    v_rec = B.vars(len(rec), 0, rec["cap"].to_numpy(), True)

    # terms: (pid, date j, class r, var, +1 departure / −1 arrival)
    terms = pd.DataFrame({
        "pid": np.concatenate([pid_c[ce], td["pid"], x["pid_s"], x["pid_d"], rec["pid"]]),
        "j": np.concatenate([ke, td["k"], x["k"], x["k"], rec["k"]]),
        "r": np.concatenate([r_c[ce], td["r"], x["r"], x["r"], np.full(len(rec), K)]),
        "var": np.concatenate([v_e, v_td, v_x, v_x, v_rec]),
        "sign": np.concatenate([np.ones(len(ce)), np.zeros(len(td)), np.ones(len(x)), -np.ones(len(x)),
                                -np.ones(len(rec))]),
    })
    # (the td variables only link cohorts to arcs: the departures are counted through x)
    terms = terms.loc[terms["sign"] != 0].reset_index(drop=True)
    active = np.unique(terms["pid"].to_numpy())
    loc = np.full(nP, -1)
    loc[active] = np.arange(len(active))
    nA = len(active)
    v_spre = B.vars(nA * K, 0, np.inf, False).reshape(nA, K)

    # rows: each cohort acts at most m_c times in all
    rows_c, keys_c = _group_rows(pd.DataFrame({"c": np.concatenate([ce, td["cohort"]])}))
    B.rows(rows_c, np.concatenate([v_e, v_td]), np.ones(len(rows_c)), np.full(len(keys_c), -np.inf),
           m_c[keys_c["c"].to_numpy()])
    # rows: cohort transfers = arc flows, per (source pair, date, class)
    link = pd.concat([td[["pid", "k", "r"]].assign(var=v_td, coef=1.0),
                      x[["pid_s", "k", "r"]].rename(columns={"pid_s": "pid"}).assign(var=v_x, coef=-1.0)])
    rows_l, keys_l = _group_rows(link[["pid", "k", "r"]])
    B.rows(rows_l, link["var"], link["coef"], np.zeros(len(keys_l)), np.zeros(len(keys_l)))
    # rows: spre[P,k] + Σ_{j<k, r>k} sign·var = nat[P,k]
    parts = []
    for k in range(K):
        sel = terms.loc[(terms["j"] < k) & (terms["r"] > k)]
        parts.append(pd.DataFrame({"row": loc[sel["pid"].to_numpy()] * K + k, "var": sel["var"], "coef": sel["sign"]}))
    parts.append(pd.DataFrame({"row": np.arange(nA * K), "var": v_spre.ravel(), "coef": 1.0}))
    defs = pd.concat(parts)
    rhs = nat[active].ravel().astype(float)
    B.rows(defs["row"], defs["var"], defs["coef"], rhs, rhs)

    # per (pair, date): departures and arrivals at that date
    now = terms.assign(k=terms["j"])
    pk, keys_pk = _group_rows(now[["pid", "k"]])
    kp = keys_pk["pid"].to_numpy()
    kk = keys_pk["k"].to_numpy()
    n_pk = len(keys_pk)
    dep_entries = now["sign"].to_numpy() > 0
    qq, lo_pk, hi_pk = q[kp].astype(float), lo[kp, kk].astype(float), nat[kp, kk].astype(float)
    surplus_phase = kk < Ks[kp]
    case_b = surplus_phase & (lo_pk > qq)
    case_c = surplus_phase & ~case_b
    case_a = ~surplus_phase
    spre_pk = v_spre[loc[kp], kk]
    # case A: arrivals + spre ≤ q (only arrivals exist here)
    # case B: departures − spre ≤ −q (only departures exist here)
    rowmap = np.full(n_pk, -1)
    ab = np.nonzero(case_a | case_b)[0]
    rowmap[ab] = np.arange(len(ab))
    sel = np.isin(pk, ab)
    coef = np.where(dep_entries, 1.0, 1.0)[sel]
    B.rows(np.concatenate([rowmap[pk[sel]], rowmap[ab]]), np.concatenate([now["var"].to_numpy()[sel], spre_pk[ab]]),
           np.concatenate([coef, np.where(case_a[ab], 1.0, -1.0)]),
           np.full(len(ab), -np.inf), np.where(case_a[ab], qq[ab], -qq[ab]))
    # case C: the binary z decides the side
    cc = np.nonzero(case_c)[0]
    v_z = B.vars(len(cc), 0, 1, True)
    zmap = np.full(n_pk, -1)
    zmap[cc] = np.arange(len(cc))
    sel = np.isin(pk, cc)
    zi = zmap[pk[sel]]
    var_s, is_dep = now["var"].to_numpy()[sel], dep_entries[sel]
    n = len(cc)
    Mq, Mh = qq[cc] - lo_pk[cc], hi_pk[cc] - qq[cc]
    zs, ss = v_z, spre_pk[cc]
    R = np.arange(n)
    # (1) dep − Mh z ≤ 0 ; (2) dep − spre + Mq z ≤ −lo ; (3) arr + Mq z ≤ Mq ; (4) arr + spre − Mh z ≤ q
    # (5) spre − (q+1−lo) z ≥ lo ; (6) spre − Mh z ≤ q
    d_, a_ = is_dep, ~is_dep
    rows = [(zi[d_], var_s[d_], 1.0), (R, zs, -Mh)], [(zi[d_], var_s[d_], 1.0), (R, ss, -1.0), (R, zs, Mq)], \
        [(zi[a_], var_s[a_], 1.0), (R, zs, Mq)], [(zi[a_], var_s[a_], 1.0), (R, ss, 1.0), (R, zs, -Mh)], \
        [(R, ss, 1.0), (R, zs, -(qq[cc] + 1 - lo_pk[cc]))], [(R, ss, 1.0), (R, zs, -Mh)]
    bounds = [(-np.inf, 0.0), (-np.inf, -lo_pk[cc]), (-np.inf, Mq), (-np.inf, qq[cc]), (lo_pk[cc], np.inf),
              (-np.inf, qq[cc])]
    for entries, (lb_, ub_) in zip(rows, bounds):
        B.rows(np.concatenate([np.asarray(e[0]) for e in entries]), np.concatenate([np.asarray(e[1]) for e in entries]),
               np.concatenate([np.broadcast_to(np.asarray(e[2], float), np.shape(e[0])) for e in entries]),
               np.broadcast_to(np.asarray(lb_, float), (n,)), np.broadcast_to(np.asarray(ub_, float), (n,)))
    # monotone: z[P,k] ≤ z[P,k−1] where both exist
    zk = pd.DataFrame({"pid": kp[cc], "k": kk[cc], "z": zs}).sort_values(["pid", "k"])
    prev = zk.groupby("pid")["z"].shift(1)
    pair = zk.loc[prev.notna()]
    if len(pair):
        m = len(pair)
        B.rows(np.r_[np.arange(m), np.arange(m)], np.r_[pair["z"].to_numpy(), prev.dropna().to_numpy(np.int64)],
               np.r_[np.ones(m), -np.ones(m)], np.full(m, -np.inf), np.zeros(m))

    # shortage after each date, for active pairs with a quota
    withq = active[q[active] > 0]
    # (bounds: a shortage never exceeds the quota, a surplus never the natural count)
    v_short = B.vars(len(withq) * K, 0, np.repeat(q[withq], K), True).reshape(len(withq), K)
    srow = np.full(nP, -1)
    srow[withq] = np.arange(len(withq))
    has_q = q[kp] > 0
    sel = has_q[pk]
    ent_row = srow[kp[pk[sel]]] * K + kk[pk[sel]]
    ent_coef = np.where(dep_entries[sel], -1.0, 1.0)
    B.rows(np.concatenate([ent_row, np.arange(len(withq) * K), np.arange(len(withq) * K)]),
           np.concatenate([now["var"].to_numpy()[sel], v_short.ravel(), v_spre[loc[withq]].ravel()]),
           np.concatenate([ent_coef, np.ones(len(withq) * K), np.ones(len(withq) * K)]),
           np.repeat(q[withq].astype(float), K), np.full(len(withq) * K, np.inf))
    # end surplus, for active pairs
    v_sur = B.vars(nA, 0, np.maximum(nat[active, K - 1], 0), True)
    last = (now["k"].to_numpy() == K - 1)
    B.rows(np.concatenate([loc[now["pid"].to_numpy()[last]], np.arange(nA), np.arange(nA)]),
           np.concatenate([now["var"].to_numpy()[last], v_sur, v_spre[:, K - 1]]),
           np.concatenate([np.where(dep_entries[last], 1.0, -1.0), np.ones(nA), -np.ones(nA)]),
           -q[active].astype(float), np.full(nA, np.inf))

    # objectives
    inactive = np.setdiff1d(np.arange(nP), active)
    const_short = float((prio[inactive, None] * np.maximum(0, q[inactive, None] - nat[inactive])).sum())
    const_sur = float(np.maximum(0, nat[inactive, K - 1] - q[inactive]).sum())
    objs = {
        "end_surplus": ((v_sur, np.ones(nA)), const_sur),
        "shortage_years": ((v_short.ravel(), np.repeat(prio[withq], K).astype(float)), const_short),
        "cost_vnd": ((np.concatenate([v_e, v_x, v_rec]),
                      np.concatenate([er_cost[ce, ke], x["cost_vnd"].to_numpy(float), rec["cost_vnd"].to_numpy(float)])), 0.0),
        "persons_acted": ((np.concatenate([v_e, v_x]), np.ones(len(v_e) + len(v_x))), 0.0),
        "total_metres": ((v_x, x["metres"].to_numpy(float)), 0.0),
    }
    coupling = []
    if scenario.budget_vnd is not None:
        cv, cc_ = objs["cost_vnd"][0]
        coupling.append(B.m)
        B.rows(np.zeros(len(cv)), cv, cc_, [-np.inf], [np.floor(float(scenario.budget_vnd) + 1e-6)])
    # recruits per province and year
    cap = scenario.max_recruits_per_province_per_year
    if cap is not None and len(rec):
        prov = P["province_code"].to_numpy()[rec["pid"].to_numpy()]
        rr, keys_r = _group_rows(pd.DataFrame({"p": prov, "k": rec["k"].to_numpy()}))
        B.rows(rr, v_rec, np.ones(len(rr)), np.full(len(keys_r), -np.inf), np.full(len(keys_r), float(cap)))

    A, lb, ub, integer, rlb, rub = B.matrix()
    blocks = {"e": len(v_e), "td": len(v_td), "x": len(v_x), "rec": len(v_rec), "spre": v_spre.size, "z": len(v_z),
              "short": v_short.size, "sur": len(v_sur)}
    size = {"blocks": blocks, "variables": int(B.n), "constraints": int(B.m), "binaries": int(len(v_z)),
            "integers": int(integer.sum()), "nonzeros": int(A.nnz), "arcs": int(len(arcs)),
            "cohorts": int(len(C)), "pairs": int(nP), "active_pairs": int(nA)}
    build = time.perf_counter() - t0
    dense = {}
    for name, ((idx, coef), _) in objs.items():
        dense[name] = np.zeros(B.n)
        np.add.at(dense[name], idx, coef)
    sol, status, values, bnds, gaps, stages, solve_s, n_blocks = solve_lexicographic(
        A, lb, ub, integer, rlb, rub, dense, {k: v[1] for k, v in objs.items()}, coupling_rows=coupling,
        time_limit=time_limit, solver=solver, progress=say)
    size["blocks_solved_apart"] = n_blocks
    # the counts, shortages and surpluses re-derived from the actions alone (exact whatever the
    # solver left in its slack variables, and for blocks the time limit left without a plan)
    sol = np.rint(sol)
    for k in range(K):
        sel = terms.loc[(terms["j"] < k) & (terms["r"] > k)]
        gone = np.bincount(loc[sel["pid"].to_numpy()], weights=sel["sign"].to_numpy() * sol[sel["var"].to_numpy()],
                           minlength=nA)
        sol[v_spre[:, k]] = nat[active, k] - gone
    change = np.zeros((nA, K))
    np.add.at(change, (loc[now["pid"].to_numpy()], now["k"].to_numpy()), -now["sign"].to_numpy() * sol[now["var"].to_numpy()])
    after = sol[v_spre] + change
    sol[v_short] = np.maximum(0, q[withq][:, None] - after[loc[withq]])
    sol[v_sur] = np.maximum(0, after[:, K - 1] - q[active])
    for name in values:
        values[name] = float(dense[name] @ sol) + objs[name][1]
        if bnds[name] is not None:
            bnds[name] = min(bnds[name], values[name])
            gaps[name] = (values[name] - bnds[name]) / max(1.0, abs(values[name]))
    for st in stages:
        st.update(value=values[st["component"]], bound=bnds[st["component"]], gap=gaps[st["component"]],
                  status="optimal" if values[st["component"]] - bnds[st["component"]] < 0.5 else "feasible")

    vals = np.rint(sol).astype(np.int64)
    er_df = pd.DataFrame({"cohort": ce, "k": ke, "count": vals[v_e], "cost_vnd": er_cost[ce, ke]})
    td_df = td.assign(count=vals[v_td])[["cohort", "k", "r", "count"]]
    x_df = x.assign(count=vals[v_x])[["from_unit", "to_unit", "position_code", "to_position_code", "k", "r", "count",
                                      "km", "cost_vnd"]]
    rec_df = rec.assign(count=vals[v_rec], unit_code=P["unit_code"].to_numpy()[rec["pid"].to_numpy()],
                        position_code=P["position_code"].to_numpy()[rec["pid"].to_numpy()],
                        province_code=P["province_code"].to_numpy()[rec["pid"].to_numpy()])
    rec_df = rec_df[["unit_code", "position_code", "province_code", "k", "count", "cost_vnd"]]
    return ModelResult(status=status, values=values, bounds=bnds, gaps=gaps, stages=stages,
                       er=er_df.loc[er_df["count"] > 0].reset_index(drop=True),
                       departures=td_df.loc[td_df["count"] > 0].reset_index(drop=True),
                       transfers=x_df.loc[x_df["count"] > 0].reset_index(drop=True),
                       recruits=rec_df.loc[rec_df["count"] > 0].reset_index(drop=True),
                       size=size, build_seconds=build, solve_seconds=solve_s, solver=solver)
