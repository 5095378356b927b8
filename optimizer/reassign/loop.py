"""Planners and staff in the loop: decisions, wishes and a baseline plan (docs/contract.md §8).

    outcome = solve_in_loop(ds, scenario, baseline=None)

1. `optimizer.reassign.decisions.apply_decisions`: keep/exempt pinned, forced moves checked and
   taken as done (the residual problem);
2. `optimizer.reassign.preferences.solve_preferences`: the exact lexicographic optimum of §8 on
   the residual problem, with a node of their own for the persons with wishes or a baseline
   transfer;
3. who goes: the personal moves are the model's own (a wish the model counted is the wish
   granted); the anonymous flows are given to the staff *without* a wish or a baseline transfer
   by `optimizer.reassign.selection.choose_persons` (home distance, then years left), so the
   selection never undoes what the model counted;
4. the marks of transfers.csv (``decision``, ``wish_rank``, ``baseline``), the summary figures
   and ``changes.csv`` (what changed against the baseline, and why).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.dataset import Dataset
from optimizer.reassign.decisions import DECISION_VI, apply_decisions, stay_reason_vi
from optimizer.reassign.eligibility import Eligibility, build_eligibility, distance_lookup
from optimizer.reassign.flows import FlowResult
from optimizer.reassign.preferences import personal_staff, solve_preferences
from optimizer.reassign.selection import choose_persons, describe_transfers
from optimizer.status import Status

CHANGES_COLUMNS = ["staff_id", "full_name", "position_code", "from_unit", "change", "baseline_to_unit",
                   "new_to_unit", "cause", "caused_by", "decision_reason", "reason"]


def in_play(ds: Dataset, baseline) -> bool:
    """Whether the plan has decisions, wishes or a baseline (then the marks are written)."""
    return ds.decisions is not None or ds.wishes is not None or baseline is not None


@dataclass(frozen=True)
class LoopOutcome:
    elig: Eligibility          # the pairs as before the plan (keep/exempt applied)
    result: FlowResult         # for make_summary: status, fill, km, bounds
    transfers: pd.DataFrame    # TRANSFER_COLUMNS + decision, wish_rank (+ baseline)
    summary: dict              # the §8 figures
    changes: pd.DataFrame | None   # with a baseline


def solve_in_loop(ds: Dataset, scenario, baseline: pd.DataFrame | None = None) -> LoopOutcome:
    applied = apply_decisions(ds, scenario)
    elig = build_eligibility(ds, scenario, staff=applied.staff)
    resid = build_eligibility(ds, scenario, staff=applied.residual)
    if baseline is not None:
        baseline = baseline.loc[baseline["staff_id"].isin(ds.staff["staff_id"])]
    forced = applied.forced
    pr = solve_preferences(
        resid, wishes=ds.wishes[["staff_id", "unit_code", "rank"]] if ds.wishes is not None else None,
        baseline=baseline[["staff_id", "to_unit"]] if baseline is not None else None,
        max_departures_per_unit=scenario.max_departures_per_unit,
        max_arrivals_per_unit=scenario.max_arrivals_per_unit,
        departures_used=forced.groupby("from_unit").size().to_dict(),
        arrivals_used=forced.groupby("to_unit").size().to_dict(),
        time_limit=float(scenario.time_limit))

    # who goes: anonymous flows to the staff with no wish and no baseline transfer
    ids = set(ds.wishes["staff_id"]) if ds.wishes is not None else set()
    ids |= set(baseline["staff_id"]) if baseline is not None else set()
    personal_ids = set(personal_staff(resid, ids)["staff_id"])
    pool = resid.staff.assign(may_move=resid.staff["may_move"] & ~resid.staff["staff_id"].isin(personal_ids))
    anon = choose_persons(ds, dataclasses.replace(elig, staff=pool), pr.anon_flows, scenario)
    named = _named(ds, elig, scenario, pr.personal, forced)
    transfers = _marks(ds, pd.concat([anon, named], ignore_index=True), forced, baseline)

    prio = elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]
    forced_fill = int(forced["position_code"].map(prio).sum()) if len(forced) else 0
    # the most that can be filled: the residual problem's ceiling and the forced moves
    elig = dataclasses.replace(elig, ceiling=resid.ceiling + len(forced),
                               ceiling_weighted=resid.ceiling_weighted + forced_fill)
    wfill = pr.objective["weighted_fill"] + forced_fill
    total_km = float(transfers["km"].sum()) if len(transfers) else 0.0
    method = "+".join(k for k, v in pr.methods.items() if v) or "min_cost_flow"
    gap = 0.0 if pr.status == "optimal" else float("nan")
    result = FlowResult(flows=pr.anon_flows, status=Status(pr.status), method=method, weighted_fill=wfill,
                        weighted_fill_bound=float(wfill) if pr.status == "optimal" else float(elig.ceiling_weighted),
                        total_km=total_km, km_bound=total_km if pr.status == "optimal" else float("nan"),
                        gap=gap, solve_seconds=pr.solve_seconds, build_seconds=pr.build_seconds,
                        stages=pr.stages)
    summary = _figures(ds, applied, transfers, baseline, pr)
    changes = changes_table(ds, applied, transfers, baseline) if baseline is not None else None
    return LoopOutcome(elig=elig, result=result, transfers=transfers, summary=summary, changes=changes)


def _named(ds, elig, scenario, personal: pd.DataFrame, forced: pd.DataFrame) -> pd.DataFrame:
    """Transfer rows for the persons the model or a decision named."""
    cols = ["staff_id", "from_unit", "to_unit", "position_code", "km", "distance_source"]
    picks = pd.concat([personal[cols], forced[cols]], ignore_index=True)
    if picks.empty:
        return choose_persons(ds, elig, picks.assign(flow=pd.Series(dtype="int64")), scenario)
    st = elig.staff.set_index("staff_id")
    known = set(ds.units["unit_code"])
    home = picks["staff_id"].map(st["home_unit_code"]).fillna("")
    home = home.where(home.isin(known), picks["from_unit"])
    home_km, _ = distance_lookup(ds, home.to_numpy(), picks["to_unit"].to_numpy())
    years = (picks["staff_id"].map(st["retirement_date"]) - pd.Timestamp(scenario.plan_date)).dt.days / 365.25
    slots = picks.drop(columns="staff_id").assign(flow=1, slot=np.arange(len(picks)))
    pick = pd.DataFrame({"staff_id": picks["staff_id"], "slot": slots["slot"], "home_km": home_km,
                         "years_to_retirement": np.round(years.to_numpy(), 1)})
    return describe_transfers(ds, elig, slots, pick, scenario)


def _marks(ds, t: pd.DataFrame, forced: pd.DataFrame, baseline) -> pd.DataFrame:
    """Sort and number all transfers; add decision, wish_rank (and baseline kept/new)."""
    t = t.sort_values(["from_province", "from_unit", "position_code", "to_unit", "staff_id"], kind="stable")
    t = t.reset_index(drop=True)
    t["transfer_no"] = np.arange(1, len(t) + 1)
    is_forced = t["staff_id"].isin(set(forced["staff_id"]))
    t["decision"] = np.where(is_forced, "move", "")
    rank = pd.Series(0, index=t.index, dtype="int64")
    if ds.wishes is not None and len(t):
        w = ds.wishes.groupby(["staff_id", "unit_code"])["rank"].min()
        rank = pd.Series(w.reindex(pd.MultiIndex.from_arrays([t["staff_id"], t["to_unit"]])).to_numpy(),
                         index=t.index).fillna(0).astype("int64")
    t["wish_rank"] = rank.astype(object).where(rank > 0, "")
    why = t["staff_id"].map(forced.set_index("staff_id")["reason"].astype(str).to_dict()).astype(object)
    why = why.where(why.notna() & (why != ""), None).map(lambda r: f" ({r})" if r else "")
    note = np.where(is_forced, "; theo quyết định điều động" + why, "")
    note = note + np.where(rank > 0, "; theo nguyện vọng thứ " + rank.astype(str), "")
    t["reason"] = t["reason"] + note
    if baseline is not None:
        base = baseline.set_index("staff_id")["to_unit"]
        t["baseline"] = np.where(t["staff_id"].map(base) == t["to_unit"], "kept", "new")
    return t


def _figures(ds, applied, t: pd.DataFrame, baseline, pr) -> dict:
    rank = pd.to_numeric(t["wish_rank"], errors="coerce").fillna(0).astype(int)
    out = {}
    if baseline is not None:
        kept = int((t["baseline"] == "kept").sum())
        out.update(baseline_kept=kept, baseline_dropped=int(len(baseline) - kept),
                   baseline_added=int(len(t) - kept))
    out.update(voluntary_moves=int((rank > 0).sum()), involuntary_moves=int((rank == 0).sum()))
    if ds.wishes is not None:
        out["wishes"] = {"staff_with_wishes": int(ds.wishes["staff_id"].nunique()),
                         "choices_met": {str(r): int((rank == r).sum()) for r in sorted(set(rank[rank > 0]))}}
    d = applied.decisions
    out["decisions"] = {k: int((d["decision"] == k).sum()) for k in ("keep", "exempt", "move")}
    out["exempt_staff"] = int((applied.staff["stay_reason"] == "exempt_reason").sum())
    out["preference_model"] = {"components": pr.components, "methods": pr.methods,
                               "largest_weight": str(pr.max_weight), "objective": pr.objective}
    return out


def changes_table(ds, applied, t: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """What changed against the baseline (dropped, added, redirected) and why."""
    base = baseline.set_index("staff_id")["to_unit"]
    new = t.set_index("staff_id")["to_unit"]
    st = applied.staff.set_index("staff_id")
    dec = applied.decisions.set_index("staff_id") if len(applied.decisions) else None
    rows = []
    for sid in sorted(set(base.index) | set(new.index)):
        b, n = base.get(sid), new.get(sid)
        if b is not None and b == n:
            continue
        change = "added" if b is None else "dropped" if n is None else "redirected"
        code = dec["decision"].get(sid) if dec is not None and sid in dec.index else None
        dreason = str(dec["reason"].get(sid) or "") if code else ""
        if code in ("keep", "exempt", "move"):
            cause = code
            why = f"Quyết định {DECISION_VI[code]}" + (f" đến {n}" if code == "move" else "") + \
                (f": {dreason}" if dreason else "")
        elif sid in st.index and not st.at[sid, "may_move"]:
            cause = st.at[sid, "stay_reason"]
            why = "Không điều động: " + stay_reason_vi(cause, st.at[sid, "exempt_reason"]
                                                       if "exempt_reason" in st.columns else "")
        else:
            cause = "reoptimised"
            why = ("Tối ưu lại sau các quyết định: ít thay đổi nhất so với kế hoạch trước mà vẫn "
                   "lấp đầy tối đa chỗ thiếu")
        rows.append({"staff_id": sid, "change": change, "baseline_to_unit": b or "", "new_to_unit": n or "",
                     "cause": cause, "decision_reason": dreason, "reason": why})
    out = pd.DataFrame(rows, columns=["staff_id", "change", "baseline_to_unit", "new_to_unit", "cause",
                                      "decision_reason", "reason"])
    info = ds.staff.set_index("staff_id")
    out.insert(1, "full_name", out["staff_id"].map(info["full_name"]).fillna(""))
    out.insert(2, "position_code", out["staff_id"].map(info["position_code"]).fillna(""))
    out.insert(3, "from_unit", out["staff_id"].map(info["unit_code"]).fillna(""))
    out["caused_by"] = _causes(out)
    stand_in = out["caused_by"] != ""
    out.loc[stand_in, "reason"] = ("Thay cho " + out.loc[stand_in, "caused_by"] + " ("
                                   + out.loc[stand_in, "caused_by"].map(out.set_index("staff_id")["reason"])
                                   + ")")
    return out[CHANGES_COLUMNS]


def _causes(out: pd.DataFrame) -> pd.Series:
    """For each re-optimised change, the person whose decision (or exemption) freed its place:
    a change of theirs into the same unit and position, else out of the same unit and position."""
    caused = out.loc[out["cause"] != "reoptimised"]
    free_to = {}
    for r in caused.loc[caused["baseline_to_unit"] != ""].itertuples():
        free_to.setdefault((r.baseline_to_unit, r.position_code), []).append(r.staff_id)
    free_from = {}
    for r in caused.itertuples():
        free_from.setdefault((r.from_unit, r.position_code), []).append(r.staff_id)
    by = pd.Series("", index=out.index, dtype=object)
    for i, r in out.loc[(out["cause"] == "reoptimised") & (out["new_to_unit"] != "")].iterrows():
        for pool in (free_to.get((r["new_to_unit"], r["position_code"])),
                     free_from.get((r["from_unit"], r["position_code"]))):
            if pool:
                by.at[i] = pool.pop(0)
                break
    return by
