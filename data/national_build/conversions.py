#!/usr/bin/env python
"""The retraining paths shipped with the national dataset: ``data/national/conversions.csv``.

    python data/national_build/conversions.py [--out data/national]   # this table alone

SYNTHETIC: a plausible list written for the project, not a Ministry list. Each row says that a
civil servant of ``from_position`` may take a post of ``to_position`` after ``training_months``
of training costing ``training_cost_vnd`` (docs/contract.md §6), with the reason in ``reason`` (an
extra column, carried along). `national_build.cli` writes it with the other tables and
`national_build.readme` puts `readme_section()` in ``data/national/README.md``.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent   # data/

#: synthetic cost of training, per month of course (VND): tuition of a state "bồi dưỡng" course
#: and materials; travel and the salary paid during training are not counted
VND_PER_MONTH = 2_500_000

GENERAL = "Hành chính chung → vị trí cùng Văn phòng/Trung tâm, bồi dưỡng nghiệp vụ ngắn"
FAMILY = "Cùng lĩnh vực (cùng phòng/ngành), bồi dưỡng nghiệp vụ"
PATH = "Vị trí cần chuyên môn riêng: chỉ theo lộ trình đào tạo nêu rõ"

#: (from, to, months, group, reason) — the rule behind each row is in `readme_section()`
PATHS: list[tuple[str, str, int, str, str]] = [
    # 1. general administration (common group of the Office) into records and the one-stop desk
    ("VAN_PHONG", "VAN_THU", 2, GENERAL, "Văn phòng – tổng hợp sang văn thư: bồi dưỡng nghiệp vụ văn thư"),
    ("VAN_PHONG", "MOT_CUA", 3, GENERAL, "Văn phòng – tổng hợp sang một cửa: bồi dưỡng thủ tục hành chính, dịch vụ công"),
    ("VAN_PHONG", "KIEM_SOAT_TTHC", 3, GENERAL, "Văn phòng – tổng hợp sang kiểm soát TTHC, số hóa hồ sơ"),
    ("VAN_PHONG", "HDND", 3, GENERAL, "Văn phòng – tổng hợp sang giúp việc HĐND (cùng Văn phòng HĐND và UBND)"),
    ("HANH_CHINH", "VAN_THU", 2, GENERAL, "Hành chính – quản trị sang văn thư"),
    ("HANH_CHINH", "MOT_CUA", 3, GENERAL, "Hành chính – quản trị sang một cửa"),
    ("HANH_CHINH", "NOI_VU", 3, GENERAL, "Hành chính – quản trị sang nội vụ (tổ chức, biên chế, thi đua – khen thưởng)"),
    ("LUU_TRU", "VAN_THU", 1, GENERAL, "Lưu trữ sang văn thư (nghiệp vụ liền kề)"),
    ("LUU_TRU", "KIEM_SOAT_TTHC", 3, GENERAL, "Lưu trữ sang số hóa hồ sơ, kiểm soát TTHC"),
    ("VAN_THU", "LUU_TRU", 3, GENERAL, "Văn thư sang lưu trữ: bồi dưỡng nghiệp vụ lưu trữ"),
    ("VAN_THU", "MOT_CUA", 3, GENERAL, "Văn thư sang một cửa"),
    ("MOT_CUA", "KIEM_SOAT_TTHC", 1, GENERAL, "Cùng Trung tâm Phục vụ hành chính công"),
    ("KIEM_SOAT_TTHC", "MOT_CUA", 1, GENERAL, "Cùng Trung tâm Phục vụ hành chính công"),
    # 2. within a department's family of positions
    ("DU_LICH", "VAN_HOA", 3, FAMILY, "Du lịch sang văn hóa – thông tin – thể thao (Phòng Văn hóa – Xã hội)"),
    ("VAN_HOA", "DU_LICH", 3, FAMILY, "Văn hóa sang du lịch (Phòng Văn hóa – Xã hội)"),
    ("LAO_DONG", "BAO_TRO_XH", 3, FAMILY, "Lao động – người có công sang bảo trợ xã hội (Phòng Văn hóa – Xã hội)"),
    ("BAO_TRO_XH", "LAO_DONG", 3, FAMILY, "Bảo trợ xã hội sang lao động – việc làm (Phòng Văn hóa – Xã hội)"),
    ("CONG_THUONG", "KE_HOACH", 3, FAMILY, "Công thương sang kế hoạch – đầu tư (Phòng Kinh tế)"),
    ("KE_HOACH", "CONG_THUONG", 3, FAMILY, "Kế hoạch – đầu tư sang công thương (Phòng Kinh tế)"),
    ("DO_THI", "XAY_DUNG", 3, FAMILY, "Quản lý đô thị – hạ tầng sang xây dựng – giao thông: cùng chuyên môn kỹ thuật"),
    ("XAY_DUNG", "DO_THI", 3, FAMILY, "Xây dựng – giao thông sang quản lý đô thị – hạ tầng: cùng chuyên môn kỹ thuật"),
    ("TAI_CHINH", "KE_TOAN", 3, FAMILY, "Tài chính – ngân sách sang kế toán: cùng chuyên môn tài chính – kế toán"),
    ("KE_TOAN", "TAI_CHINH", 3, FAMILY, "Kế toán sang tài chính – ngân sách: cùng chuyên môn tài chính – kế toán"),
    ("KE_TOAN", "KE_TOAN_TRUONG", 3, FAMILY, "Kế toán sang kế toán trưởng: khóa bồi dưỡng kế toán trưởng (chứng chỉ)"),
    # 3. into posts that need a specific degree: only where a training path is stated
    ("KE_HOACH", "TAI_CHINH", 6, PATH, "Lộ trình: người có bằng kinh tế, bồi dưỡng quản lý ngân sách nhà nước 6 tháng"),
    ("THONG_KE", "KE_TOAN", 6, PATH, "Lộ trình: chứng chỉ kế toán (Luật Kế toán: người làm kế toán phải có chuyên môn kế toán)"),
    ("NONG_NGHIEP", "MOI_TRUONG", 6, PATH, "Lộ trình: cùng ngành Nông nghiệp và Môi trường (hợp nhất 2025), bồi dưỡng quản lý môi trường"),
    ("MOI_TRUONG", "DIA_CHINH", 6, PATH, "Lộ trình: cùng ngành Nông nghiệp và Môi trường, bồi dưỡng quản lý đất đai, đo đạc – bản đồ"),
    ("KHCN", "CNTT", 6, PATH, "Lộ trình: người có bằng kỹ thuật, bồi dưỡng chuyển đổi số và an toàn thông tin"),
    ("KIEM_SOAT_TTHC", "CNTT", 6, PATH, "Lộ trình: đã làm số hóa hồ sơ, bồi dưỡng chuyển đổi số và an toàn thông tin"),
]

COLUMNS = ["from_position", "to_position", "training_months", "training_cost_vnd", "rule", "reason"]


def rows() -> list[list[str]]:
    """The table as rows of text, header first."""
    out = [COLUMNS]
    for a, b, months, rule, reason in PATHS:
        out.append([a, b, str(months), str(months * VND_PER_MONTH), rule, reason])
    return out


def write(out: Path) -> Path:
    """Write ``conversions.csv`` into the dataset folder ``out`` (UTF-8, no BOM, \\n line ends)."""
    path = Path(out) / "conversions.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows())
    return path


def readme_section() -> str:
    """The README section on retraining paths (its own section; figures are in the top README)."""
    n = len(PATHS)
    by_rule = {}
    for _, _, _, rule, _ in PATHS:
        by_rule[rule] = by_rule.get(rule, 0) + 1
    targets = sorted({b for _, b, *_ in PATHS})
    return f"""
### Retraining paths (`conversions.csv`) — SYNTHETIC

{n} paths `from_position → to_position` (docs/contract.md §6): a civil servant of the first position
may take a post of the second after training (Decree 170/2025: they must meet the new
position's competency framework; Official Letter 7415/BNV names training as one of the ways to
fill commune gaps). The list is written for this project, plausible but **not** a Ministry list;
it is written by `data/national_build/conversions.py`, with the reason of each row in the extra
columns `rule` and `reason`. Rules followed:

1. **General administration into records and the one-stop desk** ({by_rule[GENERAL]} paths):
   office, administration and archive staff (`VAN_PHONG`, `HANH_CHINH`, `LUU_TRU`, `VAN_THU` —
   the positions with most of the surplus) into records (`VAN_THU`), the one-stop desk
   (`MOT_CUA`), procedure control and digitisation (`KIEM_SOAT_TTHC`), council support (`HDND`)
   and home affairs (`NOI_VU`): 1–3 months of "bồi dưỡng nghiệp vụ".
2. **Within a department's family** ({by_rule[FAMILY]} paths): between positions of one
   department that share a profession (culture ↔ tourism, labour ↔ social protection,
   industry–trade ↔ planning–investment, urban management ↔ construction, finance–budget ↔
   accounting, accountant → chief accountant with the chief-accountant certificate): 3 months.
3. **Posts that need a specific degree only with a stated path** ({by_rule[PATH]} paths):
   land (`DIA_CHINH`), environment, finance, accounting and IT are entered only from a
   neighbouring field with a named 6-month course (`reason`); **health (`Y_TE`), justice
   (`TU_PHAP`) and construction from outside its technical family are never entered**, nor are
   leadership posts (filled by appointment), military posts, or any post from the support
   staff (drivers, service staff, cashiers: employees under labour contracts, not civil servants).

The table is per pair of positions: it cannot check a person's degree (the synthetic staff
table has none). A real list would be per person or per qualification; a planner should read
the `reason` column before signing a retraining decision.

Cost: `training_cost_vnd = training_months × {VND_PER_MONTH:,} VND` (a synthetic tuition
estimate; salary during training and travel are not counted). Paths into:
{", ".join(f"`{t}`" for t in targets)}.
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "national")
    a = ap.parse_args(argv)
    print(f"wrote {write(a.out)} ({len(PATHS)} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
