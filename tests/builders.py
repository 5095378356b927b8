"""Tiny datasets built by hand for the optimiser's tests (no files involved).

``make_ds`` takes short tuples and returns a normalised `Dataset` with the dtypes of
DESIGN.md, so a test reads like the situation it describes.
"""
from __future__ import annotations

import pandas as pd

from models.dataset import Dataset

# one degree of latitude ≈ 111.195 km (R = 6371.0)
KM_PER_DEG = 6371.0 * 3.141592653589793 / 180.0


def make_ds(units, staff, quotas, positions=None, distances=None, provinces=None,
            officers=None, province_needs=None, note="tiny test dataset") -> Dataset:
    """units: (code, province, lat, lon); staff: (id, unit, position, birth, gender[, movable[, home]]);
    quotas: (unit, position, quota); positions: (code, priority) or None for all used with priority 1."""
    units_df = pd.DataFrame(
        [{"unit_code": u[0], "name": f"Xã {u[0]}", "province_code": u[1], "unit_type": "xa",
          "lat": float(u[2]), "lon": float(u[3]), "area_km2": float("nan"), "population": float("nan"),
          "remote": False} for u in units])
    provs = provinces or sorted({u[1] for u in units})
    prov_df = pd.DataFrame([{"province_code": p, "name": f"Tỉnh {p}", "lat": float("nan"), "lon": float("nan")}
                            for p in provs])
    rows = []
    for s in staff:
        sid, unit, pos, birth, gender = s[:5]
        movable = s[5] if len(s) > 5 else True
        home = s[6] if len(s) > 6 else ""
        rows.append({"staff_id": sid, "unit_code": unit, "position_code": pos,
                     "birth_date": pd.Timestamp(birth), "gender": gender, "movable": bool(movable),
                     "full_name": f"Người {sid}", "home_unit_code": home})
    staff_df = pd.DataFrame(rows, columns=["staff_id", "unit_code", "position_code", "birth_date", "gender",
                                           "movable", "full_name", "home_unit_code"])
    staff_df["birth_date"] = pd.to_datetime(staff_df["birth_date"]).astype("datetime64[ns]")
    staff_df["movable"] = staff_df["movable"].astype(bool)
    quotas_df = pd.DataFrame([{"unit_code": q[0], "position_code": q[1], "quota": int(q[2])} for q in quotas],
                             columns=["unit_code", "position_code", "quota"]).astype({"quota": "int64"})
    if positions is None:
        used = sorted(set(staff_df["position_code"]) | set(quotas_df["position_code"]))
        positions = [(p, 1) for p in used]
    pos_df = pd.DataFrame([{"position_code": p[0], "name": f"Vị trí {p[0]}", "group": "professional",
                            "priority": int(p[1])} for p in positions]).astype({"priority": "int64"})
    dist_df = None
    if distances is not None:
        dist_df = pd.DataFrame([{"from_unit": a, "to_unit": b, "km": float(k)} for a, b, k in distances],
                               columns=["from_unit", "to_unit", "km"])
    return Dataset(provinces=prov_df, units=units_df, positions=pos_df, staff=staff_df, quotas=quotas_df,
                   officers=officers, province_needs=province_needs, distances=dist_df, note=note)
