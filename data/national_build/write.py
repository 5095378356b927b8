"""Writing the tables and checking the written files."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .common import fmt_bool, nfc, write_csv
from .facts import DEPARTMENTS, POPULATION_SOURCE, PROVINCE_POPULATION
from .officers import AREAS
from .state import Build


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
             "sách công chức và cán bộ hỗ trợ là DỮ LIỆU TỔNG HỢP (ước tính/synthetic), hiệu "
             "chỉnh theo số liệu công bố — không phải số liệu thật. / National dataset: real "
             "2025 administrative map; commune populations, quotas, staff roster and support "
             "officers are SYNTHETIC (estimated, calibrated to published figures) — not real "
             "records.")
    (out / "ABOUT.txt").write_bytes((nfc(about) + "\n").encode("utf-8"))
    bld.positions_out = positions



def self_check(out: Path) -> list[str]:
    errs: list[str] = []
    T = {}
    for name in ["provinces", "units", "positions", "quotas", "staff", "officers",
                 "province_needs", "areas"]:
        raw = (out / f"{name}.csv").read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            errs.append(f"{name}: BOM")
        if b"\r" in raw:
            errs.append(f"{name}: CR line endings")
        txt = raw.decode("utf-8")
        if unicodedata.normalize("NFC", txt) != txt:
            errs.append(f"{name}: text not NFC")
        T[name] = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
    p, u, po, q, s, o, nd, ar = (T[k] for k in ["provinces", "units", "positions", "quotas",
                                                 "staff", "officers", "province_needs", "areas"])

    def need(df, name, cols):
        for c in cols:
            if c not in df.columns:
                errs.append(f"{name}: missing column {c}")
            elif (df[c].str.strip() == "").any():
                errs.append(f"{name}.{c}: {int((df[c].str.strip() == '').sum())} empty")

    need(p, "provinces", ["province_code", "name"])
    need(u, "units", ["unit_code", "name", "province_code", "unit_type", "lat", "lon"])
    need(po, "positions", ["position_code", "name", "group"])
    need(s, "staff", ["staff_id", "unit_code", "position_code", "birth_date", "gender"])
    need(q, "quotas", ["unit_code", "position_code", "quota"])
    need(o, "officers", ["officer_id", "full_name", "home_province_code", "expertise"])
    need(nd, "province_needs", ["province_code", "area", "weight"])
    for df, name, key in [(p, "provinces", ["province_code"]), (u, "units", ["unit_code"]),
                          (po, "positions", ["position_code"]), (s, "staff", ["staff_id"]),
                          (q, "quotas", ["unit_code", "position_code"]),
                          (o, "officers", ["officer_id"]),
                          (nd, "province_needs", ["province_code", "area"]),
                          (ar, "areas", ["area"])]:
        if df.duplicated(key).any():
            errs.append(f"{name}: duplicate key {key}")
    refs = [(u.province_code, p.province_code, "units.province_code"),
            (s.unit_code, u.unit_code, "staff.unit_code"),
            (s.position_code, po.position_code, "staff.position_code"),
            (s.home_unit_code, u.unit_code, "staff.home_unit_code"),
            (q.unit_code, u.unit_code, "quotas.unit_code"),
            (q.position_code, po.position_code, "quotas.position_code"),
            (o.home_province_code, p.province_code, "officers.home_province_code"),
            (nd.province_code, p.province_code, "province_needs.province_code"),
            (nd.area, ar.area, "province_needs.area"),
            (o.expertise.str.split(";").explode(), ar.area, "officers.expertise")]
    for col, target, name in refs:
        bad = ~col.isin(set(target))
        if bad.any():
            errs.append(f"{name}: {int(bad.sum())} unknown, e.g. {col[bad].iloc[0]!r}")
    # home unit in the same province
    upc = u.set_index("unit_code").province_code
    if (s.unit_code.map(upc) != s.home_unit_code.map(upc)).any():
        errs.append("staff.home_unit_code: not in the work unit's province")
    enums = [(u.unit_type, {"xa", "phuong", "dac_khu"}, "units.unit_type"),
             (po.group, {"leadership", "professional", "common", "support"}, "positions.group"),
             (s.gender, {"M", "F"}, "staff.gender"),
             (s.movable, {"true", "false"}, "staff.movable"),
             (u.remote, {"true", "false"}, "units.remote")]
    for col, allowed, name in enums:
        if not col.isin(allowed).all():
            errs.append(f"{name}: values outside {sorted(allowed)}")
    for col, name, lo in [(q.quota, "quotas.quota", 0), (po.priority, "positions.priority", 1),
                          (o.seniority, "officers.seniority", 0),
                          (u.population, "units.population", 0)]:
        if not col.str.fullmatch(r"\d+").all() or (col.astype(int) < lo).any():
            errs.append(f"{name}: not a whole number >= {lo}")
    w = pd.to_numeric(nd.weight, errors="coerce")
    if w.isna().any() or (w < 0).any():
        errs.append("province_needs.weight: not a number >= 0")
    bd = pd.to_datetime(s.birth_date, format="%Y-%m-%d", errors="coerce")
    if bd.isna().any():
        errs.append("staff.birth_date: invalid dates")
    else:
        m = s.gender == "M"
        if (bd[m] <= "1965-01-01").any() or (bd[~m] <= "1969-07-01").any():
            errs.append("staff.birth_date: someone is (nearly) past retirement")
        if (bd > "2003-01-01").any():
            errs.append("staff.birth_date: someone younger than 23")
    for df, name, col, n in [(p, "provinces", "province_code", 2), (u, "units", "unit_code", 5)]:
        if not df[col].str.fullmatch(r"\d{%d}" % n).all():
            errs.append(f"{name}.{col}: not {n}-digit text")
    for c in ("lat", "lon"):
        v = pd.to_numeric(u[c], errors="coerce")
        if v.isna().any():
            errs.append(f"units.{c}: not numeric")
    if len(p) != 34 or len(u) != 3321:
        errs.append(f"sizes: {len(p)} provinces, {len(u)} units")
    if (s.movable.eq("false") != s.note.ne("")).any():
        errs.append("staff.note: must explain exactly the not-movable rows")
    about = (out / "ABOUT.txt").read_text("utf-8")
    if about.count("\n") != 1:
        errs.append("ABOUT.txt: must be one line")
    # a home-excluded one-to-one posting of the officers exists
    if o.home_province_code.nunique() < 2:
        errs.append("officers: all share one home province")
    return errs


def run_cli_validate(out: Path) -> str | None:
    """Run `staffing validate` through the project's reader when it exists."""
    try:
        import models.io  # noqa: F401
        from models.io import read_dataset
    except Exception:
        return None
    try:
        read_dataset(out)
    except Exception as e:      # DatasetError lists every problem
        probs = getattr(e, "problems", None)
        return "models.io.read_dataset failed: " + (
            "\n".join(map(str, probs[:30])) if probs else repr(e))
    return "ok"
