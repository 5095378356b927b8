"""The tables of docs/contract.md §1 as pydantic row models.

These models are the single source of truth for every table: which columns it has (in
order), which are required (`*` in the contract), their types, enumerations, defaults and
constraints, the table's key and the columns that refer to other tables. Everything else
reads them: `models.validation` derives its vectorised column checks from the fields'
`FieldInfo` (see `columns()`), `models.io` derives the column order and dtypes.

A row model validates one row of raw text cells, as a planner typed them::

    >>> StaffRow.model_validate({"staff_id": "A1", "unit_code": "00004", "position_code": "DC",
    ...                          "birth_date": "1990-05-01", "gender": "f", "movable": "Không"})
    StaffRow(staff_id='A1', unit_code='00004', position_code='DC', birth_date=datetime.date(1990, 5, 1), gender='F', movable=False, full_name='', home_unit_code='')

Cell text rules (the same in the row models and the vectorised checks):

- every cell is NFC-normalised and stripped; an empty cell is absent: an error for a
  required column, the default for an optional one;
- numbers are plain decimal text (`12`, `-3.5`, `.5`, `1e3`) and finite; whole numbers are
  numbers without a fractional part (`3` or `3.0`) and at most 2**53 in size;
- dates are `YYYY-MM-DD` or `DD/MM/YYYY` and must exist in the calendar (no `2023-02-30`);
- booleans and enumerations are matched case-insensitively (see `parse_bool`, `UNIT_TYPES`).
"""
from __future__ import annotations

import math
import re
import types
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = [
    "ProvinceRow", "UnitRow", "PositionRow", "StaffRow", "QuotaRow", "OfficerRow",
    "ProvinceNeedRow", "DistanceRow", "DecisionRow", "WishRow", "DECISIONS", "ConversionRow", "TABLES",
    "REQUIRED_TABLES", "OPTIONAL_TABLES",
    "UNIT_TYPES", "GROUPS", "GENDERS", "BOOL_WORDS", "Labels", "Column", "columns",
    "parse_bool", "parse_number", "parse_whole", "parse_date", "normalise_text", "label_key",
    "NUMBER_PATTERN", "DATE_PATTERN", "MAX_WHOLE", "AreaRow", "DMY_PATTERN", "DATE_FORMS",
]

# --------------------------------------------------------------------------- cell text

NUMBER_PATTERN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
#: a date written day/month/year, the Vietnamese convention (`14/05/1984`, `4/5/1984`,
#: `14-05-1984`, `14.05.1984`): groups day, month, year
DMY_PATTERN = r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})"
MAX_WHOLE = 2**53  # whole numbers above this cannot be held exactly by a float
_NUMBER = re.compile(NUMBER_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_DMY = re.compile(DMY_PATTERN)


def normalise_text(text: str) -> str:
    """NFC-normalised and stripped (of all Unicode whitespace, NBSP included)."""
    return unicodedata.normalize("NFC", text).strip()


def label_key(text: str) -> str:
    """The key under which a label is looked up: NFC, stripped, case-folded."""
    return unicodedata.normalize("NFC", normalise_text(text).casefold())


def parse_number(text: str) -> float:
    """A finite number written as plain decimal text; ValueError otherwise."""
    if not _NUMBER.fullmatch(text):
        raise ValueError("not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def parse_whole(text: str) -> int:
    """A whole number (`3`, `3.0`, `1e3`); ValueError for fractions and huge values."""
    value = parse_number(text)
    if value != math.floor(value):
        raise ValueError("not a whole number")
    if abs(value) > MAX_WHOLE:
        raise ValueError("whole number too large")
    return int(value)


DATE_FORMS = "yyyy-mm-dd or dd/mm/yyyy"


def parse_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD or DD/MM/YYYY (day first); ValueError otherwise.

    One cell alone cannot tell a month-first column (see `models.validation`): this reads
    the day first, as Vietnamese spreadsheets do.
    """
    dmy = _DMY.fullmatch(text)
    if dmy:
        text = f"{dmy.group(4)}-{int(dmy.group(3)):02d}-{int(dmy.group(1)):02d}"
    elif not _DATE.fullmatch(text):
        raise ValueError(f"not a date (write {DATE_FORMS})")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("impossible date") from None


BOOL_WORDS: dict[str, bool] = {
    "true": True, "false": False, "1": True, "0": False,
    "yes": True, "no": False, "có": True, "không": False,
}


def parse_bool(value: Any) -> bool:
    """`true/false`, `1/0`, `yes/no`, `có/không` in any case (NFC or NFD); ValueError otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        found = BOOL_WORDS.get(label_key(value))
        if found is not None:
            return found
    raise ValueError(f"not a boolean: {value!r} (expected true/false, 1/0, yes/no or có/không)")


@dataclass(frozen=True)
class Labels:
    """The accepted spellings of an enumerated column: `label_key(text)` → code."""

    mapping: Mapping[str, str]

    def code(self, text: str) -> str | None:
        return self.mapping.get(label_key(text))

    def expected(self) -> str:
        return ", ".join(dict.fromkeys(self.mapping.values()))


def _labels(pairs: Mapping[str, str]) -> dict[str, str]:
    return {label_key(k): v for k, v in pairs.items()}


#: unit type label (codes and Vietnamese labels, keyed by `label_key`) → code
UNIT_TYPES: dict[str, str] = _labels({
    "xa": "xa", "phuong": "phuong", "dac_khu": "dac_khu",
    "Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu",
})
GROUPS: dict[str, str] = _labels({g: g for g in ("leadership", "professional", "common", "support")})
#: M/F, and the Vietnamese Nam (male) / Nữ (female)
GENDERS: dict[str, str] = _labels({"M": "M", "F": "F", "Nam": "M", "Nữ": "F"})

# --------------------------------------------------------------------------- column specs

Kind = Literal["text", "number", "whole", "bool", "date", "choice"]
_KINDS: dict[Any, str] = {str: "text", float: "number", int: "whole", bool: "bool", date: "date"}


@dataclass(frozen=True)
class Column:
    """What the row model says about one column, in the form the vectorised checks use."""

    name: str
    kind: str                    # one of Kind
    required: bool
    default: Any                 # None when required (or when an optional number is NaN)
    labels: Labels | None = None
    ge: Any = None
    gt: Any = None
    le: Any = None
    lt: Any = None
    pattern: str | None = None   # searched (not full-matched), as pydantic does
    description: str | None = None

    def parse(self, text: str) -> Any:
        """One non-empty, normalised cell → its typed value (bounds are checked by pydantic)."""
        if self.kind == "text":
            return text
        if self.kind == "number":
            return parse_number(text)
        if self.kind == "whole":
            return parse_whole(text)
        if self.kind == "bool":
            return parse_bool(text)
        if self.kind == "date":
            return parse_date(text)
        code = self.labels.code(text)
        if code is None:
            raise ValueError(f"unknown {self.name} (expected one of {self.labels.expected()})")
        return code

    def bounds(self) -> list[tuple[str, Any]]:
        """The constraints as (operator, bound) pairs, e.g. [(">=", 0)]."""
        return [(op, b) for op, b in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt))
                if b is not None]


def _column(name: str, info) -> Column:
    ann = info.annotation
    if get_origin(ann) in (Union, types.UnionType):
        ann = next(a for a in get_args(ann) if a is not type(None))
    labels = next((m for m in info.metadata if isinstance(m, Labels)), None)
    if get_origin(ann) is Literal:
        if labels is None:
            raise TypeError(f"{name}: an enumerated column needs Labels(...)")
        kind = "choice"
    else:
        kind = _KINDS[ann]
    bounds = {}
    pattern = None
    for m in info.metadata:
        for op in ("ge", "gt", "le", "lt"):
            if isinstance(m, getattr(at, op.capitalize())):
                bounds[op] = getattr(m, op)
        if hasattr(m, "pattern") and m.pattern is not None:
            pattern = m.pattern
    required = info.is_required()
    return Column(name=name, kind=kind, required=required,
                  default=None if required else info.get_default(call_default_factory=True),
                  labels=labels, pattern=pattern, description=info.description, **bounds)


@cache
def columns(model: type[BaseModel]) -> tuple[Column, ...]:
    """The contract columns of a row model, in order."""
    return tuple(_column(name, info) for name, info in model.model_fields.items())


# --------------------------------------------------------------------------- row models

class _Row(BaseModel):
    """Base of the row models: turns raw cell text into typed values, one field at a time."""

    # python-re: patterns mean exactly what they mean to the vectorised (pandas) checks
    model_config = ConfigDict(extra="allow", frozen=True, regex_engine="python-re")

    #: the columns whose values identify a row (no two rows may share them)
    KEY: ClassVar[tuple[str, ...]] = ()
    #: column → (table, column) it must be found in, when not empty
    REFERENCES: ClassVar[dict[str, tuple[str, str]]] = {}

    @field_validator("*", mode="before")
    @classmethod
    def _from_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        column = next(c for c in columns(cls) if c.name == info.field_name)
        text = normalise_text(value)
        if text == "":
            if column.required:
                raise ValueError("required value is empty")
            return column.default
        return column.parse(text)


UnitTypeCode = Literal["xa", "phuong", "dac_khu"]
GroupCode = Literal["leadership", "professional", "common", "support"]
GenderCode = Literal["M", "F"]


class ProvinceRow(_Row):
    KEY: ClassVar = ("province_code",)
    province_code: str
    name: str
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class UnitRow(_Row):
    KEY: ClassVar = ("unit_code",)
    REFERENCES: ClassVar = {"province_code": ("provinces", "province_code")}
    unit_code: str
    name: str
    province_code: str
    unit_type: Annotated[UnitTypeCode, Labels(UNIT_TYPES)]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    area_km2: float | None = Field(None, ge=0)
    population: float | None = Field(None, ge=0)
    remote: bool = False


class PositionRow(_Row):
    KEY: ClassVar = ("position_code",)
    position_code: str
    name: str
    group: Annotated[GroupCode, Labels(GROUPS)]
    priority: int = Field(1, ge=1)


class StaffRow(_Row):
    KEY: ClassVar = ("staff_id",)
    REFERENCES: ClassVar = {"unit_code": ("units", "unit_code"),
                            "position_code": ("positions", "position_code"),
                            "home_unit_code": ("units", "unit_code")}
    staff_id: str
    unit_code: str
    position_code: str
    # a plausible range; it also keeps every date inside pandas' datetime64[ns]
    birth_date: date = Field(ge=date(1900, 1, 1), le=date(2100, 12, 31))
    gender: Annotated[GenderCode, Labels(GENDERS)]
    movable: bool = True
    full_name: str = ""
    home_unit_code: str = ""
    #: a legal reason this person may not be transferred (Decree 170/2025: e.g.
    #: child_under_36_months, pregnant, discipline, investigation, serious_illness); empty: none
    exempt_reason: str = ""


class QuotaRow(_Row):
    KEY: ClassVar = ("unit_code", "position_code")
    REFERENCES: ClassVar = {"unit_code": ("units", "unit_code"),
                            "position_code": ("positions", "position_code")}
    unit_code: str
    position_code: str
    quota: int = Field(ge=0)


class OfficerRow(_Row):
    KEY: ClassVar = ("officer_id",)
    REFERENCES: ClassVar = {"home_province_code": ("provinces", "province_code")}
    officer_id: str
    full_name: str
    home_province_code: str
    expertise: str = Field(pattern=r"[^;\s]", description="area codes separated by ';'")
    seniority: int = Field(0, ge=0)


class ProvinceNeedRow(_Row):
    KEY: ClassVar = ("province_code", "area")
    REFERENCES: ClassVar = {"province_code": ("provinces", "province_code")}
    province_code: str
    area: str
    weight: float = Field(ge=0)


class DistanceRow(_Row):
    KEY: ClassVar = ("from_unit", "to_unit")
    REFERENCES: ClassVar = {"from_unit": ("units", "unit_code"), "to_unit": ("units", "unit_code")}
    from_unit: str
    to_unit: str
    km: float = Field(ge=0)


class AreaRow(_Row):
    """Optional: the areas of expertise (officers' `expertise`, `province_needs.area`)."""
    KEY: ClassVar = ("area",)
    area: str
    name: str = ""
#: decision label (codes and the Vietnamese words of the "Quyết định" sheet) → code (docs/contract.md §8)
DECISIONS: dict[str, str] = _labels({
    "keep": "keep", "exempt": "exempt", "move": "move",
    "giữ": "keep", "giữ lại": "keep", "không điều động": "exempt", "miễn": "exempt",
    "điều động": "move", "điều động đến": "move",
})
DecisionCode = Literal["keep", "exempt", "move"]


class DecisionRow(_Row):
    """A planner's decision about one person (docs/contract.md §8): keep and exempt are never moved,
    move is moved to `to_unit` (every rule of §2 but max_km must hold; checked when solving)."""
    KEY: ClassVar = ("staff_id",)
    REFERENCES: ClassVar = {"staff_id": ("staff", "staff_id"), "to_unit": ("units", "unit_code")}
    staff_id: str
    decision: Annotated[DecisionCode, Labels(DECISIONS)]
    to_unit: str = ""
    reason: str = ""


class WishRow(_Row):
    """A staff member's wish to work in a unit; rank 1 is the first choice (docs/contract.md §8)."""
    KEY: ClassVar = ("staff_id", "unit_code")
    REFERENCES: ClassVar = {"staff_id": ("staff", "staff_id"), "unit_code": ("units", "unit_code")}
    staff_id: str
    unit_code: str
    rank: int = Field(ge=1)
class ConversionRow(_Row):
    """A listed retraining path (docs/contract.md §6): staff of `from_position` may take a post of
    `to_position` after `training_months` of training costing `training_cost_vnd`."""
    KEY: ClassVar = ("from_position", "to_position")
    REFERENCES: ClassVar = {"from_position": ("positions", "position_code"),
                            "to_position": ("positions", "position_code")}
    from_position: str
    to_position: str
    training_months: int = Field(ge=0)
    training_cost_vnd: float = Field(0.0, ge=0)


TABLES: dict[str, type[_Row]] = {
    "provinces": ProvinceRow, "units": UnitRow, "positions": PositionRow, "staff": StaffRow,
    "quotas": QuotaRow, "officers": OfficerRow, "province_needs": ProvinceNeedRow,
    "distances": DistanceRow, "areas": AreaRow, "decisions": DecisionRow, "wishes": WishRow,
    "conversions": ConversionRow,
}
REQUIRED_TABLES: tuple[str, ...] = ("provinces", "units", "positions", "staff", "quotas")
OPTIONAL_TABLES: tuple[str, ...] = ("officers", "province_needs", "distances", "areas", "decisions", "wishes",
                                    "conversions")
