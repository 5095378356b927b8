"""report.html of a roadmap: self-contained, in Vietnamese (like optimizer.output.report).

Sections: the data banner (red when synthetic); key figures with status, bound and gap;
surplus and shortage by decision date (chart); actions by lever and year (chart and table);
cost by lever; the provinces still short at the last date and why; the settings.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from optimizer.output.figures import BLUE, GREEN, RC as _RC, RED, img as _img, new_figure as _new_figure
from optimizer.output.html import (CSS as _CSS, card as _card, esc as _esc, fmt_dec as _dec, fmt_int as _int,
                                   html_table as _table, is_synthetic_note)
from optimizer.roadmap.vocabulary import ACTION_VI, COMPONENT_VI

__all__ = ["write_roadmap_report", "still_short"]

TITLE = "Lộ trình đưa số công chức cấp xã về đúng biên chế"
LEVER_COLOURS = {"transfer": BLUE, "retrain": GREEN, "early_retirement": RED, "recruit": "#d69e2e"}


def _vnd(x) -> str:
    return f"{_dec(float(x) / 1e9, 2)} tỷ đồng"


def still_short(rm, provinces: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provinces with shortage after the last date's actions, and why (reason_code, reason)."""
    y = rm.units_by_year
    last = y.loc[y["date"] == y["date"].max()]
    g = last.groupby("province_code").agg(shortage_after=("shortage_after", "sum"),
                                          surplus_after=("surplus_after", "sum")).reset_index()
    g = g.loc[g["shortage_after"] > 0]
    sc, s = rm.scenario, rm.summary
    codes, reasons = [], []
    for r in g.itertuples():
        if not sc.recruit:
            codes.append("no_recruitment")
            reasons.append("Kịch bản không cho tuyển dụng; không còn người thừa cùng vị trí trong phạm vi điều động")
        elif sc.budget_vnd is not None and s["cost_vnd"] >= float(sc.budget_vnd) * 0.98:
            codes.append("budget")
            reasons.append(f"Ngân sách {_vnd(sc.budget_vnd)} đã dùng gần hết ({_vnd(s['cost_vnd'])}); "
                           "tuyển thêm vượt ngân sách")
        elif sc.max_recruits_per_province_per_year is not None:
            codes.append("recruit_cap")
            reasons.append(f"Giới hạn {sc.max_recruits_per_province_per_year} người tuyển dụng mỗi tỉnh mỗi năm")
        else:
            codes.append("timeline")
            reasons.append("Thiếu phát sinh do nghỉ hưu sau ngày quyết định cuối cùng hoặc trước năm được tuyển dụng")
    out = g.assign(reason_code=codes, reason=reasons)
    if provinces is not None:
        out = out.merge(provinces[["province_code", "name"]], on="province_code", how="left")
    else:
        out["name"] = ""
    return out.sort_values("shortage_after", ascending=False).reset_index(drop=True)


def _by_date_figure(rm) -> str:
    d = pd.DataFrame(rm.summary["per_date"])
    fig = _new_figure(8.5, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(d))
    ax.bar(x - 0.2, d["surplus_after"], 0.4, color=BLUE, label="Còn thừa")
    ax.bar(x + 0.2, d["shortage_after"], 0.4, color=RED, label="Còn thiếu")
    ax.set_xticks(x, [s[:4] for s in d["date"]])
    ax.set_ylabel("Số người (sau biện pháp của ngày 1/1)")
    ax.legend(frameon=False)
    ax.set_title("Thừa và thiếu so với biên chế theo năm")
    return _img(fig, "Thừa và thiếu theo năm")


def _levers_figure(rm) -> str | None:
    a = rm.actions
    a = a.assign(year=a["date"].str[:4])
    years = [d["date"][:4] for d in rm.summary["per_date"]]
    table = a.loc[a["action"].isin(list(LEVER_COLOURS))].groupby(["year", "action"]).size().unstack(fill_value=0)
    if table.empty:
        return None
    table = table.reindex(years, fill_value=0)
    fig = _new_figure(8.5, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    bottom = np.zeros(len(table))
    for lever, colour in LEVER_COLOURS.items():
        if lever in table:
            ax.bar(table.index, table[lever], bottom=bottom, color=colour, label=ACTION_VI[lever])
            bottom += table[lever].to_numpy()
    ax.set_ylabel("Số lượt")
    ax.legend(frameon=False)
    ax.set_title("Biện pháp theo năm")
    return _img(fig, "Biện pháp theo năm")


def _retrain_section(rm) -> list[str]:
    """Retraining by path (from → to position): persons, training months, cost; and the decisions."""
    a = rm.actions
    out = []
    r = a.loc[a["action"] == "retrain"]
    if len(r):
        g = (r.groupby(["position_code", "to_position_code"])
             .agg(n=("staff_id", "size"), months=("training_months", "first"),
                  training=("training_cost_vnd", "sum"), cost=("cost_vnd", "sum"),
                  in_place=("km", lambda k: int((k == 0).sum())))
             .reset_index().sort_values("n", ascending=False))
        out.append("<h2>Đào tạo chuyển vị trí (theo bảng chuyển đổi vị trí)</h2>")
        out.append(_table(["Từ vị trí", "Sang vị trí", "Số người", "Tại chỗ", "Thời gian đào tạo (tháng)",
                           "Chi phí đào tạo", "Tổng chi phí (gồm phụ cấp)"],
                          [[x.position_code, x.to_position_code, _int(x.n), _int(x.in_place), _int(x.months),
                            _vnd(x.training), _vnd(x.cost)] for x in g.itertuples()], {2, 3, 4, 5, 6}))
    d = rm.summary.get("decisions") or {}
    if any(d.values()):
        out.append('<p class="muted">Quyết định của cấp có thẩm quyền: '
                   f"{_int(d.get('keep', 0))} người giữ lại (không điều động), {_int(d.get('exempt', 0))} người được "
                   f"miễn điều động và nghỉ hưu trước tuổi ({_int(d.get('exempt_reason', 0))} theo Nghị định "
                   f"170/2025), {_int(d.get('forced_moves', 0))} người điều động theo quyết định vào ngày "
                   "quyết định đầu tiên.</p>")
    return out


def write_roadmap_report(rm, path, *, provinces: pd.DataFrame | None = None) -> Path:
    path = Path(path)
    s = rm.summary
    note = rm.note or s.get("data_note") or ""
    with matplotlib.rc_context(_RC):
        by_date = _by_date_figure(rm)
        levers = _levers_figure(rm)
    parts = [f"<h1>{_esc(TITLE)}</h1>",
             f'<p class="subtitle">{_esc(f"{rm.scenario.start_year}–{rm.scenario.end_year}")}'
             f'{_esc(" · bộ dữ liệu " + s["dataset"]) if s.get("dataset") else ""}</p>']
    if is_synthetic_note(note):
        parts.append('<div class="banner synthetic" role="alert"><strong>DỮ LIỆU GIẢ LẬP — '
                     f"không dùng để ra quyết định.</strong><br>{_esc(note)}</div>")
    elif note:
        parts.append(f'<div class="banner note"><strong>Ghi chú dữ liệu:</strong> {_esc(note)}</div>')
    if s["status"] != "optimal":
        parts.append('<div class="banner warn"><strong>Lời giải khả thi nhưng chưa chứng minh tối ưu</strong> '
                     f"(dừng ở thành phần {_esc(s.get('stopped_on'))}): xem cận và khoảng cách tối ưu.</div>")
    cards = [_card("Còn thừa cuối lộ trình", _int(s["end_surplus"]), f"trước: {_int(s['surplus_before'])}"),
             _card("Thiếu có trọng số, cộng các năm", _int(s["shortage_years"]),
                   f"thiếu trước: {_int(s['shortage_before'])}"),
             _card("Tổng chi phí", _vnd(s["cost_vnd"])),
             _card("Số người được điều động, đào tạo chuyển vị trí hoặc nghỉ hưu trước tuổi", _int(s["persons_acted"])),
             _card("Trạng thái", "Tối ưu" if s["status"] == "optimal" else "Khả thi")]
    parts += ["<h2>Các chỉ số chính</h2>", '<div class="cards">' + "".join(cards) + "</div>"]
    rows = [[COMPONENT_VI[k], _dec(s["objective"][k], 0), "—" if s["bound"][k] is None else _dec(s["bound"][k], 0),
             "—" if s["gap"][k] is None else f"{s['gap'][k]:.2%}"] for k in COMPONENT_VI]
    parts.append(_table(["Thành phần mục tiêu (theo thứ tự ưu tiên)", "Giá trị", "Cận", "Gap"], rows, {1, 2, 3}))
    parts += ["<h2>Thừa và thiếu theo năm</h2>", f"<figure>{by_date}</figure>"]
    rows = [[d["date"], _int(d["staff_pre"]), _int(d["quota"]), _int(d["surplus_after"]), _int(d["shortage_after"]),
             _int(d["transfers"]), _int(d["retrains"]), _int(d["early_retirements"]), _int(d["recruits"]),
             _vnd(d["cost_vnd"])]
            for d in s["per_date"]]
    parts.append(_table(["Ngày", "Có mặt trước", "Biên chế", "Còn thừa", "Còn thiếu", "Điều động",
                         "Đào tạo chuyển vị trí", "Nghỉ hưu trước tuổi", "Tuyển dụng", "Chi phí"], rows,
                        set(range(1, 10))))
    parts.append("<h2>Biện pháp theo năm</h2>")
    parts.append(f"<figure>{levers}</figure>" if levers else '<p class="muted">Lộ trình không cần biện pháp nào.</p>')
    parts.append("<h2>Chi phí theo biện pháp</h2>")
    parts.append(_table(["Biện pháp", "Số lượt", "Chi phí"],
                        [[ACTION_VI[k], _int(s["counts_by_action"].get(k, 0)), _vnd(v)]
                         for k, v in s["cost_by_lever"].items()], {1, 2}))
    parts += _retrain_section(rm)
    short = still_short(rm, provinces)
    parts.append(f"<h2>Các tỉnh còn thiếu vào {_esc(s['per_date'][-1]['date'])}</h2>")
    if len(short):
        parts.append(_table(["Mã tỉnh", "Tỉnh/thành phố", "Còn thiếu", "Còn thừa", "Lý do"],
                            [[r.province_code, r.name, _int(r.shortage_after), _int(r.surplus_after), r.reason]
                             for r in short.itertuples()], {2, 3}))
    else:
        parts.append('<p class="muted">Không tỉnh nào còn thiếu sau lộ trình.</p>')
    parts.append(f"<footer>{_esc(note)}<br>Các tệp kèm theo: actions.csv, units_by_year.csv, summary.json, "
                 "roadmap.xlsx.</footer>")
    document = ('<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "img-src data:; style-src 'unsafe-inline'\">\n"
                f"<title>{_esc(TITLE)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
                + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
    path.write_text(document, encoding="utf-8", newline="\n")
    return path
