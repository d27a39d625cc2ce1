"""The map component's Python side: filter templates, payload, clicks and the reported day.

What the browser does with them (a slider step redrawing without a rerun, the
same picture as a fresh load at that date) is checked in
tests/browser/test_map_in_browser.py.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest_helpers import run_app

from rkmap.app import deck_map
from rkmap.app.deck_bundles import COMPONENT, MAP_MODULE
from rkmap.app.deck_map import clamped_day, file_urls, files_to_send, map_payload, picked_key
from rkmap.app.detail import item_key_for
from rkmap.core import style
from rkmap.core.dates import day_number
from rkmap.render.deck import build_deck
from rkmap.render.static_data import published_json_text, read_published
from rkmap.render.static_files import cache_path
from rkmap.render.view import MapView, range_template, resolve_ranges

ASSETS = Path(__file__).resolve().parents[2] / "rkmap" / "app" / "deck_map_assets"


def _layers(dataset, view: MapView) -> list[dict]:
    return json.loads(build_deck(dataset, view).to_json())["layers"]


@pytest.mark.parametrize("clock", ["event", "public"])
@pytest.mark.parametrize("emphasis_days", [7, 90])
@pytest.mark.parametrize("grouped", [False, True], ids=["single-events", "grouped-events"])
def test_every_filtered_layer_carries_the_template_of_its_ranges(dataset, monkeypatch, clock, emphasis_days, grouped) -> None:
    """The browser fills the as-of day into ``asOfRanges``; at the view's day that is ``filterRange``."""
    if grouped:  # the many-events layers (grouped symbols, merged halo spans) on the shipped data
        monkeypatch.setattr(style, "LARGE_EVENT_COUNT", 0)
    view = MapView(as_of=date(2023, 10, 13), clock=clock, emphasis_days=emphasis_days)
    filtered = [layer for layer in _layers(dataset, view) if "filterRange" in layer]
    assert {layer["id"] for layer in filtered} >= {"route", "route-current", "route-arrows", "events", "events-current"}
    for layer in filtered:
        assert resolve_ranges(layer["asOfRanges"], view.as_of_day) == layer["filterRange"], layer["id"]
    # Moved to another day, the templates give that day's ranges: what a fresh build gives.
    later = view.with_(as_of=date(2024, 1, 17))
    again = {layer["id"]: layer for layer in _layers(dataset, later)}
    for layer in filtered:
        assert resolve_ranges(layer["asOfRanges"], later.as_of_day) == again[layer["id"]]["filterRange"], layer["id"]


def test_range_templates_leave_only_the_day_open() -> None:
    view = MapView(as_of=date(2023, 10, 13), emphasis_days=30)
    assert range_template(view) == [[-1_000_000, {"asOf": 0}], [-1_000_000, 1_000_000]]
    assert range_template(view, emphasised=True) == [[-1_000_000, {"asOf": 0}], [{"asOf": -30}, 1_000_000]]
    assert resolve_ranges(range_template(view, emphasised=True), 100) == [[-1_000_000, 100], [70, 1_000_000]]


def test_payload_names_files_the_server_has(dataset) -> None:
    view = MapView(as_of=date(2023, 10, 13))
    payload = map_payload(build_deck(dataset, view), view.as_of, date(2000, 7, 19), date(2024, 1, 17), "As of", 620)
    assert (payload["day"], payload["first"], payload["last"]) == (day_number(date(2023, 10, 13)), day_number(date(2000, 7, 19)), 19739)
    assert json.loads(payload["deck"])["layers"], "the deck JSON travels as a string"
    assert payload["tooltip"] == {"text": "{tooltip}"}, "tooltips are text templates: data never becomes HTML"
    assert "module" not in payload, "the module is the component's own file, loaded once by its URL"


def test_the_component_module_is_served_from_its_declared_asset_folder() -> None:
    """pyproject.toml declares the map component's asset_dir; Streamlit finds it and the built module in it."""
    from streamlit.components.v2.manifest_scanner import scan_component_manifests

    found = {f"{manifest.name}.{config.name}": config.resolve_asset_root(root)
             for manifest, root in scan_component_manifests() for config in manifest.components}
    assert COMPONENT in found, found
    assert found[COMPONENT] == ASSETS and (ASSETS / MAP_MODULE).is_file()


def test_vendored_deck_gl_is_documented_with_its_licences() -> None:
    """The map's module, with its deck.gl build, names its source and every package in it with a licence."""
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    built = ASSETS / MAP_MODULE
    assert f"`{MAP_MODULE}`" in readme and "scripts/deckgl_bundle" in readme
    licences = built.with_name("deck_map-LICENSES.txt").read_text(encoding="utf-8")
    source = json.loads((Path(__file__).resolve().parents[2] / "package.json").read_text(encoding="utf-8"))
    for package, version in source["dependencies"].items():
        if package.startswith("@deck.gl/"):
            assert f"{package} {version} (MIT)" in licences, package


@pytest.mark.parametrize(
    ("pick", "expected"),
    [
        ({"layer": "events", "kind": "event", "id": "vostochny-summit-2023"}, "event:vostochny-summit-2023"),
        ({"layer": "route", "kind": "route", "id": "rajin-dunai"}, "leg:rajin-dunai"),
        ({"layer": "places", "kind": "place", "id": "rajin"}, "place:rajin"),
        ({"layer": "events", "kind": None, "id": "e1"}, "event:e1"),  # grouped events: no 'layer' field
        ({"layer": "basemap-overview", "kind": None, "id": "x"}, None),
        ({"layer": "events", "kind": "event", "id": ""}, None),
        ("event:x", None),
        (None, None),
    ],
)
def test_clicked_objects_become_item_keys(pick, expected) -> None:
    assert picked_key(pick) == expected


def test_item_key_prefers_the_object_kind() -> None:
    assert item_key_for("user-events", "event", "mine") == "event:mine"


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        (19_000, date(2022, 1, 8)),
        (0, date(2000, 7, 19)),  # before the data: the first date
        (99_999, date(2024, 1, 17)),  # after it: the last date
        ("19000", None),  # not a day number: ignored
        (True, None),
        (None, None),
    ],
)
def test_reported_day_is_clamped_to_the_data(reported, expected) -> None:
    assert clamped_day(reported, date(2000, 7, 19), date(2024, 1, 17)) == expected


def test_the_map_is_the_pages_one_component_and_names_its_module() -> None:
    """The frontend loads the component's module from /_stcore/bidi-components/<component>/<js_source_path>."""
    at = run_app()
    components = list(at.get("bidi_component"))
    assert [e.proto.component_name for e in components] == [COMPONENT]
    assert components[0].proto.js_source_path == MAP_MODULE


def test_a_first_visit_carries_its_layer_files_and_a_rerun_does_not() -> None:
    """The small files of the first deck travel with it (rkmap/app/prefill.js); a rerun names the same URLs only."""
    from apptest_helpers import map_data

    at = run_app()
    first = map_data(at)
    deck = json.loads(first["deck"])
    urls = {layer["data"] for layer in deck["layers"] if isinstance(layer.get("data"), str)}
    urls |= {first["timeline"]["marks"]}
    assert urls and set(first["files"]) == urls, "every layer file of the first deck, and the timeline's"
    for url, text in first["files"].items():
        assert json.loads(text) == read_published(url), url
    at.run()
    assert map_data(at)["files"] == {}, "sent once per session"


def test_files_to_send_keep_their_bounds(dataset, monkeypatch) -> None:
    view = MapView(as_of=date(2023, 10, 13))
    urls = file_urls(build_deck(dataset, view), None)
    sizes = {url: len(Path(cache_path(url)).read_bytes()) for url in urls}
    small = sorted(sizes.values())[len(sizes) // 2]
    monkeypatch.setattr(deck_map, "FILE_BYTES", small)
    sent: dict[str, int] = {}
    texts = files_to_send(urls, sent)
    assert set(texts) == {url for url, size in sizes.items() if size <= small}, "a larger file is fetched"
    assert sent == {url: sizes[url] for url in texts}
    assert files_to_send(urls, sent) == {}, "each file once"
    monkeypatch.setattr(deck_map, "FILE_BYTES", 10**9)
    monkeypatch.setattr(deck_map, "SESSION_BYTES", sum(sent.values()) + min(sizes.values()))
    more = files_to_send(urls, sent)
    assert len(more) <= 1 and sum(sent.values()) <= deck_map.SESSION_BYTES, "no more than the session's bound in all"


@pytest.mark.parametrize("url", [
    "app/static/cache/../../../pyproject.toml", "app/static/cache/../cache/../../rkmap/__init__.py",
    "app/static/basemap/world.png", "/etc/passwd", "app/static/cache/missing-0000000000000000.json", "", "app/static/cache", "app/static/cache/x\x00.json",
])
def test_only_published_files_are_sent(url) -> None:
    assert published_json_text(url, 10**9) is None
    assert files_to_send([url], {}) == {}
