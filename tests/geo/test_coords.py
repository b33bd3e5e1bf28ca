"""The coordinate conversions against published reference points.

- WGS-84 → GCJ-02: the test table of eviltransform (googollee/eviltransform, MIT), the most
  copied implementation: Shanghai, Shenzhen, Beijing, to 1e-9 degrees.
- GCJ-02 → BD-09 and GCJ-02 → WGS-84: Alibaba Cloud's documentation of its TransferCoord API
  (address purification, "coordinate system conversion"): GCJ-02 120.026268,30.279164 is
  BD-09 120.032768,30.285238 and WGS-84 120.021519,30.281543 (6 decimals).
- WGS-84 → GCJ-02 against AMap's own conversion service: 39.90734,116.39089 →
  39.90874539,116.39713623 as recorded in the tests of the R package geoChina (Jun Cai,
  Tsinghua University).
"""

import math

import pytest

from geo import coords

DEGREE_M = 111_000  # metres per degree, near enough to state tolerances in metres


def metres(a, b) -> float:
    dlat = (a[0] - b[0]) * DEGREE_M
    dlon = (a[1] - b[1]) * DEGREE_M * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlon)


@pytest.mark.parametrize(
    ("wgs", "gcj"),
    [
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
        ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
    ],
)
def test_wgs84_to_gcj02_matches_the_reference_table(wgs, gcj):
    assert coords.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


def test_gcj02_to_bd09_matches_alibaba_clouds_published_example():
    bd = coords.gcj02_to_bd09(30.279164, 120.026268)
    assert bd == pytest.approx((30.285238, 120.032768), abs=1e-6)
    assert coords.bd09_to_gcj02(*bd) == pytest.approx((30.279164, 120.026268), abs=1e-6)


def test_gcj02_to_wgs84_is_exact_where_the_one_step_inverse_is_a_metre_off():
    """Alibaba's published WGS-84 point is the usual one-step inverse (gcj − shift(gcj)): ours
    lies within 2 m of it, and only ours maps back onto the GCJ-02 point given."""
    gcj = (30.279164, 120.026268)
    ours = coords.gcj02_to_wgs84(*gcj)
    published = (30.281543, 120.021519)
    assert metres(ours, published) < 2
    assert metres(coords.wgs84_to_gcj02(*ours), gcj) < 0.001
    assert metres(coords.wgs84_to_gcj02(*published), gcj) > 0.5


def test_wgs84_to_gcj02_is_within_a_metre_of_amaps_own_service():
    converted = coords.wgs84_to_gcj02(39.90734, 116.39089)
    assert metres(converted, (39.90874539, 116.39713623)) < 1.0


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
@pytest.mark.parametrize("point", [(39.9087, 116.3975), (31.2304, 121.4737), (22.5431, 114.0579)])
def test_a_round_trip_returns_the_point_within_a_centimetre(system, point):
    there = coords.from_wgs84(*point, system)
    assert metres(there, point) > 100  # the shift is real (hundreds of metres)
    assert metres(coords.to_wgs84(*there, system), point) < 0.01


def test_outside_china_gcj02_is_wgs84():
    paris = (48.8566, 2.3522)
    assert coords.wgs84_to_gcj02(*paris) == paris
    assert coords.gcj02_to_wgs84(*paris) == paris


def test_an_unknown_system_is_refused():
    with pytest.raises(ValueError, match="unknown coordinate system"):
        coords.to_wgs84(39.9, 116.4, "mars")
