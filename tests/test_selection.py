"""Who goes: the persons chosen for the planned moves."""
import pytest

from builders import KM_PER_DEG, make_ds
from models.scenario import Scenario
from optimizer.plan import solve
from optimizer.reassign.selection import TRANSFER_COLUMNS

NORTH = 20.0 + 20 / KM_PER_DEG   # the destination, 20 km north of A


def ds_with_homes(**kw):
    units = [("A", "01", 20.0, 105.0), ("B", "01", NORTH, 105.0),
             ("H1", "01", NORTH - 2 / KM_PER_DEG, 105.0),    # lives 2 km from B
             ("H2", "01", 20.0 - 5 / KM_PER_DEG, 105.0)]     # lives 25 km from B
    staff = [("far", "A", "DC", "1990-01-01", "M", True, "H2"),
             ("near", "A", "DC", "1992-01-01", "F", True, "H1"),
             ("nohome", "A", "DC", "1991-01-01", "M", True, ""),
             ("fixed", "A", "DC", "1990-01-01", "M", False, "B")]
    quotas = [("A", "DC", 3), ("B", "DC", 1)]
    return make_ds(units, staff, quotas, **kw)


def test_the_person_living_nearest_the_destination_goes():
    t = solve(ds_with_homes(), Scenario()).transfers
    assert t["staff_id"].tolist() == ["near"]


def test_never_someone_not_movable_even_if_living_next_door():
    t = solve(ds_with_homes(), Scenario()).transfers
    assert "fixed" not in set(t["staff_id"])


def test_more_years_to_retirement_breaks_ties():
    units = [("A", "01", 20.0, 105.0), ("B", "01", NORTH, 105.0)]
    staff = [("old", "A", "DC", "1968-01-01", "M"), ("young", "A", "DC", "1998-01-01", "M")]
    ds = make_ds(units, staff, [("A", "DC", 1), ("B", "DC", 1)])
    assert solve(ds, Scenario(protect_years=0)).transfers["staff_id"].tolist() == ["young"]


def test_transfer_rows_are_six_ro():
    t = solve(ds_with_homes(), Scenario(plan_date="2026-03-01")).transfers
    assert list(t.columns) == TRANSFER_COLUMNS
    r = t.iloc[0]
    assert r["from_unit_name"] == "Xã A" and r["to_unit_name"] == "Xã B"
    assert r["effective_date"] == "2026-03-01"
    assert r["authority"] == "Chủ tịch UBND Tỉnh 01" and r["authority_level"] == "province"
    assert r["km"] == pytest.approx(20.0, abs=0.01) and r["reason"].startswith("Điều động vị trí")
    assert r["transfer_no"] == 1


def test_cross_province_transfers_are_signed_by_the_ministry():
    units = [("A", "01", 20.0, 105.0), ("B", "02", NORTH, 105.0)]
    ds = make_ds(units, [("x", "A", "DC", "1990-01-01", "M")], [("A", "DC", 0), ("B", "DC", 1)])
    t = solve(ds, Scenario(cross_province=True)).transfers
    assert t["authority"].tolist() == ["Bộ trưởng Bộ Nội vụ"] and t["authority_level"].tolist() == ["ministry"]
