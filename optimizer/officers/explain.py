"""Why each posting: needs covered and not, each province's best alternative, and the
messages when no posting exists."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


from optimizer.officers.assignment import SquareModel, Solution, hall_set
from optimizer.officers.inputs import EXPLANATION_COLUMNS, FLOAT_REL_TOL, POSTINGS_COLUMNS, Instance, PostingError, fmt_num, label, names_text

def loss(best: Solution, other: Solution, decimals: int) -> float:
    if best.value_exact is not None and other.value_exact is not None:
        return (best.value_exact - other.value_exact) / 10 ** decimals
    loss = best.value - other.value
    tol = max(best.gap + other.gap, FLOAT_REL_TOL * max(1.0, abs(best.value)))
    return 0.0 if abs(loss) <= tol else loss


def raise_too_few(inst: Instance, names, codes, col_order, row_rank) -> None:
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
    model = SquareModel(w, w_int, allowed, col_order, list(row_rank) + list(range(m, n)),
                         scale=10 ** inst.decimals)
    sol = model.solve()
    left = sorted(codes[j] for j in range(n) if sol.match_col[j] >= m)
    raise PostingError(
        f"Not enough officers: {m} officer(s) for {n} provinces, so {n - m} province(s) would have no "
        f"officer. The best partial posting leaves without one: {names_text(left, names)}. "
        f"Add {n - m} officer(s) or post to fewer provinces.",
        kind="too_few_officers", provinces=left)


def raise_home_rule(inst: Instance, names, codes, match) -> None:
    m, n = len(inst.off), len(inst.prov)
    adj_col = [np.flatnonzero(inst.allowed[:, j]).tolist() for j in range(n)]
    start = min(j for j in range(n) if match[j] < 0)
    cols, rows = hall_set(adj_col, match, start)
    prov_codes = [codes[j] for j in cols]
    officers = [inst.off["officer_id"].iat[i] for i in rows]
    if not rows:
        detail = (f"no officer may be posted to {names_text(prov_codes, names)}: all {m} officer(s) come from "
                  f"{'that province' if len(cols) == 1 else 'these provinces'}")
    else:
        detail = (f"the {len(cols)} provinces {names_text(prov_codes, names)} can only receive the {len(rows)} "
                  f"officer(s) {', '.join(officers)}; every other officer comes from one of them")
    raise PostingError(
        f"The home-province rule makes the posting impossible ({m} officers for {n} provinces): {detail}. "
        "Allow postings to the home province (--allow-home-province) or add officers from other provinces.",
        kind="home_province_rule", provinces=prov_codes)


def unposted_reason(m: int, n: int, loss: float, can_go: bool) -> str:
    head = f"Không được cử: {m} cán bộ cho {n} tỉnh"
    if not can_go:
        return f"{head}; không có tỉnh nào cán bộ này được cử đến (quy tắc không cử về tỉnh quê)"
    if math.isnan(loss):
        return f"{head}; không có phương án hợp lệ nào cử cán bộ này"
    if loss > 0:
        return f"{head}; nếu cử cán bộ này thì tổng điểm phù hợp giảm {fmt_num(loss)}"
    return (f"{head}; cử cán bộ này không làm giảm tổng điểm, nhưng theo quy tắc phụ "
            "cán bộ thâm niên cao hơn được ưu tiên")


def posting_tables(inst: Instance, names, codes, match_col, alt_officer, alt_loss):
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
                         "area": a, "area_name": label(a), "weight": wgt, "covered": a in areas})
        rows.append({
            "officer_id": o["officer_id"], "full_name": o["full_name"], "province_code": p,
            "province_name": names[p], "score": score,
            "covered": "; ".join(f"{label(a)} ({fmt_num(w)})" for a, w in cov),
            "uncovered": "; ".join(f"{label(a)} ({fmt_num(w)})" for a, w in unc),
            "home_province_code": o["home_province_code"], "seniority": int(o["seniority"]),
            "reason": posting_reason(names[p], score, len(cov), len(needs), alt_officer[j], alt_loss[j],
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


def posting_reason(pname: str, score: float, k: int, total: int, alt: str, loss: float, home: bool) -> str:
    if k:
        head = f"Đáp ứng {k}/{total} nhu cầu của {pname} (điểm {fmt_num(score)})"
    elif total:
        head = f"Không có chuyên môn trùng nhu cầu của {pname}; cử để tỉnh nào cũng có cán bộ"
    else:
        head = f"{pname} chưa khai báo nhu cầu; cử để tỉnh nào cũng có cán bộ"
    if home:
        head += " (tỉnh quê của cán bộ)"
    if not alt:
        tail = "không có cán bộ nào khác thay thế được"
    elif loss > 0:
        tail = f"nếu không cử người này, phương án tốt nhất cử {alt} và tổng điểm giảm {fmt_num(loss)}"
    else:
        tail = (f"phương án cử {alt} có cùng tổng điểm; chọn theo quy tắc phụ "
                "(thâm niên, mức ưu tiên của tỉnh)")
    return f"{head}; {tail}"


# --------------------------------------------------------------------------- writing
