"""Eligibility: surplus, shortage, arcs — each rule with a case that allows and one that forbids."""
import pandas as pd
import pytest

from builders import KM_PER_DEG, make_ds
from models.scenario import Scenario
from optimizer.reassign.eligibility import build_eligibility, haversine_km, protect_cutoff

YOUNG = "1990-01-01"


def two_units(km=10.0, same_province=True, movable=True, birth=YOUNG, gender="M", distances=None):
    """Unit A has 2 staff in DC and quota 1; unit B, `km` north, has none and quota 1."""
    units = [("A", "01", 20.0, 105.0), ("B", "01" if same_province else "02", 20.0 + km / KM_PER_DEG, 105.0)]
    staff = [("s1", "A", "DC", birth, gender, movable), ("s2", "A", "DC", birth, gender, movable)]
    quotas = [("A", "DC", 1), ("B", "DC", 1)]
    return make_ds(units, staff, quotas, distances=distances)


def test_surplus_and_shortage_are_counted_per_unit_and_position():
    e = build_eligibility(two_units(), Scenario())
    p = e.pairs.set_index("unit_code")
    assert (p.loc["A", "surplus"], p.loc["A", "supply"], p.loc["A", "shortage"]) == (1, 1, 0)
    assert (p.loc["B", "surplus"], p.loc["B", "shortage"], p.loc["B", "staff_before"]) == (0, 1, 0)
    assert e.ceiling == 1


def test_max_km_allows_within_and_forbids_beyond():
    assert len(build_eligibility(two_units(km=39.0), Scenario(max_km=40)).arcs) == 1
    assert len(build_eligibility(two_units(km=41.0), Scenario(max_km=40)).arcs) == 0


def test_same_province_unless_cross_province():
    ds = two_units(same_province=False)
    assert len(build_eligibility(ds, Scenario()).arcs) == 0
    assert len(build_eligibility(ds, Scenario(cross_province=True)).arcs) == 1


def test_not_movable_staff_give_no_supply():
    e = build_eligibility(two_units(movable=False), Scenario())
    assert e.pairs.set_index("unit_code").loc["A", "supply"] == 0
    assert e.arcs.empty and e.ceiling == 0


def test_protect_years_blocks_staff_near_retirement():
    # a man born 1965-03-01 reaches 61y6m... in 2026: within 2 years of 2026-01-01
    near = build_eligibility(two_units(birth="1965-03-01"), Scenario(protect_years=2))
    assert near.pairs.set_index("unit_code").loc["A", "supply"] == 0
    far = build_eligibility(two_units(birth="1965-03-01"), Scenario(protect_years=0))
    assert far.pairs.set_index("unit_code").loc["A", "supply"] == 1


def test_road_distance_overrides_great_circle_both_ways():
    # great-circle 10 km, road 55 km given as B→A: the arc A→B is no longer eligible at 40 km
    ds = two_units(km=10, distances=[("B", "A", 55.0)])
    assert build_eligibility(ds, Scenario(max_km=40)).arcs.empty
    arcs = build_eligibility(ds, Scenario(max_km=60)).arcs
    assert arcs["km"].tolist() == [55.0] and arcs["distance_source"].tolist() == ["road"]
    # and a road shorter than the crow flies makes a far pair eligible
    ds = two_units(km=50, distances=[("A", "B", 30.0)])
    assert build_eligibility(ds, Scenario(max_km=40)).arcs["km"].tolist() == [30.0]


def test_haversine_matches_a_known_distance():
    # Hà Nội (Hoàn Kiếm) to Hồ Chí Minh City (Bến Nghé): about 1,137 km as the crow flies
    km = haversine_km(21.0285, 105.852, 10.7769, 106.7009)
    assert 1130 < float(km) < 1145


def test_protect_cutoff_counts_fractional_years_in_months():
    assert protect_cutoff("2026-01-01", 1.5) == pd.Timestamp("2027-07-01")


def three_provinces():
    """A spare DC in province 01 and in 03; shortages in 02 and 03, all within a few km."""
    units = [("A", "01", 20.0, 105.0), ("B", "02", 20.01, 105.0), ("C", "03", 20.02, 105.0),
             ("D", "03", 20.03, 105.0)]
    staff = [("a1", "A", "DC", YOUNG, "M"), ("d1", "D", "DC", YOUNG, "F")]
    quotas = [("A", "DC", 0), ("B", "DC", 1), ("C", "DC", 1), ("D", "DC", 0)]
    return make_ds(units, staff, quotas)


def test_cross_province_into_opens_only_the_listed_borders():
    ds = three_provinces()
    every = build_eligibility(ds, Scenario(cross_province=True)).arcs
    assert set(zip(every["from_unit"], every["to_unit"])) == {("A", "B"), ("A", "C"), ("D", "B"), ("D", "C")}
    only_02 = build_eligibility(ds, Scenario(cross_province=True, cross_province_into=["02"]))
    # into 02 from anywhere; 03 keeps its own move D → C; A → C (01 → 03) is closed
    assert set(zip(only_02.arcs["from_unit"], only_02.arcs["to_unit"])) == {("A", "B"), ("D", "B"), ("D", "C")}
    assert only_02.ceiling == 2          # A → B and D → C
    only_03 = build_eligibility(ds, Scenario(cross_province=True, cross_province_into=["03"]))
    assert only_03.ceiling == 1          # A and D both can only serve C; B (02) is closed to both


def test_cross_province_into_unknown_province_is_a_scenario_error():
    from models.scenario import ScenarioError
    with pytest.raises(ScenarioError, match="99"):
        build_eligibility(three_provinces(), Scenario(cross_province=True, cross_province_into=["99"]))


def test_a_pair_given_both_ways_keeps_the_first_row():
    arcs = build_eligibility(two_units(km=10, distances=[("B", "A", 3.0), ("A", "B", 7.0)]), Scenario()).arcs
    assert arcs["km"].tolist() == [3.0]
    arcs = build_eligibility(two_units(km=10, distances=[("A", "B", 7.0), ("B", "A", 3.0)]), Scenario()).arcs
    assert arcs["km"].tolist() == [7.0]
