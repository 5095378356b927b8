"""The report's section on what stays short (docs/contract.md §7), written when the plan was made
with ``explain`` or ``fairness``: reasons counted by province, what would help each province
most, the positions where one more person or km pays most, and the Lorenz curve of residual
shortage with and without fairness."""
from __future__ import annotations

from optimizer.explain.fairness import gini, lorenz
from optimizer.explain.vocabulary import REASON_VI
from optimizer.output.figures import BLUE, GREY, RED, drawing, img, new_figure
from optimizer.output.html import esc, fmt_dec, fmt_int, html_table

MAX_ROWS = 40


def _lorenz_figure(shares) -> str | None:
    if shares is None or shares.empty:
        return None
    with drawing():
        fig = new_figure(6.4, 4.2)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color=GREY, lw=1, ls="--", label="Phân bố đều")
        x, y = lorenz(shares["share"])
        label_now = "Kế hoạch công bằng (leximin)" if "share_efficient" in shares else "Kế hoạch này"
        ax.plot(x, y, color=BLUE, lw=2, label=f"{label_now} — Gini {gini(shares['share']):.3f}".replace(".", ","))
        if "share_efficient" in shares:
            xe, ye = lorenz(shares["share_efficient"].fillna(0))
            ax.plot(xe, ye, color=RED, lw=1.5,
                    label=f"Kế hoạch hiệu quả — Gini {gini(shares['share_efficient'].fillna(0)):.3f}".replace(".", ","))
        ax.set_xlabel("Tỷ lệ cộng dồn các đơn vị (xếp từ ít thiếu đến thiếu nhiều)")
        ax.set_ylabel("Tỷ lệ cộng dồn phần thiếu còn lại")
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        return img(fig, "Đường Lorenz của tỷ lệ thiếu có trọng số theo đơn vị")


def explain_section(plan) -> str:
    ex = getattr(plan, "explain", None)
    if ex is None or not ex.detailed:
        return ""
    parts = ["<h2>Vì sao còn thiếu, và điều gì giúp được nhiều nhất</h2>"]
    bp = ex.by_province
    if bp is not None and len(bp):
        codes = [c for c in ("no_surplus_in_scope", "out_of_reach", "unit_limit", "taken") if c in bp]
        total = ["Cả nước"] + [fmt_int(bp[c].sum()) for c in codes] + [fmt_int(bp["total"].sum())]
        rows = [[r["province_name"]] + [fmt_int(r[c]) for c in codes] + [fmt_int(r["total"])]
                for _, r in bp.sort_values("total", ascending=False).iterrows()]
        parts.append(html_table(["Tỉnh/thành phố"] + [REASON_VI[c] for c in codes] + ["Tổng chỗ còn thiếu"],
                                [total] + rows, set(range(1, len(codes) + 2)),
                                caption="Số chỗ còn thiếu theo lý do (unfilled.csv có lý do của từng chỗ)"))
    helps = ex.helps
    if helps is not None and len(helps):
        best = helps.loc[helps["best"]].sort_values("weighted_posts", ascending=False).head(MAX_ROWS)
        rows = [[r.province_name, r.advice] for r in best.itertuples()]
        parts.append(html_table(["Tỉnh/thành phố", "Điều giúp được nhiều nhất"], rows,
                                caption="Số chỗ khi nâng giới hạn km là kết quả giải lại mô hình; "
                                        "đủ mọi giải pháp trong plan.xlsx"))
    sens = ex.sensitivity
    if sens is not None and len(sens):
        top = sens.sort_values(["weighted_shortage_after", "position_code"], ascending=[False, True]).head(15)
        rows = [[r.position_name, fmt_int(r.shortage_after), fmt_int(r.value_one_more_recruit),
                 "" if r.value_one_more_surplus != r.value_one_more_surplus else fmt_int(r.value_one_more_surplus),
                 "" if r.surplus_units_that_would_fill != r.surplus_units_that_would_fill
                 else fmt_int(r.surplus_units_that_would_fill),
                 fmt_int(r.value_one_more_km)] for r in top.itertuples()]
        parts.append(html_table(["Vị trí việc làm", "Còn thiếu", "Giá trị tuyển thêm 1 người",
                                 "Giá trị thêm 1 người dôi dư", "Số nơi dôi dư mà thêm 1 người sẽ lấp thêm",
                                 "Giá trị nới thêm 1 km"], rows, {1, 2, 3, 4, 5},
                                caption="Giá trị = số chỗ thiếu có trọng số giảm được (giá đối ngẫu của quy hoạch "
                                        "tuyến tính của mạng; sensitivity.csv)"))
    fig = _lorenz_figure(ex.shares)
    if fig:
        parts.append("<h3>Phần thiếu còn lại trải đều đến đâu</h3>")
        s = plan.summary
        text = (f"Tỷ lệ thiếu lớn nhất của một đơn vị: {fmt_dec(100 * float(s['max_unit_shortage_share']))} %; "
                f"hệ số Gini: {float(s['gini_unit_shortage_share']):.3f}".replace(".", ","))
        if ex.fairness:
            f = ex.fairness
            text += (f". Kế hoạch hiệu quả: {fmt_dec(100 * f['efficient_max_unit_shortage_share'])} %, Gini "
                     f"{f['efficient_gini_unit_shortage_share']:.3f}".replace(".", ",")
                     + f"; công bằng tốn thêm {fmt_dec(s['fairness_km_cost'])} km, cùng số chỗ lấp có trọng số.")
        parts.append(f"<p>{esc(text)}</p><figure>{fig}</figure>")
    return "\n".join(parts)


__all__ = ["explain_section"]
