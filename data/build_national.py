#!/usr/bin/env python
"""Build the shipped national dataset ``data/national/`` (the code is in ``data/national_build/``).

    python data/build_national.py [--seed 2026] [--out data/national] [--check]
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))                 # the national_build package next to this file
if str(HERE.parent) not in sys.path:          # the project's models, when not installed
    sys.path.insert(1, str(HERE.parent))

from national_build.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
