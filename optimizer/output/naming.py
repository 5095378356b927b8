"""How outputs name the dataset: by its folder or file name, never by a path of the machine
(docs/contract.md §5). summary.json, plan.xlsx, report.html and the comparison files all go through
`dataset_name` / `public_settings`, so a plan made on one machine reveals nothing of its folders.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Any

__all__ = ["dataset_name", "public_settings"]


def dataset_name(source: str | os.PathLike | None) -> str | None:
    """The dataset's folder or file name (`data/national` → `national`, `/x/plan.xlsx` →
    `plan.xlsx`); `.` is named by the folder it stands for. None stays None."""
    if source is None or str(source) == "":
        return None
    path = Path(source) if not isinstance(source, PurePath) else source
    name = path.name
    if not name or name in (".", ".."):
        name = Path(path).resolve().name
    return name or str(source)


def public_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A scenario's settings as written to an output: the `dataset` named by `dataset_name`."""
    if settings.get("dataset") is None:
        return settings
    return {**settings, "dataset": dataset_name(settings["dataset"])}
