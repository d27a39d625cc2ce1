"""Outlines of the countries that events known only to a country are drawn on: static/basemap/areas.geojson.

Derived offline from the shipped basemap (no download): the land polygons
(Natural Earth 1:10m, GSHHG near Korea) cut along the Natural Earth admin-0
boundary lines, each border line extended a little so that it reaches the
coast; a country is the union of the pieces that hold its known points (the
places of the dataset, and islands such as Sakhalin). The feature ``id`` is
the place id of ``geodata/places.csv`` (``russia``, ``north_korea``).

    python scripts/build_areas.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from shapely.geometry import LineString, Point, mapping, shape
from shapely.ops import unary_union

BASEMAP = Path(__file__).resolve().parent.parent / "static" / "basemap"
# Points known to lie in each country (lon, lat): the pieces holding them make the outline.
COUNTRIES = {
    "russia": [(37.62, 55.75), (131.87, 43.11), (137.01, 50.55), (107.6, 51.83), (40.12, 45.85), (100.0, 60.0), (142.7, 50.7), (20.5, 54.7), (55.0, 73.0)],
    "north_korea": [(125.75, 39.03)],
}
SIMPLIFY_DEG = 0.01


def _extended(line: LineString, by: float = 0.05) -> LineString:
    coords = list(line.coords)

    def out(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float]:
        dx, dy = a[0] - b[0], a[1] - b[1]
        n = math.hypot(dx, dy) or 1.0
        return (a[0] + dx / n * by, a[1] + dy / n * by)

    return LineString([out(coords[0], coords[1]), *coords, out(coords[-1], coords[-2])])


def build() -> dict[str, object]:
    land = unary_union([shape(f["geometry"]) for f in json.loads((BASEMAP / "land.geojson").read_text())["features"]])
    lines = []
    for feature in json.loads((BASEMAP / "borders.geojson").read_text())["features"]:
        geom = shape(feature["geometry"])
        lines += [_extended(g) for g in getattr(geom, "geoms", [geom])]
    pieces = land.difference(unary_union(lines).buffer(0.0005))
    features = []
    for place_id, points in COUNTRIES.items():
        chosen = [p for p in pieces.geoms if any(p.contains(Point(xy)) for xy in points)]
        outline = unary_union(chosen).buffer(0.0005).simplify(SIMPLIFY_DEG, preserve_topology=True)
        geometry = json.loads(json.dumps(mapping(outline)), parse_float=lambda v: round(float(v), 3))
        features.append({"type": "Feature", "id": place_id, "properties": {"id": place_id, "pieces": len(chosen)}, "geometry": geometry})
    return {"type": "FeatureCollection", "note": "Derived by scripts/build_areas.py from land.geojson and borders.geojson (Natural Earth, GSHHG)", "features": features}


if __name__ == "__main__":
    out = BASEMAP / "areas.geojson"
    out.write_text(json.dumps(build(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
