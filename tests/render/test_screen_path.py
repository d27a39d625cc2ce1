"""Route lines thinned for the interactive map stay within half a pixel of the full line."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import shapely

from rkmap.core.projection import world_xy as mercator
from rkmap.render._screen_path import MAX_ERROR_PX, TILE_PX, frame_zoom, screen_path
from rkmap.render.deck import MapSize, route_records
from rkmap.render.view import REGIONS, MapView, leg_parts

SIZE = MapSize()


def _rail(dataset) -> list[tuple[float, float]]:
    leg = dataset.route_legs.set_index("id").loc["rail"]
    return leg_parts(leg)[1]


def _error_px(full: list[tuple[float, float]], thin: list[tuple[float, float]], zoom: float, keep: callable = lambda p: True) -> float:
    """Largest distance, in screen pixels at ``zoom``, of a kept full-line vertex from the thinned line."""
    line = shapely.LineString([mercator(x, y) for x, y in thin])
    scale = TILE_PX * 2**zoom
    return max(line.distance(shapely.Point(mercator(x, y))) * scale for x, y in full if keep((x, y)))


@pytest.mark.parametrize("region", list(REGIONS))
def test_thinned_rail_line_is_a_subset_within_half_a_pixel_in_frame(dataset, region: str) -> None:
    full = _rail(dataset)
    thin = screen_path(full, region, SIZE.width, SIZE.height)
    assert thin[0] == full[0] and thin[-1] == full[-1]
    positions = [full.index(p) for p in thin]
    assert positions == sorted(positions), "vertices stay in order"
    r = REGIONS[region]
    in_frame = lambda p: r.west <= p[0] <= r.east and r.south <= p[1] <= r.north
    zoom = frame_zoom(r, SIZE.width, SIZE.height)
    assert _error_px(full, thin, zoom, in_frame) <= MAX_ERROR_PX + 1e-9
    # Anywhere, within half a pixel at the widest frame (what a zoomed-out or panned map shows).
    widest = min(frame_zoom(x, SIZE.width, SIZE.height) for x in REGIONS.values())
    assert _error_px(full, thin, widest) <= MAX_ERROR_PX + 1e-9


def test_thinning_cuts_the_segments_a_software_renderer_pays_for(dataset) -> None:
    full = _rail(dataset)
    counts = {region: len(screen_path(full, region, SIZE.width, SIZE.height)) for region in REGIONS}
    assert len(full) > 1000
    assert counts["route"] < len(full) / 4
    # The closer frame keeps more detail where it looks.
    assert counts["far_east"] > counts["route"]


def test_short_and_straight_lines_are_left_alone() -> None:
    assert screen_path([(130.0, 42.0), (131.0, 43.0)], "route", 850, 620) == [(130.0, 42.0), (131.0, 43.0)]
    wiggle = [(130 + i / 100, 42 + 0.3 * math.sin(i / 3)) for i in range(300)]
    assert len(screen_path(wiggle, "rajin_dunai", 850, 620)) > 50  # a curve at this scale keeps its shape


def test_route_records_follow_the_frame(dataset) -> None:
    day = dt.date(2023, 10, 13)
    by_region = {
        region: {r["id"]: r["path"] for r in route_records(dataset, MapView(as_of=day, region=region)) if not r["schematic"]} for region in REGIONS
    }
    assert len(by_region["far_east"]["rail"]) > len(by_region["route"]["rail"])
    assert by_region["route"]["sea"] == [tuple(p) for p in _sea(dataset)]


def _sea(dataset) -> list[tuple[float, float]]:
    return leg_parts(dataset.route_legs.set_index("id").loc["sea"])[1]


def test_runs_share_their_boundary_vertex() -> None:
    from rkmap.render._screen_path import _runs

    assert _runs([False, False, True, True, False]) == [(0, 1), (1, 3), (3, 4)]
    assert _runs([True, False]) == [(0, 1)]
    assert _runs([True, True, True]) == [(0, 2)]
    assert np.all(np.diff([s for s, _ in _runs([False, True, False, True])]) > 0)
