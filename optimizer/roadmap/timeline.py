"""The roadmap's timeline (docs/contract.md §9): decision dates, persons, cohorts, pairs, costs.

Everything the model, the choice of persons and the reports share, computed once:

* ``dates``: 1 January of each year from ``start_year`` to ``end_year`` (t_0 … t_{K-1}).
* per person: the statutory retirement date R (models.retirement), the number of decision
  dates at which the person is counted, ``n_counted`` = #{k : R ≥ t_k} (its *class*: a person
  of class r is counted at t_k iff k < r), the last date index at which a transfer is allowed
  (``movable``, no keep/exempt decision, R later than t_k + protect_years; −1: never), and
  at each date the cost of early retirement (NaN where not eligible: months_early from t_k to
  the day after R outside 24..60, or fewer than 20 insurance years at t_k, or exempt).
* cohorts: within one (unit, position), persons with the same class, the same last transfer
  date and the same early-retirement costs date by date are interchangeable for the model.
* pairs: one row per (unit, position) with staff or quota, the natural counts ``nat_k`` (who
  would be counted at t_k with no action at all).

Money is in whole VND (each cost rounded to the dong once, here).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.dataset import Dataset
from models.retirement import retirement_dates
from models.validation import DatasetError, Problem
from optimizer.reassign.eligibility import protect_cutoff

__all__ = ["Timeline", "build_timeline", "whole_years", "allowance_vnd", "recruit_cost_vnd",
           "er_cost_vnd", "months_early", "ER_MIN_MONTHS", "ER_MAX_MONTHS", "ER_MIN_INSURANCE",
           "ESTIMATED_INSURANCE_OFFSET", "MIN_WORK_AGE", "pairs_of"]

ER_MIN_MONTHS, ER_MAX_MONTHS = 24, 60      # Decree 154/2025: 2 to 5 years early
ER_MIN_INSURANCE = 20                      # insurance years needed at the decision date
ESTIMATED_INSURANCE_OFFSET = 23            # insurance years ≈ age − 23 when not given
MIN_WORK_AGE = 15                          # insurance years ≤ age − 15


@dataclass(frozen=True, eq=False)
class Timeline:
    dates: list[pd.Timestamp]
    persons: pd.DataFrame     # one row per staff member (see module docstring)
    cohorts: pd.DataFrame     # cohort, unit_code, position_code, n_counted, last_transfer, er_0.., size
    pairs: pd.DataFrame       # unit_code, position_code, province_code, quota, priority, nat_0..
    er_columns: list[str]     # "er_0", … "er_{K-1}" (cost, NaN = not eligible)
    nat_columns: list[str]    # "nat_0", …

    @property
    def K(self) -> int:
        return len(self.dates)


def whole_years(start, end) -> np.ndarray:
    """Whole years from `start` to `end` (arrays of datetimes), like an age."""
    s, e = pd.DatetimeIndex(np.atleast_1d(start)), pd.DatetimeIndex(np.atleast_1d(end))
    before = (e.month < s.month) | ((e.month == s.month) & (e.day < s.day))
    return (e.year - s.year - before).to_numpy(dtype="int64")


def months_early(t: pd.Timestamp, retire: pd.Series) -> np.ndarray:
    """Months from the decision date t (a 1st of month) to the day after the retirement date."""
    after = pd.DatetimeIndex(retire) + pd.Timedelta(days=1)
    return ((after.year - t.year) * 12 + (after.month - t.month)).to_numpy(dtype="int64")


def er_cost_vnd(salary, months, insurance_at_t) -> np.ndarray:
    """Decree 154/2025: salary × (5 × months/12 + 5 + 0.5 × (insurance − 20)), whole VND."""
    salary = np.asarray(salary, dtype=float)
    return np.rint(salary * (5.0 * np.asarray(months) / 12.0 + 5.0
                             + 0.5 * (np.asarray(insurance_at_t, dtype=float) - ER_MIN_INSURANCE)))


def allowance_vnd(km, tiers, months: int) -> np.ndarray:
    """allowance_months × the vnd_per_month of the highest tier whose min_km ≤ km (0 below all)."""
    km = np.asarray(km, dtype=float)
    out = np.zeros(km.shape)
    best = np.full(km.shape, -1.0)
    for min_km, vnd in tiers:
        hit = (km + 1e-9 >= float(min_km)) & (float(min_km) >= best)
        out = np.where(hit, float(vnd) * months, out)
        best = np.where(hit, float(min_km), best)
    return np.rint(out)


def recruit_cost_vnd(scenario, year: int) -> float:
    """new_hire_monthly_salary_vnd × 12 × (end_year − year + 1)."""
    return float(np.rint(scenario.new_hire_monthly_salary_vnd * 12 * (scenario.end_year - year + 1)))


def _optional_numbers(ds: Dataset, column: str) -> tuple[pd.Series, list[Problem], np.ndarray]:
    """An optional staff column as numbers (NaN where empty), the problems of text that is not a
    number, and the planner's row numbers."""
    st = ds.staff
    rows = (st["_row"].to_numpy() if "_row" in st.columns else np.arange(len(st)) + 2)
    if column not in st.columns:
        return pd.Series(np.nan, index=st.index), [], rows
    raw = st[column]
    text = raw.astype(str).str.strip().where(raw.notna(), "")
    text = text.replace({"nan": "", "None": "", "<NA>": ""})
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = (text != "") & (values.isna() | ~np.isfinite(values.fillna(0)))
    problems = [Problem("staff", int(r), column, v, "not a number")
                for r, v in zip(rows[bad.to_numpy()], text[bad])]
    return values.where(~bad), problems, rows


def read_money_and_insurance(ds: Dataset, scenario) -> pd.DataFrame:
    """Salary and insurance years at the plan date, per staff member, with `estimated` flags.

    Raises DatasetError naming every bad row: a salary ≤ 0, insurance years < 0 or above the
    age at the plan date minus 15.
    """
    st = ds.staff
    salary, problems, rows = _optional_numbers(ds, "monthly_salary_vnd")
    ins, more, _ = _optional_numbers(ds, "insurance_years")
    problems += more
    bad = salary.notna() & (salary <= 0)
    problems += [Problem("staff", int(r), "monthly_salary_vnd", f"{v:g}", "a salary must be above 0")
                 for r, v in zip(rows[bad.to_numpy()], salary[bad])]
    age = whole_years(st["birth_date"].to_numpy(), np.full(len(st), pd.Timestamp(scenario.plan_date)))
    neg = ins.notna() & (ins < 0)
    problems += [Problem("staff", int(r), "insurance_years", f"{v:g}", "insurance years cannot be negative")
                 for r, v in zip(rows[neg.to_numpy()], ins[neg])]
    over = ins.notna() & (ins > age - MIN_WORK_AGE)
    problems += [Problem("staff", int(r), "insurance_years", f"{v:g}",
                         f"more insurance years than the age at the plan date ({a}) minus {MIN_WORK_AGE}")
                 for r, v, a in zip(rows[over.to_numpy()], ins[over], age[over.to_numpy()])]
    if problems:
        raise DatasetError(problems, source=ds.source.name if ds.source else None)
    estimated_ins = ins.isna().to_numpy()
    ins_value = np.where(estimated_ins, np.maximum(age - ESTIMATED_INSURANCE_OFFSET, 0), ins.to_numpy())
    estimated_salary = salary.isna().to_numpy()
    salary_value = np.where(estimated_salary, float(scenario.default_monthly_salary_vnd), salary.to_numpy())
    return pd.DataFrame({"salary_vnd": salary_value, "salary_default": estimated_salary,
                         "insurance_years": ins_value.astype(float), "insurance_estimated": estimated_ins},
                        index=st.index)


def build_timeline(ds: Dataset, scenario, *, keep_ids=(), exempt_ids=()) -> Timeline:
    """Dates, persons, cohorts and pairs of a roadmap (see the module docstring).

    ``keep_ids`` are never transferred; ``exempt_ids`` are never transferred nor retired early
    (the hooks for the decisions table of docs/contract.md §8).
    """
    dates = [pd.Timestamp(year, 1, 1) for year in range(scenario.start_year, scenario.end_year + 1)]
    K = len(dates)
    st = ds.staff
    money = read_money_and_insurance(ds, scenario)
    retire = pd.Series(retirement_dates(st["birth_date"], st["gender"]).to_numpy(), index=st.index)
    keep = st["staff_id"].isin(set(keep_ids)) | st["staff_id"].isin(set(exempt_ids))
    exempt = st["staff_id"].isin(set(exempt_ids)).to_numpy()
    movable = st["movable"].to_numpy(dtype=bool) & ~keep.to_numpy()
    n_counted = np.zeros(len(st), dtype="int64")
    last_transfer = np.full(len(st), -1, dtype="int64")
    plan = pd.Timestamp(scenario.plan_date)
    er = {}
    for k, t in enumerate(dates):
        counted = (retire >= t).to_numpy()
        n_counted += counted
        may = movable & counted & (retire > protect_cutoff(t, scenario.protect_years)).to_numpy()
        last_transfer = np.where(may, k, last_transfer)
        m = months_early(t, retire)
        ins_t = money["insurance_years"].to_numpy() + whole_years(np.full(len(st), plan), np.full(len(st), t))
        ok = ((m >= ER_MIN_MONTHS) & (m <= ER_MAX_MONTHS) & (ins_t >= ER_MIN_INSURANCE) & counted & ~exempt
              & bool(scenario.early_retirement))
        er[f"er_{k}"] = np.where(ok, er_cost_vnd(money["salary_vnd"].to_numpy(), m, ins_t), np.nan)
    persons = st[["staff_id", "unit_code", "position_code"]].assign(
        full_name=st["full_name"] if "full_name" in st.columns else "",
        home_unit_code=st["home_unit_code"] if "home_unit_code" in st.columns else "",
        retirement_date=retire.to_numpy(), n_counted=n_counted, last_transfer=last_transfer,
        movable=st["movable"].to_numpy(dtype=bool), keep=keep.to_numpy(), exempt=exempt,
        **money, **er)
    er_cols = [f"er_{k}" for k in range(K)]
    key = ["unit_code", "position_code", "n_counted", "last_transfer", *er_cols]
    grouped = persons.assign(**{c: persons[c].fillna(-1.0) for c in er_cols})
    cohort = grouped.groupby(key, sort=True, dropna=False).ngroup().to_numpy()
    persons = persons.assign(cohort=cohort)
    cohorts = (grouped.assign(cohort=cohort).groupby("cohort", sort=True)
               .agg(unit_code=("unit_code", "first"), position_code=("position_code", "first"),
                    n_counted=("n_counted", "first"), last_transfer=("last_transfer", "first"),
                    size=("staff_id", "size"), **{c: (c, "first") for c in er_cols})
               .reset_index())
    for c in er_cols:
        cohorts[c] = cohorts[c].where(cohorts[c] >= 0)

    pairs = pairs_of(ds, persons, K)
    return Timeline(dates=dates, persons=persons, cohorts=cohorts, pairs=pairs, er_columns=er_cols,
                    nat_columns=[f"nat_{k}" for k in range(K)])


def pairs_of(ds: Dataset, persons: pd.DataFrame, K: int) -> pd.DataFrame:
    """One row per (unit, position) with staff or quota: quota, province, priority, nat_k."""
    key = ["unit_code", "position_code"]
    counts = {f"nat_{k}": persons.assign(c=persons["n_counted"] > k).groupby(key)["c"].sum()
              for k in range(K)}
    staff = pd.DataFrame(counts)
    q = ds.quotas.set_index(key)["quota"]
    pairs = staff.join(q, how="outer").fillna(0).astype("int64").reset_index()
    pairs["province_code"] = pairs["unit_code"].map(ds.units.set_index("unit_code")["province_code"])
    pairs["priority"] = pairs["position_code"].map(ds.positions.set_index("position_code")["priority"]
                                                   ).fillna(1).astype("int64")
    return pairs.sort_values(key, kind="stable").reset_index(drop=True)
