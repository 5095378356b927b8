"""The data contract of docs/contract.md as code: tables, validation, readers, scenario.

No solver is imported here.
"""
from models.dataset import TABLE_NAMES, Dataset
from models.io import (default_dataset_path, dataset_from_rows, read_dataset, write_csv_folder,
                       write_xlsx)
from models.retirement import retirement_date, retirement_dates
from models.scenario import Scenario, ScenarioError, apply_quota_adjustment
from models.validation import DatasetError, Problem

__all__ = ["Dataset", "TABLE_NAMES", "read_dataset", "dataset_from_rows", "write_csv_folder",
           "write_xlsx", "default_dataset_path", "DatasetError", "Problem", "Scenario",
           "ScenarioError", "apply_quota_adjustment", "retirement_date", "retirement_dates"]
