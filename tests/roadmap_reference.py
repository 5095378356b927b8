"""A person-level roadmap MILP, written apart from optimizer.roadmap, solved with scipy's HiGHS.

One binary per (person, date, destination) for transfers and per (person, date) for early
retirement, an integer per (pair, date) for recruits, and a generic big-M binary per
(pair, date) for the rule "departures ≤ max(0, staff_pre − quota), arrivals ≤ max(0, quota −
staff_pre)". No cohorts, no surplus phases: the tests compare its lexicographic optimum with
the roadmap's. With ``conversions`` a transfer's destination is a (unit, position) pair: the same
position in another unit, or a listed conversion's position in any unit of reach (the own unit
included), at the allowance plus the training cost. Staff with an ``exempt_reason`` never act.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp, Bounds

from models.geo import haversine_km
from models.retirement import retirement_date


def _months_between(a: pd.Timestamp, b: pd.Timestamp) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def reference_components(ds, sc) -> dict:
    dates = [pd.Timestamp(y, 1, 1) for y in range(sc.start_year, sc.end_year + 1)]
    K = len(dates)
    st = ds.staff.reset_index(drop=True)
    plan = pd.Timestamp(sc.plan_date)
    n = len(st)
    R = [pd.Timestamp(retirement_date(b.date(), g)) for b, g in zip(st["birth_date"], st["gender"])]
    salary = (st["monthly_salary_vnd"].astype(float).fillna(sc.default_monthly_salary_vnd).to_numpy()
              if "monthly_salary_vnd" in st else np.full(n, sc.default_monthly_salary_vnd))
    age = [plan.year - b.year - ((plan.month, plan.day) < (b.month, b.day)) for b in st["birth_date"]]
    ins0 = [max(a - 23, 0) for a in age]
    counted = [[R[i] >= t for t in dates] for i in range(n)]
    exempt = (st["exempt_reason"].fillna("").astype(str).str.strip() != "").to_numpy() \
        if "exempt_reason" in st else np.zeros(n, bool)
    # position p → [(q, training cost)]: p itself (no training) and, with conversions, the listed q ≠ p
    paths = {p: [(p, 0.0)] for p in ds.positions["position_code"]}
    if sc.conversions and ds.conversions is not None:
        for r in ds.conversions.itertuples():
            if r.from_position != r.to_position:
                paths[r.from_position].append((r.to_position, float(r.training_cost_vnd)))
    units = ds.units.set_index("unit_code")
    quota = {(r.unit_code, r.position_code): int(r.quota) for r in ds.quotas.itertuples()}
    prio = ds.positions.set_index("position_code")["priority"].to_dict()
    pairs = sorted(set(quota) | set(zip(st["unit_code"], st["position_code"])))

    def km(u, v):
        a, b = units.loc[u], units.loc[v]
        return round(float(haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])), 3)

    def tier_cost(d):
        best, cost = -1.0, 0.0
        for lo_km, vnd in sc.allowance_tiers:
            if d + 1e-9 >= lo_km and lo_km >= best:
                best, cost = lo_km, vnd * sc.allowance_months
        return float(round(cost))

    cols, lo, hi, integ = [], [], [], []
    cost, persons, metres = [], [], []

    def var(key, ub, c=0.0, p=0.0, m=0.0, integer=1):
        cols.append(key)
        lo.append(0.0)
        hi.append(ub)
        integ.append(integer)
        cost.append(c)
        persons.append(p)
        metres.append(m)
        return len(cols) - 1

    T, E, REC, W, SH, SU = {}, {}, {}, {}, {}, {}
    for i in range(n):
        u, p = st.at[i, "unit_code"], st.at[i, "position_code"]
        for k, t in enumerate(dates):
            if not counted[i][k]:
                continue
            protect = t + pd.DateOffset(months=int(round(sc.protect_years * 12)))
            if bool(st.at[i, "movable"]) and not exempt[i] and R[i] > protect:
                for v in units.index:
                    if not sc.cross_province and units.at[v, "province_code"] != units.at[u, "province_code"]:
                        continue
                    d = km(u, v)
                    if d > sc.max_km + 1e-9:
                        continue
                    for q, training in paths[p]:
                        if (v == u and q == p) or quota.get((v, q), 0) == 0:   # no room there, ever
                            continue
                        T[i, k, v, q] = var(("T", i, k, v, q), 1, float(np.rint(tier_cost(d) + training)), 1,
                                            round(d * 1000))
            me = _months_between(t, R[i] + pd.Timedelta(days=1))
            ins_t = ins0[i] + (t.year - plan.year - ((t.month, t.day) < (plan.month, plan.day)))
            if sc.early_retirement and not exempt[i] and 24 <= me <= 60 and ins_t >= 20:
                c = float(np.rint(salary[i] * (5 * me / 12 + 5 + 0.5 * (ins_t - 20))))
                E[i, k] = var(("E", i, k), 1, c, 1, 0)
    for (u, p) in pairs:
        q = quota.get((u, p), 0)
        for k, t in enumerate(dates):
            if sc.recruit and t.year >= sc.recruit_first_year and q > 0:
                REC[u, p, k] = var(("R", u, p, k), q, float(np.rint(sc.new_hire_monthly_salary_vnd * 12
                                                                     * (sc.end_year - t.year + 1))))
            W[u, p, k] = var(("W", u, p, k), 1)
            SH[u, p, k] = var(("SH", u, p, k), np.inf, integer=0)
        SU[u, p] = var(("SU", u, p), np.inf, integer=0)
    nv = len(cols)
    rows, rlo, rhi = [], [], []

    def row(coefs: dict, lb, ub):
        a = np.zeros(nv)
        for j, c in coefs.items():
            a[j] += c
        rows.append(a)
        rlo.append(lb)
        rhi.append(ub)

    def acts(i, k):  # vars of person i acting at date k
        return ([E[i, k]] if (i, k) in E else []) + [j for (ii, kk, v, q), j in T.items() if ii == i and kk == k]

    for i in range(n):
        row({j: 1 for k in range(K) for j in acts(i, k)}, -np.inf, 1)
    M = n + sum(quota.values()) * K + 1

    def staff_pre(u, p, k) -> tuple[dict, float]:
        coefs, const = {}, 0.0
        for i in range(n):
            if not counted[i][k]:
                continue
            if st.at[i, "unit_code"] == u and st.at[i, "position_code"] == p:
                const += 1
                for j in range(k):
                    for v in acts(i, j):
                        coefs[v] = coefs.get(v, 0) - 1
            for (ii, j, v, q), x in T.items():
                if ii == i and v == u and q == p and j < k:
                    coefs[x] = coefs.get(x, 0) + 1
        for j in range(k):
            if (u, p, j) in REC:
                coefs[REC[u, p, j]] = coefs.get(REC[u, p, j], 0) + 1
        return coefs, const

    for (u, p) in pairs:
        q = quota.get((u, p), 0)
        for k in range(K):
            pre, c0 = staff_pre(u, p, k)
            dep = {j: 1 for i in range(n) if st.at[i, "unit_code"] == u and st.at[i, "position_code"] == p
                   for j in acts(i, k)}
            arr = {x: 1 for (i, kk, v, q), x in T.items() if kk == k and v == u and q == p}
            if (u, p, k) in REC:
                arr[REC[u, p, k]] = 1
            w = W[u, p, k]
            plus = lambda a, b, s=1: {**a, **{j: a.get(j, 0) + s * c for j, c in b.items()}}  # noqa: E731
            # dep ≤ pre − q + M(1−w);  dep ≤ M w;  arr ≤ q − pre + M w;  arr ≤ M(1 − w)
            row({**plus(dep, pre, -1), w: M}, -np.inf, c0 - q + M)
            row({**dep, w: -M}, -np.inf, 0)
            row({**plus(arr, pre), w: -M}, -np.inf, q - c0)
            row({**arr, w: M}, -np.inf, M)
            # w = 1 ⇔ pre ≥ q + 1
            row({**pre, w: -M}, -np.inf, q - c0)
            row({**pre, w: -M}, q + 1 - c0 - M, np.inf)
            after = plus(plus(pre, dep, -1), arr)
            row({**after, SH[u, p, k]: 1}, q - c0, np.inf)       # short ≥ q − after
            if k == K - 1:
                row({**{j: -c for j, c in after.items()}, SU[u, p]: 1}, c0 - q, np.inf)   # sur ≥ after − q
    for (province, k) in ({(units.at[u, "province_code"], k) for (u, p, k) in REC}
                          if sc.max_recruits_per_province_per_year is not None else ()):
        row({j: 1 for (u, p, kk), j in REC.items() if kk == k and units.at[u, "province_code"] == province},
            -np.inf, sc.max_recruits_per_province_per_year)
    cost = np.array(cost)
    if sc.budget_vnd is not None:
        rows.append(cost.copy())
        rlo.append(-np.inf)
        rhi.append(math.floor(sc.budget_vnd + 1e-6))
    objectives = {
        "end_surplus": np.array([1.0 if c[0] == "SU" else 0.0 for c in cols]),
        "shortage_years": np.array([float(prio[c[2]]) if c[0] == "SH" else 0.0 for c in cols]),
        "cost_vnd": cost,
        "persons_acted": np.array(persons, dtype=float),
        "total_metres": np.array(metres, dtype=float),
    }
    out = {}
    A = np.array(rows)
    lo_r, hi_r = np.array(rlo, float), np.array(rhi, float)
    for name, c in objectives.items():
        res = milp(c, constraints=LinearConstraint(A, lo_r, hi_r), integrality=np.array(integ),
                   bounds=Bounds(np.array(lo), np.array(hi, dtype=float)),
                   options={"mip_rel_gap": 0, "time_limit": 60})
        assert res.status == 0, (name, res.message)
        value = float(np.rint(res.fun))
        out[name] = value
        A = np.vstack([A, c])
        lo_r, hi_r = np.r_[lo_r, -np.inf], np.r_[hi_r, value + 0.5]
    return out
