"""An independent audit of a finished plan against every rule of docs/contract.md §2 (and §6).

It re-derives everything from the raw tables of the dataset and the plan's own files
(``transfers`` and, when given, ``units_after``); it never reads the model's variables,
the eligibility arcs or the solver's flows, and it computes distances with its own code.
Each rule is one named function in ``RULES``; a violation names the rule, the staff member
or (unit, position) concerned, and what is wrong.

Every rule is vectorised (whole columns compared at once; Python only formats the violations),
so the audit stays a small part of a national solve; tests/test_audit_vectorised.py keeps the
row-by-row versions and shows both flag the same violations on broken plans.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.dataset import Dataset
from models.retirement import retirement_dates
from models.scenario import Scenario

KM_TOLERANCE = 0.0015   # transfers carry km to the metre (3 decimals)


@dataclass(frozen=True)
class Violation:
    rule: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}: {self.message}"


@dataclass
class _Ctx:
    ds: Dataset
    scenario: Scenario
    transfers: pd.DataFrame
    units_after: pd.DataFrame | None
    staff: pd.DataFrame          # staff indexed by staff_id
    moved: pd.DataFrame          # transfers joined with the staff table (known staff only)


def _chord_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance from the chord between unit vectors (R = 6371.0 km).

    Written independently of optimizer.reassign.eligibility (which uses the haversine form); the two
    agree to well under a millimetre.
    """
    def xyz(lat, lon):
        la, lo = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    chord = np.linalg.norm(xyz(lat1, lon1) - xyz(lat2, lon2), axis=0)
    return 2 * 6371.0 * np.arcsin(np.clip(chord / 2, 0.0, 1.0))


def _counts(ds: Dataset) -> pd.DataFrame:
    before = ds.staff.groupby(["unit_code", "position_code"]).size().rename("staff_before")
    quota = ds.quotas.set_index(["unit_code", "position_code"])["quota"]
    return pd.concat([before, quota], axis=1).fillna(0).astype("int64")


def _departures(c: _Ctx) -> pd.Series:
    """People leaving each (unit, position), from the staff table's own record of them."""
    out = c.moved.groupby(["unit_code", "position_code_y"]).size()
    out.index.names = ["unit_code", "position_code"]
    return out


def _arrivals(c: _Ctx) -> pd.Series:
    """People arriving in each (unit, position): in the position they are retrained into, if any."""
    arrive_as = "to_position_code" if "to_position_code" in c.transfers.columns else "position_code"
    inn = c.transfers.groupby(["to_unit", arrive_as]).size()
    inn.index.names = ["unit_code", "position_code"]
    return inn


def rule_known_staff(c: _Ctx):
    """Every transfer names a staff member of the staff table."""
    for sid in c.transfers.loc[~c.transfers["staff_id"].isin(c.staff.index), "staff_id"]:
        yield Violation("known_staff", f"staff {sid}", "not in the staff table")


def rule_one_move_per_person(c: _Ctx):
    """Each staff member is moved at most once."""
    dup = c.transfers["staff_id"].value_counts()
    for sid, n in dup[dup > 1].items():
        yield Violation("one_move_per_person", f"staff {sid}", f"moved {n} times")


def rule_from_current_unit(c: _Ctx):
    """A transfer leaves the unit where the person works now."""
    bad = c.moved.loc[c.moved["from_unit"] != c.moved["unit_code"]]
    for r in bad.itertuples():
        yield Violation("from_current_unit", f"staff {r.staff_id}",
                        f"works in {r.unit_code} but the transfer leaves {r.from_unit}")


def rule_same_position(c: _Ctx):
    """A move keeps the job position: the transfer's position_code is the one the person holds
    (it changes only by a listed retraining path: rule listed_conversion)."""
    bad = c.moved.loc[c.moved["position_code_x"] != c.moved["position_code_y"]]
    for r in bad.itertuples():
        yield Violation("same_position", f"staff {r.staff_id}",
                        f"holds {r.position_code_y} but is moved as {r.position_code_x}")


def rule_different_unit(c: _Ctx):
    """A move goes to another unit, unless it retrains the person in place (another position)."""
    same = c.transfers["from_unit"] == c.transfers["to_unit"]
    if "to_position_code" in c.transfers.columns:
        same &= c.transfers["to_position_code"] == c.transfers["position_code"]
    for r in c.transfers.loc[same].itertuples():
        yield Violation("different_unit", f"staff {r.staff_id}", f"from and to are both {r.to_unit}")


def rule_known_destination(c: _Ctx):
    """A move goes to a unit of the units table."""
    known = set(c.ds.units["unit_code"])
    for r in c.transfers.loc[~c.transfers["to_unit"].isin(known)].itertuples():
        yield Violation("known_destination", f"staff {r.staff_id}", f"unknown unit {r.to_unit}")


def rule_movable(c: _Ctx):
    """Staff with movable = false stay."""
    for r in c.moved.loc[~c.moved["movable"].astype(bool)].itertuples():
        yield Violation("movable", f"staff {r.staff_id}", "is marked not movable")


def rule_protect_years(c: _Ctx):
    """Nobody whose statutory retirement falls within protect_years of the plan date moves."""
    if c.moved.empty:
        return
    retire = pd.Series(retirement_dates(c.moved["birth_date"], c.moved["gender"])).reset_index(drop=True)
    months = int(round(float(c.scenario.protect_years) * 12))
    limit = pd.Timestamp(c.scenario.plan_date) + pd.DateOffset(months=months)
    near = (retire <= limit).to_numpy()
    for sid, rd in zip(c.moved["staff_id"].to_numpy()[near], retire[near]):
        yield Violation("protect_years", f"staff {sid}",
                        f"retires on {rd:%Y-%m-%d}, within {c.scenario.protect_years} years of the plan date")


def rule_same_province(c: _Ctx):
    """Moves stay within a province unless cross-province moves are allowed (and then, if
    cross_province_into lists provinces, only into those)."""
    into = set(c.scenario.cross_province_into)
    if c.scenario.cross_province and not into:
        return
    prov = c.ds.units.set_index("unit_code")["province_code"]
    f = c.transfers["from_unit"].map(prov)
    t = c.transfers["to_unit"].map(prov)
    allowed = t.isin(into) if c.scenario.cross_province else pd.Series(False, index=t.index)
    bad = ((f != t) & ~allowed).to_numpy()
    for r, a, b in zip(c.transfers.loc[bad].itertuples(), f[bad], t[bad]):
        yield Violation("same_province", f"staff {r.staff_id}", f"moves from province {a} to {b}")


def _road(ds: Dataset, from_units: pd.Series, to_units: pd.Series) -> np.ndarray:
    """Road km for each (from, to), NaN where the distances table has no such pair. Both directions
    count; the first row of the file that gives a pair wins (its reverse comes right after it)."""
    d = ds.distances
    if d is None or not len(d):
        return np.full(len(from_units), np.nan)
    a, b, km = d["from_unit"].to_numpy(), d["to_unit"].to_numpy(), d["km"].to_numpy(dtype=float)
    road = pd.DataFrame({"f": np.column_stack([a, b]).ravel(), "t": np.column_stack([b, a]).ravel(),
                         "road": np.repeat(km, 2)}).drop_duplicates(["f", "t"], keep="first")
    key = pd.DataFrame({"f": from_units.to_numpy(), "t": to_units.to_numpy()})
    return key.merge(road, on=["f", "t"], how="left")["road"].to_numpy(dtype=float)


def rule_max_km(c: _Ctx):
    """A move spans at most max_km (road distance where given, else great-circle),
    and the km the plan reports is that distance."""
    coords = c.ds.units.set_index("unit_code")[["lat", "lon"]]
    t = c.transfers.loc[c.transfers["from_unit"].isin(coords.index) & c.transfers["to_unit"].isin(coords.index)]
    if t.empty:
        return
    a, b = coords.loc[t["from_unit"]], coords.loc[t["to_unit"]]
    km = _chord_km(a["lat"], a["lon"], b["lat"], b["lon"])
    road = _road(c.ds, t["from_unit"], t["to_unit"])
    km = np.where(np.isnan(road), km, road)
    km = np.where(t["from_unit"].to_numpy() == t["to_unit"].to_numpy(), 0.0, km)
    reported = t["km"].to_numpy(dtype=float)
    limit = float(c.scenario.max_km)
    misreported = ~np.isfinite(reported) | (np.abs(reported - km) > KM_TOLERANCE)
    # a planner's move decision may exceed max_km (docs/contract.md §8), to the unit it names only
    ordered = _decided(c, "move")
    forced = (t["staff_id"].map(ordered["to_unit"]) == t["to_unit"]).to_numpy(dtype=bool) \
        if len(ordered) else np.zeros(len(t), dtype=bool)
    km_over = np.where(forced, 0.0, km)
    bad = (km_over > limit + KM_TOLERANCE) | misreported
    for r, d, rep, wrong in zip(t.loc[bad].itertuples(), km[bad], reported[bad], misreported[bad]):
        if d > limit + KM_TOLERANCE and r.staff_id not in ordered.index:
            yield Violation("max_km", f"staff {r.staff_id}",
                            f"{r.from_unit}→{r.to_unit} is {d:.3f} km, above {c.scenario.max_km} km")
        if wrong:
            yield Violation("max_km", f"staff {r.staff_id}",
                            f"reports {rep:.3f} km but {r.from_unit}→{r.to_unit} is {d:.3f} km")


def rule_quota_not_crossed(c: _Ctx):
    """No unit drops below or rises above its quota because of the plan."""
    counts = _counts(c.ds)
    out, inn = _departures(c), _arrivals(c)
    sb = counts["staff_before"].reindex(out.index, fill_value=0).to_numpy()
    q = counts["quota"].reindex(out.index, fill_value=0).to_numpy()
    n = out.to_numpy()
    bad = sb - n < q
    for (u, p), n_, sb_, q_ in zip(out.index[bad], n[bad], sb[bad], q[bad]):
        yield Violation("quota_not_crossed", f"unit {u} position {p}",
                        f"{n_} leave: {sb_} − {n_} = {sb_ - n_} is below the quota {q_}")
    sb = counts["staff_before"].reindex(inn.index, fill_value=0).to_numpy()
    q = counts["quota"].reindex(inn.index, fill_value=0).to_numpy()
    n = inn.to_numpy()
    bad = sb + n > q
    for (u, p), n, sb, q in zip(inn.index[bad], n[bad], sb[bad], q[bad]):
        yield Violation("quota_not_crossed", f"unit {u} position {p}",
                        f"{n} arrive: {sb} + {n} = {sb + n} is above the quota {q}")


def rule_six_ro(c: _Ctx):
    """Every transfer names the person, position, units, distance, date and signing authority;
    the authority is the provincial People's Committee within a province, the Ministry across."""
    needed = ["staff_id", "full_name", "position_code", "from_unit", "to_unit", "km", "effective_date", "authority"]
    missing = [col for col in needed if col not in c.transfers.columns]
    if missing:
        yield Violation("six_ro", "transfers", f"missing columns {', '.join(missing)}")
        return
    prov = c.ds.units.drop_duplicates("unit_code").set_index("unit_code")["province_code"]
    t = c.transfers
    found: list[tuple[int, int, Violation]] = []     # (row, order within the row, violation)
    sid = t["staff_id"].to_numpy()
    for k, col in enumerate(("position_code", "from_unit", "to_unit", "effective_date", "authority")):
        values = t[col]
        blank = [x for x in pd.unique(values) if not str(x or "").strip()]
        for row in np.flatnonzero(values.isin(blank).to_numpy()) if blank else ():
            found.append((row, k, Violation("six_ro", f"staff {sid[row]}", f"empty {col}")))
    f, to = t["from_unit"].map(prov), t["to_unit"].map(prov)
    within = ((f == to) | (f.isna() & to.isna())).to_numpy()
    ministry = t["authority"].astype(str).str.contains("Bộ Nội vụ", regex=False).to_numpy()
    authority = t["authority"].to_numpy()
    for row in np.flatnonzero(within == ministry):
        found.append((row, 5, Violation("six_ro", f"staff {sid[row]}",
                                        f"authority '{authority[row]}' does not match a move "
                                        f"{'within' if within[row] else 'across'} provinces")))
    found.sort(key=lambda x: (x[0], x[1]))
    for _, _, v in found:
        yield v


def rule_everyone_accounted(c: _Ctx):
    """units_after accounts for every staff member exactly once, and matches the transfers."""
    ua = c.units_after
    if ua is None:
        return
    counts = _counts(c.ds)
    out, inn = _departures(c), _arrivals(c)
    expected = counts["staff_before"].sub(out.reindex(counts.index, fill_value=0), fill_value=0)
    expected = expected.add(inn, fill_value=0).astype("int64")
    got = ua.set_index(["unit_code", "position_code"])
    total = int(got["staff_after"].sum())
    if total != len(c.ds.staff):
        yield Violation("everyone_accounted", "units_after",
                        f"staff_after sums to {total}, the staff table has {len(c.ds.staff)}")
    both = pd.concat([expected.rename("want"), got["staff_after"].rename("got"),
                      counts["quota"].rename("quota"), got["quota"].rename("quota_got")], axis=1)
    want, have = both["want"], both["got"]
    missing = have.isna() & ((want.fillna(0) > 0) | (both["quota"].fillna(0) > 0))
    differs = have.notna() & (want.fillna(0) != have)
    quota_differs = have.notna() & both["quota_got"].notna() & (both["quota_got"] != both["quota"].fillna(0))
    for (u, p) in both.index[missing]:
        yield Violation("everyone_accounted", f"unit {u} position {p}", "missing from units_after")
    for (u, p), r in both.loc[differs].iterrows():
        yield Violation("everyone_accounted", f"unit {u} position {p}",
                        f"units_after says {int(r['got'])} after the plan, the transfers give {int(0 if pd.isna(r['want']) else r['want'])}")
    for (u, p), r in both.loc[quota_differs & ~differs].iterrows():
        yield Violation("everyone_accounted", f"unit {u} position {p}",
                        f"units_after quota {int(r['quota_got'])} differs from the quota table {int(0 if pd.isna(r['quota']) else r['quota'])}")


def _decided(c: _Ctx, *codes: str) -> pd.DataFrame:
    """The decisions table's rows with these decision codes, indexed by staff_id."""
    d = c.ds.decisions
    if d is None or d.empty:
        return pd.DataFrame(columns=["decision", "to_unit", "reason"])
    return d.loc[d["decision"].isin(codes)].set_index("staff_id")


def rule_decision_keep(c: _Ctx):
    """Nobody with a keep or exempt decision is moved (docs/contract.md §8)."""
    kept = _decided(c, "keep", "exempt")
    for sid in c.transfers.loc[c.transfers["staff_id"].isin(kept.index), "staff_id"]:
        yield Violation("decision_keep", f"staff {sid}", f"has the decision {kept.at[sid, 'decision']} but is moved")


def rule_decision_move(c: _Ctx):
    """Everyone with a move decision is moved, to the unit the decision names (docs/contract.md §8)."""
    ordered = _decided(c, "move")
    went = c.transfers.set_index("staff_id")["to_unit"]
    for sid, to in ordered["to_unit"].items():
        if sid not in went.index:
            yield Violation("decision_move", f"staff {sid}", f"has the decision move to {to} but is not moved")
        elif went.loc[[sid]].iloc[0] != to:
            yield Violation("decision_move", f"staff {sid}",
                            f"has the decision move to {to} but goes to {went.loc[[sid]].iloc[0]}")


def rule_exempt_reason(c: _Ctx):
    """Nobody with a legal exemption (staff exempt_reason, Decree 170/2025) is moved."""
    if "exempt_reason" not in c.moved.columns:
        return
    reason = c.moved["exempt_reason"].fillna("").astype(str).str.strip()
    for sid, why in zip(c.moved.loc[reason != "", "staff_id"], reason[reason != ""]):
        yield Violation("exempt_reason", f"staff {sid}", f"may not be transferred ({why}) but is moved")


def rule_wish_rank(c: _Ctx):
    """The wish_rank a plan reports is the rank of the destination in the person's wishes
    (empty when the person did not wish for it)."""
    if "wish_rank" not in c.transfers.columns:
        return
    w = c.ds.wishes
    best = (w.groupby(["staff_id", "unit_code"])["rank"].min() if w is not None and len(w)
            else pd.Series(dtype="int64"))
    for r in c.transfers.itertuples():
        want = best.get((r.staff_id, r.to_unit))
        got = r.wish_rank
        got = None if got is None or str(got).strip() in ("", "nan") else int(float(got))
        if (None if want is None else int(want)) != got:
            yield Violation("wish_rank", f"staff {r.staff_id}",
                            f"reports wish rank {got} for {r.to_unit}, the wishes table says {want}")

def _paths(ds: Dataset) -> pd.DataFrame:
    """The dataset's own conversions table, indexed by (from_position, to_position)."""
    conv = ds.conversions
    if conv is None or conv.empty:
        return pd.DataFrame({"training_months": pd.Series(dtype="int64"),
                             "training_cost_vnd": pd.Series(dtype="float64")},
                            index=pd.MultiIndex.from_arrays([[], []], names=["from_position", "to_position"]))
    return conv.drop_duplicates(["from_position", "to_position"]).set_index(
        ["from_position", "to_position"])[["training_months", "training_cost_vnd"]]


def _changes(c: _Ctx) -> pd.DataFrame:
    t = c.transfers
    if "to_position_code" not in t.columns:
        return t.iloc[0:0]
    return t.loc[t["to_position_code"].astype(str) != t["position_code"].astype(str)]


def rule_listed_conversion(c: _Ctx):
    """A move that changes position follows a path listed in the conversions table, and only
    when the scenario allows retraining (conversions = true)."""
    allowed = c.scenario.conversions
    paths = _paths(c.ds)
    for r in _changes(c).itertuples():
        if not allowed:
            yield Violation("listed_conversion", f"staff {r.staff_id}",
                            f"changes position {r.position_code} → {r.to_position_code} but retraining is off")
        elif (r.position_code, r.to_position_code) not in paths.index:
            yield Violation("listed_conversion", f"staff {r.staff_id}",
                            f"{r.position_code} → {r.to_position_code} is not in the conversions table")


def rule_training_reported(c: _Ctx):
    """A transfer reports the training of its path: the conversions table's months and cost,
    and 0 months, 0 VND when the position does not change."""
    t = c.transfers
    if "to_position_code" not in t.columns:
        return
    paths = _paths(c.ds).reset_index()
    m = t.merge(paths, how="left", left_on=["position_code", "to_position_code"],
                right_on=["from_position", "to_position"], suffixes=("", "_table"))
    same = (m["to_position_code"] == m["position_code"]).to_numpy()
    want_months = np.where(same, 0, m["training_months_table"].to_numpy(dtype=float))
    want_cost = np.where(same, 0.0, m["training_cost_vnd_table"].to_numpy(dtype=float))
    def column(name):
        if name not in m.columns:
            return np.full(len(m), np.nan)
        return pd.to_numeric(m[name], errors="coerce").to_numpy(dtype=float)

    months, cost = column("training_months"), column("training_cost_vnd")
    known = ~np.isnan(want_months)           # unlisted paths: rule listed_conversion reports them
    bad_m = known & ~(months == want_months)
    bad_c = known & ~(np.abs(cost - want_cost) <= 0.5)
    for r, got, want in zip(m.loc[bad_m].itertuples(), months[bad_m], want_months[bad_m]):
        yield Violation("training_reported", f"staff {r.staff_id}",
                        f"reports {got:g} training months, the path {r.position_code} → "
                        f"{r.to_position_code} takes {want:g}")
    for r, got, want in zip(m.loc[bad_c].itertuples(), cost[bad_c], want_cost[bad_c]):
        yield Violation("training_reported", f"staff {r.staff_id}",
                        f"reports a training cost of {got:.0f} VND, the path takes {want:.0f}")


#: the retraining rules (docs/contract.md §6): checked when the plan or the scenario has retraining
RETRAINING_RULES = [rule_listed_conversion, rule_training_reported]
RETRAINING_RULE_NAMES = [r.__name__.removeprefix("rule_") for r in RETRAINING_RULES]

RULES = [
    rule_known_staff, rule_one_move_per_person, rule_from_current_unit, rule_same_position,
    rule_different_unit, rule_known_destination, rule_movable, rule_protect_years, rule_same_province,
    rule_max_km, rule_quota_not_crossed, rule_six_ro, rule_everyone_accounted,
    rule_decision_keep, rule_decision_move, rule_exempt_reason, rule_wish_rank,
]
RULE_NAMES = [r.__name__.removeprefix("rule_") for r in RULES]


def check_plan(ds: Dataset, scenario: Scenario, transfers: pd.DataFrame,
               units_after: pd.DataFrame | None = None) -> list[Violation]:
    """All violations of the contract's rules by a plan (empty list: the plan is valid)."""
    ctx = context(ds, scenario, transfers, units_after)
    out: list[Violation] = []
    retraining = "to_position_code" in transfers.columns or scenario.conversions
    for rule in RULES + (RETRAINING_RULES if retraining else []):
        out.extend(rule(ctx))
    return out


def context(ds: Dataset, scenario: Scenario, transfers: pd.DataFrame,
            units_after: pd.DataFrame | None = None) -> _Ctx:
    """What every rule reads: the raw tables and the plan's files, joined once."""
    staff = ds.staff.set_index("staff_id", drop=False)
    moved = transfers.merge(ds.staff, on="staff_id", how="inner", suffixes=("", "_staff"))
    moved = moved.rename(columns={"position_code": "position_code_x", "position_code_staff": "position_code_y"})
    if "position_code_y" not in moved.columns:
        moved["position_code_y"] = moved["position_code_x"]
    return _Ctx(ds, scenario, transfers, units_after, staff, moved)
