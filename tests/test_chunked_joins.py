"""Joins taken a chunk of rows at a time (models.chunks) give what the whole join gives:
the explanations of §7 and their independent audit, with a budget small enough to cut every
join into many chunks, equal those with the default budget."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import models.chunks as chunks
import optimizer.explain.audit as explain_audit
import optimizer.explain.reasons as reasons
import optimizer.reassign.eligibility as eligibility
from models.chunks import chunk_bounds
from models.scenario import Scenario
from optimizer.explain.audit import _expected, _facts, check_explanations
from optimizer.explain.reasons import explain_plan
from optimizer.plan import solve
from optimizer.reassign.eligibility import build_eligibility
from tests.builders import KM_PER_DEG, make_ds
from tests.test_eligibility_index import instances, reference_arcs


def test_chunk_bounds_cover_in_order_within_budget():
    w = [1, 1, 1, 5, 1, 1, 0, 0]
    b = chunk_bounds(w, 2)
    assert b == [(0, 2), (2, 3), (3, 4), (4, 8)]
    assert all(sum(w[a:c]) <= 2 or c - a == 1 for a, c in b)          # a single heavy row alone
    assert chunk_bounds([], 3) == [] and chunk_bounds([7], 1) == [(0, 1)]
    with pytest.raises(ValueError):
        chunk_bounds([1], 0)


def _random_ds(seed: int):
    rng = np.random.default_rng(seed)
    units, staff, quotas = [], [], []
    for i in range(14):
        code = f"U{i:02d}"
        units.append((code, "01" if i < 9 else "02", 16.0 + rng.uniform(0, 60) / KM_PER_DEG,
                      106.0 + rng.uniform(0, 0.5)))
        for pos in ("A", "B", "C"):
            n = int(rng.integers(0, 5))
            staff += [(f"{code}{pos}{k}", code, pos, "1990-01-01" if rng.random() < 0.8 else "1960-01-01", "F",
                       bool(rng.random() < 0.9)) for k in range(n)]
            quotas.append((code, pos, int(rng.integers(0, 5))))
    return make_ds(units, staff, quotas, positions=[("A", 3), ("B", 2), ("C", 1)],
                   distances=[("U00", "U03", 12.5), ("U04", "U01", 80.0)])


@pytest.mark.parametrize("settings", [
    {"max_km": 25, "max_departures_per_unit": 1, "max_arrivals_per_unit": 2},
    {"max_km": 30, "cross_province": True, "cross_province_into": ["02"]},
])
def test_chunked_explanations_equal_whole(monkeypatch, settings):
    ds = _random_ds(7)
    scenario = Scenario(**settings)
    plan = solve(ds, scenario, check=False)
    elig = build_eligibility(ds, scenario)
    whole = explain_plan(ds, scenario, elig, plan.transfers, plan.units_after)
    f = _facts(ds, scenario, plan.transfers)
    exp_whole = [_expected(ds, scenario, f, whole.unfilled, True), _expected(ds, scenario, f, whole.surplus_left, False)]
    assert len(whole.unfilled) > 3 and len(whole.surplus_left) > 3
    cuts: list[int] = []

    def spy(weights, budget=None):
        out = chunk_bounds(weights, budget)
        cuts.append(len(out))
        return out

    monkeypatch.setattr(reasons, "chunk_bounds", spy)
    monkeypatch.setattr(explain_audit, "chunk_bounds", spy)
    for budget in (5,):
        monkeypatch.setattr(chunks, "JOIN_BUDGET", budget)
        part = explain_plan(ds, scenario, elig, plan.transfers, plan.units_after)
        pd.testing.assert_frame_equal(part.unfilled, whole.unfilled)
        pd.testing.assert_frame_equal(part.surplus_left, whole.surplus_left)
        exp_part = [_expected(ds, scenario, f, part.unfilled, True), _expected(ds, scenario, f, part.surplus_left, False)]
        for a, b in zip(exp_part, exp_whole):
            pd.testing.assert_frame_equal(a, b, check_dtype=False)
        assert check_explanations(ds, scenario, plan.transfers, part) == []
        # and the audit still catches a wrong reason when chunked
        bad = part.unfilled.copy()
        bad.loc[bad.index[0], "reason_code"] = "taken" if bad["reason_code"].iloc[0] != "taken" else "out_of_reach"
        broken = type(part)(unfilled=bad, surplus_left=part.surplus_left)
        assert check_explanations(ds, scenario, plan.transfers, broken)
    assert max(cuts) > 3          # the joins were indeed cut into several chunks


# --------------------------------------------------------------------------- eligible arcs

@settings(max_examples=12, deadline=None)
@given(instances())
def test_arcs_measured_in_chunks_equal_the_full_join(case):
    """The arcs measured a few candidates at a time equal the reference join (road distances both
    shorter and longer than the great circle, cross-province or not), with the same column types;
    the code columns are text and distance_source holds two shared strings, not one per arc."""
    ds, scenario = case
    whole = build_eligibility(ds, scenario).arcs
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(eligibility, "MEASURE_CHUNK", 3)
        got = build_eligibility(ds, scenario).arcs
    pd.testing.assert_frame_equal(got, whole)                      # dtypes included
    pd.testing.assert_frame_equal(got.reset_index(drop=True), reference_arcs(ds, scenario), check_dtype=False)
    for c in ("from_unit", "to_unit", "position_code", "distance_source"):
        assert pd.api.types.is_string_dtype(got[c]), c
    assert len({id(x) for x in got["distance_source"].to_numpy(dtype=object)}) <= 2


# --------------------------------------------------------------------------- metre-rounded reach

def test_explain_audit_reads_reach_to_the_metre():
    """A surplus unit 40.0004 km away is within a 40 km limit (distances are metre-rounded, as the
    arcs have them): the post it could not fill is `taken`, and the audit agrees (it once read the
    unrounded 40.0004 km as out of reach and rejected the plan, at 20× the national roster)."""
    d = 40.0004 / KM_PER_DEG
    units = [("S", "01", 16.0, 106.0), ("A", "01", 16.0 + d, 106.0), ("B", "01", 16.0 - d, 106.0)]
    staff = [("s1", "S", "X", "1990-01-01", "F"), ("s2", "S", "X", "1990-01-01", "F")]
    ds = make_ds(units, staff, [("S", "X", 1), ("A", "X", 1), ("B", "X", 1)])
    scenario = Scenario(max_km=40)
    plan = solve(ds, scenario)                 # raises PlanAuditError if the audit disagrees
    assert len(plan.transfers) == 1 and plan.transfers["km"].iloc[0] == 40.0
    row = plan.explain.unfilled.iloc[0]
    assert row["reason_code"] == "taken" and row["units_in_reach"] == 1
    wrong = plan.explain.unfilled.assign(reason_code="out_of_reach")
    found = check_explanations(ds, scenario, plan.transfers,
                               type(plan.explain)(unfilled=wrong, surplus_left=plan.explain.surplus_left))
    assert [v.rule for v in found] == ["reason_out_of_reach"]
