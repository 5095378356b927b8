"""The table writers every output of the optimiser uses, in one import.

    from optimizer.output.tables import write_csv_table, write_workbook, Sheet, TextSheet

They live in `models` (`models.tabular`: cell formatting and CSV; `models.workbook`: the
streaming .xlsx writer) because datasets are written with them too; this module gathers
them with the shared vocabulary, for the rooms of the optimiser (plan files, postings,
comparison, roadmap).
"""
from __future__ import annotations

from models.tabular import CODE_COLUMNS, FLOAT_DECIMALS, is_code_column, neutralise, write_csv_table
from models.workbook import STYLES, Sheet, TextSheet, write_workbook
from optimizer.output.vocabulary import (DESCRIPTIONS_VI, LABELS_VI, METHOD_VI, SCENARIO_LABELS_VI,
                                         SHEET_NAMES, STATUS_VI, SUMMARY_LABELS_VI, VALUE_LABELS_VI)

__all__ = [
    "write_csv_table", "write_workbook", "Sheet", "TextSheet", "STYLES", "neutralise", "is_code_column",
    "CODE_COLUMNS", "FLOAT_DECIMALS", "LABELS_VI", "DESCRIPTIONS_VI", "SUMMARY_LABELS_VI",
    "SCENARIO_LABELS_VI", "STATUS_VI", "METHOD_VI", "SHEET_NAMES", "VALUE_LABELS_VI",
]
