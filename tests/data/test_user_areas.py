"""An analyst's polygons and multipolygons are areas drawn as their outlines: in the app's layers, in image exports, and saved back."""

from __future__ import annotations

import json
from datetime import date

import matplotlib as mpl
import numpy as np

from rkmap.core.projection import mercator
from rkmap.data import Dataset
from rkmap.data.user_data import load_user_file, saved_geojson, user_parts, with_user_data
from rkmap.render import _mpl
from rkmap.render.image import ExportOptions, build_figure
from rkmap.render.user_deck import user_layers
from rkmap.render.view import MapView

ZONE = [[130.0, 42.0], [131.0, 42.0], [131.0, 43.0], [130.0, 43.0], [130.0, 42.0]]
PART_A = [[128.0, 40.0], [129.0, 40.0], [129.0, 41.0], [128.0, 40.0]]
PART_B = [[127.0, 39.0], [127.5, 39.0], [127.5, 39.5], [127.0, 39.0]]
AREAS = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ZONE]}, "properties": {"id": "zone", "date": "2023-09-13", "title": "Exclusion zone", "source": "Notice"}},
            {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[PART_A], [PART_B]]}, "properties": {"id": "two", "date": "2023-09-14", "title": "Two parts", "source": "Notice"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [130.3, 42.3]}, "properties": {"id": "pt", "date": "2023-09-15", "title": "A point", "source": "Notice"}},
        ],
    }
).encode()
AS_OF = date(2023, 10, 1)


def _merged(dataset: Dataset) -> Dataset:
    data = load_user_file("areas.geojson", AREAS, set(dataset.places["id"]))
    assert data.rows_loaded == 3 and not data.problems
    return with_user_data(dataset, [data])


def test_polygons_keep_their_outline_and_save_back_as_polygons(dataset: Dataset) -> None:
    data = load_user_file("areas.geojson", AREAS, set(dataset.places["id"]))
    places = data.places.set_index("name_en")
    zone = data.places[data.places["id"] == data.events.set_index("id").at["zone", "place_id"]].iloc[0]
    assert zone["outline"].geom_type == "Polygon" and [list(c) for c in zone["outline"].exterior.coords] == ZONE
    assert zone["kind"] == "region"  # an area, not an exact site
    point = data.places[data.places["id"] == data.events.set_index("id").at["pt", "place_id"]].iloc[0]
    assert point["outline"] is None and len(places) == 3
    saved = json.loads(saved_geojson([data]))
    kinds = {f["properties"]["id"]: f["geometry"]["type"] for f in saved["features"]}
    assert kinds == {"zone": "Polygon", "two": "MultiPolygon", "pt": "Point"}
    again = load_user_file("again.geojson", saved_geojson([data]), set(dataset.places["id"]))
    assert sorted(g.wkt for g in again.places["outline"] if g is not None) == sorted(g.wkt for g in data.places["outline"] if g is not None)


def test_the_app_draws_each_ring_as_an_outline_not_a_circle(dataset: Dataset) -> None:
    user = user_parts(_merged(dataset))[1]
    layers = {layer.id: layer for layer in user_layers(user, MapView(as_of=AS_OF))}
    outlines = layers["user-event-outlines"].data
    assert sorted((r["id"], len(r["path"])) for r in outlines) == [("user1:two", 4), ("user1:two", 4), ("user1:zone", 5)]
    assert next(r for r in outlines if r["id"] == "user1:zone")["path"] == ZONE
    assert all(r["t_start"] > 0 for r in outlines)  # timed as their event
    circles = layers.get("user-event-areas")
    assert circles is None or not {r["id"] for r in circles.data} & {"user1:zone", "user1:two"}


def test_image_exports_draw_the_polygon_itself(dataset: Dataset) -> None:
    merged = _merged(dataset)
    with mpl.rc_context(_mpl.rc_params("en")):
        fig = build_figure(merged, MapView(as_of=AS_OF, region="user"), ExportOptions(dpi=40).validated())
    main = fig.axes[0]
    # The app's outline and hatch lines (rkmap/render/areas.py), drawn as line collections named by their area.
    rings = [np.asarray(segment) for c in main.collections if (c.get_gid() or "").startswith("area-outline-") for segment in c.get_segments()]
    assert sum((c.get_gid() or "").startswith("area-hatch-user1:") for c in main.collections) == 2, "both polygons hatched"
    xs, ys = mercator(*np.asarray(ZONE).T)
    zone = np.column_stack([xs, ys])

    def traces(ring: np.ndarray, corners: np.ndarray) -> bool:  # the same corners, wherever the ring starts
        return len(ring) == len(corners) and all(np.min(np.hypot(*(corners - point).T)) < 50 for point in ring)

    assert any(traces(ring, zone) for ring in rings), "the zone's own outline"
    assert len([ring for ring in rings if len(ring) == 4]) >= 2, "both parts of the multipolygon"
    centre = np.asarray(mercator(130.5, 42.5))
    assert not any(len(ring) > 20 and np.allclose(ring.mean(axis=0), centre, atol=2000) for ring in rings), "no circle stands for a polygon"
