"""Retraining into another position (docs/contract.md §6): the table, the arcs, the order of the
objective, who is retrained, and the audit's conversion rules (each satisfied and violated)."""
import json

import pandas as pd
import pytest

from builders import KM_PER_DEG, make_ds
from datasets import tiny_tables, write_tables
from models.io import dataset_from_rows, read_dataset
from models.scenario import Scenario
from models.validation import DatasetError
from optimizer.plan import solve
from optimizer.reassign.audit import check_plan
from optimizer.reassign.conversions import build_conversion_eligibility
from optimizer.reassign.eligibility import build_eligibility
from optimizer.reassign.lexflow import Weights, solve_conversion_flows

HEADER = ["from_position", "to_position", "training_months", "training_cost_vnd"]
ON = Scenario(conversions=True)


def paths(*rows):
    """conversions rows: (from, to, months[, cost])."""
    return pd.DataFrame([{"from_position": r[0], "to_position": r[1], "training_months": int(r[2]),
                          "training_cost_vnd": float(r[3]) if len(r) > 3 else 0.0} for r in rows],
                        columns=HEADER)


def at(km):
    """A unit `km` north of (20 N, 105 E)."""
    return 20 + km / KM_PER_DEG, 105.0


def ds_with(units, staff, quotas, positions, conv):
    units = [(code, "01", *at(km)) for code, km in units]
    return make_ds(units, staff, quotas, positions=positions).replace(conversions=conv)


# --------------------------------------------------------------------------- the table


def test_conversions_table_valid_is_read():
    t = tiny_tables()
    t["conversions"] = [HEADER, ["VP", "DC", "6", "15000000"], ["DC", "VP", "0", ""]]
    ds = dataset_from_rows(t)
    assert ds.conversions[["from_position", "to_position", "training_months"]].values.tolist() == [
        ["VP", "DC", 6], ["DC", "VP", 0]]
    assert ds.conversions["training_cost_vnd"].tolist() == [15e6, 0.0]   # default 0


@pytest.mark.parametrize("row, column, value, words", [
    (["VP", "VP", "1", "0"], "to_position", "VP", "same as from_position"),
    (["VP", "XX", "1", "0"], "to_position", "XX", "unknown position"),
    (["YY", "DC", "1", "0"], "from_position", "YY", "unknown position"),
    (["VP", "DC", "-2", "0"], "training_months", "-2", "≥ 0"),
    (["VP", "DC", "1.5", "0"], "training_months", "1.5", "whole"),
    (["VP", "DC", "1", "-10"], "training_cost_vnd", "-10", "≥ 0"),
])
def test_conversions_table_bad_rows_are_named(tmp_path, row, column, value, words):
    t = tiny_tables()
    t["conversions"] = [HEADER, ["DC", "VP", "6", "0"], row]
    with pytest.raises(DatasetError) as e:
        read_dataset(write_tables(tmp_path / "d", t))
    [p] = [p for p in e.value.problems if p.table == "conversions"]
    assert (p.row, p.column, p.value) == (3, column, value) and words in p.message


def test_conversions_table_duplicate_pair_is_named():
    t = tiny_tables()
    t["conversions"] = [HEADER, ["VP", "DC", "6", "0"], ["VP", "DC", "3", "0"]]
    with pytest.raises(DatasetError) as e:
        dataset_from_rows(t)
    [p] = e.value.problems
    assert p.table == "conversions" and p.row == 3 and "duplicate" in p.message


def test_cli_solve_with_bad_conversions_exits_1_naming_the_row(tmp_path):
    from typer.testing import CliRunner

    from optimizer.cli import app
    t = tiny_tables()
    t["conversions"] = [HEADER, ["VP", "VP", "1", "0"]]
    folder = write_tables(tmp_path / "d", t)
    r = CliRunner().invoke(app, ["solve", str(folder), "--out", str(tmp_path / "o"), "--conversions"])
    assert r.exit_code == 1 and "conversions row 2, column to_position" in r.output
    assert "Traceback" not in r.output


# --------------------------------------------------------------------------- the arcs


def test_arcs_follow_listed_paths_only_and_retrain_in_place():
    ds = ds_with([("A", 0), ("B", 10)],
                 [("a1", "A", "VP", "1990-01-01", "M")],
                 [("A", "VP", 0), ("A", "DC", 1), ("B", "DC", 1), ("B", "XD", 1)],
                 [("VP", 1), ("DC", 3), ("XD", 3)], paths(("VP", "DC", 6)))
    arcs = build_conversion_eligibility(ds, ON).arcs
    got = set(zip(arcs["from_unit"], arcs["to_unit"], arcs["to_position_code"], arcs["km"].round(1)))
    assert got == {("A", "A", "DC", 0.0), ("A", "B", "DC", 10.0)}   # nothing into XD: not listed
    assert arcs["conversion"].all() and (arcs["training_months"] == 6).all()


def test_arcs_of_retraining_keep_distance_and_province_rules():
    units = [("A", "01", *at(0)), ("B", "01", *at(50)), ("C", "02", *at(5))]
    ds = make_ds(units, [("a1", "A", "VP", "1990-01-01", "M")],
                 [("A", "VP", 0), ("B", "DC", 1), ("C", "DC", 1)],
                 positions=[("VP", 1), ("DC", 3)]).replace(conversions=paths(("VP", "DC", 6)))
    assert build_conversion_eligibility(ds, ON).arcs.empty          # B too far, C another province
    cross = Scenario(conversions=True, cross_province=True)
    assert build_conversion_eligibility(ds, cross).arcs["to_unit"].tolist() == ["C"]


def test_protected_staff_are_not_retrained():
    ds = ds_with([("A", 0)], [("a1", "A", "VP", "1965-06-01", "M")],   # retires within 2 years
                 [("A", "VP", 0), ("A", "DC", 1)], [("VP", 1), ("DC", 3)], paths(("VP", "DC", 6)))
    assert build_conversion_eligibility(ds, ON).arcs.empty


def test_without_paths_the_eligibility_matches_same_position_moves():
    ds = ds_with([("A", 0), ("B", 10), ("C", 30)],
                 [("a1", "A", "DC", "1990-01-01", "M"), ("a2", "A", "DC", "1991-01-01", "F"),
                  ("c1", "C", "VP", "1990-01-01", "M")],
                 [("A", "DC", 0), ("B", "DC", 1), ("C", "DC", 1), ("B", "VP", 1), ("C", "VP", 0)],
                 [("VP", 1), ("DC", 3)], paths())
    a, b = build_conversion_eligibility(ds, ON), build_eligibility(ds, Scenario())
    key = ["from_unit", "to_unit", "position_code", "km"]
    assert a.arcs[key].sort_values(key).values.tolist() == b.arcs[key].sort_values(key).values.tolist()
    assert (a.ceiling, a.ceiling_weighted) == (b.ceiling, b.ceiling_weighted)


# --------------------------------------------------------------------------- the objective, in order


def test_priority_decides_which_post_a_shared_person_fills():
    # one spare VP; VP → LO (priority 1) and VP → HI (priority 3) are both listed: HI is filled
    ds = ds_with([("A", 0), ("B", 5)], [("a1", "A", "VP", "1990-01-01", "M")],
                 [("A", "VP", 0), ("A", "LO", 1), ("B", "HI", 1)],
                 [("VP", 1), ("LO", 1), ("HI", 3)], paths(("VP", "LO", 1), ("VP", "HI", 6)))
    res = solve_conversion_flows(build_conversion_eligibility(ds, ON))
    assert res.flows[["to_unit", "to_position_code"]].values.tolist() == [["B", "HI"]]
    assert res.weighted_fill == 3


def test_fewer_position_changes_come_before_kilometres():
    # C lacks one DC: a VP of C could be retrained in place (0 km), or the spare DC of B (30 km) come
    ds = ds_with([("B", 0), ("C", 30)],
                 [("b1", "B", "DC", "1990-01-01", "M"), ("c1", "C", "VP", "1990-01-01", "F")],
                 [("B", "DC", 0), ("C", "DC", 1), ("C", "VP", 0)],
                 [("VP", 1), ("DC", 3)], paths(("VP", "DC", 6)))
    res = solve_conversion_flows(build_conversion_eligibility(ds, ON))
    assert res.flows[["from_unit", "position_code", "to_position_code"]].values.tolist() == [["B", "DC", "DC"]]
    assert res.total_km == pytest.approx(30.0, abs=1e-3)


def test_fill_comes_before_position_changes():
    # only retraining can fill the post: it is made
    ds = ds_with([("A", 0)], [("a1", "A", "VP", "1990-01-01", "M")],
                 [("A", "VP", 0), ("A", "DC", 1)], [("VP", 1), ("DC", 3)], paths(("VP", "DC", 6, 9e6)))
    plan = solve(ds, ON)
    assert plan.summary["weighted_shortage_after"] == 0
    assert plan.summary["retraining"]["retrained_in_place"] == 1
    assert plan.summary["retraining"]["training_cost_vnd"] == 9e6


def test_weights_fallback_to_staged_lp_gives_the_same_plan():
    ds = ds_with([("A", 0), ("B", 8), ("C", 20)],
                 [("a1", "A", "VP", "1990-01-01", "M"), ("a2", "A", "VP", "1991-01-01", "M"),
                  ("b1", "B", "DC", "1990-01-01", "F")],
                 [("A", "VP", 0), ("B", "DC", 0), ("C", "DC", 2), ("C", "LO", 1)],
                 [("VP", 1), ("DC", 3), ("LO", 1)], paths(("VP", "DC", 6), ("VP", "LO", 2)))
    elig = build_conversion_eligibility(ds, ON)
    net = solve_conversion_flows(elig)
    staged = solve_conversion_flows(elig, cost_limit=1)        # the weights "do not fit"
    assert "fallback" in staged.stages[0] and staged.method == "staged_lp"
    assert (net.weighted_fill, net.total_km) == (staged.weighted_fill, staged.total_km)
    w = Weights.for_arcs(elig.arcs)
    assert w.w2 > w.m3 and w.w1 > w.w2 * w.m2 + w.m3


# --------------------------------------------------------------------------- who is retrained


def test_the_one_with_more_years_left_is_retrained():
    # two spare VP in A: one goes to B as VP, one is retrained in place into DC; the younger
    # (more years before retirement) is the one retrained, whatever the homes
    ds = ds_with([("A", 0), ("B", 10)],
                 [("old", "A", "VP", "1975-01-01", "M", True, "B"), ("young", "A", "VP", "1995-01-01", "M")],
                 [("A", "VP", 0), ("A", "DC", 1), ("B", "VP", 1)],
                 [("VP", 1), ("DC", 3)], paths(("VP", "DC", 6)))
    t = solve(ds, ON).transfers.set_index("staff_id")
    assert t.loc["young", "to_position_code"] == "DC" and t.loc["young", "to_unit"] == "A"
    assert t.loc["old", "to_position_code"] == "VP" and t.loc["old", "training_months"] == 0


# --------------------------------------------------------------------------- audit rules


@pytest.fixture
def retrain_case():
    ds = ds_with([("A", 0), ("B", 10)],
                 [("a1", "A", "VP", "1990-01-01", "M"), ("a2", "A", "VP", "1991-01-01", "F")],
                 [("A", "VP", 0), ("A", "DC", 1), ("B", "XD", 1)],
                 [("VP", 1), ("DC", 3), ("XD", 2)], paths(("VP", "DC", 6, 15e6)))
    plan = solve(ds, ON)
    return ds, plan


def rules(violations):
    return sorted({v.rule for v in violations})


def test_listed_conversion_satisfied(retrain_case):
    ds, plan = retrain_case
    assert check_plan(ds, ON, plan.transfers, plan.units_after) == []
    assert len(plan.transfers) == 1 and plan.transfers["to_position_code"].iloc[0] == "DC"


def test_listed_conversion_violated_by_an_unlisted_path(retrain_case):
    ds, plan = retrain_case
    t = plan.transfers.assign(to_unit="B", to_position_code="XD", km=10.0)
    v = [x for x in check_plan(ds, ON, t) if x.rule == "listed_conversion"]
    assert len(v) == 1 and "VP → XD is not in the conversions table" in v[0].message


def test_listed_conversion_violated_when_retraining_is_off(retrain_case):
    ds, plan = retrain_case
    v = [x for x in check_plan(ds, Scenario(), plan.transfers) if x.rule == "listed_conversion"]
    assert len(v) == 1 and "retraining is off" in v[0].message


def test_training_reported_satisfied_and_violated(retrain_case):
    ds, plan = retrain_case
    assert "training_reported" not in rules(check_plan(ds, ON, plan.transfers))
    wrong = plan.transfers.assign(training_months=2, training_cost_vnd=0.0)
    v = [x for x in check_plan(ds, ON, wrong) if x.rule == "training_reported"]
    assert len(v) == 2 and "takes 6" in v[0].message


def test_different_unit_allows_retraining_in_place_only(retrain_case):
    ds, plan = retrain_case
    assert "different_unit" not in rules(check_plan(ds, ON, plan.transfers))     # A → A, VP → DC
    same = plan.transfers.assign(to_position_code="VP", training_months=0, training_cost_vnd=0.0)
    assert "different_unit" in rules(check_plan(ds, ON, same))


def test_quota_counts_a_retrained_person_in_the_new_position(retrain_case):
    ds, plan = retrain_case
    ua = plan.units_after.set_index(["unit_code", "position_code"])
    assert ua.loc[("A", "VP"), ["departures", "staff_after"]].tolist() == [1, 1]
    assert ua.loc[("A", "DC"), ["arrivals", "staff_after", "shortage_after"]].tolist() == [1, 1, 0]
    # retrained into a position whose quota is full: the audit sees the arrival in that position
    extra = pd.concat([plan.transfers, plan.transfers.assign(staff_id="a2")], ignore_index=True)
    v = [x for x in check_plan(ds, ON, extra) if x.rule == "quota_not_crossed"]
    assert any("A position DC" in x.subject and "arrive" in x.message for x in v)


# --------------------------------------------------------------------------- outputs unchanged when off


def test_a_conversions_table_changes_nothing_without_the_option(tmp_path):
    from optimizer.output.plan_files import write_plan

    base = ds_with([("A", 0), ("B", 10)],
                   [("a1", "A", "VP", "1990-01-01", "M"), ("a2", "A", "DC", "1990-01-01", "M")],
                   [("A", "VP", 0), ("A", "DC", 0), ("B", "DC", 1), ("B", "VP", 1)],
                   [("VP", 1), ("DC", 3)], None)
    with_table = base.replace(conversions=paths(("VP", "DC", 6)))
    outs = []
    for i, ds in enumerate((base, with_table)):
        plan = solve(ds, Scenario())
        write_plan(plan, tmp_path / str(i))
        outs.append(plan)
    for name in ("transfers.csv", "units_after.csv"):
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes()
    a, b = (json.loads((tmp_path / str(i) / "summary.json").read_text()) for i in (0, 1))
    for s in (a, b):
        s.pop("timings"), s.pop("solve_seconds"), s.pop("build_seconds"), s.pop("solver_stages", None)
    assert a == b and "retraining" not in a and "conversions" not in a["scenario"]
    assert "to_position_code" not in outs[1].transfers.columns


def test_cli_solve_with_conversions_writes_retraining(tmp_path):
    import openpyxl
    from typer.testing import CliRunner

    from optimizer.cli import app
    t = tiny_tables()
    t["quotas"][1][2] = "3"       # 00004 keeps its three DC: only retraining can fill the DC posts
    folder = write_tables(tmp_path / "d", t, note="TINY synthetic")
    out = tmp_path / "o"
    r = CliRunner().invoke(app, ["solve", str(folder), "--out", str(out), "--conversions"])
    assert r.exit_code == 0, r.output
    transfers = pd.read_csv(out / "transfers.csv", dtype=str, encoding="utf-8-sig")
    moved = transfers.loc[transfers["to_position_code"] != transfers["position_code"]]
    assert moved[["staff_id", "position_code", "to_position_code", "training_months"]].values.tolist() == [
        ["S05", "VP", "DC", "6"]]         # the younger VP of 00070 (S04 is older)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["retraining"]["retrained"] == 1 and summary["retraining"]["training_cost_vnd"] == 15e6
    assert summary["scenario"]["conversions"] is True
    assert "Đào tạo lại" in openpyxl.load_workbook(out / "plan.xlsx").sheetnames
    assert "Đào tạo lại sang vị trí việc làm khác" in (out / "report.html").read_text(encoding="utf-8")
