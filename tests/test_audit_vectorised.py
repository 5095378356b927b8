"""The vectorised audit rules flag exactly what the row-by-row rules flagged, on broken plans.

The row-by-row versions below are the audit's rules as they were written first (one Python step
per transfer or per (unit, position)); they are the reference. A valid plan of a small random
dataset is broken in many ways at once (wrong km, far or foreign destinations, protected or
unmovable staff, duplicated moves, blank fields, wrong authorities, unknown staff), and every
rule must give the same violations, in the same order, as its reference.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.retirement import retirement_dates
from models.scenario import Scenario
from optimizer.plan import solve
from optimizer.reassign import audit
from optimizer.reassign.audit import Violation, _chord_km, _counts, _arrivals, _departures, context
from tests.builders import KM_PER_DEG, make_ds


# --------------------------------------------------------------------------- reference (row by row)

def ref_protect_years(c):
    if c.moved.empty:
        return
    retire = retirement_dates(c.moved["birth_date"], c.moved["gender"])
    months = int(round(float(c.scenario.protect_years) * 12))
    limit = pd.Timestamp(c.scenario.plan_date) + pd.DateOffset(months=months)
    for sid, rd in zip(c.moved["staff_id"], retire):
        if rd <= limit:
            yield Violation("protect_years", f"staff {sid}",
                            f"retires on {rd:%Y-%m-%d}, within {c.scenario.protect_years} years of the plan date")


def ref_same_province(c):
    into = set(c.scenario.cross_province_into)
    if c.scenario.cross_province and not into:
        return
    prov = c.ds.units.set_index("unit_code")["province_code"]
    f = c.transfers["from_unit"].map(prov)
    t = c.transfers["to_unit"].map(prov)
    for r, a, b in zip(c.transfers.itertuples(), f, t):
        if a != b and not (c.scenario.cross_province and b in into):
            yield Violation("same_province", f"staff {r.staff_id}", f"moves from province {a} to {b}")


def _road_dict(ds):
    road = {}
    if ds.distances is not None:
        for a, b, km in zip(ds.distances["from_unit"], ds.distances["to_unit"], ds.distances["km"]):
            road.setdefault((a, b), float(km))
            road.setdefault((b, a), float(km))
    return road


def ref_max_km(c):
    coords = c.ds.units.set_index("unit_code")[["lat", "lon"]]
    t = c.transfers.loc[c.transfers["from_unit"].isin(coords.index) & c.transfers["to_unit"].isin(coords.index)]
    if t.empty:
        return
    a, b = coords.loc[t["from_unit"]], coords.loc[t["to_unit"]]
    km = _chord_km(a["lat"], a["lon"], b["lat"], b["lon"])
    road = _road_dict(c.ds)
    if road:
        km = np.array([road.get((f, to), k) for f, to, k in zip(t["from_unit"], t["to_unit"], km)])
    km = np.where(t["from_unit"].to_numpy() == t["to_unit"].to_numpy(), 0.0, km)
    reported = t["km"].to_numpy(dtype=float)
    limit = float(c.scenario.max_km)
    tol = audit.KM_TOLERANCE
    misreported = ~np.isfinite(reported) | (np.abs(reported - km) > tol)
    bad = (km > limit + tol) | misreported
    for r, d, rep, wrong in zip(t.loc[bad].itertuples(), km[bad], reported[bad], misreported[bad]):
        if d > limit + tol:
            yield Violation("max_km", f"staff {r.staff_id}",
                            f"{r.from_unit}→{r.to_unit} is {d:.3f} km, above {c.scenario.max_km} km")
        if wrong:
            yield Violation("max_km", f"staff {r.staff_id}",
                            f"reports {rep:.3f} km but {r.from_unit}→{r.to_unit} is {d:.3f} km")


def ref_quota_not_crossed(c):
    counts = _counts(c.ds)
    out, inn = _departures(c), _arrivals(c)
    for (u, p), n in out.items():
        sb, q = counts.loc[(u, p)] if (u, p) in counts.index else (0, 0)
        if sb - n < q:
            yield Violation("quota_not_crossed", f"unit {u} position {p}",
                            f"{n} leave: {sb} − {n} = {sb - n} is below the quota {q}")
    for (u, p), n in inn.items():
        sb, q = counts.loc[(u, p)] if (u, p) in counts.index else (0, 0)
        if sb + n > q:
            yield Violation("quota_not_crossed", f"unit {u} position {p}",
                            f"{n} arrive: {sb} + {n} = {sb + n} is above the quota {q}")


def ref_six_ro(c):
    needed = ["staff_id", "full_name", "position_code", "from_unit", "to_unit", "km", "effective_date", "authority"]
    missing = [col for col in needed if col not in c.transfers.columns]
    if missing:
        yield Violation("six_ro", "transfers", f"missing columns {', '.join(missing)}")
        return
    prov = c.ds.units.set_index("unit_code")["province_code"]
    for r in c.transfers.itertuples():
        for col in ("position_code", "from_unit", "to_unit", "effective_date", "authority"):
            if not str(getattr(r, col) or "").strip():
                yield Violation("six_ro", f"staff {r.staff_id}", f"empty {col}")
        within = prov.get(r.from_unit) == prov.get(r.to_unit)
        ministry = "Bộ Nội vụ" in str(r.authority)
        if within == ministry:
            yield Violation("six_ro", f"staff {r.staff_id}",
                            f"authority '{r.authority}' does not match a move "
                            f"{'within' if within else 'across'} provinces")


REFERENCE = {
    "protect_years": (ref_protect_years, audit.rule_protect_years),
    "same_province": (ref_same_province, audit.rule_same_province),
    "max_km": (ref_max_km, audit.rule_max_km),
    "quota_not_crossed": (ref_quota_not_crossed, audit.rule_quota_not_crossed),
    "six_ro": (ref_six_ro, audit.rule_six_ro),
}


# --------------------------------------------------------------------------- broken plans

def _dataset(seed: int):
    rng = np.random.default_rng(seed)
    units = [(f"{i:05d}", "01" if i < 14 else "02", 10.0 + rng.random() * 70 / KM_PER_DEG,
              106.0 + rng.random() * 70 / KM_PER_DEG) for i in range(24)]
    staff, quotas, k = [], [], 0
    for u in units:
        for p in ("A", "B"):
            for _ in range(int(rng.integers(0, 5))):
                k += 1
                birth = "1966-03-01" if rng.random() < 0.1 else "1985-01-01"
                staff.append((f"S{k:04d}", u[0], p, birth, "M", bool(rng.random() > 0.1)))
            quotas.append((u[0], p, int(rng.integers(0, 5))))
    roads = [(units[i][0], units[i + 1][0], float(np.round(rng.random() * 50, 3))) for i in range(0, 20, 3)]
    return make_ds(units, staff, quotas, positions=[("A", 2), ("B", 1)], distances=roads)


def _break(ds, transfers: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = transfers.copy()
    n = len(t)
    codes = ds.units["unit_code"].to_numpy()
    pick = lambda frac: rng.random(n) < frac  # noqa: E731
    t.loc[pick(0.2), "km"] = t["km"] + 3.0
    far = pick(0.2)
    t.loc[far, "to_unit"] = rng.choice(codes, int(far.sum()))
    t.loc[pick(0.1), "authority"] = "Bộ trưởng Bộ Nội vụ"
    t.loc[pick(0.05), "effective_date"] = " "
    t.loc[pick(0.05), "position_code"] = ""
    t.loc[pick(0.05), "km"] = np.nan
    extra = ds.staff.sample(min(6, len(ds.staff)), random_state=seed)
    add = pd.DataFrame({"staff_id": extra["staff_id"].to_numpy(), "full_name": "x",
                        "position_code": extra["position_code"].to_numpy(),
                        "from_unit": extra["unit_code"].to_numpy(), "to_unit": rng.choice(codes, len(extra)),
                        "km": 1.0, "effective_date": "2026-01-01", "authority": "Chủ tịch UBND Tỉnh 01"})
    ghost = add.iloc[:1].assign(staff_id="NOBODY", to_unit="99999")
    return pd.concat([t, add, t.iloc[: n // 3], ghost], ignore_index=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("scenario", [Scenario(max_km=30), Scenario(max_km=30, cross_province=True,
                                                                     cross_province_into=["02"])],
                         ids=["same_province", "into_02"])
def test_vectorised_rules_flag_what_row_by_row_rules_flag(seed, scenario):
    ds = _dataset(seed)
    plan = solve(ds, scenario)
    assert audit.check_plan(ds, scenario, plan.transfers, plan.units_after) == []
    broken = _break(ds, plan.transfers, seed)
    ctx = context(ds, scenario, broken, plan.units_after)
    flagged = 0
    for name, (reference, vectorised) in REFERENCE.items():
        want, got = list(reference(ctx)), list(vectorised(ctx))
        assert got == want, name
        flagged += len(want)
    assert flagged > 10                      # the plans really are broken
    # and each reference rule is satisfied by the valid plan
    ok = context(ds, scenario, plan.transfers, plan.units_after)
    assert all(not list(ref(ok)) for ref, _ in REFERENCE.values())
