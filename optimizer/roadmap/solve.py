"""Lexicographic MIP solving, stage by stage, block by block (OR-Tools model builder + HiGHS).

``solve_lexicographic(A, lb, ub, integer, rlb, rub, objectives, ...)`` minimises each objective
in turn, the earlier ones held at their optimum.

**Blocks.** Without a coupling row (the budget), the roadmap's constraint matrix splits into
independent blocks (a position within a province, cut further by the distance limit). The
lexicographic optimum of a sum of independent problems is the sum of their lexicographic
optima: minimising Σ_b f1_b forces every f1_b to its own minimum, so "Σ f1 ≤ opt" is the same
constraint as "f1_b ≤ opt_b for every b", and so on down the stages. So each block may be
solved alone — and the earlier optima are then fixed block by block, by sparse rows, instead
of by one dense row across the country (which ties every block to every other one and costs
the solver dearly). Small blocks are solved together in batches (block-diagonal models), each
keeping its own fixing rows. With a budget everything is one block.

Integer data: every objective has integer coefficients (persons, VND, metres), so an optimum
is fixed as ``≤ value + 0.5`` and HiGHS is asked for an absolute gap below 0.5.

**LP first.** Each stage of a batch first solves the LP relaxation (about ten times faster than
the MIP here). A block whose LP optimum is integral is proven optimal by it (the LP is a
relaxation and the blocks are independent); only the blocks left fractional go on to the MIP.

**Processes.** Batches are independent, so they are solved by `WORKERS` forked processes
(HiGHS holds the GIL through OR-Tools' model builder: threads do not help), sharing one deadline.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["solve_lexicographic", "blocks_of", "BATCH_VARIABLES", "WORKERS", "Refused"]

#: blocks are put together into batches of about this many variables (measured on a province:
#: 1,500 beats 300, 6,000 and 40,000 — HiGHS's time grows faster than the model)
BATCH_VARIABLES = 1500
#: consecutive stages solved as one, with a weight proven safe block by block (see `_merged`)
MERGE = (("end_surplus", "shortage_years"), ("persons_acted", "total_metres"))
#: a merged objective must stay well inside a double's exact integers
MAX_EXACT = 2.0 ** 50
#: solver log on stdout (for measurements)
VERBOSE = False
#: extra HiGHS options (one "name=value" a line)
#: presolve off: HiGHS 1.12's presolve took most of the time on these models (measured)
HIGHS_OPTIONS = "presolve=off"
#: worker processes for the batches (1: solve in this process)
WORKERS = max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)))
#: a value this close to an integer is that integer (HiGHS's MIP feasibility tolerance)
INTEGRAL = 1e-6
#: a row is kept by a rounded LP point within INTEGRAL + this × |activity| of its bounds
ROW_TOLERANCE = 1e-9


def blocks_of(A: sp.csr_matrix, coupling_rows: np.ndarray) -> list[np.ndarray]:
    """The variables of each independent block (connected component of the rows that are not
    `coupling_rows`); one block of everything if a coupling row exists."""
    m, n = A.shape
    if len(coupling_rows):
        return [np.arange(n)]
    G = sp.bmat([[None, A], [A.T, None]]).tocsr()
    _, label = connected_components(G, directed=False)
    var_label = label[m:]
    order = np.argsort(var_label, kind="stable")
    cuts = np.flatnonzero(np.diff(var_label[order])) + 1
    return np.split(order, cuts)


def _batches(blocks: list[np.ndarray], limit: int) -> list[list[np.ndarray]]:
    out, cur, size = [], [], 0
    for b in sorted(blocks, key=len):
        if cur and size + len(b) > limit:
            out.append(cur)
            cur, size = [], 0
        cur.append(b)
        size += len(b)
    if cur:
        out.append(cur)
    return out


def _merged(first, second, ub, which, nblocks):
    """W_b · first + second on each block b, with W_b = 1 + the largest value `second` can take
    on block b (Σ coefficient × upper bound; every coefficient and variable is ≥ 0). Then any
    solution better in `first` on a block is better in the sum whatever `second` does, so the
    minimum of the sum is the lexicographic minimum (first, then second), block by block.
    None when a weight would leave the exact integers of a double."""
    if not np.isfinite(ub[second > 0]).all() or not np.isfinite(ub[first > 0]).all():
        return None
    w = 1.0 + np.bincount(which, weights=second * np.where(second > 0, ub, 0), minlength=nblocks)
    top = np.bincount(which, weights=first * np.where(first > 0, ub, 0), minlength=nblocks)
    if (w * (top + 1)).max(initial=0) > MAX_EXACT:
        return None
    return w[which] * first + second


def _solve_one(A, lb, ub, integer, rlb, rub, c, time_limit, solver):
    """One model: returns (status, x, bound) with status "optimal", "feasible" or "unknown"."""
    from ortools.linear_solver.python import model_builder as mb

    model = mb.Model()
    h = model.helper
    h.fill_model_from_sparse_data(lb, ub, c, rlb, rub, A)
    for i in np.flatnonzero(integer):
        h.set_var_integrality(int(i), True)
    s = mb.Solver(solver)
    s.enable_output(VERBOSE)
    if solver == "highs":
        s.set_solver_specific_parameters(f"mip_rel_gap=0\nmip_abs_gap=0.5\noutput_flag={str(VERBOSE).lower()}\n"
                                         + HIGHS_OPTIONS)
    if time_limit is not None:
        s.set_time_limit_in_seconds(max(1.0, float(time_limit)))
    st = s.solve(model)
    if st in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        return ("optimal" if st == mb.SolveStatus.OPTIMAL else "feasible",
                s.values(model.get_variables()).to_numpy(), float(s.best_objective_bound))
    if st in (mb.SolveStatus.NOT_SOLVED, mb.SolveStatus.UNKNOWN_STATUS):
        return "unknown", None, None
    raise Refused(f"the roadmap MIP ended with status {st.name}")


class Refused(RuntimeError):
    """HiGHS found a stage infeasible although the previous stage's solution satisfies it in
    exact arithmetic (the optima are fixed with half a unit to spare): a numerical refusal."""


def _solve_stage(A, lb, ub, integer, rlb, rub, c, which, time_limit, solver, lp_first=True):
    """One stage of one batch, LP first: (status, x, bound, mip_solves).

    The LP relaxation is solved on the whole batch; the blocks (``which``: block of each column)
    whose LP solution is integral keep it — optimal, since the LP bound is reached by an integral
    point — and only the others are solved as a MIP."""
    t0 = time.perf_counter()
    if not lp_first:
        return _solve_one(A, lb, ub, integer, rlb, rub, c, time_limit, solver) + (1,)
    st, x, bound = _solve_one(A, lb, ub, np.zeros(len(lb), bool), rlb, rub, c, time_limit, solver)
    if st != "optimal":
        return _solve_one(A, lb, ub, integer, rlb, rub, c, _left(time_limit, t0), solver) + (1,)
    frac = integer & (np.abs(x - np.rint(x)) > INTEGRAL)
    x = np.where(integer, np.rint(x), x)
    # a block whose rounded point breaks a row (a large coefficient times a value rounded by up to
    # INTEGRAL) is not proven by its LP: it goes to the MIP with the fractional ones
    act = A @ x
    slack = INTEGRAL + ROW_TOLERANCE * np.abs(act)
    bad_rows = np.flatnonzero((act < rlb - slack) | (act > rub + slack))
    bad = np.zeros(len(x), bool)
    bad[frac] = True
    if len(bad_rows):
        bad[A[bad_rows].indices] = True
    if not bad.any():
        return "optimal", x, float(c @ x), 0
    cols = np.isin(which, np.unique(which[bad]))
    sub = A.tocsc()[:, cols].tocsr()
    rows = np.flatnonzero(np.diff(sub.indptr))
    st, xm, bm = _solve_one(sub[rows], lb[cols], ub[cols], integer[cols], rlb[rows], rub[rows], c[cols],
                            _left(time_limit, t0), solver)
    if st == "unknown":
        return "unknown", None, None, 1
    x[cols] = xm
    return st, x, float(c[~cols] @ x[~cols]) + bm, 1


def _left(time_limit, t0):
    return None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))


def _solve_batch(task):
    """Every stage of one batch (independent blocks), each block fixed at its own optimum before
    the next stage. Returns (x, per-stage bound/seconds/solves, stopped_at, solved_again), where
    `solved_again` says whether the batch had to be solved again with MIPs only (see below).

    LP first; should a later stage find the optima fixed from LP solutions infeasible for the
    MIP (a point integral within the LP's tolerances that the MIP's stricter ones refuse), the
    batch is solved again with MIPs only.

    Should HiGHS refuse a stage even then (numerically: a cost row of ~1e10 VND fixed to within
    half a dong), the batch keeps its previous stage's solution, stops there as `feasible`, and
    adds a bound that is valid whatever the earlier stages: the stage's LP without their rows."""
    try:
        return (*_solve_batch_with(task, lp_first=True), False)
    except Refused:
        pass
    try:
        x, per_stage, stopped_at = _solve_batch_with(task, lp_first=False)
    except Refused:
        x, per_stage, stopped_at = _solve_batch_with(task, lp_first=False, tolerate=True)
    return x, per_stage, stopped_at, True


def _solve_batch_with(task, lp_first, tolerate=False):
    sub, lb, ub, integer, rlb, rub, objs, which, nblocks, deadline, solver = task
    names = list(objs)
    per_stage = {k: {"bound": 0.0, "seconds": 0.0, "solves": 0, "mips": 0, "refused": 0} for k in names}
    x, fixed, stopped_at = None, [], None
    stage_list, merged_into = [], {}
    for k in names:
        pair = next((m for m in MERGE if m[0] == k and m[1] in objs), None)
        if pair is not None:
            c = _merged(objs[pair[0]], objs[pair[1]], ub, which, nblocks)
            if c is not None:
                stage_list.append((pair, c))
                merged_into[pair[1]] = True
                continue
        if k not in merged_into:
            stage_list.append(((k,), objs[k]))
    for group, c in stage_list:
        if x is not None and not c.any():
            continue           # nothing to choose: the previous stage's solution stands
        left = None if deadline is None else deadline - time.time()
        if left is not None and left <= 0:
            stopped_at = group[0]
            break
        AA = sp.vstack([sub, *[f[0] for f in fixed]], format="csr") if fixed else sub
        hi = np.concatenate([rub, *[f[1] for f in fixed]]) if fixed else rub
        lo = np.concatenate([rlb, *[np.full(len(f[1]), -np.inf) for f in fixed]]) if fixed else rlb
        t = time.perf_counter()
        try:
            st, val, bound, mips = _solve_stage(AA, lb, ub, integer, lo, hi, c, which, left, solver, lp_first)
        except Refused:
            if not tolerate:
                raise
            x = np.zeros(len(lb)) if x is None else x         # no action is always allowed
            if len(group) == 1:
                # the stage's LP without the earlier stages' rows bounds it whatever they hold; if
                # even that fails, 0 (every objective's coefficients and variables are ≥ 0)
                lp_bound = 0.0
                try:
                    left = None if deadline is None else deadline - time.time()
                    st_l, xl, _ = _solve_one(sub, lb, ub, np.zeros(len(lb), bool), rlb, rub, c,
                                             None if left is None else max(1.0, left), solver)
                    if st_l == "optimal":
                        lp_bound = float(c @ xl)
                except Refused:
                    pass
                per_stage[group[0]]["bound"] += min(lp_bound, float(c @ np.rint(x)))
            per_stage[group[0]]["refused"] = per_stage[group[0]].get("refused", 0) + 1
            stopped_at = group[0]
            break
        for k in group:
            per_stage[k]["seconds"] += (time.perf_counter() - t) / len(group)
            per_stage[k]["solves"] += 1
            per_stage[k]["mips"] += mips
        if st == "unknown":
            stopped_at = group[0]
            break
        x = val
        xr = np.rint(x)
        if st == "optimal":
            for k in group:      # a merged optimum is optimal in each of its parts, in order
                per_stage[k]["bound"] += float(objs[k] @ xr)
        else:
            if len(group) == 1:  # proven bounds add up over batches (a batch not solved adds 0)
                per_stage[group[0]]["bound"] += min(bound, float(c @ xr))
            stopped_at = group[0]
            break
        # fix each block of the batch at its own optimum
        per_block = np.bincount(which, weights=c * xr, minlength=nblocks)
        F = sp.csr_matrix((c, (which, np.arange(len(c)))), shape=(nblocks, len(c)))
        keep = np.flatnonzero(np.diff(F.indptr))
        fixed.append((F[keep], per_block[keep] + 0.5))
    if x is None:
        # out of time before this batch had a plan: no action at all (always allowed); the
        # caller derives the counts, shortages and surpluses from the actions (`x` is 0 here)
        x = np.zeros(len(lb))
    elif stopped_at is None:
        # stages skipped because this batch had nothing to choose: proven as they stand
        for k in names:
            if not objs[k].any():
                per_stage[k]["bound"] += float(objs[k] @ np.rint(x))
    return x, per_stage, stopped_at


def _tasks(A, lb, ub, integer, rlb, rub, objectives, batches, deadline, solver):
    Acsc = A.tocsc()
    for batch in batches:
        cols = np.concatenate(batch)
        sub = Acsc[:, cols].tocsr()
        rows = np.flatnonzero(np.diff(sub.indptr))
        which = np.repeat(np.arange(len(batch)), [len(b) for b in batch])   # block of each column
        yield (sub[rows], lb[cols], ub[cols], integer[cols], rlb[rows], rub[rows],
               {k: v[cols] for k, v in objectives.items()}, which, len(batch), deadline, solver)


def solve_lexicographic(A, lb, ub, integer, rlb, rub, objectives: dict, consts: dict, *,
                        coupling_rows=(), time_limit: float | None = None, solver: str = "highs",
                        progress=None, workers: int | None = None):
    """Returns (solution, status, values, bounds, gaps, stages, seconds, n_blocks).

    `objectives`: name → dense cost vector over the variables, in lexicographic order;
    `consts`: name → constant added to that component.
    """
    say = progress or (lambda s: None)
    t_all = time.perf_counter()
    deadline = None if time_limit is None else time.time() + float(time_limit)
    A = sp.csr_matrix(A)
    m, n = A.shape
    names = list(objectives)
    sol = np.zeros(n)
    coupling_rows = np.asarray(coupling_rows, dtype=np.int64)
    blocks = blocks_of(A, coupling_rows) if n else []
    # largest first: the workers then finish together (longest-processing-time-first scheduling)
    batches = sorted(_batches(blocks, BATCH_VARIABLES), key=lambda b: -sum(map(len, b)))
    status = "optimal"
    per_stage = {k: {"bound": consts[k], "seconds": 0.0, "solves": 0, "mips": 0, "refused": 0} for k in names}
    solved_again = 0            # batches solved again with MIPs only (`_solve_batch`)
    tasks = _tasks(A, lb, ub, integer, rlb, rub, objectives, batches, deadline, solver)
    workers = min(WORKERS if workers is None else workers, len(batches))
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        results = pool.map(_solve_batch, tasks)
    else:
        pool, results = None, map(_solve_batch, tasks)
    try:
        for bi, (batch, (x, stage_info, stopped_at, again)) in enumerate(zip(batches, results)):
            say(f"block batch {bi + 1}/{len(batches)}")
            sol[np.concatenate(batch)] = x
            solved_again += again
            for k in names:
                for key in ("bound", "seconds", "solves", "mips", "refused"):
                    per_stage[k][key] += stage_info[k][key]
            if stopped_at is not None:
                status = "feasible"
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    values, bounds, gaps, stages = {}, {}, {}, []
    for k in names:
        v = float(objectives[k] @ np.rint(sol)) + consts[k]
        b = min(per_stage[k]["bound"], v)
        values[k], bounds[k] = v, b
        gaps[k] = (v - b) / max(1.0, abs(v))
        stages.append({"component": k, "status": "optimal" if v - b < 0.5 else "feasible", "value": v, "bound": b,
                       "gap": gaps[k], "seconds": round(per_stage[k]["seconds"], 3),
                       "solves": per_stage[k]["solves"], "mip_solves": per_stage[k]["mips"],
                       # a batch is solved again as a whole: counted once, on the first stage
                       "batches_solved_again_by_mip": solved_again if k == names[0] else 0,
                       "batches_refused_numerically": per_stage[k]["refused"]})
    return sol, status, values, bounds, gaps, stages, time.perf_counter() - t_all, len(blocks)
