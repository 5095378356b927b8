"""Reasons counted by province, and for each province what would help most.

    reasons_by_province(unfilled) -> one row per province: posts unfilled by reason_code
    what_helps(ds, scenario, elig, flows, unfilled) -> one row per (province, lever)

The figures are honest: "raising the limit to K km would fill n more posts" is a re-solve of
the network (the same rules and limits) with the arcs of the province's receiving units allowed
up to K km; K is the median km still needed by the province's ``out_of_reach`` posts, rounded up
to 5 km. Without cross-province moves provinces are independent, so every province's figure is
the one it would get alone; with them, every province's limit is raised together and the gain
is counted where the posts are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.reassign.eligibility import build_eligibility
from optimizer.reassign.network import solve_flows

from .reasons import UNFILLED_CODES, fmt_limit

REASONS_BY_PROVINCE_COLUMNS = ("province_code", "province_name", *UNFILLED_CODES, "total")
WHAT_HELPS_COLUMNS = ("province_code", "province_name", "lever", "posts", "weighted_posts", "km_limit",
                      "position_code", "advice", "best")


def reasons_by_province(unfilled: pd.DataFrame) -> pd.DataFrame:
    t = unfilled.pivot_table(index=["province_code", "province_name"], columns="reason_code",
                             values="shortage_after", aggfunc="sum", fill_value=0)
    t = t.reindex(columns=list(UNFILLED_CODES), fill_value=0)
    t["total"] = t.sum(axis=1)
    return t.reset_index().astype({c: "int64" for c in (*UNFILLED_CODES, "total")})[list(REASONS_BY_PROVINCE_COLUMNS)]


def _raise_limit(ds, scenario, elig, flows, unfilled) -> pd.DataFrame:
    far = unfilled.loc[unfilled["reason_code"] == "out_of_reach"]
    if far.empty:
        return pd.DataFrame(columns=["province_code", "km_limit", "posts", "weighted_posts"])
    k = far.groupby("province_code")["km_to_reach"].median()
    k = np.maximum(np.ceil(k / 5.0) * 5.0, float(scenario.max_km) + 5.0)
    wide = build_eligibility(ds, scenario.model_copy(update={"max_km": float(k.max())}))
    arcs = wide.arcs
    prov = ds.units.set_index("unit_code")["province_code"]
    dest = arcs["to_unit"].map(prov)
    lim = dest.map(k).fillna(float(scenario.max_km))
    arcs = arcs.loc[arcs["km"] <= lim + 1e-9].reset_index(drop=True)
    from dataclasses import replace
    res = solve_flows(replace(wide, arcs=arcs), max_departures_per_unit=scenario.max_departures_per_unit,
                      max_arrivals_per_unit=scenario.max_arrivals_per_unit)
    prio = ds.positions.set_index("position_code")["priority"]

    def by_prov(f):
        g = f.assign(p=f["to_unit"].map(prov), w=f["flow"] * f["position_code"].map(prio))
        return g.groupby("p")[["flow", "w"]].sum()
    gain = by_prov(res.flows).sub(by_prov(flows), fill_value=0).reindex(k.index).fillna(0)
    return pd.DataFrame({"province_code": k.index, "km_limit": k.to_numpy(),
                         "posts": gain["flow"].astype("int64").to_numpy(),
                         "weighted_posts": gain["w"].astype("int64").to_numpy()})


def what_helps(ds, scenario, elig, flows: pd.DataFrame, unfilled: pd.DataFrame) -> pd.DataFrame:
    """Every lever with its posts, per province; ``best`` marks the one that would fill the most."""
    names = ds.provinces.set_index("province_code")["name"]
    rows = []
    u = unfilled.assign(w=unfilled["shortage_after"] * unfilled["priority"])
    ns = u.loc[u["reason_code"] == "no_surplus_in_scope"]
    if len(ns):
        g = ns.groupby(["province_code", "position_code", "position_name"])[["shortage_after", "w"]].sum().reset_index()
        g = g.sort_values(["province_code", "w", "position_code"], ascending=[True, False, True]).drop_duplicates("province_code")
        for r in g.itertuples(index=False):
            rows.append((r.province_code, "recruit_or_retrain", int(r.shortage_after), int(r.w), np.nan, r.position_code,
                         f"Không có công chức dôi dư vị trí {r.position_name} trong phạm vi điều động: chỉ tuyển dụng "
                         f"hoặc đào tạo lại mới lấp được {int(r.shortage_after)} chỗ thiếu này."))
    for r in _raise_limit(ds, scenario, elig, flows, unfilled).itertuples(index=False):
        rows.append((r.province_code, "raise_km_limit", int(r.posts), int(r.weighted_posts), float(r.km_limit), "",
                     f"Nâng giới hạn khoảng cách từ {fmt_limit(scenario.max_km)} lên {fmt_limit(r.km_limit)} km sẽ "
                     f"lấp thêm {int(r.posts)} chỗ thiếu (đã giải lại mô hình)."))
    tk = u.loc[u["reason_code"] == "taken"].groupby("province_code")[["shortage_after", "w"]].sum()
    for p, r in tk.iterrows():
        rows.append((p, "recruit_where_taken", int(r["shortage_after"]), int(r["w"]), np.nan, "",
                     f"{int(r['shortage_after'])} chỗ thiếu mà người dôi dư trong tầm đã được điều động hết cho nơi khác: "
                     "chỉ tuyển dụng hoặc đào tạo lại mới lấp được."))
    lim = u.loc[u["reason_code"] == "unit_limit"].groupby("province_code")[["shortage_after", "w"]].sum()
    for p, r in lim.iterrows():
        rows.append((p, "relax_unit_limit", int(r["shortage_after"]), int(r["w"]), np.nan, "",
                     f"{int(r['shortage_after'])} chỗ thiếu bị chặn bởi giới hạn số người đi/đến mỗi đơn vị "
                     "(cận trên: số chỗ có lý do này)."))
    out = pd.DataFrame(rows, columns=["province_code", "lever", "posts", "weighted_posts", "km_limit",
                                      "position_code", "advice"])
    out["province_name"] = out["province_code"].map(names)
    out = out.sort_values(["province_code", "weighted_posts", "lever"], ascending=[True, False, True], kind="stable")
    out["best"] = ~out.duplicated("province_code")
    return out.reset_index(drop=True)[list(WHAT_HELPS_COLUMNS)]
