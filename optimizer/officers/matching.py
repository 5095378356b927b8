"""Posting the Ministry's support officers, one to each province — optimal and explained.

    post_officers(ds, *, allow_home_province=False, province_priority=None) -> Postings
    write_postings(postings, out_dir, note="") -> [postings.csv, postings.xlsx]

The rules (CONTRACT.md §3, DOMAIN.md "The 34 support officers"), each in one place below:

* **One officer per province** (`_SquareModel`): every row of `ds.provinces` gets exactly one
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
  ``province_priority`` (the caller passes the unfilled shortage after the reassignment plan)
  or, when None, the number of communes (units) of the province. Officers left unposted are
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

import datetime as dt
import math
import time
from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from models.dataset import Dataset

__all__ = [
    "AREA_LABELS", "COLUMN_LABELS", "POSTINGS_COLUMNS", "SECONDARY_RULE",
    "PostingError", "Postings", "post_officers", "write_postings", "parse_expertise",
]

#: Vietnamese names of the Ministry of Home Affairs' fields (DOMAIN.md); unknown codes show as the code.
AREA_LABELS: dict[str, str] = {
    "to_chuc_bo_may": "Tổ chức bộ máy",
    "bien_che_vtvl": "Biên chế và vị trí việc làm",
    "chinh_quyen_dia_phuong": "Chính quyền địa phương",
    "cai_cach_hanh_chinh": "Cải cách hành chính",
    "tien_luong": "Tiền lương",
    "thi_dua_khen_thuong": "Thi đua, khen thưởng",
    "ton_giao": "Tôn giáo",
    "van_thu_luu_tru": "Văn thư, lưu trữ",
    "lao_dong_viec_lam": "Lao động, việc làm",
    "bao_hiem_xa_hoi": "Bảo hiểm xã hội",
    "chuyen_doi_so": "Chuyển đổi số trong hành chính",
    "dao_tao_boi_duong": "Đào tạo, bồi dưỡng cán bộ, công chức",
}

POSTINGS_COLUMNS: tuple[str, ...] = (
    "officer_id", "full_name", "province_code", "province_name", "score", "covered",
    "uncovered", "home_province_code", "seniority", "reason",
    "alternative_officer_id", "alternative_loss", "priority",
)
UNPOSTED_COLUMNS: tuple[str, ...] = (
    "officer_id", "full_name", "home_province_code", "seniority", "loss_if_posted", "reason",
)
EXPLANATION_COLUMNS: tuple[str, ...] = (
    "province_code", "province_name", "officer_id", "area", "area_name", "weight", "covered",
)

#: Vietnamese column labels of postings.xlsx.
COLUMN_LABELS: dict[str, str] = {
    "officer_id": "Mã cán bộ",
    "full_name": "Họ và tên",
    "province_code": "Mã tỉnh",
    "province_name": "Tỉnh/thành",
    "score": "Điểm phù hợp",
    "covered": "Nhu cầu được đáp ứng",
    "uncovered": "Nhu cầu chưa đáp ứng",
    "home_province_code": "Mã tỉnh quê",
    "seniority": "Thâm niên",
    "reason": "Lý do",
    "alternative_officer_id": "Cán bộ thay thế tốt nhất",
    "alternative_loss": "Điểm giảm nếu thay thế",
    "priority": "Mức ưu tiên của tỉnh",
    "loss_if_posted": "Điểm giảm nếu được cử",
}

SECONDARY_RULE = (
    "Trong các phương án có cùng tổng điểm phù hợp cao nhất: lần lượt từng tỉnh theo mức ưu tiên "
    "giảm dần ({basis}; bằng nhau thì theo mã tỉnh) nhận cán bộ có thâm niên cao nhất còn có thể "
    "(bằng nhau thì theo mã cán bộ); cán bộ không được cử là người ít thâm niên hơn."
)
_BASIS_SHORTAGE = "số biên chế còn thiếu sau phương án điều động"
_BASIS_UNITS = "số đơn vị hành chính cấp xã của tỉnh"

_EXACT_MAX_DECIMALS = 9
_EXACT_MAX_MAGNITUDE = 2 ** 40
_FLOAT_REL_TOL = 1e-9
_SHEET_POSTINGS = "Phân công cán bộ"
_SHEET_UNPOSTED = "Chưa phân công"
_SHEET_NOTE = "Ghi chú"
_FIXED_DATE = dt.date(2026, 1, 1)          # document date of postings.xlsx
#: Scores as computed (whole numbers without decimals, else up to 6), not export's 3 decimals.
_DECIMALS: dict[str, int | None] = {"score": None, "alternative_loss": None, "loss_if_posted": None}


class PostingError(Exception):
    """No posting satisfies the rules; the message is meant for a planner.

    `kind` is "no_officers", "no_provinces", "too_few_officers", "home_province_rule" or
    "bad_input" (a table the validation should have refused: repeated codes, bad weights);
    `provinces` lists the province codes concerned.
    """

    def __init__(self, message: str, *, kind: str, provinces: list[str] | None = None):
        super().__init__(message)
        self.kind = kind
        self.provinces = list(provinces or [])


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


# --------------------------------------------------------------------------- inputs

def parse_expertise(text: object) -> list[str]:
    """`;`-separated area codes: stripped, empties dropped, duplicates once, order kept."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    out: list[str] = []
    for part in str(text).split(";"):
        code = part.strip()
        if code and code not in out:
            out.append(code)
    return out


def _label(area: str) -> str:
    return AREA_LABELS.get(area, area)


def _fmt_num(x: float) -> str:
    """6.0 → "6", 2.5 → "2.5" (shortest round-trip text)."""
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _names(codes, names: dict[str, str], limit: int = 12) -> str:
    codes = list(codes)
    shown = [f"{names.get(c, c)} ({c})" for c in codes[:limit]]
    if len(codes) > limit:
        shown.append(f"and {len(codes) - limit} more")
    return ", ".join(shown)


@dataclass
class _Instance:
    prov: pd.DataFrame            # province_code, name, priority — sorted by code
    off: pd.DataFrame             # officer_id, full_name, home_province_code, seniority, areas — sorted by id
    needs: dict[str, list[tuple[str, float]]]   # province → [(area, weight)], weight > 0
    weight: np.ndarray            # officers × provinces, float (the reported scores)
    weight_int: np.ndarray | None  # officers × provinces, exact integers (weights × 10^decimals)
    decimals: int
    allowed: np.ndarray           # officers × provinces, bool
    basis: str


def _decimals(w: float) -> int:
    exp = Decimal(repr(float(w))).normalize().as_tuple().exponent
    return max(0, -int(exp))


def _prepare(ds: Dataset, allow_home: bool, priority: pd.Series | None) -> _Instance:
    if ds.officers is None or ds.province_needs is None or len(ds.officers) == 0:
        raise PostingError("The dataset has no support officers (tables `officers` and `province_needs`): "
                           "no posting is made.", kind="no_officers")
    prov = ds.provinces[["province_code", "name"]].astype({"province_code": str, "name": str})
    if len(prov) == 0:
        raise PostingError("The dataset has no provinces: there is nowhere to post the officers.",
                           kind="no_provinces")
    dup = prov["province_code"][prov["province_code"].duplicated()].unique().tolist()
    if dup:
        raise PostingError(f"Table provinces: province_code repeated: {', '.join(map(str, dup))}.",
                           kind="bad_input", provinces=dup)
    prov = prov.sort_values("province_code", kind="stable").reset_index(drop=True)
    codes = prov["province_code"].tolist()

    # priority: the caller's (unfilled shortage) or the number of communes
    if priority is None:
        counts = ds.units.groupby("province_code").size() if len(ds.units) else pd.Series(dtype="int64")
        prio = counts.reindex(codes, fill_value=0).astype(float)
        basis = _BASIS_UNITS
    else:
        pr = pd.Series(priority)
        pr.index = pr.index.map(str)
        unknown = sorted(set(pr.index) - set(codes))
        if unknown:
            raise ValueError(f"province_priority has codes that are not provinces: {unknown[:10]}"
                             " (province codes are text, e.g. '01')")
        pr = pd.to_numeric(pr, errors="coerce").astype(float)
        if pr.isna().any() or np.isinf(pr.to_numpy()).any():
            bad = pr.index[pr.isna() | np.isinf(pr)].tolist()
            raise ValueError(f"province_priority is not a number for {bad[:10]}")
        pr = pr.groupby(level=0).sum()
        # a province absent from the series has no unfilled shortage: priority 0
        prio = pr.reindex(codes, fill_value=0.0)
        basis = _BASIS_SHORTAGE
    prov["priority"] = prio.to_numpy(dtype=float)

    off = ds.officers.copy()
    off["officer_id"] = off["officer_id"].astype(str)
    dup = off["officer_id"][off["officer_id"].duplicated()].unique().tolist()
    if dup:
        raise PostingError(f"Table officers: officer_id repeated: {', '.join(dup)}.", kind="bad_input")
    if "seniority" not in off.columns:
        off["seniority"] = 0
    off["seniority"] = pd.to_numeric(off["seniority"], errors="coerce").fillna(0).astype("int64")
    for col in ("full_name", "home_province_code"):
        if col not in off.columns:
            off[col] = ""
        off[col] = off[col].fillna("").astype(str)
    off["areas"] = [parse_expertise(t) for t in off["expertise"]]
    off = off[["officer_id", "full_name", "home_province_code", "seniority", "areas"]]
    off = off.sort_values("officer_id", kind="stable").reset_index(drop=True)

    nd = ds.province_needs[["province_code", "area", "weight"]].copy()
    nd["province_code"] = nd["province_code"].astype(str)
    nd["area"] = nd["area"].astype(str).str.strip()
    nd["weight"] = pd.to_numeric(nd["weight"], errors="coerce").astype(float)
    nd = nd[nd["province_code"].isin(codes)]    # needs of unknown provinces: validation reports them
    bad = nd[~np.isfinite(nd["weight"]) | (nd["weight"] < 0)]
    if len(bad):
        shown = "; ".join(f"{r.province_code}/{r.area}={r.weight}" for r in bad.head(10).itertuples())
        raise PostingError(f"Table province_needs: weight must be a number ≥ 0: {shown}",
                           kind="bad_input", provinces=bad["province_code"].unique().tolist())
    dup = nd[nd.duplicated(["province_code", "area"], keep=False)]
    if len(dup):
        pairs = sorted(set(zip(dup["province_code"], dup["area"])))
        raise PostingError("Table province_needs: the same (province_code, area) appears more than once: "
                           + ", ".join(f"{p}/{a}" for p, a in pairs[:10]),
                           kind="bad_input", provinces=sorted({p for p, _ in pairs}))
    nd = nd[nd["weight"] > 0]

    weight, weight_int, decimals = _score_matrix(off, nd, codes)
    allowed = _allowed_pairs(off, codes, allow_home)
    needs: dict[str, list[tuple[str, float]]] = {c: [] for c in codes}
    for r in nd.sort_values(["province_code", "weight", "area"], ascending=[True, False, True]).itertuples():
        needs[r.province_code].append((r.area, float(r.weight)))
    return _Instance(prov=prov, off=off, needs=needs, weight=weight, weight_int=weight_int,
                     decimals=decimals, allowed=allowed, basis=basis)


def _score_matrix(off: pd.DataFrame, nd: pd.DataFrame, codes: list[str]):
    """W[o, p] = Σ_{area ∈ expertise(o)} weight(p, area): a 0/1 expertise matrix times the needs.

    Also the exact integer version W·10^d when every weight is a short decimal (see module doc)."""
    areas = sorted(set(nd["area"]))
    col = {a: j for j, a in enumerate(areas)}
    expert = np.zeros((len(off), len(areas)), dtype=np.int64)
    for i, lst in enumerate(off["areas"]):
        for a in lst:
            if a in col:
                expert[i, col[a]] = 1
    need = np.zeros((len(codes), len(areas)), dtype=float)
    pi = {c: i for i, c in enumerate(codes)}
    rows = np.array([pi[c] for c in nd["province_code"]], dtype=np.int64)
    cols = np.array([col[a] for a in nd["area"]], dtype=np.int64)
    need[rows, cols] = nd["weight"].to_numpy(dtype=float)
    weight = expert.astype(float) @ need.T

    decimals = max((_decimals(w) for w in nd["weight"]), default=0)
    weight_int = None
    if decimals <= _EXACT_MAX_DECIMALS and (
            len(nd) == 0 or nd["weight"].max() * 10 ** decimals < _EXACT_MAX_MAGNITUDE):
        scale = Decimal(10) ** decimals
        need_int = np.zeros((len(codes), len(areas)), dtype=np.int64)
        for r, c, w in zip(rows, cols, nd["weight"]):
            need_int[r, c] = int(Decimal(repr(float(w))) * scale)
        total = int(need_int.sum(axis=1).max()) if len(codes) and len(areas) else 0
        n = max(len(codes), len(off))
        if 2 * n * total < _EXACT_MAX_MAGNITUDE:
            weight_int = expert @ need_int.T
            weight = weight_int / float(10 ** decimals)
    return weight, weight_int, decimals


def _allowed_pairs(off: pd.DataFrame, codes: list[str], allow_home: bool) -> np.ndarray:
    """Home-province rule: officer o may go to province p unless p is o's home (or allowed)."""
    home = off["home_province_code"].to_numpy(dtype=object)[:, None]
    prov = np.asarray(codes, dtype=object)[None, :]
    if allow_home:
        return np.ones((len(off), len(codes)), dtype=bool)
    return home != prov


# --------------------------------------------------------------------------- matching helpers

def _max_matching(adj_row: list[list[int]], n_cols: int) -> list[int]:
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


def _hall_set(adj_col: list[list[int]], match_col: list[int], start: int) -> tuple[list[int], list[int]]:
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


def _lexicographic_matching(adj_col: list[list[int]], adj_row: list[list[int]],
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
class _Solution:
    match_col: list[int]          # column → row
    value: float                  # total score (float)
    value_exact: int | None       # total × 10^decimals when the certificate is exact
    gap: float                    # proved bound on the distance to the optimum (0 when exact)


class _SquareModel:
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

    def solve(self, banned: list[tuple[int, int]] = (), value_only: bool = False) -> _Solution | None:
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
                return _Solution(match_col=[], value=value, value_exact=value_exact, gap=gap)
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
            start = _max_matching(adj_row, n)
            if min(start) < 0:
                raise RuntimeError("internal: the optimal face of the assignment LP has no perfect matching")
        match_col = _lexicographic_matching(adj_col, adj_row, start, self.col_order, self.row_rank)
        rows, cols = np.array(match_col), np.arange(n)
        value = float(self.w[rows, cols].sum())
        value_exact = None
        if dual_int is not None:
            value_exact = int(self.w_int[rows, cols].sum())
            if value_exact != dual_int:      # cannot happen: tight pairs sum to the dual objective
                raise RuntimeError("internal: the integer certificate does not close")
        return _Solution(match_col=match_col, value=value, value_exact=value_exact, gap=gap)

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
        tau = _FLOAT_REL_TOL * size / (4 * self.n)
        over = max(0.0, float(r.max())) if r.size else 0.0
        gap = self.n * (tau + over + self.dropped) * self.unit
        return r >= -tau, None, gap


# --------------------------------------------------------------------------- the public function

def post_officers(ds: Dataset, *, allow_home_province: bool = False,
                  province_priority: pd.Series | None = None,
                  province_shortage: pd.Series | None = None) -> Postings:
    """Post the support officers one to each province, maximising the total match score.

    Parameters
    ----------
    ds : the dataset; needs `officers` and `province_needs` (else `PostingError`).
    allow_home_province : allow posting an officer to their home province.
    province_priority : per `province_code` (index, text), the planner's priority for the
        secondary rule — the unfilled shortage after the reassignment plan. Codes absent from
        the series count 0 (no shortage); a code that is not a province raises ValueError.
        None: the number of communes (units) of the province.
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
    inst = _prepare(ds, allow_home_province, province_priority)
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
        _raise_too_few(inst, names, codes, col_order_real, row_rank_real)

    # feasibility under the home-province rule (Hall's condition), with a named culprit
    adj_row = [np.flatnonzero(inst.allowed[i]).tolist() for i in range(m)]
    match = _max_matching(adj_row, n)
    if min(match) < 0:
        _raise_home_rule(inst, names, codes, match)

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
    model = _SquareModel(w, w_int, allowed, col_order, row_rank_real, scale=10 ** inst.decimals)
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
        alt_loss[j] = _loss(best, alt, inst.decimals)

    # unposted officers: what posting each of them would cost
    unposted_rows = []
    posted_rows = set(best.match_col[:n])
    for i in sorted(set(range(m)) - posted_rows, key=lambda i: inst.off["officer_id"].iat[i]):
        forced = model.solve(banned=[(i, j) for j in range(n, N)], value_only=True)
        if forced is not None:
            solved.append(forced)
        loss = _loss(best, forced, inst.decimals) if forced is not None else math.nan
        o = inst.off.iloc[i]
        unposted_rows.append({
            "officer_id": o["officer_id"], "full_name": o["full_name"],
            "home_province_code": o["home_province_code"], "seniority": int(o["seniority"]),
            "loss_if_posted": loss, "reason": _unposted_reason(m, n, loss, inst.allowed[i].any()),
        })
    unposted = pd.DataFrame(unposted_rows, columns=list(UNPOSTED_COLUMNS))
    unposted = unposted.astype({"officer_id": str, "full_name": str, "home_province_code": str,
                                "seniority": "int64", "loss_if_posted": float, "reason": str})

    table, expl = _tables(inst, names, codes, best.match_col, alt_officer, alt_loss)
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


def _loss(best: _Solution, other: _Solution, decimals: int) -> float:
    if best.value_exact is not None and other.value_exact is not None:
        return (best.value_exact - other.value_exact) / 10 ** decimals
    loss = best.value - other.value
    tol = max(best.gap + other.gap, _FLOAT_REL_TOL * max(1.0, abs(best.value)))
    return 0.0 if abs(loss) <= tol else loss


def _raise_too_few(inst: _Instance, names, codes, col_order, row_rank) -> None:
    """Fewer officers than provinces: name the provinces the best partial posting leaves out."""
    m, n = len(inst.off), len(inst.prov)
    w = np.zeros((n, n))
    w[:m] = inst.weight
    w_int = None
    if inst.weight_int is not None:
        w_int = np.zeros((n, n), dtype=np.int64)
        w_int[:m] = inst.weight_int
    allowed = np.ones((n, n), dtype=bool)
    allowed[:m] = inst.allowed
    model = _SquareModel(w, w_int, allowed, col_order, list(row_rank) + list(range(m, n)),
                         scale=10 ** inst.decimals)
    sol = model.solve()
    left = sorted(codes[j] for j in range(n) if sol.match_col[j] >= m)
    raise PostingError(
        f"Not enough officers: {m} officer(s) for {n} provinces, so {n - m} province(s) would have no "
        f"officer. The best partial posting leaves without one: {_names(left, names)}. "
        f"Add {n - m} officer(s) or post to fewer provinces.",
        kind="too_few_officers", provinces=left)


def _raise_home_rule(inst: _Instance, names, codes, match) -> None:
    m, n = len(inst.off), len(inst.prov)
    adj_col = [np.flatnonzero(inst.allowed[:, j]).tolist() for j in range(n)]
    start = min(j for j in range(n) if match[j] < 0)
    cols, rows = _hall_set(adj_col, match, start)
    prov_codes = [codes[j] for j in cols]
    officers = [inst.off["officer_id"].iat[i] for i in rows]
    if not rows:
        detail = (f"no officer may be posted to {_names(prov_codes, names)}: all {m} officer(s) come from "
                  f"{'that province' if len(cols) == 1 else 'these provinces'}")
    else:
        detail = (f"the {len(cols)} provinces {_names(prov_codes, names)} can only receive the {len(rows)} "
                  f"officer(s) {', '.join(officers)}; every other officer comes from one of them")
    raise PostingError(
        f"The home-province rule makes the posting impossible ({m} officers for {n} provinces): {detail}. "
        "Allow postings to the home province (--allow-home-province) or add officers from other provinces.",
        kind="home_province_rule", provinces=prov_codes)


def _unposted_reason(m: int, n: int, loss: float, can_go: bool) -> str:
    head = f"Không được cử: {m} cán bộ cho {n} tỉnh"
    if not can_go:
        return f"{head}; không có tỉnh nào cán bộ này được cử đến (quy tắc không cử về tỉnh quê)"
    if math.isnan(loss):
        return f"{head}; không có phương án hợp lệ nào cử cán bộ này"
    if loss > 0:
        return f"{head}; nếu cử cán bộ này thì tổng điểm phù hợp giảm {_fmt_num(loss)}"
    return (f"{head}; cử cán bộ này không làm giảm tổng điểm, nhưng theo quy tắc phụ "
            "cán bộ thâm niên cao hơn được ưu tiên")


def _tables(inst: _Instance, names, codes, match_col, alt_officer, alt_loss):
    n = len(codes)
    rows, expl = [], []
    for j in range(n):
        i = match_col[j]
        o = inst.off.iloc[i]
        p = codes[j]
        areas = set(o["areas"])
        needs = inst.needs[p]
        cov = [(a, w) for a, w in needs if a in areas]
        unc = [(a, w) for a, w in needs if a not in areas]
        score = float(inst.weight[i, j])
        for a, wgt in needs:
            expl.append({"province_code": p, "province_name": names[p], "officer_id": o["officer_id"],
                         "area": a, "area_name": _label(a), "weight": wgt, "covered": a in areas})
        rows.append({
            "officer_id": o["officer_id"], "full_name": o["full_name"], "province_code": p,
            "province_name": names[p], "score": score,
            "covered": "; ".join(f"{_label(a)} ({_fmt_num(w)})" for a, w in cov),
            "uncovered": "; ".join(f"{_label(a)} ({_fmt_num(w)})" for a, w in unc),
            "home_province_code": o["home_province_code"], "seniority": int(o["seniority"]),
            "reason": _posting_reason(names[p], score, len(cov), len(needs), alt_officer[j], alt_loss[j],
                                      o["home_province_code"] == p),
            "alternative_officer_id": alt_officer[j], "alternative_loss": alt_loss[j],
            "priority": float(inst.prov["priority"].iat[j]),
        })
    table = pd.DataFrame(rows, columns=list(POSTINGS_COLUMNS))
    table = table.astype({"officer_id": str, "full_name": str, "province_code": str, "province_name": str,
                          "score": float, "covered": str, "uncovered": str, "home_province_code": str,
                          "seniority": "int64", "reason": str, "alternative_officer_id": str,
                          "alternative_loss": float, "priority": float})
    explanations = pd.DataFrame(expl, columns=list(EXPLANATION_COLUMNS))
    explanations = explanations.astype({"province_code": str, "province_name": str, "officer_id": str,
                                        "area": str, "area_name": str, "weight": float, "covered": bool})
    return table, explanations


def _posting_reason(pname: str, score: float, k: int, total: int, alt: str, loss: float, home: bool) -> str:
    if k:
        head = f"Đáp ứng {k}/{total} nhu cầu của {pname} (điểm {_fmt_num(score)})"
    elif total:
        head = f"Không có chuyên môn trùng nhu cầu của {pname}; cử để tỉnh nào cũng có cán bộ"
    else:
        head = f"{pname} chưa khai báo nhu cầu; cử để tỉnh nào cũng có cán bộ"
    if home:
        head += " (tỉnh quê của cán bộ)"
    if not alt:
        tail = "không có cán bộ nào khác thay thế được"
    elif loss > 0:
        tail = f"nếu không cử người này, phương án tốt nhất cử {alt} và tổng điểm giảm {_fmt_num(loss)}"
    else:
        tail = (f"phương án cử {alt} có cùng tổng điểm; chọn theo quy tắc phụ "
                "(thâm niên, mức ưu tiên của tỉnh)")
    return f"{head}; {tail}"


# --------------------------------------------------------------------------- writing

def write_postings(postings: Postings, out_dir: str | Path, note: str = "") -> list[Path]:
    """Write `postings.csv` and `postings.xlsx` into `out_dir` (created if needed).

    Both by the writers of `optimizer.output.tables`: the CSV is UTF-8 with a BOM; the workbook has
    the sheet "Phân công cán bộ" (Vietnamese labels `COLUMN_LABELS`, frozen header, filter,
    codes as text), "Chưa phân công" when officers are left unposted, and "Ghi chú" (the
    dataset note, the status, the rules). Text cells that a spreadsheet would run as a formula
    get a leading apostrophe. Scores keep their decimals (`_DECIMALS`). Byte-deterministic:
    same postings, same bytes (document dates and zip times are 2026-01-01)."""
    from optimizer.output.tables import Sheet, TextSheet, write_csv_table, write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = write_csv_table(postings.table, out / "postings.csv", decimals=_DECIMALS)
    sheets = [Sheet(_SHEET_POSTINGS, postings.table, COLUMN_LABELS, decimals=_DECIMALS)]
    if len(postings.unposted):
        sheets.append(Sheet(_SHEET_UNPOSTED, postings.unposted, COLUMN_LABELS, decimals=_DECIMALS))
    info = [
        ("Dữ liệu", note or "(không có ghi chú)"),
        ("Trạng thái", "tối ưu" if postings.status == "optimal" else postings.status),
        ("Tổng điểm phù hợp", float(postings.total_score)),
        ("Số tỉnh được cử cán bộ", int(len(postings.table))),
        ("Số cán bộ chưa phân công", int(len(postings.unposted))),
        ("Cho phép cử về tỉnh quê", "có" if postings.allow_home_province else "không"),
        ("Quy tắc phụ", postings.secondary_rule),
        ("Độ chính xác", postings.exactness),
        ("Điểm phù hợp", "Tổng trọng số các nhu cầu của tỉnh thuộc chuyên môn của cán bộ"),
    ]
    sheets.append(TextSheet(_SHEET_NOTE, [[(k, "bold"), (v, "wrap")] for k, v in info], widths=(28, 100)))
    xlsx_path = write_workbook(out / "postings.xlsx", sheets, date=_FIXED_DATE,
                               title="Phân công cán bộ hỗ trợ")
    return [csv_path, xlsx_path]
