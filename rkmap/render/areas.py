"""Places known only to a country or region, drawn as what they are: the area's outline, hatched.

A point at a country's usual centre (Russia's at 100°E 60°N) reads as a place in
central Siberia; the area itself does not. The outlines are the countries' and
the regions' (static/basemap/areas.geojson, scripts/build_areas.py: Kursk oblast,
the Russian Far East from Natural Earth admin-1); a region without a shipped
outline is a circle of its ``radius_km``. The hatch is computed here, in
screen pixels at a frame's zoom (parallel lines clipped to the area with
shapely), so the app draws the very same lines as SVG paths (rkmap/render/deck.py) and
the exports plot them (rkmap/render/image.py); the ink is rkmap/core/style.py's.
"""

from __future__ import annotations

import json
import math
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from rkmap.core import style
from rkmap.core.projection import world_lonlat_array, world_xy_array
from rkmap.render._screen_path import TILE_PX, frame_zoom
from rkmap.render.basemap import STATIC_DIR
from rkmap.render.view import Region

AREAS_FILE = STATIC_DIR / "basemap" / "areas.geojson"
EARTH_CIRCUMFERENCE_M = 40_075_016.686
SIMPLIFY_PX = 0.5  # outline error allowed at the frame's zoom
# The frame's box grown by this share of its size on each side: the map's column is
# wider than the frame's box, and a panned or zoomed-out map still shows the hatch.
AREA_SURROUNDINGS = 1.5
MIN_PIECE_PX2 = 30.0  # islands smaller than this at the frame's zoom get no outline of their own (a dot of dashes)


@cache
def _area_features() -> tuple[dict, ...]:
    if not AREAS_FILE.is_file():
        return ()
    return tuple(json.loads(AREAS_FILE.read_text(encoding="utf-8"))["features"])


@cache
def area_outlines() -> dict[str, BaseGeometry]:
    """Country and region outlines by place id (lon/lat); empty when the file is not shipped."""
    return {str(f["id"]): shapely.geometry.shape(f["geometry"]) for f in _area_features()}


@cache
def _country_ids() -> frozenset[str]:
    """The outlines that are countries' (a region's, such as the Russian Far East, lies inside one)."""
    return frozenset(str(f["id"]) for f in _area_features() if f.get("properties", {}).get("kind", "country") == "country")


def _to_px(lon: np.ndarray, lat: np.ndarray, scale: float) -> np.ndarray:
    x, y = world_xy_array(lon, lat)
    return np.column_stack([x * scale, y * scale])


def _to_lonlat(xy: np.ndarray, scale: float) -> np.ndarray:
    lon, lat = world_lonlat_array(xy[:, 0] / scale, xy[:, 1] / scale)
    return np.column_stack([np.round(lon, 5), np.round(lat, 5)])


def outline_id(place_id: str, lon: float, lat: float, country_level: bool) -> str | None:
    """The id of the shipped outline an area is drawn on: its own, or, for an event the analyst knows only to
    a country, the shipped country whose outline holds its point (drawn as the shipped ones are, not as a circle)."""
    outlines = area_outlines()
    if str(place_id) in outlines:
        return str(place_id)
    if not country_level:
        return None
    point = Point(lon, lat)
    return next((key for key, shape in outlines.items() if key in _country_ids() and shape.covers(point)), None)


def area_keys(events: pd.DataFrame, own: np.ndarray | None = None) -> pd.Series:
    """The area each event known only to a country or region is drawn on: a shipped outline's id (an
    analyst's event known only to Russia joins Russia's outline and list), else its own place; an event
    whose ``own`` flag is set (an analyst's own polygon) keeps its place. Resolved once per distinct place."""
    if events.empty:
        return pd.Series([], index=events.index, dtype=object)
    country = events.get("location_precision", pd.Series("", index=events.index)).astype(str) == "country"
    flags = np.zeros(len(events), dtype=bool) if own is None else np.asarray(own, dtype=bool)
    spots = list(zip(events["place_id"].astype(str), events["lon"].astype(float), events["lat"].astype(float), country, flags))
    found = {spot: spot[0] if spot[4] else outline_id(*spot[:4]) or spot[0] for spot in set(spots)}
    return pd.Series([found[spot] for spot in spots], index=events.index, dtype=object)


@cache
def area_outlines_world() -> dict[str, BaseGeometry]:
    """The outlines in Web Mercator world units (rkmap/core/projection.py), made valid once.

    The shipped outlines are valid (snapped to a grid by scripts/build_areas.py)
    and are only checked; one made invalid by projecting would be repaired, which
    cost about 0.2 s of CPU for Russia's when it was shipped unsnapped.
    Done here once, a frame's outline is this one scaled, not repaired again at
    each frame's zoom. The server's start-up loads it with the dataset
    (rkmap/app/server_start.py).
    """
    projected = {place_id: shapely.transform(outline, lambda c: _to_px(c[:, 0], c[:, 1], 1.0)) for place_id, outline in area_outlines().items()}
    return {place_id: outline if shapely.is_valid(outline) else shapely.make_valid(outline) for place_id, outline in projected.items()}


@lru_cache(maxsize=64)
def area_shape_px(place_id: str, lon: float, lat: float, radius_km: float, scale: float, own: BaseGeometry | None = None) -> BaseGeometry:
    """The area in screen pixels of a world ``scale`` px wide (y down): its outline (``own``, lon/lat, else the shipped one), else a circle."""
    outline = shapely.make_valid(shapely.transform(own, lambda c: _to_px(c[:, 0], c[:, 1], 1.0))) if own is not None else area_outlines_world().get(str(place_id))
    if outline is not None:
        scaled = shapely.transform(outline, lambda c: c * scale)
        return scaled if shapely.is_valid(scaled) else shapely.make_valid(scaled)
    x, y = _to_px(np.array([lon]), np.array([lat]), scale)[0]
    metres_per_px = EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / scale
    return Point(x, y).buffer(max(radius_km, 1.0) * 1000 / metres_per_px, 64)


def area_lines(place_id: str, lon: float, lat: float, radius_km: float, region: Region, width_px: int, height_px: int,
               spacing_px: float = style.AREA_HATCH_PX, own: BaseGeometry | None = None) -> tuple[list[list[tuple[float, float]]], list[list[tuple[float, float]]]]:
    """The area's outline rings and hatch segments (lon/lat paths) for a frame of ``width_px`` × ``height_px``.

    Both are cut to the frame grown by its surroundings (as the route lines are),
    so a country far larger than the frame costs only what is near it. Hatch lines
    rise to the right at 45° on screen, ``spacing_px`` apart at the frame's zoom.
    ``own``: the area's own outline (lon/lat; an analyst's polygon) instead of the shipped one.
    """
    scale, rings, hatch = area_lines_px(place_id, lon, lat, radius_km, region, width_px, height_px, spacing_px, own)
    as_path = lambda line: [tuple(map(float, p)) for p in _to_lonlat(line, scale)]
    return [as_path(r) for r in rings], [as_path(h) for h in hatch]


@lru_cache(maxsize=64)
def area_lines_px(place_id: str, lon: float, lat: float, radius_km: float, region: Region, width_px: int, height_px: int,
                  spacing_px: float = style.AREA_HATCH_PX, own: BaseGeometry | None = None,
                  surroundings: float = AREA_SURROUNDINGS) -> tuple[float, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """:func:`area_lines` in world pixels at the frame's zoom (y down): (pixels per world width, rings, hatch segments).

    The exports draw these (cached: an animation's frames share them), cut to their
    frame grown by a little ``surroundings`` only; the app, through :func:`area_lines`.
    Read-only arrays.
    """
    scale = TILE_PX * 2 ** frame_zoom(region, width_px, height_px)
    (x0, y1), (x1, y0) = (_to_px(np.array([lon_]), np.array([lat_]), scale)[0] for lon_, lat_ in ((region.west, region.south), (region.east, region.north)))
    grow_x, grow_y = (x1 - x0) * surroundings, (y1 - y0) * surroundings
    window = (x0 - grow_x, y0 - grow_y, x1 + grow_x, y1 + grow_y)
    whole = area_shape_px(place_id, lon, lat, radius_km, scale, own)
    # Clipping by a rectangle, not a general intersection: the same pieces at a small part of the cost
    # (a country's outline against a frame's box), which the first map of a page waits for.
    shape = shapely.clip_by_rect(whole, *window)
    shape = shapely.unary_union([g for g in _flat(shape) if g.geom_type == "Polygon" and g.area >= MIN_PIECE_PX2])
    if shape.is_empty:
        return scale, (), ()
    # The outline is the area's own boundary cut to the window, never the window's edge.
    pieces = [p for p in _flat(whole) if p.geom_type == "Polygon" and p.area >= MIN_PIECE_PX2]
    boundary = shapely.MultiLineString([ring for p in pieces for ring in (p.exterior, *(r for r in p.interiors if shapely.Polygon(r).area >= MIN_PIECE_PX2))])
    cut = shapely.clip_by_rect(boundary, *window).simplify(SIMPLIFY_PX)
    rings = [line for line in _flat(shapely.line_merge(cut) if cut.geom_type == "MultiLineString" else cut) if line.geom_type == "LineString" and line.length > 1.0]
    shape = shape.simplify(SIMPLIFY_PX)
    bx0, by0, bx1, by1 = shape.bounds
    step = spacing_px * math.sqrt(2)  # along x between lines x + y = c, for ``spacing_px`` between them
    first = math.floor((bx0 + by0) / step) * step  # lines on a fixed grid: the same at every date
    lines = [((c - by1, by1), (c - by0, by0)) for c in np.arange(first, bx1 + by1 + step, step)]
    hatch_geom = MultiLineString(lines).intersection(shape) if lines else None
    hatch = [part for part in _flat(hatch_geom) if part.geom_type == "LineString" and part.length > 1.0] if hatch_geom is not None else []
    frozen = lambda line: _read_only(np.asarray(line.coords, dtype=float))
    return scale, tuple(frozen(r) for r in rings), tuple(frozen(h) for h in hatch)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False  # shared through the cache
    return array


def _flat(geom: BaseGeometry) -> list[BaseGeometry]:
    """The simple parts of a geometry (collections and multi-parts opened, at any depth)."""
    if geom.is_empty:
        return []
    if hasattr(geom, "geoms"):
        return [part for g in geom.geoms for part in _flat(g)]
    return [geom]


def frame_scale(region: Region, width_px: int, height_px: int) -> float:
    """Pixels per world width at the frame's zoom (for tests and the exports)."""
    return TILE_PX * 2 ** frame_zoom(region, width_px, height_px)


__all__ = ["area_lines", "area_lines_px", "area_outlines", "area_shape_px", "frame_scale", "outline_id"]
