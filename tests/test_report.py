"""optimizer.output.report: a self-contained Vietnamese HTML report that a real browser renders.

The plan is made by hand: two provinces, four communes, two positions, three moves.
The browser test runs only where /usr/bin/chromium (Debian's package) is installed.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import re
import subprocess
import warnings
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from optimizer.plan import Plan
from optimizer.output.report import is_synthetic_note, write_report

SYNTHETIC = "SYNTHETIC roster and quotas (calibrated estimate) on the real 2025 map"
REAL = "Số liệu biên chế năm 2025 do Sở Nội vụ cung cấp"
IMG = '<img src="data:image/png;base64,'
CHROMIUM = "/usr/bin/chromium"


class FakeScenario:
    def model_dump(self, mode: str = "python") -> dict:
        day = dt.date(2026, 1, 1)
        return {"name": "thử nghiệm", "max_km": 40.0, "cross_province": False,
                "protect_years": 2.0, "plan_date": day.isoformat() if mode == "json" else day}


UNITS = pd.DataFrame({
    "unit_code": ["00001", "00002", "00003", "00004"],
    "name": ["Phường Ba Đình", "Xã Sóc Sơn", "Phường Bến Thành", "Xã Cần Giờ"],
    "province_code": ["01", "01", "79", "79"],
    "unit_type": ["phuong", "xa", "phuong", "xa"],
    "lat": [21.035, 21.257, 10.773, 10.411],
    "lon": [105.834, 105.849, 106.700, 106.954],
})
PROVINCES = pd.DataFrame({"province_code": ["01", "79"],
                          "name": ["Thành phố Hà Nội", "Thành phố Hồ Chí Minh"]})
POSITIONS = {"P01": ("Tư pháp – hộ tịch", 3), "P02": ("Địa chính – xây dựng", 1)}


def make_units_after() -> pd.DataFrame:
    rows = [  # unit, position, before, quota, after
        ("00001", "P01", 3, 1, 1), ("00001", "P02", 1, 1, 1),
        ("00002", "P01", 0, 2, 2), ("00002", "P02", 0, 3, 0),
        ("00003", "P01", 2, 2, 2), ("00003", "P02", 4, 2, 3),
        ("00004", "P01", 0, 1, 0), ("00004", "P02", 0, 1, 1),
    ]
    unit = UNITS.set_index("unit_code")
    prov = PROVINCES.set_index("province_code")["name"]
    before, quota, after = (np.array([r[i] for r in rows]) for i in (2, 3, 4))
    return pd.DataFrame({
        "unit_code": [r[0] for r in rows],
        "unit_name": [unit.loc[r[0], "name"] for r in rows],
        "province_code": [unit.loc[r[0], "province_code"] for r in rows],
        "province_name": [prov[unit.loc[r[0], "province_code"]] for r in rows],
        "position_code": [r[1] for r in rows],
        "position_name": [POSITIONS[r[1]][0] for r in rows],
        "priority": [POSITIONS[r[1]][1] for r in rows],
        "staff_before": before, "quota": quota, "staff_after": after,
        "shortage_before": np.maximum(quota - before, 0),
        "surplus_before": np.maximum(before - quota, 0),
        "shortage_after": np.maximum(quota - after, 0),
        "surplus_after": np.maximum(after - quota, 0),
        "arrivals": np.maximum(after - before, 0), "departures": np.maximum(before - after, 0),
    })


def make_transfers() -> pd.DataFrame:
    return pd.DataFrame({
        "transfer_no": [1, 2, 3],
        "staff_id": ["00011", "00012", "00031"],
        "full_name": ["Nguyễn Văn An", "Lê Thị Bình", "Phạm Minh Châu"],
        "position_code": ["P01", "P01", "P02"],
        "position_name": [POSITIONS["P01"][0], POSITIONS["P01"][0], POSITIONS["P02"][0]],
        "from_unit": ["00001", "00001", "00003"],
        "from_unit_name": ["Phường Ba Đình"] * 2 + ["Phường Bến Thành"],
        "to_unit": ["00002", "00002", "00004"],
        "to_unit_name": ["Xã Sóc Sơn"] * 2 + ["Xã Cần Giờ"],
        "km": [24.6, 24.6, 49.8],
    })


def make_summary(**changes) -> dict:
    summary = {"status": "optimal", "method": "min_cost_flow", "shortage_before": 7,
               "shortage_after": 4, "weighted_shortage_before": 13,
               "weighted_shortage_after": 6, "surplus_before": 4, "surplus_after": 1,
               "moves": 3, "total_km": 99.0, "mean_km": 33.0, "ceiling": 3,
               "ceiling_fill_rate": 1.0, "fill_rate": 3 / 7, "units_short_before": 2,
               "units_short_after": 2, "gap": 0.0,
               "check": {"passed": True, "violations": []}, "dataset": "tests/tiny"}
    summary.update(changes)
    return summary


def make_postings() -> pd.DataFrame:
    return pd.DataFrame({
        "officer_id": ["007", "012"], "full_name": ["Trần Thị Bích", "<script>alert(1)</script>"],
        "province_code": ["01", "79"], "province_name": ["Thành phố Hà Nội",
                                                         "Thành phố Hồ Chí Minh"],
        "score": [2.5, 1.25], "covered": ["y_te;giao_duc", "dat_dai"], "uncovered": ["", "y_te"],
        "reason": ["Khớp nhu cầu y tế", "Khớp nhu cầu đất đai"],
    })


def make_plan(**changes) -> Plan:
    fields = dict(scenario=FakeScenario(), transfers=make_transfers(),
                  units_after=make_units_after(), summary=make_summary(),
                  postings=make_postings(), note=SYNTHETIC)
    fields.update(changes)
    return Plan(**fields)


def images(text: str) -> list[np.ndarray]:
    """Every embedded image, decoded as a PNG into pixels."""
    out = []
    for data in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text):
        raw = base64.b64decode(data, validate=True)
        assert raw.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"Software" not in raw and b"atplotlib" not in raw     # no version stamp
        out.append(mpimg.imread(io.BytesIO(raw), format="png"))
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # e.g. "Glyph … missing from font(s)"
        assert write_report(make_plan(), path, units=UNITS, provinces=PROVINCES) == path
    return path


@pytest.fixture(scope="module")
def html(report) -> str:
    return report.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the file

def test_self_contained_html(html):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html and '<meta charset="utf-8">' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html.replace("&lt;script&gt;", "")
    assert "<link" not in html
    references = re.findall(r'(?:src|href)\s*=\s*["\']?([^"\' >]+)', html)
    assert references and all(r.startswith("data:image/png;base64,") for r in references)
    assert "url(" not in html and "@import" not in html


def test_images_are_valid_pngs(html):
    pictures = images(html)
    assert html.count(IMG) == 4 == len(pictures)      # map, provinces, distances, positions
    for pixels in pictures:
        assert pixels.shape[0] > 200 and pixels.shape[1] > 400
        assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 20
    map_pixels = pictures[0]
    assert map_pixels.shape[1] > map_pixels.shape[0] * 0.5       # two panels side by side


def test_vietnamese_headings_and_figures(html):
    for heading in ("Báo cáo kế hoạch điều động công chức cấp xã", "Các chỉ số chính",
                    "Bản đồ thừa, thiếu công chức theo đơn vị",
                    "Tỷ lệ lấp đầy theo tỉnh/thành phố", "Điều động theo khoảng cách",
                    "Vị trí việc làm còn thiếu", "Phân công cán bộ hỗ trợ",
                    "Thiết lập kịch bản"):
        assert heading in html
    assert 'Tỷ lệ lấp đầy</div><div class="value">42,9 %</div>' in html
    assert 'Còn thiếu sau điều động</div><div class="value">4</div>' in html
    assert "Tổng quãng đường</div><div class=\"value\">99,0 km</div>" in html
    assert "Tối ưu" in html
    assert "Thành phố Hồ Chí Minh" in html and "Tư pháp – hộ tịch" in html
    assert "Khoảng cách điều động tối đa (km)" in html


def test_positions_still_short_sorted_by_priority_times_shortage(html):
    table = html.split("Vị trí việc làm còn thiếu</h2>")[1].split("</table>")[0]
    codes = re.findall(r"<td>(P0\d)</td>", table)
    # P01: shortage_after 1 × priority 3 = 3; P02: 3 × 1 = 3 → tie, by code
    assert codes == ["P01", "P02"]
    cells = {code: re.findall(r"<td class=num>([^<]*)</td>",
                              re.search(rf"<td>{code}</td>(.*?)</tr>", table).group(1))
             for code in codes}
    # priority, short before, filled, still short, units still short
    assert cells == {"P01": ["3", "3", "2", "1", "1"], "P02": ["1", "4", "1", "3", "1"]}


def test_synthetic_banner(html):
    assert '<div class="banner synthetic"' in html and "DỮ LIỆU GIẢ LẬP" in html
    assert SYNTHETIC in html


def test_real_data_note_is_not_a_synthetic_banner(tmp_path):
    path = write_report(make_plan(note=REAL), tmp_path / "r.html", units=UNITS)
    text = path.read_text(encoding="utf-8")
    assert 'class="banner synthetic"' not in text and "DỮ LIỆU GIẢ LẬP" not in text
    assert '<div class="banner note">' in text and REAL in text


@pytest.mark.parametrize("note, expected", [
    (SYNTHETIC, True), ("Dữ liệu giả lập", True), ("dữ liệu mô phỏng", True), (REAL, False),
    ("", False)])
def test_is_synthetic_note(note, expected):
    assert is_synthetic_note(note) is expected


def test_text_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_postings_table(html):
    section = html.split("Phân công cán bộ hỗ trợ</h2>")[1].split("</table>")[0]
    assert "Trần Thị Bích" in section and "<td>007</td>" in section
    assert "2,50" in section and "Điểm phù hợp" in section


def test_deterministic_bytes(tmp_path, report):
    again = write_report(make_plan(), tmp_path / "again.html", units=UNITS, provinces=PROVINCES)
    assert again.read_bytes() == report.read_bytes()


def test_without_units_there_is_no_map(tmp_path):
    text = write_report(make_plan(), tmp_path / "r.html").read_text(encoding="utf-8")
    assert text.count(IMG) == 3 == len(images(text))
    assert "Không có tọa độ đơn vị để vẽ bản đồ." in text


def test_empty_plan(tmp_path):
    ua = make_units_after()
    ua["staff_after"] = ua["staff_before"]
    ua["shortage_after"], ua["surplus_after"] = ua["shortage_before"], ua["surplus_before"]
    plan = make_plan(transfers=make_transfers().iloc[0:0], units_after=ua, postings=None,
                     summary=make_summary(status="infeasible", moves=0, shortage_after=7,
                                          fill_rate=0.0, total_km=0.0, mean_km=None))
    text = write_report(plan, tmp_path / "r.html", units=UNITS).read_text(encoding="utf-8")
    assert "Kế hoạch không có điều động nào." in text
    assert "Bài toán không khả thi" in text
    assert "Phân công cán bộ hỗ trợ" not in text
    assert text.count(IMG) == 3 == len(images(text))           # map, provinces, positions


def test_failed_check_is_shown(tmp_path):
    plan = make_plan(summary=make_summary(check={"passed": False,
                                                 "violations": ["unit 00002 over quota"]}))
    text = write_report(plan, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Kiểm tra độc lập phát hiện 1 vi phạm" in text and "unit 00002 over quota" in text


# --------------------------------------------------------------------------- a real browser

def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian chromium is not installed (/usr/bin/chromium)")


@needs_chromium
def test_browser_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "shot.png"
    result = _chromium(f"--screenshot={shot}", "--window-size=1280,4000",
                       "--hide-scrollbars", report.as_uri(), profile=tmp_path / "profile")
    assert shot.exists(), result.stderr[-2000:]
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (4000, 1280)
    flat = pixels[..., :3].reshape(-1, 3)
    colours = np.unique((flat * 255).round().astype(np.uint8), axis=0)
    assert len(colours) > 100                                   # text, charts, map
    background = np.all(np.abs(flat - flat[0]) < 0.02, axis=1).mean()
    assert background < 0.9


@needs_chromium
def test_browser_loads_every_image(report, tmp_path):
    """Every <img> decodes in Chromium (naturalWidth > 0) under the report's own CSP."""
    text = report.read_text(encoding="utf-8")
    n = text.count(IMG)
    probe = ("<script>window.addEventListener('load',function(){var i=Array.from(document.images);"
             "var ok=i.filter(function(x){return x.complete&&x.naturalWidth>0;}).length;"
             "document.title='IMAGES '+ok+'/'+i.length;});</script>")
    page = tmp_path / "probe.html"
    page.write_text(text.replace("default-src 'none';", "default-src 'none'; "
                                 "script-src 'unsafe-inline';")
                    .replace("</body>", probe + "</body>"), encoding="utf-8")
    result = _chromium("--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
                       "--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    title = re.search(r"<title>(.*?)</title>", result.stdout)
    assert title, result.stderr[-2000:]
    assert title.group(1) == f"IMAGES {n}/{n}"
    # the probe itself can fail: a broken image is counted as not loaded
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text(encoding="utf-8").replace(
        IMG, '<img src="data:image/png;base64,AAAA', 1), encoding="utf-8")
    result = _chromium("--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
                       "--dump-dom", broken.as_uri(), profile=tmp_path / "profile2")
    assert f"<title>IMAGES {n - 1}/{n}</title>" in result.stdout
