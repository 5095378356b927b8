#!/usr/bin/env python
"""Build the shipped national dataset ``data/national/``.

    python data/build_national.py [--seed 2026] [--out data/national] [--check]

What is real, what is estimated and what is synthetic is written to
``data/national/README.md`` by this script (the README is generated, so its figures
always match the tables).  In short:

* REAL: the 2025 administrative map (34 provinces, 3,321 commune-level units: codes,
  names, types, coordinates, areas) from the PyPI package ``vietnamadminunits==1.0.4``
  (MIT), read straight from its SQLite file; provincial populations as published with
  Resolution 202/2025/QH15.
* ESTIMATED: commune populations, the ``mountainous``/``remote`` flags, four missing or
  zero areas.
* SYNTHETIC: quotas (derived from the published norms), staff, officers, provincial needs.

The output is byte-reproducible for a given seed: one numpy ``SeedSequence`` spawns a
named stream per stage, nothing depends on dict/set order, the clock or the platform.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sqlite3
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

import conversions_national   # data/conversions_national.py: the retraining paths

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"
PLAN_DATE = np.datetime64("2026-01-01")
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------
# 1. Facts (see /work/shared/DOMAIN.md and data/national/README.md for the sources)
# ---------------------------------------------------------------------------------------

# "Quy mô dân số" of each province as published with Resolution 202/2025/QH15 (the 23
# merged provinces) and in the Government's 2025 province-merger submission (the 11 that
# were not merged and are therefore not listed in the resolution).  These are the
# population-database figures (permanent + temporary residents, 2024), which sum to more
# than the GSO mid-year population.
PROVINCE_POPULATION = {
    "01": (8_807_523, "approx"), "04": (573_119, "approx"), "08": (1_865_270, "nq202"),
    "11": (673_091, "approx"), "12": (512_601, "approx"), "14": (1_404_587, "approx"),
    "15": (1_778_785, "nq202"), "19": (1_799_489, "nq202"), "20": (881_384, "approx"),
    "22": (1_497_447, "approx"), "24": (3_619_433, "nq202"), "25": (4_022_638, "nq202"),
    "31": (4_664_124, "nq202"), "33": (3_567_943, "nq202"), "37": (4_412_264, "nq202"),
    "38": (4_324_783, "approx"), "40": (3_831_694, "approx"), "42": (1_622_901, "approx"),
    "44": (1_870_845, "nq202"), "46": (1_432_986, "approx"), "48": (3_065_628, "nq202"),
    "51": (2_161_755, "nq202"), "52": (3_583_693, "nq202"), "56": (2_243_554, "nq202"),
    "66": (3_346_853, "nq202"), "68": (3_872_999, "nq202"), "75": (4_491_408, "nq202"),
    "79": (14_002_598, "nq202"), "80": (3_254_170, "nq202"), "82": (4_370_046, "nq202"),
    "86": (4_257_581, "nq202"), "91": (4_952_238, "nq202"), "92": (4_199_824, "nq202"),
    "96": (2_606_672, "nq202"),
}
POPULATION_SOURCE = {
    "nq202": "Nghị quyết 202/2025/QH15 (quy mô dân số, số liệu chính thức 2024)",
    "approx": "Đề án sắp xếp ĐVHC cấp tỉnh 2025 (tỉnh không sáp nhập; gần đúng)",
}
# Only used to cross-check the estimate of Quảng Trị's two units without an area.
PROVINCE_AREA_OFFICIAL = {"44": 12_700.0}

# The 11 provinces that were not merged (brief / Resolution 202/2025/QH15).
NOT_MERGED = {"Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn",
              "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng"}
# Document 10989/BNV: quota cut by number of former provinces merged.
REDUCTION_PCT = {1: 5, 2: 15, 3: 20}

# Approximate populations of the 13 special zones (they are islands: a formula on area
# would be meaningless; Hoàng Sa and Trường Sa have (almost) no civilian residents).
SPECIAL_ZONE_POP = {
    "Vân Đồn": 50_000, "Cô Tô": 6_500, "Cát Hải": 32_000, "Bạch Long Vĩ": 900,
    "Cồn Cỏ": 400, "Hoàng Sa": 0, "Lý Sơn": 22_000, "Trường Sa": 300,
    "Phú Quý": 30_000, "Côn Đảo": 10_000, "Phú Quốc": 160_000, "Thổ Châu": 1_800,
    "Kiên Hải": 20_000,
}

# Former provinces (keys of the package) whose communes count as mountainous ...
MOUNTAIN_ALL = {"tinhhagiang", "tinhcaobang", "tinhbackan", "tinhtuyenquang", "tinhlaocai",
                "tinhyenbai", "tinhlangson", "tinhdienbien", "tinhlaichau", "tinhsonla",
                "tinhhoabinh", "tinhkontum", "tinhgialai", "tinhdaklak", "tinhdaknong",
                "tinhlamdong"}
# ... or, only for their large communes (area >= MOUNTAIN_AREA_KM2), partly mountainous.
MOUNTAIN_PART = {"tinhquangninh", "tinhbacgiang", "tinhphutho", "tinhvinhphuc",
                 "tinhthainguyen", "tinhthanhhoa", "tinhnghean", "tinhhatinh",
                 "tinhquangbinh", "tinhquangtri", "thanhphohue", "thanhphodanang",
                 "tinhquangnam", "tinhquangngai", "tinhbinhdinh", "tinhphuyen",
                 "tinhkhanhhoa", "tinhninhthuan", "tinhbinhthuan", "tinhbinhphuoc",
                 "tinhdongnai", "tinhninhbinh", "tinhhanam", "thanhphohanoi"}
MOUNTAIN_AREA_KM2 = 100.0
# Remote: special zones, and mountainous communes that are sparse and far from any ward.
REMOTE_MAX_DENSITY = 120.0     # estimated residents per km²
REMOTE_MIN_KM_TO_WARD = 20.0   # great-circle km to the nearest phường

# Population weights: w = f(type) * area^ALPHA * (MOUNTAIN_FACTOR if mountainous).
POP_ALPHA = 0.4
POP_TYPE_FACTOR = {"xa": 1.0, "phuong": 3.5}
POP_MOUNTAIN_FACTOR = 0.7

# Official Letter 09/CV-BCĐ staffing norm.
NORM_BASE, NORM_THRESHOLD = 32, 16_000
NORM_CAP = {"xa": 50, "phuong": 70, "dac_khu": 70}

# ---------------------------------------------------------------------------------------
# 2. The job-position catalogue (Decree 150/2025 departments)
# ---------------------------------------------------------------------------------------
DEPARTMENTS = {
    "VP": "Văn phòng HĐND và UBND",
    "KT": "Phòng Kinh tế (ở phường: Phòng Kinh tế, Hạ tầng và Đô thị)",
    "VHXH": "Phòng Văn hóa – Xã hội",
    "TTPVHCC": "Trung tâm Phục vụ hành chính công",
    "PHONG": "Phòng chuyên môn (Phòng Kinh tế hoặc Phòng Văn hóa – Xã hội)",
    "BCHQS": "Ban Chỉ huy quân sự (ngoài 4 cơ quan của Nghị định 150/2025)",
}
# code, name, group, department, shortage_field
POSITIONS = [
    ("LD_CVP", "Chánh Văn phòng HĐND và UBND", "leadership", "VP", False),
    ("LD_PCVP", "Phó Chánh Văn phòng HĐND và UBND", "leadership", "VP", False),
    ("LD_TRUONG_PHONG", "Trưởng phòng chuyên môn thuộc UBND", "leadership", "PHONG", False),
    ("LD_PHO_PHONG", "Phó Trưởng phòng chuyên môn thuộc UBND", "leadership", "PHONG", False),
    ("LD_GD_TTHCC", "Giám đốc Trung tâm Phục vụ hành chính công", "leadership", "TTPVHCC", False),
    ("LD_PGD_TTHCC", "Phó Giám đốc Trung tâm Phục vụ hành chính công", "leadership", "TTPVHCC", False),
    ("LD_CHT_QS", "Chỉ huy trưởng Ban Chỉ huy quân sự", "leadership", "BCHQS", False),
    ("LD_CHP_QS", "Chỉ huy phó Ban Chỉ huy quân sự", "leadership", "BCHQS", False),
    ("CNTT", "Công nghệ thông tin, an toàn thông tin mạng và chuyển đổi số", "professional", "VP", True),
    ("TU_PHAP", "Tư pháp – hộ tịch", "professional", "VP", False),
    ("NGOAI_VU", "Ngoại vụ", "professional", "VP", False),
    ("HDND", "Chuyên viên giúp việc Hội đồng nhân dân", "professional", "VP", False),
    ("KE_TOAN_TRUONG", "Kế toán trưởng", "professional", "VP", True),
    ("KE_TOAN", "Kế toán", "professional", "VP", True),
    ("THONG_KE", "Thống kê", "professional", "VP", False),
    ("TAI_CHINH", "Tài chính – ngân sách", "professional", "KT", True),
    ("KE_HOACH", "Kế hoạch – đầu tư", "professional", "KT", False),
    ("XAY_DUNG", "Xây dựng – giao thông", "professional", "KT", True),
    ("DO_THI", "Quản lý đô thị – hạ tầng (phường, đặc khu)", "professional", "KT", True),
    ("CONG_THUONG", "Công thương", "professional", "KT", False),
    ("NONG_NGHIEP", "Nông nghiệp – thủy lợi – thủy sản (xã, đặc khu)", "professional", "KT", False),
    ("DIA_CHINH", "Địa chính – đất đai", "professional", "KT", True),
    ("MOI_TRUONG", "Tài nguyên – môi trường", "professional", "KT", True),
    ("KHCN", "Khoa học, công nghệ và đổi mới sáng tạo", "professional", "KT", False),
    ("NOI_VU", "Nội vụ (tổ chức, biên chế, thi đua – khen thưởng)", "professional", "VHXH", False),
    ("LAO_DONG", "Lao động – việc làm – người có công", "professional", "VHXH", False),
    ("BAO_TRO_XH", "Bảo trợ xã hội, trẻ em, bình đẳng giới", "professional", "VHXH", False),
    ("DAN_TOC_TON_GIAO", "Dân tộc – tôn giáo", "professional", "VHXH", False),
    ("GIAO_DUC", "Giáo dục – đào tạo", "professional", "VHXH", False),
    ("VAN_HOA", "Văn hóa – khoa học – thông tin – thể thao", "professional", "VHXH", False),
    ("DU_LICH", "Du lịch", "professional", "VHXH", False),
    ("Y_TE", "Y tế – dân số", "professional", "VHXH", True),
    ("MOT_CUA", "Tiếp nhận và trả kết quả thủ tục hành chính (một cửa)", "professional", "TTPVHCC", False),
    ("KIEM_SOAT_TTHC", "Kiểm soát thủ tục hành chính, số hóa hồ sơ", "professional", "TTPVHCC", False),
    ("TRO_LY_QS", "Trợ lý quân sự", "professional", "BCHQS", False),
    ("VAN_PHONG", "Chuyên viên văn phòng – tổng hợp", "common", "VP", False),
    ("HANH_CHINH", "Hành chính – quản trị công sở", "common", "VP", False),
    ("VAN_THU", "Văn thư", "common", "VP", False),
    ("LUU_TRU", "Lưu trữ", "common", "VP", False),
    ("THU_QUY", "Thủ quỹ", "support", "VP", False),
    ("LAI_XE", "Lái xe", "support", "VP", False),
    ("PHUC_VU", "Nhân viên phục vụ", "support", "VP", False),
]
LEADERSHIP = [p[0] for p in POSITIONS if p[2] == "leadership"]

# Quota template: a unit whose total is T gets the first T entries of its sequence
# (a code repeated k times in the first T entries means quota k).
_TAIL = ["VAN_HOA", "MOT_CUA", "NOI_VU", "XAY_DUNG", "NGOAI_VU", "LAI_XE", "GIAO_DUC",
         "PHUC_VU", "KE_HOACH", "CNTT", "TAI_CHINH", "Y_TE", "VAN_THU", "DIA_CHINH",
         "MOT_CUA", "KE_TOAN", "XAY_DUNG", "CNTT", "VAN_PHONG", "DIA_CHINH"]
SEQUENCES = {
    "xa": LEADERSHIP + [
        "VAN_PHONG", "KE_TOAN", "DIA_CHINH", "TAI_CHINH", "XAY_DUNG", "TU_PHAP", "CNTT",
        "MOT_CUA", "NOI_VU", "LAO_DONG", "VAN_HOA", "Y_TE", "NONG_NGHIEP", "MOI_TRUONG",
        "HDND", "VAN_THU", "TRO_LY_QS",                                     # -> 25
        "GIAO_DUC", "KE_HOACH", "DIA_CHINH", "KE_TOAN_TRUONG", "MOT_CUA", "BAO_TRO_XH",
        "KIEM_SOAT_TTHC", "CONG_THUONG", "XAY_DUNG", "THONG_KE", "HANH_CHINH",   # -> 36
        "NONG_NGHIEP", "TAI_CHINH", "CNTT", "Y_TE", "THU_QUY",
        "DAN_TOC_TON_GIAO", "KHCN", "VAN_PHONG", "LUU_TRU", "MOI_TRUONG",       # -> 46
        "DU_LICH", "TU_PHAP", "LAO_DONG", "DIA_CHINH", "KE_TOAN"] + _TAIL,
    "xa_mn": LEADERSHIP + [
        "VAN_PHONG", "KE_TOAN", "DIA_CHINH", "TAI_CHINH", "XAY_DUNG", "TU_PHAP", "CNTT",
        "MOT_CUA", "NOI_VU", "LAO_DONG", "VAN_HOA", "Y_TE", "NONG_NGHIEP",
        "DAN_TOC_TON_GIAO", "MOI_TRUONG", "HDND", "TRO_LY_QS",               # -> 25
        "VAN_THU", "GIAO_DUC", "KE_HOACH", "DIA_CHINH", "KE_TOAN_TRUONG", "BAO_TRO_XH",
        "NONG_NGHIEP", "MOT_CUA", "KIEM_SOAT_TTHC", "NGOAI_VU", "XAY_DUNG",     # -> 36
        "THONG_KE", "CONG_THUONG", "Y_TE", "TAI_CHINH", "CNTT",
        "HANH_CHINH", "THU_QUY", "DU_LICH", "MOI_TRUONG", "KHCN",               # -> 46
        "VAN_PHONG", "LUU_TRU", "TU_PHAP", "LAO_DONG", "DIA_CHINH"] + _TAIL,
    "phuong": LEADERSHIP + [
        "VAN_PHONG", "KE_TOAN", "DIA_CHINH", "TAI_CHINH", "XAY_DUNG", "DO_THI", "TU_PHAP",
        "CNTT", "MOT_CUA", "NOI_VU", "LAO_DONG", "VAN_HOA", "Y_TE", "MOI_TRUONG", "HDND",
        "VAN_THU", "TRO_LY_QS",                                             # -> 25
        "GIAO_DUC", "KE_HOACH", "MOT_CUA", "KE_TOAN_TRUONG", "CONG_THUONG", "DIA_CHINH",
        "BAO_TRO_XH", "KIEM_SOAT_TTHC", "DO_THI", "XAY_DUNG", "HANH_CHINH",      # -> 36
        "THONG_KE", "CNTT", "TAI_CHINH", "KHCN", "THU_QUY",
        "Y_TE", "MOT_CUA", "VAN_PHONG", "LUU_TRU", "DU_LICH",                   # -> 46
        "DIA_CHINH", "KE_TOAN", "DO_THI", "LAO_DONG", "TU_PHAP",
        "VAN_HOA", "NOI_VU", "XAY_DUNG", "CNTT", "LAI_XE",                      # -> 56
        "MOI_TRUONG", "KE_HOACH", "MOT_CUA", "NGOAI_VU", "PHUC_VU",
        "TAI_CHINH", "DIA_CHINH", "GIAO_DUC", "DAN_TOC_TON_GIAO", "VAN_THU"],   # -> 66
    "dac_khu": LEADERSHIP + [
        "VAN_PHONG", "KE_TOAN", "DIA_CHINH", "TAI_CHINH", "XAY_DUNG", "DO_THI", "TU_PHAP",
        "CNTT", "MOT_CUA", "NOI_VU", "LAO_DONG", "VAN_HOA", "Y_TE", "MOI_TRUONG", "HDND",
        "NONG_NGHIEP", "TRO_LY_QS",                                         # -> 25
        "DU_LICH", "NGOAI_VU", "VAN_THU", "GIAO_DUC", "KE_HOACH", "KE_TOAN_TRUONG",
        "MOT_CUA", "CONG_THUONG", "DIA_CHINH", "BAO_TRO_XH", "KIEM_SOAT_TTHC",   # -> 36
        "DO_THI", "XAY_DUNG", "HANH_CHINH", "THONG_KE", "CNTT", "TAI_CHINH", "KHCN",
        "THU_QUY", "Y_TE", "MOT_CUA", "VAN_PHONG", "LUU_TRU",                    # -> 48
        "DIA_CHINH", "KE_TOAN", "DO_THI", "LAO_DONG", "TU_PHAP", "VAN_HOA", "NOI_VU",
        "XAY_DUNG", "CNTT", "LAI_XE", "MOI_TRUONG", "KE_HOACH", "MOT_CUA", "PHUC_VU",
        "TAI_CHINH", "DIA_CHINH", "GIAO_DUC", "DAN_TOC_TON_GIAO"],              # -> 66
}
MAX_TOTAL = 70

# Imbalance model: per position class, base probability that a (unit, position) post is
# in surplus / short, and the scale of the surplus / shortage size.
CLASS_PARAMS = {            # p_plus, p_minus, size_plus, size_minus
    "common": (0.22, 0.035, 0.60, 0.25),
    "support": (0.12, 0.05, 0.30, 0.20),
    "leadership": (0.05, 0.04, 0.15, 0.00),
    "shortage": (0.06, 0.24, 0.25, 0.55),
    "professional": (0.08, 0.08, 0.35, 0.30),
}
CITY_CODES = {"01", "31", "46", "48", "79", "92"}
TARGETS = {  # state-media figures the synthetic roster is calibrated to (DOMAIN.md)
    "share_plus": 0.10, "share_minus": 0.10,
    "hanoi_staff": 9_536,
    "hcmc_surplus": 1_050, "hcmc_shortage": 950,
    "danang_over": 741, "danang_short": 154,
    "danang_units_over": 67, "danang_units_short": 25,
}

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
NOT_MOVABLE_NOTES = [
    ("Đang nghỉ chế độ thai sản", "F_young"),
    ("Đang trong thời gian xem xét, xử lý kỷ luật", "any"),
    ("Đang điều trị bệnh dài ngày", "any"),
    ("Đang được cử đi đào tạo, bồi dưỡng tập trung dài hạn", "any"),
    ("Đang biệt phái có thời hạn theo quyết định của cấp có thẩm quyền", "any"),
]

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

# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def haversine(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    return np.log(p / (1 - p))


def bisect(f, target, lo, hi, iters=50):
    """Smallest x in [lo, hi] with f(x) >= target for an increasing step function f."""
    if f(lo) >= target:
        return lo
    if f(hi) < target:
        return hi
    for _ in range(iters):
        mid = (lo + hi) / 2
        if f(mid) >= target:
            hi = mid
        else:
            lo = mid
    # choose the side whose value is nearest to the target
    return lo if abs(f(lo) - target) < abs(f(hi) - target) else hi


def weighted_choice(rng, items, weights, size):
    w = np.asarray(weights, dtype=float)
    idx = rng.choice(len(items), size=size, p=w / w.sum())
    return np.asarray(items, dtype=object)[idx]


def retirement_dates(birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Statutory retirement date (Labour Code 2019 art. 169, Decree 135/2020), to the month.

    The applicable age is the one of the year in which the person reaches it: men 60y3m in
    2021 + 3 months a year up to 62y (2028); women 55y4m in 2021 + 4 months a year up to
    60y (2035).  Used here only for the calibration report; the project's own rule lives in
    models.retirement.
    """
    b = pd.DatetimeIndex(birth)
    bm = (b.year.to_numpy() * 12 + b.month.to_numpy() - 1).astype(np.int64)
    day = np.minimum(b.day.to_numpy(), 28)
    out_m = np.full(len(bm), -1, dtype=np.int64)
    for year in range(2021, 2046):
        k = year - 2021
        age_m = np.where(male, np.minimum(60 * 12 + 3 + 3 * k, 62 * 12),
                         np.minimum(55 * 12 + 4 + 4 * k, 60 * 12))
        m = bm + age_m
        hit = (out_m < 0) & (m // 12 <= year)
        out_m[hit] = m[hit]
    final = bm + np.where(male, 62 * 12, 60 * 12)     # the roadmap's end ages
    out_m = np.where(out_m < 0, final, out_m)
    y, mo = out_m // 12, out_m % 12 + 1
    return pd.to_datetime(pd.DataFrame({"year": y, "month": mo, "day": day})).to_numpy()


def fmt_bool(a) -> np.ndarray:
    return np.where(np.asarray(a, dtype=bool), "true", "false")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].map(lambda v: nfc(v) if isinstance(v, str) else v)
    text = df.to_csv(index=False, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))


# ---------------------------------------------------------------------------------------
# the build
# ---------------------------------------------------------------------------------------


class Builder:
    def __init__(self, seed: int):
        self.seed = seed
        names = ["units", "staff_state", "staff_extra", "staff_attr", "names", "home",
                 "officers", "needs"]
        self.rng = {n: np.random.default_rng(s)
                    for n, s in zip(names, np.random.SeedSequence(seed).spawn(len(names)))}
        self.stats: dict = {}

    # -- the real map ------------------------------------------------------------------
    def load_map(self):
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
        self.au, self.prov = au, prov

    # -- estimates on the map ------------------------------------------------------------
    def estimate_units(self):
        au, prov = self.au, self.prov
        ut = au.wardType.map({"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"})
        assert ut.notna().all()
        # In 4 rows of the package wardType contradicts the official name ("Phường Việt
        # Hòa" typed Xã, "Xã Vĩnh Hòa" typed Phường, ...); the swaps cancel out (687 phường
        # either way).  The name is the legal one, so the type follows the name.
        by_name = au.ward.str.split(" ").str[0].map({"Xã": "xa", "Phường": "phuong",
                                                    "Đặc": "dac_khu"})
        assert by_name.notna().all()
        fix = by_name != ut
        self.stats["type_fixes"] = [(c, n, t) for c, n, t in
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
        self.stats["area_ratio"] = ratio
        qt = u.province_code.eq("44")
        self.stats["qt_check"] = (float(u.area_km2[qt & bad].sum()),
                                  PROVINCE_AREA_OFFICIAL["44"] - float(u.area_km2[qt & ~bad].sum()))
        self.stats["area_estimates"] = [(u.name.iat[i], u.area_km2.iat[i]) for i in sorted(est)]

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
            d = haversine(u.lat.to_numpy()[sl, None], u.lon.to_numpy()[sl, None],
                          wards.lat.to_numpy()[None, :], wards.lon.to_numpy()[None, :])
            dmin[sl] = d.min(axis=1)
        density = u.population / np.maximum(u.area_km2, 0.5)
        u["km_to_ward"] = np.round(dmin, 1)
        u["remote"] = u.unit_type.eq("dac_khu") | (
            u.mountainous & (density < REMOTE_MAX_DENSITY) & (dmin >= REMOTE_MIN_KM_TO_WARD))
        u["former_province"] = au.former_province
        u["former_town"] = au.former_town
        self.u = u

    # -- quotas --------------------------------------------------------------------------
    def build_quotas(self):
        u, prov = self.u, self.prov
        hilly = (u.mountainous | u.remote).to_numpy()
        extra = np.where(u.population > NORM_THRESHOLD,
                         np.floor((u.population - NORM_THRESHOLD)
                                  / np.where(hilly, 1000, 2000)), 0)
        norm = np.minimum(NORM_BASE + extra, u.unit_type.map(NORM_CAP)).astype(int)
        red = u.province_code.map(prov.set_index("province_code").quota_reduction_pct)
        total = np.floor(norm * (100 - red.to_numpy()) / 100 + 1e-9).astype(int)
        u["staff_norm"] = norm
        u["quota_total"] = total
        # the sequence each unit follows
        seq_kind = np.where(u.unit_type.eq("phuong"), "phuong",
                            np.where(u.unit_type.eq("dac_khu"), "dac_khu",
                                     np.where(hilly, "xa_mn", "xa")))
        u["_seq"] = seq_kind
        pos_codes = [p[0] for p in POSITIONS]
        pidx = {c: i for i, c in enumerate(pos_codes)}
        cum = {}
        for kind, seq in SEQUENCES.items():
            seq = list(seq)
            while len(seq) < MAX_TOTAL:
                seq += _TAIL
            m = np.zeros((MAX_TOTAL + 1, len(pos_codes)), dtype=int)
            for t, code in enumerate(seq[:MAX_TOTAL]):
                m[t + 1] = m[t]
                m[t + 1, pidx[code]] += 1
            cum[kind] = m
        q = np.vstack([cum[k][t] for k, t in zip(seq_kind, total)])
        assert (q.sum(axis=1) == total).all()
        qdf = pd.DataFrame(q, columns=pos_codes)
        qdf.insert(0, "unit_code", u.unit_code.to_numpy())
        long = qdf.melt(id_vars="unit_code", var_name="position_code", value_name="quota")
        long["_p"] = long.position_code.map(pidx)
        long = (long[long.quota > 0].sort_values(["unit_code", "_p"], kind="stable")
                .drop(columns="_p").reset_index(drop=True))
        self.quotas = long
        self.u = u.drop(columns=["_seq"])
        self.seq_kind = seq_kind

    # -- staff counts (the imbalance model) ----------------------------------------------
    def build_counts(self):
        u, prov = self.u, self.prov
        rng = self.rng["staff_state"]
        pos = pd.DataFrame(POSITIONS, columns=["position_code", "name", "group", "department",
                                               "shortage_field"])
        pclass = np.where(pos.shortage_field, "shortage", pos.group)
        pclass = pd.Series(pclass, index=pos.position_code)

        # every quota pair, plus a few zero-quota pairs holding ex-district staff
        pairs = self.quotas.copy()
        rx = self.rng["staff_extra"]
        extra_rows = []
        cand_codes = ["HANH_CHINH", "LUU_TRU", "THU_QUY", "LAI_XE", "PHUC_VU", "THONG_KE",
                      "KHCN", "KE_HOACH", "VAN_PHONG", "VAN_THU", "CONG_THUONG", "DU_LICH"]
        has = set(zip(pairs.unit_code, pairs.position_code))
        p_extra = np.where(u.former_town | u.unit_type.eq("phuong"), 0.22, 0.07)
        draw = rx.random(len(u))
        for i in np.flatnonzero(draw < p_extra):
            code_u = u.unit_code.iat[i]
            free = [c for c in cand_codes if (code_u, c) not in has]
            if not free:
                continue
            k = 1 + int(rx.random() < 0.35)
            for c in rx.choice(free, size=min(k, len(free)), replace=False):
                extra_rows.append((code_u, str(c), 0, 1 + int(rx.random() < 0.4)))
        ex = pd.DataFrame(extra_rows, columns=["unit_code", "position_code", "quota", "fixed"])
        pairs["fixed"] = 0
        pairs = pd.concat([pairs, ex], ignore_index=True)
        uidx = pd.Series(np.arange(len(u)), index=u.unit_code)
        pairs["_u"] = pairs.unit_code.map(uidx).to_numpy()
        prov_codes = prov.province_code.tolist()
        pmap = {c: i for i, c in enumerate(prov_codes)}
        pairs["_prov"] = u.province_code.map(pmap).to_numpy()[pairs._u]
        pairs["_class"] = pairs.position_code.map(pclass).to_numpy()
        n = len(pairs)

        # unit pressure: + means over-staffed (wards, former district towns: ex-district
        # staff moved there), - means short (remote, mountainous)
        zu = (0.6 * u.unit_type.eq("phuong") + 0.45 * u.former_town
              - 0.9 * u.remote - 0.35 * (u.mountainous & ~u.remote)
              + 0.35 * rng.standard_normal(len(u))).to_numpy()
        z = zu[pairs._u]
        cp = pairs._class.map({k: v for k, v in CLASS_PARAMS.items()})
        lp0 = logit(np.array([v[0] for v in cp]))
        lm0 = logit(np.array([v[1] for v in cp]))
        mp = np.array([v[2] for v in cp])
        mm = np.array([v[3] for v in cp])
        q = pairs.quota.to_numpy()
        fixed = pairs.fixed.to_numpy()
        U = rng.random(n)
        E1 = rng.exponential(size=n)
        E2 = rng.exponential(size=n)
        # default province shifts
        mshare = u.groupby("province_code").mountainous.mean().reindex(prov_codes).to_numpy()
        city = prov.province_code.isin(CITY_CODES).to_numpy()
        mf = prov.merged_from.to_numpy()
        sp = (0.45 * city + 0.18 * (mf - 1) - 0.4 * mshare
              + 0.15 * rng.standard_normal(len(prov)))
        sm = (-0.2 * city + 0.45 * mshare + 0.15 * rng.standard_normal(len(prov)))
        is_q = q > 0
        sq = np.sqrt(np.maximum(q, 1))

        def counts(gp, gm, sp_, sm_, mask=slice(None), zall=None):
            pi = pairs._prov.to_numpy()[mask]
            zz = (z if zall is None else zall)[mask]
            lp = lp0[mask] + gp + sp_[pi] + zz
            lm = lm0[mask] + gm + sm_[pi] - zz
            pp, pm = sigmoid(lp), sigmoid(lm)
            s = pp + pm
            scale = np.where(s > 0.9, 0.9 / s, 1.0)
            pp, pm = pp * scale, pm * scale
            uu = U[mask]
            plus = uu < pp
            minus = uu > 1 - pm
            size_p = 1 + np.floor(E1[mask] * mp[mask] * sq[mask]
                                  * np.exp(0.5 * (gp + sp_[pi] + zz)))
            size_m = 1 + np.floor(E2[mask] * mm[mask] * sq[mask]
                                  * np.exp(0.5 * (gm + sm_[pi] - zz)))
            qq = q[mask]
            size_m = np.minimum(size_m, qq)
            delta = np.where(plus, size_p, 0) - np.where(minus & (qq > 0), size_m, 0)
            staff = np.where(qq > 0, qq + delta, fixed[mask])
            return staff.astype(np.int64)

        HN, HCM, DN = pmap["01"], pmap["79"], pmap["48"]
        special = np.isin(pairs._prov.to_numpy(), [HN, HCM, DN])
        normal_q = is_q & ~special

        def shares(gp, gm):
            st = counts(gp, gm, sp, sm, normal_q)
            qq = q[normal_q]
            return (st > qq).mean(), (st < qq).mean()

        gp = gm = 0.0
        for _ in range(3):  # the two offsets interact only through the 0.9 cap
            gp = bisect(lambda x: shares(x, gm)[0], TARGETS["share_plus"], -4, 4)
            gm = bisect(lambda x: shares(gp, x)[1], TARGETS["share_minus"], -4, 4)

        def prov_mask(pi):
            return pairs._prov.to_numpy() == pi

        # Hà Nội: total staff ~9,536
        mHN = prov_mask(HN)

        def hn_total(x):
            s2 = sp.copy(); s2[HN] = x
            return counts(gp, gm, s2, sm, mHN).sum()
        sp[HN] = bisect(hn_total, TARGETS["hanoi_staff"], -4, 8)

        # HCMC: surplus ~1,050 and shortage ~950 summed over (unit, position) posts
        mH = prov_mask(HCM)

        def hcm_sur(x):
            s2 = sp.copy(); s2[HCM] = x
            st = counts(gp, gm, s2, sm, mH)
            return np.maximum(st - q[mH], 0).sum()

        def hcm_sho(x):
            m2 = sm.copy(); m2[HCM] = x
            st = counts(gp, gm, sp, m2, mH)
            return np.maximum(q[mH] - st, 0).sum()
        for _ in range(3):
            sp[HCM] = bisect(hcm_sur, TARGETS["hcmc_surplus"], -6, 6)
            sm[HCM] = bisect(hcm_sho, TARGETS["hcmc_shortage"], -6, 6)

        # Đà Nẵng: net per unit; units over sum ~741, units short sum ~154
        mD = prov_mask(DN)
        ud = pairs._u.to_numpy()[mD]

        # (the sums are fitted by sp/sm; the number of units over / short, 67 / 25, by
        # choosing how strongly unit pressure varies in Đà Nẵng from a small grid)
        def dn_net(sp_x, sm_x, zk):
            s2 = sp.copy(); s2[DN] = sp_x
            m2 = sm.copy(); m2[DN] = sm_x
            st = counts(gp, gm, s2, m2, mD, zk)
            net = np.bincount(ud, weights=st - q[mD], minlength=len(u))
            return net[np.unique(ud)]

        best = None
        for k in (0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5):
            zk = np.where(mD, z * k, z)
            spx, smx = sp[DN], sm[DN]
            for _ in range(6):
                spx = bisect(lambda x: dn_net(x, smx, zk).clip(min=0).sum(),
                             TARGETS["danang_over"], -6, 6)
                smx = bisect(lambda x: (-dn_net(spx, x, zk)).clip(min=0).sum(),
                             TARGETS["danang_short"], -6, 6)
            net = dn_net(spx, smx, zk)
            err = (abs((net > 0).sum() - TARGETS["danang_units_over"])
                   + abs((net < 0).sum() - TARGETS["danang_units_short"])
                   + abs(net.clip(min=0).sum() - TARGETS["danang_over"]) / 20
                   + abs((-net).clip(min=0).sum() - TARGETS["danang_short"]) / 20)
            if best is None or err < best[0] - 1e-9:
                best = (err, k, spx, smx, zk)
        _, k_dn, sp[DN], sm[DN], z = best
        self.stats["danang_pressure_scale"] = k_dn

        staff_n = counts(gp, gm, sp, sm)
        pairs["staff"] = staff_n
        pairs = pairs[(pairs.staff > 0) | (pairs.quota > 0)].reset_index(drop=True)
        self.pairs = pairs
        self.stats["offsets"] = {"g_plus": round(gp, 3), "g_minus": round(gm, 3),
                                 "sp_HN": round(sp[HN], 3), "sp_HCM": round(sp[HCM], 3),
                                 "sm_HCM": round(sm[HCM], 3), "sp_DN": round(sp[DN], 3),
                                 "sm_DN": round(sm[DN], 3)}
        self.pos = pos

    # -- one row per person --------------------------------------------------------------
    def build_staff(self):
        u, pairs, pos = self.u, self.pairs, self.pos
        ra, rn, rh = self.rng["staff_attr"], self.rng["names"], self.rng["home"]
        pidx = {c: i for i, c in enumerate(pos.position_code)}
        pairs = pairs.assign(_p=pairs.position_code.map(pidx),
                             _pc=pairs._prov.map(dict(enumerate(self.prov.province_code))))
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

        # age on 2026-01-01: leadership older; truncated to 23 .. (men < 61, women < 56.5)
        mean = np.where(grp == "leadership", 45.0, 39.0)
        sd = np.where(grp == "leadership", 6.5, 8.5)
        hi = np.where(male, 60.95, 56.45)
        age = mean + sd * ra.standard_normal(n)
        for _ in range(8):
            bad = (age < 23.05) | (age > hi)
            if not bad.any():
                break
            age[bad] = mean[bad] + sd[bad] * ra.standard_normal(int(bad.sum()))
        age = np.clip(age, 23.05, hi)
        days = np.round(age * 365.2425).astype("int64")
        birth = PLAN_DATE - days.astype("timedelta64[D]")
        lo_m, lo_f = np.datetime64("1965-01-02"), np.datetime64("1969-07-02")
        birth = np.where(male, np.maximum(birth, lo_m), np.maximum(birth, lo_f))
        birth = np.minimum(birth, np.datetime64("2002-12-31")).astype("datetime64[D]")
        st["birth_date"] = birth.astype(str)
        st["gender"] = np.where(male, "M", "F")

        # movable = false for ~3 %, with a reason
        agey = (PLAN_DATE - birth).astype(int) / 365.2425
        notmov = ra.random(n) < 0.03
        young_f = (~male) & (agey < 42)
        note_idx = np.where(young_f & (ra.random(n) < 0.55), 0,
                            1 + ra.integers(0, len(NOT_MOVABLE_NOTES) - 1, n))
        notes = np.array([x[0] for x in NOT_MOVABLE_NOTES], dtype=object)[note_idx]
        st["movable"] = fmt_bool(~notmov)

        # names
        u_lat = u.set_index("unit_code").lat
        lat = st.unit_code.map(u_lat).to_numpy()
        south = lat < 16.2
        fam = weighted_choice(rn, [f for f, _ in FAMILY], [w for _, w in FAMILY], n)
        r1 = rn.random(n)
        fam = np.where(fam == "HOANG", np.where(south ^ (r1 < 0.15), "Huỳnh", "Hoàng"), fam)
        fam = np.where(fam == "VU", np.where(south ^ (r1 < 0.15), "Võ", "Vũ"), fam)
        fk = self.au.set_index("wardCode").former_key
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
            d = haversine(g.lat.to_numpy()[:, None], g.lon.to_numpy()[:, None],
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
        self.staff = st
        self._male, self._birth, self._notmov = male, birth, notmov

    # -- officers and needs -------------------------------------------------------------
    def build_needs(self):
        prov, u, q = self.prov, self.u, self.quotas
        rg = self.rng["needs"]
        bal = self.balance_table()
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
        self.needs = needs
        self.prov_balance = byp

    def build_officers(self):
        ro = self.rng["officers"]
        prov = self.prov
        # home provinces: the Ministry's staff come mostly from the north and centre
        codes = prov.province_code.to_numpy()
        w = np.where(prov.lat > 19.5, 3.0, np.where(prov.lat > 15.5, 2.0, 0.8))
        w[codes == "01"] = 8.0
        rows = []
        k = 0
        need_w = self.needs.pivot_table(index="province_code", columns="area",
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
        self.officers = off

    # -- tables as written --------------------------------------------------------------
    def balance_table(self) -> pd.DataFrame:
        s = self.staff.groupby(["unit_code", "position_code"]).size().rename("staff")
        q = self.quotas.set_index(["unit_code", "position_code"]).quota
        b = pd.concat([s, q], axis=1).fillna(0).astype(int).reset_index()
        b["surplus"] = (b.staff - b.quota).clip(lower=0)
        b["shortage"] = (b.quota - b.staff).clip(lower=0)
        return b

    def write(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        prov, u = self.prov, self.u
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
        prio = np.where(self.pos.shortage_field, 3,
                        np.where(self.pos.group.isin(["common", "support"]), 1, 2))
        positions = pd.DataFrame({
            "position_code": self.pos.position_code, "name": self.pos.name,
            "group": self.pos.group, "priority": prio, "department": self.pos.department,
            "department_name": self.pos.department.map(DEPARTMENTS),
            "shortage_field": fmt_bool(self.pos.shortage_field),
        })
        write_csv(positions, out / "positions.csv")
        write_csv(self.quotas, out / "quotas.csv")
        write_csv(self.staff, out / "staff.csv")
        write_csv(self.officers, out / "officers.csv")
        write_csv(self.needs, out / "province_needs.csv")
        write_csv(pd.DataFrame(AREAS, columns=["area", "name", "name_en"]), out / "areas.csv")
        about = ("Bộ dữ liệu quốc gia: bản đồ hành chính 2025 thật; dân số xã, biên chế, danh "
                 "sách công chức và cán bộ hỗ trợ là DỮ LIỆU TỔNG HỢP (ước tính/synthetic), hiệu "
                 "chỉnh theo số liệu công bố — không phải số liệu thật. / National dataset: real "
                 "2025 administrative map; commune populations, quotas, staff roster and support "
                 "officers are SYNTHETIC (estimated, calibrated to published figures) — not real "
                 "records.")
        (out / "ABOUT.txt").write_bytes((nfc(about) + "\n").encode("utf-8"))
        self.positions_out = positions

    # -- calibration figures ------------------------------------------------------------
    def calibration(self, max_km: float = 40.0) -> dict:
        u, st = self.u, self.staff
        b = self.balance_table()
        grp = dict(zip(self.pos.position_code, self.pos.group))
        short_f = dict(zip(self.pos.position_code, self.pos.shortage_field))
        b["pc"] = b.unit_code.map(u.set_index("unit_code").province_code)
        b["group"] = b.position_code.map(grp)
        b["sf"] = b.position_code.map(short_f)
        posts = b[b.quota > 0]
        res = {
            "staff": int(len(st)), "quota": int(b.quota.sum()),
            "surplus": int(b.surplus.sum()), "shortage": int(b.shortage.sum()),
            "pairs": int(len(b)), "posts": int(len(posts)),
            "share_posts_over": float((posts.surplus > 0).mean()),
            "share_posts_under": float((posts.shortage > 0).mean()),
            "zero_quota_pairs": int((b.quota == 0).sum()),
        }
        # per province
        unet = b.groupby("unit_code").apply(lambda g: (g.staff - g.quota).sum(),
                                            include_groups=False)
        unet = pd.DataFrame({"net": unet, "pc": unet.index.map(u.set_index("unit_code").province_code)})
        pv = b.groupby("pc").agg(staff=("staff", "sum"), quota=("quota", "sum"),
                                 surplus=("surplus", "sum"), shortage=("shortage", "sum"))
        pv["units"] = u.groupby("province_code").size()
        pv["units_over"] = unet[unet.net > 0].groupby("pc").size()
        pv["units_under"] = unet[unet.net < 0].groupby("pc").size()
        pv["net_over_sum"] = unet[unet.net > 0].groupby("pc").net.sum()
        pv["net_under_sum"] = -unet[unet.net < 0].groupby("pc").net.sum()
        pv = pv.fillna(0).astype(int)
        both = b.groupby(["pc", "position_code"]).agg(s=("surplus", "sum"), d=("shortage", "sum"))
        both = both[(both.s > 0) & (both.d > 0)].groupby("pc").size()
        pv["positions_both"] = both.reindex(pv.index).fillna(0).astype(int)
        imb = b[(b.surplus > 0) | (b.shortage > 0)].groupby("pc").position_code.nunique()
        pv["positions_imbalanced"] = imb.reindex(pv.index).fillna(0).astype(int)
        res["by_province"] = pv
        gg = b.groupby("group").agg(staff=("staff", "sum"), quota=("quota", "sum"),
                                    surplus=("surplus", "sum"), shortage=("shortage", "sum"))
        sfg = b.groupby("sf").agg(staff=("staff", "sum"), quota=("quota", "sum"),
                                  surplus=("surplus", "sum"), shortage=("shortage", "sum"))
        res["by_group"], res["by_shortage_field"] = gg, sfg
        # remote units
        rem = set(u.unit_code[u.remote])
        br = b[b.unit_code.isin(rem)]
        res["remote"] = {"units": len(rem), "shortage": int(br.shortage.sum()),
                         "surplus": int(br.surplus.sum())}
        # people
        male, birth = self._male, self._birth
        ret = retirement_dates(birth, male)
        ages = (PLAN_DATE - birth).astype(int) / 365.2425
        protect = ret < PLAN_DATE + np.timedelta64(730, "D")
        res["people"] = {
            "male_share": float(male.mean()), "age_mean": float(ages.mean()),
            "age_min": float(ages.min()), "age_max": float(ages.max()),
            "not_movable": int(self._notmov.sum()),
            "retired_already": int((ret <= PLAN_DATE).sum()),
            "retire_within_2y": int(protect.sum()),
            "home_is_work_share": float((st.home_unit_code == st.unit_code).mean()),
        }
        # ceiling: shortage fillable within the province and max_km (movable surplus only)
        movable = (~self._notmov) & (~protect)
        mv = st[movable].groupby(["unit_code", "position_code"]).size().rename("mov")
        b2 = b.set_index(["unit_code", "position_code"]).join(mv).fillna({"mov": 0}).reset_index()
        b2["give"] = np.minimum(b2.surplus, b2.mov).astype(int)
        res["fill_ceiling"] = fill_ceiling(b2, u, max_km)
        prio = dict(zip(self.positions_out.position_code, self.positions_out.priority))
        b2["prio"] = b2.position_code.map(prio)
        res["weighted_shortage"] = int((b2.shortage * b2.prio).sum())
        res["officers_optimum"] = officers_optimum(self.officers, self.needs)
        return res


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


def fill_ceiling(b: pd.DataFrame, u: pd.DataFrame, max_km: float) -> dict:
    """Max number of shortage posts fillable by same-position moves within a province and
    max_km (great circle): one max-flow per (province, position); positions do not
    interact, so the sum is exact."""
    coords = u.set_index("unit_code")[["lat", "lon", "province_code"]]
    b = b.join(coords, on="unit_code")
    total_fill, total_short, by_pos = 0, 0, {}
    try:
        from ortools.graph.python import max_flow
    except Exception:       # pragma: no cover - ortools is a project dependency
        return {"available": False}
    for (pc, p), g in b.groupby(["province_code", "position_code"], sort=True):
        S = g[g.give > 0]
        D = g[g.shortage > 0]
        short = int(D.shortage.sum())
        total_short += short
        if len(S) == 0 or len(D) == 0:
            by_pos.setdefault(p, [0, 0])[1] += short
            continue
        d = haversine(S.lat.to_numpy()[:, None], S.lon.to_numpy()[:, None],
                      D.lat.to_numpy()[None, :], D.lon.to_numpy()[None, :])
        si, di = np.nonzero(d <= max_km)
        f = 0
        if len(si):
            mf = max_flow.SimpleMaxFlow()
            src, snk = 0, 1
            ns = len(S)
            for i, cap in enumerate(S.give.to_numpy()):
                mf.add_arc_with_capacity(src, 2 + i, int(cap))
            for j, cap in enumerate(D.shortage.to_numpy()):
                mf.add_arc_with_capacity(2 + ns + j, snk, int(cap))
            for i, j in zip(si, di):
                mf.add_arc_with_capacity(2 + int(i), 2 + ns + int(j), 10**6)
            mf.solve(src, snk)
            f = int(mf.optimal_flow())
        total_fill += f
        e = by_pos.setdefault(p, [0, 0])
        e[0] += f
        e[1] += short
    return {"available": True, "fillable": total_fill, "shortage": total_short,
            "share": total_fill / max(total_short, 1), "by_position": by_pos}


# ---------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------

def render_readme(bld: Builder, cal: dict, seed: int) -> str:
    pv = cal["by_province"]
    names = bld.prov.set_index("province_code").short_name

    def prow(pc):
        r = pv.loc[pc]
        return (f"| {names[pc]} | {r.units} | {r.quota:,} | {r.staff:,} | {r.surplus:,} | "
                f"{r.shortage:,} | {r.units_over} units +{r.net_over_sum:,} / "
                f"{r.units_under} units −{r.net_under_sum:,} | {r.positions_imbalanced} |")

    g = cal["by_group"]
    grows = "\n".join(f"| {k} | {r.quota:,} | {r.staff:,} | {r.surplus:,} | {r.shortage:,} |"
                      for k, r in g.iterrows())
    sf = cal["by_shortage_field"]
    sfr = "\n".join(f"| {'shortage fields (priority 3)' if k else 'other positions'} | "
                    f"{r.quota:,} | {r.staff:,} | {r.surplus:,} | {r.shortage:,} |"
                    for k, r in sf.iterrows())
    pe = cal["people"]
    fc = cal["fill_ceiling"]
    fill_txt = (f"{fc['fillable']:,} of {fc['shortage']:,} missing posts "
                f"({fc['share']:.0%})" if fc.get("available") else "not computed (no ortools)")
    worst = sorted(((p, v[0], v[1]) for p, v in fc.get("by_position", {}).items() if v[1] > 0),
                   key=lambda t: t[1] / t[2])
    ceil_rows = "\n".join(f"| {p} | {s:,} | {f:,} | {f / s:.0%} |"
                          for p, f, s in sorted(worst, key=lambda t: -t[2])[:12])
    both_min = int(pv.positions_both.min())
    ae = "; ".join(f"{n} ≈ {a:,.2f} km²" for n, a in bld.stats["area_estimates"])
    pops = "\n".join(
        f"| {r.province_code} | {r.name} | {PROVINCE_POPULATION[r.province_code][0]:,} | "
        f"{'Resolution 202/2025/QH15' if PROVINCE_POPULATION[r.province_code][1] == 'nq202' else 'approximate (not merged; Government submission)'} | "
        f"{r.merged_from} | −{r.quota_reduction_pct} % |"
        for r in bld.prov.itertuples())
    oa = cal.get("officers_optimum")
    off_txt = (f"{oa[0]:g} with the home-province rule, {oa[1]:g} without it"
               if oa else "not computed (no ortools)")
    tf = "; ".join(f"{c} {n} (package: {t})" for c, n, t in bld.stats["type_fixes"])
    rem = cal["remote"]
    n_mn = int(bld.u.mountainous.sum())
    n_rem = int(bld.u.remote.sum())
    c = cal
    return f"""# The national dataset (`data/national/`)

> **{open(bld.out / 'ABOUT.txt', encoding='utf-8').read().strip()}**

Generated by `python data/build_national.py --seed {seed} --out data/national` (this
README included; do not edit by hand; add `--check` to verify the files against the data
contract). The build takes a few seconds (well under a minute) and is byte-for-byte
reproducible for a given seed (numpy `SeedSequence({seed})`, one stream per stage).

## What is real

* **The administrative map** after 1 July 2025: 34 provinces, 3,321 commune-level units
  (2,621 xã, 687 phường, 13 đặc khu) — codes (text, leading zeros kept), full names,
  unit types, latitude/longitude, area in km². Source: the PyPI package
  [`vietnamadminunits`](https://github.com/tranngocminhhieu/vietnamadminunits) version
  {PACKAGE_VERSION} (MIT licence, © Hieu Tran), table `admin_units` of its `data/dataset.db`.
  In {len(bld.stats['type_fixes'])} rows the package's `wardType` contradicts the official
  name; the type follows the name there: {tf}.
  The number of former provinces each new province was formed from (`merged_from`) is
  derived from the package's `data/converter_2025.json` (`DICT_PROVINCE`, cross-checked
  against the ward-level mapping) and checked against the 11 provinces that were not
  merged (Hà Nội, Huế, Lai Châu, Điện Biên, Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hóa,
  Nghệ An, Hà Tĩnh, Cao Bằng); 23 were formed from 2 or 3.
* **Provincial populations** (`provinces.population`): the "quy mô dân số" of the
  23 merged provinces is the official 2024 figure used in Resolution 202/2025/QH15
  (12 June 2025). The 11 provinces that were not merged are not listed in that resolution;
  their figures come from the same Government submission and are marked approximate
  (`population_source`). These are population-database figures (permanent + temporary
  residents); together they sum to {sum(v[0] for v in PROVINCE_POPULATION.values()):,},
  more than the GSO mid-year population (~101 million). They were entered from the
  published tables, not from a machine-readable source: check them before quoting.

| code | province | population | source | merged from | quota cut |
|---|---|---:|---|---:|---:|
{pops}

## What is estimated (on the real map)

* **Missing areas**: the package has no area for 2 units and area 0 for 2 more
  (`area_estimated = true`): {ae}.
  Estimate: the sum of the bounding-box areas of the unit's former communes (package table
  `admin_units_legacy`, column `wardBounds`) times {bld.stats['area_ratio']:.3f}, the median
  ratio of area to that sum over the units whose area is known. Cross-check: the two
  Quảng Trị estimates sum to {bld.stats['qt_check'][0]:,.0f} km², against
  {bld.stats['qt_check'][1]:,.0f} km² missing from the official 12,700 km² of the province.
* **`mountainous`** ({n_mn:,} units): a xã whose main former province (by the package's
  ward mapping) is a mountainous province (Hà Giang, Cao Bằng, Bắc Kạn, Tuyên Quang,
  Lào Cai, Yên Bái, Lạng Sơn, Điện Biên, Lai Châu, Sơn La, Hòa Bình, Kon Tum, Gia Lai,
  Đắk Lắk, Đắk Nông, Lâm Đồng), or a xã of at least {MOUNTAIN_AREA_KM2:.0f} km² in a partly
  mountainous former province (Quảng Ninh, Bắc Giang, Phú Thọ, Vĩnh Phúc, Thái Nguyên,
  Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị, Huế, Đà Nẵng, Quảng Nam, Quảng Ngãi,
  Bình Định, Phú Yên, Khánh Hòa, Ninh Thuận, Bình Thuận, Bình Phước, Đồng Nai, Ninh Bình,
  Hà Nam, Hà Nội). Phường are never mountainous. This is a proxy, not the official list
  of mountainous communes.
* **Commune population** (`population`, all estimated): the province figure minus the
  special zones is spread over the province's other units in proportion to
  `w = f(type) · max(area, 1)^{POP_ALPHA} · m`, with f(xã) = 1, f(phường) = {POP_TYPE_FACTOR['phuong']}
  (wards are denser) and m = {POP_MOUNTAIN_FACTOR} for mountainous communes, 1 otherwise;
  rounded so that each province sums exactly to its figure (largest remainders). The 13
  special zones get fixed approximate figures (Phú Quốc 160,000, Vân Đồn 50,000, Cát Hải
  32,000, Phú Quý 30,000, Lý Sơn 22,000, Kiên Hải 20,000, Côn Đảo 10,000, Cô Tô 6,500,
  Thổ Châu 1,800, Bạch Long Vĩ 900, Cồn Cỏ 400, Trường Sa 300, Hoàng Sa 0).
* **`remote`** ({n_rem:,} units): every special zone, and every mountainous xã whose estimated
  density is below {REMOTE_MAX_DENSITY:.0f} residents/km² and which lies at least
  {REMOTE_MIN_KM_TO_WARD:.0f} km (great circle) from the nearest phường.
* `former_province` (extra): the former (pre-2025) province most of the unit's former
  communes belonged to.

## What is synthetic

Nothing below describes real people or real decisions.

### Quotas (`quotas.csv`; `units.staff_norm`, `units.quota_total`)
1. Norm of Official Letter 09/CV-BCĐ (30 May 2025): `norm = min(32 + extra, cap)` where
   `extra = floor((population − 16,000) / 1,000)` for mountainous or remote units and
   `floor((population − 16,000) / 2,000)` elsewhere (0 below 16,000 residents);
   cap 50 for a xã, 70 for a phường or đặc khu.
2. Provincial cut of Document 10989/BNV (Nov 2025): provinces not merged −5 %, formed
   from two −15 %, from three −20 %: `quota_total = floor(norm · (100 − cut) / 100)`.
3. Spread over the job positions (Decree 150/2025 departments; `positions.department`) by
   a fixed template: each unit type (xã, mountainous/remote xã, phường, đặc khu) has an
   ordered list of position codes in `build_national.py` (`SEQUENCES`); a unit with total T
   takes the first T entries, and a code that appears k times among them gets quota k.
   The lists start with the 8 leadership posts (1 each), then the core professional posts
   (office, accounting, land, finance, construction, justice, IT, one-stop desk, home
   affairs, labour, culture, health, agriculture/urban management, environment, council
   support, records, military assistant), then second and third posts in the heavy fields
   (land, one-stop desk, construction, accounting, IT, urban management, finance, health).
   `DO_THI` exists only in phường and đặc khu, `NONG_NGHIEP` only in xã and đặc khu;
   `DAN_TOC_TON_GIAO` is a core post in mountainous/remote xã only. Only pairs with
   quota > 0 are written. The norm is applied to every unit alike, including the
   (almost) uninhabited island zones (Hoàng Sa, Trường Sa) — a simplification.

Quota total: **{c['quota']:,}** posts in {c['posts']:,} (unit, position) pairs.

### Staff (`staff.csv`)
For every (unit, position) post the head-count is drawn as quota + surplus − shortage
with one uniform draw deciding surplus / balanced / short:
`P(surplus) = σ(logit(a_class) + g₊ + s₊(province) + z_unit)`,
`P(short) = σ(logit(b_class) + g₋ + s₋(province) − z_unit)`, sizes `1 + ⌊E·μ·√quota⌋`
(E exponential; shortages capped at the quota). Class bases: general administration
(`common`: văn phòng, hành chính, văn thư, lưu trữ) mostly surplus, the shortage fields
(land, natural resources–environment, IT, construction–transport, urban, finance, chief
accountant, accountant, health) mostly short. The unit pressure `z` is higher in phường
and in units that contain a former district town (where ex-district staff were placed)
and lower in remote and mountainous communes. `s(province)` is higher in the big cities
and merged provinces and lower in mountainous provinces. The global offsets `g` are fitted
so that about a tenth of posts is in surplus and a tenth short; three provinces are fitted
to the published figures (Hà Nội ~9,536 staff for 126 units; Ho Chi Minh City ~1,050
surplus and ~950 missing; Đà Nẵng: units over by ~741 in total and units short by ~154).
In addition {c['zero_quota_pairs']:,} (unit, position) pairs with quota 0 hold 1–2
ex-district staff each (pure surplus).

People: gender by position (overall {pe['male_share']:.0%} men), age on 2026-01-01 drawn
from a normal (mean 45 for leadership, 39 otherwise; truncated to 23 and to men born after
1 Jan 1965 / women born after 1 Jul 1969 so that nobody is past statutory retirement —
Labour Code 2019 art. 169, Decree 135/2020): mean {pe['age_mean']:.1f}, range
{pe['age_min']:.1f}–{pe['age_max']:.1f}; {pe['retired_already']} already retired,
{pe['retire_within_2y']:,} reach retirement age before 2028-01-01. {pe['not_movable']:,}
staff ({pe['not_movable'] / c['staff']:.1%}) have `movable = false` with a reason in `note`
(maternity leave, disciplinary review, long illness, long training, secondment).
`home_unit_code` (residence): the work unit for {pe['home_is_work_share']:.0%}, otherwise
mostly one of the 8 nearest units of the province. Names are synthetic (family names by
their national frequencies — Nguyễn 38 % —, Hoàng/Vũ in the north, Huỳnh/Võ in the south,
some ethnic-minority family names in northern mountain communes and Khmer names in the
Mekong provinces).

### Officers (`officers.csv`) and needs (`province_needs.csv`, `areas.csv`)
34 synthetic support officers of the Ministry of Home Affairs (in the spirit of Decision
878/QĐ-BNV, 11 Aug 2025: one per province), each from one Ministry unit whose fields give
1–3 areas of expertise (codes in `areas.csv`, the Ministry's 12 fields); seniority 5–30
years; home provinces spread over {bld.officers.home_province_code.nunique()} provinces, so a
posting that avoids every officer's home province exists.
Each province needs 3–6 areas with weights 1–5, from scores: `bien_che_vtvl` rises with the
province's synthetic shortage rate, `chuyen_doi_so` with its IT shortage rate,
`chinh_quyen_dia_phuong` with its number of units, `to_chuc_bo_may` and `van_thu_luu_tru`
with the number of merged provinces, `ton_giao` in provinces with large religious or
ethnic communities, `tien_luong`/`bao_hiem_xa_hoi` with the surplus rate (streamlining
packages), `cai_cach_hanh_chinh` with population, `lao_dong_viec_lam` in industrial
provinces, `dao_tao_boi_duong` with the mountainous share; plus a small seeded jitter.
A province keeps the areas scoring ≥ 3 (at least 3, at most 6);
weight = round(1.25 · score − 1.5) clipped to 1–5. About half of the officers come from one
of the two provinces whose needs best match their expertise (so the rule "not to the home
province" has a price); the others from a province drawn with more weight on the north and
centre. Best total match score Σ weight (one officer per province): {off_txt}.

## Calibration achieved (seed {seed})

| figure | achieved | target (source) |
|---|---:|---|
| staff | {c['staff']:,} | ~110–120k |
| quota | {c['quota']:,} | Official Letter 09/CV-BCĐ norm minus Document 10989/BNV cut |
| surplus (Σ over posts of staff − quota > 0) | {c['surplus']:,} | |
| shortage (Σ over posts of quota − staff > 0) | {c['shortage']:,} | |
| weighted shortage Σ priority · shortage | {c['weighted_shortage']:,} | |
| posts in surplus | {c['share_posts_over']:.1%} | ~10 % |
| posts short | {c['share_posts_under']:.1%} | ~10 % |
| shortage in remote units ({rem['units']} units) | {rem['shortage']:,} (surplus {rem['surplus']:,}) | remote communes short |
| shortage fillable within the province and 40 km (great circle) by movable staff more than 2 years from retirement (ceiling) | {fill_txt} | a good share, not all |
| fewest positions with both surplus and shortage in one province | {both_min} | "vừa thừa vừa thiếu" |

| province | units | quota | staff | surplus | shortage | units net over / net short | positions imbalanced |
|---|---:|---:|---:|---:|---:|---|---:|
{prow('01')}
{prow('79')}
{prow('48')}

Targets (DOMAIN.md, state media): Hà Nội ~9,536 staff for 126 units; Ho Chi Minh City about
1,050 surplus and 950 missing across 27 positions; Đà Nẵng 25 communes short of 154 while
67 units were over by 741.

By position group:

| group | quota | staff | surplus | shortage |
|---|---:|---:|---:|---:|
{grows}
{sfr}

Ceiling by position (largest shortages):

| position | shortage | fillable ≤ 40 km, same province | share |
|---|---:|---:|---:|
{ceil_rows}

{conversions_national.readme_section().strip()}

## Sources (see /work/shared/DOMAIN.md)
* Official Letter 09/CV-BCĐ (30 May 2025) — staffing norm of a commune government.
* Document 10989/BNV (Nov 2025) — 2026–2030 quota cut by merger status.
* Decree 150/2025/NĐ-CP — departments of the commune People's Committee.
* Decision 878/QĐ-BNV (11 Aug 2025) — the 34 support officers of the Ministry.
* Labour Code 2019 art. 169 and Decree 135/2020/NĐ-CP — retirement ages.
* Resolution 202/2025/QH15 — provincial merger, areas and populations.
* `vietnamadminunits` {PACKAGE_VERSION} (MIT) — the 2025 map.

## Files
`provinces.csv`, `units.csv`, `positions.csv`, `quotas.csv`, `staff.csv`, `officers.csv`,
`province_needs.csv` (contract tables, with extra columns), `areas.csv` (area code →
Vietnamese/English label), `ABOUT.txt` (the one-line label repeated in every output).
"""


# ---------------------------------------------------------------------------------------
# self-check (contract checks on the written files)
# ---------------------------------------------------------------------------------------

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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=HERE / "national")
    ap.add_argument("--check", action="store_true",
                    help="after building, check the written files against the contract")
    ap.add_argument("--check-only", action="store_true",
                    help="only check an existing folder")
    a = ap.parse_args(argv)
    if a.check_only:
        errs = self_check(a.out)
        print("\n".join(errs) if errs else "self-check: ok")
        return 1 if errs else 0
    t0 = time.perf_counter()
    b = Builder(a.seed)
    b.out = a.out
    b.load_map()
    b.estimate_units()
    b.build_quotas()
    b.build_counts()
    b.build_staff()
    b.build_needs()
    b.build_officers()
    b.write(a.out)
    conversions_national.write(a.out)   # retraining paths (SYNTHETIC; CONTRACT.md §6)
    cal = b.calibration()
    (a.out / "README.md").write_bytes(render_readme(b, cal, a.seed).encode("utf-8"))
    pv = cal["by_province"]
    print(f"wrote {a.out}: {cal['staff']:,} staff, quota {cal['quota']:,}, surplus "
          f"{cal['surplus']:,}, shortage {cal['shortage']:,}, posts over "
          f"{cal['share_posts_over']:.1%} / under {cal['share_posts_under']:.1%}")
    for pc in ("01", "79", "48"):
        r = pv.loc[pc]
        print(f"  {pc}: staff {r.staff:,} quota {r.quota:,} surplus {r.surplus:,} shortage "
              f"{r.shortage:,}; units over {r.units_over} (+{r.net_over_sum}) / short "
              f"{r.units_under} (−{r.net_under_sum}); positions imbalanced {r.positions_imbalanced}")
    fc = cal["fill_ceiling"]
    if fc.get("available"):
        print(f"  fill ceiling (province, 40 km): {fc['fillable']:,}/{fc['shortage']:,} "
              f"= {fc['share']:.1%}")
    print(f"  people: {cal['people']}")
    print(f"  offsets: {b.stats['offsets']}; built in {time.perf_counter() - t0:.1f} s")
    if a.check:
        errs = self_check(a.out)
        print("\n".join(errs) if errs else "self-check: ok")
        v = run_cli_validate(a.out)
        if v is not None:
            print(f"models.io.read_dataset: {v}")
        return 1 if errs or (v not in (None, "ok")) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
