"""Facts the build starts from: published figures, the norms, the position catalogue, the
quota templates and the calibration targets (sources: data/national/README.md, docs/domain.md)."""
from __future__ import annotations

import numpy as np

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"
PLAN_DATE = np.datetime64("2026-01-01")


# ---------------------------------------------------------------------------------------
# 1. Facts (see docs/domain.md and data/national/README.md for the sources)
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
    "shortage": (0.03, 0.24, 0.20, 0.55),
    "professional": (0.08, 0.08, 0.35, 0.30),
}
CITY_CODES = {"01", "31", "46", "48", "79", "92"}
TARGETS = {  # state-media figures the synthetic roster is calibrated to (docs/domain.md)
    "staff_total": 136_261,     # government-sector cadres and civil servants after the merger
    "share_minus": 0.10,
    "hanoi_staff": 9_536,
    "hcmc_surplus": 1_050, "hcmc_shortage": 950,
    "danang_over": 741, "danang_short": 154,
    "danang_units_over": 67, "danang_units_short": 25,
}
