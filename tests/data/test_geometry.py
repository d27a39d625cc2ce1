"""Route geometry: the sea leg stays on water, the rail leg follows the Trans-Siberian."""

from __future__ import annotations

import json

import pytest
import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import LineString, Point, shape

from rkmap.data import DATA_DIR

GEOD = Geod(ellps="WGS84")
COAST = DATA_DIR / "geometry" / "coast_check.geojson"


@pytest.fixture(scope="module")
def land() -> shapely.Geometry:
    """GSHHG high-resolution land around the sea leg (shipped for this check)."""
    collection = json.loads(COAST.read_text(encoding="utf-8"))
    return shapely.union_all([shape(f["geometry"]) for f in collection["features"]])


def _km(line: LineString) -> float:
    return GEOD.geometry_length(line) / 1000


def _land_km(line: LineString, land: shapely.Geometry) -> float:
    return _km_any(line.intersection(land))


def _km_any(geom: shapely.Geometry) -> float:
    return sum(_km(part) for part in shapely.get_parts(geom) if part.geom_type == "LineString")


def _leg(dataset, ident: str):
    return dataset.route_legs.set_index("id").loc[ident]


def test_coast_check_is_high_resolution(land: shapely.Geometry) -> None:
    # Peter the Great Gulf islands that Natural Earth 10m lacks (e.g. Russky Island) are there.
    assert land.contains(Point(131.85, 43.0))
    assert shapely.get_num_coordinates(land) > 1000


def test_straight_line_would_cross_land(dataset, land: shapely.Geometry) -> None:
    places = dataset.places
    straight = LineString([(places.loc["rajin", "lon"], places.loc["rajin", "lat"]), (places.loc["dunai", "lon"], places.loc["dunai", "lat"])])
    assert _land_km(straight, land) > 20  # why the sea leg needed repairing


def test_sea_leg_stays_off_land(dataset, land: shapely.Geometry) -> None:
    line = _leg(dataset, "sea")["line"]
    assert _land_km(line, land) == pytest.approx(0.0, abs=0.001)
    # It starts and ends at the shore nearest the gazetteer points (town centres).
    places = dataset.places
    for end, place in ((line.coords[0], "rajin"), (line.coords[-1], "dunai")):
        gap = GEOD.inv(end[0], end[1], places.loc[place, "lon"], places.loc[place, "lat"])[2]
        assert gap < 2_500, (place, gap)
    assert 180 < _km(line) < 260


def test_rail_leg_follows_the_trans_siberian(dataset) -> None:
    leg = _leg(dataset, "rail")
    line = leg["line"]
    places = dataset.places
    length = _km(line)
    assert 9_000 < length < 10_500, length
    great_circle = GEOD.inv(places.loc["dunai", "lon"], places.loc["dunai", "lat"], places.loc["tikhoretsk", "lon"], places.loc["tikhoretsk", "lat"])[2] / 1000
    assert length > 1.2 * great_circle  # follows track, not a straight or great-circle line
    ulan_ude = Point(places.loc["ulan_ude", "lon"], places.loc["ulan_ude", "lat"])
    nearest = shapely.ops.nearest_points(line, ulan_ude)[0]
    assert GEOD.inv(nearest.x, nearest.y, ulan_ude.x, ulan_ude.y)[2] < 5_000
    end = Point(line.coords[-1])
    assert GEOD.inv(end.x, end.y, places.loc["tikhoretsk", "lon"], places.loc["tikhoretsk", "lat"])[2] < 2_000


def test_rail_gap_at_dunai_is_marked_schematic(dataset) -> None:
    leg = _leg(dataset, "rail")
    assert leg["schematic_head_vertices"] == 2
    head = LineString(list(leg["line"].coords)[:2])
    assert _km(head) == pytest.approx(leg["schematic_head_km"], rel=0.05)
    assert leg["schematic_head_km"] < 50


def test_geometry_files_credit_their_sources() -> None:
    rail = json.loads((DATA_DIR / "geometry" / "rail_leg.geojson").read_text(encoding="utf-8"))
    assert "OpenStreetMap contributors" in rail["properties"]["licence"]
    sea = json.loads((DATA_DIR / "geometry" / "sea_leg.geojson").read_text(encoding="utf-8"))
    assert "GSHHG" in sea["properties"]["sources"]
