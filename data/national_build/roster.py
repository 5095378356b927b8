"""One row per person: gender, birth date, movable, name, home unit, salary, insurance years,
Decree 170 exemption."""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.geo import haversine_km

from .career import draw_ages, insurance_years, salaries
from .common import fmt_bool, nfc, weighted_choice
from .exemptions import EXEMPT_NOTES, exempt_reasons
from .facts import LEADERSHIP, PLAN_DATE
from .state import Build

# ---------------------------------------------------------------------------------------
# 3. Names
# ---------------------------------------------------------------------------------------
FAMILY = [("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("HOANG", 5.1),
          ("VU", 3.9), ("Phan", 4.5), ("Trương", 2.0), ("Bùi", 2.0), ("Đặng", 2.1),
          ("Đỗ", 1.4), ("Ngô", 1.3), ("Hồ", 1.3), ("Dương", 1.0), ("Lý", 0.5),
          ("Đinh", 1.0), ("Đoàn", 0.8), ("Lương", 0.6), ("Mai", 0.6), ("Trịnh", 0.6),
          ("Cao", 0.5), ("Lâm", 0.5), ("Hà", 0.5), ("Tạ", 0.3), ("Chu", 0.3)]
FAMILY_ETHNIC_NORTH = ["Lò", "Hà", "Nông", "Hoàng", "Lường", "Vi", "Sầm", "Giàng", "Sùng",
                       "Vàng", "Thào", "Lầu", "Lục", "Triệu", "Bế", "Ma"]
FAMILY_KHMER = ["Thạch", "Sơn", "Danh", "Kim", "Lâm", "Châu"]
MIDDLE_M = [("Văn", 34), ("Đức", 10), ("Minh", 10), ("Quang", 6), ("Hữu", 6), ("Công", 5),
            ("Thanh", 5), ("Ngọc", 4), ("Xuân", 4), ("Quốc", 5), ("Trọng", 3), ("Duy", 3),
            ("Hoàng", 3), ("Anh", 2), ("Tiến", 3), ("Mạnh", 3)]
MIDDLE_F = [("Thị", 48), ("Thu", 8), ("Ngọc", 8), ("Thanh", 6), ("Minh", 4),
            ("Phương", 4), ("Hồng", 5), ("Thùy", 4), ("Kim", 4), ("Bích", 3), ("Diệu", 2),
            ("Khánh", 2), ("Hải", 2)]
GIVEN_M = ["Anh", "Hùng", "Dũng", "Tuấn", "Hải", "Long", "Nam", "Sơn", "Thắng", "Hiếu",
           "Cường", "Minh", "Phong", "Quân", "Trung", "Bình", "Hoàng", "Huy", "Khoa", "Đạt",
           "Vinh", "Tài", "Thành", "Lâm", "Tùng", "Kiên", "Toàn", "Việt", "Hưng", "Lợi",
           "Phúc", "Tâm", "Tiến", "Tú", "Đức", "Hòa", "Khánh", "Quang", "Thịnh", "Hậu"]
GIVEN_F = ["Anh", "Hương", "Lan", "Hoa", "Linh", "Hà", "Trang", "Hằng", "Nga", "Phương",
           "Thảo", "Huyền", "Mai", "Ngọc", "Dung", "Thủy", "Loan", "Yến", "Nhung", "Hạnh",
           "Vân", "Hiền", "Oanh", "Giang", "Trinh", "Thư", "Nhi", "Quyên", "Tâm", "Hậu",
           "Liên", "Hồng", "Thúy", "Lý", "Chi", "My", "Duyên", "Hòa", "Huệ", "Tuyết"]
#: reasons a unit flags someone not movable besides the Decree 170 cases (exemptions.py)
OTHER_NOT_MOVABLE_NOTES = [
    "Đang được cử đi đào tạo, bồi dưỡng tập trung dài hạn",
    "Đang biệt phái có thời hạn theo quyết định của cấp có thẩm quyền",
]


def build_staff(bld: Build):
    u, pairs, pos = bld.u, bld.pairs, bld.pos
    ra, rn, rh = bld.rng["staff_attr"], bld.rng["names"], bld.rng["home"]
    pidx = {c: i for i, c in enumerate(pos.position_code)}
    pairs = pairs.assign(_p=pairs.position_code.map(pidx),
                         _pc=pairs._prov.map(dict(enumerate(bld.prov.province_code))))
    pairs = pairs.sort_values(["_pc", "unit_code", "_p"], kind="stable").reset_index(drop=True)
    reps = pairs.staff.to_numpy()
    n = int(reps.sum())
    st = pd.DataFrame({
        "unit_code": np.repeat(pairs.unit_code.to_numpy(), reps),
        "position_code": np.repeat(pairs.position_code.to_numpy(), reps),
    })
    st.insert(0, "staff_id", [f"NV{i:07d}" for i in range(1, n + 1)])
    # is the person's post in surplus (for the notes/age mix only)
    grp = st.position_code.map(dict(zip(pos.position_code, pos.group))).to_numpy()

    # gender
    pm = pd.Series(0.50, index=pos.position_code)
    pm[LEADERSHIP] = 0.66
    for c, v in {"LD_CHT_QS": 0.98, "LD_CHP_QS": 0.97, "TRO_LY_QS": 0.95, "LAI_XE": 0.99,
                 "Y_TE": 0.30, "KE_TOAN": 0.22, "KE_TOAN_TRUONG": 0.28, "THU_QUY": 0.2,
                 "VAN_THU": 0.2, "LUU_TRU": 0.3, "TAI_CHINH": 0.40, "GIAO_DUC": 0.40,
                 "BAO_TRO_XH": 0.40, "CNTT": 0.74, "XAY_DUNG": 0.82, "DIA_CHINH": 0.74,
                 "DO_THI": 0.76, "MOI_TRUONG": 0.6, "PHUC_VU": 0.2, "HANH_CHINH": 0.45,
                 "VAN_PHONG": 0.42, "MOT_CUA": 0.4, "NONG_NGHIEP": 0.7}.items():
        pm[c] = v
    male = ra.random(n) < st.position_code.map(pm).to_numpy()

    # age on 2026-01-01: the published age profile, leaders older (career.draw_ages)
    rc = bld.rng["career"]
    age = draw_ages(rc, grp, male)
    days = np.round(age * 365.2425).astype("int64")
    birth = PLAN_DATE - days.astype("timedelta64[D]")
    lo_m, lo_f = np.datetime64("1965-01-02"), np.datetime64("1969-07-02")
    birth = np.where(male, np.maximum(birth, lo_m), np.maximum(birth, lo_f))
    birth = np.minimum(birth, np.datetime64("2002-12-31")).astype("datetime64[D]")
    st["birth_date"] = birth.astype(str)
    st["gender"] = np.where(male, "M", "F")

    # social-insurance years and salary (career), Decree 170 exemptions (exemptions)
    agey = (PLAN_DATE - birth).astype(int) / 365.2425
    ins = insurance_years(rc, agey, grp)
    pay = salaries(rc, st.position_code.to_numpy(), grp, ins)
    exempt = exempt_reasons(bld.rng["exempt"], agey, male, grp, st.position_code.to_numpy())

    # movable = false for ~3 %, with a reason: the person's Decree 170 case when they have
    # one, otherwise long training or a secondment
    notmov = ra.random(n) < 0.03
    other = np.array(OTHER_NOT_MOVABLE_NOTES, dtype=object)[
        ra.integers(0, len(OTHER_NOT_MOVABLE_NOTES), n)]
    notes = np.where(exempt != "", pd.Series(exempt).map(EXEMPT_NOTES).to_numpy(), other)
    st["movable"] = fmt_bool(~notmov)
    # names
    u_lat = u.set_index("unit_code").lat
    lat = st.unit_code.map(u_lat).to_numpy()
    south = lat < 16.2
    fam = weighted_choice(rn, [f for f, _ in FAMILY], [w for _, w in FAMILY], n)
    r1 = rn.random(n)
    fam = np.where(fam == "HOANG", np.where(south ^ (r1 < 0.15), "Huỳnh", "Hoàng"), fam)
    fam = np.where(fam == "VU", np.where(south ^ (r1 < 0.15), "Võ", "Vũ"), fam)
    fk = bld.au.set_index("wardCode").former_key
    ufk = st.unit_code.map(fk).to_numpy()
    umn = st.unit_code.map(u.set_index("unit_code").mountainous).to_numpy()
    north_mn = umn & (lat > 19.0)
    khmer_area = np.isin(ufk, ["tinhsoctrang", "tinhtravinh", "tinhangiang",
                               "tinhkiengiang", "tinhbaclieu"])
    r2 = rn.random(n)
    eth = rn.choice(FAMILY_ETHNIC_NORTH, size=n)
    khm = rn.choice(FAMILY_KHMER, size=n)
    fam = np.where(north_mn & (r2 < 0.35), eth, fam)
    fam = np.where(khmer_area & (r2 < 0.08), khm, fam)
    mid_m = weighted_choice(rn, [m for m, _ in MIDDLE_M], [w for _, w in MIDDLE_M], n)
    mid_f = weighted_choice(rn, [m for m, _ in MIDDLE_F], [w for _, w in MIDDLE_F], n)
    giv_m = rn.choice(GIVEN_M, size=n)
    giv_f = rn.choice(GIVEN_F, size=n)
    mid = np.where(male, mid_m, mid_f)
    giv = np.where(male, giv_m, giv_f)
    # no "Hoàng Hoàng …" or "… Minh Minh": take the next name of the list instead
    nm = {g: GIVEN_M[(i + 1) % len(GIVEN_M)] for i, g in enumerate(GIVEN_M)}
    nf = {g: GIVEN_F[(i + 1) % len(GIVEN_F)] for i, g in enumerate(GIVEN_F)}
    same = giv == mid
    giv = np.where(same, np.where(male, pd.Series(giv).map(nm), pd.Series(giv).map(nf)), giv)
    mid = np.where((mid == fam) & male, "Văn", np.where(mid == fam, "Thị", mid))
    st["full_name"] = pd.Series(fam).str.cat([pd.Series(mid), pd.Series(giv)], sep=" ").map(nfc)

    # home unit: the person's residence, usually the work unit or a near one
    codes = u.unit_code.to_numpy()
    K = 8
    near = np.zeros((len(u), K), dtype=np.int64)
    for pc, g in u.groupby("province_code", sort=True):
        idx = g.index.to_numpy()
        d = haversine_km(g.lat.to_numpy()[:, None], g.lon.to_numpy()[:, None],
                      g.lat.to_numpy()[None, :], g.lon.to_numpy()[None, :])
        np.fill_diagonal(d, np.inf)
        order = np.argsort(d, axis=1, kind="stable")[:, :K]
        kk = order.shape[1]
        near[idx, :kk] = idx[order]
        if kk < K:
            near[idx, kk:] = idx[order[:, :1]]
    ui = pd.Series(np.arange(len(u)), index=codes)
    wi = st.unit_code.map(ui).to_numpy()
    r3 = rh.random(n)
    rank = np.minimum(rh.geometric(0.35, size=n) - 1, K - 1)
    home = np.where(r3 < 0.58, wi, near[wi, rank])
    far = r3 > 0.96   # a few live anywhere in the province
    if far.any():
        prov_units = u.groupby("province_code").indices
        pcs = u.province_code.to_numpy()[wi[far]]
        rr = rh.random(int(far.sum()))
        home[far] = [prov_units[p][int(x * len(prov_units[p]))] for p, x in zip(pcs, rr)]
    st["home_unit_code"] = codes[home]
    st["note"] = np.where(notmov, notes, "")
    st["monthly_salary_vnd"] = pay["salary"]
    st["insurance_years"] = [f"{x:.1f}" for x in ins]
    st["exempt_reason"] = exempt
    bld.staff = st
    bld._male, bld._birth, bld._notmov = male, birth, notmov
    bld.pay, bld.insurance = pay, ins


def balance_table(bld: Build) -> pd.DataFrame:
    s = bld.staff.groupby(["unit_code", "position_code"]).size().rename("staff")
    q = bld.quotas.set_index(["unit_code", "position_code"]).quota
    b = pd.concat([s, q], axis=1).fillna(0).astype(int).reset_index()
    b["surplus"] = (b.staff - b.quota).clip(lower=0)
    b["shortage"] = (b.quota - b.staff).clip(lower=0)
    return b
