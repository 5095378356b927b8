"""The roadmap's lexicographic solver (optimizer/roadmap/solve.py): LP first, batches in processes."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings

import optimizer.roadmap.solve as S
from optimizer.roadmap import COMPONENTS, plan_roadmap
from test_roadmap_model import instances


def _two_blocks():
    """Block 0: min −x0 − x1, 2 x0 + 2 x1 ≤ 3, x binary (LP: 1.5, fractional; MIP: −1).
    Block 1: min −x2, x2 ≤ 1 (LP integral)."""
    A = sp.csr_matrix(np.array([[2.0, 2.0, 0.0], [0.0, 0.0, 1.0]]))
    lb, ub = np.zeros(3), np.ones(3)
    integer = np.ones(3, bool)
    rlb, rub = np.full(2, -np.inf), np.array([3.0, 1.0])
    return A, lb, ub, integer, rlb, rub


def test_an_integral_lp_block_needs_no_mip_and_a_fractional_one_does():
    A, lb, ub, integer, rlb, rub = _two_blocks()
    c = np.array([-1.0, -1.0, -1.0])
    st, x, bound, mips = S._solve_stage(A, lb, ub, integer, rlb, rub, c, np.array([0, 0, 1]), None, "highs")
    assert st == "optimal" and mips == 1
    assert np.allclose(x, np.rint(x)) and x[:2].sum() == 1 and x[2] == 1 and bound == pytest.approx(-2.0)
    # block 1 alone: its LP is integral, so no MIP is solved
    st, x, bound, mips = S._solve_stage(A[1:, 2:], lb[2:], ub[2:], integer[2:], rlb[1:], rub[1:], c[2:],
                                        np.array([0]), None, "highs")
    assert (st, mips, list(x), bound) == ("optimal", 0, [1.0], -1.0)


def test_the_lexicographic_optimum_matches_brute_force_block_by_block():
    A, lb, ub, integer, rlb, rub = _two_blocks()
    first = np.array([-1.0, -1.0, -1.0])
    second = np.array([3.0, 1.0, 0.0])          # then prefer x1 over x0
    sol, status, values, *_ = S.solve_lexicographic(A, lb, ub, integer, rlb, rub, {"a": first, "b": second},
                                                    {"a": 0.0, "b": 0.0}, workers=1)
    best = min((x for x in itertools.product([0, 1], repeat=3) if 2 * x[0] + 2 * x[1] <= 3),
               key=lambda x: (first @ x, second @ x))
    assert status == "optimal" and tuple(np.rint(sol)) == best and values == {"a": -2.0, "b": 1.0}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_many_small_batches_in_two_processes_give_the_same_optimum(case):
    ds, sc = case
    one = plan_roadmap(ds, sc)
    old = S.BATCH_VARIABLES, S.WORKERS
    S.BATCH_VARIABLES, S.WORKERS = 4, 2
    try:
        many = plan_roadmap(ds, sc)
    finally:
        S.BATCH_VARIABLES, S.WORKERS = old
    assert many.summary["status"] == "optimal"
    assert {c: many.summary["objective"][c] for c in COMPONENTS} == {c: one.summary["objective"][c] for c in COMPONENTS}


def _refusing_lp_first(real):
    """`_solve_stage` that refuses every LP-first stage (its last argument), as HiGHS did once."""
    def refuse_lp_first(*args):
        if args[-1]:
            raise S.Refused("the roadmap MIP ended with status INFEASIBLE")
        return real(*args)
    return refuse_lp_first


def test_a_batch_whose_lp_first_stages_fail_is_solved_again_by_mips(monkeypatch):
    A, lb, ub, integer, rlb, rub = _two_blocks()
    refuse_lp_first = _refusing_lp_first(S._solve_stage)

    monkeypatch.setattr(S, "_solve_stage", refuse_lp_first)
    sol, status, values, bounds, gaps, stages, *_ = S.solve_lexicographic(
        A, lb, ub, integer, rlb, rub, {"a": -np.ones(3)}, {"a": 0.0}, workers=1)
    assert status == "optimal" and values == {"a": -2.0} and bounds == {"a": -2.0}
    assert stages[0]["batches_solved_again_by_mip"] == 1 and stages[0]["mip_solves"] == 1


def test_a_stage_highs_refuses_keeps_the_earlier_optimum_and_a_valid_bound(monkeypatch):
    A, lb, ub, integer, rlb, rub = _two_blocks()
    real = S._solve_stage
    second = np.array([3.0, 1.0, 0.0])

    def refuse_the_second_stage(*args):
        if 3.0 in args[6]:                      # the second stage (columns in batch order)
            raise S.Refused("the roadmap MIP ended with status INFEASIBLE")
        return real(*args)

    monkeypatch.setattr(S, "_solve_stage", refuse_the_second_stage)
    sol, status, values, bounds, gaps, stages, *_ = S.solve_lexicographic(
        A, lb, ub, integer, rlb, rub, {"a": -np.ones(3), "b": second}, {"a": 0.0, "b": 0.0}, workers=1)
    assert status == "feasible" and values["a"] == -2.0 and bounds["a"] == -2.0
    # b's bound: its LP without the first stage's row (0: take nothing) — valid, not tight
    assert values["b"] in (1.0, 3.0) and bounds["b"] == 0.0 and stages[1]["status"] == "feasible"
    assert stages[1]["batches_refused_numerically"] == 1


def test_a_rounded_lp_point_that_breaks_a_row_is_not_taken_as_proven(monkeypatch):
    # min x0 s.t. 1e9·x0 ≥ 1e9 − 1e-3 (x0 integer): an LP answer of 1 − 1e-12 rounds to 1, fine;
    # pretend the LP returned 0.9999995 (within INTEGRAL) for  1e9·x0 ≤ 999,999,600: rounding to 1
    # breaks that row by 400, so the block must go to the MIP (whose answer is x0 = 0)
    A = sp.csr_matrix(np.array([[1e9]]))
    lb, ub, integer = np.zeros(1), np.ones(1), np.ones(1, bool)
    rlb, rub = np.array([-np.inf]), np.array([999_999_600.0])
    real = S._solve_one
    calls = []

    def lp_says_almost_one(A_, lb_, ub_, integer_, *rest):
        calls.append(bool(integer_.any()))
        if not integer_.any():
            return "optimal", np.array([0.9999995]), -0.9999995
        return real(A_, lb_, ub_, integer_, *rest)

    monkeypatch.setattr(S, "_solve_one", lp_says_almost_one)
    st, x, bound, mips = S._solve_stage(A, lb, ub, integer, rlb, rub, np.array([-1.0]), np.array([0]), None, "highs")
    assert (st, list(x), mips) == ("optimal", [0.0], 1) and calls == [False, True]


def test_a_refused_stage_whose_lp_fails_too_adds_a_zero_bound(monkeypatch):
    A, lb, ub, integer, rlb, rub = _two_blocks()
    real_stage, real_one = S._solve_stage, S._solve_one
    second = np.array([3.0, 1.0, 0.0])

    def refuse_the_second_stage(*args):
        if 3.0 in args[6]:
            raise S.Refused("the roadmap MIP ended with status INFEASIBLE")
        return real_stage(*args)

    def unknown_lp_for_the_second(A_, lb_, ub_, integer_, rlb_, rub_, c, *rest):
        if 3.0 in c:
            return "unknown", None, None
        return real_one(A_, lb_, ub_, integer_, rlb_, rub_, c, *rest)

    monkeypatch.setattr(S, "_solve_stage", refuse_the_second_stage)
    monkeypatch.setattr(S, "_solve_one", unknown_lp_for_the_second)
    sol, status, values, bounds, gaps, stages, *_ = S.solve_lexicographic(
        A, lb, ub, integer, rlb, rub, {"a": -np.ones(3), "b": second}, {"a": 0.0, "b": 0.0}, workers=1)
    assert status == "feasible" and values["a"] == -2.0 and bounds["b"] == 0.0


def test_a_batch_solved_again_is_counted_once_on_the_first_stage(monkeypatch):
    A, lb, ub, integer, rlb, rub = _two_blocks()
    refuse_lp_first = _refusing_lp_first(S._solve_stage)

    objectives = {"a": -np.ones(3), "b": np.array([3.0, 1.0, 0.0])}
    *_, stages, _, _ = S.solve_lexicographic(A, lb, ub, integer, rlb, rub, objectives, {"a": 0.0, "b": 0.0},
                                             workers=1)
    assert [s["batches_solved_again_by_mip"] for s in stages] == [0, 0]      # LP first went through
    monkeypatch.setattr(S, "_solve_stage", refuse_lp_first)
    *_, stages, _, _ = S.solve_lexicographic(A, lb, ub, integer, rlb, rub, objectives, {"a": 0.0, "b": 0.0},
                                             workers=1)
    assert [s["batches_solved_again_by_mip"] for s in stages] == [1, 0]
