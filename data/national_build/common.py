"""Small helpers shared by the stages of the build."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    return np.log(p / (1 - p))


def bisect(f, target, lo, hi, iters=50):
    """Smallest x in [lo, hi] with f(x) >= target for an increasing step function f."""
    if f(lo) >= target:
        return lo
    if f(hi) < target:
        return hi
    for _ in range(iters):
        mid = (lo + hi) / 2
        if f(mid) >= target:
            hi = mid
        else:
            lo = mid
    # choose the side whose value is nearest to the target
    return lo if abs(f(lo) - target) < abs(f(hi) - target) else hi


def weighted_choice(rng, items, weights, size):
    w = np.asarray(weights, dtype=float)
    idx = rng.choice(len(items), size=size, p=w / w.sum())
    return np.asarray(items, dtype=object)[idx]


def fmt_bool(a) -> np.ndarray:
    return np.where(np.asarray(a, dtype=bool), "true", "false")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].map(lambda v: nfc(v) if isinstance(v, str) else v)
    text = df.to_csv(index=False, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))
