"""Writing the tables and checking the written files."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from models.io import read_dataset
from models.retirement import retirement_dates
from models.tables import TABLES, columns
from models.validation import DatasetError

from .common import fmt_bool, nfc, write_csv
from .exemptions import EXEMPT_SHARES
from .facts import DEPARTMENTS, PLAN_DATE, POPULATION_SOURCE, PROVINCE_POPULATION
from .officers import AREAS
from .state import Build

#: columns of staff.csv beyond the contract that this dataset promises
STAFF_EXTRAS = ["note", "monthly_salary_vnd", "insurance_years", "exempt_reason"]
TABLE_FILES = ["provinces", "units", "positions", "quotas", "staff", "officers",
               "province_needs", "areas"]


def write(bld: Build, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    prov, u = bld.prov, bld.u
    cnt = u.groupby("province_code").unit_type.value_counts().unstack(fill_value=0)
    provinces = pd.DataFrame({
        "province_code": prov.province_code, "name": prov.name,
        "lat": prov.lat, "lon": prov.lon,
        "population": [PROVINCE_POPULATION[c][0] for c in prov.province_code],
        "population_source": [POPULATION_SOURCE[PROVINCE_POPULATION[c][1]]
                              for c in prov.province_code],
        "merged_from": prov.merged_from, "quota_reduction_pct": prov.quota_reduction_pct,
        "short_name": prov.short_name,
        "n_units": cnt.sum(axis=1).reindex(prov.province_code).to_numpy(),
        "n_xa": cnt["xa"].reindex(prov.province_code).to_numpy(),
        "n_phuong": cnt["phuong"].reindex(prov.province_code).to_numpy(),
        "n_dac_khu": cnt["dac_khu"].reindex(prov.province_code).to_numpy(),
    })
    write_csv(provinces, out / "provinces.csv")
    units = pd.DataFrame({
        "unit_code": u.unit_code, "name": u.name, "province_code": u.province_code,
        "unit_type": u.unit_type, "lat": u.lat, "lon": u.lon, "area_km2": u.area_km2,
        "population": u.population, "remote": fmt_bool(u.remote),
        "mountainous": fmt_bool(u.mountainous), "area_estimated": fmt_bool(u.area_estimated),
        "population_estimated": "true", "staff_norm": u.staff_norm,
        "quota_total": u.quota_total, "former_province": u.former_province,
    })
    write_csv(units, out / "units.csv")
    prio = np.where(bld.pos.shortage_field, 3,
                    np.where(bld.pos.group.isin(["common", "support"]), 1, 2))
    positions = pd.DataFrame({
        "position_code": bld.pos.position_code, "name": bld.pos.name,
        "group": bld.pos.group, "priority": prio, "department": bld.pos.department,
        "department_name": bld.pos.department.map(DEPARTMENTS),
        "shortage_field": fmt_bool(bld.pos.shortage_field),
    })
    write_csv(positions, out / "positions.csv")
    write_csv(bld.quotas, out / "quotas.csv")
    write_csv(bld.staff, out / "staff.csv")
    write_csv(bld.officers, out / "officers.csv")
    write_csv(bld.needs, out / "province_needs.csv")
    write_csv(pd.DataFrame(AREAS, columns=["area", "name", "name_en"]), out / "areas.csv")
    about = ("Bộ dữ liệu quốc gia: bản đồ hành chính 2025 thật; dân số xã, biên chế, danh "
             "sách công chức (cả lương, số năm đóng BHXH, trường hợp không điều động) và cán bộ "
             "hỗ trợ là DỮ LIỆU TỔNG HỢP (ước tính/synthetic), hiệu chỉnh theo số liệu công bố "
             "— không phải số liệu thật. / National dataset: real 2025 administrative map; "
             "commune populations, quotas, staff roster (with salaries, insurance years and "
             "transfer exemptions) and support officers are SYNTHETIC (estimated, calibrated "
             "to published figures) — not real records.")
    (out / "ABOUT.txt").write_bytes((nfc(about) + "\n").encode("utf-8"))
    bld.positions_out = positions



def self_check(out: Path) -> list[str]:
    """Problems of the written folder (empty when it is fine).

    The contract's own checks come first: `models.io.read_dataset` reads the folder exactly
    as `staffing validate` does (the columns, types, enumerations, keys and references of
    every table come from the row models of `models.tables`). Then what only this dataset
    promises: files as the contract writes them (UTF-8 without BOM, LF, NFC), the 34
    provinces and 3,321 units, codes as digit text, the extra `areas` table and the extra
    staff columns, nobody past retirement (`models.retirement`) or under 23 at the plan date.
    """
    errs: list[str] = []
    for name in TABLE_FILES:
        raw = (out / f"{name}.csv").read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            errs.append(f"{name}: BOM")
        if b"\r" in raw:
            errs.append(f"{name}: CR line endings")
        txt = raw.decode("utf-8")
        if unicodedata.normalize("NFC", txt) != txt:
            errs.append(f"{name}: text not NFC")
    try:
        ds = read_dataset(out)
    except DatasetError as e:
        return errs + [str(p) for p in e.problems]
    # distances, the conversions (hand-written, not built here) and the planners' decisions and
    # wishes (docs/contract.md §6, §8) are not built by this script
    missing = [f"{name}.csv" for name in TABLES if name not in ("distances", "conversions", "decisions", "wishes")
               and getattr(ds, name) is None]
    if missing:
        return errs + [f"missing tables: {', '.join(missing)}"]
    for name in TABLES:
        frame = getattr(ds, name)
        if frame is not None:
            absent = [c.name for c in columns(TABLES[name]) if c.name not in frame.columns]
            if absent:
                errs.append(f"{name}: contract columns not written: {absent}")
    p, u, s, o, nd = ds.provinces, ds.units, ds.staff, ds.officers, ds.province_needs
    ar = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False)
    if ar.duplicated("area").any():
        errs.append("areas: duplicate key ['area']")
    for col, name in [(nd.area, "province_needs.area"),
                      (o.expertise.str.split(";").explode(), "officers.expertise")]:
        bad = ~col.isin(set(ar.area))
        if bad.any():
            errs.append(f"{name}: {int(bad.sum())} not in areas.csv, e.g. {col[bad].iloc[0]!r}")
    upc = u.set_index("unit_code").province_code
    if (s.unit_code.map(upc) != s.home_unit_code.map(upc)).any():
        errs.append("staff.home_unit_code: not in the work unit's province")
    if not u.population.dropna().map(float.is_integer).all():
        errs.append("units.population: not a whole number")
    plan = pd.Timestamp(PLAN_DATE)
    if (retirement_dates(s.birth_date, s.gender) <= plan).any():
        errs.append("staff.birth_date: someone is past statutory retirement on the plan date")
    if (s.birth_date > plan - pd.DateOffset(years=23)).any():
        errs.append("staff.birth_date: someone younger than 23")
    for df, name, col, n in [(p, "provinces", "province_code", 2), (u, "units", "unit_code", 5)]:
        if not df[col].str.fullmatch(r"\d{%d}" % n).all():
            errs.append(f"{name}.{col}: not {n}-digit text")
    if len(p) != 34 or len(u) != 3321:
        errs.append(f"sizes: {len(p)} provinces, {len(u)} units")
    absent = [c for c in STAFF_EXTRAS if c not in s.columns]
    if absent:
        errs.append(f"staff: columns of this dataset not written: {absent}")
    else:
        errs += staff_extra_problems(s, plan)
    about = (out / "ABOUT.txt").read_text("utf-8")
    if about.count("\n") != 1:
        errs.append("ABOUT.txt: must be one line")
    if o.home_province_code.nunique() < 2:
        errs.append("officers: all share one home province")
    return errs


def staff_extra_problems(s: pd.DataFrame, plan: pd.Timestamp) -> list[str]:
    """The promises of the extra staff columns (`STAFF_EXTRAS`), on a validated staff table."""
    errs = []
    if (~s.movable != s.note.ne("")).any():
        errs.append("staff.note: must explain exactly the not-movable rows")
    salary = pd.to_numeric(s.monthly_salary_vnd, errors="coerce")
    if salary.isna().any() or (salary <= 0).any() or (salary % 1 != 0).any():
        errs.append("staff.monthly_salary_vnd: not a whole number of VND above 0")
    ins = pd.to_numeric(s.insurance_years, errors="coerce")
    age = (plan - s.birth_date).dt.days / 365.2425
    if ins.isna().any() or (ins < 0).any() or (ins > age - 18 + 1e-9).any():
        errs.append("staff.insurance_years: not a number in [0, age − 18]")
    code = s.exempt_reason.astype(str)
    unknown = ~code.isin([""] + list(EXEMPT_SHARES))
    if unknown.any():
        errs.append(f"staff.exempt_reason: unknown code {code[unknown].iloc[0]!r}")
    if (s.gender[code.isin(["child_under_36_months", "pregnant"])] != "F").any():
        errs.append("staff.exempt_reason: a woman's case given to a man")
    return errs
