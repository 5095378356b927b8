"""Warnings for values that are valid but implausible (docs/contract.md §4).

A dataset that passes `models.validation` may still hold a typo that no rule refuses: a unit
at (0, 0), a birth year of 2030, a quota of 10¹², an expertise code misspelt. Such values are
not errors — the plan can be made — but a planner must see them. `implausible(ds, plan_date)`
returns them as `Problem` records (table, row, column, value, message) in table order;
`staffing validate` prints them grouped like errors and `staffing solve` repeats them in
`summary.json` under `warnings`.

The rules, each one function below:

- `unit_outside_vietnam`: a unit's latitude outside 8–24 or longitude outside 102–118
  (Vietnam's bounding box, the islands included);
- `implausible_age`: a staff member younger than 18, or older than the statutory retirement
  age plus 10 years (`models.retirement`), on the plan date;
- `quota_beyond_staff`: a quota larger than ten times the unit's staff (all positions; a
  unit without staff counts as one, so a new unit's few posts pass);
- `unknown_areas`: an officer's expertise area, or a province need's area, not listed in the
  dataset's `areas` table (only when the dataset has one);
- `road_shorter_than_great_circle`: a road distance shorter than the great-circle distance
  between the two units (beyond `ROAD_TOLERANCE`, for rounded coordinates).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models.dataset import TABLE_NAMES, Dataset
from models.geo import haversine_km
from models.retirement import retirement_dates
from models.validation import ROW_COLUMN, Problem, group

__all__ = ["implausible", "unit_outside_vietnam", "implausible_age", "quota_beyond_staff",
           "unknown_areas", "road_shorter_than_great_circle", "warning_records", "LAT_RANGE", "LON_RANGE",
           "MIN_AGE", "YEARS_PAST_RETIREMENT", "QUOTA_TIMES_STAFF", "ROAD_TOLERANCE"]

LAT_RANGE = (8.0, 24.0)
LON_RANGE = (102.0, 118.0)
MIN_AGE = 18
YEARS_PAST_RETIREMENT = 10
QUOTA_TIMES_STAFF = 10
#: a road may be this much shorter than the great circle (relative) before it is implausible
ROAD_TOLERANCE = 0.005


def _text(value) -> str:
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _warn(table: str, frame: pd.DataFrame, mask, column: str, message) -> list[Problem]:
    rows = frame[np.asarray(mask, dtype=bool)]
    if ROW_COLUMN not in rows.columns:        # a dataset built in code: no file rows to name
        rows = rows.assign(**{ROW_COLUMN: np.flatnonzero(np.asarray(mask, dtype=bool)) + 2})
    return [Problem(table, int(r[ROW_COLUMN]), column, _text(r[column]),
                    message(r) if callable(message) else message)
            for _, r in rows.iterrows()]


def unit_outside_vietnam(units: pd.DataFrame) -> list[Problem]:
    out = []
    for column, (lo, hi), name in (("lat", LAT_RANGE, "latitude"), ("lon", LON_RANGE, "longitude")):
        values = units[column].to_numpy(dtype=float)
        out += _warn("units", units, (values < lo) | (values > hi), column,
                     f"{name} outside Vietnam ({lo:g}–{hi:g}, islands included): are the "
                     "coordinates right (latitude and longitude swapped, a missing decimal point)?")
    return out


def implausible_age(staff: pd.DataFrame, plan_date: dt.date) -> list[Problem]:
    on = pd.Timestamp(plan_date)
    birth = staff["birth_date"]
    adult = birth + pd.DateOffset(years=MIN_AGE)
    limit = retirement_dates(birth, staff["gender"]) + pd.DateOffset(years=YEARS_PAST_RETIREMENT)
    young = (adult > on).to_numpy()
    old = (limit < on).to_numpy()
    return (_warn("staff", staff, young, "birth_date",
                  f"younger than {MIN_AGE} on the plan date {plan_date.isoformat()}: is the birth year right?")
            + _warn("staff", staff, old, "birth_date",
                    f"more than {YEARS_PAST_RETIREMENT} years past the statutory retirement age on "
                    f"the plan date {plan_date.isoformat()}: is the birth year right?"))


def quota_beyond_staff(quotas: pd.DataFrame, staff: pd.DataFrame) -> list[Problem]:
    per_unit = staff.groupby("unit_code").size()
    unit_staff = quotas["unit_code"].map(per_unit).fillna(0).astype("int64")
    bound = QUOTA_TIMES_STAFF * unit_staff.clip(lower=1)
    frame = quotas.assign(_staff=unit_staff.to_numpy())
    return _warn("quotas", frame, (quotas["quota"] > bound).to_numpy(), "quota",
                 lambda r: f"more than {QUOTA_TIMES_STAFF} times the unit's staff "
                           f"({int(r['_staff']):,}): is the quota right?")


def unknown_areas(officers: pd.DataFrame | None, needs: pd.DataFrame | None,
                  areas: pd.DataFrame | None) -> list[Problem]:
    if areas is None:
        return []
    known = set(areas["area"])
    out = []
    if officers is not None:
        for _, r in officers.iterrows():
            for code in (c.strip() for c in str(r["expertise"]).split(";")):
                if code and code not in known:
                    out.append(Problem("officers", int(r[ROW_COLUMN]), "expertise", code,
                                       "area not in table areas: a misspelt code scores nothing"))
    if needs is not None:
        out += _warn("province_needs", needs, ~needs["area"].isin(known).to_numpy(), "area",
                     "area not in table areas: no officer's expertise can match a misspelt code")
    return out


def road_shorter_than_great_circle(distances: pd.DataFrame | None, units: pd.DataFrame) -> list[Problem]:
    if distances is None or distances.empty:
        return []
    where = units.set_index("unit_code")[["lat", "lon"]]
    a = where.reindex(distances["from_unit"]).to_numpy()
    b = where.reindex(distances["to_unit"]).to_numpy()
    straight = haversine_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    km = distances["km"].to_numpy(dtype=float)
    short = np.nan_to_num(km < straight * (1 - ROAD_TOLERANCE) - 1e-9, nan=False)
    frame = distances.assign(_straight=straight)
    return _warn("distances", frame, short, "km",
                 lambda r: f"shorter than the great-circle distance between the two units "
                           f"({r['_straight']:.1f} km): is the distance or a unit's position right?")


def implausible(ds: Dataset, plan_date: dt.date = dt.date(2026, 1, 1)) -> list[Problem]:
    """Every warning of the dataset, in table order then row order."""
    found = (unit_outside_vietnam(ds.units) + implausible_age(ds.staff, plan_date)
             + quota_beyond_staff(ds.quotas, ds.staff)
             + unknown_areas(ds.officers, ds.province_needs, ds.areas)
             + road_shorter_than_great_circle(ds.distances, ds.units))
    rank = {t: i for i, t in enumerate(TABLE_NAMES)}
    return sorted(found, key=lambda p: (rank.get(p.table, -1), p.row or 0))


def warning_records(found: list[Problem]) -> list[dict]:
    """The warnings as summary.json writes them: grouped like the printed ones (a fault in many
    rows of a column is one record with `row` null), each {table, row, column, value, message}."""
    return [{"table": p.table, "row": p.row, "column": p.column, "value": p.value,
             "message": p.message} for p in group(found)]
