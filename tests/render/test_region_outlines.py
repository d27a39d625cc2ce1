"""The regions known only as regions are drawn on their own outlines (#24): Kursk oblast, the Russian Far East.

static/basemap/areas.geojson (scripts/build_areas.py, from Natural Earth admin-1) holds them beside the
countries; geodata/README.md says which Far East (the nine subjects before 2018) and why.
"""

from __future__ import annotations

import json
from datetime import date

import shapely
from shapely.geometry import Point

from rkmap.render.areas import AREAS_FILE, area_outlines, outline_id
from rkmap.render.deck import area_records
from rkmap.render.view import MapView


def _point(dataset, place: str) -> Point:
    row = dataset.places.set_index("id").loc[place]
    return Point(float(row["lon"]), float(row["lat"]))


def test_the_regions_have_valid_outlines_inside_their_country(dataset) -> None:
    features = {f["id"]: f for f in json.loads(AREAS_FILE.read_text(encoding="utf-8"))["features"]}
    places = dataset.places.set_index("id")
    outlines = area_outlines()
    russia = shapely.make_valid(outlines["russia"])
    for region in ("kursk_region", "russian_far_east"):
        assert features[region]["properties"]["kind"] == "region"
        shape = outlines[region]
        assert shape.is_valid, region
        # The place's display point lies in its outline (the area's list and label go beside it).
        assert shape.covers(Point(float(places.loc[region, "lon"]), float(places.loc[region, "lat"]))), region
        # Inside Russia but for islands the country's outline leaves out (the Kurils, Russky Island …).
        assert shape.difference(russia).area < 0.02 * shape.area, region
    assert {f["properties"]["kind"] for f in features.values() if f["id"] in ("russia", "north_korea")} == {"country"}


def test_the_far_east_is_the_sources_far_east(dataset) -> None:
    """The places the sources call the Far East lie in it; Ulan-Ude, which seed000 puts in East Siberia, does not."""
    far_east = area_outlines()["russian_far_east"]
    for place in ("vladivostok", "komsomolsk", "vostochny", "khasan", "dunai"):
        assert far_east.buffer(0.02).covers(_point(dataset, place)), place  # a port or border station on the coast
    for place in ("ulan_ude", "moscow", "tikhoretsk"):
        assert not far_east.covers(_point(dataset, place)), place
    assert 3.5 < area_outlines()["kursk_region"].area < 4.5  # Kursk oblast, ~30,000 km², not all of Russia


def test_a_countrys_event_joins_the_country_not_a_region_inside_it(dataset) -> None:
    vladivostok = _point(dataset, "vladivostok")
    assert outline_id("my-place", vladivostok.x, vladivostok.y, country_level=True) == "russia"
    assert outline_id("russian_far_east", 134.0, 50.0, country_level=False) == "russian_far_east"


def test_the_kursk_events_are_drawn_on_kursk_oblast_in_the_app(dataset) -> None:
    outlines, hatches, _ = area_records(dataset, MapView(as_of=date(2024, 11, 1), region="route"))
    kursk = [r for r in outlines if r["id"] == "nk-troops-kursk-asserted-2024"]
    assert kursk, sorted({r["id"] for r in outlines})
    oblast = area_outlines()["kursk_region"].boundary
    for record in kursk:
        assert all(oblast.distance(Point(lon, lat)) < 0.1 for lon, lat in record["path"]), "not Kursk oblast's outline"
