"""The data contract of CONTRACT.md as code: tables, validation, readers, scenario.

No solver is imported here.
"""
from models.dataset import Dataset, TABLE_NAMES

__all__ = ["Dataset", "TABLE_NAMES"]
