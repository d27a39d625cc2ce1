"""The offline basemap files: vector (exports) and pre-rendered rasters (the interactive map)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from rkmap.core.paths import STATIC_DIR
from rkmap.core.projection import MAX_LAT

WORLD_BOUNDS = (-180.0, -MAX_LAT, 180.0, MAX_LAT)  # Web Mercator's range: the world raster covers it

# Streamlit serves ./static at /app/static/ (server.enableStaticServing).
STATIC_URL = "app/static"


@dataclass(frozen=True)
class Raster:
    file: str
    bounds: tuple[float, float, float, float]  # west, south, east, north (lon/lat)
    width: int  # pixels; the height follows from the Web Mercator aspect
    border_px: float
    # Reduced copies, halving down to this width: the browser decodes every pixel of the
    # image it shows, and the whole overview at the widest frame is ~1000 px on screen.
    smallest: int

    def levels(self) -> list[tuple[int, str]]:
        """(width, file) of each copy, smallest first; the last is ``file`` itself."""
        widths = []
        width = self.width
        while width >= self.smallest:
            widths.append(width)
            width //= 2
        stem = self.file.removesuffix(".png")
        return [(w, self.file if w == self.width else f"{stem}-{w}.png") for w in reversed(widths)]


# Within 8192 px: the limit of software WebGL when these were textures, kept
# since (a larger file costs more to fetch and decode). Borders are drawn thick
# enough to survive the downsampling at the frames that show them.
RASTERS: dict[str, Raster] = {
    # The whole world under the detailed rasters: no hard edge or flat sea where a frame, a pan or a
    # zoom-out reaches past them (Western Europe, Chukotka, an analyst's data elsewhere).
    "world": Raster("basemap/world.png", WORLD_BOUNDS, 2048, 1.5, smallest=512),  # decoded 16 MB at most
    "overview": Raster("basemap/overview.png", (10.0, 10.0, 175.0, 78.0), 8192, 3.0, smallest=1024),
    "fareast": Raster("basemap/fareast.png", (121.0, 36.5, 141.5, 54.5), 4096, 2.5, smallest=512),
}


@cache  # the same on every rerun: made once
def basemap_images() -> list[dict[str, object]]:
    """The interactive map's basemap, bottom first: each raster's lon/lat bounds and copies.

    The browser shows them as images under the deck.gl canvas, placed from the
    map's viewport (rkmap/app/deck_map.js), rather than as textured layers: a slider
    step then redraws only the data layers, and the first frame compiles no
    texture shader and uploads no 280 MB of textures in software WebGL.
    The rasters are Web Mercator, so an image stretched between its projected
    corners is exact on a north-up map (the map does not rotate or tilt).
    Of each raster's copies (``levels``, smallest first) the browser loads the
    smallest as wide as the image is on screen: the whole of the largest is
    ~280 MB decoded, and 0.3-0.4 s of a first visit's CPU on two cores.
    """
    return [
        {"name": name, "bounds": list(r.bounds), "levels": [{"width": w, "url": static_url(f)} for w, f in r.levels()]}
        for name, r in RASTERS.items()
    ]


def static_path(relative: str) -> Path:
    return STATIC_DIR / relative


def static_url(relative: str) -> str:
    return f"{STATIC_URL}/{relative}"


@cache
def land_polygons() -> tuple[object, ...]:
    """The basemap's land polygons (static/basemap/land.geojson, Natural Earth), exteriors anticlockwise, read once:
    the exports draw them and :func:`on_land` tests points against them.

    Read whole by GEOS (shapely.from_geojson) and oriented in one call: 0.07 s here, against 0.11 s for
    building each polygon from parsed JSON; the same polygons, vertex for vertex.
    """
    import shapely

    collection = shapely.from_geojson(static_path("basemap/land.geojson").read_text(encoding="utf-8"))
    return tuple(shapely.orient_polygons(np.asarray(collection.geoms), exterior_cw=False))


@cache
def _land_tree() -> object:
    import shapely

    return shapely.STRtree(list(land_polygons()))


def on_land(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point (lon/lat degrees) lies on the basemap's land."""
    import shapely

    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    found = np.zeros(len(points), dtype=bool)
    if len(points):
        found[_land_tree().query(points, predicate="within")[0]] = True  # type: ignore[attr-defined]
    return found
