"""The figures the README reports: balance, per province and group, the fill ceiling."""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.geo import haversine_km
from models.retirement import retirement_dates

from .facts import PLAN_DATE
from .officers import officers_optimum
from .roster import balance_table
from .state import Build


def calibration(bld: Build, max_km: float = 40.0) -> dict:
    u, st = bld.u, bld.staff
    b = balance_table(bld)
    grp = dict(zip(bld.pos.position_code, bld.pos.group))
    short_f = dict(zip(bld.pos.position_code, bld.pos.shortage_field))
    b["pc"] = b.unit_code.map(u.set_index("unit_code").province_code)
    b["group"] = b.position_code.map(grp)
    b["sf"] = b.position_code.map(short_f)
    posts = b[b.quota > 0]
    res = {
        "staff": int(len(st)), "quota": int(b.quota.sum()),
        "surplus": int(b.surplus.sum()), "shortage": int(b.shortage.sum()),
        "pairs": int(len(b)), "posts": int(len(posts)),
        "share_posts_over": float((posts.surplus > 0).mean()),
        "share_posts_under": float((posts.shortage > 0).mean()),
        "zero_quota_pairs": int((b.quota == 0).sum()),
    }
    # per province
    unet = b.groupby("unit_code").apply(lambda g: (g.staff - g.quota).sum(),
                                        include_groups=False)
    unet = pd.DataFrame({"net": unet, "pc": unet.index.map(u.set_index("unit_code").province_code)})
    pv = b.groupby("pc").agg(staff=("staff", "sum"), quota=("quota", "sum"),
                             surplus=("surplus", "sum"), shortage=("shortage", "sum"))
    pv["units"] = u.groupby("province_code").size()
    pv["units_over"] = unet[unet.net > 0].groupby("pc").size()
    pv["units_under"] = unet[unet.net < 0].groupby("pc").size()
    pv["net_over_sum"] = unet[unet.net > 0].groupby("pc").net.sum()
    pv["net_under_sum"] = -unet[unet.net < 0].groupby("pc").net.sum()
    pv = pv.fillna(0).astype(int)
    both = b.groupby(["pc", "position_code"]).agg(s=("surplus", "sum"), d=("shortage", "sum"))
    both = both[(both.s > 0) & (both.d > 0)].groupby("pc").size()
    pv["positions_both"] = both.reindex(pv.index).fillna(0).astype(int)
    imb = b[(b.surplus > 0) | (b.shortage > 0)].groupby("pc").position_code.nunique()
    pv["positions_imbalanced"] = imb.reindex(pv.index).fillna(0).astype(int)
    res["by_province"] = pv
    gg = b.groupby("group").agg(staff=("staff", "sum"), quota=("quota", "sum"),
                                surplus=("surplus", "sum"), shortage=("shortage", "sum"))
    sfg = b.groupby("sf").agg(staff=("staff", "sum"), quota=("quota", "sum"),
                              surplus=("surplus", "sum"), shortage=("shortage", "sum"))
    res["by_group"], res["by_shortage_field"] = gg, sfg
    # remote units
    rem = set(u.unit_code[u.remote])
    br = b[b.unit_code.isin(rem)]
    res["remote"] = {"units": len(rem), "shortage": int(br.shortage.sum()),
                     "surplus": int(br.surplus.sum())}
    # people
    male, birth = bld._male, bld._birth
    ret = retirement_dates(pd.Series(birth), pd.Series(np.where(male, "M", "F"))).to_numpy()
    ages = (PLAN_DATE - birth).astype(int) / 365.2425
    protect = ret < PLAN_DATE + np.timedelta64(730, "D")
    res["people"] = {
        "male_share": float(male.mean()), "age_mean": float(ages.mean()),
        "age_min": float(ages.min()), "age_max": float(ages.max()),
        "not_movable": int(bld._notmov.sum()),
        "retired_already": int((ret <= PLAN_DATE).sum()),
        "retire_within_2y": int(protect.sum()),
        "home_is_work_share": float((st.home_unit_code == st.unit_code).mean()),
    }
    # ceiling: shortage fillable within the province and max_km (movable surplus only)
    movable = (~bld._notmov) & (~protect)
    mv = st[movable].groupby(["unit_code", "position_code"]).size().rename("mov")
    b2 = b.set_index(["unit_code", "position_code"]).join(mv).fillna({"mov": 0}).reset_index()
    b2["give"] = np.minimum(b2.surplus, b2.mov).astype(int)
    res["fill_ceiling"] = fill_ceiling(b2, u, max_km)
    prio = dict(zip(bld.positions_out.position_code, bld.positions_out.priority))
    b2["prio"] = b2.position_code.map(prio)
    res["weighted_shortage"] = int((b2.shortage * b2.prio).sum())
    res["officers_optimum"] = officers_optimum(bld.officers, bld.needs)
    return res


def fill_ceiling(b: pd.DataFrame, u: pd.DataFrame, max_km: float) -> dict:
    """Max number of shortage posts fillable by same-position moves within a province and
    max_km (great circle): one max-flow per (province, position); positions do not
    interact, so the sum is exact."""
    coords = u.set_index("unit_code")[["lat", "lon", "province_code"]]
    b = b.join(coords, on="unit_code")
    total_fill, total_short, by_pos = 0, 0, {}
    try:
        from ortools.graph.python import max_flow
    except Exception:       # pragma: no cover - ortools is a project dependency
        return {"available": False}
    for (pc, p), g in b.groupby(["province_code", "position_code"], sort=True):
        S = g[g.give > 0]
        D = g[g.shortage > 0]
        short = int(D.shortage.sum())
        total_short += short
        if len(S) == 0 or len(D) == 0:
            by_pos.setdefault(p, [0, 0])[1] += short
            continue
        d = haversine_km(S.lat.to_numpy()[:, None], S.lon.to_numpy()[:, None],
                      D.lat.to_numpy()[None, :], D.lon.to_numpy()[None, :])
        si, di = np.nonzero(d <= max_km)
        f = 0
        if len(si):
            mf = max_flow.SimpleMaxFlow()
            src, snk = 0, 1
            ns = len(S)
            for i, cap in enumerate(S.give.to_numpy()):
                mf.add_arc_with_capacity(src, 2 + i, int(cap))
            for j, cap in enumerate(D.shortage.to_numpy()):
                mf.add_arc_with_capacity(2 + ns + j, snk, int(cap))
            for i, j in zip(si, di):
                mf.add_arc_with_capacity(2 + int(i), 2 + ns + int(j), 10**6)
            mf.solve(src, snk)
            f = int(mf.optimal_flow())
        total_fill += f
        e = by_pos.setdefault(p, [0, 0])
        e[0] += f
        e[1] += short
    return {"available": True, "fillable": total_fill, "shortage": total_short,
            "share": total_fill / max(total_short, 1), "by_position": by_pos}
