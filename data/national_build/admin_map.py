"""The real 2025 map (read from the vietnamadminunits package) and the estimates on it:
missing areas, the mountainous flag, commune populations and the remote flag."""
from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from models.geo import haversine_km

from .common import nfc
from .facts import (MOUNTAIN_ALL, MOUNTAIN_AREA_KM2, MOUNTAIN_PART, NOT_MERGED, PACKAGE,
                    PACKAGE_VERSION, POP_ALPHA, POP_MOUNTAIN_FACTOR, POP_TYPE_FACTOR,
                    PROVINCE_AREA_OFFICIAL, PROVINCE_POPULATION, REDUCTION_PCT,
                    REMOTE_MAX_DENSITY, REMOTE_MIN_KM_TO_WARD, SPECIAL_ZONE_POP)
from .state import Build


def load_map(bld: Build):
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        sys.exit(f"the package {PACKAGE}=={PACKAGE_VERSION} is needed: "
                 f"pip install {PACKAGE}=={PACKAGE_VERSION}")
    pkg = Path(spec.origin).parent
    con = sqlite3.connect(f"file:{pkg / 'data' / 'dataset.db'}?mode=ro", uri=True)
    au = pd.read_sql(
        "SELECT provinceCode, province, provinceShort, provinceKey, provinceLat, "
        "provinceLon, wardCode, ward, wardShort, wardKey, wardType, wardLat, wardLon, "
        "wardAreaKm2 FROM admin_units", con)
    legacy = pd.read_sql(
        "SELECT DISTINCT provinceKey, province FROM admin_units_legacy", con)
    bounds = pd.read_sql(
        "SELECT provinceKey, districtKey, wardKey, wardBounds FROM admin_units_legacy "
        "WHERE wardBounds IS NOT NULL", con)
    con.close()
    conv = json.loads((pkg / "data" / "converter_2025.json").read_text("utf-8"))
    assert len(au) == 3321 and au.wardCode.is_unique, "unexpected package content"
    for c in ("province", "provinceShort", "ward", "wardShort", "wardType"):
        au[c] = au[c].map(nfc)
    au = au.sort_values("wardCode", kind="stable").reset_index(drop=True)

    # constituent former communes of each new unit (converter_2025.json)
    cons: dict[tuple[str, str], list[str]] = {}
    for pk in sorted(conv["DICT_PROVINCE_WARD_NO_DIVIDED"]):
        for wk, lst in sorted(conv["DICT_PROVINCE_WARD_NO_DIVIDED"][pk].items()):
            cons.setdefault((pk, wk), []).extend(lst)
    for pk in sorted(conv["DICT_PROVINCE_WARD_DIVIDED"]):
        for lk, lst in sorted(conv["DICT_PROVINCE_WARD_DIVIDED"][pk].items()):
            for e in lst:
                cons.setdefault((pk, e["newWardKey"]), []).append(lk)
    # bounding-box area (km²) of each former commune, for estimating missing areas
    bb = bounds.wardBounds.str.extract(
        r"([-\d.]+),([-\d.]+)\s*\S\s*([-\d.]+),([-\d.]+)").astype(float)
    box_km2 = ((bb[2] - bb[0]).abs() * 111.32
               * (bb[3] - bb[1]).abs() * 111.32 * np.cos(np.radians((bb[0] + bb[2]) / 2)))
    box = dict(zip(bounds.provinceKey + "_" + bounds.districtKey + "_" + bounds.wardKey,
                   box_km2))
    main_prov, has_town, n_former, box_sum = [], [], [], []
    for pk, wk in zip(au.provinceKey, au.wardKey):
        lst = cons.get((pk, wk), [])
        provs = [x.split("_")[0] for x in lst] or [pk]
        vals, counts = np.unique(provs, return_counts=True)
        main_prov.append(vals[np.argmax(counts)])      # ties: alphabetical first
        has_town.append(any(x.split("_")[2].startswith("thitran") for x in lst))
        n_former.append(len(lst))
        vals_b = [box.get(x) for x in lst]
        box_sum.append(sum(vals_b) if lst and all(v is not None for v in vals_b) else np.nan)
    au["former_key"] = main_prov
    au["former_town"] = has_town
    au["n_former_units"] = n_former
    au["box_km2"] = box_sum
    legacy_name = dict(zip(legacy.provinceKey, legacy.province.map(nfc)))
    au["former_province"] = au.former_key.map(legacy_name)

    # merged_from, derived two ways and checked against the brief's list
    mf_dict = {pk: len(v) for pk, v in conv["DICT_PROVINCE"].items()}
    mf_units = au.groupby("provinceKey").former_key.nunique()
    prov = (au.groupby("provinceCode", sort=True)
              .agg(name=("province", "first"), short_name=("provinceShort", "first"),
                   key=("provinceKey", "first"), lat=("provinceLat", "first"),
                   lon=("provinceLon", "first"))
              .reset_index().rename(columns={"provinceCode": "province_code"}))
    prov["merged_from"] = prov.key.map(mf_dict).astype(int)
    # counts from the unit-level mapping can only be >= (all former provinces appear)
    assert (prov.key.map(mf_units).to_numpy() == prov.merged_from.to_numpy()).all(), \
        "merged_from: DICT_PROVINCE and the ward mapping disagree"
    not_merged = set(prov.loc[prov.merged_from == 1, "short_name"])
    assert not_merged == NOT_MERGED, f"merged_from differs from the brief: {not_merged}"
    assert prov.merged_from.isin([1, 2, 3]).all() and (prov.merged_from > 1).sum() == 23
    prov["quota_reduction_pct"] = prov.merged_from.map(REDUCTION_PCT)
    bld.au, bld.prov = au, prov



def estimate_units(bld: Build):
    au, prov = bld.au, bld.prov
    ut = au.wardType.map({"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"})
    assert ut.notna().all()
    # In 4 rows of the package wardType contradicts the official name ("Phường Việt
    # Hòa" typed Xã, "Xã Vĩnh Hòa" typed Phường, ...); the swaps cancel out (687 phường
    # either way).  The name is the legal one, so the type follows the name.
    by_name = au.ward.str.split(" ").str[0].map({"Xã": "xa", "Phường": "phuong",
                                                "Đặc": "dac_khu"})
    assert by_name.notna().all()
    fix = by_name != ut
    bld.stats["type_fixes"] = [(c, n, t) for c, n, t in
                                zip(au.wardCode[fix], au.ward[fix], au.wardType[fix])]
    ut = by_name
    u = pd.DataFrame({
        "unit_code": au.wardCode, "name": au.ward, "province_code": au.provinceCode,
        "unit_type": ut, "lat": au.wardLat.astype(float), "lon": au.wardLon.astype(float),
        "area_km2": au.wardAreaKm2.astype(float),
    })
    # missing (NULL) or zero areas: the sum of the bounding-box areas of the unit's
    # former communes (package table admin_units_legacy, column wardBounds) times the
    # median ratio area / bounding-box sum over the units whose area is known.
    bad = u.area_km2.isna() | (u.area_km2 <= 0)
    u["area_estimated"] = bad
    boxes = au.box_km2.to_numpy()
    ok = ~bad.to_numpy() & np.isfinite(boxes) & (boxes > 0)
    ratio = float(np.median(u.area_km2.to_numpy()[ok] / boxes[ok]))
    est = {int(i): float(ratio * boxes[i]) for i in np.flatnonzero(bad.to_numpy())}
    assert all(np.isfinite(v) and v > 0 for v in est.values())
    for i, v in est.items():
        u.iat[i, u.columns.get_loc("area_km2")] = round(v, 2)
    bld.stats["area_ratio"] = ratio
    qt = u.province_code.eq("44")
    bld.stats["qt_check"] = (float(u.area_km2[qt & bad].sum()),
                              PROVINCE_AREA_OFFICIAL["44"] - float(u.area_km2[qt & ~bad].sum()))
    bld.stats["area_estimates"] = [(u.name.iat[i], u.area_km2.iat[i]) for i in sorted(est)]

    # mountainous (estimate)
    fk = au.former_key
    is_xa = u.unit_type.eq("xa")
    u["mountainous"] = is_xa & (fk.isin(MOUNTAIN_ALL)
                                | (fk.isin(MOUNTAIN_PART) & (u.area_km2 >= MOUNTAIN_AREA_KM2)))

    # population (estimate)
    pop_prov = pd.Series({c: PROVINCE_POPULATION[c][0] for c in prov.province_code})
    w = (u.unit_type.map(POP_TYPE_FACTOR).fillna(0.0)
         * np.power(np.maximum(u.area_km2, 1.0), POP_ALPHA)
         * np.where(u.mountainous, POP_MOUNTAIN_FACTOR, 1.0))
    short = au.wardShort
    fixed = np.where(u.unit_type.eq("dac_khu"), short.map(SPECIAL_ZONE_POP), np.nan)
    assert not np.isnan(fixed[u.unit_type.eq("dac_khu").to_numpy()]).any()
    u["_fixed"] = fixed
    u["_w"] = w
    rest = (pop_prov.reindex(u.province_code).to_numpy()
            - u.groupby("province_code")._fixed.transform("sum").fillna(0).to_numpy())
    wsum = u.groupby("province_code")._w.transform("sum").to_numpy()
    pop = np.where(np.isnan(fixed), rest * w / wsum, fixed)
    # integer populations that still sum exactly to the province figure
    pop_i = np.floor(pop).astype(np.int64)
    frac = pop - pop_i
    for pc, g in u.groupby("province_code", sort=True):
        idx = g.index.to_numpy()
        missing = int(round(pop_prov[pc] - pop_i[idx].sum()))
        order = idx[np.lexsort((idx, -frac[idx]))]
        pop_i[order[:missing]] += 1
    u["population"] = pop_i
    u = u.drop(columns=["_fixed", "_w"])

    # remote (estimate)
    wards = u[u.unit_type.eq("phuong")]
    dmin = np.full(len(u), np.inf)
    for start in range(0, len(u), 500):
        sl = slice(start, start + 500)
        d = haversine_km(u.lat.to_numpy()[sl, None], u.lon.to_numpy()[sl, None],
                      wards.lat.to_numpy()[None, :], wards.lon.to_numpy()[None, :])
        dmin[sl] = d.min(axis=1)
    density = u.population / np.maximum(u.area_km2, 0.5)
    u["km_to_ward"] = np.round(dmin, 1)
    u["remote"] = u.unit_type.eq("dac_khu") | (
        u.mountainous & (density < REMOTE_MAX_DENSITY) & (dmin >= REMOTE_MIN_KM_TO_WARD))
    u["former_province"] = au.former_province
    u["former_town"] = au.former_town
    bld.u = u
