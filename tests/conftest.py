"""pytest fixtures shared by the test files (helpers are plain modules: `datasets`, `builders`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from datasets import TINY_NOTE, tiny_tables, write_tables


@pytest.fixture
def tiny_folder(tmp_path) -> Path:
    """The tiny dataset written as a CSV folder, with its note."""
    return write_tables(tmp_path / "tiny", tiny_tables(), note=TINY_NOTE)
