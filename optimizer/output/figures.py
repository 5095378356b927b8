"""The report's figures, one function each: matplotlib's Agg canvas (no pyplot state), DejaVu
Sans (covers Vietnamese), embedded as base64 PNG with no software stamp (same plan, same bytes)."""
from __future__ import annotations

import base64
import io
import math

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from optimizer.output.html import esc, fmt_dec, fmt_int, fmt_pct, shorten

__all__ = ["drawing", "new_figure", "img", "map_figure", "province_table", "province_figure", "distance_figure",
           "positions_table", "positions_figure", "BLUE", "RED", "GREEN", "GREY"]

DPI = 100
FONT = "DejaVu Sans"
RC = {
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


def drawing():
    """The report's matplotlib style, as a context manager: `with drawing(): ...`."""
    return matplotlib.rc_context(RC)


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def img(fig: Figure, alt: str) -> str:
    """The figure as an <img> with a base64 PNG (no date or software stamp)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    width, height = (int(round(v * DPI)) for v in fig.get_size_inches())
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{esc(alt)}">')


def unit_net(units_after: pd.DataFrame) -> pd.DataFrame:
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


def map_figure(plan, units: pd.DataFrame) -> str | None:
    if units is None or not {"unit_code", "lat", "lon"} <= set(units.columns):
        return None
    pts = units.loc[:, ["unit_code", "lat", "lon"]].copy()
    pts["unit_code"] = pts["unit_code"].astype(str)
    pts["lat"] = pd.to_numeric(pts["lat"], errors="coerce")
    pts["lon"] = pd.to_numeric(pts["lon"], errors="coerce")
    pts = pts.dropna(subset=["lat", "lon"]).drop_duplicates("unit_code")
    if len(pts) == 0:
        return None
    net = unit_net(plan.units_after)
    pts = pts.join(net, on="unit_code").fillna({"net_before": 0.0, "net_after": 0.0})
    both = np.abs(np.concatenate([pts["net_before"].to_numpy(), pts["net_after"].to_numpy()]))
    vmax = max(1.0, float(np.percentile(both, 98)))
    norm = Normalize(-vmax, vmax, clip=True)
    lat0 = math.radians(float(pts["lat"].mean()))
    aspect = 1.0 / max(math.cos(lat0), 0.05)        # a degree of longitude is cos(lat) shorter
    (x0, x1), (y0, y1) = extent(pts["lon"], pts["lat"], aspect)
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
        ax.set_title(f"{title}\n{fmt_int(short)} / {fmt_int(len(values))} đơn vị thiếu người")
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
    return img(fig, "Bản đồ thừa/thiếu công chức theo đơn vị, trước và sau điều động")


def extent(lon: pd.Series, lat: pd.Series, aspect: float,
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


def province_table(plan, provinces: pd.DataFrame | None) -> pd.DataFrame:
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


def province_figure(table: pd.DataFrame, national_rate: float | None) -> str | None:
    rated = table.dropna(subset=["rate"])
    if len(rated) == 0:
        return None
    rated = rated.sort_values(["rate", "name"], ascending=[True, False], kind="mergesort")
    fig = new_figure(9.0, max(2.8, 1.2 + 0.3 * len(rated)))
    ax = fig.subplots()
    y = np.arange(len(rated))
    rates = rated["rate"].to_numpy(dtype=float) * 100
    ax.barh(y, rates, color=BLUE, height=0.7)
    ax.set_yticks(y, [shorten(n, 34) for n in rated["name"]])
    ax.set_xlim(0, 112)
    ax.set_ylim(-0.6, len(rated) - 0.4)
    for yi, rate, filled, before in zip(y, rates, rated["filled"], rated["shortage_before"]):
        ax.text(rate + 1, yi, f"{fmt_dec(rate)} % ({fmt_int(filled)}/{fmt_int(before)})",
                va="center", fontsize=8, color="#2d3748")
    if national_rate is not None:
        ax.axvline(100 * national_rate, color=RED, linestyle="--", linewidth=1.2,
                   label=f"Cả nước: {fmt_pct(national_rate)}")
        ax.legend(loc="lower right", fontsize=9, frameon=True)
    ax.set_xlabel("Tỷ lệ chỗ thiếu được lấp đầy (%)")
    ax.set_title("Tỷ lệ lấp đầy chỗ thiếu theo tỉnh/thành phố")
    ax.grid(axis="x", color="#e2e8f0")
    ax.set_axisbelow(True)
    return img(fig, "Biểu đồ tỷ lệ lấp đầy chỗ thiếu theo tỉnh/thành phố")


def distance_figure(plan, max_km: float | None) -> str | None:
    if "km" not in plan.transfers or len(plan.transfers) == 0:
        return None
    km = pd.to_numeric(plan.transfers["km"], errors="coerce").dropna().to_numpy(dtype=float)
    if len(km) == 0:
        return None
    top = max(float(km.max()), float(max_km or 0), 1.0)
    step = next(s for s in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1e9) if top / s <= 30)
    edges = np.arange(0.0, top + step, step)
    fig = new_figure(9.0, 4.2)
    ax = fig.subplots()
    ax.hist(km, bins=edges, color=BLUE, edgecolor="white", linewidth=0.6)
    mean, median = float(km.mean()), float(np.median(km))
    ax.axvline(mean, color=RED, linewidth=1.5, label=f"Bình quân: {fmt_dec(mean)} km")
    ax.axvline(median, color=GREEN, linewidth=1.5, linestyle="--",
               label=f"Trung vị: {fmt_dec(median)} km")
    if max_km:
        ax.axvline(float(max_km), color="#4a5568", linewidth=1.2, linestyle=":",
                   label=f"Giới hạn: {fmt_dec(max_km)} km")
    ax.legend(fontsize=9)
    ax.set_xlabel("Khoảng cách điều động (km)")
    ax.set_ylabel("Số người")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Phân bố khoảng cách điều động ({fmt_int(len(km))} người)")
    ax.grid(axis="y", color="#e2e8f0")
    ax.set_axisbelow(True)
    return img(fig, "Biểu đồ số người điều động theo khoảng cách")


def positions_table(plan) -> pd.DataFrame:
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


def positions_figure(table: pd.DataFrame) -> str | None:
    if len(table) == 0:
        return None
    top = table.head(20).iloc[::-1]
    fig = new_figure(9.0, max(2.8, 1.4 + 0.34 * len(top)))
    ax = fig.subplots()
    y = np.arange(len(top))
    ax.barh(y, top["shortage_before"], color="#fbd38d", height=0.75, label="Thiếu trước điều động")
    ax.barh(y, top["shortage_after"], color=RED, height=0.45, label="Còn thiếu sau điều động")
    ax.set_yticks(y, [shorten(n, 42) for n in top["position_name"]])
    ax.set_ylim(-0.6, len(top) - 0.4)
    for yi, after in zip(y, top["shortage_after"]):
        ax.text(float(after), yi, f" {fmt_int(after)}", va="center", fontsize=8, color="#742a2a")
    ax.set_xlabel("Số biên chế thiếu (người)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Vị trí việc làm còn thiếu nhiều nhất (theo mức ưu tiên × số thiếu)")
    fig.legend(loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    ax.grid(axis="x", color="#e2e8f0")
    ax.set_axisbelow(True)
    return img(fig, "Biểu đồ các vị trí việc làm còn thiếu")
