"""The assignment model: GLOP on the square assignment LP, its dual certificate, and the
secondary rule applied combinatorially on the tight graph (see `optimizer.officers.posting`)."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp


from optimizer.officers.inputs import FLOAT_REL_TOL

def max_matching(adj_row: list[list[int]], n_cols: int) -> list[int]:
    """Maximum bipartite matching (Kuhn): returns match_col[c] = row or -1."""
    match_col = [-1] * n_cols

    def try_row(r: int, seen: list[bool]) -> bool:
        for c in adj_row[r]:
            if not seen[c]:
                seen[c] = True
                if match_col[c] < 0 or try_row(match_col[c], seen):
                    match_col[c] = r
                    return True
        return False

    for r in range(len(adj_row)):
        try_row(r, [False] * n_cols)
    return match_col


def hall_set(adj_col: list[list[int]], match_col: list[int], start: int) -> tuple[list[int], list[int]]:
    """Columns reachable from the unmatched column `start` by alternating paths, and their rows.

    With a maximum matching, the rows are all matched into the columns (but `start`), so
    |rows| = |cols| − 1 < |cols|: Hall's condition fails for exactly this column set."""
    row_of = {c: r for c, r in enumerate(match_col) if r >= 0}
    col_of_row = {r: c for c, r in row_of.items()}
    cols, rows = {start}, set()
    queue = deque([start])
    while queue:
        c = queue.popleft()
        for r in adj_col[c]:
            if r not in rows:
                rows.add(r)
                c2 = col_of_row.get(r)
                if c2 is not None and c2 not in cols:
                    cols.add(c2)
                    queue.append(c2)
    return sorted(cols), sorted(rows)


def lexicographic_matching(adj_col: list[list[int]], adj_row: list[list[int]],
                            match_col: list[int], col_order: list[int],
                            row_rank: list[int]) -> list[int]:
    """The perfect matching that gives each column, in `col_order`, the best-ranked row possible.

    `match_col` is a perfect matching of the graph (changed in place and returned). Taking
    row r for column c is possible iff, after fixing (r, c), the rows/columns freed (c's old
    row r0 and r's old column c2) can be joined by an augmenting path avoiding fixed vertices.
    """
    n = len(match_col)
    match_row = [-1] * n
    for c, r in enumerate(match_col):
        match_row[r] = c
    fixed_col = [False] * n
    for c in col_order:
        for r in sorted(adj_col[c], key=row_rank.__getitem__):
            if match_row[r] < 0 or fixed_col[match_row[r]]:
                continue
            if match_col[c] == r:
                break
            r0, c2 = match_col[c], match_row[r]
            # BFS over rows from r0 towards the column c2 (which r is about to leave)
            parent: dict[int, int] = {}    # column → the row it was reached from
            seen_rows = {r0}
            queue = deque([r0])
            found = False
            while queue and not found:
                x = queue.popleft()
                for y in adj_row[x]:
                    if y == c or fixed_col[y] or y in parent:
                        continue
                    parent[y] = x
                    if y == c2:
                        found = True
                        break
                    nxt = match_col[y]
                    if nxt not in seen_rows:
                        seen_rows.add(nxt)
                        queue.append(nxt)
            if not found:
                continue
            # flip the path: walk back from c2
            y = c2
            while True:
                x = parent[y]
                prev = match_row[x] if x != r0 else None
                match_col[y], match_row[x] = x, y
                if x == r0:
                    break
                y = prev
            match_col[c], match_row[r] = r, c
            break
        fixed_col[c] = True
    return match_col


# --------------------------------------------------------------------------- the model

@dataclass
class Solution:
    match_col: list[int]          # column → row
    value: float                  # total score (float)
    value_exact: int | None       # total × 10^decimals when the certificate is exact
    gap: float                    # proved bound on the distance to the optimum (0 when exact)


class SquareModel:
    """Square assignment LP over the allowed pairs (rows: officers, columns: provinces and
    dummies), built once in GLOP; a ban is an upper bound of 0 for one solve.

    Exact mode (`w_int` given): the LP objective is the integer matrix. Float mode: the
    objective is W / S with S = max(1, max W), coefficients below 1e-12 dropped (GLOP fails on
    such specks), and GLOP's feasibility tolerances tightened to 1e-12; the certified gap then
    accounts for both."""

    _TIGHT_PARAMS = "dual_feasibility_tolerance:1e-12 primal_feasibility_tolerance:1e-12"

    def __init__(self, w: np.ndarray, w_int: np.ndarray | None, allowed: np.ndarray,
                 col_order: list[int], row_rank: list[int], scale: int = 1):
        self.n = n = w.shape[0]
        self.scale = scale                 # w_int = w · scale (10^decimals)
        assert w.shape == (n, n) and allowed.shape == (n, n)
        self.w, self.w_int, self.allowed = w, w_int, allowed
        self.col_order, self.row_rank = col_order, row_rank
        self.ei, self.ej = np.nonzero(allowed)
        self.edge_of = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(self.ei, self.ej))}
        s = pywraplp.Solver.CreateSolver("GLOP")
        self.solver = s
        if w_int is not None:
            lp_c = w_int.astype(float)
            self.unit, self.dropped = 1.0, 0.0
        else:
            self.unit = max(1.0, float(w.max()) if w.size else 1.0)
            lp_c = w / self.unit
            self.dropped = 1e-12 if ((lp_c > 0) & (lp_c < 1e-12)).any() else 0.0
            lp_c[lp_c < 1e-12] = 0.0
            s.SetSolverSpecificParametersAsString(self._TIGHT_PARAMS)
        self.lp_c = lp_c
        # no upper bound 1: it is implied by the equalities, and a bound would carry its own dual
        # (a variable could sit at 1 with a non-zero reduced cost) and spoil the certificate
        self.x = [s.NumVar(0.0, s.infinity(), "") for _ in range(len(self.ei))]
        self.rows = [s.Constraint(1.0, 1.0) for _ in range(n)]
        self.cols = [s.Constraint(1.0, 1.0) for _ in range(n)]
        obj = s.Objective()
        for k, (i, j) in enumerate(zip(self.ei.tolist(), self.ej.tolist())):
            v = self.x[k]
            self.rows[i].SetCoefficient(v, 1.0)
            self.cols[j].SetCoefficient(v, 1.0)
            obj.SetCoefficient(v, float(lp_c[i, j]))
        obj.SetMaximization()

    def solve(self, banned: list[tuple[int, int]] = (), value_only: bool = False) -> Solution | None:
        """The optimal posting under the secondary rule, or None if the bans make it infeasible.

        `value_only`: just the certified optimal value (`match_col` is then empty)."""
        ban = [self.edge_of[b] for b in banned if b in self.edge_of]
        for k in ban:
            self.x[k].SetUb(0.0)
        try:
            status = self.solver.Solve()
            if status == pywraplp.Solver.INFEASIBLE:
                return None
            if status != pywraplp.Solver.OPTIMAL:
                raise RuntimeError(f"GLOP ended with status {status} on an assignment LP")
            u = np.array([c.dual_value() for c in self.rows])
            v = np.array([c.dual_value() for c in self.cols])
            live = np.ones(len(self.ei), dtype=bool)
            live[ban] = False
            ei, ej = self.ei[live], self.ej[live]
            idx = np.flatnonzero(live)
            tight, dual_int, gap = self._certificate(ei, ej, u, v)
            if value_only:
                if dual_int is not None:
                    value_exact = int(dual_int)
                    value = value_exact / float(self.scale)
                else:
                    value_exact, value = None, float(self.solver.Objective().Value()) * self.unit
                return Solution(match_col=[], value=value, value_exact=value_exact, gap=gap)
            x_tight = [self.x[k].solution_value() for k in idx[tight]]
        finally:
            for k in ban:
                self.x[k].SetUb(self.solver.infinity())
        ti, tj = ei[tight].tolist(), ej[tight].tolist()
        n = self.n
        adj_col: list[list[int]] = [[] for _ in range(n)]
        adj_row: list[list[int]] = [[] for _ in range(n)]
        for i, j in zip(ti, tj):
            adj_col[j].append(i)
            adj_row[i].append(j)
        # start from the LP's integral vertex, completed on the tight graph if needed
        start = [-1] * n
        used = set()
        for i, j, xv in zip(ti, tj, x_tight):
            if xv > 0.5 and start[j] < 0 and i not in used:
                start[j] = i
                used.add(i)
        if min(start) < 0:
            start = max_matching(adj_row, n)
            if min(start) < 0:
                raise RuntimeError("internal: the optimal face of the assignment LP has no perfect matching")
        match_col = lexicographic_matching(adj_col, adj_row, start, self.col_order, self.row_rank)
        rows, cols = np.array(match_col), np.arange(n)
        value = float(self.w[rows, cols].sum())
        value_exact = None
        if dual_int is not None:
            value_exact = int(self.w_int[rows, cols].sum())
            if value_exact != dual_int:      # cannot happen: tight pairs sum to the dual objective
                raise RuntimeError("internal: the integer certificate does not close")
        return Solution(match_col=match_col, value=value, value_exact=value_exact, gap=gap)

    def _certificate(self, ei, ej, u, v):
        """The tight pairs (zero reduced cost r = c − u − v), the exact dual objective when the
        rounded duals prove optimality in integers (else None), and the proved gap (true units).

        Exact: all r ≤ 0 in integers, so every posting is worth ≤ Σu + Σv, and a perfect matching
        on r == 0 pairs is worth exactly that. Float: tight ⇔ r ≥ −τ; a posting on tight pairs is
        worth ≥ Σu + Σv − Nτ, any posting ≤ Σu + Σv + N·max(r, 0); plus the dropped specks."""
        if self.w_int is not None:
            ui, vi = np.rint(u).astype(np.int64), np.rint(v).astype(np.int64)
            r = self.w_int[ei, ej] - ui[ei] - vi[ej]
            if r.size and (r <= 0).all():
                return r == 0, int(ui.sum() + vi.sum()), 0.0
        r = self.lp_c[ei, ej] - u[ei] - v[ej]
        size = max(1.0, float(np.abs(self.lp_c).max()) if self.lp_c.size else 1.0)
        tau = FLOAT_REL_TOL * size / (4 * self.n)
        over = max(0.0, float(r.max())) if r.size else 0.0
        gap = self.n * (tau + over + self.dropped) * self.unit
        return r >= -tau, None, gap


# --------------------------------------------------------------------------- the public function
