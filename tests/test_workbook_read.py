"""models.workbook_read: python-calamine gives the rows the hand-written reader gave.

These are the cases of the former `models/xlsx.py` tests (deleted with it), now held against
python-calamine: the reference is openpyxl read-only with cached values, `reset_dimensions()`,
`iter_rows(values_only=True)` and `cell_text` on every value — what `models.io` read before —
with trailing empty cells and rows trimmed. Where python-calamine reads a cell differently
the test says so.
"""
import datetime as dt
import re
import tempfile
import unicodedata
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from datasets import tiny_tables
from models.io import dataset_from_rows, read_dataset, write_xlsx
from models.validation import DatasetError
from models.workbook_read import WorkbookRefused, cell_text, read_sheets


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Rows as `models.io` uses them: every cell stripped (python-calamine drops the spaces
    around a `<t>` without xml:space="preserve", openpyxl keeps them), without trailing empty
    cells and rows (python-calamine gives a rectangle from A1, openpyxl rows as wide as their
    last cell)."""
    out = [[c.strip() for c in r] for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


def reference(path, names=None) -> tuple[list[str], dict[str, list[list[str]]]]:
    """What the openpyxl-based reader gave (read-only, cached values, every cell through
    `cell_text`): the reference the hand-written reader was held to, now python-calamine."""
    with warnings.catch_warnings():   # "Workbook contains no default style": the small books below
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = {}
        for name in book.sheetnames if names is None else names:
            sheet = book[name]
            sheet.reset_dimensions()
            rows[name] = _trim([[cell_text(v) for v in r] for r in sheet.iter_rows(values_only=True)])
        return book.sheetnames, rows
    finally:
        book.close()


def fast(path):
    names, sheets = read_sheets(path, lambda names: [n for n in names if n != "Biểu đồ"])
    return names, {n: _trim([[cell_text(v) for v in r] for r in s.rows]) for n, s in sheets.items()}


def assert_same(path, *_kinds) -> dict[str, list[list[str]]]:
    expected = reference(path)
    assert fast(path) == expected
    return expected[1]


# --------------------------------------------------------------------------- openpyxl-written books

VIETNAMESE = ["Nguyễn Văn An", "Phường Hoàn Kiếm", "Xã Đắk Glei", "Ủy ban nhân dân", "Thừa Thiên Huế",
              "Đặng Thị Ngọc Hường", "Bà Rịa – Vũng Tàu"]
# (not "_x000D_": the OOXML escape of a carriage return, which python-calamine decodes as the
# standard says and openpyxl leaves as it is — see test_shared_strings_plain_rich_phonetic_and_escapes)
SPECIAL = ["a & b", "<tag>", "x > y", '"quoted"', "it's", "]]>",
           "  padded  ", "line\r\nbreak", "cr\rhere", "tab\there", "#N/A", "#DIV/0!", "=1+2",
           "=SUM(A1:A3)", "true", "FALSE", "1e5", "007", "0.10", "", " "]
# openpyxl refuses the C0 controls other than tab/newline/return; XML has no U+FFFE/U+FFFF
TEXT_CHARS = st.characters(blacklist_categories=("Cs",),
                           blacklist_characters="".join(map(chr, [*range(9), 11, 12, *range(14, 32),
                                                                 0xFFFE, 0xFFFF])))
TEXT = st.one_of(
    st.sampled_from(VIETNAMESE).flatmap(lambda s: st.sampled_from([s, unicodedata.normalize("NFD", s)])),
    st.from_regex(r"0[0-9]{1,6}", fullmatch=True),
    st.sampled_from(SPECIAL),
    st.text(TEXT_CHARS, max_size=12),
)
NUMBER = st.one_of(
    st.integers(-2**53, 2**53),     # a cell holds a double: no exact integer beyond 2^53 (Excel: 15 digits)
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1 / 3, 1.0467648081298364, 2.0, -0.0, 1e-300, 123456789.12345679, 5e-324]),
)
# (from 1: python-calamine reads a negative serial shown as a date as a time of day, openpyxl
# as a day before 1900 — Excel itself shows ######; see test_types_numbers_dates_and_styles)
# (times to the second: the two round a millisecond differently far from 1900)
DATE_NUMBER = st.one_of(st.integers(1, 2_900_000),
                        st.builds(lambda d, s: d + s / 86400, st.integers(1, 2_900_000), st.integers(0, 86399)))
DATE_FORMATS = ["yyyy-mm-dd", "dd/mm/yyyy", "mm-dd-yy", "d-mmm-yy", "h:mm", "h:mm:ss", "m/d/yy h:mm",
                "[h]:mm:ss", "[mm]:ss", "mm:ss", "mmss.0", "yyyy-mm-dd hh:mm:ss", '[$-409]mmmm d, yyyy',
                "dd/mm/yyyy;@", "h:mm AM/PM"]
NUMBER_FORMATS = ["General", "0", "0.00", "#,##0", "0%", "0.00E+00", '"days"0', "[Red]0.0", "@",
                  '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)', "General;[Red]-General"]
CELL = st.one_of(
    TEXT.map(lambda v: (v, None)),
    NUMBER.map(lambda v: (v, None)),
    st.tuples(NUMBER, st.sampled_from(NUMBER_FORMATS)),
    st.tuples(DATE_NUMBER, st.sampled_from(DATE_FORMATS)),    # a number shown as a date
    st.booleans().map(lambda v: (v, None)),
    st.dates(dt.date(1904, 1, 2), dt.date(9999, 12, 31)).map(lambda v: (v, None)),
    # (from 1904-01-02: a date before a 1904-system workbook's epoch is a negative serial, see
    # DATE_NUMBER)
    # (whole seconds up to 2200: far in the future a serial's last bits are a few microseconds,
    # which python-calamine and openpyxl round apart — .084 against .083 in year 4771)
    st.datetimes(dt.datetime(1904, 1, 2), dt.datetime(2200, 12, 31)).map(lambda v: (v.replace(microsecond=0), None)),
    st.times().map(lambda v: (v, None)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=9000)).map(lambda v: (v, None)),
    st.sampled_from(DATE_FORMATS + ["0.00"]).map(lambda f: (None, f)),   # an empty cell with a style
)
SPOT = st.tuples(st.integers(1, 25), st.integers(1, 9))


@st.composite
def workbooks(draw):
    sheets = {}
    for name in draw(st.lists(st.sampled_from(["staff", "units", "Dữ liệu", "about", "S 1"]),
                              min_size=1, max_size=3, unique=True)):
        sheets[name] = draw(st.dictionaries(SPOT, CELL, max_size=40))
    return sheets, draw(st.booleans())


def write_openpyxl(path, sheets, date1904):
    book = openpyxl.Workbook()
    book.remove(book.active)
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    for name, cells in sheets.items():
        sheet = book.create_sheet(name)
        for (r, c), (value, fmt) in sorted(cells.items()):
            cell = sheet.cell(r, c)
            cell.value = value
            if fmt is not None:
                cell.number_format = fmt
    book.save(path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=workbooks())
def test_openpyxl_written_cells_read_the_same(book):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.xlsx"
        write_openpyxl(path, *book)
        assert_same(path)


@st.composite
def datasets(draw):
    t = tiny_tables()
    # (a carriage return in a text cell comes back as a line feed: XML line-end handling)
    name = st.one_of(TEXT.filter(lambda s: s.strip() and not s.startswith("=") and "\r" not in s),
                     st.sampled_from(VIETNAMESE))
    for row in t["staff"][1:]:
        row[3] = draw(st.dates(dt.date(1950, 1, 1), dt.date(2008, 1, 1))).isoformat()
        row[6] = draw(name)
    for row in t["units"][1:]:
        row[1] = draw(name)
        row[4] = repr(draw(st.floats(-90, 90)))
        row[7] = draw(st.sampled_from(["", "0", "7", "123456"]) | st.integers(0, 10**7).map(str))
    t["units"][0].append("ghi_chu")                      # an extra column: text, kept
    for row in t["units"][1:]:
        row.append(draw(TEXT.filter(lambda s: not s.startswith("=") and "\r" not in s)))
    for row in t["provinces"][1:]:
        row[2] = repr(draw(st.floats(8, 24)))
    return t


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=datasets(), note=st.sampled_from(["", "SYNTHETIC dữ liệu thử"]))
def test_write_xlsx_books_read_the_same(tables, note):
    ds = dataset_from_rows(tables, note=note)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(ds, Path(tmp) / "b.xlsx")
        assert_same(path)
        back = read_dataset(path)
    assert back.equals(ds) and back.note == ds.note


# --------------------------------------------------------------------------- hand-written books

def write_book(path, sheets: dict[str, str | bytes], *, strings: str | None = None, styles: str | None = None,
               workbook_pr: str = "", absolute_targets: bool = False, missing: tuple[str, ...] = ()):
    """A minimal .xlsx: each sheet's XML (`<sheetData>` text, or a whole document), optional
    shared strings (the `<si>` elements) and styles (the `<styleSheet>` children)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {}
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>']
    rels, entries = [], []
    for i, (name, xml) in enumerate(sheets.items(), 1):
        part = f"xl/worksheets/sheet{i}.xml"
        if isinstance(xml, str) and not xml.lstrip().startswith("<?xml") and "<worksheet" not in xml:
            xml = f'<worksheet xmlns="{main}"><sheetData>{xml}</sheetData></worksheet>'
        if name not in missing:
            files[part] = xml
        overrides.append(f'<Override PartName="/{part}" ContentType="{ct}.worksheet+xml"/>')
        target = f"/{part}" if absolute_targets else f"worksheets/sheet{i}.xml"
        rels.append(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="{target}"/>')
        entries.append(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>')
    if strings is not None:
        files["xl/sharedStrings.xml"] = f'<sst xmlns="{main}">{strings}</sst>'
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rIdS" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        files["xl/styles.xml"] = f'<styleSheet xmlns="{main}">{styles}</styleSheet>'
        overrides.append(f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>')
        rels.append(f'<Relationship Id="rIdY" Type="{rel}/styles" Target="styles.xml"/>')
    files["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>")
    files["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    files["xl/workbook.xml"] = (f'<workbook xmlns="{main}" xmlns:r="{rel}">{workbook_pr}<sheets>'
                                + "".join(entries) + "</sheets></workbook>")
    files["xl/_rels/workbook.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
    return path


STYLES = ('<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
          '<numFmt numFmtId="165" formatCode="&quot;d&quot;0.0"/></numFmts>'
          '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
          '<xf numFmtId="165"/><xf numFmtId="46"/><xf numFmtId="21"/></cellXfs>')
NFD = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")


def xml_text(text: str, draw) -> str:
    """`text` as XML character data, a carriage return either raw (read as a line feed) or &#13;."""
    return escape(text).replace("\r", draw(st.sampled_from(["\r", "&#13;"])))


@st.composite
def written_by_hand(draw):
    """A sheet as Excel or LibreOffice write it (shared strings, styles s=, sparse rows, formulas),
    sometimes without r= on rows or cells, sometimes out of order; and its shared strings."""
    strings = draw(st.lists(TEXT, min_size=1, max_size=8))
    sst = "".join(f"<si><t xml:space=\"preserve\">{xml_text(t, draw)}</t></si>" for t in strings)
    cell = st.one_of(
        st.integers(0, len(strings) - 1).map(lambda i: f' t="s"><v>{i}</v></c>'),
        st.builds(lambda t: f' t="inlineStr"><is><t>{t}</t></is></c>', TEXT.map(escape)),
        st.builds(lambda n, s: f' s="{s}"><v>{n!r}</v></c>', NUMBER, st.sampled_from([0, 3])),
        st.builds(lambda n, s: f' s="{s}"><v>{n!r}</v></c>', DATE_NUMBER, st.sampled_from([1, 2, 5])),
        # a duration ([h]:mm:ss) of whole days: the two round its seconds differently
        st.builds(lambda n: f' s="4"><v>{n!r}</v></c>', st.integers(1, 2_900_000)),
        st.builds(lambda b, s: f' s="{s}" t="b"><v>{int(b)}</v></c>', st.booleans(), st.integers(0, 5)),
        st.builds(lambda t: f' t="str"><f>A1&amp;"x"</f><v>{t}</v></c>', TEXT.map(escape)),
        st.sampled_from([' t="e"><v>#N/A</v></c>', ' s="1"/>', "><v></v></c>", ' t="n"><f>1+1</f><v/></c>']),
    )
    rows = []
    for r in sorted(draw(st.sets(st.integers(1, 20), max_size=12))):
        cols = sorted(draw(st.sets(st.integers(1, 8), max_size=6)))
        cells = "".join(f'<c r="{chr(64 + c)}{r}"' + draw(cell) for c in cols)
        # cells without r=: one after the other (not error cells: their text is found by reference)
        if draw(st.integers(0, 9)) == 0 and 't="e"' not in cells:
            cells = re.sub(r'<c r="[A-Z]+[0-9]+"', "<c", cells)
        # (a row without r= whose cells say another row: openpyxl followed the rows, python-calamine
        # the cells' references — so rows without r= only where both agree)
        bare = draw(st.integers(0, 9)) == 0 and r == len(rows) + 1
        rows.append(f"<row>{cells}</row>" if bare else f'<row r="{r}">{cells}</row>')
    # (cells or rows out of order: python-calamine places them by their reference, where
    # openpyxl dropped them — test_sparse_rows_and_cells_keep_their_places)
    return "".join(rows), sst


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=written_by_hand(), date1904=st.booleans())
def test_hand_written_sheets_read_the_same(sheet, date1904):
    rows, sst = sheet
    with tempfile.TemporaryDirectory() as tmp:
        path = write_book(Path(tmp) / "h.xlsx", {"staff": rows}, strings=sst, styles=STYLES,
                          workbook_pr='<workbookPr date1904="1"/>' if date1904 else "")
        assert_same(path)


def test_shared_strings_plain_rich_phonetic_and_escapes(tmp_path):
    strings = ("<si><t>staff_id</t></si>"
               "<si><r><rPr><b/><sz val=\"11\"/></rPr><t>Rich </t></r><r><t xml:space=\"preserve\"> text </t></r></si>"
               "<si><t>Tokyo</t><rPh sb=\"0\" eb=\"1\"><t>TOUKYOU</t></rPh><phoneticPr fontId=\"1\"/></si>"
               "<si><t>a_x000D_b</t></si><si><t>_x005F_x000D_</t></si>"
               f"<si><t>{NFD}</t></si><si><t/></si><si><t>A &amp; B &lt;&#x1EA0;&#13;&gt;</t></si>"
               "<si><t xml:space=\"preserve\">  00042  </t></si>")
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(9))
    path = write_book(tmp_path / "s.xlsx", {"staff": f'<row r="1">{cells}</row>'}, strings=strings)
    rows = fast(path)[1]
    # differences from openpyxl: the runs' spaces outside xml:space="preserve" are dropped
    # ("Rich  text" there), and "_x000D_" is the OOXML escape of a carriage return, decoded
    # as the standard says (openpyxl left it as it is); "_x005F_x000D_" is the escaped escape
    assert rows["staff"] == [["staff_id", "Rich text", "Tokyo", "a\rb", "_x000D_",
                              unicodedata.normalize("NFC", NFD), "", "A & B <Ạ\r>", "00042"]]


def test_inline_strings_plain_and_rich(tmp_path):
    sheet = ('<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> 00004 </t></is></c>'
             f'<c r="C1" t="inlineStr"><is><t>{NFD} &amp; co</t></is></c>'
             '<c r="D1" t="inlineStr"><v>ignored</v></c><c r="E1" t="inlineStr"/></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><r><t>ri</t></r><r><rPr><i/></rPr><t>ch</t></r></is></c>'
             '<c r="B2" t="inlineStr"><is><t>_x000D_</t></is></c></row>')
    path = write_book(tmp_path / "i.xlsx", {"units": sheet})
    rows = fast(path)[1]
    assert rows["units"] == [["code", "00004", unicodedata.normalize("NFC", NFD) + " & co"],
                             ["rich"]]      # "_x000D_" is "\r" (see above), stripped
    canonical = write_book(tmp_path / "c.xlsx", {"units": sheet.split('<row r="2">')[0]})
    assert_same(canonical)


def test_types_numbers_dates_and_styles(tmp_path):
    sheet = ('<row r="1"><c r="A1" t="str"><f>A2&amp;"x"</f><v>text result</v></c>'
             '<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C1" t="b"><v>1</v></c>'
             '<c r="D1" t="b"><v>0</v></c><c r="E1"><v>007</v></c><c r="F1" t="n"><v>1.50</v></c>'
             '<c r="G1"><v>1E3</v></c><c r="H1"><v>-0</v></c><c r="I1"><v>.5</v></c>'
             '<c r="J1"><v>0.30000000000000004</v></c><c r="K1"><f>1+1</f><v/></c><c r="L1"><v></v></c>'
             '<c r="M1" s="0"><v>12</v></c></row>'
             '<row r="2"><c r="A2" s="1"><v>45000</v></c><c r="B2" s="2"><v>45000.75</v></c>'
             '<c r="C2" s="3"><v>45000</v></c><c r="D2" s="4"><v>1.2500001</v></c><c r="E2" s="5"><v>0.5</v></c>'
             '<c r="F2" s="1"><v>0</v></c><c r="G2" s="1"><v>59</v></c><c r="H2" s="1"><v>61</v></c>'
             '<c r="I2" s="1"><v>-3</v></c><c r="J2" s="2" t="s"><v>0</v></c><c r="K2" s="1"/></row>')
    path = write_book(tmp_path / "t.xlsx", {"quotas": sheet}, strings="<si><t>shared</t></si>", styles=STYLES)
    rows = fast(path)[1]
    # a negative serial shown as a date (I2, -3): "00:00:00" here, "1899-12-27" for openpyxl;
    # Excel shows ###### — no planner's date; every other cell reads as openpyxl read it
    expected = reference(path)[1]["quotas"]
    assert expected[1][8] == "1899-12-27" and rows["quotas"][1][8] == "00:00:00"
    rows["quotas"][1][8] = expected[1][8]
    assert rows["quotas"] == expected
    assert rows["quotas"][0] == ["text result", "#DIV/0!", "true", "false", "7", "1.5", "1000", "0", "0.5",
                                 "0.30000000000000004", "", "", "12"]
    assert rows["quotas"][1][:3] == ["2023-03-15", "2023-03-15 18:00:00", "45000"]


def test_the_1904_date_system(tmp_path):
    sheet = '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43466</v></c><c r="C1" s="2"><v>1.5</v></c></row>'
    path = write_book(tmp_path / "m.xlsx", {"staff": sheet}, styles=STYLES, workbook_pr='<workbookPr date1904="1"/>')
    rows = assert_same(path)
    assert rows["staff"] == [["00:00:00", "2023-01-02", "1904-01-02 12:00:00"]]


def test_style_zero_as_a_date(tmp_path):
    """A date style as style 0: applied to a cell with s="0"; a cell without s is a plain number
    for python-calamine (openpyxl applied style 0 to it too: "2023-03-15")."""
    styles = '<cellXfs count="1"><xf numFmtId="14"/></cellXfs>'
    path = write_book(tmp_path / "z.xlsx", {"staff": '<row r="1"><c r="A1" s="0"><v>45000</v></c>'
                                                     '<c r="B1"><v>45000</v></c></row>'}, styles=styles)
    assert fast(path)[1]["staff"] == [["2023-03-15", "45000"]]


def test_sparse_rows_and_cells_keep_their_places(tmp_path):
    sheet = ('<row r="3"><c r="B3"><v>1</v></c><c r="E3"><v>2</v></c></row>'
             '<row r="4"/><row r="6" spans="1:3" ht="20" customHeight="1"><c r="C6"><v>3</v></c></row>'
             '<row r="5"><c r="A5" t="str"><v>skipped: row 5 after row 6</v></c></row>'
             '<row r="8"><c r="C8"><v>4</v></c><c r="A8"><v>5</v></c></row>'
             '<row r="9"><c r="A9"><v>6</v></c><c r="C9"><v>7</v></c><c r="B9"><v>8</v></c></row>'
             '<row r="9"><c r="A9" t="str"><v>same row again</v></c></row><row></row><row><c><v>9</v></c><c><v>10</v></c></row>')
    path = write_book(tmp_path / "p.xlsx", {"staff": sheet})
    rows = fast(path)[1]
    # every cell in its place, by its reference (openpyxl dropped C8 and C9, which came after
    # a cell further right, and row 5, which came after row 6); a row given twice: the last
    assert rows["staff"] == [[], [], ["", "1", "", "", "2"], [], ["skipped: row 5 after row 6"],
                             ["", "", "3"], [], ["5", "", "4"], ["same row again", "8", "7"], [],
                             ["9", "10"]]
    in_order = write_book(tmp_path / "q.xlsx", {"staff": sheet.split('<row r="5">')[0]})
    assert_same(in_order)


def test_unusual_xml_still_reads_the_same(tmp_path):
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    documents = {
        "pretty": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{main}">\r\n'
                   '  <sheetData>\r\n    <row r="1">\r\n      <c r="A1" t="inlineStr"><is><t>a\r\nb&#13;</t></is></c>\r\n'
                   '      <c r="B1">\n        <v>2</v>\n      </c>\n    </row>\n  </sheetData>\n</worksheet>'),
        "comments": (f'<worksheet xmlns="{main}"><sheetData><row r="1"><!-- note --><c r="A1" t="inlineStr">'
                     '<is><t><![CDATA[<raw> & text]]></t></is></c><c t="b" r="B1" s="0"><v>1</v></c></row></sheetData></worksheet>'),
        "prefixed": (f'<x:worksheet xmlns:x="{main}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr">'
                     '<x:is><x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>'),
        "latin1": (f'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet xmlns="{main}"><sheetData><row r="1">'
                   '<c r="A1" t="inlineStr"><is><t>caf\u00e9</t></is></c></row></sheetData></worksheet>'),
        "rowbreaks": (f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
                      '<rowBreaks count="1" manualBreakCount="1"><brk id="1" max="16383" man="1"/></rowBreaks></worksheet>'),
        "empty": f'<worksheet xmlns="{main}"><sheetData/></worksheet>',
    }
    for name, xml in documents.items():
        path = tmp_path / f"{name}.xlsx"
        write_book(path, {"staff": xml.encode("latin-1") if name == "latin1" else xml})
        if name == "latin1":      # no program writes that; python-calamine reads UTF-8 only
            with pytest.raises(WorkbookRefused, match="sheet 'staff' is damaged"):
                fast(path)
            continue
        assert_same(path)
    assert_same(tmp_path / "rowbreaks.xlsx")
    assert_same(tmp_path / "empty.xlsx")


def test_sheet_names_order_and_targets(tmp_path):
    sheets = {"about": '<row r="1"><c r="A1" t="inlineStr"><is><t>SYNTHETIC</t></is></c></row>',
              "Nhân sự": "", "quotas": '<row r="2"><c r="A2"><v>1</v></c></row>'}
    for absolute in (False, True):
        path = write_book(tmp_path / f"n{absolute}.xlsx", sheets, absolute_targets=absolute)
        names, rows = fast(path)
        assert names == ["about", "Nhân sự", "quotas"] and rows["quotas"] == [[], ["1"]]
        assert (names, rows) == reference(path)


def test_a_sheet_whose_part_is_missing_is_refused_naming_the_file(tmp_path):
    """openpyxl left such a sheet out; python-calamine calls the file damaged: a refusal that
    names the file, not a sheet silently missing."""
    path = write_book(tmp_path / "m.xlsx", {"staff": "", "gone": ""}, missing=("gone",))
    with pytest.raises(DatasetError) as error:
        read_dataset(path)
    assert "m.xlsx" in str(error.value)


def test_a_chart_sheet_is_named_and_not_read(tmp_path):
    from openpyxl.chart import BarChart, Reference
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "quotas"
    for row in [["unit_code", "quota"], ["00004", 3], ["00070", 1]]:
        sheet.append(row)
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    book.create_chartsheet("Biểu đồ").add_chart(chart)
    book.save(tmp_path / "c.xlsx")
    names, rows = read_sheets(tmp_path / "c.xlsx", lambda names: ["quotas"])
    assert names == openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True).sheetnames == ["quotas", "Biểu đồ"]
    assert _trim([[cell_text(v) for v in r] for r in rows["quotas"].rows]) == \
        reference(tmp_path / "c.xlsx", ["quotas"])[1]["quotas"]
    with pytest.raises(WorkbookRefused, match="not a worksheet"):
        read_sheets(tmp_path / "c.xlsx", lambda names: names)


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_cells_openpyxl_could_not_read_fast(tmp_path):
    """t="d" ISO date cells, which sent the hand-written reader to openpyxl, are dates."""
    iso = write_book(tmp_path / "d.xlsx", {"staff": '<row r="1"><c r="A1" t="d"><v>2024-01-02</v></c></row>'})
    assert fast(iso) == reference(iso)
    assert fast(iso)[1]["staff"] == [["2024-01-02"]]


@pytest.mark.parametrize("content", [b"not a zip file", b"PK\x03\x04" + b"\0" * 40, b""])
def test_a_corrupt_zip_is_a_dataset_error_naming_the_file(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as error:
        read_dataset(path)
    assert len(error.value.problems) == 1
    assert "bad.xlsx" in str(error.value.problems[0]) and "workbook" in str(error.value.problems[0])


def test_a_zip_that_is_no_workbook(tmp_path):
    path = tmp_path / "nobook.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(DatasetError) as error:
        read_dataset(path)
    assert "nobook.xlsx" in str(error.value.problems[0])
    assert "not a readable .xlsx workbook" in str(error.value.problems[0])
