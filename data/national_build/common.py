"""Small helpers shared by the stages of the build."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def haversine(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


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


def retirement_dates(birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Statutory retirement date (Labour Code 2019 art. 169, Decree 135/2020), to the month.

    The applicable age is the one of the year in which the person reaches it: men 60y3m in
    2021 + 3 months a year up to 62y (2028); women 55y4m in 2021 + 4 months a year up to
    60y (2035).  Used here only for the calibration report; the project's own rule lives in
    models.retirement.
    """
    b = pd.DatetimeIndex(birth)
    bm = (b.year.to_numpy() * 12 + b.month.to_numpy() - 1).astype(np.int64)
    day = np.minimum(b.day.to_numpy(), 28)
    out_m = np.full(len(bm), -1, dtype=np.int64)
    for year in range(2021, 2046):
        k = year - 2021
        age_m = np.where(male, np.minimum(60 * 12 + 3 + 3 * k, 62 * 12),
                         np.minimum(55 * 12 + 4 + 4 * k, 60 * 12))
        m = bm + age_m
        hit = (out_m < 0) & (m // 12 <= year)
        out_m[hit] = m[hit]
    final = bm + np.where(male, 62 * 12, 60 * 12)     # the roadmap's end ages
    out_m = np.where(out_m < 0, final, out_m)
    y, mo = out_m // 12, out_m % 12 + 1
    return pd.to_datetime(pd.DataFrame({"year": y, "month": mo, "day": day})).to_numpy()


def fmt_bool(a) -> np.ndarray:
    return np.where(np.asarray(a, dtype=bool), "true", "false")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].map(lambda v: nfc(v) if isinstance(v, str) else v)
    text = df.to_csv(index=False, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))
