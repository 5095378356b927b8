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

import base64
import html
import io
import math
import re
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from optimizer.output.plan_files import scenario_settings
from optimizer.output.vocabulary import LABELS_VI, METHOD_VI, SCENARIO_LABELS_VI

__all__ = ["write_report", "is_synthetic_note", "REPORT_TITLE"]

REPORT_TITLE = "Báo cáo kế hoạch điều động công chức cấp xã"
DPI = 100
FONT = "DejaVu Sans"
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BLUE, RED, GREEN, GREY = "#2b6cb0", "#c53030", "#2f855a", "#a0aec0"
MAX_TABLE_ROWS = 100
_STATUS_SHORT = {"optimal": "Tối ưu", "feasible": "Khả thi", "infeasible": "Không khả thi"}
_SYNTHETIC = re.compile(r"synthetic|giả lập|mô phỏng|tổng hợp|giả định|fake|dummy", re.I)


def is_synthetic_note(note: str) -> bool:
    """Whether the dataset's note says the data is made up (then the report says so loudly)."""
    return bool(note) and bool(_SYNTHETIC.search(note))


# --------------------------------------------------------------------------- number text

def _int(x: Any) -> str:
    """12345 → '12.345' (Vietnamese thousands separator); missing → '—'."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{int(round(float(x))):,}".replace(",", ".")


def _dec(x: Any, digits: int = 1) -> str:
    """1234.56 → '1.234,6'."""
    if x is None or (isinstance(x, (float, int)) and not math.isfinite(float(x))):
        return "—"
    text = f"{float(x):,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _pct(x: Any, digits: int = 1) -> str:
    if x is None or not isinstance(x, (int, float, np.floating, np.integer)) \
            or not math.isfinite(float(x)):
        return "—"
    return _dec(100 * float(x), digits) + " %"


def _number(summary: dict, key: str) -> float | None:
    value = summary.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _esc(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return html.escape(str(x), quote=True)


# --------------------------------------------------------------------------- figures

def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _img(fig: Figure, alt: str) -> str:
    """The figure as an <img> with a base64 PNG (no date or software stamp)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    width, height = (int(round(v * DPI)) for v in fig.get_size_inches())
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{_esc(alt)}">')


def _unit_net(units_after: pd.DataFrame) -> pd.DataFrame:
    """Per unit: net = Σ(staff − quota) over positions, before and after."""
    ua = units_after
    if len(ua) == 0:
        return pd.DataFrame({"net_before": [], "net_after": []},
                            index=pd.Index([], name="unit_code"))
    frame = pd.DataFrame({
        "unit_code": ua["unit_code"].astype(str),
        "net_before": pd.to_numeric(ua["staff_before"]) - pd.to_numeric(ua["quota"]),
        "net_after": pd.to_numeric(ua["staff_after"]) - pd.to_numeric(ua["quota"]),
    })
    return frame.groupby("unit_code", sort=True).sum()


def _map_figure(plan, units: pd.DataFrame) -> str | None:
    if units is None or not {"unit_code", "lat", "lon"} <= set(units.columns):
        return None
    pts = units.loc[:, ["unit_code", "lat", "lon"]].copy()
    pts["unit_code"] = pts["unit_code"].astype(str)
    pts["lat"] = pd.to_numeric(pts["lat"], errors="coerce")
    pts["lon"] = pd.to_numeric(pts["lon"], errors="coerce")
    pts = pts.dropna(subset=["lat", "lon"]).drop_duplicates("unit_code")
    if len(pts) == 0:
        return None
    net = _unit_net(plan.units_after)
    pts = pts.join(net, on="unit_code").fillna({"net_before": 0.0, "net_after": 0.0})
    both = np.abs(np.concatenate([pts["net_before"].to_numpy(), pts["net_after"].to_numpy()]))
    vmax = max(1.0, float(np.percentile(both, 98)))
    norm = Normalize(-vmax, vmax, clip=True)
    lat0 = math.radians(float(pts["lat"].mean()))
    aspect = 1.0 / max(math.cos(lat0), 0.05)        # a degree of longitude is cos(lat) shorter
    (x0, x1), (y0, y1) = _extent(pts["lon"], pts["lat"], aspect)
    # Axes placed by hand (inches): a fixed-aspect map defeats automatic layouts.
    panel_w = 4.6
    panel_h = panel_w * aspect * (y1 - y0) / (x1 - x0)
    left, gap, right, top, bottom = 0.75, 0.3, 0.2, 0.7, 1.35
    width, height = left + 2 * panel_w + gap + right, top + panel_h + bottom
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    first = fig.add_axes((left / width, bottom / height, panel_w / width, panel_h / height))
    second = fig.add_axes(((left + panel_w + gap) / width, bottom / height, panel_w / width,
                           panel_h / height), sharex=first, sharey=first)
    second.tick_params(labelleft=False)
    scatter = None
    for ax, column, title in ((first, "net_before", "Trước điều động"),
                              (second, "net_after", "Sau điều động")):
        values = pts[column].to_numpy()
        order = np.argsort(np.abs(values), kind="stable")     # strong colours on top
        size = 6.0 if len(pts) > 1000 else 18.0
        scatter = ax.scatter(pts["lon"].to_numpy()[order], pts["lat"].to_numpy()[order],
                             c=values[order], cmap="RdBu", norm=norm, s=size, linewidths=0)
        short = int((values < 0).sum())
        ax.set_title(f"{title}\n{_int(short)} / {_int(len(values))} đơn vị thiếu người")
        ax.set_aspect(aspect, adjustable="box")
        ax.set_facecolor("#dfe6ee")
        ax.set_xlabel("Kinh độ")
        ax.tick_params(length=2)
    first.set_ylabel("Vĩ độ")
    first.set_xlim(x0, x1)
    first.set_ylim(y0, y1)
    bar_w = min(5.0, width - 1.0)
    cax = fig.add_axes(((width - bar_w) / 2 / width, 0.5 / height, bar_w / width, 0.16 / height))
    bar = fig.colorbar(scatter, cax=cax, orientation="horizontal", extend="both")
    bar.set_label("Số người thừa (+) hoặc thiếu (−) so với biên chế giao, cộng mọi vị trí")
    return _img(fig, "Bản đồ thừa/thiếu công chức theo đơn vị, trước và sau điều động")


def _extent(lon: pd.Series, lat: pd.Series, aspect: float,
            tallest: float = 2.2, widest: float = 0.7) -> tuple[tuple[float, float], ...]:
    """Map limits with a margin, widened so that a panel is neither a sliver nor a strip.

    On screen a panel is `aspect × lat range / lon range` times as tall as it is wide; that
    ratio is kept within [widest, tallest] (Vietnam itself is about 1.8).
    """
    x0, x1 = float(lon.min()), float(lon.max())
    y0, y1 = float(lat.min()), float(lat.max())
    pad = 0.04 * max(x1 - x0, y1 - y0) + 0.05
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    ratio = aspect * (y1 - y0) / (x1 - x0)
    if ratio > tallest:
        grow = ((y1 - y0) * aspect / tallest - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    elif ratio < widest:
        grow = ((x1 - x0) * widest / aspect - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    return (x0, x1), (y0, y1)


def _province_table(plan, provinces: pd.DataFrame | None) -> pd.DataFrame:
    ua = plan.units_after
    if len(ua) == 0 or "province_code" not in ua:
        return pd.DataFrame(columns=["province_code", "name", "shortage_before",
                                     "shortage_after", "filled", "rate"])
    grouped = (ua.assign(province_code=ua["province_code"].astype(str),
                         shortage_before=pd.to_numeric(ua["shortage_before"]),
                         shortage_after=pd.to_numeric(ua["shortage_after"]))
               .groupby("province_code", sort=True)
               .agg(shortage_before=("shortage_before", "sum"),
                    shortage_after=("shortage_after", "sum")))
    names = pd.Series(dtype=object)
    if "province_name" in ua:
        names = ua.assign(province_code=ua["province_code"].astype(str)) \
            .drop_duplicates("province_code").set_index("province_code")["province_name"]
    if provinces is not None and {"province_code", "name"} <= set(provinces.columns):
        extra = provinces.assign(province_code=provinces["province_code"].astype(str)) \
            .drop_duplicates("province_code").set_index("province_code")["name"]
        names = names.combine_first(extra) if len(names) else extra
    grouped["name"] = [str(names.get(code, code)) if pd.notna(names.get(code, code)) else code
                       for code in grouped.index]
    grouped["filled"] = grouped["shortage_before"] - grouped["shortage_after"]
    before = grouped["shortage_before"].where(grouped["shortage_before"] > 0)
    grouped["rate"] = grouped["filled"] / before
    return grouped.reset_index()


def _province_figure(table: pd.DataFrame, national_rate: float | None) -> str | None:
    rated = table.dropna(subset=["rate"])
    if len(rated) == 0:
        return None
    rated = rated.sort_values(["rate", "name"], ascending=[True, False], kind="mergesort")
    fig = _new_figure(9.0, max(2.8, 1.2 + 0.3 * len(rated)))
    ax = fig.subplots()
    y = np.arange(len(rated))
    rates = rated["rate"].to_numpy(dtype=float) * 100
    ax.barh(y, rates, color=BLUE, height=0.7)
    ax.set_yticks(y, [_shorten(n, 34) for n in rated["name"]])
    ax.set_xlim(0, 112)
    ax.set_ylim(-0.6, len(rated) - 0.4)
    for yi, rate, filled, before in zip(y, rates, rated["filled"], rated["shortage_before"]):
        ax.text(rate + 1, yi, f"{_dec(rate)} % ({_int(filled)}/{_int(before)})",
                va="center", fontsize=8, color="#2d3748")
    if national_rate is not None:
        ax.axvline(100 * national_rate, color=RED, linestyle="--", linewidth=1.2,
                   label=f"Cả nước: {_pct(national_rate)}")
        ax.legend(loc="lower right", fontsize=9, frameon=True)
    ax.set_xlabel("Tỷ lệ chỗ thiếu được lấp đầy (%)")
    ax.set_title("Tỷ lệ lấp đầy chỗ thiếu theo tỉnh/thành phố")
    ax.grid(axis="x", color="#e2e8f0")
    ax.set_axisbelow(True)
    return _img(fig, "Biểu đồ tỷ lệ lấp đầy chỗ thiếu theo tỉnh/thành phố")


def _distance_figure(plan, max_km: float | None) -> str | None:
    if "km" not in plan.transfers or len(plan.transfers) == 0:
        return None
    km = pd.to_numeric(plan.transfers["km"], errors="coerce").dropna().to_numpy(dtype=float)
    if len(km) == 0:
        return None
    top = max(float(km.max()), float(max_km or 0), 1.0)
    step = next(s for s in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1e9) if top / s <= 30)
    edges = np.arange(0.0, top + step, step)
    fig = _new_figure(9.0, 4.2)
    ax = fig.subplots()
    ax.hist(km, bins=edges, color=BLUE, edgecolor="white", linewidth=0.6)
    mean, median = float(km.mean()), float(np.median(km))
    ax.axvline(mean, color=RED, linewidth=1.5, label=f"Bình quân: {_dec(mean)} km")
    ax.axvline(median, color=GREEN, linewidth=1.5, linestyle="--",
               label=f"Trung vị: {_dec(median)} km")
    if max_km:
        ax.axvline(float(max_km), color="#4a5568", linewidth=1.2, linestyle=":",
                   label=f"Giới hạn: {_dec(max_km)} km")
    ax.legend(fontsize=9)
    ax.set_xlabel("Khoảng cách điều động (km)")
    ax.set_ylabel("Số người")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Phân bố khoảng cách điều động ({_int(len(km))} người)")
    ax.grid(axis="y", color="#e2e8f0")
    ax.set_axisbelow(True)
    return _img(fig, "Biểu đồ số người điều động theo khoảng cách")


def _positions_table(plan) -> pd.DataFrame:
    ua = plan.units_after
    cols = ["position_code", "position_name", "priority", "shortage_before",
            "shortage_after", "filled", "units_short", "weighted"]
    if len(ua) == 0:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({
        "position_code": ua["position_code"].astype(str),
        "position_name": ua["position_name"].astype(str) if "position_name" in ua
        else ua["position_code"].astype(str),
        "priority": pd.to_numeric(ua["priority"]) if "priority" in ua else 1,
        "shortage_before": pd.to_numeric(ua["shortage_before"]),
        "shortage_after": pd.to_numeric(ua["shortage_after"]),
    })
    frame["units_short"] = (frame["shortage_after"] > 0).astype(int)
    out = frame.groupby("position_code", sort=True).agg(
        position_name=("position_name", "first"), priority=("priority", "max"),
        shortage_before=("shortage_before", "sum"), shortage_after=("shortage_after", "sum"),
        units_short=("units_short", "sum")).reset_index()
    out["filled"] = out["shortage_before"] - out["shortage_after"]
    out["weighted"] = out["priority"] * out["shortage_after"]
    out = out[out["shortage_after"] > 0]
    out = out.sort_values(["weighted", "position_code"], ascending=[False, True], kind="mergesort")
    return out.loc[:, cols].reset_index(drop=True)


def _positions_figure(table: pd.DataFrame) -> str | None:
    if len(table) == 0:
        return None
    top = table.head(20).iloc[::-1]
    fig = _new_figure(9.0, max(2.8, 1.4 + 0.34 * len(top)))
    ax = fig.subplots()
    y = np.arange(len(top))
    ax.barh(y, top["shortage_before"], color="#fbd38d", height=0.75, label="Thiếu trước điều động")
    ax.barh(y, top["shortage_after"], color=RED, height=0.45, label="Còn thiếu sau điều động")
    ax.set_yticks(y, [_shorten(n, 42) for n in top["position_name"]])
    ax.set_ylim(-0.6, len(top) - 0.4)
    for yi, after in zip(y, top["shortage_after"]):
        ax.text(float(after), yi, f" {_int(after)}", va="center", fontsize=8, color="#742a2a")
    ax.set_xlabel("Số biên chế thiếu (người)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Vị trí việc làm còn thiếu nhiều nhất (theo mức ưu tiên × số thiếu)")
    fig.legend(loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    ax.grid(axis="x", color="#e2e8f0")
    ax.set_axisbelow(True)
    return _img(fig, "Biểu đồ các vị trí việc làm còn thiếu")


def _shorten(text: Any, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- HTML pieces

def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset(),
           caption: str = "") -> str:
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{_esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{_esc(v)}</td>'
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return f'<div class="tablewrap"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _card(label: str, value: str, sub: str = "", tone: str = "") -> str:
    sub_html = f'<div class="sub">{_esc(sub)}</div>' if sub else ""
    return (f'<div class="card {tone}"><div class="label">{_esc(label)}</div>'
            f'<div class="value">{_esc(value)}</div>{sub_html}</div>')


def _key_figures(summary: dict) -> str:
    n = lambda k: _number(summary, k)   # noqa: E731
    status = summary.get("status")
    check = summary.get("check") if isinstance(summary.get("check"), dict) else None
    method = str(summary.get("method") or "")
    gap = n("gap")
    cards = [
        _card("Thiếu trước điều động", _int(n("shortage_before")),
              f"có trọng số: {_int(n('weighted_shortage_before'))}"),
        _card("Còn thiếu sau điều động", _int(n("shortage_after")),
              f"có trọng số: {_int(n('weighted_shortage_after'))}",
              "bad" if (n("shortage_after") or 0) > 0 else "good"),
        _card("Tỷ lệ lấp đầy", _pct(n("fill_rate")), "chỗ thiếu được lấp / chỗ thiếu ban đầu"),
        _card("Trần có thể lấp", _int(n("ceiling")), f"đạt {_pct(n('ceiling_fill_rate'))} trần"),
        _card("Số người điều động", _int(n("moves"))),
        _card("Tổng quãng đường", f"{_dec(n('total_km'))} km",
              f"bình quân {_dec(n('mean_km'))} km/người"),
        _card("Dôi dư", f"{_int(n('surplus_before'))} → {_int(n('surplus_after'))}",
              "trước → sau điều động"),
        _card("Đơn vị thiếu người", f"{_int(n('units_short_before'))} → "
              f"{_int(n('units_short_after'))}", "trước → sau điều động"),
        _card("Trạng thái lời giải", _STATUS_SHORT.get(str(status), str(status or "—")),
              f"{status or '—'} · gap {_pct(gap, 2) if gap is not None else '—'}"
              + (f" · {METHOD_VI.get(method, method)}" if method else ""),
              "good" if status == "optimal" else ("bad" if status == "infeasible" else "")),
    ]
    if check is not None:
        violations = check.get("violations") or []
        passed = bool(check.get("passed"))
        cards.append(_card("Kiểm tra độc lập", "Đạt" if passed else "Không đạt",
                           f"{_int(len(violations))} vi phạm", "good" if passed else "bad"))
    return '<div class="cards">' + "".join(cards) + "</div>"


_CSS = """
:root{--ink:#1a202c;--muted:#4a5568;--line:#e2e8f0;--blue:#2b6cb0}
*{box-sizing:border-box}
body{margin:0;background:#f7fafc;color:var(--ink);
 font-family:"DejaVu Sans","Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px;background:#fff;min-height:100vh}
h1{font-size:26px;margin:0 0 4px;color:#1a365d}
h2{font-size:20px;margin:36px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line);color:#1a365d}
.subtitle{color:var(--muted);margin:0 0 16px}
.banner{padding:12px 16px;border-radius:6px;margin:12px 0;border:1px solid}
.banner.synthetic{background:#fff5f5;border-color:#c53030;color:#742a2a;font-size:16px}
.banner.note{background:#ebf8ff;border-color:#90cdf4;color:#2a4365}
.banner.warn{background:#fffaf0;border-color:#dd6b20;color:#7b341e}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(215px,1fr));gap:12px;margin:8px 0}
.card{border:1px solid var(--line);border-left:5px solid var(--blue);border-radius:6px;padding:10px 14px;background:#fbfdff}
.card.good{border-left-color:#2f855a}.card.bad{border-left-color:#c53030}
.card .label{font-size:13px;color:var(--muted)}
.card .value{font-size:20px;font-weight:bold;margin-top:2px;white-space:nowrap}
.card .sub{font-size:12px;color:var(--muted)}
figure{margin:12px 0;text-align:center}
figure img{max-width:100%;height:auto}
figcaption{font-size:13px;color:var(--muted);margin-top:4px}
.tablewrap{overflow-x:auto;margin:10px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
caption{text-align:left;font-weight:bold;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7;position:sticky;top:0}
td.num{text-align:right;white-space:nowrap}th.num{text-align:right}
tbody tr:nth-child(even){background:#f9fbfd}
details{margin:8px 0}summary{cursor:pointer;color:var(--blue)}
.muted{color:var(--muted)}
footer{margin-top:40px;font-size:12px;color:var(--muted);border-top:1px solid var(--line);padding-top:10px}
@media print{body{background:#fff}main{padding:0}th{position:static}}
"""


def _settings_value(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return _dec(value, 1) if value != int(value) else _int(value)
    return str(value)


# --------------------------------------------------------------------------- public

def write_report(plan, path: Path | str, *, units: pd.DataFrame | None = None,
                 provinces: pd.DataFrame | None = None) -> Path:
    """Write `report.html` for the plan; `units` (lat/lon) draws the map, `provinces` names.

    Returns the path written. The file is self-contained (base64 PNGs, inline CSS, no
    script) and the same inputs give the same bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = dict(plan.summary or {})
    settings = scenario_settings(plan)
    note = plan.note or str(summary.get("data_note") or "")
    national_rate = _number(summary, "fill_rate")

    with matplotlib.rc_context(_RC):
        map_img = _map_figure(plan, units)
        provinces_table = _province_table(plan, provinces)
        if national_rate is None and provinces_table["shortage_before"].sum() > 0:
            national_rate = float(provinces_table["filled"].sum()
                                  / provinces_table["shortage_before"].sum())
        province_img = _province_figure(provinces_table, national_rate)
        distance_img = _distance_figure(plan, settings.get("max_km"))
        positions = _positions_table(plan)
        positions_img = _positions_figure(positions)

    parts: list[str] = []
    add = parts.append
    title_bits = [f"Kịch bản: {settings['name']}" if settings.get("name") else "",
                  f"ngày lập kế hoạch {settings['plan_date']}" if settings.get("plan_date") else "",
                  f"bộ dữ liệu {summary['dataset']}" if summary.get("dataset") else ""]
    add(f"<h1>{_esc(REPORT_TITLE)}</h1>")
    add(f'<p class="subtitle">{_esc(" · ".join(b for b in title_bits if b))}</p>')
    if is_synthetic_note(note):
        add('<div class="banner synthetic" role="alert"><strong>DỮ LIỆU GIẢ LẬP — '
            f'không dùng để ra quyết định.</strong><br>{_esc(note)}</div>')
    elif note:
        add(f'<div class="banner note"><strong>Ghi chú dữ liệu:</strong> {_esc(note)}</div>')
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
        items = "".join(f"<li>{_esc(v)}</li>" for v in violations[:20])
        add(f'<div class="banner warn"><strong>Kiểm tra độc lập phát hiện {_int(len(violations))} '
            f"vi phạm.</strong><ul>{items}</ul></div>")

    add("<h2>Các chỉ số chính</h2>")
    add(_key_figures(summary))

    add("<h2>Bản đồ thừa, thiếu công chức theo đơn vị</h2>")
    if map_img:
        add(f"<figure>{map_img}<figcaption>Mỗi điểm là một xã, phường hoặc đặc khu. Đỏ: "
            "thiếu người so với biên chế giao; xanh: thừa người (cộng mọi vị trí việc làm). "
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
        rows = [[r.province_code, r.name, _int(r.shortage_before), _int(r.shortage_after),
                 _int(r.filled), _pct(r.rate) if pd.notna(r.rate) else "—"]
                for r in provinces_table.itertuples()]
        add("<details><summary>Bảng số liệu theo tỉnh/thành phố</summary>" + _table(
            ["Mã tỉnh", "Tỉnh/thành phố", "Thiếu trước", "Còn thiếu", "Đã lấp", "Tỷ lệ lấp đầy"],
            rows, {2, 3, 4, 5}) + "</details>")

    add("<h2>Điều động theo khoảng cách</h2>")
    if distance_img:
        add(f"<figure>{distance_img}</figure>")
        add(_longest_transfers(plan))
    else:
        add('<p class="muted">Kế hoạch không có điều động nào.</p>')

    if isinstance(summary.get("retraining"), dict):   # CONTRACT.md §6, only with --conversions
        add("<h2>Đào tạo lại sang vị trí việc làm khác</h2>")
        add(_retraining_section(summary["retraining"]))

    add("<h2>Vị trí việc làm còn thiếu</h2>")
    if len(positions):
        if positions_img:
            add(f"<figure>{positions_img}</figure>")
        shown = positions.head(MAX_TABLE_ROWS)
        rows = [[r.position_code, r.position_name, _int(r.priority), _int(r.shortage_before),
                 _int(r.filled), _int(r.shortage_after), _int(r.units_short)]
                for r in shown.itertuples()]
        more = (f" (hiển thị {MAX_TABLE_ROWS}/{len(positions)} vị trí; đủ trong plan.xlsx)"
                if len(positions) > MAX_TABLE_ROWS else "")
        add(_table(["Mã vị trí", "Vị trí việc làm", "Mức ưu tiên", "Thiếu trước", "Đã lấp",
                    "Còn thiếu", "Số đơn vị còn thiếu"], rows, {2, 3, 4, 5, 6},
                   caption="Xếp theo mức ưu tiên × số còn thiếu" + more))
    else:
        add('<p class="muted">Không còn vị trí việc làm nào thiếu người sau điều động.</p>')

    if plan.postings is not None:
        add("<h2>Phân công cán bộ hỗ trợ</h2>")
        add(_postings_table(plan.postings, provinces))

    add("<h2>Thiết lập kịch bản</h2>")
    rows = [[SCENARIO_LABELS_VI.get(k, k), _settings_value(v)] for k, v in settings.items()]
    add(_table(["Thiết lập", "Giá trị"], rows) if rows else '<p class="muted">—</p>')
    add(f"<footer>{_esc(note)}<br>Tạo bởi vn-staffing. Các tệp kèm theo: transfers.csv, "
        "units_after.csv, summary.json, plan.xlsx.</footer>")

    document = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(REPORT_TITLE)}</title>\n<style>{_CSS}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
    path.write_text(document, encoding="utf-8", newline="\n")
    return path


def _retraining_section(rt: dict) -> str:
    """How many are retrained (in place), on which paths, in how many months, at what cost."""
    head = (f"<p>{_int(rt.get('retrained', 0))} người được đào tạo lại sang vị trí việc làm khác "
            f"(trong đó {_int(rt.get('retrained_in_place', 0))} người tại chỗ, 0 km); "
            f"{_int(rt.get('plain_transfers', 0))} người điều động giữ nguyên vị trí. "
            f"Tổng chi phí đào tạo {_int(rt.get('training_cost_vnd', 0))} đồng, "
            f"{_int(rt.get('training_months_total', 0))} tháng đào tạo.</p>")
    pairs = rt.get("by_pair") or []
    if not pairs:
        return head
    rows = [[f"{p['position_name']} ({p['position_code']})", f"{p['to_position_name']} ({p['to_position_code']})",
             _int(p["retrained"]), _int(p["in_place"]), _int(p["training_months"]), _int(p["training_cost_vnd"])]
            for p in pairs[:MAX_TABLE_ROWS]]
    return head + _table(["Từ vị trí", "Sang vị trí", "Số người", "Tại chỗ", "Số tháng đào tạo",
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
             _dec(r["_km"])] for _, r in top.iterrows()]
    return ("<details><summary>10 trường hợp điều động xa nhất</summary>" + _table(
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
            return _dec(value, 2)
        if column == "seniority":
            return _int(value)
        if isinstance(value, (list, tuple, set)):
            return "; ".join(map(str, value))
        return str(value)

    rows = [[cell(c, v) for c, v in zip(columns, values)]
            for values in p.loc[:, columns].itertuples(index=False)]
    total = pd.to_numeric(p["score"], errors="coerce").sum() if "score" in p else None
    caption = f"{_int(len(p))} tỉnh/thành phố" + (f", tổng điểm phù hợp {_dec(total, 2)}"
                                                  if total is not None else "")
    return _table([LABELS_VI.get(c, c) for c in columns], rows, numeric, caption=caption)
