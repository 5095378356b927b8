"""Synthetic `exempt_reason`: the cases in which Decree 170/2025/NĐ-CP (art. 25) says a
civil servant is not transferred, for a realistic share of the roster (docs/domain.md).

One code per person at most, drawn with one uniform number against per-person
probabilities; each code's probabilities are scaled so that its expected count is its
target share of the whole roster:

* ``child_under_36_months`` — a woman raising a child under 36 months (3.5 % of staff),
  by age: a bell centred on 31 years (sd 5.5);
* ``pregnant`` — a pregnant woman (1 % of staff), a bell centred on 29 years (sd 5);
* ``discipline`` — under disciplinary review (0.3 %), anyone;
* ``investigation`` — under investigation, prosecution or inspection (0.1 %), twice as
  likely for leaders and for finance, accounting and land officers;
* ``serious_illness`` — in treatment for a serious illness (0.3 %), rising with age
  (× e^(age/10)).
"""
from __future__ import annotations

import numpy as np

#: code → target share of the whole roster
EXEMPT_SHARES = {
    "child_under_36_months": 0.035,
    "pregnant": 0.010,
    "discipline": 0.003,
    "investigation": 0.001,
    "serious_illness": 0.003,
}
#: Vietnamese wording of each code (for the `note` of a person the unit flagged not movable)
EXEMPT_NOTES = {
    "child_under_36_months": "Đang nuôi con dưới 36 tháng tuổi",
    "pregnant": "Đang mang thai",
    "discipline": "Đang trong thời gian xem xét, xử lý kỷ luật",
    "investigation": "Đang bị điều tra, truy tố hoặc thanh tra, kiểm tra",
    "serious_illness": "Đang điều trị bệnh hiểm nghèo, dài ngày",
}
SENSITIVE = {"TAI_CHINH", "KE_TOAN", "KE_TOAN_TRUONG", "DIA_CHINH"}


def _bell(age: np.ndarray, centre: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((age - centre) / sd) ** 2)


def exempt_reasons(rng: np.random.Generator, age: np.ndarray, male: np.ndarray,
                   group: np.ndarray, position: np.ndarray) -> np.ndarray:
    """The code of each person ('' for none)."""
    age = np.asarray(age, dtype=float)
    male = np.asarray(male, dtype=bool)
    n = len(age)
    if n == 0:
        return np.array([], dtype=object)
    raw = {
        "child_under_36_months": np.where(male, 0.0, _bell(age, 31.0, 5.5)),
        "pregnant": np.where(male, 0.0, _bell(age, 29.0, 5.0)),
        "discipline": np.ones(n),
        "investigation": np.where((np.asarray(group) == "leadership")
                                  | np.isin(position, list(SENSITIVE)), 2.0, 1.0),
        "serious_illness": np.exp(age / 10.0),
    }
    codes = list(EXEMPT_SHARES)
    probs = np.column_stack([raw[c] * (EXEMPT_SHARES[c] * n / max(raw[c].sum(), 1e-12))
                             for c in codes])
    cum = np.cumsum(probs, axis=1)
    if (cum[:, -1] > 1).any():
        raise ValueError("exemption probabilities above 1: the roster is too small or too skewed")
    u = rng.random(n)
    pick = (u[:, None] >= cum).sum(axis=1)        # len(codes) means none
    return np.array(codes + [""], dtype=object)[pick]
