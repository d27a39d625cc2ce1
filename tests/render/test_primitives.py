"""Layers of one kind share one shader pipeline: the map's first frame builds one per kind."""

from __future__ import annotations

import json
from datetime import date

import pytest
from samples import CSV

from rkmap.data import Dataset
from rkmap.data.user_data import load_user_file, with_user_data
from rkmap.render.deck import build_deck
from rkmap.render.view import REGIONS, MapView

ROUTE_AND_PLACE = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[131.9, 43.1], [133, 45]]},
             "properties": {"date": "2023-09-20", "title": "Rail", "source": "Rail watcher"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.12, 45.85]},
             "properties": {"layer": "place", "id": "depot", "title": "Depot", "kind": "rail_hub", "source": "Gazetteer"}},
        ],
    }
)  # fmt: skip


def pipeline_signature(layer: dict) -> tuple:
    """What decides a deck.gl layer's shader pipeline: its type, extensions, pickability,
    and which accessors are per item ("@@=" expressions) rather than constants."""
    accessors = tuple(sorted((key, isinstance(value, str) and value.startswith("@@=")) for key, value in layer.items() if key.startswith("get")))
    extensions = tuple(sorted(json.dumps(extension, sort_keys=True) for extension in layer.get("extensions", [])))
    return layer["@@type"], extensions, bool(layer.get("pickable")), accessors


# Drawn by the browser, not WebGL: labels as HTML (rkmap/app/html_labels.js), lines as SVG (rkmap/app/svg_paths.js).
NOT_WEBGL = {"HtmlLabelLayer", "SvgPathLayer"}


def _deck_layers(dataset: Dataset, view: MapView) -> list[dict]:
    return json.loads(build_deck(dataset, view).to_json())["layers"]


def _webgl_layers(dataset: Dataset, view: MapView) -> list[dict]:
    return [layer for layer in _deck_layers(dataset, view) if layer["@@type"] not in NOT_WEBGL]


@pytest.fixture(scope="module")
def with_user(dataset: Dataset) -> Dataset:
    known = frozenset(dataset.places["id"])
    files = [load_user_file("mine.csv", CSV.encode(), known), load_user_file("mine.geojson", ROUTE_AND_PLACE.encode(), known)]
    return with_user_data(dataset, files)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", list(REGIONS))
def test_each_layer_kind_has_one_pipeline(dataset: Dataset, with_user: Dataset, region: str, lang: str) -> None:
    for data in (dataset, with_user):
        layers = _webgl_layers(data, MapView(as_of=date(2023, 10, 13), region=region, lang=lang))
        assert {"route-arrows", "events", "events-current", "places"} <= {layer["id"] for layer in layers}
        kinds: dict[str, set[tuple]] = {}
        for layer in layers:
            kinds.setdefault(layer["@@type"], set()).add(pipeline_signature(layer))
        assert all(len(signatures) == 1 for signatures in kinds.values()), kinds
    assert {layer["id"] for layer in _webgl_layers(with_user, MapView(as_of=date(2023, 10, 13)))} >= {"user-places", "user-events"}


def test_lines_are_svg(dataset: Dataset, with_user: Dataset) -> None:
    """Every line, shipped or the analyst's own, is drawn as SVG: no PathLayer pipeline to build."""
    lines = {layer["id"] for layer in _deck_layers(with_user, MapView(as_of=date(2023, 10, 13))) if layer["@@type"] == "SvgPathLayer"}
    # The outlines of places known only to a country are lines too (layers/areas.py), hatched.
    assert lines == {"route", "route-current", "user-routes", "event-areas", "event-area-hatch"}
    kinds = {layer["@@type"] for layer in _deck_layers(with_user, MapView(as_of=date(2023, 10, 13)))}
    assert "PathLayer" not in kinds, kinds


def test_the_signature_tells_a_constant_from_a_per_item_accessor() -> None:
    """The test above could not fail if the signature missed what splits pipelines."""
    base = {"@@type": "IconLayer", "pickable": True, "getColor": "@@=colour", "extensions": []}
    assert pipeline_signature(base) != pipeline_signature({**base, "getColor": [0, 0, 0, 255]})
    assert pipeline_signature(base) != pipeline_signature({**base, "pickable": False})
    assert pipeline_signature(base) != pipeline_signature({**base, "extensions": [{"@@type": "DataFilterExtension", "filterSize": 2}]})
