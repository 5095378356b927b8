"""The roadmap audit's formulas for all actions at once (optimizer.roadmap.audit).

Each rule of the audit uses these to pick the rows that may break it — a superset, with a
margin for rounding — and checks only those rows one by one with `audit._Ctx`'s own
formulas, so the violations and their messages are those of a row-by-row check. Like the
audit, this reads only the raw tables (never the model, the cohorts or the timeline).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["action_vectors", "km_many", "tiers_many"]



def _years_between(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Whole years from a to b, element by element (as `_Ctx.years`)."""
    a, b = pd.DatetimeIndex(a), pd.DatetimeIndex(b)
    early = (b.month < a.month) | ((b.month == a.month) & (b.day < a.day))
    return np.asarray(b.year - a.year - early, dtype=float)


def action_vectors(c) -> pd.DataFrame:
    """For each action: its date, its person's raw fields, and the formulas of `_Ctx` computed for
    all rows at once. Rules use them to pick the rows that may break a rule (a superset, with a
    margin for rounding); those rows are then checked one by one with `_Ctx`'s own formulas, so
    the violations (and their messages) are those of the row-by-row check."""
    a = c.a
    st = c.staff
    known = a["staff_id"].isin(st.index).to_numpy()
    p = st.reindex(a["staff_id"].where(known))
    t = pd.to_datetime(a["date"], format="%Y-%m-%d", errors="coerce")
    retire = pd.to_datetime(p["retire"]).reset_index(drop=True)
    t = t.reset_index(drop=True)
    after = retire + pd.Timedelta(days=1)
    months = (after.dt.year - t.dt.year) * 12 + after.dt.month - t.dt.month
    ins = pd.to_numeric(p["insurance_years"], errors="coerce").to_numpy(dtype=float) if "insurance_years" in p \
        else np.full(len(a), np.nan)
    guess = np.maximum(_years_between(p["birth_date"], pd.Series(c.plan, index=p.index)) - 23, 0)
    ins = np.where(np.isnan(ins), guess, ins) + _years_between(pd.Series(c.plan, index=t.index), t)
    salary = pd.to_numeric(p["monthly_salary_vnd"], errors="coerce").to_numpy(dtype=float) \
        if "monthly_salary_vnd" in p else np.full(len(a), np.nan)
    salary = np.where(np.isnan(salary), float(c.sc.default_monthly_salary_vnd), salary)
    return pd.DataFrame({"known": known, "t": t, "retire": retire, "months": months.to_numpy(dtype=float),
                         "ins": ins, "salary": salary,
                         "unit": p["unit_code"].to_numpy(dtype=object),
                         "position": p["position_code"].to_numpy(dtype=object),
                         "movable": p["movable"].to_numpy(dtype=object)})


def km_many(c, u: pd.Series, v: pd.Series) -> np.ndarray:
    """`_Ctx.km` for many pairs (NaN where a unit is unknown)."""
    u, v = u.astype(object).to_numpy(), v.astype(object).to_numpy()
    out = np.full(len(u), np.nan)
    d = c.ds.distances
    found = np.zeros(len(u), dtype=bool)
    if d is not None and len(d):
        first = {}
        for i, (x, y, k) in enumerate(zip(d["from_unit"], d["to_unit"], d["km"])):
            for key in ((x, y), (y, x)):
                if key not in first:
                    first[key] = float(k)
        hit = [first.get((x, y)) for x, y in zip(u, v)]
        found = np.array([h is not None for h in hit], dtype=bool)
        out[found] = [h for h in hit if h is not None]
    lat = c.units["lat"].astype(float)
    lon = c.units["lon"].astype(float)
    la, lb = pd.Series(u).map(lat).to_numpy(float), pd.Series(v).map(lat).to_numpy(float)
    oa, ob = pd.Series(u).map(lon).to_numpy(float), pd.Series(v).map(lon).to_numpy(float)
    p1, p2 = np.radians(la), np.radians(lb)
    cos = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(np.radians(ob - oa))
    chord = 6371.0 * np.arccos(np.clip(cos, -1.0, 1.0))
    return np.where(found, out, chord)


def tiers_many(c, km: np.ndarray) -> np.ndarray:
    """`_Ctx.tier` for many distances."""
    best, vnd = np.full(len(km), -1.0), np.zeros(len(km))
    for min_km, per_month in c.sc.allowance_tiers:
        take = (km + 1e-9 >= min_km) & (min_km >= best)
        best, vnd = np.where(take, min_km, best), np.where(take, per_month, vnd)
    return np.round(vnd * c.sc.allowance_months).astype(float)

