"""A fast reader of .xlsx worksheets as rows of text, standard library only.

`read_sheets(path, select)` gives, for each selected sheet, exactly the rows of text that the
openpyxl path of `models.io` gives — `openpyxl.load_workbook(read_only=True, data_only=True)`,
`sheet.reset_dimensions()`, `iter_rows(values_only=True)`, then `cell_text` on every value —
six to eight times faster on a national-size workbook (README, "Measured performance").
The rules it reproduces (from openpyxl 3.1):

* sheets: named in the workbook part (found through `[Content_Types].xml`), located through its
  `_rels/*.rels`; a sheet whose part is missing from the archive is left out, as openpyxl does;
* rows: the `r` of each `<row>` (or the previous one + 1); missing rows come back empty, so row
  numbers stay the planner's; a row that goes backwards is skipped; a row is as wide as the
  column of its *last* cell (cells further right, when out of order, are dropped);
* cells: the column of `r` (or the previous cell's + 1); `t="s"` shared strings (plain and rich
  runs, `x005F_` removed), `t="inlineStr"` (the `<v>` of such a cell is ignored), `t="str"`
  formula results, `t="e"` errors as their text, `t="b"`, numbers (an integer text as an int,
  else a float), dates for cells whose style's number format is a date (builtin ids 14–22,
  45–47, custom codes with d/m/y/h/s outside quotes and brackets; durations for `[h]`-style
  codes) in the 1900 or 1904 system; an empty `<v>` is an empty cell. `_x000D_`-style escapes
  stay as they are (openpyxl does not decode them either).

Speed: a canonical sheet (what openpyxl, Excel and LibreOffice write: `<c r=.. s=.. t=..>` in
that order, `<v>` or `<is><t>`, no comments or CDATA in the cells) is tokenised by one regular
expression; any token it does not recognise sends that sheet to an `xml.etree` iterparse
reader that follows the openpyxl rules element by element. Anything neither understands (a
chart sheet to read, `t="d"` cells, a date out of range, a bad shared-string index, a strict-OOXML or
damaged file, ...) raises `Unsupported`, and the caller reads the workbook with openpyxl
instead (so its answer, or its error, stands); this module raises nothing else. It reads only
the parts it needs, so a workbook whose other parts openpyxl would choke on (a broken drawing,
say, or malformed XML after `</sheetData>`) is still read.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import itertools
import math
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

__all__ = ["Unsupported", "read_sheets", "cell_text", "no_gc"]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.{}.main+xml"
_MACRO_CT = "application/vnd.ms-excel.{}.macroEnabled.main+xml"
# the order in which openpyxl looks for the workbook part
_WORKBOOK_CTS = (_MACRO_CT.format("template"), _SHEET_CT.format("template"),
                 _MACRO_CT.format("sheet"), _SHEET_CT.format("sheet"))
_SHARED_STRINGS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STYLES_PART = "xl/styles.xml"          # openpyxl reads this fixed path

_ROW = f"{{{MAIN_NS}}}row"
_CELL = f"{{{MAIN_NS}}}c"
_VALUE = f"{{{MAIN_NS}}}v"
_INLINE = f"{{{MAIN_NS}}}is"
_SI = f"{{{MAIN_NS}}}si"

_WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
_MAC_EPOCH = dt.datetime(1904, 1, 1)


class Unsupported(Exception):
    """The fast reader does not understand this workbook: read it with openpyxl."""


class _NotCanonical(Exception):
    """The regular-expression tokeniser met something else: parse the sheet with iterparse."""


# --------------------------------------------------------------------------- cell values


def cell_text(value: Any) -> str:
    """An Excel cell as the text a planner sees (dates as YYYY-MM-DD, 3.0 as 3)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _cast_number(value: str) -> int | float:
    """openpyxl's reading of a number cell's text."""
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


def _from_excel(value: int | float, epoch: dt.datetime, timedelta: bool):
    """openpyxl.utils.datetime.from_excel (3.1), the conversion of a date-styled number."""
    if timedelta:
        td = dt.timedelta(days=value)
        if td.microseconds:
            td = dt.timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return dt.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == _WINDOWS_EPOCH:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


# number formats (openpyxl.styles.numbers): which formats are dates, which durations
_BUILTIN_DATE_FORMATS = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
                         19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
                         45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0"}
_STRIP_FORMAT = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA_FORMAT = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


def is_date_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    fmt = _STRIP_FORMAT.sub("", fmt.split(";")[0])
    return _DATE_LETTER.search(fmt) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    return fmt is not None and _TIMEDELTA_FORMAT.search(fmt.split(";")[0]) is not None


# --------------------------------------------------------------------------- XML helpers

_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    if m.group(3):
        return _NAMED[m.group(3)]
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise _NotCanonical("a character reference that XML does not allow")
    return chr(code)


def _unescape(text: str) -> str:
    """The character data of XML text without markup: predefined and character references."""
    if "&" not in text:
        return text
    out, n = _ENTITY.subn(_entity, text)
    if n != text.count("&"):
        raise _NotCanonical("an entity other than the predefined ones")
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_content(node: ET.Element) -> str:
    """openpyxl's `Text.from_tree(node).content`: the plain `<t>` (the last one) then the runs."""
    plain = None
    runs = []
    for child in node:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run = None
            for part in child:
                part_name = _local(part.tag)
                if part_name == "t":
                    run = part.text
                elif part_name != "rPr":
                    raise Unsupported(f"an unexpected <{part_name}> in a rich-text run")
            runs.append(run)
        elif name not in ("rPh", "phoneticPr"):
            raise Unsupported(f"an unexpected <{name}> in a string")
    return "".join(s for s in (plain, *runs) if s is not None)


def _xml(data: bytes) -> ET.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Unsupported("a document type declaration")
    return ET.fromstring(data)


def _column_index(letters: str) -> int:
    """openpyxl's column_index_from_string."""
    if len(letters) > 3:
        raise Unsupported(f"not a column: {letters!r}")
    idx = 0
    for power, letter in enumerate(reversed(letters.upper())):
        if not "A" <= letter <= "Z":
            raise Unsupported(f"not a column: {letters!r}")
        idx += (ord(letter) - 64) * 26 ** power
    if not 0 < idx < 18279:
        raise Unsupported(f"not a column: {letters!r}")
    return idx


def _coordinate_column(coordinate: str) -> int:
    """The column of openpyxl's coordinate_to_tuple (which also requires a whole row number)."""
    for idx, c in enumerate(coordinate):
        if c in "0123456789":
            break
    try:
        int(coordinate[idx:])
    except ValueError:
        raise Unsupported(f"not a cell reference: {coordinate!r}") from None
    return _column_index(coordinate[:idx])


def _row_number(r: str) -> int:
    """openpyxl's reading of `<row r=..>`."""
    try:
        return int(r)
    except ValueError:
        try:
            val = float(r)
        except ValueError:
            raise Unsupported(f"not a row number: {r!r}") from None
        if not val.is_integer():
            raise Unsupported(f"not a row number: {r!r}")
        return int(val)


def _add_row(rows: list[list[str]], counter: int, idx: int, row: list[str]) -> int:
    """Row `idx` of the file after `rows` (`counter`: the number the next one gets), as
    openpyxl's `_cells_by_row` does it (no stored size, from row 1); the new counter."""
    if idx > counter:      # rows missing from the file come back empty
        rows.extend([] for _ in range(idx - counter))
        counter = idx
    if counter == idx:     # a row numbered at or below one already given is skipped
        rows.append(row)
        counter += 1
    return counter


def _placed(pairs: Sequence[tuple[int, str]]) -> list[str]:
    """Cells (column, text) in file order → a row as wide as the last cell's column."""
    if not pairs:
        return []
    width = pairs[-1][0]
    row = [""] * width
    for col, text in pairs:
        if col <= width:
            row[col - 1] = text
    return row


# --------------------------------------------------------------------------- the workbook


class _Book:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        files = set(archive.namelist())
        types = _xml(archive.read("[Content_Types].xml"))
        if types.tag != f"{{{_CT_NS}}}Types":
            raise Unsupported("an unknown [Content_Types].xml")
        overrides = [(o.get("PartName") or "", o.get("ContentType"))
                     for o in types if o.tag == f"{{{_CT_NS}}}Override"]
        workbook = next((part for ct in _WORKBOOK_CTS for part, c in overrides if c == ct), None)
        if workbook is None or not workbook.startswith("/"):
            raise Unsupported("no workbook part named in [Content_Types].xml")
        workbook = workbook[1:]
        strings = next((part for part, c in overrides if c == _SHARED_STRINGS_CT), None)
        self._strings_part = None if strings is None else strings[1:]
        self._strings: list[str] | None = None

        root = _xml(archive.read(workbook))
        if root.tag != f"{{{MAIN_NS}}}workbook":
            raise Unsupported("not a transitional-OOXML workbook")
        props = root.find(f"{{{MAIN_NS}}}workbookPr")
        date1904 = None if props is None else props.get("date1904")
        if date1904 not in (None, "0", "1", "false", "true"):
            raise Unsupported(f"date1904={date1904!r}")
        self.epoch = _MAC_EPOCH if date1904 in ("1", "true") else _WINDOWS_EPOCH

        folder, name = posixpath.split(workbook)
        rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
        rels_root = _xml(archive.read(rels_part))
        parent = posixpath.split(posixpath.dirname(rels_part))[0]
        rels: dict[str, tuple[str, str]] = {}
        for rel in rels_root:
            if rel.tag != f"{{{_PKG_REL_NS}}}Relationship":
                continue
            rid, kind, target = rel.get("Id"), rel.get("Type") or "", rel.get("Target") or ""
            if rel.get("TargetMode") != "External":
                target = target[1:] if target.startswith("/") else posixpath.normpath(
                    posixpath.join(parent, target))
            rels[rid] = (kind, target)      # a repeated Id: the last one, as openpyxl

        self.sheets: dict[str, str] = {}   # name → part, in workbook order
        self.other_kinds: dict[str, str] = {}   # a chart sheet (say): named, not read here
        sheets = root.find(f"{{{MAIN_NS}}}sheets")
        for sheet in () if sheets is None else sheets:
            rid = sheet.get(f"{{{_DOC_REL_NS}}}id")
            name = sheet.get("name")
            if sheet.tag != f"{{{MAIN_NS}}}sheet" or not rid or name is None or rid not in rels:
                raise Unsupported("a sheet without a worksheet part")
            kind, target = rels[rid]
            if target not in files:
                continue                     # openpyxl leaves such a sheet out
            if "chartsheet" in kind or not kind.endswith("/worksheet"):
                self.other_kinds[name] = kind
            if name in self.sheets:
                raise Unsupported(f"two sheets named {name!r}")
            self.sheets[name] = target

        self.date_styles, self.duration_styles = self._date_styles(files)

    def _date_styles(self, files: set[str]) -> tuple[set[int], set[int]]:
        """Indexes of the cell styles (cellXfs) whose number format is a date / a duration."""
        if _STYLES_PART not in files:
            return set(), set()
        root = _xml(self.archive.read(_STYLES_PART))
        formats: dict[int, str | None] = {}
        xfs: list[ET.Element] = []
        for child in root:
            if _local(child.tag) == "numFmts":
                formats = {int(f.get("numFmtId")): f.get("formatCode")
                           for f in child if _local(f.tag) == "numFmt"}
            elif _local(child.tag) == "cellXfs":
                xfs = [x for x in child if _local(x.tag) == "xf"]
        dates, durations = set(), set()
        for idx, xf in enumerate(xfs):
            fmt_id = int(xf.get("numFmtId", 0))
            fmt = formats[fmt_id] if fmt_id in formats else _BUILTIN_DATE_FORMATS.get(fmt_id)
            if is_date_format(fmt):
                dates.add(idx)
            if is_timedelta_format(fmt):
                durations.add(idx)
        return dates, durations

    @property
    def strings(self) -> list[str]:
        """The shared strings, as cell text (NFC), read when a sheet first needs them."""
        if self._strings is None:
            if self._strings_part is None:
                raise Unsupported("a shared-string cell without a shared-string table")
            raw = self.archive.read(self._strings_part)
            if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
                raise Unsupported("a document type declaration")
            strings = []
            for _, node in ET.iterparse(io.BytesIO(raw)):
                if node.tag == _SI:
                    strings.append(cell_text(_text_content(node).replace("x005F_", "")))
                    node.clear()
            self._strings = strings
        return self._strings

    # ---------------------------------------------------------------- one value

    def value_text(self, kind: str, value: str, style: int) -> str:
        """The text of a cell whose `<v>` holds `value` (not empty, entities decoded)."""
        if kind == "n":
            number = _cast_number(value)
            if style in self.date_styles:
                try:
                    return cell_text(_from_excel(number, self.epoch, style in self.duration_styles))
                except (OverflowError, ValueError):
                    raise Unsupported("a date out of range (openpyxl gives #VALUE! and a warning)") from None
            return cell_text(number)
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return cell_text(bool(int(value)))
        if kind == "d":
            raise Unsupported("an ISO 8601 date cell (t=\"d\")")
        return cell_text(value)          # "str", "e" and any other kind: the text as it is

    # ---------------------------------------------------------------- one sheet

    def rows(self, name: str) -> list[list[str]]:
        if name in self.other_kinds:
            raise Unsupported(f"sheet {name!r} is not a worksheet ({self.other_kinds[name]})")
        part = self.sheets[name]
        try:
            return self._rows_fast(part)
        except _NotCanonical:
            return self._rows_iterparse(self.archive.read(part))

    def _rows_iterparse(self, raw: bytes) -> list[list[str]]:
        """The general reader: openpyxl's WorkSheetParser rules, element by element."""
        if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
            raise Unsupported("a document type declaration")
        rows: list[list[str]] = []
        counter = 1
        row_no = 0
        try:
            for _, row in ET.iterparse(io.BytesIO(raw)):
                if row.tag != _ROW:
                    continue
                r = row.get("r")
                row_no = row_no + 1 if r is None else _row_number(r)
                pairs = []
                col = 0
                for cell in row:
                    if cell.tag != _CELL:
                        raise Unsupported(f"a <{_local(cell.tag)}> in a row")
                    kind = cell.get("t", "n")
                    style = cell.get("s")    # openpyxl: missing → style 0, "" → no style
                    style = 0 if style is None else int(style) if style else -1
                    coordinate = cell.get("r")
                    col = _coordinate_column(coordinate) if coordinate else col + 1
                    value = None if kind == "inlineStr" else (cell.findtext(_VALUE, None) or None)
                    if value is not None:
                        text = self.value_text(kind, value, style)
                    elif kind == "inlineStr" and (node := cell.find(_INLINE)) is not None:
                        text = cell_text(_text_content(node))
                    else:
                        text = ""
                    pairs.append((col, text))
                row.clear()
                counter = _add_row(rows, counter, row_no, _placed(pairs))
        except ET.ParseError as e:
            raise Unsupported(f"not well-formed XML ({e})") from None
        return rows

    def _rows_fast(self, part: str) -> list[list[str]]:
        """Canonical sheets: one regular expression over the `<sheetData>` text."""
        try:
            text = self.archive.read(part).decode("utf-8")
        except UnicodeDecodeError:
            raise _NotCanonical("not UTF-8") from None
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise _NotCanonical("a document type declaration")
        text = text.removeprefix("\ufeff")
        declaration = _DECLARATION.match(text)
        if declaration and declaration.group(1) and declaration.group(1).lower() not in ("utf-8", "utf8"):
            raise _NotCanonical("not UTF-8")
        if "\r" in text:                 # XML line-end handling, before any parsing
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        root = _ROOT.search(text)
        if root is None or (f'xmlns="{MAIN_NS}"' not in root.group(0)
                            and f"xmlns='{MAIN_NS}'" not in root.group(0)):
            raise _NotCanonical("no <worksheet> in the main namespace")
        if text.count("<sheetData") != 1:
            raise _NotCanonical("not one <sheetData>")
        start = _SHEET_DATA.search(text, root.end())
        if start is None:
            raise _NotCanonical("an unusual <sheetData>")
        if start.group(1):               # <sheetData/>
            end = start.end()
        else:
            end = text.find("</sheetData>", start.end())
            if end < 0:
                raise _NotCanonical("no </sheetData>")
        if _ROW_START.search(text, 0, start.start()) or _ROW_START.search(text, end):
            raise _NotCanonical("a row outside <sheetData>")
        return self._tokens_to_rows(_token_chunks(text, start.end(), end))

    def _tokens_to_rows(self, chunks: Iterable[list[tuple[str, ...]]]) -> list[list[str]]:
        rows: list[list[str]] = []
        counter = 1
        columns = _COLUMNS
        numbers: dict[str, str] = {}
        dates: dict[tuple[str, int], str] = {}
        styles: dict[str, int] = {"": 0}   # no s attribute: style 0, as openpyxl
        date_styles = self.date_styles
        nfc = unicodedata.normalize
        strings = None
        row_no = 0
        cur: list[str] | None = None     # the open row's cells, in column order 1, 2, ...
        pairs: list[tuple[int, str]] | None = None   # or (column, text) once out of that order
        nxt = 1
        tokens = itertools.chain.from_iterable(chunks)
        for col, style, kind, value, inline, row_tag, row_r, row_end, other in tokens:
            if col:
                if cur is None:
                    raise _NotCanonical("a cell outside a row")
                if kind == "inlineStr":
                    text = nfc("NFC", _unescape(inline) if "&" in inline else inline)
                elif not value:
                    text = ""
                elif kind == "s":
                    if strings is None:
                        strings = self.strings
                    text = strings[int(_unescape(value))]
                elif not kind or kind == "n":
                    s = styles.get(style)
                    if s is None:
                        s = styles[style] = int(style)
                    if s in date_styles:
                        text = dates.get((value, s))
                        if text is None:
                            text = dates[value, s] = self.value_text("n", _unescape(value), s)
                    else:
                        text = numbers.get(value)
                        if text is None:
                            text = numbers[value] = self.value_text("n", _unescape(value), -1)
                else:
                    text = self.value_text(kind, _unescape(value), 0)
                c = columns.get(col) or _column_index(col)
                if c == nxt and pairs is None:
                    cur.append(text)
                    nxt += 1
                else:
                    if pairs is None:
                        pairs = list(enumerate(cur, 1))
                    pairs.append((c, text))
            elif row_tag:
                if cur is not None or "&" in row_tag or "xmlns" in row_tag:
                    raise _NotCanonical("an unusual <row>")
                if row_r:
                    row_no = int(row_r)
                else:
                    m = _ROW_R.search(row_tag)
                    r = None if m is None else (m.group(1) if m.group(1) is not None else m.group(2))
                    row_no = row_no + 1 if r is None else _row_number(r)
                if row_tag[-2] == "/":
                    counter = _add_row(rows, counter, row_no, [])
                else:
                    cur, pairs, nxt = [], None, 1
            elif row_end:
                if cur is None:
                    raise _NotCanonical("</row> without <row>")
                if pairs is not None:
                    cur = _placed(pairs)
                if row_no == counter:      # the usual case, inline
                    rows.append(cur)
                    counter += 1
                else:
                    counter = _add_row(rows, counter, row_no, cur)
                cur = None
            elif not other.isspace():
                raise _NotCanonical(f"not understood: {other[:40]!r}")
        if cur is not None:
            raise _NotCanonical("an unclosed <row>")
        return rows


_COLUMNS = {}
for _i in range(1, 18279):
    _n, _s = _i, ""
    while _n:
        _n, _rem = divmod(_n - 1, 26)
        _s = chr(65 + _rem) + _s
    _COLUMNS[_s] = _i
del _i, _n, _s, _rem

_DECLARATION = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["'][^>]*\?>|<\?xml""")
_ROOT = re.compile(r"<worksheet(?:\s[^>]*)?>")
_SHEET_DATA = re.compile(r"<sheetData\s*(/?)>")
_ROW_START = re.compile(r"<row[\s/>]")
_ROW_R = re.compile(r"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# One token of a canonical <sheetData>: a whole cell (column letters, style, type, <v> text,
# inline <t> text), a row start tag, a row end tag, or anything else (which is whitespace or
# sends the sheet to iterparse). Possessive quantifiers keep the engine from backtracking.
_TOKEN = re.compile(
    r'<c r="([A-Z]{1,3})[0-9]++"(?: s="([0-9]++)")?+(?: t="([a-zA-Z]++)")?+'
    r'(?: ?/>'
    r'|>(?:<f(?:\s[^>]*?)?(?:/>|>[^<]*+</f>))?+(?:<v>([^<]*+)</v>|<v ?/>)?+</c>'
    r'|><is><t(?: xml:space="preserve")?+>([^<]*+)</t></is></c>)'
    r'|(<row(?: r="([0-9]++)")?+(?:\s[^>]*+)?+/?>)|(</row>)|(<[^>]*+>?|[^<]++)')


def _token_chunks(text: str, start: int, end: int,
                  size: int = 1 << 21) -> Iterator[list[tuple[str, ...]]]:
    """The tokens of `text[start:end]`, a few megabytes at a time (cut after a `</row>`: no
    token spans one, and a comment or CDATA cut there is an unknown token anyway)."""
    while start < end:
        cut = text.find("</row>", start + size, end)
        stop = end if cut < 0 else cut + 6
        yield _TOKEN.findall(text, start, stop)
        start = stop


# --------------------------------------------------------------------------- entry point


def read_sheets(path, select: Callable[[list[str]], Iterable[str]]
                ) -> tuple[list[str], dict[str, list[list[str]]]]:
    """The workbook's sheet names, and the rows of text of the sheets `select(names)` picks.

    Raises `Unsupported` (and nothing else) when the workbook should be read with openpyxl.
    """
    try:
        with zipfile.ZipFile(path) as archive, no_gc():
            book = _Book(archive)
            names = list(book.sheets)
            return names, {name: book.rows(name) for name in select(names)}
    except Unsupported:
        raise
    except Exception as e:   # a damaged or unusual file: openpyxl decides (and words the error)
        raise Unsupported(f"{type(e).__name__}: {e}") from e


@contextlib.contextmanager
def no_gc():
    """The cyclic garbage collector paused: a big sheet makes millions of small objects, none
    in a cycle, and the collector's passes over them cost as much as the parsing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
