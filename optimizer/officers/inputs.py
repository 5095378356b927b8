"""The officers' problem as numbers: who, where, the weights and what is allowed.

`prepare(ds, allow_home, priority)` turns the validated tables into an `Instance`: provinces
and officers sorted by code, the match score of every officer × province pair (exact integers
when the weights are short decimals), and the home-province rule as a mask.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from models.dataset import Dataset

from optimizer.output.vocabulary import AREA_LABELS

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

BASIS_SHORTAGE = "số biên chế còn thiếu sau phương án điều động"
BASIS_UNITS = "số đơn vị hành chính cấp xã của tỉnh"

EXACT_MAXDECIMALS = 9
EXACT_MAX_MAGNITUDE = 2 ** 40
FLOAT_REL_TOL = 1e-9


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


def label(area: str) -> str:
    return AREA_LABELS.get(area, area)


def fmt_num(x: float) -> str:
    """6.0 → "6", 2.5 → "2.5" (shortest round-trip text)."""
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def names_text(codes, names: dict[str, str], limit: int = 12) -> str:
    codes = list(codes)
    shown = [f"{names.get(c, c)} ({c})" for c in codes[:limit]]
    if len(codes) > limit:
        shown.append(f"and {len(codes) - limit} more")
    return ", ".join(shown)


@dataclass
class Instance:
    prov: pd.DataFrame            # province_code, name, priority — sorted by code
    off: pd.DataFrame             # officer_id, full_name, home_province_code, seniority, areas — sorted by id
    needs: dict[str, list[tuple[str, float]]]   # province → [(area, weight)], weight > 0
    weight: np.ndarray            # officers × provinces, float (the reported scores)
    weight_int: np.ndarray | None  # officers × provinces, exact integers (weights × 10^decimals)
    decimals: int
    allowed: np.ndarray           # officers × provinces, bool
    basis: str


def decimals_of(w: float) -> int:
    exp = Decimal(repr(float(w))).normalize().as_tuple().exponent
    return max(0, -int(exp))


def prepare(ds: Dataset, allow_home: bool, priority: pd.Series | None) -> Instance:
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
        basis = BASIS_UNITS
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
        basis = BASIS_SHORTAGE
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

    weight, weight_int, decimals = score_matrix(off, nd, codes)
    allowed = allowed_pairs(off, codes, allow_home)
    needs: dict[str, list[tuple[str, float]]] = {c: [] for c in codes}
    for r in nd.sort_values(["province_code", "weight", "area"], ascending=[True, False, True]).itertuples():
        needs[r.province_code].append((r.area, float(r.weight)))
    return Instance(prov=prov, off=off, needs=needs, weight=weight, weight_int=weight_int,
                     decimals=decimals, allowed=allowed, basis=basis)


def score_matrix(off: pd.DataFrame, nd: pd.DataFrame, codes: list[str]):
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

    decimals = max((decimals_of(w) for w in nd["weight"]), default=0)
    weight_int = None
    if decimals <= EXACT_MAXDECIMALS and (
            len(nd) == 0 or nd["weight"].max() * 10 ** decimals < EXACT_MAX_MAGNITUDE):
        scale = Decimal(10) ** decimals
        need_int = np.zeros((len(codes), len(areas)), dtype=np.int64)
        for r, c, w in zip(rows, cols, nd["weight"]):
            need_int[r, c] = int(Decimal(repr(float(w))) * scale)
        total = int(need_int.sum(axis=1).max()) if len(codes) and len(areas) else 0
        n = max(len(codes), len(off))
        if 2 * n * total < EXACT_MAX_MAGNITUDE:
            weight_int = expert @ need_int.T
            weight = weight_int / float(10 ** decimals)
    return weight, weight_int, decimals


def allowed_pairs(off: pd.DataFrame, codes: list[str], allow_home: bool) -> np.ndarray:
    """Home-province rule: officer o may go to province p unless p is o's home (or allowed)."""
    home = off["home_province_code"].to_numpy(dtype=object)[:, None]
    prov = np.asarray(codes, dtype=object)[None, :]
    if allow_home:
        return np.ones((len(off), len(codes)), dtype=bool)
    return home != prov


# --------------------------------------------------------------------------- matching helpers
