"""Places known only to a country in the exports: the app's hatch, in every frame (#24).

The exports once hatched with matplotlib's "//" pattern, not the app's lines, and
the Far East export left Russia unhatched because Russia's usual point (100°E
60°N) lies outside that frame. Now the hatch lines are rkmap/render/areas.py's,
at the app's pixel size on the page (an app pixel is ``PX`` points), in
rkmap/core/style.py's ink, width and opacity, and an area is in a frame when its
outline is. Measured on the drawn segments.
"""

from __future__ import annotations

import math
from datetime import date

import matplotlib as mpl
import numpy as np
import pytest
import shapely
from matplotlib.collections import LineCollection
from shapely.geometry import Point

from rkmap.core import style
from rkmap.core.projection import inverse_mercator
from rkmap.render import _mpl
from rkmap.render._mpl import PX
from rkmap.render.areas import area_outlines
from rkmap.render.image import ExportOptions, build_figure
from rkmap.render.view import MapView

DAY = date(2024, 11, 13)  # Russia and North Korea both have events known only to the country by then
DPI = 72


def _figure(dataset, region: str, lang: str = "en", size: str = "slide"):
    with mpl.rc_context(_mpl.rc_params(lang)):
        fig = build_figure(dataset, MapView(as_of=DAY, region=region, lang=lang), ExportOptions(size=size, dpi=DPI).validated())
        fig.canvas.draw()
    return fig


@pytest.mark.parametrize("size", ["slide", "a4"])
@pytest.mark.parametrize("region", ["route", "far_east", "rajin_dunai"])
def test_every_frame_hatches_the_countries_with_the_apps_lines(dataset, region: str, size: str) -> None:
    fig = _figure(dataset, region, size=size)
    assert not fig.findobj(lambda a: hasattr(a, "get_hatch") and bool(a.get_hatch())), "a matplotlib hatch pattern"
    main = fig.axes[0]
    hatches = {c.get_gid(): c for c in main.collections if isinstance(c, LineCollection) and (c.get_gid() or "").startswith("area-hatch-")}
    outlines = {c.get_gid(): c for c in main.collections if isinstance(c, LineCollection) and (c.get_gid() or "").startswith("area-outline-")}
    assert {"area-hatch-russia", "area-hatch-north_korea"} <= set(hatches), (region, sorted(hatches))
    spacing = style.AREA_HATCH_PX * PX / 72 * fig.dpi  # display pixels between lines
    shapes = area_outlines()
    for gid, lines in hatches.items():
        country = gid.removeprefix("area-hatch-")
        assert np.allclose(lines.get_color()[0], (*(c / 255 for c in style.AREA_INK), style.AREA_HATCH_ALPHA), atol=0.01), gid
        assert lines.get_linewidth()[0] == pytest.approx(style.AREA_HATCH_WIDTH_PX * PX)
        segments = [main.transData.transform(s) for s in lines.get_segments()]
        assert segments, gid
        offsets = []
        for seg in segments:
            (x0, y0), (x1, y1) = seg[0], seg[-1]
            if math.hypot(x1 - x0, y1 - y0) < 3:
                continue  # too short to have a measurable slope
            assert abs(abs(x1 - x0) - abs(y1 - y0)) <= 0.03 * abs(x1 - x0) + 0.6 and (x1 - x0) * (y1 - y0) > 0, (gid, "not rising at 45°")
            offsets.append((x0 - y0) / math.sqrt(2))
        ordered = np.sort(offsets)
        # Pieces of one grid line (a line cut by a bay) differ by a rounding error: one line.
        grid = ordered[np.r_[True, np.diff(ordered) > 1.0]] if len(ordered) else ordered
        steps = np.diff(grid)
        if len(steps):
            assert steps.min() == pytest.approx(spacing, rel=0.03), (gid, steps.min(), spacing)
            assert np.allclose(steps / spacing, np.round(steps / spacing), atol=0.05), gid  # one fixed grid
        if country in shapes:
            area = shapely.make_valid(shapes[country]).buffer(0.25)
            to_data = main.transData.inverted()
            for seg in segments[:: max(1, len(segments) // 30)]:
                mx, my = to_data.transform((seg[0] + seg[-1]) / 2)
                assert area.covers(Point(*inverse_mercator(mx, my))), (gid, "hatch outside its country")
        outline = outlines[f"area-outline-{country}"]
        assert np.allclose(outline.get_color()[0][3], style.AREA_OUTLINE_ALPHA, atol=0.01)
        offset, dashes = outline.get_linestyle()[0]
        width = outline.get_linewidth()[0]
        assert width == pytest.approx(style.AREA_OUTLINE_WIDTH_PX * PX)
        assert np.allclose(np.asarray(dashes) / width, style.AREA_OUTLINE_DASH), dashes


# --- the analyst's events known only to a country: on the country's outline, listed with the shipped ones
USER_CSV = """id,date,title,lat,lon,location_precision,place_name,source
u1,2023-10-01,Analyst note: shells moved by rail somewhere in Russia,61.0,95.0,country,Russia,note A
u2,2023-10-05,Analyst note: officers reported in the country,40.0,127.0,country,North Korea,note B
u3,2023-10-08,Analyst note: a convoy somewhere in Mongolia,47.0,104.0,country,Mongolia,note C
"""


@pytest.mark.parametrize("region", ["route", "far_east", "user"])
def test_the_analysts_country_events_are_drawn_on_the_country_and_listed(dataset, region: str) -> None:
    from matplotlib.patches import Circle
    from matplotlib.text import Text

    from rkmap.data.user_data import load_user_file, with_user_data

    data = with_user_data(dataset, [load_user_file("mine.csv", USER_CSV.encode(), set(dataset.places["id"]))])
    with mpl.rc_context(_mpl.rc_params("en")):
        fig = build_figure(data, MapView(as_of=date(2023, 10, 13), region=region), ExportOptions(dpi=DPI).validated())
        fig.canvas.draw()
    main = fig.axes[0]
    assert not [p for p in main.patches if isinstance(p, Circle)], "a circle stands for a country"
    gids = {c.get_gid() for c in main.collections}
    assert {"area-hatch-russia", "area-hatch-north_korea"} <= gids, sorted(g for g in gids if g)
    # Mongolia has no shipped outline: its circle, hatched with the same lines (the user colour).
    mongolia = [c for c in main.collections if (c.get_gid() or "").startswith("area-hatch-user")]
    assert len(mongolia) == 1 and np.allclose(mongolia[0].get_color()[0][:3], [c / 255 for c in style.USER_COLOUR], atol=0.01)
    # Each list box's lines, top to bottom: the country's list holds the analyst's event under the shipped name.
    texts = [a for a in main.findobj(Text) if a.get_text()]
    names = {a.get_text(): a for a in texts}
    for country, title in (("Russia", "shells moved by rail"), ("North Korea", "officers reported")):
        header = names[f"{country} (location not known more precisely)"]
        row = next(a for a in texts if title in a.get_text())
        hx, hy = header.get_position()
        rx, ry = row.get_position()
        assert 0 < hy - ry < 1.5 and abs(rx - hx) < 0.3, (country, (hx, hy), (rx, ry))  # inches: in the same box, below its name


@pytest.mark.parametrize("region", ["far_east", "rajin_dunai"])
def test_an_area_list_is_placed_beside_its_area_when_its_usual_point_is_off_the_map(dataset, region: str) -> None:
    """Russia's usual point (100°E 60°N) is off these maps: its list goes beside a point of Russia, not the map's corner (in China)."""
    fig = _figure(dataset, region)
    main = fig.axes[0]
    drawing = fig.briefing_labels[0]
    assert "russia" in drawing.list_anchors, sorted(drawing.list_anchors)
    for area, anchor in drawing.list_anchors.items():
        if area in area_outlines():
            lon, lat = inverse_mercator(*main.transData.inverted().transform(anchor))
            assert shapely.make_valid(area_outlines()[area]).buffer(0.1).covers(Point(lon, lat)), (region, area, (lon, lat))


@pytest.mark.parametrize(("lang", "count_text"), [("en", "3 events here"), ("ja", "出来事3件")])
def test_an_area_list_with_no_room_for_a_row_says_how_many_events_not_and_more(lang: str, count_text: str) -> None:
    """The list's last form is its name alone: "… and 3 more events" would follow nothing (seen in an MP4 frame)."""
    import pandas as pd

    from rkmap.render.image import AREA_LIST_FORMS, _area_list_forms

    group = pd.DataFrame({"id": ["a", "b", "c"], "start": pd.to_datetime(["2000-07-19", "2020-01-01", "2023-08-01"]), "title_en": ["A", "B", "C"], "title_ja": ["あ", "い", "う"]})
    group["end"] = group["start"]
    group["date_precision"] = "day"
    forms = _area_list_forms(group, "North Korea", lang)
    rows, texts, _, _ = forms[len(AREA_LIST_FORMS) - 1]
    assert len(rows) == 0 and len(texts) == 1 and count_text in texts[0] and "…" not in texts[0]
    rows, texts, _, _ = forms[len(AREA_LIST_FORMS) - 2]  # one row shown: the rest is "… and 2 more"
    assert len(rows) == 1 and texts[-1].startswith("…")
