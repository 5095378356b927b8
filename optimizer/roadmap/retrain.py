"""Retraining in the roadmap (docs/contract.md §6 and §9): the arcs into another position.

With ``scenario.conversions`` a transfer of the roadmap may also go from a pair (u, p) to a pair
(v, q) with q ≠ p when (p, q) is a row of the dataset's ``conversions`` table — action
``retrain``. Everything else is the transfer's rule: the person may move at that date
(``movable``, no keep/exempt decision, no ``exempt_reason``, statutory retirement later than
t + ``protect_years``), the same province unless cross-province, at most ``max_km``; the two units
may be the same (retraining in place, 0 km). Its cost is the allowance for the km plus the
conversion's ``training_cost_vnd`` (rounded to the dong once, here).

``training_months`` is reported with the action (actions.csv) but does not delay the post: as in
``solve --conversions``, the person takes the new position on the decision date and trains in
post (the contract states no waiting time; the protection rule already leaves every retrained
person at least ``protect_years`` before retirement).

The model (optimizer.roadmap.model) takes these arcs beside the plain transfers' ones: a pair
sends and receives through arcs whatever their positions, so nothing else changes there.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.reassign.conversions import conversion_paths
from optimizer.reassign.eligibility import cross_into, distance_lookup
from optimizer.roadmap.timeline import allowance_vnd

__all__ = ["ARC_COLUMNS", "retrain_arcs", "training_lookup"]

#: the columns of every arc of the roadmap model (plain transfers and retraining)
ARC_COLUMNS = ["pid_s", "pid_d", "from_unit", "to_unit", "position_code", "to_position_code", "km", "metres",
               "cost_vnd"]


def training_lookup(ds) -> pd.DataFrame:
    """The listed conversions (from ≠ to), indexed by (position_code, to_position_code):
    training_months, training_cost_vnd."""
    paths = conversion_paths(ds, include_same=False)
    return paths.rename(columns={"from_position": "position_code", "to_position": "to_position_code"}
                        ).set_index(["position_code", "to_position_code"])[["training_months", "training_cost_vnd"]]


def retrain_arcs(ds, scenario, pairs: pd.DataFrame, src: np.ndarray, dst: np.ndarray) -> pd.DataFrame:
    """Arcs (ARC_COLUMNS) from pairs that may send to pairs that may receive along a listed
    conversion; none unless ``scenario.conversions``."""
    paths = training_lookup(ds).reset_index()
    if not scenario.conversions or paths.empty or not len(src) or not len(dst):
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("from_unit", "to_unit", "position_code",
                                                                 "to_position_code") else float)
                             for c in ARC_COLUMNS}).astype({"pid_s": "int64", "pid_d": "int64"})
    cols = ["unit_code", "position_code", "province_code"]
    s = pairs.loc[src, cols].assign(pid_s=src).rename(columns={"unit_code": "from_unit",
                                                               "province_code": "province_code_from"})
    d = pairs.loc[dst, cols].assign(pid_d=dst).rename(columns={"unit_code": "to_unit",
                                                               "position_code": "to_position_code",
                                                               "province_code": "province_code_to"})
    a = s.merge(paths, on="position_code")
    if scenario.cross_province:
        a = a.merge(d, on="to_position_code")
        into = cross_into(ds, scenario)
        if into:
            a = a.loc[(a["province_code_from"] == a["province_code_to"]) | a["province_code_to"].isin(into)]
    else:
        a = a.merge(d, left_on=["to_position_code", "province_code_from"],
                    right_on=["to_position_code", "province_code_to"])
    km, _ = distance_lookup(ds, a["from_unit"].to_numpy(), a["to_unit"].to_numpy())
    a = a.assign(km=km).loc[lambda f: f["km"] <= float(scenario.max_km) + 1e-9]
    allowance = allowance_vnd(a["km"].to_numpy(), scenario.allowance_tiers, scenario.allowance_months)
    a = a.assign(metres=np.rint(a["km"].to_numpy() * 1000),
                 cost_vnd=np.rint(allowance + a["training_cost_vnd"].to_numpy(dtype=float)))
    return a[ARC_COLUMNS].reset_index(drop=True)
