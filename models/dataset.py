"""The normalised, immutable dataset that every optimiser module reads.

A `Dataset` is built once by `models.io.read_dataset` (which validates it) and never
changed afterwards; `replace()` gives a variant (a scenario with adjusted quotas, say).
Column names and dtypes are listed in DESIGN.md ("The normalised Dataset").
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

TABLE_NAMES = ("provinces", "units", "positions", "staff", "quotas",
               "officers", "province_needs", "distances", "areas", "decisions", "wishes", "conversions")


@dataclass(frozen=True, eq=False)
class Dataset:
    provinces: pd.DataFrame
    units: pd.DataFrame
    positions: pd.DataFrame
    staff: pd.DataFrame
    quotas: pd.DataFrame
    officers: pd.DataFrame | None = None
    province_needs: pd.DataFrame | None = None
    distances: pd.DataFrame | None = None
    areas: pd.DataFrame | None = None
    decisions: pd.DataFrame | None = None      # docs/contract.md §8: keep / exempt / move
    wishes: pd.DataFrame | None = None         # docs/contract.md §8: staff_id, unit_code, rank
    conversions: pd.DataFrame | None = None     # retraining paths (docs/contract.md §6)
    source: Path | None = None
    note: str = ""
    meta: dict = field(default_factory=dict)

    def replace(self, **changes) -> "Dataset":
        """A copy with some tables (or the note) replaced; the original is untouched."""
        return dataclasses.replace(self, **changes)

    def for_provinces(self, codes) -> "Dataset":
        """The part of the dataset in these provinces: their units, the staff working there, their
        quotas, the distances between their units, their needs (officers all stay: each province
        still gets one). Codes that are not provinces raise KeyError naming them."""
        codes = list(dict.fromkeys(str(c) for c in codes))
        unknown = sorted(set(codes) - set(self.provinces["province_code"]))
        if unknown:
            raise KeyError(", ".join(unknown))
        provinces = self.provinces[self.provinces["province_code"].isin(codes)]
        units = self.units[self.units["province_code"].isin(codes)]
        kept = set(units["unit_code"])
        changes = {
            "provinces": provinces, "units": units,
            "staff": self.staff[self.staff["unit_code"].isin(kept)],
            "quotas": self.quotas[self.quotas["unit_code"].isin(kept)],
        }
        if self.distances is not None:
            d = self.distances
            changes["distances"] = d[d["from_unit"].isin(kept) & d["to_unit"].isin(kept)]
        for name in ("decisions", "wishes"):   # a person's decisions and wishes go with them
            table = getattr(self, name)
            if table is not None:
                changes[name] = table[table["staff_id"].isin(changes["staff"]["staff_id"])]
        if self.province_needs is not None:
            changes["province_needs"] = self.province_needs[self.province_needs["province_code"].isin(codes)]
        return self.replace(**changes)

    @property
    def has_officers(self) -> bool:
        return (self.officers is not None and self.province_needs is not None
                and len(self.officers) > 0)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables that are present, by contract name (optional ones only if present)."""
        out = {}
        for name in TABLE_NAMES:
            df = getattr(self, name)
            if df is not None:
                out[name] = df
        return out

    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.tables().items()}

    def equals(self, other: "Dataset", *, ignore_row: bool = True) -> bool:
        """Same tables with the same values (dtype-insensitive on the `_row` helper column)."""
        a, b = self.tables(), other.tables()
        if a.keys() != b.keys():
            return False
        for name in a:
            x, y = a[name], b[name]
            if ignore_row:
                x = x.drop(columns=["_row"], errors="ignore")
                y = y.drop(columns=["_row"], errors="ignore")
            if list(x.columns) != list(y.columns) or len(x) != len(y):
                return False
            if not x.reset_index(drop=True).equals(y.reset_index(drop=True)):
                return False
        return True
