"""The files of a roadmap comparison (`staffing compare --roadmap`), and its terminal table.

    write_roadmap_comparison(df, out_dir, note=None, overrides=()) -> [comparison.csv, comparison.xlsx, report.html]
    print_roadmap_comparison(df, console=None)
    tradeoff_figure(df) -> <img> HTML

`df` is what `optimizer.roadmap.compare.compare_roadmaps` returns. The files mirror those of the
plans' comparison (`optimizer.compare.write_comparison`): comparison.csv (field names as header,
UTF-8 with BOM, fixed decimals) and comparison.xlsx (Vietnamese labels; sheets "So sánh lộ trình",
"Theo năm" — the per-date totals of every scenario — and "Ghi chú" — the data note, the scenarios
dropped as identical, the settings a sweep overrode, and what each column means). report.html
adds the TRADE-OFF CHART: total cost against weighted shortage-years and against end surplus, one
line per scenario family (the scenarios that differ only by their budget) through its budgets;
and the shortage left after each decision date, one line per scenario. The synthetic-data banner
(the dataset's note) heads the report as in every other report. Write them inside
`optimizer.output.staging.staged_output` (the command line does) for whole-or-nothing.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from optimizer.output.figures import BLUE, GREEN, RED, drawing, img, new_figure
from optimizer.output.html import CSS, esc, fmt_dec, fmt_int, html_table, is_synthetic_note
from optimizer.output.naming import dataset_name
from optimizer.output.tables import Sheet, TextSheet, write_csv_table, write_workbook
from optimizer.output.vocabulary import STATUS_SHORT_VI, STATUS_VI
from optimizer.roadmap.compare import BY_YEAR_COLUMNS, COLUMNS, NO_LIMIT, SETTING_COLUMNS, budget_text
from optimizer.roadmap.vocabulary import COMPARE_DESCRIPTIONS_VI, COMPARE_LABELS_VI

__all__ = ["write_roadmap_comparison", "print_roadmap_comparison", "tradeoff_figure", "families", "DECIMALS",
           "TITLE"]

TITLE = "So sánh lộ trình về đúng biên chế"
DECIMALS: dict[str, int | None] = {
    "budget_vnd": None, "cost_vnd": None, "bound_cost_vnd": None, "cost_transfer_vnd": None,
    "cost_retrain_vnd": None, "cost_early_retirement_vnd": None, "cost_recruit_vnd": None,
    "max_recruits_per_province_per_year": None, "total_km": 3, "bound_end_surplus": None,
    "bound_shortage_years": None, "gap_end_surplus": 6, "gap_shortage_years": 6, "gap_cost_vnd": 6,
    "solve_seconds": 3, "wall_seconds": 3,
}
_COLOURS = (BLUE, RED, GREEN, "#d69e2e", "#805ad5", "#319795", "#dd6b20", "#4a5568")
_BUDGET_SUFFIX = re.compile(r"(^|, )budget_vnd=[^,]*$")


def _frame_for_files(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"not a roadmap comparison: the column(s) {', '.join(missing)} are missing")
    frame = df.loc[:, list(COLUMNS)].reset_index(drop=True).copy()
    frame["dataset"] = frame["dataset"].map(lambda d: dataset_name(d) or "")   # a name, not a path (§5)
    return frame


def _note_of(df: pd.DataFrame, note: str | None) -> str:
    if note:
        return note
    if df.attrs.get("data_note"):
        return str(df.attrs["data_note"])
    return " | ".join(dict.fromkeys(n for n in df["data_note"] if n))


def _by_year(df: pd.DataFrame) -> pd.DataFrame:
    by_year = df.attrs.get("by_year")
    if by_year is None:
        return pd.DataFrame(columns=list(BY_YEAR_COLUMNS))
    return by_year.loc[by_year["name"].isin(df["name"]), list(BY_YEAR_COLUMNS)].reset_index(drop=True)


def families(df: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """The scenarios that differ only by their budget, as (label, row positions sorted by budget,
    no limit last), in the order they first appear. The label is the name without its budget."""
    keys = [c for c in SETTING_COLUMNS if c not in ("name", "budget_vnd")]
    groups: dict[tuple, list[int]] = {}
    for pos, row in enumerate(df.reset_index(drop=True).itertuples(index=False)):
        key = tuple(str(getattr(row, c)) for c in keys)
        groups.setdefault(key, []).append(pos)
    out = []
    budgets = df["budget_vnd"].to_numpy(dtype=float)
    names = df["name"].tolist()
    for members in groups.values():
        members = sorted(members, key=lambda i: (math.isnan(budgets[i]), budgets[i] if not math.isnan(budgets[i])
                                                 else 0.0))
        label = _BUDGET_SUFFIX.sub("", names[members[0]]) or "mặc định"
        if len(members) == 1:
            label = names[members[0]]
        out.append((label, members))
    return out


def _budget_vi(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "không giới hạn"
    billions = float(value) / 1e9
    text = fmt_dec(billions, 0 if billions >= 100 or billions == 0 else 1 if billions >= 1 else 3)
    return f"{text.rstrip('0').rstrip(',') if ',' in text else text} tỷ"


def _billions(value: Any) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt_dec(float(value) / 1e9, 2)


def tradeoff_figure(df: pd.DataFrame) -> str:
    """Cost (billion VND) against weighted shortage-years (left) and end surplus (right), one line
    per family of scenarios through its budgets, each point labelled with its budget."""
    d = df.reset_index(drop=True)
    fig = new_figure(10.0, 4.2)
    left, right = fig.subplots(1, 2)
    cost = d["cost_vnd"].to_numpy(dtype=float) / 1e9
    for n, (label, members) in enumerate(families(d)):
        colour = _COLOURS[n % len(_COLOURS)]
        for ax, column in ((left, "shortage_years"), (right, "end_surplus")):
            y = d[column].to_numpy(dtype=float)
            ax.plot(cost[members], y[members], marker="o", color=colour, linewidth=1.4,
                    label=label if ax is left else None)
            for i in members:
                ax.annotate(_budget_vi(d.at[i, "budget_vnd"]), (cost[i], y[i]), textcoords="offset points",
                            xytext=(4, 4), fontsize=7, color="#2d3748")
    left.set_title("Chi phí và thiếu có trọng số qua các năm")
    left.set_ylabel("Thiếu × ưu tiên, cộng các năm")
    right.set_title("Chi phí và số thừa cuối lộ trình")
    right.set_ylabel("Số thừa còn lại cuối lộ trình")
    for ax in (left, right):
        ax.set_xlabel("Tổng chi phí (tỷ đồng)")
        ax.grid(color="#e2e8f0")
        ax.set_axisbelow(True)
        ax.set_ylim(bottom=0)
        ax.set_xlim(left=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(families(d)) > 1:
        fig.legend(loc="outside lower center", ncol=min(4, len(families(d))), fontsize=8, frameon=False)
    return img(fig, "Biểu đồ đánh đổi: chi phí và thiếu hụt, chi phí và số thừa, theo ngân sách")


def _shortage_by_year_figure(df: pd.DataFrame, by_year: pd.DataFrame) -> str | None:
    if by_year.empty:
        return None
    fig = new_figure(10.0, 3.8)
    ax = fig.subplots()
    for n, name in enumerate(df["name"]):
        rows = by_year.loc[by_year["name"] == name].sort_values("date")
        ax.plot([d[:4] for d in rows["date"]], rows["shortage_after"], marker="o",
                color=_COLOURS[n % len(_COLOURS)], linewidth=1.2, label=name)
    ax.set_ylabel("Còn thiếu sau biện pháp (người)")
    ax.set_title("Còn thiếu sau mỗi ngày quyết định, theo kịch bản")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(color="#e2e8f0")
    ax.set_axisbelow(True)
    fig.legend(loc="outside right upper", fontsize=7, frameon=False)
    return img(fig, "Biểu đồ số còn thiếu theo năm của từng kịch bản")


def _banner(note: str) -> str:
    if is_synthetic_note(note):
        return ('<div class="banner synthetic" role="alert"><strong>DỮ LIỆU GIẢ LẬP — '
                f"không dùng để ra quyết định.</strong><br>{esc(note)}</div>")
    if note:
        return f'<div class="banner note"><strong>Ghi chú dữ liệu:</strong> {esc(note)}</div>'
    return ""


def _messages(df: pd.DataFrame, overrides) -> list[str]:
    out = [f"Kịch bản {a!r} trùng thiết lập với {b!r}: chỉ giải một lần." for a, b in df.attrs.get("dropped", [])]
    out += list(overrides)
    return out


def _stopped(row) -> str:
    """"—" when every component is proven optimal, else the component stopped on and its gap."""
    if not row.stopped_on:
        return "—"
    gap = getattr(row, f"gap_{row.stopped_on}", None)
    return row.stopped_on if gap is None or math.isnan(gap) else f"{row.stopped_on}: {gap:.2%}"


def _report(df: pd.DataFrame, frame: pd.DataFrame, note: str, overrides) -> str:
    by_year = _by_year(df)
    with drawing():
        chart = tradeoff_figure(frame)
        lines = _shortage_by_year_figure(frame, by_year)
    datasets = sorted(set(frame["dataset"]) - {""})
    years = sorted({f"{a}–{b}" for a, b in zip(frame["start_year"], frame["end_year"])})
    provinces = sorted(set(frame["provinces"]))
    where = "cả nước" if provinces == [""] else "tỉnh " + " | ".join(p or "cả nước" for p in provinces)
    parts = [f"<h1>{esc(TITLE)}</h1>",
             f'<p class="subtitle">{esc(", ".join(years))} · {esc(where)}'
             f'{esc(" · bộ dữ liệu " + ", ".join(datasets)) if datasets else ""} · {len(frame)} kịch bản</p>',
             _banner(note)]
    if (frame["status"] != "optimal").any():
        parts.append('<div class="banner warn"><strong>Có kịch bản chưa chứng minh tối ưu</strong> (hết thời gian): '
                     "xem cột cận và gap.</div>")
    parts.append("<h2>Đánh đổi giữa chi phí và thiếu hụt</h2>")
    parts.append(f"<figure>{chart}<figcaption>Mỗi điểm là một kịch bản, ghi ngân sách của nó; các kịch bản chỉ "
                 "khác nhau về ngân sách nối thành một đường. Mục tiêu theo thứ tự: số thừa cuối lộ trình, rồi "
                 "thiếu có trọng số qua các năm, rồi chi phí — nên thêm ngân sách không bao giờ làm tăng số thừa "
                 "cuối, và khi số thừa cuối như nhau thì không làm tăng thiếu có trọng số.</figcaption></figure>")
    rows = [[r.name, _budget_vi(r.budget_vnd), STATUS_SHORT_VI.get(r.status, r.status), fmt_int(r.end_surplus),
             fmt_int(r.shortage_years), _billions(r.cost_vnd), fmt_int(r.transfers + r.retrains),
             fmt_int(r.early_retirements), fmt_int(r.recruits), _stopped(r), fmt_dec(r.wall_seconds, 1)]
            for r in frame.itertuples()]
    parts.append(html_table(["Kịch bản", "Ngân sách", "Trạng thái", "Thừa cuối", "Thiếu × ưu tiên qua các năm",
                             "Chi phí (tỷ đồng)", "Điều động", "Nghỉ hưu trước tuổi", "Tuyển dụng",
                             "Dừng ở (gap)", "Giây"], rows, set(range(3, 11)) - {9}))
    parts.append("<h2>Chi phí theo biện pháp (tỷ đồng)</h2>")
    parts.append(html_table(["Kịch bản", "Điều động", "Đào tạo chuyển vị trí", "Nghỉ hưu trước tuổi", "Tuyển dụng",
                             "Tổng"],
                            [[r.name, _billions(r.cost_transfer_vnd), _billions(r.cost_retrain_vnd),
                              _billions(r.cost_early_retirement_vnd), _billions(r.cost_recruit_vnd),
                              _billions(r.cost_vnd)] for r in frame.itertuples()], {1, 2, 3, 4, 5}))
    if lines:
        parts += ["<h2>Còn thiếu theo năm</h2>", f"<figure>{lines}</figure>"]
    messages = _messages(df, overrides)
    if messages:
        parts.append("<h2>Ghi chú về các kịch bản</h2><ul>" + "".join(f"<li>{esc(m)}</li>" for m in messages)
                     + "</ul>")
    parts.append(f"<footer>{esc(note)}<br>Các tệp kèm theo: comparison.csv, comparison.xlsx.</footer>")
    return ('<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "img-src data:; style-src 'unsafe-inline'\">\n"
            f"<title>{esc(TITLE)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(p for p in parts if p) + "\n</main>\n</body>\n</html>\n")


def _notes_sheet(frame: pd.DataFrame, note: str, messages: list[str]) -> TextSheet:
    rows: list = [[(note or "(Bộ dữ liệu không có ghi chú)", "note")], [],
                  ["Mỗi dòng là một lộ trình (lệnh roadmap), giải tối ưu chính xác theo thứ tự mục tiêu của "
                   "mục 9; các chỉ tiêu giống tệp summary.json của lệnh roadmap."],
                  ["Tệp comparison.csv cùng thư mục dùng tên trường (cột thứ hai) làm tiêu đề."], []]
    if messages:
        rows += [[(m, "wrap")] for m in messages] + [[]]
    rows.append([("Cột", "header"), ("Tên trường (CSV)", "header"), ("Ý nghĩa", "header")])
    for name in frame.columns:
        rows.append([(COMPARE_LABELS_VI.get(name, name), "wrap"), (name, "wrap"),
                     (COMPARE_DESCRIPTIONS_VI.get(name, ""), "wrap")])
    return TextSheet("Ghi chú", rows, (40.0, 32.0, 90.0))


def write_roadmap_comparison(df: pd.DataFrame, out_dir, note: str | None = None,
                             overrides: list[str] | tuple = ()) -> list[Path]:
    """Write comparison.csv, comparison.xlsx and report.html into `out_dir` (created if needed).

    `overrides`: sentences saying which settings of a scenario file a sweep replaced (shown in the
    workbook's notes and the report). The same table gives the same bytes (timing columns aside).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = _frame_for_files(df)
    note = _note_of(df, note)
    csv_path = write_csv_table(frame, out_dir / "comparison.csv", decimals=DECIMALS)
    labels = {c: COMPARE_LABELS_VI.get(c, c) for c in frame.columns}
    status = {"status": STATUS_VI}
    years = sorted(frame["start_year"].tolist())
    day = pd.Timestamp(int(years[0]), 1, 1).date() if years else None
    xlsx_path = write_workbook(out_dir / "comparison.xlsx", [
        Sheet("So sánh lộ trình", frame, labels, status, DECIMALS),
        Sheet("Theo năm", _by_year(df), {c: COMPARE_LABELS_VI.get(c, c) for c in BY_YEAR_COLUMNS}, {},
              {"cost_vnd": None}),
        _notes_sheet(frame, note, _messages(df, overrides)),
    ], date=day, title=TITLE)
    html_path = out_dir / "report.html"
    html_path.write_text(_report(df, frame, note, overrides), encoding="utf-8", newline="\n")
    return [csv_path, xlsx_path, html_path]


# --------------------------------------------------------------------------- terminal

_PRINTED = (("budget_vnd", "Ngân sách / budget"), ("status", "Trạng thái / status"),
            ("end_surplus", "Thừa cuối / end surplus"), ("shortage_years", "Thiếu-năm / shortage-years"),
            ("cost_vnd", "Chi phí, tỷ / cost, bn VND"), ("transfers", "Điều động / transfers"),
            ("early_retirements", "Nghỉ hưu sớm / early ret."), ("recruits", "Tuyển dụng / recruits"),
            ("shortage_end", "Thiếu năm cuối / short at end"), ("stopped_on", "Dừng ở / stopped on"),
            ("wall_seconds", "Giây / seconds"))


def _cell(column: str, value: Any) -> str:
    if column == "budget_vnd":
        return NO_LIMIT if isinstance(value, float) and math.isnan(value) else budget_text(value)
    if column == "cost_vnd":
        return f"{float(value) / 1e9:,.2f}"
    if column == "wall_seconds":
        return f"{float(value):.1f}"
    if column in ("status", "stopped_on"):
        return str(value) or "—"
    return f"{int(value):,}" if isinstance(value, (int, np.integer)) else str(value)


def print_roadmap_comparison(df: pd.DataFrame, console=None) -> None:
    """The comparison as a rich table: one column per scenario, one row per figure; the note below."""
    from rich.console import Console
    from rich.table import Table

    df = df.reset_index(drop=True)
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=max(100, 34 + 14 * len(df)))
    table = Table(title="So sánh lộ trình / Roadmap comparison", title_justify="left")
    table.add_column("Chỉ tiêu / Figure", style="bold", no_wrap=True)
    for name in df["name"]:
        table.add_column(str(name), justify="right", overflow="fold", min_width=9)
    for column, label in _PRINTED:
        table.add_row(label, *(_cell(column, v) for v in df[column].tolist()))
    console.print(table)
    note = _note_of(df, None)
    if note:
        console.print(f"[bold red]{note}[/]")
