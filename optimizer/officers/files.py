"""The officers' files: postings.csv and postings.xlsx."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.workbook import Sheet, TextSheet, write_workbook
from models.tabular import write_csv_table
from optimizer.officers.posting import Postings
from optimizer.output.vocabulary import OFFICER_LABELS_VI

__all__ = ["write_postings"]

SHEET_POSTINGS = "Phân công cán bộ"
SHEET_UNPOSTED = "Chưa phân công"
SHEET_NOTE = "Ghi chú"
FIXED_DATE = dt.date(2026, 1, 1)          # document date of postings.xlsx
#: Scores as computed (whole numbers without decimals, else up to 6), not the plan's 3 decimals.
DECIMALS: dict[str, int | None] = {"score": None, "alternative_loss": None, "loss_if_posted": None}


def write_postings(postings: Postings, out_dir: str | Path, note: str = "") -> list[Path]:
    """Write `postings.csv` and `postings.xlsx` into `out_dir` (created if needed).

    Both by the writers of `optimizer.output.tables`: the CSV is UTF-8 with a BOM; the workbook has
    the sheet "Phân công cán bộ" (Vietnamese labels `OFFICER_LABELS_VI`, frozen header, filter,
    codes as text), "Chưa phân công" when officers are left unposted, and "Ghi chú" (the
    dataset note, the status, the rules). Text cells that a spreadsheet would run as a formula
    get a leading apostrophe. Scores keep their decimals (`DECIMALS`). Byte-deterministic:
    same postings, same bytes (document dates and zip times are 2026-01-01)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = write_csv_table(postings.table, out / "postings.csv", decimals=DECIMALS)
    sheets = [Sheet(SHEET_POSTINGS, postings.table, OFFICER_LABELS_VI, decimals=DECIMALS)]
    if len(postings.unposted):
        sheets.append(Sheet(SHEET_UNPOSTED, postings.unposted, OFFICER_LABELS_VI, decimals=DECIMALS))
    info = [
        ("Dữ liệu", note or "(không có ghi chú)"),
        ("Trạng thái", "tối ưu" if postings.status == "optimal" else postings.status),
        ("Tổng điểm phù hợp", float(postings.total_score)),
        ("Số tỉnh được cử cán bộ", int(len(postings.table))),
        ("Số cán bộ chưa phân công", int(len(postings.unposted))),
        ("Cho phép cử về tỉnh quê", "có" if postings.allow_home_province else "không"),
        ("Quy tắc phụ", postings.secondary_rule),
        ("Độ chính xác", postings.exactness),
        ("Điểm phù hợp", "Tổng trọng số các nhu cầu của tỉnh thuộc chuyên môn của cán bộ"),
    ]
    sheets.append(TextSheet(SHEET_NOTE, [[(k, "bold"), (v, "wrap")] for k, v in info], widths=(28, 100)))
    xlsx_path = write_workbook(out / "postings.xlsx", sheets, date=FIXED_DATE,
                               title="Phân công cán bộ hỗ trợ")
    return [csv_path, xlsx_path]
