"""The roadmap audit as first written, row by row — the reference tests/test_roadmap_audit_vectorised.py
holds optimizer.roadmap.audit's vectorised rules to (the rules that were never vectorised are
imported from it). Its own words follow.

An independent audit of a roadmap (docs/contract.md §9), from the raw tables and the actions.

It never reads the model, the cohorts or the timeline: it replays ``actions`` date by date
over the dataset's own staff, quota and unit tables, with its own distance and cost code,
and recomputes every objective component. Each rule is one named function in ``RULES``;
a violation names the rule, the person or (unit, position, date) and what is wrong.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models.retirement import retirement_dates
from optimizer.reassign.audit import Violation   # one violation type for every audit
# the rules that were never vectorised are the audit's own (nothing to compare them with)
from optimizer.roadmap.audit import acts_once, budget_holds, decisions_honoured, retrain_listed

__all__ = ["Violation", "RULES", "RULE_NAMES", "audit_roadmap", "recompute_components"]

COST_TOLERANCE_VND = 1.0
KM_TOLERANCE = 0.0015


class _Ctx:
    """The raw tables, re-derived: retirement dates, salary, insurance; the decision dates."""

    def __init__(self, ds, sc, actions, claimed, keep_ids, exempt_ids):
        self.ds, self.sc, self.claimed = ds, sc, claimed or {}
        self.a = actions.reset_index(drop=True)
        st = ds.staff.set_index("staff_id", drop=False)
        self.staff = st.assign(retire=retirement_dates(st["birth_date"], st["gender"]).to_numpy())
        self.dates = [pd.Timestamp(y, 1, 1).strftime("%Y-%m-%d") for y in range(sc.start_year, sc.end_year + 1)]
        # the planner's decisions and the legal exemptions, re-read from the raw tables (§8)
        dec = ds.decisions if ds.decisions is not None else pd.DataFrame(columns=["staff_id", "decision", "to_unit"])
        by_code = {code: set(dec.loc[dec["decision"] == code, "staff_id"]) for code in ("keep", "exempt", "move")}
        reason = (ds.staff["exempt_reason"].fillna("").astype(str).str.strip() if "exempt_reason" in ds.staff.columns
                  else pd.Series("", index=ds.staff.index))
        self.exempt = set(exempt_ids) | by_code["exempt"] | set(ds.staff.loc[reason != "", "staff_id"])
        self.keep = set(keep_ids) | by_code["keep"] | self.exempt
        moves = dec.loc[dec["decision"] == "move"]
        self.moves = dict(zip(moves["staff_id"], moves["to_unit"] if "to_unit" in moves.columns else [""] * len(moves)))
        # the listed retraining paths (docs/contract.md §6), from ≠ to
        conv = ds.conversions
        self.paths = {} if conv is None else {
            (r.from_position, r.to_position): (int(r.training_months), float(r.training_cost_vnd)
                                               if pd.notna(r.training_cost_vnd) else 0.0)
            for r in conv.itertuples() if r.from_position != r.to_position}
        self.plan = pd.Timestamp(sc.plan_date)
        self.units = ds.units.set_index("unit_code")
        self.quota = ds.quotas.set_index(["unit_code", "position_code"])["quota"].to_dict()

    def person(self, sid):
        return self.staff.loc[sid] if sid in self.staff.index else None

    def years(self, a: pd.Timestamp, b: pd.Timestamp) -> int:
        return b.year - a.year - ((b.month, b.day) < (a.month, a.day))

    def insurance(self, row, t: pd.Timestamp) -> float:
        v = pd.to_numeric(pd.Series([row.get("insurance_years", np.nan)]), errors="coerce").iloc[0]
        if pd.isna(v):
            v = max(self.years(pd.Timestamp(row["birth_date"]), self.plan) - 23, 0)
        return float(v) + self.years(self.plan, t)

    @staticmethod
    def months_early(row, t: pd.Timestamp) -> int:
        """Months from decision date t to the day after the statutory retirement date."""
        after = pd.Timestamp(row["retire"]) + pd.Timedelta(days=1)
        return (after.year - t.year) * 12 + after.month - t.month

    def salary(self, row) -> float:
        v = pd.to_numeric(pd.Series([row.get("monthly_salary_vnd", np.nan)]), errors="coerce").iloc[0]
        return float(self.sc.default_monthly_salary_vnd) if pd.isna(v) else float(v)

    def km(self, u, v) -> float:
        d = self.ds.distances
        if d is not None and len(d):
            hit = d.loc[((d["from_unit"] == u) & (d["to_unit"] == v)) | ((d["from_unit"] == v) & (d["to_unit"] == u))]
            if len(hit):
                return float(hit["km"].iloc[0])
        a, b = self.units.loc[u], self.units.loc[v]
        p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
        c = (math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(math.radians(b["lon"] - a["lon"])))
        return 6371.0 * math.acos(max(-1.0, min(1.0, c)))

    def tier(self, km: float) -> float:
        best, vnd = -1.0, 0.0
        for min_km, per_month in self.sc.allowance_tiers:
            if km + 1e-9 >= min_km and min_km >= best:
                best, vnd = min_km, per_month
        return float(round(vnd * self.sc.allowance_months))


def _v(rule, subject, message):
    return Violation(rule, str(subject), message)


def acts_on_known_staff_at_decision_dates(c: _Ctx):
    """Transfers and early retirements name a staff member of the dataset, at their own unit and
    position, on a decision date (1 January of a year of the horizon)."""
    out = []
    for r in c.a.loc[c.a["action"] != "retirement"].itertuples():
        if r.date not in c.dates:
            out.append(_v("acts_on_known_staff_at_decision_dates", r.staff_id, f"{r.action} on {r.date}, not a decision date"))
        if r.action == "recruit":
            continue
        p = c.person(r.staff_id)
        if p is None:
            out.append(_v("acts_on_known_staff_at_decision_dates", r.staff_id, "not in the staff table"))
        elif p["unit_code"] != r.from_unit or p["position_code"] != r.position_code:
            out.append(_v("acts_on_known_staff_at_decision_dates", r.staff_id,
                          f"acts from {r.from_unit}/{r.position_code} but works at {p['unit_code']}/{p['position_code']}"))
    return out


def not_after_retirement(c: _Ctx):
    """Nobody acts on or after the day their statutory retirement has passed."""
    out = []
    for r in c.a.loc[c.a["action"].isin(["transfer", "retrain", "early_retirement"])].itertuples():
        p = c.person(r.staff_id)
        if p is not None and pd.Timestamp(p["retire"]) < pd.Timestamp(r.date):
            out.append(_v("not_after_retirement", r.staff_id, f"retired on {pd.Timestamp(p['retire']).date()}, acts on {r.date}"))
    return out


def transfer_eligible(c: _Ctx):
    """A transfer or retraining: movable, retirement later than date + protect_years."""
    out = []
    months = int(round(float(c.sc.protect_years) * 12))
    for r in c.a.loc[c.a["action"].isin(["transfer", "retrain"])].itertuples():
        p = c.person(r.staff_id)
        if p is None:
            continue
        if not bool(p["movable"]):
            out.append(_v("transfer_eligible", r.staff_id, "may not be moved (movable = false)"))
        elif pd.Timestamp(p["retire"]) <= pd.Timestamp(r.date) + pd.DateOffset(months=months):
            out.append(_v("transfer_eligible", r.staff_id, f"retires {pd.Timestamp(p['retire']).date()}, within "
                                                             f"{c.sc.protect_years:g} years of {r.date}"))
    return out


def transfer_route(c: _Ctx):
    """Same position (a transfer), another unit (retraining may stay: 0 km), same province unless
    cross_province, at most max_km (a planner's move decision excepted, §8), km right."""
    out = []
    into = set(c.sc.cross_province_into or [])
    for r in c.a.loc[c.a["action"].isin(["transfer", "retrain"])].itertuples():
        in_place = r.action == "retrain" and r.to_unit == r.from_unit
        if r.to_unit not in c.units.index or r.from_unit not in c.units.index or (r.to_unit == r.from_unit
                                                                                 and not in_place):
            out.append(_v("transfer_route", r.staff_id, f"{r.from_unit} → {r.to_unit} is not a move between units"))
            continue
        if r.action == "transfer" and r.to_position_code != r.position_code:
            out.append(_v("transfer_route", r.staff_id, "changes position"))
        pf, pt = c.units.at[r.from_unit, "province_code"], c.units.at[r.to_unit, "province_code"]
        if pf != pt and (not c.sc.cross_province or (into and pt not in into)):
            out.append(_v("transfer_route", r.staff_id, f"crosses from province {pf} to {pt}"))
        km = 0.0 if in_place else c.km(r.from_unit, r.to_unit)
        limit = math.inf if (r.action == "transfer" and c.moves.get(r.staff_id) == r.to_unit
                             and r.date == c.dates[0]) else c.sc.max_km
        if km > limit + KM_TOLERANCE or abs(km - float(r.km)) > KM_TOLERANCE:
            out.append(_v("transfer_route", r.staff_id, f"{km:.3f} km (stated {float(r.km):.3f}; limit {c.sc.max_km:g})"))
    return out


def early_retirement_eligible(c: _Ctx):
    """Decree 154/2025: allowed by the scenario, 24–60 months early, ≥ 20 insurance years."""
    out = []
    for r in c.a.loc[c.a["action"] == "early_retirement"].itertuples():
        p = c.person(r.staff_id)
        if p is None:
            continue
        t = pd.Timestamp(r.date)
        m = c.months_early(p, t)
        ins = c.insurance(p, t)
        if not c.sc.early_retirement:
            out.append(_v("early_retirement_eligible", r.staff_id, "early retirement is not allowed"))
        elif not 24 <= m <= 60 or ins < 20:
            out.append(_v("early_retirement_eligible", r.staff_id, f"{m} months early, {ins:g} insurance years"))
    return out


def recruit_allowed(c: _Ctx):
    """Recruits only when allowed, from recruit_from_year, within the per-province yearly cap."""
    rec = c.a.loc[c.a["action"] == "recruit"]
    out = [_v("recruit_allowed", r.staff_id, "recruitment is not allowed" if not c.sc.recruit
              else f"before {c.sc.recruit_first_year}")
           for r in rec.itertuples() if not c.sc.recruit or int(r.date[:4]) < c.sc.recruit_first_year]
    cap = c.sc.max_recruits_per_province_per_year
    if cap is not None and len(rec):
        n = rec.assign(p=rec["to_unit"].map(c.units["province_code"])).groupby(["p", "date"]).size()
        out += [_v("recruit_allowed", f"province {p} {d}", f"{k} recruits, cap {cap}") for (p, d), k in n.items() if k > cap]
    return out


def _replay(c: _Ctx) -> pd.DataFrame:
    """Per (unit, position, date): quota, staff before the date's actions, departures, arrivals."""
    acts = c.a.loc[c.a["action"] != "retirement"]
    leave = acts.loc[acts["action"] != "recruit"].drop_duplicates("staff_id").set_index("staff_id")
    rows = []
    st = c.staff
    for d in c.dates:
        t = pd.Timestamp(d)
        here = st.loc[st["retire"] >= t]
        look = leave.reindex(here.index)
        gone = look["date"].astype(object).fillna("9999").to_numpy() < d
        moved = gone & look["action"].isin(["transfer", "retrain"]).to_numpy()
        where = np.where(moved, look["to_unit"].to_numpy(), here["unit_code"].to_numpy())
        pos = np.where(moved, look["to_position_code"].to_numpy(), here["position_code"].to_numpy())
        alive = ~gone | moved
        pre = pd.DataFrame({"u": where[alive], "p": pos[alive]}).value_counts()
        rec = acts.loc[(acts["action"] == "recruit") & (acts["date"] < d)]
        pre = pre.add(pd.DataFrame({"u": rec["to_unit"], "p": rec["to_position_code"]}).value_counts(), fill_value=0)
        now = acts.loc[acts["date"] == d]
        dep = pd.DataFrame({"u": now.loc[now["action"] != "recruit", "from_unit"],
                            "p": now.loc[now["action"] != "recruit", "position_code"]}).value_counts()
        arr = pd.DataFrame({"u": now.loc[now["action"] != "early_retirement", "to_unit"],
                            "p": now.loc[now["action"] != "early_retirement", "to_position_code"]}).value_counts()
        keys = set(pre.index) | set(dep.index) | set(arr.index) | set(c.quota)
        for u, p in keys:
            rows.append((u, p, d, c.quota.get((u, p), 0), int(pre.get((u, p), 0)), int(dep.get((u, p), 0)),
                         int(arr.get((u, p), 0))))
    return pd.DataFrame(rows, columns=["u", "p", "date", "quota", "pre", "dep", "arr"])


def quota_never_crossed(c: _Ctx):
    """At every (unit, position, date): departures ≤ max(0, staff_pre − quota) and
    arrivals ≤ max(0, quota − staff_pre) — no action takes a pair across its quota."""
    r = c.replay
    bad_d = r.loc[r["dep"] > (r["pre"] - r["quota"]).clip(lower=0)]
    bad_a = r.loc[r["arr"] > (r["quota"] - r["pre"]).clip(lower=0)]
    return ([_v("quota_never_crossed", f"{x.u}/{x.p} {x.date}", f"{x.dep} leave with {x.pre} staff, quota {x.quota}")
             for x in bad_d.itertuples()]
            + [_v("quota_never_crossed", f"{x.u}/{x.p} {x.date}", f"{x.arr} arrive with {x.pre} staff, quota {x.quota}")
               for x in bad_a.itertuples()])


def costs_right(c: _Ctx):
    """Each action's cost_vnd is the contract's formula (allowance tier, Decree 154, new hire)."""
    out = []
    for r in c.a.itertuples():
        if r.action == "transfer":
            want = c.tier(float(r.km))
        elif r.action == "retrain":
            want = c.tier(float(r.km)) + c.paths.get((r.position_code, r.to_position_code), (0, 0.0))[1]
        elif r.action == "early_retirement":
            p = c.person(r.staff_id)
            if p is None:
                continue
            t = pd.Timestamp(r.date)
            m = c.months_early(p, t)
            want = float(np.rint(c.salary(p) * (5 * m / 12 + 5 + 0.5 * (c.insurance(p, t) - 20))))
        elif r.action == "recruit":
            want = float(np.rint(c.sc.new_hire_monthly_salary_vnd * 12 * (c.sc.end_year - int(r.date[:4]) + 1)))
        else:
            want = 0.0
        if abs(float(r.cost_vnd) - want) > COST_TOLERANCE_VND:
            out.append(_v("costs_right", r.staff_id, f"{r.action} costs {float(r.cost_vnd):,.0f} VND, the formula gives {want:,.0f}"))
    return out


def everyone_accounted(c: _Ctx):
    """Every staff member retiring by 31 Dec of end_year and not retired early has a retirement
    row on their statutory date; nobody else has one."""
    end = pd.Timestamp(c.sc.end_year, 12, 31)
    early = set(c.a.loc[c.a["action"] == "early_retirement", "staff_id"])
    want = {s: pd.Timestamp(d).strftime("%Y-%m-%d") for s, d in c.staff["retire"].items()
            if pd.Timestamp(d) <= end and s not in early}
    rows = c.a.loc[c.a["action"] == "retirement"]
    got = dict(zip(rows["staff_id"], rows["date"]))
    out = [_v("everyone_accounted", s, f"retires on {d} but has no retirement row") for s, d in want.items() if s not in got]
    out += [_v("everyone_accounted", s, f"retirement row on {d}, expected {want.get(s, 'none')}")
            for s, d in got.items() if want.get(s) != d]
    return out


def recompute_components(c: _Ctx) -> dict:
    r = c.replay
    after = r["pre"] - r["dep"] + r["arr"]
    prio = c.ds.positions.set_index("position_code")["priority"]
    last = r["date"] == c.dates[-1]
    acted = c.a["action"].isin(["transfer", "retrain", "early_retirement"])
    moved = c.a["action"].isin(["transfer", "retrain"])
    return {"end_surplus": float((after - r["quota"]).clip(lower=0)[last].sum()),
            "shortage_years": float(((r["quota"] - after).clip(lower=0) * r["p"].map(prio).fillna(1)).sum()),
            "cost_vnd": float(c.a["cost_vnd"].fillna(0).sum()),
            "persons_acted": float(acted.sum()),
            "total_metres": float(np.rint(c.a.loc[moved, "km"].astype(float) * 1000).sum())}


def objective_matches(c: _Ctx):
    """The objective components recomputed here equal those the roadmap claims."""
    mine = recompute_components(c)
    return [_v("objective_matches", k, f"claimed {c.claimed[k]:,.3f}, recomputed {v:,.3f}")
            for k, v in mine.items() if k in c.claimed and c.claimed[k] is not None
            and abs(float(c.claimed[k]) - v) > (COST_TOLERANCE_VND if k == "cost_vnd" else 0.5)]


RULES = (acts_once, acts_on_known_staff_at_decision_dates, not_after_retirement, transfer_eligible,
         transfer_route, early_retirement_eligible, recruit_allowed, quota_never_crossed, costs_right,
         budget_holds, everyone_accounted, objective_matches, retrain_listed, decisions_honoured)
RULE_NAMES = [f.__name__ for f in RULES]


def audit_roadmap(ds, scenario, actions: pd.DataFrame, claimed: dict | None = None, *,
                  keep_ids=(), exempt_ids=()) -> tuple[list[Violation], dict]:
    """Every violation of every rule, and the components recomputed from the actions."""
    c = _Ctx(ds, scenario, actions, claimed, keep_ids, exempt_ids)
    c.replay = _replay(c)
    out = []
    for rule in RULES:
        out += rule(c)
    return out, recompute_components(c)
