"""The roadmap's files (docs/contract.md §9), written whole or not at all (§5).

    write_roadmap(roadmap, out) -> [paths]

actions.csv, units_by_year.csv, summary.json, roadmap.xlsx (Vietnamese sheets: summary,
actions by year, units by year, cost by lever) and report.html. Everything is written into a
temporary folder beside ``out`` and moved into place when complete; the files of an earlier
run that this one does not write do not survive.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pandas as pd

from optimizer.output.plan_files import jsonable, status_vi
from optimizer.output.tables import Sheet, TextSheet, write_csv_table, write_workbook
from optimizer.roadmap.persons import ACTION_COLUMNS, UNITS_BY_YEAR_COLUMNS
from optimizer.roadmap.report import write_roadmap_report
from optimizer.roadmap.vocabulary import ACTION_VI, COMPONENT_VI, DECISION_VI, LABELS_ROADMAP_VI

__all__ = ["write_roadmap"]



def _stage_dir(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp` (the previous run's folder is removed only once the new one is in place)."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _cost_by_lever(actions: pd.DataFrame) -> pd.DataFrame:
    a = actions.loc[actions["action"] != "retirement"].assign(year=lambda f: f["date"].str[:4])
    g = a.groupby(["year", "action"]).agg(count=("staff_id", "size"), cost_vnd=("cost_vnd", "sum")).reset_index()
    return g.rename(columns={"action": "lever"})[["year", "lever", "count", "cost_vnd"]]


def _summary_rows(rm) -> list:
    s = rm.summary
    rows = [[(rm.note or "(Bộ dữ liệu không có ghi chú)", "note")], [],
            [("LỘ TRÌNH ĐƯA SỐ CÔNG CHỨC CẤP XÃ VỀ ĐÚNG BIÊN CHẾ", "bold")],
            [("Chỉ tiêu", "header"), ("Giá trị", "header"), ("Cận (bound)", "header"), ("Khoảng cách (gap)", "header")],
            ["Trạng thái lời giải", status_vi(s["status"])]]
    for k, label in COMPONENT_VI.items():
        rows.append([label, s["objective"].get(k), s["bound"].get(k), s["gap"].get(k)])
    rows += [["Thừa trước lộ trình", s["surplus_before"]], ["Thiếu trước lộ trình", s["shortage_before"]], [],
             [("Theo ngày quyết định", "bold")],
             [("Ngày", "header"), ("Còn thừa", "header"), ("Còn thiếu", "header"), ("Thiếu có trọng số", "header"),
              ("Điều động", "header"), ("Đào tạo chuyển vị trí", "header"), ("Nghỉ hưu trước tuổi", "header"),
              ("Tuyển dụng", "header"), ("Chi phí (đồng)", "header")]]
    for d in s["per_date"]:
        rows.append([d["date"], d["surplus_after"], d["shortage_after"], d["weighted_shortage_after"],
                     d["transfers"], d["retrains"], d["early_retirements"], d["recruits"], d["cost_vnd"]])
    rows += [[], [("Chi phí theo biện pháp", "bold")]]
    rows += [[ACTION_VI.get(k, k), v] for k, v in s["cost_by_lever"].items()]
    rows += [[], [("Số lượt theo biện pháp", "bold")]]
    rows += [[ACTION_VI.get(k, k), v] for k, v in s["counts_by_action"].items()]
    rows += [[], ["Số người có số năm BHXH ước tính (tuổi − 23)", s["insurance_years_estimated"]],
             ["Số người dùng lương mặc định", s["salary_defaulted"]],
             ["Người giữ lại theo quyết định (không điều động)", s["decisions"]["keep"]],
             ["Người được miễn (quyết định hoặc lý do theo Nghị định 170/2025)", s["decisions"]["exempt"]],
             ["Điều động theo quyết định (ngày quyết định đầu tiên)", s["decisions"]["forced_moves"]],
             ["Kiểm tra độc lập", "Đạt" if s["check"]["passed"] else "Không đạt"]]
    return rows


def _start(job):
    """Run job() in a thread; the returned function waits for it and raises its error."""
    failed: list[BaseException] = []

    def run():
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 — raised by wait() below
            failed.append(exc)

    thread = threading.Thread(target=run, name="roadmap.xlsx", daemon=True)
    thread.start()

    def wait():
        thread.join()
        if failed:
            raise failed[0]
    return wait


def write_roadmap(rm, out, *, report: bool = True, units=None, provinces=None) -> list[Path]:
    """Write the roadmap's files into `out` (whole or not at all); returns the paths in `out`."""
    out = Path(out)
    tmp = _stage_dir(out)
    wait = None
    try:
        actions = rm.actions[ACTION_COLUMNS]
        vi = {"action": ACTION_VI, "lever": ACTION_VI, "decision": DECISION_VI}
        sheets = [TextSheet("Tóm tắt", _summary_rows(rm), widths=[46, 18, 18, 18, 14, 18, 14, 18])]
        sheets.append(Sheet("Biện pháp theo năm", actions, labels=LABELS_ROADMAP_VI, value_labels=vi))
        sheets.append(Sheet("Đơn vị theo năm", rm.units_by_year[UNITS_BY_YEAR_COLUMNS], labels=LABELS_ROADMAP_VI))
        sheets.append(Sheet("Chi phí theo biện pháp", _cost_by_lever(actions), labels=LABELS_ROADMAP_VI,
                            value_labels=vi))
        date = pd.Timestamp(rm.scenario.start_year, 1, 1).date()
        # the workbook (mostly zlib, which runs beside the GIL) is written while the CSVs and the
        # report are made here; the files are those of writing them one after the other
        wait = _start(lambda: write_workbook(tmp / "roadmap.xlsx", sheets, date=date,
                                             title="Lộ trình về đúng biên chế"))
        write_csv_table(actions, tmp / "actions.csv", decimals={"km": 3, "cost_vnd": None,
                                                                "training_cost_vnd": None})
        write_csv_table(rm.units_by_year[UNITS_BY_YEAR_COLUMNS], tmp / "units_by_year.csv")
        text = json.dumps(jsonable(rm.summary), ensure_ascii=False, indent=2, allow_nan=False)
        (tmp / "summary.json").write_text(text + "\n", encoding="utf-8", newline="\n")
        names = ["actions.csv", "units_by_year.csv", "summary.json", "roadmap.xlsx"]
        if report:
            write_roadmap_report(rm, tmp / "report.html", provinces=provinces)
            names.append("report.html")
        wait, waiting = None, wait
        waiting()
        _swap_into_place(tmp, out)
    except BaseException:
        if wait is not None:             # the workbook thread writes into tmp: let it end first
            try:
                wait()
            except BaseException:  # noqa: BLE001 — the first error is the one raised
                pass
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / n for n in names]
