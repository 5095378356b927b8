"""Small HTML pieces shared by the reports (plan, roadmap): numbers the Vietnamese way,
escaping, tables, key-figure cards and the page's style sheet."""
from __future__ import annotations

import html
import math
import re
from typing import Any

import numpy as np

__all__ = ["is_synthetic_note", "fmt_int", "fmt_dec", "fmt_pct", "number", "esc", "shorten", "html_table",
           "card", "CSS"]

SYNTHETIC = re.compile(r"synthetic|giả lập|mô phỏng|tổng hợp|giả định|fake|dummy", re.I)


def is_synthetic_note(note: str) -> bool:
    """Whether the dataset's note says the data is made up (then the report says so loudly)."""
    return bool(note) and bool(SYNTHETIC.search(note))


# --------------------------------------------------------------------------- number text

def fmt_int(x: Any) -> str:
    """12345 → '12.345' (Vietnamese thousands separator); missing → '—'."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{int(round(float(x))):,}".replace(",", ".")


def fmt_dec(x: Any, digits: int = 1) -> str:
    """1234.56 → '1.234,6'."""
    if x is None or (isinstance(x, (float, int)) and not math.isfinite(float(x))):
        return "—"
    text = f"{float(x):,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_pct(x: Any, digits: int = 1) -> str:
    if x is None or not isinstance(x, (int, float, np.floating, np.integer)) \
            or not math.isfinite(float(x)):
        return "—"
    return fmt_dec(100 * float(x), digits) + " %"


def number(summary: dict, key: str) -> float | None:
    value = summary.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def esc(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return html.escape(str(x), quote=True)


# --------------------------------------------------------------------------- figures


def shorten(text: Any, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- HTML pieces

def html_table(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset(),
           caption: str = "") -> str:
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{esc(v)}</td>'
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<div class="tablewrap"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def card(label: str, value: str, sub: str = "", tone: str = "") -> str:
    sub_html = f'<div class="sub">{esc(sub)}</div>' if sub else ""
    return (f'<div class="card {tone}"><div class="label">{esc(label)}</div>'
            f'<div class="value">{esc(value)}</div>{sub_html}</div>')


CSS = """
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
