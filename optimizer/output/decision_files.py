"""The planner's side of docs/contract.md §8 in the plan's files.

* The "Quyết định" sheet of plan.xlsx (every plan): one row per proposed transfer, with an
  empty column for the planner's decision (giữ / không điều động / điều động), a column for the
  destination pre-filled with the proposal, and one for the reason. ``staffing solve
  --decisions plan.xlsx`` reads it back (`models.decisions.read_decisions`).
* ``changes.csv`` and the "Thay đổi" sheet (with ``--baseline``): what changed against the
  earlier plan, and why.
"""
from __future__ import annotations

import pandas as pd

from models.decisions import DECISION_SHEET, SHEET_LABELS
from models.tabular import Column, prepare_column

__all__ = ["DECISION_SHEET", "CHANGES_SHEET", "decision_sheet_columns", "DECISION_SHEET_LABELS",
           "changes_columns", "CHANGES_LABELS_VI"]

CHANGES_SHEET = "Thay đổi"

#: the sheet's fields, in order; decision, to_unit and reason are the planner's to fill in
DECISION_SHEET_FIELDS = ["transfer_no", "staff_id", "full_name", "position_code", "position_name",
                         "from_unit", "from_unit_name", "proposed_unit_code", "proposed_unit_name", "km",
                         "decision", "to_unit", "reason"]
DECISION_SHEET_LABELS = {
    "transfer_no": "Số thứ tự", "full_name": "Họ và tên", "position_code": "Mã vị trí việc làm",
    "position_name": "Vị trí việc làm", "from_unit": "Mã đơn vị đi", "from_unit_name": "Từ đơn vị",
    "proposed_unit_code": "Đề xuất đến (mã đơn vị)", "proposed_unit_name": "Đề xuất đến đơn vị",
    "km": "Khoảng cách (km)", **SHEET_LABELS,
}

CHANGES_LABELS_VI = {
    "staff_id": "Mã công chức", "full_name": "Họ và tên", "position_code": "Mã vị trí việc làm",
    "from_unit": "Mã đơn vị hiện tại", "change": "Thay đổi", "baseline_to_unit": "Kế hoạch trước: đến",
    "new_to_unit": "Kế hoạch mới: đến", "cause": "Nguyên nhân", "decision_reason": "Lý do của quyết định",
    "reason": "Giải thích",
}
CHANGES_VALUE_LABELS_VI = {
    "change": {"dropped": "Bỏ", "added": "Thêm", "redirected": "Đổi nơi đến"},
    "cause": {"keep": "Quyết định giữ lại", "exempt": "Quyết định không điều động",
              "move": "Quyết định điều động", "exempt_reason": "Miễn theo Nghị định 170/2025",
              "movable=false": "Không thuộc diện điều động", "near_retirement": "Sắp nghỉ hưu",
              "reoptimised": "Tối ưu lại"},
}


def decision_sheet_columns(transfers: pd.DataFrame) -> list[Column]:
    """The "Quyết định" sheet of one plan's transfers, as workbook columns."""
    t = transfers if transfers is not None else pd.DataFrame()
    n = len(t)

    def col(name, default=""):
        return t[name].to_numpy() if name in t.columns else [default] * n

    frame = pd.DataFrame({
        "transfer_no": col("transfer_no"), "staff_id": col("staff_id"), "full_name": col("full_name"),
        "position_code": col("position_code"), "position_name": col("position_name"),
        "from_unit": col("from_unit"), "from_unit_name": col("from_unit_name"),
        "proposed_unit_code": col("to_unit"), "proposed_unit_name": col("to_unit_name"),
        "km": pd.to_numeric(pd.Series(col("km", float("nan"))), errors="coerce").to_numpy(),
        "decision": [""] * n, "to_unit": col("to_unit"), "reason": [""] * n,
    }, columns=DECISION_SHEET_FIELDS)
    return [prepare_column(frame, c) for c in frame.columns]


def changes_columns(changes: pd.DataFrame) -> list[Column]:
    return [prepare_column(changes, c) for c in changes.columns]
