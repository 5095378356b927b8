"""A scenario: the settings of one plan (docs/contract.md §3), loaded from TOML or given in code.

    # scenario.toml
    name = "Hà Nội, 25 km"
    max_km = 25
    cross_province = false
    plan_date = 2026-01-01
    dataset = "../data/national"          # relative to this file
    quota_adjust_pct = -5
    [quota_adjust_pct_by_province]
    "01" = -15

`Scenario.from_toml(path, max_km=None, cross_province=True)`: options given on the command
line (not None) win over the file. A key the model does not know is an error that names it.
"""
from __future__ import annotations

import difflib
import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_serializer, model_validator

from models.dataset import Dataset

__all__ = ["Scenario", "ScenarioError", "apply_quota_adjustment", "check_province_codes", "restrict_to_provinces"]


class ScenarioError(Exception):
    """A scenario that cannot be used; the message names the file, the key and the value."""

    def __init__(self, message: str, *, file: object = None, key: str | None = None,
                 value: Any = None):
        self.file, self.key, self.value = file, key, value
        super().__init__(message)


class Scenario(BaseModel):
    """The settings of a plan. Immutable; `model_copy(update=...)` gives a variant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "default"
    max_km: float = Field(40.0, gt=0, allow_inf_nan=False)
    #: plan only for these provinces (their units, staff and quotas); empty: the whole country
    provinces: list[str] = Field(default_factory=list)
    cross_province: bool = False
    #: with cross_province: only units of these provinces may receive staff from another
    #: province (empty: every province may) — "what if Hà Nội may draw from its neighbours?"
    cross_province_into: list[str] = Field(default_factory=list)
    protect_years: float = Field(2.0, ge=0, allow_inf_nan=False)
    plan_date: date = date(2026, 1, 1)
    time_limit: float = Field(60.0, gt=0, allow_inf_nan=False)
    dataset: Path | None = None
    #: every quota becomes floor(quota × (1 + pct / 100)); -100 empties it
    quota_adjust_pct: float = Field(0.0, ge=-100, allow_inf_nan=False)
    #: province code → pct, overriding quota_adjust_pct in that province
    quota_adjust_pct_by_province: dict[str, Annotated[float, Field(ge=-100, allow_inf_nan=False)]] = Field(
        default_factory=dict)
    solver: Literal["auto", "min_cost_flow", "mip"] = "auto"
    #: the date the transfer decisions take effect (default: the plan date)
    effective_date: date | None = None
    #: officers may be posted to their own home province
    allow_home_province: bool = False
    #: at most this many staff may leave one unit in all positions together (the network flow
    #: takes it with a layer of unit nodes; the MIP writes it as a constraint)
    max_departures_per_unit: int | None = Field(None, ge=0)
    #: at most this many staff may arrive in one unit in all positions together
    max_arrivals_per_unit: int | None = Field(None, ge=0)
    #: moves may also retrain a person into another position listed in the dataset's
    #: `conversions` table (docs/contract.md §6; `solve --conversions`)
    conversions: bool = False

    #: settings left out of a dump while they hold their default, so that the outputs of a plan
    #: made without them stay byte for byte what they were before the setting existed
    OMITTED_AT_DEFAULT: ClassVar[tuple[str, ...]] = ("conversions",)

    @model_serializer(mode="wrap")
    def _dump(self, handler):
        data = handler(self)
        for key in self.OMITTED_AT_DEFAULT:
            if key in data and data[key] == type(self).model_fields[key].default:
                del data[key]
        return data

    # ---- the roadmap to the quota (docs/contract.md §9; `staffing roadmap`)
    #: the first and last decision dates are 1 January of these years
    start_year: int = Field(2026, ge=2000, le=2100)
    end_year: int = Field(2030, ge=2000, le=2100)
    #: total over the horizon (VND); None: no limit
    budget_vnd: float | None = Field(None, ge=0, allow_inf_nan=False)
    recruit: bool = True
    #: None: start_year + 1
    recruit_from_year: int | None = Field(None, ge=2000, le=2100)
    max_recruits_per_province_per_year: int | None = Field(None, ge=0)
    early_retirement: bool = True
    default_monthly_salary_vnd: float = Field(8_000_000, gt=0, allow_inf_nan=False)
    new_hire_monthly_salary_vnd: float = Field(6_000_000, ge=0, allow_inf_nan=False)
    #: [min_km, vnd_per_month] pairs: a transfer of km ≥ min_km earns the highest such tier
    allowance_tiers: list[tuple[Annotated[float, Field(ge=0, allow_inf_nan=False)],
                                Annotated[float, Field(ge=0, allow_inf_nan=False)]]] = Field(
        default_factory=lambda: [(15.0, 2_000_000.0)])
    allowance_months: int = Field(36, ge=0)

    @model_validator(mode="after")
    def _years_in_order(self) -> "Scenario":
        if self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        return self

    @property
    def recruit_first_year(self) -> int:
        """The first year recruits may start (recruit_from_year, default start_year + 1)."""
        return self.recruit_from_year if self.recruit_from_year is not None else self.start_year + 1

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values (dates as ISO text): the one serialiser of a scenario,
        used by summary.json, the workbooks, the reports and the comparison."""
        out = self.model_dump(mode="json")
        # settings added for docs/contract.md §7 appear only when set, so that plans made without
        # them keep their files byte for byte
        for key in ("fairness", "explain"):
            if out.get(key) == type(self).model_fields[key].default:
                out.pop(key, None)
        return out

    #: fairness of what stays short (docs/contract.md §7): "leximin" — among the plans with the least
    #: weighted unfilled shortage, the one whose per-unit shortage shares, sorted from the
    #: largest down, are lexicographically smallest, then the least km
    fairness: Literal["none", "leximin"] = "none"
    #: write the detailed explanations too: sensitivity, reasons by province, what would help
    #: most (workbook sheets, report section, summary figures); unfilled.csv and
    #: surplus_left.csv are written in any case
    explain: bool = False

    @classmethod
    def from_toml(cls, path: str | os.PathLike, **overrides: Any) -> "Scenario":
        """Load a scenario file; `overrides` that are not None win over it.

        A relative `dataset` in the file is taken relative to the file's folder.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as e:
            raise ScenarioError(f"{path}: cannot read the scenario file ({e.strerror or e})",
                                file=path) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ScenarioError(f"{path}: not valid TOML: {e}", file=path) from None
        if isinstance(data.get("dataset"), str) and data["dataset"].strip():
            data["dataset"] = (path.parent / data["dataset"]).resolve()
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: object = "scenario") -> "Scenario":
        """Validate settings; a ScenarioError names `source`, every bad key and its value."""
        try:
            return cls.model_validate(data)
        except ValidationError as e:
            lines, first = [], None
            for err in e.errors():
                key = ".".join(str(p) for p in err["loc"]) or "(scenario)"
                if not err["loc"] and "end_year" in err["msg"]:   # the model check of the years
                    key, err = "end_year", {**err, "input": data.get("end_year")}
                if err["type"] == "extra_forbidden":
                    close = difflib.get_close_matches(key, list(cls.model_fields), n=1)
                    msg = (f"unknown setting{f' (did you mean {close[0]}?)' if close else ''}; "
                           f"known: {', '.join(cls.model_fields)}")
                else:
                    msg = err["msg"]
                value = err.get("input")
                lines.append(f"{source}: {key} = {value!r}: {msg}")
                first = first or (key, value)
            raise ScenarioError("\n".join(lines), file=source, key=first[0], value=first[1]) from None


#: The settings that name provinces; `check_province_codes` checks them against a dataset.
PROVINCE_KEYS = ("provinces", "cross_province_into", "quota_adjust_pct_by_province")


def check_province_codes(ds: Dataset, scenario: Scenario, keys: tuple[str, ...] = PROVINCE_KEYS) -> None:
    """Every province code the scenario names (in `keys`) is a province of the dataset.

    The one check of a scenario's province codes: raises a ScenarioError with a line per key
    that names codes the dataset does not have ("provinces: unknown province code(s) 99").
    """
    known = set(ds.provinces["province_code"])
    named = {"provinces": scenario.provinces, "cross_province_into": scenario.cross_province_into,
             "quota_adjust_pct_by_province": list(scenario.quota_adjust_pct_by_province)}
    lines, first = [], None
    for key in keys:
        unknown = sorted(set(named[key]) - known)
        if unknown:
            lines.append(f"{key}: unknown province code(s) {', '.join(unknown)}")
            first = first or (key, unknown[0])
    if lines:
        raise ScenarioError("\n".join(lines), key=first[0], value=first[1])


def restrict_to_provinces(ds: Dataset, scenario: Scenario) -> Dataset:
    """The dataset limited to the scenario's `provinces` (all of it when the list is empty)."""
    if not scenario.provinces:
        return ds
    check_province_codes(ds, scenario, ("provinces",))
    return ds.for_provinces(scenario.provinces)


def apply_quota_adjustment(ds: Dataset, scenario: Scenario) -> Dataset:
    """A new Dataset whose quotas are cut (or raised) by pct per cent, unit by unit.

    Document 10989/BNV sets the next period's quota of a *unit*; so the percentage applies to
    each unit's total, ``floor(total × (1 + pct/100))``, and that total is then shared over the
    unit's positions in proportion to their present quotas by the largest-remainder method:
    every position keeps ``floor(quota × factor)`` and the posts left go to the largest
    remainders, ties to the higher-priority position (then the larger quota, then the code).
    Rounding each (unit, position) down separately would wipe out every quota of 1.

    The province's own pct (`quota_adjust_pct_by_province`) overrides the national one.
    A province code there that the dataset does not have is a ScenarioError.
    """
    by_province = scenario.quota_adjust_pct_by_province
    check_province_codes(ds, scenario, ("quota_adjust_pct_by_province",))
    if scenario.quota_adjust_pct == 0 and all(v == 0 for v in by_province.values()):
        return ds
    q = ds.quotas[["unit_code", "position_code", "quota"]].copy()
    province = q["unit_code"].map(ds.units.set_index("unit_code")["province_code"])
    pct = province.map(by_province).astype("float64").fillna(scenario.quota_adjust_pct).to_numpy()
    factor = (100.0 + pct) / 100.0
    quota = q["quota"].to_numpy(dtype="float64")
    # a tiny tolerance: 1000 × 100.1 / 100 must give 1001, not 1000.9999999999999
    exact = quota * factor
    base = np.floor(exact + 1e-9)
    q["remainder"] = np.where(exact - base < 1e-9, 0.0, exact - base)
    q["base"] = base
    q["priority"] = q["position_code"].map(ds.positions.set_index("position_code")["priority"]).fillna(1)
    totals = pd.Series(quota, index=q.index).groupby(q["unit_code"]).transform("sum").to_numpy()
    unit_factor = pd.Series(factor, index=q.index).groupby(q["unit_code"]).transform("first").to_numpy()
    target = np.maximum(np.floor(totals * unit_factor + 1e-9), 0)
    left = target - pd.Series(base, index=q.index).groupby(q["unit_code"]).transform("sum").to_numpy()
    order = q.sort_values(["unit_code", "remainder", "priority", "quota", "position_code"],
                          ascending=[True, False, False, False, True], kind="stable")
    rank = order.groupby("unit_code").cumcount().reindex(q.index).to_numpy()
    extra = (rank < left) & (q["remainder"].to_numpy() > 0)
    adjusted = np.maximum(base + extra, 0).astype("int64")
    return ds.replace(quotas=ds.quotas.assign(quota=adjusted))
