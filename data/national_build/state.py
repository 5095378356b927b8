"""The state one build carries from stage to stage (one seeded random stream per stage)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: one stream per stage; new streams go at the end (a child seed depends only on its place)
STREAMS = ["units", "staff_state", "staff_extra", "staff_attr", "names", "home", "officers", "needs",
           "career", "exempt", "staff_total"]


class Build:
    """What the stages read and write: the map (`au`, `prov`, `u`), `quotas`, `pairs`, `pos`,
    `staff`, `needs`, `officers`, the written `positions_out`, and `stats` for the README."""

    out: Path
    au: pd.DataFrame
    prov: pd.DataFrame
    u: pd.DataFrame
    quotas: pd.DataFrame
    pairs: pd.DataFrame
    pos: pd.DataFrame
    staff: pd.DataFrame
    needs: pd.DataFrame
    officers: pd.DataFrame
    positions_out: pd.DataFrame

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = {n: np.random.default_rng(s)
                    for n, s in zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS)))}
        self.stats: dict = {}
