"""The app's labels at the map's real sizes (#24): a label placed in Python is one the browser can show.

The browser fits the frame's box to its map's real size, chooses the set of
placements made for a map most like its own (rkmap/app/html_labels.js
``placementChoice``) and draws that set's last zoom level at or below its zoom
(``placementIndex``), hiding a label whose box the map's edge would cut. Zoom
levels above the frame's were once placed with no edge, so on a wall screen
Tikhoretsk's label went left of its square, past the map's edge, and was hidden;
placed for the default 850×620 map only, Komsomolsk-on-Amur went unlabelled on
a 2560×1440 screen (its map 1415×1161 px). The map's heights are those measured
in Chromium (441, 721 and 1161 px for windows of 1280×720, 1600×1000 and
2560×1440); its width is about two thirds of the window, less with the sidebar
open: a few widths are tried.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from rkmap.core import style
from rkmap.core.projection import world_xy
from rkmap.render._screen_path import frame_zoom
from rkmap.render.deck import (
    APP_MAP_SIZES,
    AREA_LABEL_PX,
    PLACE_LABEL_PX,
    LabelSets,
    MapSize,
    _area_records,
    label_box_size,
    label_sets,
    route_records,
    wrapped_label,
)
from rkmap.render.labels import conflicts
from rkmap.render.layer_parts import slot_offsets
from rkmap.render.view import MapView, Region, localized

WINDOWS = ((1280, 441), (1600, 721), (2560, 1161))  # window width, map height
WIDTH_SHARES = (0.5, 0.55, 0.6, 0.667)
FRAMES = ("route", "far_east", "rajin_dunai")


def placement_index(zooms: list[float], zoom: float) -> int:
    """rkmap/app/html_labels.js placementIndex: the last level at or below the view's zoom, else the first."""
    index = 0 if zooms else -1
    for k, z in enumerate(zooms):
        if z <= zoom + 1e-6:
            index = k
    return index


def placement_choice(sets: LabelSets, width: float, height: float, zoom: float) -> tuple[int, int]:
    """rkmap/app/html_labels.js placementChoice: (set, level) drawn in a width × height map at ``zoom``."""
    fit = frame_zoom(sets.frame, width, height)
    ranked = []
    for index, (size, zooms) in enumerate(zip(sets.sizes, sets.zooms)):
        base = frame_zoom(sets.frame, size.width, size.height)
        level = placement_index(zooms, zoom)
        below = zooms[level] <= zoom + 1e-6
        scale = 2 ** (fit - base)
        overflow = max(0, size.width * scale - width, size.height * scale - height)
        room = size.width * size.height * 4 ** (zooms[level] - base)
        rank = (0 if below else 1, overflow if overflow > 1 else 0, -room if below else zooms[level])
        ranked.append((rank, index, level))
    _, index, level = min(ranked)  # ties: the first, as the browser's strict comparison
    return index, level


class Screen:
    """The browser's pixels (y down, from the map's top-left corner) of a map of ``width`` × ``height`` fitted to ``frame``, at ``zoom``."""

    def __init__(self, frame: Region, width: float, height: float, zoom: float) -> None:
        self.width, self.height, self.scale = width, height, 512 * 2**zoom
        self.cx = (world_xy(frame.west, frame.north)[0] + world_xy(frame.east, frame.south)[0]) / 2
        self.cy = (world_xy(frame.west, frame.north)[1] + world_xy(frame.east, frame.south)[1]) / 2

    def at(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = world_xy(lon, lat)
        return (x - self.cx) * self.scale + self.width / 2, (y - self.cy) * self.scale + self.height / 2

    def inside(self, box: tuple[float, float, float, float]) -> bool:
        return box[0] >= 0 and box[1] >= 0 and box[2] <= self.width and box[3] <= self.height


def drawn_obstacles(dataset, screen: Screen, routes: list, others=None) -> tuple[list[tuple[float, ...]], list[np.ndarray]]:
    """What the labels keep clear of on ``screen``: every place and event symbol (any date, events at their slots) and the route lines;
    with ``others`` (an analyst's rows drawn beside ``dataset``), their symbols too, at their own size."""
    symbols = []
    for part, place_px, event_px in ((dataset, style.PLACE_SIZE_PX, style.EVENT_SIZE_PX), (others, style.USER_PLACE_SIZE_PX, style.USER_EVENT_SIZE_PX)):
        if part is None:
            continue
        places = part.places[~part.places["is_area"].astype(bool)]
        offsets = slot_offsets(part.events)
        half, e_half = place_px / 2, event_px / 2
        symbols += [(x - half, y - half, x + half, y + half) for x, y in (screen.at(lon, lat) for lon, lat in zip(places["lon"], places["lat"]))]
        for row, (lon, lat) in zip(part.events.index, zip(part.events["lon"], part.events["lat"])):
            (x, y), (dx, dy) = screen.at(lon, lat), offsets[row]
            symbols.append((x + dx - e_half, y + dy - e_half, x + dx + e_half, y + dy + e_half))
    return symbols, [np.array([screen.at(lon, lat) for lon, lat in path]) for path in routes if len(path) >= 2]


def drawn_labels(dataset, view: MapView, sets: LabelSets, screen: Screen, index: int, level: int) -> dict[tuple[str, str], tuple[float, ...]]:
    """The boxes of the labels set ``index`` places at ``level``, on ``screen``, by label key."""
    places = dataset.places.set_index("id")
    areas = {record["id"]: record for record in _area_records(dataset, view)[2]}
    boxes = {}
    for (layer, ident), corners in sets.placed.items():
        corner = corners[index][level]
        if corner is None:
            continue
        if layer == "place":
            row = places.loc[ident]
            (lon, lat), text, px = (float(row["lon"]), float(row["lat"])), localized(row, "name", view.lang), PLACE_LABEL_PX
        else:
            record = areas[ident]
            (lon, lat), text, px = record["position"], record["name"], AREA_LABEL_PX
        x, y = screen.at(lon, lat)
        if len(corner) % 2 == 1 and corner[-1] == 1:  # drawn on two lines
            text = wrapped_label(str(text))
            assert text is not None, (layer, ident, "placed on two lines without a space to break at")
        w, h = label_box_size(str(text), px)
        boxes[(layer, ident)] = (x + corner[0], y + corner[1], x + corner[0] + w, y + corner[1] + h)
    return boxes


@pytest.mark.parametrize("clock", ["event", "public"])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", FRAMES)
def test_every_placed_label_is_inside_the_map_at_its_real_sizes(dataset, region: str, lang: str, clock: str) -> None:
    view = MapView(as_of=date(2023, 9, 13), region=region, lang=lang, clock=clock)
    sets = label_sets(dataset, view)
    for window, height in WINDOWS:
        for share in WIDTH_SHARES:
            width = round(window * share)
            zoom = frame_zoom(sets.frame, width, height)
            screen = Screen(sets.frame, width, height, zoom)
            boxes = drawn_labels(dataset, view, sets, screen, *placement_choice(sets, width, height, zoom))
            assert [key for key, box in boxes.items() if not screen.inside(box)] == [], ((width, height), zoom, "placed where the map's edge hides it")
            if region == "route":
                assert ("place", "tikhoretsk") in boxes, ((width, height), zoom, "Tikhoretsk's rail hub unlabelled")


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", FRAMES)
def test_at_each_real_size_the_chosen_labels_keep_the_label_rule_inside_the_map(dataset, region: str, lang: str) -> None:
    """At each of the map's measured sizes: every drawn label inside the map, none over another label, a place or
    event symbol (any date) or a route line as drawn; Komsomolsk-on-Amur labelled on the whole route at 2560×1440."""
    view = MapView(as_of=date(2024, 11, 13), region=region, lang=lang)
    sets = label_sets(dataset, view)
    routes = [r["path"] for r in route_records(dataset, view, MapSize())]  # the lines the map draws
    for size in APP_MAP_SIZES:
        zoom = frame_zoom(sets.frame, size.width, size.height)
        screen = Screen(sets.frame, size.width, size.height, zoom)
        index, level = placement_choice(sets, size.width, size.height, zoom)
        assert sets.sizes[index] == size and sets.zooms[index][level] == pytest.approx(zoom, abs=1e-3), "a measured size draws its own set"
        boxes = drawn_labels(dataset, view, sets, screen, index, level)
        assert len(boxes) >= 2, (size, boxes)
        assert [key for key, box in boxes.items() if not screen.inside(box)] == [], (size, "past the map's edge")
        symbols, lines = drawn_obstacles(dataset, screen, routes)
        assert conflicts(list(boxes.values()), symbols, lines) == [], (region, lang, size)
        if region == "route" and size == MapSize(1415, 1161):
            assert ("place", "komsomolsk") in boxes, "Komsomolsk-on-Amur unlabelled on a 2560×1440 screen"


def test_the_frame_own_box_fits_any_map_and_is_chosen_where_no_measured_size_does(dataset) -> None:
    """The last set, the frame's own box, lies inside a map of any shape: a narrow window's map (far east at 1600×1200) draws it."""
    sets = label_sets(dataset, MapView(as_of=date(2024, 11, 13), region="far_east"))
    frame = sets.sizes[-1]
    x0, y0 = world_xy(sets.frame.west, sets.frame.south)
    x1, y1 = world_xy(sets.frame.east, sets.frame.north)
    assert math.isclose(frame.width / frame.height, (x1 - x0) / abs(y0 - y1), rel_tol=0.01)
    width, height = 764, 921  # a 1600×1200 window: taller than any measured size
    index, _ = placement_choice(sets, width, height, frame_zoom(sets.frame, width, height))
    assert index == len(sets.sizes) - 1


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_capital_and_spaceport_keep_their_names_with_a_leader_where_their_events_crowd_them(dataset, lang: str) -> None:
    """On the whole route at 1600 px wide (the default view of a common screen) Pyongyang's and Vostochny's
    symbols are ringed by their events: their labels lie a little further out, within three font sizes, and
    the browser draws a leader from the symbol's edge to the label's box (the placement's four numbers after
    the corner), or they stay beside it on two lines."""
    view = MapView(as_of=date(2023, 10, 13), region="route", lang=lang)
    sets = label_sets(dataset, view)
    for size in (MapSize(764, 621), MapSize(764, 721)):
        zoom = frame_zoom(sets.frame, size.width, size.height)
        screen = Screen(sets.frame, size.width, size.height, zoom)
        index, level = placement_choice(sets, size.width, size.height, zoom)
        boxes = drawn_labels(dataset, view, sets, screen, index, level)
        assert {("place", "pyongyang"), ("place", "vostochny")} <= set(boxes), (size, sorted(boxes))
        for key, box in boxes.items():
            corner = sets.placed[key][index][level]
            corner = corner[:-1] if len(corner) % 2 else corner  # without the two-line flag
            if len(corner) == 2:
                continue
            sx, sy, ex, ey = corner[2:6]
            x0, y0 = box[0] - corner[0], box[1] - corner[1]  # the place, on screen
            start, end = (x0 + sx, y0 + sy), (x0 + ex, y0 + ey)
            assert math.hypot(sx, sy) == pytest.approx(style.PLACE_SIZE_PX / 2, abs=0.2), (key, "a leader starts at its symbol's edge")
            assert box[0] - 0.2 <= end[0] <= box[2] + 0.2 and box[1] - 0.2 <= end[1] <= box[3] + 0.2, (key, "a leader ends at its label")
            assert math.hypot(end[0] - start[0], end[1] - start[1]) <= 3 * PLACE_LABEL_PX + 1, key
