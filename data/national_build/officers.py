"""The Ministry's 34 support officers and the provinces' needs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import nfc, weighted_choice
from .facts import PROVINCE_POPULATION
from .roster import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, balance_table
from .state import Build

# ---------------------------------------------------------------------------------------
# 4. Ministry support officers and provincial needs
# ---------------------------------------------------------------------------------------
AREAS = [
    ("to_chuc_bo_may", "Tổ chức bộ máy", "Organisation of the apparatus"),
    ("bien_che_vtvl", "Biên chế và vị trí việc làm", "Staffing quotas and job positions"),
    ("chinh_quyen_dia_phuong", "Chính quyền địa phương", "Local government"),
    ("cai_cach_hanh_chinh", "Cải cách hành chính", "Administrative reform"),
    ("tien_luong", "Tiền lương", "Salaries"),
    ("thi_dua_khen_thuong", "Thi đua, khen thưởng", "Emulation and rewards"),
    ("ton_giao", "Tôn giáo", "Religion"),
    ("van_thu_luu_tru", "Văn thư, lưu trữ", "Records and archives"),
    ("lao_dong_viec_lam", "Lao động, việc làm", "Labour and employment"),
    ("bao_hiem_xa_hoi", "Bảo hiểm xã hội", "Social insurance"),
    ("chuyen_doi_so", "Chuyển đổi số trong hành chính", "Digital transformation of administration"),
    ("dao_tao_boi_duong", "Đào tạo, bồi dưỡng cán bộ, công chức", "Training of civil servants"),
]
AREA_CODES = [a[0] for a in AREAS]
# Ministry unit, its kind (Vụ/Cục/...) for titles, the areas its officers know.
MINISTRY_UNITS = [
    ("Vụ Tổ chức – Biên chế", "Vụ", ["bien_che_vtvl", "to_chuc_bo_may"]),
    ("Vụ Chính quyền địa phương", "Vụ", ["chinh_quyen_dia_phuong", "ton_giao"]),
    ("Vụ Công chức – Viên chức", "Vụ", ["bien_che_vtvl", "dao_tao_boi_duong"]),
    ("Vụ Cải cách hành chính", "Vụ", ["cai_cach_hanh_chinh", "chuyen_doi_so"]),
    ("Vụ Tiền lương", "Vụ", ["tien_luong", "bao_hiem_xa_hoi"]),
    ("Vụ Tổ chức cán bộ", "Vụ", ["to_chuc_bo_may", "dao_tao_boi_duong"]),
    ("Ban Thi đua – Khen thưởng Trung ương", "Ban", ["thi_dua_khen_thuong"]),
    ("Cục Văn thư và Lưu trữ nhà nước", "Cục", ["van_thu_luu_tru", "chuyen_doi_so"]),
    ("Cục Việc làm", "Cục", ["lao_dong_viec_lam"]),
    ("Vụ Bảo hiểm xã hội", "Vụ", ["bao_hiem_xa_hoi", "tien_luong"]),
    ("Trung tâm Công nghệ thông tin", "Trung tâm", ["chuyen_doi_so", "cai_cach_hanh_chinh"]),
    ("Văn phòng Bộ", "Văn phòng", ["cai_cach_hanh_chinh", "van_thu_luu_tru"]),
]
# How many of the 34 officers come from each unit (sums to 34).
MINISTRY_UNIT_COUNTS = [5, 5, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2]
RELIGION_STRONG = {"80", "91", "52", "66", "68", "11", "12"}   # Cao Đài, Hòa Hảo, Tây Nguyên, NW Protestants
RELIGION_MODERATE = {"37", "75", "40", "92", "86", "46", "51", "08", "15", "04", "20", "14", "96"}
INDUSTRIAL = {"79", "24", "75", "31", "33", "80", "25", "19", "01", "48"}


def build_needs(bld: Build):
    prov, u = bld.prov, bld.u
    rg = bld.rng["needs"]
    bal = balance_table(bld)
    bal["pc"] = bal.unit_code.map(u.set_index("unit_code").province_code)
    byp = bal.groupby("pc").agg(short=("shortage", "sum"), sur=("surplus", "sum"),
                                 quota=("quota", "sum"))
    it = bal[bal.position_code == "CNTT"].groupby("pc").agg(s=("shortage", "sum"),
                                                            q=("quota", "sum"))
    codes = prov.province_code.to_numpy()
    short_rate = (byp.short / byp.quota).reindex(codes).to_numpy()
    sur_rate = (byp.sur / byp.quota).reindex(codes).to_numpy()
    it_rate = (it.s / it.q).reindex(codes).fillna(0).to_numpy()
    nunits = u.groupby("province_code").size().reindex(codes).to_numpy()
    mshare = u.groupby("province_code").mountainous.mean().reindex(codes).to_numpy()
    popn = np.array([PROVINCE_POPULATION[c][0] for c in codes], dtype=float)
    mf = prov.merged_from.to_numpy()

    def rank01(x):   # 0..1 by rank (ties broken by order, deterministic)
        r = np.argsort(np.argsort(x, kind="stable"), kind="stable")
        return r / (len(x) - 1)

    S = {
        "bien_che_vtvl": 1.5 + 3.5 * rank01(short_rate),
        "chinh_quyen_dia_phuong": np.select([nunits >= 120, nunits >= 95, nunits >= 65],
                                            [4.6, 3.8, 3.0], 2.2),
        "to_chuc_bo_may": np.select([mf == 3, mf == 2], [4.2, 3.2], 1.5),
        "chuyen_doi_so": 1.0 + 4.0 * rank01(it_rate),
        "ton_giao": np.where(np.isin(codes, list(RELIGION_STRONG)), 4.6,
                             np.where(np.isin(codes, list(RELIGION_MODERATE)), 3.2, 0.8)),
        "tien_luong": 1.0 + 3.0 * rank01(sur_rate),
        "bao_hiem_xa_hoi": 0.8 + 2.8 * rank01(sur_rate),
        "cai_cach_hanh_chinh": 1.0 + 3.0 * rank01(popn),
        "van_thu_luu_tru": np.select([mf == 3, mf == 2], [3.0, 2.4], 1.2),
        "lao_dong_viec_lam": np.where(np.isin(codes, list(INDUSTRIAL)), 3.6, 1.4),
        "dao_tao_boi_duong": 1.0 + 3.2 * mshare,
        "thi_dua_khen_thuong": np.full(len(codes), 1.2),
    }
    M = np.column_stack([S[a] for a in AREA_CODES]) + rg.uniform(-0.35, 0.35,
                                                                 (len(codes), len(AREA_CODES)))
    rows = []
    for i, pc in enumerate(codes):
        order = np.argsort(-M[i], kind="stable")
        k = int(np.clip((M[i] >= 3.0).sum(), 3, 6))
        for j in order[:k]:
            rows.append((pc, AREA_CODES[j],
                         int(np.clip(np.rint(1.25 * M[i, j] - 1.5), 1, 5))))
    needs = pd.DataFrame(rows, columns=["province_code", "area", "weight"])
    bld.needs = needs
    bld.prov_balance = byp


def build_officers(bld: Build):
    ro = bld.rng["officers"]
    prov = bld.prov
    # home provinces: the Ministry's staff come mostly from the north and centre
    codes = prov.province_code.to_numpy()
    w = np.where(prov.lat > 19.5, 3.0, np.where(prov.lat > 15.5, 2.0, 0.8))
    w[codes == "01"] = 8.0
    rows = []
    k = 0
    need_w = bld.needs.pivot_table(index="province_code", columns="area",
                                    values="weight", fill_value=0, aggfunc="sum")
    titles_lead = {"Vụ": ("Vụ trưởng", "Phó Vụ trưởng"), "Cục": ("Cục trưởng", "Phó Cục trưởng"),
                   "Ban": ("Trưởng ban", "Phó Trưởng ban"),
                   "Trung tâm": ("Giám đốc", "Phó Giám đốc"),
                   "Văn phòng": ("Chánh Văn phòng", "Phó Chánh Văn phòng")}
    for (unit, kind, areas), cnt in zip(MINISTRY_UNITS, MINISTRY_UNIT_COUNTS):
        for j in range(cnt):
            k += 1
            male = ro.random() < 0.6
            fam = weighted_choice(ro, [f for f, _ in FAMILY], [x for _, x in FAMILY], 1)[0]
            fam = {"HOANG": "Hoàng", "VU": "Vũ"}.get(fam, fam)
            mid = weighted_choice(ro, *zip(*(MIDDLE_M if male else MIDDLE_F)), 1)[0]
            giv = ro.choice([g for g in (GIVEN_M if male else GIVEN_F) if g != mid])
            r = ro.random()
            if j == 0:
                title = f"{titles_lead[kind][1]} {unit}"
                sen = int(ro.integers(18, 31))
            elif r < 0.45:
                title = f"Trưởng phòng, {unit}"
                sen = int(ro.integers(12, 26))
            elif r < 0.75:
                title = f"Chuyên viên chính, {unit}"
                sen = int(ro.integers(8, 20))
            else:
                title = f"Chuyên viên, {unit}"
                sen = int(ro.integers(5, 12))
            exp = [areas[0]]
            if len(areas) > 1 and ro.random() < 0.7:
                exp.append(areas[1])
            if ro.random() < 0.5:
                others = [a for a in AREA_CODES if a not in exp]
                exp.append(str(ro.choice(others)))
            # some officers come from a province that needs exactly what they know,
            # so that the "not to the home province" rule has a price
            fit = need_w.reindex(columns=exp, fill_value=0).sum(axis=1).reindex(codes)
            if ro.random() < 0.5:
                top = fit.sort_values(ascending=False, kind="stable").index[:2]
                home = str(ro.choice(list(top)))
            else:
                home = str(ro.choice(codes, p=w / w.sum()))
            rows.append((f"CB{k:02d}", nfc(f"{fam} {mid} {giv}"), home, ";".join(exp), sen,
                         nfc(title), unit))
    off = pd.DataFrame(rows, columns=["officer_id", "full_name", "home_province_code",
                                      "expertise", "seniority", "title", "unit"])
    assert len(off) == 34 and off.home_province_code.nunique() >= 2
    bld.officers = off


def officers_optimum(off: pd.DataFrame, needs: pd.DataFrame):
    """Best total match score of a one-to-one posting, with and without the home rule."""
    try:
        from ortools.graph.python import linear_sum_assignment
    except Exception:       # pragma: no cover
        return None
    W = needs.pivot_table(index="province_code", columns="area", values="weight",
                          fill_value=0, aggfunc="sum")
    provs = list(W.index)
    S = np.zeros((len(off), len(provs)))
    for i, e in enumerate(off.expertise):
        for a in e.split(";"):
            if a in W.columns:
                S[i] += W[a].to_numpy()
    out = []
    for exclude in (True, False):
        a = linear_sum_assignment.SimpleLinearSumAssignment()
        for i, h in enumerate(off.home_province_code):
            for j, pc in enumerate(provs):
                if exclude and pc == h:
                    continue
                a.add_arc_with_cost(i, j, int(-S[i, j]))
        assert a.solve() == a.OPTIMAL
        out.append(-a.optimal_cost())
    return tuple(out)
