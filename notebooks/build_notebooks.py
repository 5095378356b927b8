"""Write the notebooks of this folder from the cells below (the .ipynb files are generated).

    python notebooks/build_notebooks.py            # rewrite notebooks/*.ipynb
    python notebooks/build_notebooks.py OUT_DIR    # write them elsewhere (tests compare)

Edit the cells here, not in Jupyter, so that a review reads plain Python and Markdown; the
notebooks are written without outputs, with fixed cell ids, so the same cells give the same
bytes. tests/test_notebooks.py checks that the committed notebooks are what this script
writes, and runs each of them from a fresh kernel.

The notebooks use the public API only (models.io, models.scenario, optimizer.plan,
optimizer.reassign.eligibility, optimizer.compare, optimizer.officers, optimizer.roadmap,
optimizer.output.tables's labels).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str) -> tuple[str, str]:
    return ("markdown", text.strip("\n"))


def code(text: str) -> tuple[str, str]:
    return ("code", text.strip("\n"))


# A cell shared by the three notebooks: the data, and its note shown before anything else.
LOAD = code('''
from IPython.display import Markdown, display

from models.io import default_dataset_path, read_dataset

ds = read_dataset(default_dataset_path())
display(Markdown(f"> ⚠️ **{ds.note or 'Bộ dữ liệu không có ghi chú / the dataset has no note'}**"))
print(ds.source)
ds.counts()
''')

SYNTHETIC = md('''
> **Dữ liệu tổng hợp / synthetic data.** Bộ dữ liệu quốc gia đi kèm dùng bản đồ hành chính 2025
> thật, nhưng danh sách công chức, biên chế và cán bộ hỗ trợ là **số liệu tổng hợp (ước tính)** —
> không phải hồ sơ thật. The shipped national dataset has the real 2025 map, but its roster,
> quotas and support officers are **synthetic** (estimated): read the figures as a demonstration
> of the method, not as facts about any commune. The dataset's own note is printed below.
''')

# --------------------------------------------------------------------------- 01

EXPLORE = [
    md('''
# 01 · Khám phá bộ dữ liệu / Exploring the dataset

Where are the **surplus** and the **shortage** of civil servants — by province, by position
(vị trí việc làm) and on the map — before any transfer is planned?
'''),
    SYNTHETIC,
    LOAD,
    md('''
## Thừa và thiếu / Surplus and shortage

For every (commune, position) pair, as in the data contract (docs/contract.md §2):
*surplus* = max(0, staff − quota), *shortage* = max(0, quota − staff). Of the surplus, only the
**movable** staff may leave: not flagged `movable = false` and more than `protect_years` (2) years
from statutory retirement. `build_eligibility` computes these per pair; the **ceiling** is the
most shortage that could be filled within each province with no distance limit.
'''),
    code('''
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from models.scenario import Scenario
from optimizer.reassign.eligibility import build_eligibility

pd.set_option("display.max_colwidth", 60)
elig = build_eligibility(ds, Scenario())
pairs = elig.pairs
totals = pd.Series({
    "Công chức hiện có / staff": int(pairs["staff_before"].sum()),
    "Biên chế giao / quota": int(pairs["quota"].sum()),
    "Thừa / surplus": int(pairs["surplus"].sum()),
    "Thừa có thể điều động / movable surplus": int(pairs["supply"].sum()),
    "Thiếu / shortage": int(pairs["shortage"].sum()),
    "Trần lấp được trong tỉnh / ceiling (same province)": elig.ceiling,
})
totals.to_frame("số người / people")
'''),
    md('''
## Theo tỉnh / By province

`net` = surplus − shortage: positive (blue) where a province has more staff than its quotas
need, negative (red) where it lacks them. A province can have both: surplus in one commune or
position, shortage in another — that is what transfers within the province can fix.
'''),
    code('''
provinces = ds.provinces.set_index("province_code")
short_name = provinces["short_name"] if "short_name" in provinces else provinces["name"]
by_province = (pairs.groupby("province_code")[["staff_before", "quota", "surplus", "supply", "shortage"]]
               .sum())
by_province.insert(0, "province", provinces["name"].reindex(by_province.index))
by_province["net"] = by_province["surplus"] - by_province["shortage"]
by_province = by_province.sort_values("shortage", ascending=False)
by_province.rename(columns={
    "province": "Tỉnh/thành phố", "staff_before": "Hiện có", "quota": "Biên chế",
    "surplus": "Thừa", "supply": "Thừa có thể điều động", "shortage": "Thiếu", "net": "Thừa − thiếu",
})
'''),
    code('''
order = by_province.sort_values("net").index
fig, ax = plt.subplots(figsize=(8, 9))
y = np.arange(len(order))
ax.barh(y, by_province.loc[order, "surplus"], color="#2b6cb0", label="Thừa / surplus")
ax.barh(y, -by_province.loc[order, "shortage"], color="#c53030", label="Thiếu / shortage")
ax.set_yticks(y, short_name.reindex(order))
ax.axvline(0, color="black", linewidth=0.8)
ax.set_xlabel("số người (thiếu ← | → thừa) / people (shortage ← | → surplus)")
ax.set_title("Thừa và thiếu theo tỉnh / surplus and shortage by province")
ax.legend(loc="lower right")
fig.tight_layout()
'''),
    md('''
## Theo vị trí việc làm / By position

A transfer keeps the position, so a surplus of accountants cannot fill a shortage of land
officers. The positions with the largest shortage, with their surplus beside it:
'''),
    code('''
positions = ds.positions.set_index("position_code")
by_position = pairs.groupby("position_code")[["staff_before", "quota", "surplus", "supply", "shortage"]].sum()
by_position.insert(0, "name", positions["name"].reindex(by_position.index))
by_position.insert(1, "group", positions["group"].reindex(by_position.index))
by_position.insert(2, "priority", positions["priority"].reindex(by_position.index))
top = by_position.sort_values(["shortage", "surplus"], ascending=False).head(15)
top.rename(columns={"name": "Vị trí việc làm", "group": "Nhóm", "priority": "Ưu tiên",
                    "staff_before": "Hiện có", "quota": "Biên chế", "surplus": "Thừa",
                    "supply": "Thừa có thể điều động", "shortage": "Thiếu"})
'''),
    code('''
fig, ax = plt.subplots(figsize=(8, 6))
shown = top.iloc[::-1]
y = np.arange(len(shown))
ax.barh(y - 0.2, shown["shortage"], height=0.4, color="#c53030", label="Thiếu / shortage")
ax.barh(y + 0.2, shown["supply"], height=0.4, color="#2b6cb0", label="Thừa có thể điều động / movable surplus")
ax.set_yticks(y, shown["name"])
ax.set_xlabel("số người / people")
ax.set_title("15 vị trí thiếu nhiều nhất / the 15 positions most short")
ax.legend(loc="lower right")
fig.tight_layout()
'''),
    md('''
## Bản đồ / Map

Each dot is one of the 3,321 communes (xã, phường, đặc khu) at its coordinates, coloured by
its net surplus (blue) or shortage (red) over all positions; the colour scale is clipped at
the 95th percentile so that a few large communes do not wash out the rest. Province names
are placed at the mean position of their communes.
'''),
    code('''
from matplotlib.colors import TwoSlopeNorm

units = ds.units.set_index("unit_code")
net = (pairs.groupby("unit_code")["surplus"].sum() - pairs.groupby("unit_code")["shortage"].sum())
net = net.reindex(units.index, fill_value=0)
limit = max(1.0, float(np.percentile(np.abs(net), 95)))

fig, ax = plt.subplots(figsize=(9, 12))
order_ = np.argsort(np.abs(net.to_numpy()))          # the strongest on top
points = ax.scatter(units["lon"].to_numpy()[order_], units["lat"].to_numpy()[order_],
                    c=net.to_numpy()[order_], s=6, cmap="RdBu",
                    norm=TwoSlopeNorm(vmin=-limit, vcenter=0, vmax=limit))
fig.colorbar(points, ax=ax, shrink=0.5, extend="both",
             label="thừa − thiếu (người) / surplus − shortage (people)")
centres = units.groupby("province_code")[["lon", "lat"]].mean()
for code_, (lon, lat) in centres.iterrows():
    ax.annotate(short_name.get(code_, code_), (lon, lat), fontsize=7, ha="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.6))
ax.set_aspect(1 / np.cos(np.radians(16)))
ax.set_xlabel("kinh độ / longitude")
ax.set_ylabel("vĩ độ / latitude")
ax.set_title("Thừa (xanh) và thiếu (đỏ) theo xã, phường, đặc khu\\n"
             "net surplus (blue) / shortage (red) by commune")
fig.tight_layout()
'''),
    md('''
## Các xã thiếu và thừa nhiều nhất / The communes most short and most over
'''),
    code('''
by_unit = pairs.groupby("unit_code")[["staff_before", "quota", "surplus", "supply", "shortage"]].sum()
by_unit.insert(0, "commune", units["name"].reindex(by_unit.index))
by_unit.insert(1, "province", provinces["name"].reindex(units["province_code"].reindex(by_unit.index)).to_numpy())
labels = {"commune": "Xã/phường/đặc khu", "province": "Tỉnh/thành phố", "staff_before": "Hiện có",
          "quota": "Biên chế", "surplus": "Thừa", "supply": "Thừa có thể điều động", "shortage": "Thiếu"}
display(Markdown("**Thiếu nhiều nhất / most short**"))
display(by_unit.sort_values(["shortage", "quota"], ascending=False).head(10).rename(columns=labels))
display(Markdown("**Thừa nhiều nhất / most over**"))
display(by_unit.sort_values(["surplus", "staff_before"], ascending=False).head(10).rename(columns=labels))
'''),
    md('''
Next: `02_scenarios.ipynb` plans the transfers and compares what different rules would give.
'''),
]

# --------------------------------------------------------------------------- 02

SCENARIOS = [
    md('''
# 02 · Kịch bản / Scenarios

Solve the baseline plan, then ask "what if?": how much of the shortage is filled when
transfers may reach 5, 10, 20, 40 or 80 km (`sweep` + `compare`, each scenario solved exactly
in its own process), and what the plan means for one province — Hà Nội — with and without
transfers from neighbouring provinces.
'''),
    SYNTHETIC,
    LOAD,
    md('''
## Kịch bản cơ sở / The baseline

The example scenario files ship in `data/scenarios/`; `baseline.toml` holds the defaults
(same province, at most 40 km, nobody within 2 years of retirement, plan date 2026-01-01).
`solve` runs the whole pipeline — eligibility, the exact min-cost flow, the choice of persons
and the independent audit — and returns a `Plan`.
'''),
    code('''
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import optimizer
from models.scenario import Scenario
from optimizer.compare import compare, print_comparison, sweep, write_comparison
from optimizer.plan import solve

SCENARIO_DIR = Path(optimizer.__file__).resolve().parent.parent / "data" / "scenarios"
baseline = Scenario.from_toml(SCENARIO_DIR / "baseline.toml")
plan = solve(ds, baseline)
keys = ["status", "shortage_before", "shortage_after", "fill_rate", "moves", "total_km", "mean_km",
        "ceiling", "ceiling_fill_rate", "units_short_after", "solve_seconds"]
pd.Series({k: plan.summary[k] for k in keys}, name=baseline.name).to_frame()
'''),
    md('''
## Khoảng cách tối đa / How far may a transfer go?

`sweep(baseline, [...])` makes one scenario per `max_km`; `compare` solves them in two worker
processes and returns one row per scenario. A longer reach can only add eligible moves, so
the fill rate never falls as `max_km` rises — the cell checks it.
'''),
    code('''
runs = compare(sweep(baseline, [5, 10, 20, 40, 80]), processes=2, progress=False)
assert runs["fill_rate"].is_monotonic_increasing, "fill rate fell as max_km rose"
print_comparison(runs)
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(runs["max_km"], 100 * runs["fill_rate"], marker="o", label="Tỷ lệ lấp đầy / fill rate")
ax.plot(runs["max_km"], 100 * runs["ceiling_fill_rate"], marker="s", linestyle="--",
        label="So với trần / of the ceiling")
ax.set_xscale("log")
ax.set_xticks(runs["max_km"], [f"{x:g}" for x in runs["max_km"]])
ax.set_xlabel("khoảng cách tối đa (km) / max km per transfer")
ax.set_ylabel("%")
ax.set_ylim(0, 105)
for x, y, km in zip(runs["max_km"], 100 * runs["fill_rate"], runs["mean_km"]):
    ax.annotate(f"{km:.1f} km/người", (x, y), textcoords="offset points", xytext=(0, 8),
                ha="center", fontsize=8)
ax.set_title("Lấp đầy chỗ thiếu theo khoảng cách tối đa / fill rate vs max km")
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
'''),
    md('''
The comparison is written for planners as `comparison.csv` and `comparison.xlsx`
(Vietnamese headers, the data note in sheet "Ghi chú") — here into a temporary folder:
'''),
    code('''
out = Path(tempfile.mkdtemp(prefix="so_sanh_"))
[p.name for p in write_comparison(runs, out)]
'''),
    md('''
## Một tỉnh: Hà Nội / One province: Hà Nội

Every transfer of the plan is one row of `plan.transfers`, with the "6 rõ": who, from where,
to where, how far, on whose authority, and why.
'''),
    code('''
PROVINCE = "01"   # Thành phố Hà Nội
t = plan.transfers
mine = t[t["to_province"] == PROVINCE]
print(f"{len(mine):,} transfers into {PROVINCE} ({mine['to_province_name'].iat[0] if len(mine) else '–'}), "
      f"{mine['km'].mean() if len(mine) else 0:.1f} km on average")
mine[["transfer_no", "staff_id", "full_name", "position_name", "from_unit_name", "to_unit_name",
      "km", "authority", "reason"]].head(10)
'''),
    code('''
ua = plan.units_after[plan.units_after["province_code"] == PROVINCE]
by_position = (ua.groupby("position_name")[["shortage_before", "arrivals", "shortage_after", "surplus_after"]]
               .sum().sort_values("shortage_before", ascending=False))
by_position[by_position.sum(axis=1) > 0].head(15)
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.hist(mine["km"], bins=range(0, int(baseline.max_km) + 5, 2), color="#2b6cb0")
ax.set_xlabel("km")
ax.set_ylabel("số người / transfers")
ax.set_title("Khoảng cách điều động vào Hà Nội / distance of the transfers into Hà Nội")
fig.tight_layout()
'''),
    md('''
## Nếu Hà Nội được nhận người từ tỉnh lân cận? / What if Hà Nội may draw from its neighbours?

`hanoi_cross_province.toml` sets `cross_province = true` with `cross_province_into = ["01"]`
and the baseline's 40 km: communes of Hà Nội may receive staff from any province within
40 km, while every other province keeps its moves inside its own border.
'''),
    code('''
cross_scenario = Scenario.from_toml(SCENARIO_DIR / "hanoi_cross_province.toml")
cross = solve(ds, cross_scenario)
ct = cross.transfers
into = ct[(ct["to_province"] == PROVINCE) & (ct["from_province"] != PROVINCE)]
out_of = ct[(ct["from_province"] == PROVINCE) & (ct["to_province"] != PROVINCE)]
print(f"from other provinces into Hà Nội: {len(into)}; from Hà Nội to other provinces: {len(out_of)}")
display(into.groupby("from_province_name").agg(transfers=("staff_id", "size"), mean_km=("km", "mean")))

def province_shortage(p):
    ua_ = p.units_after[p.units_after["province_code"] == PROVINCE]
    return pd.Series({"thiếu trước / before": int(ua_["shortage_before"].sum()),
                      "còn thiếu / after": int(ua_["shortage_after"].sum()),
                      "người đến / arrivals": int(ua_["arrivals"].sum()),
                      "người đi / departures": int(ua_["departures"].sum())})

pd.DataFrame({baseline.name: province_shortage(plan), cross_scenario.name: province_shortage(cross)})
'''),
    md('''
How to read it: arrivals from a neighbour can only matter where Hà Nội is still short after
the baseline (`còn thiếu / after`). Where it is not, a few moves inside Hà Nội may be swapped
for shorter ones across the border (the plan fills the same shortage with fewer kilometres).
The border opens one way only, so no Hà Nội staff leave for another province. Each
cross-border move is decided by the Minister (`authority_level` = ministry):
'''),
    code('''
into[["staff_id", "full_name", "position_name", "from_unit_name", "from_province_name", "to_unit_name",
      "km", "authority", "authority_level"]].head(10)
'''),
]

# --------------------------------------------------------------------------- 03

OFFICERS = [
    md('''
# 03 · Cử cán bộ hỗ trợ / Posting the support officers

The Ministry posts one support officer to each of the 34 provinces. The rules (docs/contract.md §3):
every province gets exactly one officer, never to the officer's home province, and the total
**match score** — Σ over postings of the province's need weights in the officer's fields of
expertise — is the largest possible. Among equally good postings a secondary rule decides:
provinces with more unfilled shortage after the transfer plan choose first and receive the most
senior officer still possible. `post_officers` proves its posting optimal and explains it.
'''),
    SYNTHETIC,
    LOAD,
    md('''
## Cán bộ và nhu cầu / The officers and the provinces' needs
'''),
    code('''
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from models.scenario import Scenario
from optimizer.officers import AREA_LABELS, post_officers, parse_expertise
from optimizer.plan import solve

pd.set_option("display.max_colwidth", 90)
officers = ds.officers.assign(
    fields=lambda d: d["expertise"].map(lambda e: ", ".join(AREA_LABELS.get(a, a) for a in parse_expertise(e))))
display(officers[["officer_id", "full_name", "home_province_code", "seniority", "fields"]].head(10))
needs = ds.province_needs.assign(area_name=lambda d: d["area"].map(lambda a: AREA_LABELS.get(a, a)))
needs.pivot_table(index="province_code", columns="area_name", values="weight", fill_value=0).head(10)
'''),
    md('''
## Cử cán bộ / The posting

The provinces' priority for the secondary rule is their unfilled shortage before any plan
(Σ max(0, quota − staff)): a fact of the data, the default of `post_officers`, so `solve` (with
any settings) and `staffing officers` post the same officers.
'''),
    code('''
plan = solve(ds, Scenario(name="baseline"))
post = post_officers(ds)
assert post.table["officer_id"].tolist() == plan.postings["officer_id"].tolist()
summary = post.summary()
print(f"status {summary['status']}: {summary['posted']} posted, {summary['unposted']} unposted, "
      f"total match score {summary['total_score']:g}")
print(summary["exactness"])
print(summary["secondary_rule"])
'''),
    code('''
post.table[["province_name", "officer_id", "full_name", "score", "covered", "uncovered",
            "alternative_officer_id", "alternative_loss", "reason"]]
'''),
    md('''
**Why this officer?** `alternative_officer_id` is who the province would get if its officer
were not available (the posting re-solved with that pair banned) and `alternative_loss` what the
total score would lose: 0 means an equally good posting exists, and the secondary rule chose.
'''),
    code('''
table = post.table.sort_values("score")
fig, ax = plt.subplots(figsize=(8, 9))
colours = plt.cm.Oranges(np.clip(table["alternative_loss"].fillna(0) / max(1.0, table["alternative_loss"].max()), 0.15, 1))
ax.barh(table["province_name"], table["score"], color=colours)
for y, (score, loss) in enumerate(zip(table["score"], table["alternative_loss"])):
    ax.annotate(f"−{loss:g}" if loss == loss and loss > 0 else "", (score, y), xytext=(3, -3),
                textcoords="offset points", fontsize=7)
ax.set_xlabel("điểm phù hợp / match score (nhãn: điểm mất nếu thay người / label: loss if replaced)")
ax.set_title("Điểm phù hợp theo tỉnh / match score by province")
fig.tight_layout()
'''),
    md('''
## Giải thích cho một tỉnh / One province's explanation

Each need of the province, its weight, and whether the posted officer covers it:
'''),
    code('''
PROVINCE = "01"
post.explanations[post.explanations["province_code"] == PROVINCE][
    ["province_name", "officer_id", "area_name", "weight", "covered"]]
'''),
    code('''
post.unposted if len(post.unposted) else "Mọi cán bộ đều được cử / every officer is posted."
'''),
    md('''
## Nếu được cử về tỉnh quê? / What if officers may serve their home province?

`allow_home_province=True` lifts the home-province rule; the score can only rise. The
provinces whose officer changes:
'''),
    code('''
home = post_officers(ds, allow_home_province=True)
assert home.total_score >= post.total_score
print(f"total match score: {post.total_score:g} → {home.total_score:g} with home postings allowed")
both = post.table[["province_code", "province_name", "officer_id", "score"]].merge(
    home.table[["province_code", "officer_id", "score", "home_province_code"]],
    on="province_code", suffixes=("", "_home"))
changed = both[both["officer_id"] != both["officer_id_home"]]
changed.assign(at_home=changed["province_code"] == changed["home_province_code"])
'''),
]

ROADMAP = [
    md('''
# Lộ trình về đúng biên chế 2026–2030 / The roadmap to the quota, one province

Resolution 76/2025 gives the communes five years to bring their staff to the quota. The roadmap
(docs/contract.md §9) plans those years person by person with every lever: transfers, early
retirement (Decree 154/2025), recruitment within unused quota and the natural retirements of the
Decree 135 roadmap — a MIP over aggregates, solved lexicographically (end surplus, then weighted
shortage-years, then cost, then persons acted on, then km) and audited independently.

This notebook shows **the national roadmap** (as recorded by the benchmark, or recomputed here),
then plans **one province** in detail (a provincial planner's own run: solved exactly in seconds)
and draws the curve of shortage against budget.
'''),
    SYNTHETIC,
    LOAD,
    code('''
import matplotlib.pyplot as plt
import pandas as pd

from models.scenario import Scenario
from optimizer.roadmap import plan_roadmap

PROVINCE = "11"
base = Scenario(name="lộ trình / roadmap", provinces=[PROVINCE])
road = plan_roadmap(ds, base)
s = road.summary
print(f"status {s['status']}; end surplus {s['surplus_before']} → {s['end_surplus']}; "
      f"weighted shortage-years {s['shortage_years']}; cost {s['cost_vnd'] / 1e9:,.1f} bn VND; "
      f"audit {'passed' if s['check']['passed'] else 'FAILED'}")
assert s["check"]["passed"]
'''),
    md('''
## Cả nước / The national roadmap

The national roadmap (136,261 staff, 2026–2030) takes minutes on a 2-core machine, so by default
the next cell shows the figures recorded by `python benchmarks/bench_roadmap.py --json
benchmarks/results/roadmap_national.json` (status, gap, per-date totals, cost by lever). Set
`RUN_NATIONAL = True` to recompute them here with `plan_roadmap(ds, Scenario())`.
'''),
    code('''
import json
from pathlib import Path

import optimizer

RUN_NATIONAL = False
if RUN_NATIONAL:
    national = plan_roadmap(ds, Scenario()).summary
    origin = "computed now"
else:
    path = Path(optimizer.__file__).resolve().parents[1] / "benchmarks" / "results" / "roadmap_national.json"
    national = json.loads(path.read_text(encoding="utf-8"))
    origin = f"recorded by the benchmark ({path.name}, {national['recorded']})"
print(f"national roadmap, {origin}: status {national['status']}, "
      f"end surplus {national['objective']['end_surplus']:,.0f}, "
      f"weighted shortage-years {national['objective']['shortage_years']:,.0f}, "
      f"cost {national['objective']['cost_vnd'] / 1e9:,.1f} bn VND")
pd.DataFrame(national["per_date"]).set_index("date")
'''),
    code('''
pd.Series(national["cost_by_lever"], name="VND").to_frame().assign(bn_VND=lambda d: d["VND"] / 1e9)
'''),
    md('''
## Hành động theo năm / Actions by year and lever (one province)

Natural retirements need no decision; the other rows are the plan's decisions, each with its
person, position, units, date, cost, signing authority and reason ("6 rõ").
'''),
    code('''
by_year = (road.actions.assign(year=road.actions["date"].str[:4])
           .pivot_table(index="year", columns="action", values="action_no", aggfunc="count", fill_value=0))
by_year
'''),
    code('''
fig, ax = plt.subplots(figsize=(8, 4))
by_year.plot.bar(ax=ax, stacked=True)
ax.set_ylabel("số người / persons")
ax.set_title("Hành động theo năm / actions by year")
fig.tight_layout()
'''),
    code('''
pd.Series(s["cost_by_lever"], name="VND").to_frame().assign(bn_VND=lambda d: d["VND"] / 1e9)
'''),
    md('''
## Ngân sách và thiếu hụt / Budget against shortage

With a budget (one coupling row over the whole horizon), fewer recruits and early retirements are
affordable: the weighted shortage-years rise as the budget falls. Each point is an exact roadmap.
'''),
    code('''
budgets = [0.0, 10e9, 30e9]
rows = []
for b in budgets:
    r = plan_roadmap(ds, base.model_copy(update={"budget_vnd": b}))
    rows.append({"budget_bn_VND": b / 1e9, "status": r.summary["status"],
                 "end_surplus": r.summary["end_surplus"], "shortage_years": r.summary["shortage_years"],
                 "cost_bn_VND": r.summary["cost_vnd"] / 1e9})
rows.append({"budget_bn_VND": None, "status": s["status"], "end_surplus": s["end_surplus"],
             "shortage_years": s["shortage_years"], "cost_bn_VND": s["cost_vnd"] / 1e9})
curve = pd.DataFrame(rows)
curve
'''),
    code('''
fig, ax = plt.subplots(figsize=(6, 4))
pts = curve.dropna(subset=["budget_bn_VND"])
ax.plot(pts["budget_bn_VND"], pts["shortage_years"], marker="o")
ax.axhline(s["shortage_years"], color="grey", linestyle="--", label="không giới hạn / no budget")
ax.set_xlabel("ngân sách / budget (tỷ đồng / bn VND)")
ax.set_ylabel("thiếu có trọng số × năm / weighted shortage-years")
ax.legend()
fig.tight_layout()
'''),
]

NOTEBOOKS = {
    "01_explore_dataset.ipynb": EXPLORE,
    "02_scenarios.ipynb": SCENARIOS,
    "03_officer_postings.ipynb": OFFICERS,
    "04_roadmap.ipynb": ROADMAP,
}


def notebook(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    stem = name.split("_", 1)[0]
    for i, (kind, text) in enumerate(cells, start=1):
        cell = new_markdown_cell(text) if kind == "markdown" else new_code_cell(text)
        cell.id = f"nb{stem}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def build(out_dir: Path = HERE) -> list[Path]:
    """Write every notebook into `out_dir`; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, cells in NOTEBOOKS.items():
        path = out_dir / name
        text = nbformat.writes(notebook(name, cells)) + "\n"
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
