"""Route lines thinned to what the interactive map can show at its frame.

Software WebGL (SwiftShader, what analysts without a GPU and our benchmark
get) pays per path segment: the 1,331-vertex rail leg cost about 35 ms of GPU
time per frame and path layer, most of a slider step (bench/README.md,
"Where a step's time goes"). The map's frames show far less detail than that,
so each line is thinned (Douglas-Peucker on original vertices) to an error of
half a pixel at the chosen frame's zoom, and outside the frame's surroundings
to half a pixel at the widest frame's zoom. Measured on the rail leg: 1,331
vertices become 209 in the whole-route frame, 359 in the Far East frame; a
slider step took about 50 ms less (see bench/README.md). Zooming in by hand
doubles the error per zoom level; exports and data downloads keep every vertex.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely

from rkmap.core.projection import world_xy
from rkmap.render.view import REGIONS, Region

TILE_PX = 512  # deck.gl's world is 512 px wide at zoom 0
MAX_ERROR_PX = 0.5
SURROUNDINGS = 0.5  # the frame's box grown by this share of its size on each side


def frame_zoom(region: Region, width_px: int, height_px: int) -> float:
    """The zoom at which ``region``'s box just fits a ``width_px`` × ``height_px`` map."""
    x0, y0 = world_xy(region.west, region.south)
    x1, y1 = world_xy(region.east, region.north)
    return min(math.log2(width_px / ((x1 - x0) * TILE_PX)), math.log2(height_px / (abs(y0 - y1) * TILE_PX)))


def screen_path(path: Sequence[Sequence[float]], region_key: str | Region, width_px: int, height_px: int) -> list[tuple[float, float]]:
    """``path`` (lon, lat vertices) thinned for the map framed on ``region_key`` (a key or a region); a subset of its vertices, in order.

    A key that names no fixed frame (the user's data frame, given as its key) thins nothing.
    """
    region = REGIONS.get(region_key) if isinstance(region_key, str) else region_key
    if len(path) < 3 or region is None:
        return [(x, y) for x, y in path]
    fine = _tolerance(frame_zoom(region, width_px, height_px))
    coarse = _tolerance(min(frame_zoom(r, width_px, height_px) for r in [*REGIONS.values(), region]))
    inside = _near_frame(path, region)
    projected = np.array([(*world_xy(x, y), i) for i, (x, y) in enumerate(path)])
    kept: set[int] = set()
    for start, end in _runs(inside):
        run = shapely.simplify(shapely.LineString(projected[start : end + 1]), fine if inside[end] else coarse, preserve_topology=False)
        kept.update(int(z) for _, _, z in run.coords)
    return [(path[i][0], path[i][1]) for i in sorted(kept)]


def _tolerance(zoom: float) -> float:
    return MAX_ERROR_PX / (TILE_PX * 2**zoom)


def _near_frame(path: Sequence[Sequence[float]], region: Region) -> list[bool]:
    grow_x = (region.east - region.west) * SURROUNDINGS
    grow_y = (region.north - region.south) * SURROUNDINGS
    return [
        region.west - grow_x <= x <= region.east + grow_x and region.south - grow_y <= y <= region.north + grow_y for x, y in path
    ]


def _runs(inside: list[bool]) -> list[tuple[int, int]]:
    """Index ranges of vertices on one side of the frame's edge; neighbouring runs share a vertex.

    A run [s, e] holds the segments s..e, all of whose far ends lie on the side of ``inside[e]``.
    """
    changes = [i for i in range(1, len(inside)) if inside[i] != inside[i - 1]]
    bounds = [0, *(c - 1 for c in changes), len(inside) - 1]
    return [(s, e) for s, e in zip(bounds, bounds[1:]) if e > s]
