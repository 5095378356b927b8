"""models.retirement: the 2019 Labour Code roadmap (art. 169) and Decree 135/2020.

The retirement date is the last day of the month in which the person reaches the age that
applies in that calendar year (Decree 135/2020: "kết thúc ngày cuối cùng của tháng đủ tuổi
nghỉ hưu"); the pension starts on the first day of the next month.
"""
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.retirement import (retirement_age_months, retirement_date, retirement_dates,
                               years_to_retirement)


def ym(years, months=0):
    return years * 12 + months


# (year, men, women) — the roadmap, written out in full
ROADMAP = [
    (2019, ym(60), ym(55)), (2020, ym(60), ym(55)),
    (2021, ym(60, 3), ym(55, 4)), (2022, ym(60, 6), ym(55, 8)), (2023, ym(60, 9), ym(56)),
    (2024, ym(61), ym(56, 4)), (2025, ym(61, 3), ym(56, 8)), (2026, ym(61, 6), ym(57)),
    (2027, ym(61, 9), ym(57, 4)), (2028, ym(62), ym(57, 8)), (2029, ym(62), ym(58)),
    (2030, ym(62), ym(58, 4)), (2031, ym(62), ym(58, 8)), (2032, ym(62), ym(59)),
    (2033, ym(62), ym(59, 4)), (2034, ym(62), ym(59, 8)), (2035, ym(62), ym(60)),
    (2036, ym(62), ym(60)), (2050, ym(62), ym(60)),
]


@pytest.mark.parametrize("year, men, women", ROADMAP)
def test_the_roadmap(year, men, women):
    assert retirement_age_months(year, "M") == men
    assert retirement_age_months(year, "F") == women


# (birth date, gender, retirement date, the age reached) — cohort edges of Decree 135's appendix
CASES = [
    (date(1960, 10, 5), "M", date(2020, 10, 31), "60 (before the roadmap)"),
    (date(1961, 1, 20), "M", date(2021, 4, 30), "60y3m; pension from May 2021"),
    (date(1961, 9, 15), "M", date(2021, 12, 31), "60y3m, the last 2021 cohort"),
    (date(1961, 10, 1), "M", date(2022, 4, 30), "60y6m"),
    (date(1964, 1, 1), "M", date(2025, 4, 30), "61y3m"),
    (date(1964, 9, 30), "M", date(2025, 12, 31), "61y3m"),
    (date(1964, 10, 1), "M", date(2026, 4, 30), "61y6m"),
    (date(1965, 6, 1), "M", date(2026, 12, 31), "61y6m"),
    (date(1965, 7, 1), "M", date(2027, 4, 30), "61y9m"),
    (date(1966, 1, 1), "M", date(2027, 10, 31), "61y9m: reached in 2027, before 62 applies"),
    (date(1966, 3, 31), "M", date(2027, 12, 31), "61y9m"),
    (date(1966, 4, 1), "M", date(2028, 4, 30), "62"),
    (date(1970, 2, 28), "M", date(2032, 2, 29), "62, a leap February"),
    (date(1965, 12, 31), "F", date(2020, 12, 31), "55 (before the roadmap)"),
    (date(1966, 1, 10), "F", date(2021, 5, 31), "55y4m"),
    (date(1966, 8, 31), "F", date(2021, 12, 31), "55y4m"),
    (date(1966, 9, 1), "F", date(2022, 5, 31), "55y8m"),
    (date(1969, 4, 30), "F", date(2025, 12, 31), "56y8m"),
    (date(1969, 5, 1), "F", date(2026, 5, 31), "57"),
    (date(1970, 5, 20), "F", date(2027, 9, 30), "57y4m"),
    (date(1972, 2, 29), "F", date(2030, 6, 30), "58y4m, born on a leap day"),
    (date(1975, 4, 15), "F", date(2034, 12, 31), "59y8m"),
    (date(1975, 5, 15), "F", date(2035, 5, 31), "60"),
    (date(1980, 1, 1), "F", date(2040, 1, 31), "60"),
]


@pytest.mark.parametrize("birth, gender, expected, why", CASES, ids=[f"{c[1]}{c[0]}" for c in CASES])
def test_published_cases(birth, gender, expected, why):
    assert retirement_date(birth, gender) == expected
    got = retirement_dates(pd.Series([pd.Timestamp(birth)]), pd.Series([gender]))
    assert got.iloc[0] == pd.Timestamp(expected)


def test_vectorised_dtype_nat_and_index():
    birth = pd.Series([pd.Timestamp("1966-01-01"), pd.NaT], index=[10, 11], dtype="datetime64[ns]")
    out = retirement_dates(birth, pd.Series(["M", "F"], index=[10, 11]))
    assert str(out.dtype) == "datetime64[ns]" and list(out.index) == [10, 11]
    assert out.iloc[0] == pd.Timestamp("2027-10-31") and pd.isna(out.iloc[1])


@pytest.mark.parametrize("gender", ["X", "", "Nam"])
def test_unknown_gender_raises(gender):
    with pytest.raises(ValueError):
        retirement_date(date(1970, 1, 1), gender)
    with pytest.raises(ValueError):
        retirement_dates(pd.Series([pd.Timestamp("1970-01-01")]), pd.Series([gender]))


def test_years_to_retirement():
    years = years_to_retirement(pd.Series([pd.Timestamp("1966-01-01")]), pd.Series(["M"]), date(2026, 1, 1))
    assert years.iloc[0] == pytest.approx((date(2027, 10, 31) - date(2026, 1, 1)).days / 365.25)


BIRTHS = st.dates(date(1930, 1, 1), date(2010, 12, 31))


@settings(max_examples=300, deadline=None)
@given(birth=BIRTHS, gender=st.sampled_from("MF"))
def test_the_age_that_applies_is_that_of_the_year_it_is_reached(birth, gender):
    """The date is the first month-end at which the person is as old as that year's age."""
    out = retirement_date(birth, gender)
    born = birth.year * 12 + birth.month - 1            # months since year 0
    end = out.year * 12 + out.month - 1
    assert end - born == retirement_age_months(out.year, gender)
    for month in range(born + 55 * 12, end):            # not old enough in any month before
        assert month - born < retirement_age_months(month // 12, gender)
    assert out.day == pd.Timestamp(out).days_in_month


@settings(max_examples=40, deadline=None)
@given(people=st.lists(st.tuples(BIRTHS, st.sampled_from("MF")), min_size=1, max_size=50))
def test_vectorised_agrees_with_scalar(people):
    birth = pd.Series([pd.Timestamp(b) for b, _ in people], dtype="datetime64[ns]")
    gender = pd.Series([g for _, g in people])
    out = retirement_dates(birth, gender)
    assert [d.date() for d in out] == [retirement_date(b, g) for b, g in people]
