"""Places known only to a country or region, in the app: the area's outline, hatched, never a point or a circle.

And symbols that share a place stay near it (Pyongyang's ran into Korea Bay),
and the area ink reaches the exports as the colour style.py names (#24).
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from rkmap.core import style
from rkmap.render.areas import area_outlines
from rkmap.render.deck import MapSize, area_records, build_deck
from rkmap.render.layer_parts import slot_offsets
from rkmap.render.view import MapView, clock_columns

FRAMES = ("route", "far_east", "rajin_dunai")


def _vague(dataset):
    events = dataset.events
    return events[events["is_area"].astype(bool)]


@pytest.mark.parametrize("region", FRAMES)
@pytest.mark.parametrize("clock", ["event", "public"])
def test_areas_are_hatched_outlines_whose_tooltips_never_run_ahead_of_the_date(dataset, region: str, clock: str) -> None:
    view = MapView(as_of=date(2024, 11, 13), region=region, clock=clock, lang="en")
    outlines, hatches, labels = area_records(dataset, view)
    vague = _vague(dataset)
    assert not vague.empty, "the shipped data have events known only to a country or region"
    assert outlines and hatches and labels
    opens, _ = clock_columns(clock)
    by_id = vague.set_index("id")
    for record in outlines:
        # The record shows from its event's day; every event its tooltip lists opened by then.
        event = by_id.loc[record["id"]]
        assert record[opens] == event[opens]
        listed = record["tooltip"].split("\n")[1:]
        titles = {row["title_en"]: row[opens] for _, row in vague.iterrows()}
        for line in listed:
            title = line.split(" · ", 1)[-1]
            if title in titles:
                assert titles[title] <= record[opens], (record["id"], title)
    # Drawn in the browser in order: the later opening on top, so the topmost shown tooltip is the fullest.
    assert [r[opens] for r in outlines] == sorted(r[opens] for r in outlines)
    # The hatch lies inside its area (a little slack for the simplified outline).
    shapes = area_outlines()
    areas = shapely.unary_union([*map(shapely.make_valid, shapes.values()), *(Point(float(r["lon"]), float(r["lat"])).buffer(float(r["radius_km"]) / 60)
                                                    for _, r in vague.iterrows() if r["place_id"] not in shapes)])
    shapely.prepare(areas)
    for record in hatches[:: max(1, len(hatches) // 40)]:
        middle = LineString(record["path"]).interpolate(0.5, normalized=True)
        assert areas.distance(middle) < 0.2, record["path"][:2]  # inside, give or take the simplified outline


def test_no_circle_or_point_stands_for_a_country_in_the_app(dataset) -> None:
    spec = json.loads(build_deck(dataset, MapView(as_of=date(2024, 11, 13), region="route")).to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["event-areas"]["@@type"] == "SvgPathLayer" and layers["event-area-hatch"]["@@type"] == "SvgPathLayer"
    assert not [layer for layer in spec["layers"] if layer["@@type"] == "ScatterplotLayer" and "area" in layer["id"]]
    # The area's name beside its events' symbols, shown from its first event on (the as-of filter's props).
    assert {"getFilterValue", "filterRange", "asOfRanges"} <= set(layers["area-labels"])
    # One ink, style.py's, in 0-255 with the style's opacity.
    colour = json.loads(layers["event-areas"]["getColor"].removeprefix("@@="))
    assert colour[:3] == list(style.AREA_INK) and colour[3] == round(255 * style.AREA_OUTLINE_ALPHA)


def test_the_outline_is_the_country_never_the_edge_of_the_cut(dataset) -> None:
    """A country larger than the frame is cut to the frame's surroundings: the cut's edge is not drawn as a border."""
    outlines, _, _ = area_records(dataset, MapView(as_of=date(2024, 11, 13), region="far_east"))
    borders = shapely.unary_union([shape.boundary for shape in area_outlines().values()])
    circles = [Point(float(r["lon"]), float(r["lat"])) for _, r in _vague(dataset).iterrows() if r["place_id"] not in area_outlines()]
    for record in outlines:
        for lon, lat in record["path"][:: max(1, len(record["path"]) // 20)]:
            point = Point(lon, lat)
            assert borders.distance(point) < 0.2 or any(c.distance(point) < 8 for c in circles), (lon, lat)


def test_symbols_sharing_a_place_stay_within_a_small_radius_of_it(dataset) -> None:
    offsets = slot_offsets(dataset.events)
    counts = dataset.events.groupby("place_id").size()
    assert counts.max() >= 9, "the data have a crowded place (Pyongyang)"
    # At most style.EVENT_GRID_COLUMNS a row (or column): Pyongyang's 18 events within 90 px, not 270 px across.
    for index, (dx, dy) in offsets.items():
        n = counts[dataset.events.loc[index, "place_id"]]
        rows = math.ceil(n / style.EVENT_GRID_COLUMNS)
        across, away = sorted((abs(dx), abs(dy)))
        assert across <= (style.EVENT_GRID_COLUMNS - 1) / 2 * style.EVENT_SLOT_PX + 1e-9
        assert 17 <= away <= 17 + max(rows - 1, style.EVENT_GRID_COLUMNS - 1) * style.EVENT_SLOT_PX
        assert math.hypot(dx, dy) <= 90, (index, dx, dy)


@pytest.mark.parametrize("map_px", [(2600, 1500), (1300, 750)])
def test_in_an_image_a_crowded_place_s_symbols_lie_on_land_clear_of_the_other_places(dataset, map_px) -> None:
    """Pyongyang's 18 ran south into Korea Bay, under the place: at an image's scale each grid takes the side with the
    most land, clear of the other places and their grids (rkmap/render/layer_parts.py grid_sides)."""
    from rkmap.core.projection import world_lonlat_array, world_xy_array
    from rkmap.render._screen_path import frame_zoom
    from rkmap.render.basemap import on_land
    from rkmap.render.view import REGIONS

    world_px = 512 * 2 ** frame_zoom(REGIONS["route"], *map_px)
    events = dataset.events[dataset.events["place_id"].notna()]
    offsets = slot_offsets(events, world_px)
    x, y = world_xy_array(events["lon"].to_numpy(float), events["lat"].to_numpy(float))
    dx, dy = np.array([offsets[i] for i in events.index]).T
    cell_x, cell_y = x * world_px + dx, y * world_px + dy
    centre_x, centre_y = x * world_px, y * world_px
    for place in ("pyongyang", "vladivostok"):
        own = (events["place_id"] == place).to_numpy()
        assert own.sum() > style.EVENT_GRID_COLUMNS, place
        land = on_land(*world_lonlat_array(cell_x[own] / world_px, cell_y[own] / world_px))
        under = on_land(*world_lonlat_array(cell_x[own] / world_px, (centre_y[own] + np.abs(dy[own])) / world_px))  # the same grid under it
        assert land.mean() >= 0.75 and land.sum() >= under.sum(), (place, land.mean(), under.mean())
        # No cell of its grid within a slot of another place's symbol or of a symbol of another place's grid.
        others = ~own & ~events["is_area"].astype(bool).to_numpy()
        near = style.EVENT_SLOT_PX * 0.9
        for px, py in zip(cell_x[own], cell_y[own]):
            for ox, oy in ((centre_x[others], centre_y[others]), (cell_x[others], cell_y[others])):
                assert not ((np.abs(ox - px) < near) & (np.abs(oy - py) < near)).any(), (place, map_px)
    assert slot_offsets(events) == {i: [o[0], o[1]] for i, o in slot_offsets(events, None).items()}
    assert all(o[1] >= 17 for o in slot_offsets(events).values()), "the app's grids stay under their place"


def test_rgba_refuses_a_colour_in_0_to_1() -> None:
    """AREA_INK was 0-1 floats; rgba() divided them by 255 again and the outlines came out near-black."""
    from rkmap.render._mpl import rgba

    with pytest.raises(ValueError, match="0-255"):
        rgba((0.30, 0.32, 0.36))  # type: ignore[arg-type]
    assert rgba(style.AREA_INK, 0.5) == pytest.approx((*(c / 255 for c in style.AREA_INK), 0.5))
    # Every colour of the style is a 0-255 integer triple.
    for name in dir(style):
        value = getattr(style, name)
        if name.isupper() and isinstance(value, tuple) and len(value) == 3 and all(isinstance(c, (int, float)) for c in value) and name not in ("DASH_CONTESTED",):
            if any(isinstance(c, float) for c in value):
                continue  # a dash pattern or similar, not a colour
            rgba(value)


def test_the_exported_area_outline_is_the_area_ink_not_near_black(dataset) -> None:
    import matplotlib as mpl

    from rkmap.render import _mpl
    from rkmap.render.image import ExportOptions, build_figure

    with mpl.rc_context(_mpl.rc_params("en")):
        fig = build_figure(dataset, MapView(as_of=date(2024, 11, 13), region="route"), ExportOptions(dpi=40).validated())
    hatched = [c for c in fig.axes[0].collections if (c.get_gid() or "").startswith(("area-outline-", "area-hatch-"))]
    assert hatched
    for lines in hatched:
        r, g, b, a = lines.get_color()[0]
        assert np.allclose((r, g, b), [c / 255 for c in style.AREA_INK], atol=0.01), (r, g, b)
        assert max(r, g, b) > 0.2, "near-black: a 0-1 colour divided by 255 again"


# --- the inset goes where it hides nothing (#24)
INSET_DATES = ("2001-08-04", "2018-09-18", "2023-09-13", "2023-10-13", "2024-06-19", "2025-06-26")


@pytest.mark.parametrize("region", FRAMES)
@pytest.mark.parametrize("size", ["slide", "a4"])
def test_the_inset_hides_no_symbol_and_no_route_line(dataset, region: str, size: str) -> None:
    import matplotlib as mpl

    from rkmap.render import _mpl
    from rkmap.render.image import INSET_TITLE_H, ExportOptions, build_figure
    from rkmap.render.labels import segment_hits_box

    insets = 0
    for day in INSET_DATES:
        view = MapView(as_of=date.fromisoformat(day), region=region)
        with mpl.rc_context(_mpl.rc_params("en")):
            fig = build_figure(dataset, view, ExportOptions(size=size, dpi=60).validated())
        drawing = fig.briefing_labels[0]
        if drawing.inset is None:
            continue
        insets += 1
        dpi = fig.dpi
        ix, iy, iw, ih = drawing.inset
        box = (ix * dpi, iy * dpi, (ix + iw) * dpi, (iy + ih + INSET_TITLE_H) * dpi)
        for symbol in drawing.symbols:
            w = min(symbol[2], box[2]) - max(symbol[0], box[0])
            h = min(symbol[3], box[3]) - max(symbol[1], box[1])
            assert not (w > 0.5 and h > 0.5), (region, size, day, "symbol", symbol, box)
        for line in drawing.lines:
            points = np.asarray(line, dtype=float)
            for a, b in zip(points[:-1], points[1:]):
                assert not segment_hits_box((*a, *b), box), (region, size, day, "route line", a, b, box)
    if region == "route":
        assert insets, "the whole-route frame has an inset"


# --- the app's labels: placed in Python by the exports' placer, at each zoom it sends (#24)
@pytest.mark.parametrize("region", FRAMES)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_app_label_placements_keep_the_label_rule(dataset, region: str, lang: str) -> None:
    """No label over another label, a place or event symbol (any date) or a route line, at every zoom sent."""
    from rkmap.core.projection import world_xy as mercator
    from rkmap.render.deck import AREA_LABEL_PX, PLACE_LABEL_PX, label_box_size, label_placements, route_records, wrapped_label
    from rkmap.render.labels import conflicts
    from rkmap.render.view import localized, region_of

    view = MapView(as_of=date(2024, 11, 13), region=region, lang=lang)
    size = MapSize()
    zooms, placed = label_placements(dataset, view, size)
    from rkmap.render.deck import LABEL_ZOOM_STEPS

    assert len(zooms) == len(LABEL_ZOOM_STEPS) and zooms == sorted(zooms) and zooms[-1] - zooms[LABEL_ZOOM_STEPS.index(0)] == pytest.approx(4, abs=0.01)
    places = dataset.places[~dataset.places["is_area"].astype(bool)].set_index("id")
    _, _, area_labels = area_records(dataset, view, size)
    area_by_id = {r["id"]: r for r in area_labels}
    offsets = slot_offsets(dataset.events)
    routes = [r["path"] for r in route_records(dataset, view, size)]
    frame = region_of(region, dataset)
    cx = (mercator(frame.west, frame.north)[0] + mercator(frame.east, frame.south)[0]) / 2
    cy = (mercator(frame.west, frame.north)[1] + mercator(frame.east, frame.south)[1]) / 2
    shown_any = 0
    for k, zoom in enumerate(zooms):
        scale = 512 * 2**zoom
        at = lambda lon, lat: ((mercator(lon, lat)[0] - cx) * scale, (mercator(lon, lat)[1] - cy) * scale)  # noqa: B023 - called within this iteration
        labels = []
        for (layer, ident), corners in placed.items():
            if corners[k] is None:
                continue
            if layer == "place":
                row = places.loc[ident]
                text, px, anchor = localized(row, "name", lang), PLACE_LABEL_PX, at(float(row["lon"]), float(row["lat"]))
            else:
                record = area_by_id[ident]
                text, px, anchor = record["name"], AREA_LABEL_PX, at(*record["position"])
            if len(corners[k]) % 2 == 1 and corners[k][-1] == 1:  # drawn on two lines
                text = wrapped_label(str(text))
            w, h = label_box_size(str(text), px)
            x0, y0 = anchor[0] + corners[k][0], anchor[1] + corners[k][1]
            labels.append((x0, y0, x0 + w, y0 + h))
        if LABEL_ZOOM_STEPS[k] == 0:  # inside the map at the frame's zoom
            for box in labels:
                assert -size.width / 2 - 0.5 <= box[0] and box[2] <= size.width / 2 + 0.5 and -size.height / 2 - 0.5 <= box[1] and box[3] <= size.height / 2 + 0.5, box
        half, e_half = style.PLACE_SIZE_PX / 2, style.EVENT_SIZE_PX / 2
        symbols = [(x - half, y - half, x + half, y + half) for x, y in (at(float(p["lon"]), float(p["lat"])) for _, p in places.iterrows())]
        for index, event in dataset.events.iterrows():
            x, y = at(float(event["lon"]), float(event["lat"]))
            dx, dy = offsets[index]
            symbols.append((x + dx - e_half, y + dy - e_half, x + dx + e_half, y + dy + e_half))
        lines = [np.array([at(lon, lat) for lon, lat in path]) for path in routes if len(path) >= 2]
        assert conflicts(labels, symbols, lines) == [], (region, lang, zoom)
        shown_any += len(labels)
    assert shown_any >= 10
    # Zoomed in, every label in the frame finds its spot.
    assert sum(c[-1] is not None for c in placed.values()) >= sum(c[0] is not None for c in placed.values())


# --- many events on one country (a large data set): the outline is not repeated per event
def test_outline_copies_are_bounded_and_exact_while_the_list_is_short() -> None:
    from rkmap.render.deck import AREA_EXACT_MORE, AREA_LIST_ROWS, _outline_copies

    exact = AREA_LIST_ROWS + AREA_EXACT_MORE
    assert _outline_copies(0) == []
    assert _outline_copies(5) == [1, 2, 3, 4, 5]
    assert _outline_copies(exact) == list(range(1, exact + 1))
    copies = _outline_copies(100_000)
    assert copies[:exact] == list(range(1, exact + 1)) and copies == sorted(set(copies))
    assert len(copies) < exact + 20 and copies[-1] <= 100_000


def test_an_area_with_many_events_keeps_few_outlines_and_never_overcounts(dataset) -> None:
    """A country with 500 events: a few dozen outline copies, each counting at most the events open by its day."""
    from dataclasses import replace

    import pandas as pd

    from rkmap.render.deck import AREA_LIST_ROWS

    vague = _vague(dataset)
    first = vague.iloc[0]
    many = pd.concat([first.to_frame().T] * 500, ignore_index=True)
    many["id"] = [f"bulk-{i:03d}" for i in range(500)]
    many["t_start"] = many["t_public"] = [int(first["t_start"]) + i for i in range(500)]
    events = pd.concat([dataset.events, many], ignore_index=True).astype(dataset.events.dtypes.to_dict())
    bulk = replace(dataset, events=events)
    view = MapView(as_of=date(2024, 11, 13), region="route", lang="en")
    outlines, _, _ = area_records(bulk, view)
    area = [r for r in outlines if r["id"] in set(many["id"]) | set(vague[vague["place_id"] == first["place_id"]]["id"])]
    rings = len({json.dumps(r["path"]) for r in area})
    assert len(area) <= 40 * rings, len(area)
    group = events[events["place_id"] == first["place_id"]]
    for record in area:
        tooltip = record["tooltip"].split("\n")
        opened = int((group["t_start"] <= record["t_start"]).sum())
        if "at least" in tooltip[-1] or "more event" in tooltip[-1]:
            stated = int("".join(ch for ch in tooltip[-1] if ch.isdigit()))
            assert AREA_LIST_ROWS + stated <= opened, (record["id"], tooltip[-1], opened)
    assert any("at least" in r["tooltip"] for r in area)


def test_an_exported_area_list_counts_every_event_when_a_large_dataset_merges_symbols(dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above style.LARGE_EVENT_COUNT the image draws identical symbols once; the area's list still counts each event."""
    from dataclasses import replace

    import pandas as pd

    from rkmap.render import image
    from rkmap.render.image import ExportOptions

    vague = _vague(dataset)
    first = vague.iloc[0]
    n = style.LARGE_EVENT_COUNT + 100
    many = pd.concat([first.to_frame().T] * n, ignore_index=True)  # same place, kind and status: one symbol
    many["id"] = [f"bulk-{i:05d}" for i in range(n)]
    events = pd.concat([dataset.events, many], ignore_index=True).astype(dataset.events.dtypes.to_dict())
    bulk = replace(dataset, events=events)
    listed: dict[str, int] = {}
    draw = image._draw_vague_places

    def counting(fig, ax, shown, drawing, lang):
        listed.update(shown.groupby("place_id").size().to_dict())
        return draw(fig, ax, shown, drawing, lang)

    monkeypatch.setattr(image, "_draw_vague_places", counting)
    image.render(bulk, MapView(as_of=date(2025, 6, 1), region="route"), ExportOptions(size="slide", fmt="png"))
    same_place = int((events["place_id"] == first["place_id"]).sum())
    assert listed[first["place_id"]] == same_place, (listed, same_place)


def test_the_app_hatches_an_analysts_country_level_events_as_the_shipped_areas(dataset) -> None:
    """An analyst's event known only to Russia is drawn on Russia's shipped outline, hatched in the analyst's
    colour and tagged as theirs; one known only to a country without a shipped outline, as a hatched circle."""
    from rkmap.data.user_data import LoadOptions, load_user_file, with_user_data

    csv = (b"id,date,title,lat,lon,location_precision,source\n"
           b"r1,2023-10-13,Somewhere in Russia,61.5,105.3,country,Notes\n"
           b"m1,2023-10-14,Somewhere in Mongolia,46.8,103.8,country,Notes\n")
    data = load_user_file("mine.csv", csv, frozenset(dataset.places["id"]), LoadOptions(source="mine.csv"))
    merged = with_user_data(dataset, [data])
    spec = json.loads(build_deck(merged, MapView(as_of=date(2023, 10, 20))).to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert not [layer for layer in spec["layers"] if layer["@@type"] == "ScatterplotLayer" and "area" in layer["id"]], "no circle layer"
    mine, shipped = layers["user-event-areas"], layers["event-areas"]
    assert mine["@@type"] == "SvgPathLayer" and layers["user-event-area-hatch"]["data"]
    assert json.loads(mine["getColor"].removeprefix("@@="))[:3] == list(style.USER_COLOUR)
    from rkmap.render.static_data import read_published

    russia_rings = {json.dumps(r["path"]) for r in read_published(shipped["data"]) if "Russia" in r["tooltip"]}
    in_russia = {json.dumps(r["path"]) for r in mine["data"] if r["id"] == "user1:r1"}
    assert in_russia and in_russia <= russia_rings, "on Russia's own outline"
    assert all(r["tooltip"].startswith("Your data:") for r in mine["data"])
    circle = [np.asarray(r["path"]) for r in mine["data"] if r["id"] == "user1:m1"]
    assert len(circle) == 1 and len(circle[0]) > 12 and np.allclose(circle[0].mean(axis=0), (103.8, 46.8), atol=1.0), "Mongolia: a circle round its point"
