"""Posting the Ministry's support officers, one to each province — optimal and explained.

    post_officers(ds, *, allow_home_province=False, province_priority=None) -> Postings
    write_postings(postings, out_dir, note="") -> [postings.csv, postings.xlsx]

The rules (docs/contract.md §3, docs/domain.md "The 34 support officers"), each in one place below:

* **One officer per province** (`SquareModel`): every row of `ds.provinces` gets exactly one
  officer, every officer goes to at most one province. More officers than provinces: the extra
  ones stay unposted (`Postings.unposted`, with the score their posting would cost). Fewer
  officers than provinces: `PostingError` naming the provinces that would go without.
* **Home-province rule** (`_allowed_pairs`): an officer is never posted to their home province
  unless ``allow_home_province``. When the rule makes a posting impossible, `PostingError`
  says so and names the provinces that cannot be covered (a Hall set, `_hall_set`).
* **Match score** (`_score_matrix`): Σ over postings of Σ_{area ∈ expertise(officer)}
  weight(province, area); expertise is the `;`-separated text, stripped, empties dropped,
  duplicates counted once. This is maximised.
* **Secondary rule** (`SECONDARY_RULE`, `_lexicographic_matching`): among postings with the
  best score, provinces in order of priority (larger first, ties by `province_code`) each
  receive the most senior officer still possible (ties by `officer_id`). Priority is
  ``province_priority`` when a caller gives one; by default (`staffing solve` and
  `staffing officers` alike, so both post the same officers) the province's shortage before
  any plan, Σ max(0, quota − staff) over its (unit, position) pairs, when the dataset has its
  roster (quotas), else the number of communes (units) of the province. Officers left unposted are
  therefore, among equal scores, the least senior ones.

**Why the result is exact.** Posting is an assignment problem. With a dummy "unposted" column
per surplus officer (weight 0) it becomes a square assignment LP whose constraint matrix is
totally unimodular, so GLOP's simplex returns an integral vertex, and LP duality gives a
certificate: dual values u (officers), v (columns) with reduced costs
r = W − u − v ≤ 0 on every allowed pair. A posting is optimal **iff** it uses only pairs with
r = 0 (complementary slackness, all constraints being equalities), whatever optimal dual is
used. So the set of all optimal postings is the set of perfect matchings of the "tight" graph,
and the secondary rule is applied exactly and combinatorially on that graph: a greedy choice,
province by province, each step checked by an augmenting-path search (Berge) — no weighting,
no second LP with a side constraint (which would break integrality).

The weights are floats. When every weight is a decimal with at most 9 places (as typed in the
CSV: the shortest repr of the float) and the scaled sums stay below 2^40, weights are scaled by
10^d to integers *exactly* (via `decimal`); the duals are then integers, are rounded and the
certificate (primal value = Σu + Σv, all r ≤ 0, tight ⇔ r == 0) is checked in integer
arithmetic — optimality is proved, not assumed (`Postings.exactness` starts with "exact").
Otherwise (weights such as 1/3 or 1e-20) the LP objective is W / S, S = max(1, largest pair
score), with specks below 1e-12 dropped and GLOP's tolerances tightened to 1e-12, and the same
certificate is checked in floating point: tight ⇔ r ≥ −τ with τ = 1e-9 / (4N), so postings
within about 1e-9·S of each other count as equal; the proved distance to the optimum,
N·(τ + max(r, 0) + dropped)·S, is reported in `Postings.exactness` (typically ~3e-10·S).

**Explanations.** Each posting lists the province's needs the officer covers and those left
uncovered, and the province's best alternative: the posting is re-solved with that
officer–province pair banned (the same exact pipeline) and the officer the rules then send to
the province is reported with the loss in total score. One re-solve per province, each a
bound change on the same GLOP model (a few milliseconds at 34×34; the national posting with
its 34 alternatives takes about 0.12 s). Each unposted officer gets one more re-solve (their
pairs with the "unposted" slots banned) for the score their posting would cost.

Determinism: provinces and officers are sorted by code before the model is built and the
secondary rule leaves no ties (codes decide last), so the same dataset gives the same postings
whatever the row order of its tables.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.dataset import Dataset

from optimizer.officers.assignment import SquareModel, max_matching
from optimizer.officers.explain import loss as score_loss, posting_tables, raise_home_rule, raise_too_few, unposted_reason
from optimizer.officers.inputs import (EXPLANATION_COLUMNS, POSTINGS_COLUMNS, UNPOSTED_COLUMNS, PostingError,
                                       parse_expertise, prepare)

__all__ = ["POSTINGS_COLUMNS", "UNPOSTED_COLUMNS", "EXPLANATION_COLUMNS", "SECONDARY_RULE",
           "PostingError", "Postings", "post_officers", "parse_expertise"]


SECONDARY_RULE = (
    "Trong các phương án có cùng tổng điểm phù hợp cao nhất: lần lượt từng tỉnh theo mức ưu tiên "
    "giảm dần ({basis}; bằng nhau thì theo mã tỉnh) nhận cán bộ có thâm niên cao nhất còn có thể "
    "(bằng nhau thì theo mã cán bộ); cán bộ không được cử là người ít thâm niên hơn."
)


@dataclass(frozen=True, eq=False)
class Postings:
    """The optimal posting of the support officers and why.

    `table`: one row per province (POSTINGS_COLUMNS), sorted by `province_code`.
    `unposted`: officers left without a province (UNPOSTED_COLUMNS), sorted by `officer_id`.
    `explanations`: one row per (province, need) with `covered` True/False.
    """
    table: pd.DataFrame
    total_score: float
    status: str
    unposted: pd.DataFrame
    solve_seconds: float
    secondary_rule: str
    exactness: str = ""
    allow_home_province: bool = False
    explanations: pd.DataFrame | None = None

    def summary(self) -> dict:
        """JSON-ready figures (for a plan's summary)."""
        return {"status": self.status, "total_score": float(self.total_score),
                "posted": int(len(self.table)), "unposted": int(len(self.unposted)),
                "unposted_officers": [str(x) for x in self.unposted["officer_id"]],
                "allow_home_province": bool(self.allow_home_province),
                "secondary_rule": self.secondary_rule, "exactness": self.exactness,
                "solve_seconds": float(self.solve_seconds)}


def post_officers(ds: Dataset, *, allow_home_province: bool = False,
                  province_priority: pd.Series | None = None,
                  province_shortage: pd.Series | None = None) -> Postings:
    """Post the support officers one to each province, maximising the total match score.

    Parameters
    ----------
    ds : the dataset; needs `officers` and `province_needs` (else `PostingError`).
    allow_home_province : allow posting an officer to their home province.
    province_priority : per `province_code` (index, text), the planner's priority for the
        secondary rule. Codes absent from the series count 0 (no shortage); a code that is not a
        province raises ValueError. None (the default, and what both commands use): the
        province's shortage before any plan when the dataset has quotas, else its number of
        communes (units).
    province_shortage : the same, under the name DESIGN.md uses; give one or the other.

    Returns `Postings` (status "optimal"). Raises `PostingError` when no posting exists:
    fewer officers than provinces (naming the provinces the best partial posting leaves
    without), or the home-province rule leaves a province set with too few eligible officers.

    Exactness and the secondary rule: see the module docstring. In short, the best score is
    found by GLOP on the (totally unimodular) assignment LP and proved optimal by its dual;
    the set of *all* optimal postings is the perfect matchings of the zero-reduced-cost graph,
    on which the secondary rule picks exactly one, combinatorially — a lexicographic optimum
    with no weighting and no float tolerance in the secondary level.
    """
    t0 = time.perf_counter()
    if province_shortage is not None:
        if province_priority is not None:
            raise TypeError("give province_priority or province_shortage, not both")
        province_priority = province_shortage
    inst = prepare(ds, allow_home_province, province_priority)
    m, n = len(inst.off), len(inst.prov)
    names = dict(zip(inst.prov["province_code"], inst.prov["name"]))
    codes = inst.prov["province_code"].tolist()
    # province order for the secondary rule: priority desc, then code; officers: seniority desc, then id
    col_order_real = sorted(range(n), key=lambda j: (-inst.prov["priority"].iat[j], codes[j]))
    row_rank_real = [0] * m
    for rank, i in enumerate(sorted(range(m), key=lambda i: (-int(inst.off["seniority"].iat[i]),
                                                              inst.off["officer_id"].iat[i]))):
        row_rank_real[i] = rank

    if m < n:
        raise_too_few(inst, names, codes, col_order_real, row_rank_real)

    # feasibility under the home-province rule (Hall's condition), with a named culprit
    adj_row = [np.flatnonzero(inst.allowed[i]).tolist() for i in range(m)]
    match = max_matching(adj_row, n)
    if min(match) < 0:
        raise_home_rule(inst, names, codes, match)

    # square model: columns = provinces + (m − n) "unposted" slots of weight 0 open to everyone
    N = m
    w = np.zeros((N, N))
    w[:, :n] = inst.weight
    w_int = None
    if inst.weight_int is not None:
        w_int = np.zeros((N, N), dtype=np.int64)
        w_int[:, :n] = inst.weight_int
    allowed = np.ones((N, N), dtype=bool)
    allowed[:, :n] = inst.allowed
    col_order = col_order_real + list(range(n, N))
    model = SquareModel(w, w_int, allowed, col_order, row_rank_real, scale=10 ** inst.decimals)
    best = model.solve()
    if best is None:      # cannot happen after the Hall check; kept as a clear message
        raise PostingError("No posting satisfies the rules.", kind="home_province_rule")
    solved = [best]

    # explanations: each province's best alternative (the posting with its officer banned)
    alt_officer: list[str] = [""] * n
    alt_loss: list[float] = [math.nan] * n
    for j in range(n):
        alt = model.solve(banned=[(best.match_col[j], j)])
        if alt is None:
            continue
        solved.append(alt)
        alt_officer[j] = inst.off["officer_id"].iat[alt.match_col[j]]
        alt_loss[j] = score_loss(best, alt, inst.decimals)

    # unposted officers: what posting each of them would cost
    unposted_rows = []
    posted_rows = set(best.match_col[:n])
    for i in sorted(set(range(m)) - posted_rows, key=lambda i: inst.off["officer_id"].iat[i]):
        forced = model.solve(banned=[(i, j) for j in range(n, N)], value_only=True)
        if forced is not None:
            solved.append(forced)
        loss = score_loss(best, forced, inst.decimals) if forced is not None else math.nan
        o = inst.off.iloc[i]
        unposted_rows.append({
            "officer_id": o["officer_id"], "full_name": o["full_name"],
            "home_province_code": o["home_province_code"], "seniority": int(o["seniority"]),
            "loss_if_posted": loss, "reason": unposted_reason(m, n, loss, inst.allowed[i].any()),
        })
    unposted = pd.DataFrame(unposted_rows, columns=list(UNPOSTED_COLUMNS))
    unposted = unposted.astype({"officer_id": str, "full_name": str, "home_province_code": str,
                                "seniority": "int64", "loss_if_posted": float, "reason": str})

    table, expl = posting_tables(inst, names, codes, best.match_col, alt_officer, alt_loss)
    total = (best.value_exact / 10 ** inst.decimals) if best.value_exact is not None else best.value
    if all(sol.value_exact is not None for sol in solved):
        exactness = (f"exact: weights scaled by 10^{inst.decimals} to integers, optimality proved by an "
                     "integer LP dual certificate")
    else:
        gap = max(sol.gap for sol in solved)
        exactness = (f"float: optimal within {gap:.1e} (LP dual certificate checked in floating point; "
                     "the weights are not all short decimals)")
    return Postings(table=table, total_score=float(total), status="optimal", unposted=unposted,
                    solve_seconds=time.perf_counter() - t0,
                    secondary_rule=SECONDARY_RULE.format(basis=inst.basis), exactness=exactness,
                    allow_home_province=bool(allow_home_province), explanations=expl)
