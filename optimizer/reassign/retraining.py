"""The retraining moves of a plan, counted (docs/contract.md §6): for the summary, workbook and report.

A *retraining* is a transfer whose ``to_position_code`` differs from its ``position_code``;
*in place* when the person stays in their unit. Plans made without ``--conversions`` have no
``to_position_code`` column and none of this is added to their outputs.
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from optimizer.reassign.audit import RETRAINING_RULE_NAMES
from optimizer.summary import Summary

#: one row per (from_position, to_position) retraining path used by the plan
BY_PAIR_COLUMNS = ["position_code", "position_name", "to_position_code", "to_position_name",
                   "retrained", "in_place", "training_months", "training_cost_vnd"]


def retrained(transfers: pd.DataFrame) -> pd.DataFrame:
    """The transfers that change position (empty when the plan has no retraining column)."""
    if "to_position_code" not in transfers.columns:
        return transfers.iloc[0:0]
    return transfers.loc[transfers["to_position_code"] != transfers["position_code"]]


def retraining_by_pair(transfers: pd.DataFrame) -> pd.DataFrame:
    """How many were retrained on each path, how many in place, months each, total cost (VND)."""
    r = retrained(transfers)
    if r.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BY_PAIR_COLUMNS})
    r = r.assign(in_place=(r["from_unit"] == r["to_unit"]).astype("int64"))
    g = (r.groupby(["position_code", "position_name", "to_position_code", "to_position_name"], sort=True)
         .agg(retrained=("staff_id", "size"), in_place=("in_place", "sum"),
              training_months=("training_months", "first"), training_cost_vnd=("training_cost_vnd", "sum"))
         .reset_index())
    g["training_cost_vnd"] = g["training_cost_vnd"].round(0)
    return g.sort_values(["retrained", "position_code", "to_position_code"], ascending=[False, True, True],
                         kind="stable").reset_index(drop=True)[BY_PAIR_COLUMNS]


def retraining_summary(summary: Summary, transfers: pd.DataFrame) -> Summary:
    """The summary with the retraining figures added (a new Summary; keys only ever added):
    ``objective.position_changes``, the retraining rules in ``check.rules``, and ``retraining``."""
    r = retrained(transfers)
    by_pair = retraining_by_pair(transfers)
    retraining = {
        "retrained": int(len(r)),
        "retrained_in_place": int((r["from_unit"] == r["to_unit"]).sum()),
        "plain_transfers": int(len(transfers) - len(r)),
        "training_months_total": int(r["training_months"].sum()) if len(r) else 0,
        "training_cost_vnd": round(float(r["training_cost_vnd"].sum()), 0) if len(r) else 0.0,
        "by_pair": [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                    for row in by_pair.to_dict("records")],
    }
    check = dict(summary.check)
    check["rules"] = [*check.get("rules", []), *RETRAINING_RULE_NAMES]
    return dataclasses.replace(summary, objective={**summary.objective, "position_changes": int(len(r))},
                               check=check, extras={**summary.extras, "retraining": retraining})
