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
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["solve_lexicographic", "blocks_of", "BATCH_VARIABLES"]

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
    raise RuntimeError(f"the roadmap MIP ended with status {st.name}")


def solve_lexicographic(A, lb, ub, integer, rlb, rub, objectives: dict, consts: dict, *,
                        coupling_rows=(), time_limit: float | None = None, solver: str = "highs",
                        progress=None):
    """Returns (solution, status, values, bounds, gaps, stages, seconds, n_blocks).

    `objectives`: name → dense cost vector over the variables, in lexicographic order;
    `consts`: name → constant added to that component.
    """
    say = progress or (lambda s: None)
    t_all = time.perf_counter()
    A = sp.csr_matrix(A)
    m, n = A.shape
    names = list(objectives)
    sol = np.zeros(n)
    coupling_rows = np.asarray(coupling_rows, dtype=np.int64)
    blocks = blocks_of(A, coupling_rows) if n else []
    batches = _batches(blocks, BATCH_VARIABLES)
    Acsc = A.tocsc()
    status = "optimal"
    per_stage = {k: {"bound": consts[k], "seconds": 0.0, "solves": 0} for k in names}
    stopped_at = None
    for bi, batch in enumerate(batches):
        say(f"block batch {bi + 1}/{len(batches)}")
        cols = np.concatenate(batch)
        sub = Acsc[:, cols].tocsr()
        rows = np.flatnonzero(np.diff(sub.indptr))
        sub = sub[rows]
        which = np.repeat(np.arange(len(batch)), [len(b) for b in batch])   # block of each column
        x = None
        fixed = []      # (matrix rows, upper bounds) of the earlier stages
        stage_list, merged_into = [], {}
        for k in names:
            pair = next((m for m in MERGE if m[0] == k and m[1] in objectives), None)
            if pair is not None:
                c = _merged(objectives[pair[0]][cols], objectives[pair[1]][cols], ub[cols], which, len(batch))
                if c is not None:
                    stage_list.append((pair, c))
                    merged_into[pair[1]] = True
                    continue
            if k not in merged_into:
                stage_list.append(((k,), objectives[k][cols]))
        for group, c in stage_list:
            if stopped_at is not None:
                break
            if x is not None and not c.any():
                continue           # nothing to choose: the previous stage's solution stands
            left = None if time_limit is None else time_limit - (time.perf_counter() - t_all)
            if left is not None and left <= 0:
                stopped_at = group[0]
                break
            AA = sp.vstack([sub, *[f[0] for f in fixed]], format="csr") if fixed else sub
            hi = np.concatenate([rub[rows], *[f[1] for f in fixed]]) if fixed else rub[rows]
            lo = np.concatenate([rlb[rows], *[np.full(len(f[1]), -np.inf) for f in fixed]]) if fixed else rlb[rows]
            t = time.perf_counter()
            st, val, bound = _solve_one(AA, lb[cols], ub[cols], integer[cols], lo, hi, c, left, solver)
            for k in group:
                per_stage[k]["seconds"] += (time.perf_counter() - t) / len(group)
                per_stage[k]["solves"] += 1
            if st == "unknown":
                stopped_at = group[0]
                break
            x = val
            xr = np.rint(x)
            if st == "optimal":
                for k in group:      # a merged optimum is optimal in each of its parts, in order
                    per_stage[k]["bound"] += float(objectives[k][cols] @ xr)
            else:
                if len(group) == 1:  # proven bounds add up over batches (a batch not solved adds 0)
                    per_stage[group[0]]["bound"] += min(bound, float(c @ xr))
                stopped_at = group[0]
                break
            # fix each block of the batch at its own optimum
            per_block = np.bincount(which, weights=c * xr, minlength=len(batch))
            F = sp.csr_matrix((c, (which, np.arange(len(cols)))), shape=(len(batch), len(cols)))
            keep = np.flatnonzero(np.diff(F.indptr))
            fixed.append((F[keep], per_block[keep] + 0.5))
        if x is None:
            # out of time before this batch had a plan: no action at all (always allowed); the
            # caller derives the counts, shortages and surpluses from the actions (`x` is 0 here)
            x = np.zeros(len(cols))
        elif stopped_at is None:
            # stages skipped because this batch had nothing to choose: proven as they stand
            for k in names:
                if not objectives[k][cols].any():
                    per_stage[k]["bound"] += float(objectives[k][cols] @ np.rint(x))
        sol[cols] = x
        if stopped_at is not None:
            status = "feasible"
    values, bounds, gaps, stages = {}, {}, {}, []
    for k in names:
        v = float(objectives[k] @ np.rint(sol)) + consts[k]
        b = min(per_stage[k]["bound"], v)
        values[k], bounds[k] = v, b
        gaps[k] = (v - b) / max(1.0, abs(v))
        stages.append({"component": k, "status": "optimal" if v - b < 0.5 else "feasible", "value": v, "bound": b, "gap": gaps[k],
                       "seconds": round(per_stage[k]["seconds"], 3), "solves": per_stage[k]["solves"]})
    return sol, status, values, bounds, gaps, stages, time.perf_counter() - t_all, len(blocks)
