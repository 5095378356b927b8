"""Look at a workbook before reading it: refuse bombs, find formulas without a saved value.

An .xlsx file is a zip archive of XML parts. A 1.5 MB file can expand to gigabytes of XML,
and a sheet with one cell in `A1` and one in `XFD1000000` makes a reader that holds the sheet
as a rectangle (python-calamine does) ask for 16 billion cells and abort the process. So,
before python-calamine sees a sheet, `inspect_workbook`:

1. refuses any part whose declared size is beyond `MAX_XML_BYTES` (1 GiB), and a sheet whose
   `<dimension>` declares more than `MAX_ROWS` rows — both read from the first bytes, at once;
2. streams each sheet to read (and the shared strings) through zlib in chunks, never holding
   more than a chunk, counting the real bytes (a part longer than it declares is damaged:
   zipfile checks the size and CRC), the last row number, the widest column and the
   rectangle the cells span, and stops at the first limit passed: `MAX_ROWS` rows,
   `MAX_XML_BYTES` of XML, `MAX_CELLS` cells in the rectangle from A1 to the last cell;
3. notes, on the way, every cell that holds a formula without a cached value (a file written
   by a program that does not calculate), and the text of error cells (`#N/A`): python-calamine
   reads both as empty.

A refusal is a `WorkbookRefused` whose text names the sheet and says what to do. Time and
memory: a sheet is scanned at zlib speed (a national sheet of 55 MB in about 0.4 s); a bomb
is stopped as soon as a limit is passed, with one chunk (`CHUNK` bytes) in memory.
"""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.tabular import column_letters

__all__ = ["MAX_ROWS", "MAX_XML_BYTES", "MAX_CELLS", "WorkbookRefused", "SheetScan",
           "sheet_parts", "inspect_workbook", "column_number", "column_letters"]

MAX_ROWS = 2_000_000
MAX_XML_BYTES = 1 << 30
#: the rectangle from A1 to the last cell that a sheet may span (python-calamine holds it whole)
MAX_CELLS = 60_000_000
CHUNK = 1 << 24
_SMALL_PART = 64 << 20      # workbook.xml and the relationships: parsed whole, so kept small

_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_P = rb"(?:[A-Za-z_][\w.-]*:)?"          # a namespace prefix (x:row), rare
_ROW_R = re.compile(rb'<row\b[^>]*? r="([0-9]+)"')
_ROW_R_ANY = re.compile(rb"<" + _P + rb'row\b[^>]*?\sr="([0-9]+)"')
_WIDE = re.compile(rb' r="[A-Z]{2}')       # a cell in column AA or beyond (fast: a literal first)
_COLUMN = re.compile(rb'<' + _P + rb'c\b[^>]*?\sr="([A-Z]{1,3})[0-9]')
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<" + _P + rb"c\b([^>]*)>\s*<" + _P + rb"f\b[^>]*?(?:/>|>[^<]*</" + _P + rb"f>)"
    rb"\s*(?:<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*</" + _P + rb"c>")
_ERROR_CELL = re.compile(rb"<" + _P + rb'c\b([^>]*\st="e"[^>]*)>(?:(?!</' + _P + rb'c>).)*?<' + _P
                         + rb"v>([^<]*)</" + _P + rb"v>", re.S)
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3}[0-9]+)"')
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="[A-Z]*([0-9]*)(?::[A-Z]*([0-9]+))?"')


class WorkbookRefused(Exception):
    """The workbook is not read; the message says why and what to do."""


@dataclass
class SheetScan:
    """What the scan found in one sheet."""

    rows: int = 0                         # the last row number (or the number of rows)
    columns: int = 0                      # the widest column number, when beyond Z (else 0)
    xml_bytes: int = 0
    row_tags: int = 0                     # how many <row> elements
    formulas_without_value: list[str] = field(default_factory=list)   # cell references, first ones
    n_formulas_without_value: int = 0
    errors: dict[str, str] = field(default_factory=dict)   # cell reference → its error text (#N/A)


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _small_xml(archive: zipfile.ZipFile, name: str) -> ET.Element:
    info = archive.getinfo(name)
    if info.file_size > _SMALL_PART:
        raise WorkbookRefused(f"the part {name} declares {info.file_size:,} bytes: not a workbook "
                              "a planner makes (refused so as not to exhaust memory)")
    return ET.fromstring(archive.read(name))


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the archive part holding it, in workbook order (through the relationships)."""
    root = _small_xml(archive, "_rels/.rels")
    workbook = next((_resolve("", r.get("Target", "")) for r in root
                     if r.get("Type", "").endswith("/officeDocument")), None)
    if workbook is None:
        raise KeyError("no workbook part")
    folder, name = posixpath.split(workbook)
    rels = {r.get("Id"): _resolve(workbook, r.get("Target", ""))
            for r in _small_xml(archive, posixpath.join(folder, "_rels", name + ".rels"))
            if r.tag == f"{{{_REL}}}Relationship" and r.get("TargetMode") != "External"}
    parts = {}
    for sheet in _small_xml(archive, workbook).iter():
        if sheet.tag.rsplit("}", 1)[-1] == "sheet" and sheet.get("name") is not None:
            parts[sheet.get("name")] = rels.get(sheet.get(f"{{{_DOC_REL}}}id"), "")
    return parts


def _refuse_size(sheet: str, part: str, size: int, declared: bool) -> None:
    if size > MAX_XML_BYTES:
        how = "declares" if declared else "expands to more than"
        raise WorkbookRefused(
            f"sheet {sheet!r}: its XML ({part}) {how} {size:,} bytes, beyond the limit of "
            f"{MAX_XML_BYTES:,} (1 GiB): refused so as not to exhaust memory; a table of the "
            "contract needs far less — is this the right file?")


def _refuse_rows(sheet: str, rows: int, how: str) -> None:
    raise WorkbookRefused(
        f"sheet {sheet!r}: {how} {rows:,} rows, beyond the limit of {MAX_ROWS:,}: refused so as "
        "not to exhaust memory (Excel itself stops at 1,048,576 rows) — is this the right file?")


def scan_sheet(archive: zipfile.ZipFile, sheet: str, part: str, formulas_shown: int = 10) -> SheetScan:
    """Stream one sheet's XML and measure it (see the module's docstring); refuse a bomb."""
    info = archive.getinfo(part)
    _refuse_size(sheet, part, info.file_size, declared=True)
    scan = SheetScan()
    tail = b""
    with archive.open(info) as stream:
        first = True
        while True:
            chunk = stream.read(CHUNK)
            if first and chunk:
                first = False
                dim = _DIMENSION.search(chunk, 0, 1 << 16)
                if dim and (dim.group(2) or dim.group(1)):
                    declared = int(dim.group(2) or dim.group(1))
                    if declared > MAX_ROWS:
                        _refuse_rows(sheet, declared, "its dimension declares")
            scan.xml_bytes += len(chunk)
            _refuse_size(sheet, part, scan.xml_bytes, declared=False)
            data = tail + chunk
            if chunk:
                cut = data.rfind(b"</row>")
                cut = data.rfind(b">") if cut < 0 else cut + 6
                data, tail = data[:cut + 1 if cut >= 0 else 0], data[cut + 1 if cut >= 0 else 0:]
                if len(tail) > CHUNK:              # no tag end in a whole chunk: measure it anyway
                    data, tail = data + tail, b""
            _measure(scan, sheet, data, formulas_shown)
            if not chunk:
                break
    return scan


#: error cells (#N/A, #DIV/0!, …) remembered per sheet: python-calamine reads them as empty
MAX_ERRORS = 100_000


def _measure(scan: SheetScan, sheet: str, data: bytes, formulas_shown: int) -> None:
    prefixed = b":row" in data
    rows = (_ROW_R_ANY if prefixed else _ROW_R).findall(data)
    scan.row_tags += data.count(b"<row ") + data.count(b"<row>") + (data.count(b":row") if prefixed else 0)
    scan.rows = max(scan.rows, scan.row_tags, *map(int, rows))
    if scan.rows > MAX_ROWS:
        _refuse_rows(sheet, scan.rows, "it holds")
    if _WIDE.search(data):            # columns AA and beyond (most tables stop before Z)
        scan.columns = max(scan.columns, *(column_number(c.decode()) for c in _COLUMN.findall(data)))
    if scan.rows * scan.columns > MAX_CELLS:
        raise WorkbookRefused(
            f"sheet {sheet!r}: its cells span {scan.rows:,} rows × {scan.columns:,} columns (to "
            f"column {column_letters(scan.columns)}), beyond the limit of {MAX_CELLS:,} cells: "
            "refused so as not to exhaust memory; delete the stray cells far right or far down")
    if b't="e"' in data and len(scan.errors) < MAX_ERRORS:
        for m in _ERROR_CELL.finditer(data):
            ref = _CELL_REF.search(m.group(1))
            if ref:
                scan.errors[ref.group(1).decode()] = m.group(2).decode("utf-8", "replace")
    if b"</f>" in data or b"<f " in data or b"<f/>" in data or b":f" in data:
        for m in _FORMULA_WITHOUT_VALUE.finditer(data):
            scan.n_formulas_without_value += 1
            if len(scan.formulas_without_value) < formulas_shown:
                ref = _CELL_REF.search(m.group(1))
                scan.formulas_without_value.append(ref.group(1).decode() if ref else "?")


def inspect_workbook(archive: zipfile.ZipFile, sheets: Iterable[str]) -> dict[str, SheetScan]:
    """Scan the named sheets (and the shared strings); WorkbookRefused for a bomb."""
    parts = sheet_parts(archive)
    names = set(archive.namelist())
    for info in archive.infolist():
        if info.file_size > MAX_XML_BYTES:
            raise WorkbookRefused(f"the part {info.filename} declares {info.file_size:,} bytes, "
                                  f"beyond the limit of {MAX_XML_BYTES:,} (1 GiB): refused so as "
                                  "not to exhaust memory")
    for name in names:
        if name.rsplit("/", 1)[-1].lower() == "sharedstrings.xml":
            with archive.open(name) as stream:
                size = 0
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > MAX_XML_BYTES:
                        raise WorkbookRefused(f"the shared strings ({name}) expand beyond "
                                              f"{MAX_XML_BYTES:,} bytes (1 GiB): refused")
    return {sheet: scan_sheet(archive, sheet, parts[sheet])
            for sheet in sheets if parts.get(sheet) in names}
