"""Synthetic careers: age on the plan date, social-insurance years, pay rank, step and salary.

Every function here is pure (arrays in, arrays out, one numpy Generator) so that the model
can be read, tested and documented apart from the build.

Age (`draw_ages`): seven age bands whose shares over the whole roster match the published
profile of commune cadres and civil servants at 31 Dec 2024 (docs/domain.md "Headcounts":
10.33 % aged 55 or more, 30.58 % aged 45–55); leaders are drawn older by fixed band
weights, and the band multipliers are fitted (iterative proportional fitting) so that the
expected count of every band is its target; the age is uniform within the band.

Insurance years (`insurance_years`): the career starts at an entry age (22–25 for most,
later for some; 19–23 for support staff), minus a career gap for some; never above
age − 18, never below 0; in tenths of a year.

Salary (`salaries`): base salary 2,340,000 VND (Decree 73/2024/NĐ-CP) × (rank coefficient
of the step + leadership allowance) × (1 + seniority-beyond-the-scale %), the civil-servant
pay scales of Decree 204/2004/NĐ-CP (as amended): chuyên viên (A1) 2.34 → 4.98 in 9 steps of
0.33, chuyên viên chính (A2.1) 4.40 → 6.78 in 8 steps of 0.34, cán sự (A0) 2.10 → 4.89 in 10
steps of 0.31, one step every 3 years; nhân viên (B, support staff) 1.86 → 4.06 in 12 steps of
0.20, one step every 2 years. One step interval after the last step (3 years; 2 for B):
5 % "phụ cấp thâm niên vượt khung", plus 1 % a year. Leadership allowance: 0.30 for the
head of an office, department, centre or the military command, 0.20 for a deputy (an
assumption modelled on the allowances of the former district-level departments).
Not included: the public-service allowance, regional and other allowances, bonuses.
"""
from __future__ import annotations

import numpy as np

BASE_SALARY_VND = 2_340_000          # Decree 73/2024/NĐ-CP, from 1 July 2024

# rank: (first coefficient, step, number of steps, years per step), Decree 204/2004 tables
RANKS = {
    "A1": (2.34, 0.33, 9, 3),        # chuyên viên
    "A2.1": (4.40, 0.34, 8, 3),      # chuyên viên chính
    "A0": (2.10, 0.31, 10, 3),       # cán sự
    "B": (1.86, 0.20, 12, 2),        # nhân viên (support: thủ quỹ, lái xe, phục vụ)
}
RANK_NAMES = {"A1": "chuyên viên", "A2.1": "chuyên viên chính", "A0": "cán sự", "B": "nhân viên"}
HEADS = {"LD_CVP", "LD_TRUONG_PHONG", "LD_GD_TTHCC", "LD_CHT_QS"}
DEPUTIES = {"LD_PCVP", "LD_PHO_PHONG", "LD_PGD_TTHCC", "LD_CHP_QS"}
LEAD_ALLOWANCE = {"head": 0.30, "deputy": 0.20}

# Age bands [lo, hi) in years on the plan date; the last band ends at the person's cap.
AGE_BANDS = [(23.05, 30.0), (30.0, 35.0), (35.0, 40.0), (40.0, 45.0), (45.0, 50.0),
             (50.0, 55.0), (55.0, None)]
#: target share of each band over the whole roster: 55+ and 45–55 as published (31 Dec 2024),
#: the split below 45 and within 45–55 is an assumption
AGE_TARGET = np.array([0.100, 0.140, 0.170, 0.1809, 0.1600, 0.1458, 0.1033])
#: relative weight of each band by position group before fitting (leaders are older)
AGE_GROUP_WEIGHT = {
    "leadership": np.array([0.10, 0.45, 0.90, 1.30, 1.50, 1.45, 1.20]),
    "professional": np.ones(7), "common": np.ones(7),
    "support": np.array([1.1, 1.1, 1.0, 1.0, 1.0, 0.95, 0.9]),
}
MIN_AGE = 23.05
#: the oldest age drawn: men born after 1 Jan 1965, women after 1 Jul 1969 (both still
#: below the statutory retirement age on the plan date, Decree 135/2020)
MAX_AGE = {True: 60.95, False: 56.45}


def fit_band_multipliers(weights: np.ndarray, target: np.ndarray, iters: int = 200) -> np.ndarray:
    """Multipliers m with Σ_i w_ib m_b / Σ_b' w_ib' m_b' = n · target_b for every band b."""
    n = len(weights)
    m = np.ones(weights.shape[1])
    for _ in range(iters):
        p = weights * m
        p /= p.sum(axis=1, keepdims=True)
        m *= n * target / p.sum(axis=0)
    return m


def draw_ages(rng: np.random.Generator, group: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Age in years on the plan date, by band (see the module's docstring)."""
    group = np.asarray(group)
    male = np.asarray(male, dtype=bool)
    w = np.vstack([AGE_GROUP_WEIGHT[g] for g in group]) if len(group) else np.zeros((0, 7))
    m = fit_band_multipliers(w, AGE_TARGET)
    p = w * m
    p /= p.sum(axis=1, keepdims=True)
    band = (rng.random(len(group))[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    band = np.minimum(band, len(AGE_BANDS) - 1)
    lo = np.array([b[0] for b in AGE_BANDS])[band]
    cap = np.where(male, MAX_AGE[True], MAX_AGE[False])
    hi = np.array([b[1] if b[1] is not None else np.inf for b in AGE_BANDS])[band]
    hi = np.minimum(hi, cap)
    return lo + (hi - lo) * rng.random(len(group))


def insurance_years(rng: np.random.Generator, age: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Social-insurance years on the plan date, in tenths: age − entry age − gap, in [0, age − 18].

    Entry age: 70 % at 22–25, 20 % at 25–30, 10 % at 30–38 (support staff 4 years earlier);
    a career gap (no contributions) of 1–5 years for 15 %.
    """
    age = np.asarray(age, dtype=float)
    n = len(age)
    r = rng.random(n)
    entry = np.where(r < 0.70, 22 + 3 * rng.random(n),
                     np.where(r < 0.90, 25 + 5 * rng.random(n), 30 + 8 * rng.random(n)))
    entry = entry - np.where(np.asarray(group) == "support", 4.0, 0.0)
    gap = np.where(rng.random(n) < 0.15, 1 + 4 * rng.random(n), 0.0)
    years = np.clip(age - entry - gap, 0.0, np.maximum(age - 18.0, 0.0))
    return np.floor(years * 10) / 10


def _coefficient(rank: np.ndarray, years_in_rank: np.ndarray, start_step: np.ndarray):
    """Coefficient (in hundredths) and seniority-beyond-the-scale % for years spent in a rank."""
    coef = np.zeros(len(rank), dtype=np.int64)
    beyond = np.zeros(len(rank), dtype=np.int64)
    for code, (first, step, steps, every) in RANKS.items():
        on = rank == code
        if not on.any():
            continue
        k = start_step[on] + np.floor(years_in_rank[on] / every).astype(np.int64)
        last = steps - 1
        coef[on] = np.rint(100 * first + 100 * step * np.minimum(k, last)).astype(np.int64)
        # one step interval (3 years; 2 for B) at the last step → 5 %, then +1 % a year
        years_at_last = years_in_rank[on] - (last - start_step[on]) * every
        beyond[on] = np.where(years_at_last >= every, 5 + np.floor(years_at_last - every),
                              0).astype(np.int64)
    return coef, beyond


def salaries(rng: np.random.Generator, position: np.ndarray, group: np.ndarray,
             insurance: np.ndarray) -> dict[str, np.ndarray]:
    """Rank, coefficient (hundredths), leadership allowance (hundredths), beyond-scale % and
    the monthly salary in VND of each person; the pay clock is the insurance years.

    Ranks: support staff B; others A0 with probability 8 % (common) or 4 %, else A1; after
    9–15 years an A1 civil servant becomes chuyên viên chính (A2.1) with probability 45 %
    (leaders) or 12 % (others), entering the first A2.1 step at or above the A1 coefficient
    reached. 10 % are one step ahead (early raises for outstanding work).
    """
    position = np.asarray(position)
    group = np.asarray(group)
    ins = np.asarray(insurance, dtype=float)
    n = len(ins)
    leader = group == "leadership"
    rank = np.where(group == "support", "B",
                    np.where(rng.random(n) < np.where(group == "common", 0.08, 0.04), "A0", "A1"))
    rank = np.where(leader, "A1", rank).astype(object)
    promo_at = 9 + 6 * rng.random(n)
    promoted = (rank == "A1") & (ins >= promo_at) & (rng.random(n) < np.where(leader, 0.45, 0.12))
    start = np.zeros(n, dtype=np.int64)
    years = ins.copy()
    if promoted.any():
        a1, _ = _coefficient(np.full(promoted.sum(), "A1", dtype=object), promo_at[promoted],
                             np.zeros(promoted.sum(), dtype=np.int64))
        first, step, steps, _ = RANKS["A2.1"]
        k = np.ceil((a1 - 100 * first) / (100 * step) - 1e-9).clip(0, steps - 1).astype(np.int64)
        start[promoted] = k
        years[promoted] = ins[promoted] - promo_at[promoted]
        rank[promoted] = "A2.1"
    start += (rng.random(n) < 0.10).astype(np.int64)
    start = np.minimum(start, np.array([RANKS[r][2] - 1 for r in rank]))
    coef, beyond = _coefficient(rank, years, start)
    lead = np.where(np.isin(position, list(HEADS)), round(100 * LEAD_ALLOWANCE["head"]),
                    np.where(np.isin(position, list(DEPUTIES)),
                             round(100 * LEAD_ALLOWANCE["deputy"]), 0)).astype(np.int64)
    salary = monthly_salary(coef, lead, beyond)
    return {"rank": rank.astype(str), "coefficient": coef, "lead_allowance": lead,
            "beyond_pct": beyond, "salary": salary}


def monthly_salary(coef_hundredths, lead_hundredths, beyond_pct) -> np.ndarray:
    """2,340,000 × (coefficient + allowance) × (1 + beyond %), exact in whole VND."""
    coef_hundredths = np.asarray(coef_hundredths, dtype=np.int64)
    total = coef_hundredths + np.asarray(lead_hundredths, dtype=np.int64)
    pct = 100 + np.asarray(beyond_pct, dtype=np.int64)
    # BASE / 10,000 = 234 exactly, so the product is a whole number of VND
    return (BASE_SALARY_VND // 10_000) * total * pct
