"""Headline figures of a written dataset, measured from its files (not from the build's state):

    python data/build_national.py --figures data/national

The folder is read with `models.io.read_dataset`, as `staffing validate` reads it; balances
are over (unit, position) pairs (surplus = Σ max(staff − quota, 0), shortage = Σ max(quota −
staff, 0)); ages are completed years on the plan date 2026-01-01; retirement dates come from
`models.retirement`. The optional columns (`monthly_salary_vnd`, `insurance_years`,
`exempt_reason`) are measured when present.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from models.io import read_dataset
from models.retirement import retirement_dates

from .exemptions import EXEMPT_SHARES
from .facts import PLAN_DATE

PERCENTILES = (10, 25, 50, 75, 90)


def completed_years(birth: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Age in completed years on `on`."""
    before = (birth.dt.month > on.month) | ((birth.dt.month == on.month) & (birth.dt.day > on.day))
    return on.year - birth.dt.year - before.astype(int)


def measure(folder: Path) -> dict:
    ds = read_dataset(folder)
    s, q = ds.staff, ds.quotas
    on = pd.Timestamp(PLAN_DATE)
    counts = s.groupby(["unit_code", "position_code"]).size().rename("staff")
    bal = pd.concat([counts, q.set_index(["unit_code", "position_code"]).quota], axis=1)
    bal = bal.fillna(0)
    out: dict = {
        "units": len(ds.units), "staff": len(s), "quota": int(bal.quota.sum()),
        "surplus": int((bal.staff - bal.quota).clip(lower=0).sum()),
        "shortage": int((bal.quota - bal.staff).clip(lower=0).sum()),
    }
    out["staff_per_unit"] = out["staff"] / out["units"]
    age = completed_years(s.birth_date, on)
    out["age_55_plus"] = float((age >= 55).mean())
    out["age_45_54"] = float(((age >= 45) & (age < 55)).mean())
    out["age_under_45"] = float((age < 45).mean())
    out["age_mean"] = float(((on - s.birth_date).dt.days / 365.2425).mean())
    ret = retirement_dates(s.birth_date, s.gender)
    out["retire_by_year"] = {y: int(((ret >= pd.Timestamp(f"{y}-01-01"))
                                     & (ret <= pd.Timestamp(f"{y}-12-31"))).sum())
                             for y in range(2026, 2031)}
    out["not_movable"] = int((~s.movable).sum())
    if "monthly_salary_vnd" in s.columns:
        sal = pd.to_numeric(s.monthly_salary_vnd).to_numpy()
        out["salary_mean"] = float(sal.mean())
        out["salary_pct"] = {p: float(np.percentile(sal, p)) for p in PERCENTILES}
        out["salary_min"], out["salary_max"] = int(sal.min()), int(sal.max())
        out["salary_bill_month"] = int(sal.sum())
    if "insurance_years" in s.columns:
        ins = pd.to_numeric(s.insurance_years)
        exact_age = (on - s.birth_date).dt.days / 365.2425
        out["insurance_mean"] = float(ins.mean())
        out["insurance_pct"] = {p: float(np.percentile(ins, p)) for p in PERCENTILES}
        out["insurance_bins"] = {label: int(((ins >= lo) & (ins < hi)).sum()) for label, lo, hi in
                                 [("0–5", 0, 5), ("5–10", 5, 10), ("10–20", 10, 20),
                                  ("20–30", 20, 30), ("30+", 30, 999)]}
        out["insurance_above_age_minus_18"] = int((ins > exact_age - 18 + 1e-9).sum())
        out["age_minus_insurance_median"] = float((exact_age - ins).median())
    if "exempt_reason" in s.columns:
        codes = s.exempt_reason.astype(str)
        out["exempt"] = {c: int((codes == c).sum()) for c in EXEMPT_SHARES}
        out["exempt_women_only_ok"] = bool(
            (s.gender[codes.isin(["child_under_36_months", "pregnant"])] == "F").all())
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def render(f: dict) -> str:
    """The figures as a Markdown table (used by the README and by `--figures`)."""
    rows = [
        ("staff", f"{f['staff']:,} ({f['staff_per_unit']:.1f} per unit)",
         "136,261 after the merger, about 41 per commune"),
        ("quota", f"{f['quota']:,}", "Official Letter 09/CV-BCĐ norm minus Document 10989/BNV cut"),
        ("staff − quota", f"{f['staff'] - f['quota']:+,}", "staff above quota (Resolution 76/2025)"),
        ("surplus (Σ over posts of staff − quota > 0)", f"{f['surplus']:,}", ""),
        ("shortage (Σ over posts of quota − staff > 0)", f"{f['shortage']:,}", ""),
        ("aged 55 or more (completed years, 2026-01-01)", _pct(f["age_55_plus"]),
         "10.33 % (commune staff, 31 Dec 2024)"),
        ("aged 45–54", _pct(f["age_45_54"]), "30.58 % (commune staff, 31 Dec 2024)"),
        ("mean age", f"{f['age_mean']:.1f}", ""),
        ("statutory retirements 2026 / 27 / 28 / 29 / 30",
         " / ".join(f"{v:,}" for v in f["retire_by_year"].values()), "models.retirement"),
        ("`movable = false`", f"{f['not_movable']:,} ({f['not_movable'] / f['staff']:.1%})", "~3 %"),
    ]
    if "salary_mean" in f:
        p = f["salary_pct"]
        rows += [("monthly salary, mean (VND)", f"{f['salary_mean']:,.0f}", "synthetic model"),
                 ("monthly salary, P10 / P25 / median / P75 / P90",
                  " / ".join(f"{p[k]:,.0f}" for k in PERCENTILES), ""),
                 ("monthly salary, min / max", f"{f['salary_min']:,} / {f['salary_max']:,}", ""),
                 ("monthly salary bill", f"{f['salary_bill_month'] / 1e9:,.1f} billion VND", "")]
    if "insurance_mean" in f:
        p = f["insurance_pct"]
        bins = ", ".join(f"{k}: {v:,}" for k, v in f["insurance_bins"].items())
        rows += [("insurance years, mean", f"{f['insurance_mean']:.1f}", ""),
                 ("insurance years, P10 / P25 / median / P75 / P90",
                  " / ".join(f"{p[k]:.1f}" for k in PERCENTILES), ""),
                 ("insurance years by band", bins, ""),
                 ("median of age − insurance years", f"{f['age_minus_insurance_median']:.1f}",
                  "typically 22–25"),
                 ("insurance years above age − 18", f"{f['insurance_above_age_minus_18']}", "0")]
    if "exempt" in f:
        for code, n in f["exempt"].items():
            rows.append((f"`exempt_reason = {code}`", f"{n:,} ({n / f['staff']:.2%})",
                         f"~{EXEMPT_SHARES[code]:.1%}"))
    lines = ["| figure | achieved | target (source) |", "|---|---:|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)
