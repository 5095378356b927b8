"""The `staffing` command (CONTRACT.md §3). Thin: parse options, call the public API, print.

Exit codes: 0 success; 1 bad input (every problem is listed; no traceback) or an
unexpected error (one line; set STAFFING_DEBUG=1 to see the traceback); 2 wrong usage.

Adding a command: decorate it with `@app.command()` (errors are then handled for it as for
`validate`), load the dataset with `_load_or_exit(dataset)` and a scenario with
`_scenario_or_exit(...)`.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Annotated, Optional

import click
import pandas as pd
import typer

from models.dataset import Dataset
from models.io import default_dataset_path, read_dataset
from models.scenario import Scenario, ScenarioError
from models.validation import DatasetError

#: how many problems are printed unless --all is given
MAX_SHOWN = 200
DEBUG_ENV = "STAFFING_DEBUG"

DatasetArg = Annotated[Optional[Path], typer.Argument(
    help="A folder of CSV tables or an .xlsx workbook (default: the national dataset, "
         "or $STAFFING_DATASET).", show_default=False)]


def _guarded(command):
    """Run a command so that bad input and unexpected errors end with exit 1, not a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.ClickException, SystemExit):
            raise
        except DatasetError as e:
            _print_problems(e, show_all=True)
            raise typer.Exit(1) from None
        except ScenarioError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(1) from None
        except Exception as e:   # the last line of defence: one line, exit 1
            if os.environ.get(DEBUG_ENV):
                raise
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            typer.echo(f"error: {type(e).__name__}: {first} (set {DEBUG_ENV}=1 for the traceback)", err=True)
            raise typer.Exit(1) from None

    return run


class _App(typer.Typer):
    """A Typer whose commands are all `_guarded`."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)
        return lambda f: register(_guarded(f))


app = _App(name="staffing", add_completion=False, no_args_is_help=True,
           pretty_exceptions_enable=False,
           help="Exact staffing reallocation for Vietnam's communes after the 2025 reform.")


@app.callback()
def _main() -> None:
    """Exact staffing reallocation for Vietnam's communes after the 2025 reform."""


# --------------------------------------------------------------------------- helpers


def _print_problems(error: DatasetError, show_all: bool = False) -> None:
    """Every problem of the dataset, one a line (at most MAX_SHOWN unless show_all)."""
    problems = error.problems
    shown = problems if show_all else problems[:MAX_SHOWN]
    lines = [error.headline(), *(f"  {p}" for p in shown)]
    if len(shown) < len(problems):
        lines.append(f"  … and {len(problems) - len(shown)} more (use --all to list them all)")
    typer.echo("\n".join(lines))


def _load_or_exit(path: Path | None, show_all: bool = False) -> Dataset:
    """Read and validate the dataset (the default one when `path` is None), or exit 1."""
    try:
        return read_dataset(path if path is not None else default_dataset_path())
    except DatasetError as e:
        _print_problems(e, show_all)
        raise typer.Exit(1) from None


def _scenario_or_exit(scenario_file: Path | None, **options) -> Scenario:
    """The scenario file (if any) with the command-line options (not None) on top.

    A ScenarioError ends the command with exit 1 and its message (see `_guarded`).
    """
    if scenario_file is not None:
        return Scenario.from_toml(scenario_file, **options)
    return Scenario.from_dict({k: v for k, v in options.items() if v is not None}, "command line")


def staffing_balance(ds: Dataset) -> dict[str, int]:
    """Staff, quota, surplus Σ max(0, staff − quota) and shortage Σ max(0, quota − staff)
    over the (unit, position) pairs that have staff or a quota."""
    key = ["unit_code", "position_code"]
    staff = ds.staff.groupby(key).size().rename("staff")
    quota = ds.quotas.set_index(key)["quota"]
    both = pd.concat([staff, quota], axis=1).fillna(0)
    gap = both["staff"] - both["quota"]
    return {"staff": int(both["staff"].sum()), "quota": int(both["quota"].sum()),
            "surplus": int(gap.clip(lower=0).sum()), "shortage": int((-gap).clip(lower=0).sum())}


# --------------------------------------------------------------------------- commands


@app.command()
def validate(
    dataset: DatasetArg = None,
    all_problems: Annotated[bool, typer.Option("--all", help="List every problem, not the first "
                                               f"{MAX_SHOWN}.")] = False,
) -> None:
    """Check a dataset against the data contract; list every problem (exit 1) or summarise it."""
    ds = _load_or_exit(dataset, show_all=all_problems)
    typer.echo(f"Dataset {ds.source}: valid.")
    if ds.note:
        typer.echo(f"Note: {ds.note}")
    width = max(map(len, ds.counts()))
    for name, n in ds.counts().items():
        typer.echo(f"  {name:<{width}}  {n:>9,} rows")
    b = staffing_balance(ds)
    typer.echo(f"Staff {b['staff']:,}, quota {b['quota']:,}; over the (unit, position) pairs: "
               f"surplus {b['surplus']:,}, shortage {b['shortage']:,}.")
    if not ds.has_officers:
        typer.echo("No officers / province_needs tables: no support officers will be posted.")


if __name__ == "__main__":
    app()
