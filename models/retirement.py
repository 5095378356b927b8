"""Statutory retirement dates: Labour Code 2019 art. 169 and Decree 135/2020/NĐ-CP.

The retirement age rises from 2021 by steps, one step each calendar year:

- men: 60 years until 2020; 60 years 3 months in 2021, plus 3 months a year, 62 years
  from 2028;
- women: 55 years until 2020; 55 years 4 months in 2021, plus 4 months a year, 60 years
  from 2035.

The age that applies to a person is the age of the calendar year in which they reach it
(e.g. 2026: men 61y6m, women 57y; 2027: 61y9m and 57y4m). So we walk the years from 2020
on and take the first year Y in which birth + age(Y) falls; because the age rises by less
than a year each year there is always such a year, and the first one is when the person
first is old enough.

The *date* returned is the retirement moment of Decree 135/2020: "the end of the last day
of the month in which the person reaches the retirement age" (thời điểm nghỉ hưu là kết
thúc ngày cuối cùng của tháng đủ tuổi nghỉ hưu); the pension starts the day after. Working
in months makes the day of birth irrelevant (29 February included): a man born on any day
of September 1961 reaches 60y3m in December 2021 and retires on 2021-12-31.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

__all__ = ["retirement_age_months", "retirement_date", "retirement_dates", "years_to_retirement",
           "FIRST_STEP_YEAR"]

FIRST_STEP_YEAR = 2021          # the first year of the roadmap
_BASE = {"M": 60 * 12, "F": 55 * 12}      # before 2021, in months
_STEP = {"M": 3, "F": 4}                  # added each year from 2021
_FINAL = {"M": 62 * 12, "F": 60 * 12}     # reached in 2028 (men) and 2035 (women)
_LAST_STEP_YEAR = max(FIRST_STEP_YEAR + (_FINAL[g] - _BASE[g]) // _STEP[g] - 1 for g in _BASE)  # 2035


def _gender(gender: str) -> str:
    g = str(gender).strip().upper()
    if g not in _BASE:
        raise ValueError(f"gender must be 'M' or 'F', not {gender!r}")
    return g


def retirement_age_months(year: int, gender: str) -> int:
    """The retirement age, in months, for someone reaching it in `year`."""
    g = _gender(gender)
    steps = max(0, year - FIRST_STEP_YEAR + 1)
    return min(_BASE[g] + _STEP[g] * steps, _FINAL[g])


def _end_of_month(month_index: int) -> date:
    """Last day of the month numbered year * 12 + (month - 1)."""
    year, month0 = divmod(month_index + 1, 12)      # the month after
    return date(year, month0 + 1, 1) - timedelta(days=1)


def retirement_date(birth_date: date, gender: str) -> date:
    """The statutory retirement date (last day of the month the applicable age is reached)."""
    if isinstance(birth_date, datetime):
        birth_date = birth_date.date()
    born = birth_date.year * 12 + birth_date.month - 1
    year = FIRST_STEP_YEAR - 1
    while True:
        reached = born + retirement_age_months(year, gender)
        if reached // 12 <= year:
            return _end_of_month(reached)
        year += 1


def retirement_dates(birth: pd.Series, gender: pd.Series) -> pd.Series:
    """Vectorised `retirement_date`: datetime64[ns], NaT where the birth date is NaT.

    `gender` holds 'M' or 'F' (as the validated `staff` table does); anything else raises.
    """
    birth = pd.to_datetime(pd.Series(birth))
    gender = pd.Series(gender, index=birth.index).astype(str).str.strip().str.upper()
    known = birth.notna().to_numpy()
    bad = known & ~gender.isin(list(_BASE)).to_numpy()
    if bad.any():
        raise ValueError(f"gender must be 'M' or 'F', not {gender[bad].iloc[0]!r}")
    men = (gender == "M").to_numpy()
    born = np.where(known, birth.dt.year.fillna(0).to_numpy("int64") * 12
                    + birth.dt.month.fillna(1).to_numpy("int64") - 1, 0)
    reached = np.zeros(len(birth), dtype="int64")
    done = ~known
    for year in range(FIRST_STEP_YEAR - 1, _LAST_STEP_YEAR + 1):
        age = np.where(men, retirement_age_months(year, "M"), retirement_age_months(year, "F"))
        now = ~done & ((born + age) // 12 <= year)
        reached[now] = (born + age)[now]
        done |= now
    final = np.where(men, _FINAL["M"], _FINAL["F"])
    reached[~done] = (born + final)[~done]   # after the last step the age no longer changes
    # last day of month `reached` = first day of the next month - 1 day
    next_month = (reached + 1 - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    out = pd.Series((next_month - np.timedelta64(1, "D")).astype("datetime64[ns]"), index=birth.index)
    return out.where(known)


def years_to_retirement(birth: pd.Series, gender: pd.Series, on: date) -> pd.Series:
    """Years (days / 365.25) from `on` to the retirement date; negative when already past."""
    days = (retirement_dates(birth, gender) - pd.Timestamp(on)).dt.days
    return days / 365.25
