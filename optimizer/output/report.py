"""A self-contained HTML report of a `Plan`, in Vietnamese, for planners.

    write_report(plan, path, units=ds.units, provinces=ds.provinces) -> path

One file, no external requests (a Content-Security-Policy forbids any: images are
embedded as base64 PNG, styles are inline, there is no script). Sections:

1. the data note (a red banner when the data is synthetic) and the key figures;
2. a map of the units (`units`' lat/lon), coloured by each unit's net surplus (+) or
   shortage (−) against its quota, before and after the plan, side by side;
3. the fill rate by province (share of the shortage that the plan fills);
4. the transfers by distance; with retraining (`--conversions`), the retraining paths used;
5. the positions still short (table and chart);
6. the officer postings, when the plan has them; the scenario settings.

Charts are drawn with matplotlib's Agg canvas (no pyplot state) in DejaVu Sans, which
covers Vietnamese; PNGs carry no software stamp, so the same Plan gives the same bytes.
Numbers follow Vietnamese usage: "12.345" and "37,4 %".
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.explain.report_section import explain_section
from optimizer.output.figures import (distance_figure, drawing, map_figure, net_short_counts, positions_figure,
                                      positions_table, province_figure, province_table)
from optimizer.output.html import CSS, card, esc, fmt_dec, fmt_int, fmt_pct, html_table, is_synthetic_note, number
from optimizer.output.plan_files import scenario_settings, warning_text
from optimizer.output.vocabulary import (LABELS_VI, METHOD_VI, SCENARIO_LABELS_VI, STATUS_SHORT_VI,
                                         UNITS_SHORT_ANY_NOTE_VI, UNITS_SHORT_ANY_VI, UNITS_SHORT_NET_NOTE_VI,
                                         UNITS_SHORT_NET_VI)

__all__ = ["write_report", "draw_figures", "Figures", "is_synthetic_note", "REPORT_TITLE"]

REPORT_TITLE = "Báo cáo kế hoạch điều động công chức cấp xã"
MAX_TABLE_ROWS = 100


def _key_figures(summary: dict) -> str:
    n = lambda k: number(summary, k)   # noqa: E731
    status = summary.get("status")
    check = summary.get("check") if isinstance(summary.get("check"), dict) else None
    method = str(summary.get("method") or "")
    gap = n("gap")
    cards = [
        card("Thiếu trước điều động", fmt_int(n("shortage_before")),
              f"có trọng số: {fmt_int(n('weighted_shortage_before'))}"),
        card("Còn thiếu sau điều động", fmt_int(n("shortage_after")),
              f"có trọng số: {fmt_int(n('weighted_shortage_after'))}",
              "bad" if (n("shortage_after") or 0) > 0 else "good"),
        card("Tỷ lệ lấp đầy", fmt_pct(n("fill_rate")), "chỗ thiếu được lấp / chỗ thiếu ban đầu"),
        card("Trần có thể lấp", fmt_int(n("ceiling")), f"đạt {fmt_pct(n('ceiling_fill_rate'))} trần"),
        card("Số người điều động", fmt_int(n("moves"))),
        card("Tổng quãng đường", f"{fmt_dec(n('total_km'))} km",
              f"bình quân {fmt_dec(n('mean_km'))} km/người"),
        card("Dôi dư", f"{fmt_int(n('surplus_before'))} → {fmt_int(n('surplus_after'))}",
              "trước → sau điều động"),
        card(UNITS_SHORT_ANY_VI, f"{fmt_int(n('units_short_before'))} → "
              f"{fmt_int(n('units_short_after'))}", UNITS_SHORT_ANY_NOTE_VI),
        card("Trạng thái lời giải", STATUS_SHORT_VI.get(str(status), str(status or "—")),
              f"{status or '—'} · gap {fmt_pct(gap, 2) if gap is not None else '—'}"
              + (f" · {METHOD_VI.get(method, method)}" if method else ""),
              "good" if status == "optimal" else ("bad" if status == "infeasible" else "")),
    ]
    if check is not None:
        violations = check.get("violations") or []
        passed = bool(check.get("passed"))
        cards.append(card("Kiểm tra độc lập", "Đạt" if passed else "Không đạt",
                           f"{fmt_int(len(violations))} vi phạm", "good" if passed else "bad"))
    return '<div class="cards">' + "".join(cards) + "</div>"


def _settings_value(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return fmt_dec(value, 1) if value != int(value) else fmt_int(value)
    return str(value)


# --------------------------------------------------------------------------- public

@dataclass(frozen=True, eq=False)
class Figures:
    """The report's four figures and the tables behind them, and what they were drawn from
    (`drawn_from`: the plan's transfers and units after, its fill rate and km limit, the units
    and provinces tables) — so that
    figures drawn before the plan is finished (`optimizer.output.outputs`) are used only for the
    plan they show (`fits`)."""
    map_img: str | None
    provinces_table: pd.DataFrame
    province_img: str | None
    distance_img: str | None
    positions: pd.DataFrame
    positions_img: str | None
    drawn_from: tuple

    def fits(self, plan, units: pd.DataFrame | None = None, provinces: pd.DataFrame | None = None) -> bool:
        transfers, units_after, rate, max_km, drawn_units, drawn_provinces = self.drawn_from
        return (number(dict(plan.summary or {}), "fill_rate") == rate
                and scenario_settings(plan).get("max_km") == max_km
                and plan.transfers.equals(transfers) and plan.units_after.equals(units_after)
                and _same(units, drawn_units) and _same(provinces, drawn_provinces))


def _same(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.equals(b))


def draw_figures(plan, *, units: pd.DataFrame | None = None, provinces: pd.DataFrame | None = None) -> Figures:
    """The figures of `write_report`. `plan` needs only its transfers, units after, scenario and
    the summary's fill rate (which may be all a plan being finished has)."""
    summary = dict(plan.summary or {})
    settings = scenario_settings(plan)
    rate = national_rate = number(summary, "fill_rate")
    with drawing():
        map_img = map_figure(plan, units)
        provinces_table = province_table(plan, provinces)
        if national_rate is None and provinces_table["shortage_before"].sum() > 0:
            national_rate = float(provinces_table["filled"].sum()
                                  / provinces_table["shortage_before"].sum())
        province_img = province_figure(provinces_table, national_rate)
        distance_img = distance_figure(plan, settings.get("max_km"))
        positions = positions_table(plan)
        positions_img = positions_figure(positions)
    return Figures(map_img, provinces_table, province_img, distance_img, positions, positions_img,
                   (plan.transfers, plan.units_after, rate, settings.get("max_km"), units, provinces))


def write_report(plan, path: Path | str, *, units: pd.DataFrame | None = None,
                 provinces: pd.DataFrame | None = None, figures: Figures | None = None) -> Path:
    """Write `report.html` for the plan; `units` (lat/lon) draws the map, `provinces` names.
    ``figures``: drawn beforehand by `draw_figures`, used when they `fit` the plan and these
    `units` and `provinces`, else drawn again.

    Returns the path written. The file is self-contained (base64 PNGs, inline CSS, no
    script) and the same inputs give the same bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = dict(plan.summary or {})
    settings = scenario_settings(plan)
    note = plan.note or str(summary.get("data_note") or "")
    if figures is None or not figures.fits(plan, units, provinces):
        figures = draw_figures(plan, units=units, provinces=provinces)
    map_img, provinces_table, province_img = figures.map_img, figures.provinces_table, figures.province_img
    distance_img, positions, positions_img = figures.distance_img, figures.positions, figures.positions_img

    parts: list[str] = []
    add = parts.append
    title_bits = [f"Kịch bản: {settings['name']}" if settings.get("name") else "",
                  f"ngày lập kế hoạch {settings['plan_date']}" if settings.get("plan_date") else "",
                  f"bộ dữ liệu {summary['dataset']}" if summary.get("dataset") else ""]
    add(f"<h1>{esc(REPORT_TITLE)}</h1>")
    add(f'<p class="subtitle">{esc(" · ".join(b for b in title_bits if b))}</p>')
    if is_synthetic_note(note):
        add('<div class="banner synthetic" role="alert"><strong>DỮ LIỆU GIẢ LẬP — '
            f'không dùng để ra quyết định.</strong><br>{esc(note)}</div>')
    elif note:
        add(f'<div class="banner note"><strong>Ghi chú dữ liệu:</strong> {esc(note)}</div>')
    status = summary.get("status")
    if status == "infeasible":
        add('<div class="banner warn"><strong>Bài toán không khả thi</strong> với các thiết '
            "lập đã chọn: kế hoạch dưới đây không có điều động.</div>")
    elif status == "feasible":
        add('<div class="banner warn"><strong>Lời giải khả thi nhưng chưa chứng minh tối ưu'
            "</strong> (hết thời gian giải): xem khoảng cách tối ưu (gap).</div>")
    check = summary.get("check")
    if isinstance(check, dict) and check.get("passed") is False:
        violations = check.get("violations") or []
        items = "".join(f"<li>{esc(v)}</li>" for v in violations[:20])
        add(f'<div class="banner warn"><strong>Kiểm tra độc lập phát hiện {fmt_int(len(violations))} '
            f"vi phạm.</strong><ul>{items}</ul></div>")

    warnings = summary.get("warnings") or []
    if warnings:                           # implausible input values (models.plausibility)
        items = "".join(f"<li>{esc(warning_text(w))}</li>" for w in warnings[:20])
        more = f"<p>… và {fmt_int(len(warnings) - 20)} cảnh báo khác (xem summary.json).</p>" \
            if len(warnings) > 20 else ""
        add(f'<div class="banner warn"><strong>Cảnh báo dữ liệu đầu vào: {fmt_int(len(warnings))} '
            f"giá trị bất thường</strong> (kế hoạch vẫn lập được; hãy kiểm tra lại)<ul>{items}</ul>"
            f"{more}</div>")

    add("<h2>Các chỉ số chính</h2>")
    add(_key_figures(summary))

    add("<h2>Bản đồ thừa, thiếu công chức theo đơn vị</h2>")
    if map_img:
        net_before, net_after = net_short_counts(plan.units_after, units)
        add(f"<figure>{map_img}<figcaption>Mỗi điểm là một xã, phường hoặc đặc khu. Đỏ: "
            "thiếu người so với biên chế giao; xanh: thừa người (cộng mọi vị trí việc làm). "
            f"Số {esc(UNITS_SHORT_NET_VI)}: {fmt_int(net_before)} trước, {fmt_int(net_after)} sau "
            f"điều động ({esc(UNITS_SHORT_NET_NOTE_VI)}); ô “{esc(UNITS_SHORT_ANY_VI)}” ở trên "
            f"({fmt_int(number(summary, 'units_short_before'))} → "
            f"{fmt_int(number(summary, 'units_short_after'))}) đếm cả những đơn vị đó. "
            "Trục kinh độ được hiệu chỉnh theo cos(vĩ độ).</figcaption></figure>")
    else:
        add('<p class="muted">Không có tọa độ đơn vị để vẽ bản đồ.</p>')

    add("<h2>Tỷ lệ lấp đầy theo tỉnh/thành phố</h2>")
    if province_img:
        add(f"<figure>{province_img}<figcaption>Tỷ lệ = số chỗ thiếu được lấp ÷ số chỗ thiếu "
            "trước điều động (trong ngoặc: đã lấp/thiếu ban đầu).</figcaption></figure>")
    else:
        add('<p class="muted">Không tỉnh nào thiếu người trước điều động.</p>')
    if len(provinces_table):
        rows = [[r.province_code, r.name, fmt_int(r.shortage_before), fmt_int(r.shortage_after),
                 fmt_int(r.filled), fmt_pct(r.rate) if pd.notna(r.rate) else "—"]
                for r in provinces_table.itertuples()]
        add("<details><summary>Bảng số liệu theo tỉnh/thành phố</summary>" + html_table(
            ["Mã tỉnh", "Tỉnh/thành phố", "Thiếu trước", "Còn thiếu", "Đã lấp", "Tỷ lệ lấp đầy"],
            rows, {2, 3, 4, 5}) + "</details>")

    add("<h2>Điều động theo khoảng cách</h2>")
    if distance_img:
        add(f"<figure>{distance_img}</figure>")
        add(_longest_transfers(plan))
    else:
        add('<p class="muted">Kế hoạch không có điều động nào.</p>')

    if isinstance(summary.get("retraining"), dict):   # docs/contract.md §6, only with --conversions
        add("<h2>Đào tạo lại sang vị trí việc làm khác</h2>")
        add(_retraining_section(summary["retraining"]))

    add("<h2>Vị trí việc làm còn thiếu</h2>")
    if len(positions):
        if positions_img:
            add(f"<figure>{positions_img}</figure>")
        shown = positions.head(MAX_TABLE_ROWS)
        rows = [[r.position_code, r.position_name, fmt_int(r.priority), fmt_int(r.shortage_before),
                 fmt_int(r.filled), fmt_int(r.shortage_after), fmt_int(r.units_short)]
                for r in shown.itertuples()]
        more = (f" (hiển thị {MAX_TABLE_ROWS}/{len(positions)} vị trí; đủ trong plan.xlsx)"
                if len(positions) > MAX_TABLE_ROWS else "")
        add(html_table(["Mã vị trí", "Vị trí việc làm", "Mức ưu tiên", "Thiếu trước", "Đã lấp",
                    "Còn thiếu", "Số đơn vị còn thiếu"], rows, {2, 3, 4, 5, 6},
                   caption="Xếp theo mức ưu tiên × số còn thiếu" + more))
    else:
        add('<p class="muted">Không còn vị trí việc làm nào thiếu người sau điều động.</p>')

    section = explain_section(plan)     # docs/contract.md §7, only with explain / fairness
    if section:
        add(section)

    if plan.postings is not None:
        add("<h2>Phân công cán bộ hỗ trợ</h2>")
        add(_postings_table(plan.postings, provinces))

    add("<h2>Thiết lập kịch bản</h2>")
    rows = [[SCENARIO_LABELS_VI.get(k, k), _settings_value(v)] for k, v in settings.items()]
    add(html_table(["Thiết lập", "Giá trị"], rows) if rows else '<p class="muted">—</p>')
    add(f"<footer>{esc(note)}<br>Tạo bởi vn-staffing. Các tệp kèm theo: transfers.csv, "
        "units_after.csv, summary.json, plan.xlsx.</footer>")

    document = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(REPORT_TITLE)}</title>\n<style>{CSS}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
    path.write_text(document, encoding="utf-8", newline="\n")
    return path


def _retraining_section(rt: dict) -> str:
    """How many are retrained (in place), on which paths, in how many months, at what cost."""
    head = (f"<p>{fmt_int(rt.get('retrained', 0))} người được đào tạo lại sang vị trí việc làm khác "
            f"(trong đó {fmt_int(rt.get('retrained_in_place', 0))} người tại chỗ, 0 km); "
            f"{fmt_int(rt.get('plain_transfers', 0))} người điều động giữ nguyên vị trí. "
            f"Tổng chi phí đào tạo {fmt_int(rt.get('training_cost_vnd', 0))} đồng, "
            f"{fmt_int(rt.get('training_months_total', 0))} tháng đào tạo.</p>")
    pairs = rt.get("by_pair") or []
    if not pairs:
        return head
    rows = [[f"{p['position_name']} ({p['position_code']})",
             f"{p['to_position_name']} ({p['to_position_code']})",
             fmt_int(p["retrained"]), fmt_int(p["in_place"]), fmt_int(p["training_months"]),
             fmt_int(p["training_cost_vnd"])] for p in pairs[:MAX_TABLE_ROWS]]
    return head + html_table(["Từ vị trí", "Sang vị trí", "Số người", "Tại chỗ", "Số tháng đào tạo",
                              "Chi phí (đồng)"], rows, {2, 3, 4, 5},
                             caption="Lộ trình đào tạo lại theo bảng conversions của bộ dữ liệu")


def _longest_transfers(plan, n: int = 10) -> str:
    tr = plan.transfers
    if len(tr) == 0 or "km" not in tr:
        return ""
    km = pd.to_numeric(tr["km"], errors="coerce")
    order = km.fillna(-1).to_numpy().argsort(kind="stable")[::-1][:n]
    top = tr.iloc[np.sort(order)].assign(_km=km.iloc[np.sort(order)])
    top = top.sort_values("_km", ascending=False, kind="mergesort")
    get = lambda r, c: r.get(c, "")   # noqa: E731
    rows = [[get(r, "staff_id"), get(r, "full_name"), get(r, "position_name") or get(r, "position_code"),
             get(r, "from_unit_name") or get(r, "from_unit"), get(r, "to_unit_name") or get(r, "to_unit"),
             fmt_dec(r["_km"])] for _, r in top.iterrows()]
    return ("<details><summary>10 trường hợp điều động xa nhất</summary>" + html_table(
        [LABELS_VI["staff_id"], LABELS_VI["full_name"], LABELS_VI["position_name"],
         LABELS_VI["from_unit_name"], LABELS_VI["to_unit_name"], LABELS_VI["km"]],
        rows, {5}) + "</details>")


def _postings_table(postings: pd.DataFrame, provinces: pd.DataFrame | None) -> str:
    if len(postings) == 0:
        return '<p class="muted">Không có phân công cán bộ hỗ trợ.</p>'
    p = postings.copy()
    if "province_name" not in p and provinces is not None and "province_code" in p:
        names = provinces.assign(province_code=provinces["province_code"].astype(str)) \
            .set_index("province_code")["name"]
        p["province_name"] = p["province_code"].astype(str).map(names)
    columns = [c for c in ("province_code", "province_name", "officer_id", "full_name", "score",
                           "covered", "uncovered", "seniority", "alternative_officer_id",
                           "alternative_loss") if c in p]   # the long reason stays in postings.csv
    numeric = {i for i, c in enumerate(columns)
               if c in ("score", "seniority", "alternative_loss")}

    def cell(column: str, value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if column in ("score", "alternative_loss"):
            return fmt_dec(value, 2)
        if column == "seniority":
            return fmt_int(value)
        if isinstance(value, (list, tuple, set)):
            return "; ".join(map(str, value))
        return str(value)

    rows = [[cell(c, v) for c, v in zip(columns, values)]
            for values in p.loc[:, columns].itertuples(index=False)]
    total = pd.to_numeric(p["score"], errors="coerce").sum() if "score" in p else None
    caption = f"{fmt_int(len(p))} tỉnh/thành phố" + (f", tổng điểm phù hợp {fmt_dec(total, 2)}"
                                                  if total is not None else "")
    return html_table([LABELS_VI.get(c, c) for c in columns], rows, numeric, caption=caption)
