"""A planner's decisions applied to the reassignment (docs/contract.md §8), and why people stay.

* ``keep`` and ``exempt``: the person is never moved (``may_move`` false; ``stay_reason``
  ``decision_keep`` / ``decision_exempt``).
* ``move``: the person is moved to ``to_unit``. The move must satisfy every rule of §2 except
  ``max_km`` (and the scenario's per-unit limits); every one that cannot is bad input — a
  `DatasetError` naming the decisions row, the rule and why. The forced moves are then taken as
  done: the *residual* staff has the movers in their new unit, pinned there, so the model sees
  exactly the surplus and shortage that remain.
* A non-empty staff ``exempt_reason`` (Decree 170/2025) already makes a person not movable
  (`optimizer.reassign.eligibility.staff_status`); `stay_reason_vi` words it in Vietnamese.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.dataset import Dataset
from models.validation import ROW_COLUMN, DatasetError, Problem
from optimizer.reassign.eligibility import cross_into, distance_lookup, staff_status

#: Decree 170/2025 cases (the codes of the staff column exempt_reason) in Vietnamese
EXEMPT_VI = {
    "child_under_36_months": "đang nuôi con dưới 36 tháng tuổi",
    "pregnant": "đang mang thai",
    "discipline": "đang trong thời gian xem xét xử lý kỷ luật",
    "investigation": "đang bị thanh tra, kiểm tra, điều tra",
    "serious_illness": "đang điều trị bệnh hiểm nghèo",
}
DECISION_VI = {"keep": "giữ lại đơn vị hiện tại", "exempt": "không điều động", "move": "điều động"}


def exempt_vi(code: str) -> str:
    code = str(code or "").strip()
    return EXEMPT_VI.get(code, code)


def stay_reason_vi(stay_reason: str, exempt_reason: str = "", decision_reason: str = "") -> str:
    """Why a person is not moved, in one Vietnamese phrase."""
    extra = f" ({decision_reason})" if decision_reason else ""
    return {
        "movable=false": "không thuộc diện điều động (movable = false)",
        "near_retirement": "sắp đến tuổi nghỉ hưu",
        "exempt_reason": f"không điều động theo Nghị định 170/2025: {exempt_vi(exempt_reason)}",
        "decision_keep": f"quyết định giữ lại đơn vị hiện tại{extra}",
        "decision_exempt": f"quyết định không điều động{extra}",
        "decision_move": f"quyết định điều động{extra}",
    }.get(stay_reason, stay_reason)


@dataclass(frozen=True)
class Applied:
    staff: pd.DataFrame           # staff_status with keep/exempt applied (for the report's pairs)
    residual: pd.DataFrame        # … and the forced movers in their new unit, pinned (for the model)
    forced: pd.DataFrame          # staff_id, from_unit, to_unit, position_code, km, distance_source, reason
    decisions: pd.DataFrame       # the decisions table (empty when none)


def _decisions(ds: Dataset) -> pd.DataFrame:
    if ds.decisions is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("staff_id", "decision", "to_unit", "reason")}
                            ).assign(**{ROW_COLUMN: pd.Series(dtype="int64")})
    d = ds.decisions.copy()
    if ROW_COLUMN not in d.columns:
        d[ROW_COLUMN] = np.arange(2, 2 + len(d))
    for c in ("to_unit", "reason"):
        if c not in d.columns:
            d[c] = ""
    return d


def apply_decisions(ds: Dataset, scenario) -> Applied:
    """Keep/exempt pinned, forced moves checked (all problems at once) and taken as done."""
    st = staff_status(ds, scenario)
    dec = _decisions(ds)
    dec = dec.loc[dec["staff_id"].isin(st["staff_id"])]
    code = st["staff_id"].map(dec.set_index("staff_id")["decision"].to_dict()).astype(object).fillna("")
    pinned = code.isin(["keep", "exempt", "move"]).to_numpy()
    stay = np.where(code == "keep", "decision_keep", np.where(code == "exempt", "decision_exempt",
                    np.where(code == "move", "decision_move", st["stay_reason"])))
    # a person who may not move anyway keeps that reason (a legal one comes first)
    stay = np.where(st["may_move"], stay, st["stay_reason"])
    staff = st.assign(may_move=st["may_move"].to_numpy() & ~pinned, stay_reason=stay)

    moves = dec.loc[dec["decision"] == "move"]
    forced = _check_moves(ds, scenario, st, moves)
    residual = staff.copy()
    if len(forced):
        to = residual["staff_id"].map(forced.set_index("staff_id")["to_unit"])
        residual["unit_code"] = to.fillna(residual["unit_code"])
    return Applied(staff=staff, residual=residual, forced=forced, decisions=dec)


def _check_moves(ds: Dataset, scenario, st: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """The forced moves, or a DatasetError naming every decisions row that breaks a rule."""
    cols = ["staff_id", "from_unit", "to_unit", "position_code", "km", "distance_source", "reason"]
    if moves.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    m = moves.rename(columns={ROW_COLUMN: "row_no"}).merge(
        st.drop(columns=[ROW_COLUMN], errors="ignore"), on="staff_id", how="left", suffixes=("", "_staff"))
    prov = ds.units.set_index("unit_code")["province_code"]
    problems: list[Problem] = []

    def bad(mask, rule, message, column="staff_id"):
        for r in m.loc[mask].itertuples():
            value = getattr(r, column)
            text = message(r) if callable(message) else message
            problems.append(Problem("decisions", int(r.row_no), column, str(value),
                                    f"rule {rule}: {text}"))

    no_to = m["to_unit"].fillna("") == ""
    bad(no_to, "move_needs_to_unit", "a move decision needs to_unit (the unit the person goes to)",
        "to_unit")
    unknown = ~no_to & ~m["to_unit"].isin(prov.index)
    bad(unknown, "known_destination", "unknown unit (not in table units)", "to_unit")
    ok = ~no_to & ~unknown
    bad(ok & (m["to_unit"] == m["unit_code"]), "different_unit",
        lambda r: f"{r.staff_id} already works in {r.to_unit}", "to_unit")
    bad(~m["movable"].astype(bool), "movable", "the staff table marks this person not movable")
    ex = m["exempt_reason"].fillna("").astype(str).str.strip() if "exempt_reason" in m.columns \
        else pd.Series("", index=m.index)
    bad(ex != "", "exempt_reason",
        lambda r: f"not transferable under Decree 170/2025 ({ex.loc[r.Index]})")
    bad(m["movable"].astype(bool) & (ex == "") & (m["stay_reason"] == "near_retirement"), "protect_years",
        lambda r: f"retires on {pd.Timestamp(r.retirement_date):%Y-%m-%d}, within "
                  f"{scenario.protect_years} years of the plan date")
    f_prov, t_prov = m["unit_code"].map(prov), m["to_unit"].map(prov)
    into = cross_into(ds, scenario)
    cross = ok & (f_prov != t_prov)
    allowed = scenario.cross_province & (t_prov.isin(into) if into else True)
    bad(cross & ~allowed, "same_province",
        lambda r: f"{r.unit_code} (province {f_prov.loc[r.Index]}) → {r.to_unit} (province "
                  f"{t_prov.loc[r.Index]}): moves between provinces are not allowed", "to_unit")

    # quotas: departures ≤ surplus of (unit, position), arrivals ≤ shortage (all forced moves together)
    key = ["unit_code", "position_code"]
    before = ds.staff.groupby(key).size().rename("staff_before")
    quota = ds.quotas.set_index(key)["quota"]
    counts = pd.concat([before, quota], axis=1).fillna(0).astype("int64")
    out = m.loc[ok].groupby(key).size()
    inn = m.loc[ok].groupby(["to_unit", "position_code"]).size()
    for (u, p), n in out.items():
        sb, q = counts.loc[(u, p)] if (u, p) in counts.index else (0, 0)
        if sb - n < q:
            bad(ok & (m["unit_code"] == u) & (m["position_code"] == p), "quota_not_crossed",
                f"{n} forced move(s) leave {u} in {p}: {sb} − {n} is below the quota {q}")
    for (v, p), n in inn.items():
        sb, q = counts.loc[(v, p)] if (v, p) in counts.index else (0, 0)
        if sb + n > q:
            bad(ok & (m["to_unit"] == v) & (m["position_code"] == p), "quota_not_crossed",
                f"{n} forced move(s) into {v} in {p}: {sb} + {n} is above the quota {q}", "to_unit")
    for limit, col, name in ((scenario.max_departures_per_unit, "unit_code", "max_departures_per_unit"),
                             (scenario.max_arrivals_per_unit, "to_unit", "max_arrivals_per_unit")):
        if limit is None:
            continue
        n = m.loc[ok].groupby(col).size()
        for u in n.index[n > limit]:
            bad(ok & (m[col] == u), name, f"{n[u]} forced moves at {u}, above the limit {limit}", col)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.message))
        raise DatasetError(problems, source="decisions")
    km, source = distance_lookup(ds, m["unit_code"].to_numpy(), m["to_unit"].to_numpy())
    return pd.DataFrame({"staff_id": m["staff_id"], "from_unit": m["unit_code"], "to_unit": m["to_unit"],
                         "position_code": m["position_code"], "km": km, "distance_source": source,
                         "reason": m["reason"].fillna("")}).reset_index(drop=True)
