"""A small streaming, deterministic .xlsx writer (SpreadsheetML), and its public face.

    write_workbook(path, [Sheet(name, frame, labels, value_labels, decimals) |
                          TextSheet(name, rows, widths), ...], *, date=None, title="") -> path

Written here rather than through openpyxl: openpyxl (even write-only, without lxml) needs
about 11 s for the 130,000 rows of a national table, this writer about one second. The
files it writes are read back with openpyxl, python-calamine and pandas in the tests.
Byte determinism: the document dates and zip entry times are `date`, the zip entries are
written in a fixed order with fixed metadata; cells are formatted by `models.tabular`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models import tabular
from models.tabular import Column, column_letters, neutralise, scalar_text, table_columns
from models.write_behind import write_behind

__all__ = ["Sheet", "TextSheet", "STYLES", "DEFAULT_DATE", "MAX_ROWS", "Workbook", "write_workbook", "zip_day"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# cellXfs indices of styles.xml below
ST_DEFAULT, ST_HEADER, ST_TEXT, ST_DEC1, ST_DEC3, ST_PERCENT, ST_BOLD, ST_NOTE, ST_WRAP = range(9)
_DECIMAL_STYLE = {1: ST_DEC1, 3: ST_DEC3}

_STYLES_XML = (
    _XML_DECL + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0"/>'
    '<numFmt numFmtId="165" formatCode="0.000"/><numFmt numFmtId="166" formatCode="0.0%"/>'
    '</numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="12"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/></font>'
    '</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)

#: Characters XML 1.0 forbids (they would corrupt the workbook): shown as U+FFFD.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MAX_CELL_TEXT = 32767           # Excel's limit for one cell
#: Rows formatted per chunk of sheet XML (bounds memory on national plans).
_WIDTH_MIN, _WIDTH_MAX = 6, 60
#: Excel's most rows in one sheet (header included). A longer table goes on numbered sheets:
#: "Name", "Name (2)", "Name (3)", … each with the header (`Workbook.add_table`).
MAX_ROWS = 1_048_576
_MAX_SHEET_NAME = 31


def _part_name(name: str, part: int) -> str:
    """The name of part `part` (≥ 2) of a split sheet, within Excel's 31 characters."""
    suffix = f" ({part})"
    return name[:_MAX_SHEET_NAME - len(suffix)] + suffix


def _xml_escape(text: str) -> str:
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))
    return _ILLEGAL_XML.sub("\ufffd", text)


def _attr(text: str) -> str:
    return _xml_escape(text).replace('"', "&quot;")


def _width(chars: int) -> float:
    return float(min(max(chars + 2, _WIDTH_MIN), _WIDTH_MAX))


@dataclasses.dataclass
class _Sheet:
    name: str
    body: Any                    # callable(strings) -> Iterator[str] of <row> elements
    n_rows: int
    n_cols: int
    widths: list[float]
    freeze_header: bool = False
    autofilter: bool = False


class Workbook:
    """A minimal, streaming, deterministic .xlsx writer (shared strings, 9 styles)."""

    def __init__(self, title: str, day: dt.date, compresslevel: int | None = None):
        self.title = title
        self.day = day
        self.compresslevel = compresslevel     # zlib level of the entries (None: zlib's default, 6)
        self.sheets: list[_Sheet] = []
        self._strings: dict[str, int] = {}
        self._string_refs = 0

    # shared strings ------------------------------------------------------
    def _sst_index(self, text: str) -> int:
        index = self._strings.get(text)
        if index is None:
            index = self._strings[text] = len(self._strings)
        self._string_refs += 1
        return index

    def _sst_column(self, values: list[str]) -> list[int]:
        """Shared-string index of each value, -1 for an empty one."""
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
        lookup = np.empty(len(uniques) + 1, dtype=np.int64)
        lookup[-1] = -1                                # factorize: -1 for missing
        for i, text in enumerate(uniques.tolist()):
            if text == "":
                lookup[i] = -1
            else:
                lookup[i] = self._strings.setdefault(text, len(self._strings))
        out = lookup[codes]
        self._string_refs += int((out >= 0).sum())
        return out.tolist()

    # sheets ----------------------------------------------------------------
    def add_table(self, name: str, columns: list[Column], labels: dict[str, str],
                  value_labels: dict[str, dict[str, str]] | None = None) -> list[str]:
        """A table: a bold header of Vietnamese labels, frozen, with an autofilter.

        A table longer than a sheet holds (`MAX_ROWS`, header included) is split across numbered
        sheets, each with the header: never an invalid workbook. Returns the sheet names used.
        """
        n = len(columns[0].values) if columns else 0
        header = [labels.get(c.name, c.name) for c in columns]
        widths = [_width(max(len(h) + 2, c.width())) for h, c in zip(header, columns)]
        cells: list = []

        def body(start: int, stop: int) -> Iterator[str]:
            yield self._row_xml(1, [(h, ST_HEADER) for h in header])
            if not cells:                      # formatted once, shared by the parts
                for j, col in enumerate(columns, start=1):
                    cells.append(self._column_cells(col, column_letters(j), (value_labels or {})))
            for lo in range(start, stop, tabular.CHUNK_ROWS):
                hi = min(stop, lo + tabular.CHUNK_ROWS)
                yield _rows_xml(cells, lo, hi, start)
            if stop >= n:
                cells.clear()                  # the last part is written: free the formatted cells

        per = max(1, MAX_ROWS - 1)
        bounds = [(0, n)] if n <= per else [(lo, min(n, lo + per)) for lo in range(0, n, per)]
        names = []
        for k, (start, stop) in enumerate(bounds, start=1):
            title = name if k == 1 else _part_name(name, k)
            names.append(title)
            self.sheets.append(_Sheet(title, lambda a=start, b=stop: body(a, b), stop - start + 1,
                                      len(columns), widths, freeze_header=True, autofilter=True))
        return names

    def add_rows(self, name: str, rows: list[list[tuple[Any, int]]], widths: list[float]) -> None:
        """A free-form sheet: rows of (value, style) cells."""
        def body() -> Iterator[str]:
            for r, row in enumerate(rows, start=1):
                yield self._row_xml(r, row)

        self.sheets.append(_Sheet(name, body, len(rows), max((len(r) for r in rows), default=1),
                                  widths))

    def _column_cells(self, col: Column, letter: str, value_labels):
        """A function (lo, hi) -> list of the column's <c> elements for rows lo..hi-1."""
        if col.kind in ("text", "code"):
            values = col.values
            mapping = value_labels.get(col.name)
            if mapping:
                values = [mapping.get(v, v) for v in values]
            values = [v[:_MAX_CELL_TEXT] for v in values]
            index = self._sst_column(values)
            style = ST_TEXT if col.kind == "code" else ST_DEFAULT
            s_attr = f' s="{style}"' if style else ""
            head, mid = f'<c r="{letter}', f'"{s_attr} t="s"><v>'

            def fmt(lo, hi, first=0):
                return [f"{head}{r}{mid}{i}</v></c>" if i >= 0 else ""
                        for r, i in zip(range(lo - first + 2, hi - first + 2), index[lo:hi])]
            return _cell_template(fmt, index, -1, f"{head}%d{mid}%d</v></c>")
        if col.kind == "number":
            style = _DECIMAL_STYLE.get(col.decimals, ST_DEFAULT)
            s_attr = f' s="{style}"' if style else ""
            head, mid = f'<c r="{letter}', f'"{s_attr}><v>'
            values = col.values

            def fmt(lo, hi, first=0):
                return [f"{head}{r}{mid}{v}</v></c>" if v is not None else ""
                        for r, v in zip(range(lo - first + 2, hi - first + 2), values[lo:hi])]
            return _cell_template(fmt, values, None, f"{head}%d{mid}%s</v></c>")
        head, mid = f'<c r="{letter}', '" t="b"><v>'
        values = col.values

        def fmt(lo, hi, first=0):
            return [f"{head}{r}{mid}{int(v)}</v></c>" if v is not None else ""
                    for r, v in zip(range(lo - first + 2, hi - first + 2), values[lo:hi])]
        return _cell_template(fmt, values, None, f"{head}%d{mid}%d</v></c>")

    def _row_xml(self, r: int, cells: list[tuple[Any, int]]) -> str:
        out = []
        for j, (value, style) in enumerate(cells, start=1):
            ref = f"{column_letters(j)}{r}"
            s_attr = f' s="{style}"' if style else ""
            if value is None or (isinstance(value, str) and value == ""):
                if style:
                    out.append(f'<c r="{ref}"{s_attr}/>')
                continue
            if isinstance(value, (bool, np.bool_)):
                out.append(f'<c r="{ref}"{s_attr} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float, np.integer, np.floating)):
                x = float(value)
                if math.isfinite(x):
                    text = str(int(value)) if isinstance(value, (int, np.integer)) else repr(x)
                    out.append(f'<c r="{ref}"{s_attr}><v>{text}</v></c>')
            else:
                text = neutralise(scalar_text(value))[:_MAX_CELL_TEXT]
                out.append(f'<c r="{ref}"{s_attr} t="s"><v>{self._sst_index(text)}</v></c>')
        return f'<row r="{r}">{"".join(out)}</row>'

    # package ---------------------------------------------------------------
    def _sheet_xml(self, index: int, sheet: _Sheet) -> Iterator[str]:
        last = f"{column_letters(max(sheet.n_cols, 1))}{max(sheet.n_rows, 1)}"
        selected = ' tabSelected="1"' if index == 0 else ""
        head = [_XML_DECL, f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">',
                f'<dimension ref="A1:{last}"/>', f'<sheetViews><sheetView{selected} workbookViewId="0">']
        if sheet.freeze_header:
            head.append('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
        head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths:
            head.append("<cols>" + "".join(
                f'<col min="{j}" max="{j}" width="{w:g}" customWidth="1"/>'
                for j, w in enumerate(sheet.widths, start=1)) + "</cols>")
        head.append("<sheetData>")
        yield "".join(head)
        yield from sheet.body()
        tail = "</sheetData>"
        if sheet.autofilter:
            ref = self._filter_ref(sheet)
            # codes are text on purpose: no "number stored as text" triangles in Excel
            tail += (f'<autoFilter ref="{ref}"/><ignoredErrors>'
                     f'<ignoredError sqref="{ref}" numberStoredAsText="1"/></ignoredErrors>')
        yield tail + "</worksheet>"

    @staticmethod
    def _filter_ref(sheet: _Sheet) -> str:
        return f"A1:{column_letters(max(sheet.n_cols, 1))}{max(sheet.n_rows, 1)}"

    def _workbook_xml(self) -> str:
        sheets, names = [], []
        for i, sheet in enumerate(self.sheets):
            sheets.append(f'<sheet name="{_attr(sheet.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>')
            if sheet.autofilter:
                quoted = "'" + sheet.name.replace("'", "''") + "'"
                a, b = self._filter_ref(sheet).split(":")
                ref = "$" + re.sub(r"(\d+)", r"$\1", a) + ":$" + re.sub(r"(\d+)", r"$\1", b)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" '
                             f'hidden="1">{_xml_escape(quoted)}!{ref}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (_XML_DECL + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
                '<bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{''.join(sheets)}</sheets>{defined}</workbook>")

    def _workbook_rels(self) -> str:
        n = len(self.sheets)
        rels = [f'<Relationship Id="rId{i + 1}" Type="{_REL_NS}/worksheet" '
                f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n)]
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
        return _XML_DECL + f'<Relationships xmlns="{_PKG_REL_NS}">{"".join(rels)}</Relationships>'

    def _content_types(self) -> str:
        sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts = [
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
            '<Default Extension="xml" ContentType="application/xml"/>',
            f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>',
        ]
        parts += [f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                  f'ContentType="{sml}.worksheet+xml"/>' for i in range(len(self.sheets))]
        parts += [
            f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/>',
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}.sharedStrings+xml"/>',
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>',
        ]
        return (_XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'content-types">{"".join(parts)}</Types>')

    def _root_rels(self) -> str:
        return (_XML_DECL + f'<Relationships xmlns="{_PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                f'<Relationship Id="rId2" Type="{_PKG_REL_NS}/metadata/core-properties" '
                'Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" '
                'Target="docProps/app.xml"/></Relationships>')

    def _core(self) -> str:
        stamp = f"{self.day.isoformat()}T00:00:00Z"
        return (_XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{_xml_escape(self.title)}</dc:title><dc:creator>vn-staffing</dc:creator>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>")

    @staticmethod
    def _app() -> str:
        return (_XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                '2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/'
                'officeDocument/2006/docPropsVTypes"><Application>vn-staffing</Application>'
                "</Properties>")

    def _shared_strings(self) -> Iterator[str]:
        yield (_XML_DECL + f'<sst xmlns="{_MAIN_NS}" count="{self._string_refs}" '
               f'uniqueCount="{len(self._strings)}">')
        batch = []
        for text in self._strings:              # insertion order = index order
            space = ' xml:space="preserve"' if text != text.strip() else ""
            batch.append(f"<si><t{space}>{_xml_escape(text)}</t></si>")
            if len(batch) >= 10000:
                yield "".join(batch)
                batch = []
        yield "".join(batch) + "</sst>"

    def save(self, path: Path) -> None:
        """Write the package; entries in a fixed order with fixed times and attributes."""
        stamp = (self.day.year, self.day.month, self.day.day, 0, 0, 0)

        def entry(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            if self.compresslevel is not None:     # ZipFile.open(ZipInfo) ignores the archive's level
                setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level")
                        else "_compresslevel", self.compresslevel)
            info.create_system = 0
            info.external_attr = 0
            return info

        def put(zf: zipfile.ZipFile, name: str, chunks: Iterable[str]) -> None:
            with zf.open(entry(name), "w", force_zip64=True) as f:   # compressed on the second core
                write_behind(f.write, (chunk.encode("utf-8") for chunk in chunks))

        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel) as zf:
            put(zf, "[Content_Types].xml", [self._content_types()])
            put(zf, "_rels/.rels", [self._root_rels()])
            put(zf, "docProps/app.xml", [self._app()])
            put(zf, "docProps/core.xml", [self._core()])
            put(zf, "xl/workbook.xml", [self._workbook_xml()])
            put(zf, "xl/_rels/workbook.xml.rels", [self._workbook_rels()])
            put(zf, "xl/styles.xml", [_STYLES_XML])
            for i, sheet in enumerate(self.sheets):
                put(zf, f"xl/worksheets/sheet{i + 1}.xml", self._sheet_xml(i, sheet))
            put(zf, "xl/sharedStrings.xml", self._shared_strings())

def _cell_template(fmt, values: list, empty, piece: str):
    """`fmt` (lo, hi, first) -> the column's <c> elements, with what `_rows_xml` needs to write a
    run of rows without an empty cell in one %-format per row: the values, the value of an
    empty cell, and the cell as a %-template (row number, value)."""
    fmt.values, fmt.empty, fmt.piece = values, empty, piece
    return fmt


def _rows_xml(cells: list, lo: int, hi: int, first: int) -> str:
    """The <row> elements of rows lo..hi-1 — the same text as joining each column's `fmt`
    cells row by row, built with one %-format per row (a column with an empty cell in the
    range takes its formatted cells as they are)."""
    numbers = range(lo - first + 2, hi - first + 2)
    pieces, args = ['<row r="%d">'], [numbers]
    for fmt in cells:
        values = fmt.values[lo:hi]
        if fmt.empty in values:
            pieces.append("%s")
            args.append(fmt(lo, hi, first))
        else:
            pieces.append(fmt.piece)
            args += [numbers, values]
    template = "".join(pieces) + "</row>"
    return "".join([template % row for row in zip(*args)])


# --------------------------------------------------------------------------- tables and workbooks

#: Styles of the cells of a `TextSheet`, by name.
STYLES: dict[str, int] = {
    "default": ST_DEFAULT, "header": ST_HEADER, "text": ST_TEXT, "decimal1": ST_DEC1,
    "decimal3": ST_DEC3, "percent": ST_PERCENT, "bold": ST_BOLD, "note": ST_NOTE, "wrap": ST_WRAP,
}
#: The document date of a workbook when none is given (the default plan date).
DEFAULT_DATE = dt.date(2026, 1, 1)


@dataclasses.dataclass(frozen=True, eq=False)
class Sheet:
    """A table sheet of `write_workbook`: one row per row of `frame`, in its column order.

    The header (bold, frozen, with an autofilter) shows `labels[column]` (the column name
    when absent); `value_labels[column]` maps cell texts to what the workbook shows (the
    CSV keeps the values); `decimals` as in `write_csv_table`. Codes (`is_code_column`)
    are text cells with the format '@'; every text cell goes through `neutralise`.
    """
    name: str
    frame: pd.DataFrame
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    value_labels: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    decimals: Mapping[str, int | None] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, eq=False)
class TextSheet:
    """A free-form sheet of `write_workbook` (notes, key figures).

    `rows`: lists of cells, each a value or a `(value, style)` pair with a style of
    `STYLES` ("bold", "wrap", "header", "note", "percent", ...); `[]` is an empty row.
    `widths`: the widths of the first columns, in characters.
    """
    name: str
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()


def _styled(cell: Any) -> tuple[Any, int]:
    if isinstance(cell, tuple):
        value, style = cell
        if style not in STYLES:
            raise ValueError(f"unknown cell style {style!r}: use one of {', '.join(STYLES)}")
        return value, STYLES[style]
    return cell, ST_DEFAULT


def zip_day(day: dt.date | None) -> dt.date:
    """The document date of a workbook: `day` (DEFAULT_DATE if None), not before 1980 (zip)."""
    if day is None:
        day = DEFAULT_DATE
    if isinstance(day, dt.datetime):
        day = day.date()
    return max(day, dt.date(1980, 1, 1))

def write_workbook(path: Path | str, sheets: Iterable[Sheet | TextSheet], *,
                   date: dt.date | None = None, title: str = "") -> Path:
    """Write an .xlsx workbook of `sheets`, in order (the first one is shown on opening).

    Streaming and byte-deterministic: the document dates and zip entry times are `date`
    (`DEFAULT_DATE` when None), the entries are written in a fixed order with fixed
    metadata, and the same sheets give the same bytes. `title` is the document title.
    Returns `path`.
    """
    path = Path(path)
    book = Workbook(title, zip_day(date))
    names = set()
    for sheet in sheets:
        if sheet.name in names or any(s.name == sheet.name for s in book.sheets):
            raise ValueError(f"two sheets named {sheet.name!r}")
        names.add(sheet.name)
        if isinstance(sheet, Sheet):
            columns = table_columns(sheet.frame, sheet.decimals)
            labels = {c.name: sheet.labels.get(c.name, c.name) for c in columns}
            book.add_table(sheet.name, columns, labels, dict(sheet.value_labels))
        elif isinstance(sheet, TextSheet):
            book.add_rows(sheet.name, [[_styled(c) for c in row] for row in sheet.rows],
                          [float(w) for w in sheet.widths])
        else:
            raise TypeError(f"a sheet is a Sheet or a TextSheet, not {type(sheet).__name__}")
    book.save(path)
    return path
