"""Retraining and the planner's decisions in the roadmap (docs/contract.md §6, §8 → §9), by hand."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from builders import KM_PER_DEG, make_ds
from models.scenario import Scenario, ScenarioError
from models.validation import DatasetError
from optimizer import cli
from optimizer.roadmap import plan_roadmap
from optimizer.roadmap.audit import audit_roadmap

A, B = ("A", "01", 21.00, 105.00), ("B", "01", 21.05, 105.00)          # 5.56 km: no allowance
FAR = ("F", "01", 21.20, 105.00)                                       # 22.2 km from A: the 15 km tier
CONV = pd.DataFrame({"from_position": ["VP"], "to_position": ["DC"], "training_months": [3],
                     "training_cost_vnd": [5_000_000.0]})
ALLOWANCE = 36 * 2_000_000


def acts(rm):
    a = rm.actions.loc[rm.actions["action"] != "retirement"]
    return [(r.date, r.action, r.staff_id, r.position_code, r.to_position_code, r.from_unit, r.to_unit)
            for r in a.itertuples()]


def _surplus_vp_shortage_dc(dest=B, **kw):
    """A has two young VP for a VP quota of 1; `dest` needs a DC and nobody anywhere is a DC."""
    quotas = [("A", "VP", 1), (dest[0], "DC", 1)] + ([("A", "DC", 0)] if dest[0] != "A" else [])
    units = [A] if dest[0] == "A" else [A, dest]
    ds = make_ds(units=units, staff=[("s1", "A", "VP", "1990-01-01", "M"), ("s2", "A", "VP", "1988-05-01", "F")],
                 quotas=quotas, positions=[("VP", 1), ("DC", 1)])
    return ds.replace(conversions=CONV)


def test_only_retraining_fills_a_shortage_and_without_conversions_it_stays_short():
    ds = _surplus_vp_shortage_dc()
    off = plan_roadmap(ds, Scenario(recruit=False))
    assert acts(off) == []
    assert (off.summary["end_surplus"], off.summary["shortage_years"]) == (1, 5)
    on = plan_roadmap(ds, Scenario(recruit=False, conversions=True))
    # s1 has more years left than s2 (retires 2052 against 2048): s1 retrains, on the first date
    assert acts(on) == [("2026-01-01", "retrain", "s1", "VP", "DC", "A", "B")]
    s = on.summary
    assert (s["status"], s["end_surplus"], s["shortage_years"], s["cost_vnd"]) == ("optimal", 0, 0, 5_000_000.0)
    assert s["cost_by_lever"]["retrain"] == 5_000_000.0 and s["counts_by_action"]["retrain"] == 1
    assert [d["retrains"] for d in s["per_date"]] == [1, 0, 0, 0, 0]
    row = on.actions.iloc[0]
    assert (row["training_months"], row["training_cost_vnd"]) == (3, 5_000_000.0)
    first = on.units_by_year.loc[on.units_by_year["date"] == "2026-01-01"].set_index(["unit_code", "position_code"])
    assert first.loc[("A", "VP"), "departures"] == 1 and first.loc[("B", "DC"), "arrivals"] == 1
    assert "Đào tạo chuyển vị trí" in row["reason"]


def test_retraining_in_place_is_chosen_before_a_later_recruit():
    ds = _surplus_vp_shortage_dc(dest=A)
    rm = plan_roadmap(ds, Scenario(conversions=True))          # recruits only from 2027: too late
    assert acts(rm) == [("2026-01-01", "retrain", "s1", "VP", "DC", "A", "A")]
    assert rm.actions.iloc[0]["km"] == 0 and rm.summary["cost_vnd"] == 5_000_000.0
    assert rm.summary["total_km"] == 0


def test_a_retraining_costs_the_allowance_plus_the_training():
    ds = _surplus_vp_shortage_dc(dest=FAR)
    rm = plan_roadmap(ds, Scenario(recruit=False, conversions=True))
    [row] = [r for r in rm.actions.itertuples() if r.action == "retrain"]
    assert row.km == pytest.approx(0.2 * KM_PER_DEG, abs=1e-3)
    assert row.cost_vnd == ALLOWANCE + 5_000_000
    # too dear for the budget: the shortage stays
    tight = plan_roadmap(ds, Scenario(recruit=False, conversions=True, budget_vnd=ALLOWANCE))
    assert acts(tight) == [] and tight.summary["shortage_years"] == 5


def test_the_audit_checks_retraining_against_the_raw_conversions_table():
    ds = _surplus_vp_shortage_dc(dest=FAR)
    sc = Scenario(recruit=False, conversions=True)
    rm = plan_roadmap(ds, sc)
    claimed = rm.summary["objective"]

    def rules(ds_, sc_, actions):
        return sorted({v.rule for v in audit_roadmap(ds_, sc_, actions, claimed)[0]})

    assert rules(ds, sc, rm.actions) == []
    i = rm.actions.index[rm.actions["action"] == "retrain"][0]
    # not a listed path any more (the table loses it)
    assert "retrain_listed" in rules(ds.replace(conversions=CONV.iloc[:0]), sc, rm.actions)
    # conversions off
    assert rules(ds, sc.model_copy(update={"conversions": False}), rm.actions) == ["retrain_listed"]
    # the training cost stated is not the table's, and the cost is not allowance + training
    wrong = rm.actions.copy()
    wrong.loc[i, "training_cost_vnd"] = 1.0
    assert rules(ds, sc, wrong) == ["retrain_listed"]
    dear = rm.actions.copy()
    dear.loc[i, "cost_vnd"] = ALLOWANCE
    assert "costs_right" in rules(ds, sc, dear)
    # a plain transfer may not change position, nor stay in its unit
    plain = rm.actions.copy()
    plain.loc[i, "action"] = "transfer"
    assert "transfer_route" in rules(ds, sc, plain)


def _keep_exempt_ds():
    return make_ds(units=[A, ("B", "01", 21.10, 105.0)],
                   staff=[("s1", "A", "DC", "1990-01-01", "M"), ("s4", "A", "DC", "1969-03-10", "M")],
                   quotas=[("A", "DC", 0), ("B", "DC", 1)])


def _decisions(*rows):
    return pd.DataFrame([{"staff_id": s, "decision": d, "to_unit": u, "reason": why} for s, d, u, why in rows])


def test_staff_with_an_exempt_reason_never_act():
    ds = _keep_exempt_ds()
    assert {a[1] for a in acts(plan_roadmap(ds, Scenario()))} == {"transfer", "early_retirement"}
    ex = ds.replace(staff=ds.staff.assign(exempt_reason=["child_under_36_months", "discipline"]))
    rm = plan_roadmap(ex, Scenario())
    assert [a for a in acts(rm) if a[2] in ("s1", "s4")] == []
    assert rm.summary["decisions"]["exempt_reason"] == 2 and rm.summary["end_surplus"] == 2   # s4 retires 2031
    # the audit re-reads exempt_reason: the plan made without it breaks decisions_honoured
    base = plan_roadmap(ds, Scenario())
    found = audit_roadmap(ex, Scenario(), base.actions, base.summary["objective"])[0]
    assert sorted(v.subject for v in found if v.rule == "decisions_honoured") == ["s1", "s4"]


def test_keep_and_exempt_decisions_of_the_dataset_are_honoured():
    ds = _keep_exempt_ds()
    one = plan_roadmap(ds.replace(decisions=_decisions(("s1", "keep", "", ""))), Scenario())
    assert [(a[1], a[2]) for a in acts(one)] == [("transfer", "s4")]     # s4 goes to B instead
    kept = plan_roadmap(ds.replace(decisions=_decisions(("s1", "keep", "", ""), ("s4", "keep", "", ""))), Scenario())
    assert [a[1] for a in acts(kept) if a[2] == "s1"] == []
    assert [a[1] for a in acts(kept) if a[2] == "s4"] == ["early_retirement"]   # keep: ER stays open
    exempt = plan_roadmap(ds.replace(decisions=_decisions(("s4", "exempt", "", "con dưới 36 tháng"))), Scenario())
    assert [a for a in acts(exempt) if a[1] == "early_retirement"] == []


def _move_ds():
    # s1 is A's surplus; B, 60 km away (beyond max_km 40), needs one DC
    return make_ds(units=[A, ("B", "01", 21.54, 105.0)], staff=[("s1", "A", "DC", "1990-01-01", "M")],
                   quotas=[("A", "DC", 0), ("B", "DC", 1)])


def test_a_move_decision_is_a_transfer_on_the_first_date_even_beyond_max_km():
    ds = _move_ds()
    free = plan_roadmap(ds, Scenario())
    assert [a[1] for a in acts(free)] == ["recruit"] and free.summary["end_surplus"] == 1
    forced = plan_roadmap(ds.replace(decisions=_decisions(("s1", "move", "B", "theo đề nghị của xã"))), Scenario())
    assert acts(forced) == [("2026-01-01", "transfer", "s1", "DC", "DC", "A", "B")]
    s = forced.summary
    assert (s["end_surplus"], s["shortage_years"], s["cost_vnd"], s["persons_acted"]) == (0, 0, ALLOWANCE, 1)
    assert s["decisions"]["forced_moves"] == 1 and s["check"]["passed"]
    row = forced.actions.iloc[0]
    assert row["decision"] == "move" and "theo quyết định" in row["reason"] and row["km"] > 40
    first = forced.units_by_year.loc[forced.units_by_year["date"] == "2026-01-01"].set_index("unit_code")
    assert (first.loc["A", "staff_pre"], first.loc["A", "departures"], first.loc["B", "arrivals"]) == (1, 1, 1)
    # the audit wants the decision carried out
    rest = forced.actions.iloc[1:]
    found = audit_roadmap(ds.replace(decisions=_decisions(("s1", "move", "B", ""))), Scenario(), rest)[0]
    assert [v.rule for v in found if v.rule == "decisions_honoured"] == ["decisions_honoured"]


def test_a_move_that_breaks_a_rule_or_the_budget_is_refused():
    ds = _move_ds()
    with pytest.raises(DatasetError) as e:                # A has no DC post free: quota would be crossed
        plan_roadmap(ds.replace(quotas=pd.DataFrame({"unit_code": ["A", "B"], "position_code": ["DC", "DC"],
                                                     "quota": [1, 1]}),
                                decisions=_decisions(("s1", "move", "B", ""))), Scenario())
    [p] = e.value.problems
    assert p.table == "decisions" and "quota_not_crossed" in p.message
    with pytest.raises(ScenarioError) as e:
        plan_roadmap(ds.replace(decisions=_decisions(("s1", "move", "B", ""))), Scenario(budget_vnd=1e6))
    assert e.value.key == "budget_vnd" and "forces" in str(e.value)


def test_the_command_line_takes_conversions_and_a_decisions_file(tiny_folder, tmp_path):
    (tmp_path / "d.csv").write_text("staff_id,decision,to_unit,reason\nS01,keep,,\n", encoding="utf-8")
    out = tmp_path / "road"
    result = CliRunner().invoke(cli.app, ["roadmap", str(tiny_folder), "--out", str(out), "--conversions",
                                          "--decisions", str(tmp_path / "d.csv"), "--no-report"])
    assert result.exit_code == 0, result.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["scenario"]["conversions"] is True and s["decisions"]["keep"] == 1
    assert "retrain" in s["counts_by_action"]
    a = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False)
    assert not ((a["staff_id"] == "S01") & a["action"].isin(["transfer", "retrain"])).any()
    assert list(a.columns[-3:]) == ["training_months", "training_cost_vnd", "decision"]
