"""View logic and layer building as pure functions (no Streamlit)."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest

from rkmap.core import style
from rkmap.core.projection import world_xy as mercator
from rkmap.core.text import format_span
from rkmap.render._screen_path import TILE_PX
from rkmap.render.deck import MapSize, arrow_records, build_deck, event_records, place_records, route_records, view_state_for
from rkmap.render.primitives import UNDATED, UNDATED_RANGES
from rkmap.render.static_data import read_published
from rkmap.render.view import REGIONS, MapView, date_span, filter_ranges, item_states, shown_counts, visible_items


def _view(day: str, **kw: object) -> MapView:
    return MapView(as_of=date.fromisoformat(day), **kw)  # type: ignore[arg-type]


def test_slider_span_covers_every_date(dataset) -> None:
    first, last = date_span(dataset)
    assert first.isoformat() == "2000-07-19"
    ends = [*dataset.events["end"], *dataset.events["public"], *dataset.route_legs["end"], *dataset.route_legs["public"]]
    assert last == max(ends) and last.isoformat() >= "2025-10-31"  # the data run past the seeds' 17 Jan 2024


def test_items_appear_when_they_happen(dataset) -> None:
    before = visible_items(dataset, _view("2023-09-06"))
    during = visible_items(dataset, _view("2023-09-20"))
    assert before.route_legs.empty
    assert set(during.route_legs["id"]) == {"sea", "rail"}
    assert set(during.route_legs["state"]) == {"current"}
    assert len(during.events) > len(before.events)
    assert "vostochny-summit-2023" in set(during.events["id"])


def test_public_clock_shows_the_route_only_from_the_disclosure(dataset) -> None:
    assert visible_items(dataset, _view("2023-10-12", clock="public")).route_legs.empty
    shown = visible_items(dataset, _view("2023-10-13", clock="public")).route_legs
    assert set(shown["id"]) == {"sea", "rail"} and set(shown["state"]) == {"current"}
    # Events that were public when they happened are unaffected by the clock.
    event_clock = visible_items(dataset, _view("2019-04-25")).events
    public_clock = visible_items(dataset, _view("2019-04-25", clock="public")).events
    assert list(event_clock["id"]) == list(public_clock["id"])


def test_emphasis_marks_recent_items_only(dataset) -> None:
    items = visible_items(dataset, _view("2023-09-14", emphasis_days=7))
    states = dict(zip(items.events["id"], items.events["state"]))
    assert states["vostochny-summit-2023"] == "current"
    assert states["vladivostok-summit-2019"] == "past"


def test_layers_switch_off(dataset) -> None:
    items = visible_items(dataset, _view("2023-10-13", layers=frozenset({"places"})))
    assert items.events.empty and items.route_legs.empty and not items.places.empty


@pytest.mark.parametrize("day", ["2000-07-19", "2019-04-25", "2023-09-07", "2023-10-12", "2023-10-13", "2024-01-17"])
@pytest.mark.parametrize("clock", ["event", "public"])
def test_gpu_filter_agrees_with_python(dataset, day: str, clock: str) -> None:
    """What the browser filters on the GPU equals what exports compute."""
    view = _view(day, clock=clock)
    records = event_records(dataset, view)
    opens, closes = ("t_start", "t_end") if clock == "event" else ("t_public", "t_public")
    (lo0, hi0), (lo1, hi1) = filter_ranges(view)
    (elo0, ehi0), (elo1, ehi1) = filter_ranges(view, emphasised=True)
    gpu_shown = {r["id"] for r in records if lo0 <= r[opens] <= hi0 and lo1 <= r[closes] <= hi1}
    gpu_current = {r["id"] for r in records if elo0 <= r[opens] <= ehi0 and elo1 <= r[closes] <= ehi1}
    states = item_states(dataset.events, view)
    assert gpu_shown == set(dataset.events.loc[states != "hidden", "id"])
    assert gpu_current == set(dataset.events.loc[states == "current", "id"])
    items = visible_items(dataset, view)
    assert shown_counts(dataset, view) == (len(items.events), len(items.route_legs)) == (len(gpu_shown), len(items.route_legs))


def test_deck_is_offline_and_filters_in_the_browser(dataset) -> None:
    spec = json.loads(build_deck(dataset, _view("2023-10-13")).to_json())
    # pydeck's sentinel: Streamlit drops it and then fetches no Carto style.
    assert spec.get("mapStyle") == "__MAP_STYLE__" and "mapProvider" not in spec
    text = json.dumps(spec)
    assert "http://" not in text and "https://" not in text
    layers = {layer["id"]: layer for layer in spec["layers"]}
    # The basemap is not a layer: the browser shows its rasters under the canvas (rkmap/app/deck_map.js).
    assert not any(layer["@@type"] == "BitmapLayer" for layer in spec["layers"])
    for ident in ("events", "events-current", "route-arrows"):
        assert {"@@type": "DataFilterExtension", "filterSize": 2} in layers[ident]["extensions"]
    # Lines are SVG (rkmap/app/svg_paths.js), filtered by the browser from the same props as the GPU's filter;
    # so are the hatched outlines of places known only to a country (layers/areas.py).
    for ident in ("route", "route-current", "event-areas", "event-area-hatch"):
        assert layers[ident]["@@type"] == "SvgPathLayer" and "extensions" not in layers[ident]
        assert {"getFilterValue", "filterRange", "asOfRanges"} <= set(layers[ident])
    assert spec["views"][0]["@@type"] == "MapView"
    # North-up and flat, as the basemap images and the exports assume.
    controller = spec["views"][0]["controller"]
    assert controller["dragRotate"] is False and controller["touchRotate"] is False
    assert controller["keyboard"] == {"rotateSpeedX": 0, "rotateSpeedY": 0}


def test_basemap_rasters_are_opaque_so_the_css_water_shows_only_beyond_them() -> None:
    """No water polygon is drawn: the rasters must carry the water, and the map's background the rest."""
    from PIL import Image

    from rkmap.app.page_style import map_background_css
    from rkmap.render.basemap import RASTERS, basemap_images, static_path

    for raster in RASTERS.values():
        for _width, file in raster.levels():
            with Image.open(static_path(file)) as image:
                assert image.convert("RGBA").getextrema()[3] == (255, 255), file
    assert style.rgb_hex(style.WATER) in map_background_css()
    # Bottom first: the world, the overview over it, the Far East detail on top; each served from ./static.
    images = basemap_images()
    assert [i["name"] for i in images] == ["world", "overview", "fareast"]
    assert images[0]["bounds"] == [-180.0, -85.0, 180.0, 85.0]  # the whole world at every zoom the map allows
    for image, raster in zip(images, RASTERS.values(), strict=True):
        assert image["levels"][-1] == {"width": raster.width, "url": f"app/static/{raster.file}"}
        west, south, east, north = image["bounds"]
        assert -180 <= west < east <= 180 and -85 <= south < north <= 85


def test_basemap_copies_halve_the_full_image_and_keep_its_shape() -> None:
    """Each raster's copies (the browser loads the one a frame needs) are its image at half, a quarter…"""
    from PIL import Image

    from rkmap.render.basemap import RASTERS, basemap_images, static_path

    for raster in RASTERS.values():
        levels = raster.levels()
        assert [w for w, _ in levels] == sorted({w for w, _ in levels}) and levels[-1] == (raster.width, raster.file)
        assert levels[0][0] == raster.smallest and all(b == 2 * a for (a, _), (b, _) in zip(levels, levels[1:]))
        with Image.open(static_path(raster.file)) as full:
            aspect = full.height / full.width
        for width, file in levels:
            with Image.open(static_path(file)) as image:
                assert image.width == width and abs(image.height - width * aspect) <= 1, (file, image.size)
    urls = [level["url"] for image in basemap_images() for level in image["levels"]]
    assert all(url.startswith("app/static/basemap/") and static_path(url.removeprefix("app/static/")).is_file() for url in urls)


def test_moving_the_slider_changes_only_filter_ranges(dataset) -> None:
    """The data sent to the browser is the same static URL at every date; only the filter moves."""
    a = json.loads(build_deck(dataset, _view("2019-04-25")).to_json())
    b = json.loads(build_deck(dataset, _view("2023-10-13")).to_json())
    for layer_a, layer_b in zip(a["layers"], b["layers"]):
        assert layer_a.get("data") == layer_b.get("data"), layer_a["id"]
        if "data" in layer_a:
            assert isinstance(layer_a["data"], str) and layer_a["data"].startswith("app/static/"), layer_a["id"]
    assert len(build_deck(dataset, _view("2019-04-25")).to_json()) < 15_000  # a rerun sends configuration, not data
    pairs = [(la, lb) for la, lb in zip(a["layers"], b["layers"]) if "filterRange" in la]
    dated = {la["id"] for la, _ in pairs if la["getFilterValue"] != "@@=" + UNDATED}
    assert dated >= {"route", "route-current", "route-arrows", "events", "events-current", "event-areas"}
    assert all((la["filterRange"] != lb["filterRange"]) == (la["id"] in dated) for la, lb in pairs)
    # Places have no date: their ranges, the same at every date, hold their filter values.
    assert all(la["filterRange"] == UNDATED_RANGES for la, _ in pairs if la["id"] not in dated)


def test_labels_follow_the_language(dataset) -> None:
    en = json.loads(build_deck(dataset, _view("2023-10-13", lang="en")).to_json())
    ja = json.loads(build_deck(dataset, _view("2023-10-13", lang="ja")).to_json())
    names = lambda spec: {r["id"]: r["name"] for r in read_published(next(layer for layer in spec["layers"] if layer["id"] == "place-labels")["data"])}
    assert names(en)["vostochny"] == "Vostochny Cosmodrome"
    assert names(ja)["vostochny"] == "ボストーチヌイ宇宙基地"


@pytest.mark.parametrize("with_user", [False, True], ids=["shipped", "with-an-analysts-rows"])
def test_every_icon_a_symbol_names_is_in_the_decks_atlas(dataset, with_user: bool) -> None:
    """The browser draws the deck's icon catalogue into one atlas (rkmap/app/deck_loader.js); a symbol whose icon
    were missing from it would not be drawn."""
    from rkmap.data.user_data import load_user_file, with_user_data

    if with_user:
        user = load_user_file("mine.csv", b"id,date,title,lat,lon,source,kind,claim_status\na,2023-09-20,Near Rajin,42.3,130.4,Me,visit,confirmed\n"
                              b"b,2023-09-21,Disputed,42.4,130.5,Me,visit,denied\n", set(dataset.places["id"]))
        assert user.rows_loaded == 2, user.problems
        dataset = with_user_data(dataset, [user])
    spec = json.loads(build_deck(dataset, _view("2023-10-13")).to_json())
    catalogue = spec["iconCatalogue"]
    assert catalogue["px"] == style.ICON_PX and catalogue["stroke_px"] == style.ICON_STROKE_PX
    named = set()
    for layer in spec["layers"]:
        if layer["@@type"] == "IconLayer":
            rows = read_published(layer["data"]) if isinstance(layer["data"], str) else layer["data"]
            named |= {row["icon"] for row in rows}
    assert named and named <= set(catalogue["icons"]), named - set(catalogue["icons"])
    assert {"event", "event-hollow", "arrow"} <= named
    if with_user:
        assert {"user-event", "user-event-hollow"} <= named
    for icon in catalogue["icons"].values():
        assert icon["path"].startswith("M") and icon["path"].endswith(" Z") and isinstance(icon["hollow"], bool)
    assert catalogue["icons"]["event-hollow"]["hollow"] and not catalogue["icons"]["event"]["hollow"]


def test_contested_and_area_events_are_drawn_differently(dataset) -> None:
    records = {r["id"]: r for r in event_records(dataset, _view("2024-01-17"))}
    assert records["containers-loaded-rajin-2023"]["icon"] == "event-hollow"
    assert records["vostochny-summit-2023"]["icon"] == "event"
    # An event the sources place only in a country (the 2001 visit is now at the Kremlin, from the public record).
    assert records["north-korea-closes-border-2020"]["is_area"] and records["north-korea-closes-border-2020"]["radius_m"] > 100_000
    assert "country only" in records["north-korea-closes-border-2020"]["tooltip"]
    assert not records["kim-jong-il-visits-russia-2001"]["is_area"]
    # A hollow symbol picks (tooltip, click) over its whole square, not only on its outline.
    layers = {layer["id"]: layer for layer in json.loads(build_deck(dataset, _view("2024-01-17")).to_json())["layers"]}
    assert layers["events"]["alphaCutoff"] == 0


def test_route_records_split_the_schematic_connector(dataset) -> None:
    records = route_records(dataset, _view("2023-10-13"))
    rail = [r for r in records if r["id"] == "rail"]
    assert [r["schematic"] for r in rail] == [False, True]
    assert rail[0]["dash"] == list(style.DASH_CONTESTED)  # asserted, not confirmed
    assert len(arrow_records(records)) == 8  # four per leg, none on the connector


def test_arrows_point_along_the_route(dataset) -> None:
    sea = [r for r in route_records(dataset, _view("2023-10-13")) if r["id"] == "sea"]
    arrows = arrow_records(sea)
    # Rajin -> Dunai runs east then north-east: angles between -10 and 80 degrees.
    assert all(-10 <= a["angle"] <= 80 for a in arrows), [a["angle"] for a in arrows]


def test_regions_frame_their_places() -> None:
    route = view_state_for("route")
    assert 80 < route.longitude < 95 and 2 < route.zoom < 3.5
    local = view_state_for("rajin_dunai")
    assert local.zoom > 6


def _label_width_px(text: str, size_px: int = 14) -> float:
    """A label's width on the map, estimated: a full em per CJK character, 0.62 em otherwise, plus padding."""
    return sum(size_px if unicodedata.east_asian_width(c) in "WF" else 0.62 * size_px for c in text) + 6


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", list(REGIONS))
def test_place_labels_fit_inside_every_frame(dataset, region: str, lang: str) -> None:
    """A label whose place is on the map is not cut off by the map's edge (the Japanese
    Komsomolsk-on-Amur label was, in the whole-route frame)."""
    size = MapSize()
    camera = view_state_for(region, size)
    cx, cy = mercator(camera.longitude, camera.latitude)
    scale = TILE_PX * 2**camera.zoom
    hidden = style.HIDDEN_LABEL_KINDS.get(region, ())
    clipped = []
    for record in place_records(dataset, _view("2024-01-17", lang=lang, region=region)):
        mx, my = mercator(*record["position"])
        x, y = (mx - cx) * scale + size.width / 2, (my - cy) * scale + size.height / 2
        if record["kind"] in hidden or not (0 <= x <= size.width and 0 <= y <= size.height):
            continue
        width, height = _label_width_px(record["name"]), 16
        dx, dy = record["label_offset"]
        left = {"start": x + dx, "end": x + dx - width, "middle": x + dx - width / 2}[record["anchor"]]
        top = {"center": y + dy - height / 2, "bottom": y + dy - height, "top": y + dy}[record["baseline"]]
        if left < 0 or left + width > size.width or top < 0 or top + height > size.height:
            clipped.append((record["id"], round(left), round(left + width), round(top), round(top + height)))
    assert not clipped, clipped


@pytest.mark.parametrize(
    ("start", "end", "precision", "lang", "expected"),
    [
        ("2023-09-13", "2023-09-13", "day", "en", "13 Sep 2023"),
        ("2023-10-16", "2023-10-19", "range", "en", "16–19 Oct 2023"),
        ("2023-07-01", "2023-07-31", "month", "ja", "2023年7月"),
        ("2001-01-01", "2001-12-31", "year", "en", "2001"),
        ("2023-09-07", "2023-10-01", "range", "ja", "2023年9月7日〜2023年10月1日"),
    ],
)
def test_date_labels(start: str, end: str, precision: str, lang: str, expected: str) -> None:
    assert format_span(date.fromisoformat(start), date.fromisoformat(end), precision, lang) == expected  # type: ignore[arg-type]


def test_markdown_escape_leaves_no_markup() -> None:
    from rkmap.app._markdown import md_escape

    text = md_escape("<script>x</script> [a](javascript:alert(1)) ![i](http://example.invalid/i.png) https://example.invalid *b*")
    assert "<script>" not in text and "](" not in text.replace("\\]\\(", "")
    assert "https://example" not in text  # a zero-width space breaks autolinking
