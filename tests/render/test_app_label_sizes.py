"""The app's labels at the map's real sizes (#24): a label placed in Python is one the browser can show.

The browser fits the frame's box to its map's real size and draws the placements
of the last zoom level at or below its zoom (rkmap/app/html_labels.js
``placementIndex``), hiding a label whose box the map's edge would cut. Zoom
levels above the frame's were placed with no edge, so on a wall screen
Tikhoretsk's label went left of its square, past the map's edge, and was hidden.
The map's heights are those measured in Chromium (441, 721 and 1161 px for
windows of 1280×720, 1600×1000 and 2560×1440); its width is about two thirds of
the window, less with the sidebar open: a few widths are tried.
"""

from __future__ import annotations

from datetime import date

import pytest

from rkmap.core.projection import world_xy
from rkmap.render._screen_path import frame_zoom
from rkmap.render.deck import AREA_LABEL_PX, PLACE_LABEL_PX, _area_records, label_box_size, label_placements
from rkmap.render.view import MapView, localized, region_of

WINDOWS = ((1280, 441), (1600, 721), (2560, 1161))  # window width, map height
WIDTH_SHARES = (0.5, 0.55, 0.6, 0.667)


def placement_index(zooms: list[float], zoom: float) -> int:
    """rkmap/app/html_labels.js placementIndex: the last level at or below the view's zoom, else the first."""
    index = 0 if zooms else -1
    for k, z in enumerate(zooms):
        if z <= zoom + 1e-6:
            index = k
    return index


@pytest.mark.parametrize("clock", ["event", "public"])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", ["route", "far_east", "rajin_dunai"])
def test_every_placed_label_is_inside_the_map_at_its_real_sizes(dataset, region: str, lang: str, clock: str) -> None:
    view = MapView(as_of=date(2023, 9, 13), region=region, lang=lang, clock=clock)
    zooms, placed = label_placements(dataset, view)
    frame = region_of(region, dataset)
    places = dataset.places.set_index("id")
    areas = {record["id"]: record for record in _area_records(dataset, view)[2]}
    cx = (world_xy(frame.west, frame.north)[0] + world_xy(frame.east, frame.south)[0]) / 2
    cy = (world_xy(frame.west, frame.north)[1] + world_xy(frame.east, frame.south)[1]) / 2
    for window, height in WINDOWS:
        for share in WIDTH_SHARES:
            width = round(window * share)
            zoom = frame_zoom(frame, width, height)
            k = placement_index(zooms, zoom)
            scale = 512 * 2**zoom
            shown = set()
            for (layer, ident), corners in placed.items():
                if layer == "place":
                    row = places.loc[ident]
                    lon, lat, text, px = float(row["lon"]), float(row["lat"]), localized(row, "name", lang), PLACE_LABEL_PX
                else:
                    record = areas[ident]
                    (lon, lat), text, px = record["position"], record["name"], AREA_LABEL_PX
                x, y = world_xy(lon, lat)
                sx, sy = (x - cx) * scale + width / 2, (y - cy) * scale + height / 2  # the browser's pixels, y down
                if corners[k] is None or not (0 <= sx <= width and 0 <= sy <= height):
                    continue
                w, h = label_box_size(str(text), px)
                x0, y0 = sx + corners[k][0], sy + corners[k][1]
                assert x0 >= 0 and y0 >= 0 and x0 + w <= width and y0 + h <= height, (ident, (width, height), zoom, "placed where the map's edge hides it")
                shown.add(ident)
            if region == "route":
                assert "tikhoretsk" in shown, ((width, height), zoom, "Tikhoretsk's rail hub unlabelled")
