"""Joins taken a chunk of rows at a time (models.chunks) give what the whole join gives:
the explanations of §7 and their independent audit, with a budget small enough to cut every
join into many chunks, equal those with the default budget."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import models.chunks as chunks
import optimizer.explain.audit as explain_audit
import optimizer.explain.reasons as reasons
from models.chunks import chunk_bounds
from models.scenario import Scenario
from optimizer.explain.audit import _expected, _facts, check_explanations
from optimizer.explain.reasons import explain_plan
from optimizer.plan import solve
from tests.builders import KM_PER_DEG, make_ds


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
    from optimizer.reassign.eligibility import build_eligibility
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
