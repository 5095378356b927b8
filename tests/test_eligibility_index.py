"""The eligible arcs from the spatial index equal those of the join of every candidate pair.

The reference below is the join the eligibility used before (every surplus pair × every shortage
pair of its group, then distance, then the filter), kept here to compare with; the datasets are
random and small, with road distances both shorter and longer than the great circle, same- and
cross-province scenarios and `cross_province_into`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from models.scenario import Scenario
from optimizer.reassign.eligibility import build_eligibility, build_pairs, distance_lookup, staff_status
from optimizer.reassign.network import solve_flows
from tests.builders import KM_PER_DEG, make_ds


def reference_arcs(ds, scenario) -> pd.DataFrame:
    pairs = build_pairs(ds, staff_status(ds, scenario))
    group = ["position_code"] if scenario.cross_province else ["position_code", "province_code"]
    src = pairs.loc[pairs["supply"] > 0, ["unit_code", "supply", "position_code", "province_code"]]
    dst = pairs.loc[pairs["shortage"] > 0, ["unit_code", "shortage", "position_code", "province_code"]]
    cand = src.rename(columns={"unit_code": "from_unit"}).merge(
        dst.rename(columns={"unit_code": "to_unit"}), on=group, how="inner", suffixes=("_from", "_to"))
    into = set(scenario.cross_province_into) if scenario.cross_province else set()
    if into:
        cand = cand.loc[(cand["province_code_from"] == cand["province_code_to"])
                        | cand["province_code_to"].isin(into)]
    km, source = distance_lookup(ds, cand["from_unit"].to_numpy(), cand["to_unit"].to_numpy())
    cand = cand.assign(km=km, distance_source=source)
    arcs = cand.loc[cand["km"] <= float(scenario.max_km) + 1e-9,
                    ["from_unit", "to_unit", "position_code", "km", "distance_source", "supply", "shortage"]]
    return arcs.sort_values(["position_code", "from_unit", "to_unit"], kind="stable").reset_index(drop=True)


@st.composite
def instances(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    n_units = draw(st.integers(2, 14))
    units = [(f"{i:05d}", ("01", "02")[i] if i < 2 else ("01" if rng.random() < 0.6 else "02"),
              10.0 + rng.random() * 60 / KM_PER_DEG, 106.0 + rng.random() * 60 / KM_PER_DEG)
             for i in range(n_units)]
    staff, quotas, k = [], [], 0
    for u in units:
        for p in ("A", "B"):
            n = int(rng.integers(0, 4))
            for _ in range(n):
                k += 1
                staff.append((f"S{k:04d}", u[0], p, "1985-01-01", "M"))
            quotas.append((u[0], p, int(rng.integers(0, 4))))
    codes = [u[0] for u in units]
    roads = []
    for _ in range(draw(st.integers(0, 8))):
        a, b = rng.choice(codes, 2, replace=False)
        roads.append((a, b, float(np.round(rng.random() * 90, 3))))
    ds = make_ds(units, staff, quotas, positions=[("A", 2), ("B", 1)], distances=roads or None)
    cross = draw(st.booleans())
    into = draw(st.sampled_from([[], ["01"], ["02"]])) if cross else []
    max_km = draw(st.sampled_from([5.0, 20.0, 35.5, 80.0, 1e6]))
    return ds, Scenario(max_km=max_km, cross_province=cross, cross_province_into=into)


@settings(max_examples=30, deadline=None)
@given(instances())
def test_indexed_arcs_equal_the_full_join(case):
    ds, scenario = case
    got = build_eligibility(ds, scenario).arcs
    want = reference_arcs(ds, scenario)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
    assert list(got.columns) == list(want.columns)


def test_a_road_brings_a_far_pair_within_reach_and_a_long_road_takes_a_near_one_out():
    # 00001 is 50 km from 00000 as the crow flies but 30 km by road; 00002 is 10 km away but 45 by road
    units = [("00000", "01", 10.0, 106.0), ("00001", "01", 10.0 + 50 / KM_PER_DEG, 106.0),
             ("00002", "01", 10.0 + 10 / KM_PER_DEG, 106.0)]
    staff = [("S1", "00000", "A", "1985-01-01", "M"), ("S2", "00000", "A", "1985-01-01", "M")]
    quotas = [("00000", "A", 0), ("00001", "A", 1), ("00002", "A", 1)]
    ds = make_ds(units, staff, quotas, distances=[("00001", "00000", 30.0), ("00000", "00002", 45.0)])
    arcs = build_eligibility(ds, Scenario(max_km=40)).arcs
    assert arcs[["from_unit", "to_unit", "km", "distance_source"]].values.tolist() == [
        ["00000", "00001", 30.0, "road"]]
    res = solve_flows(build_eligibility(ds, Scenario(max_km=40)))
    assert res.flows["to_unit"].tolist() == ["00001"]
