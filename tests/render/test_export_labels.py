"""Exported place labels stay by their own symbol (#24): measured from the laid-out boxes and the drawn leaders.

The Japanese A4 whole-route PDF once put Pyongyang's label by Komsomolsk on a
long leader, and Vostochny's under Ulan-Ude with a leader too faint to see: a
label far from its place, or nearer another place's symbol, names the wrong
place. Every placed label lies within ``LABEL_MAX_MOVE_EM`` font sizes of its
symbol's edge, nearer its own symbol than any other, and a label moved away
from its symbol has a visible leader from that symbol to it.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import matplotlib as mpl
import pytest

from rkmap.data.user_data import load_user_file, with_user_data
from rkmap.render import _mpl
from rkmap.render.image import LABEL_GAP_PT, LABEL_MAX_MOVE_EM, LEADER_WIDTH_PT, ExportOptions, build_figure
from rkmap.render.labels import RIVAL_MARGIN, conflicts, distance_to_box
from rkmap.render.view import USER_REGION, MapView

REPO = Path(__file__).resolve().parents[2]
DATES = (date(2001, 8, 4), date(2019, 4, 25), date(2023, 10, 13), date(2024, 6, 30))
FRAMES = ("route", "far_east", "rajin_dunai", USER_REGION)


@pytest.fixture(scope="module")
def with_user(dataset):
    """The shipped data, an analyst's ACLED file and places file (the user frame fits their rows; their place labels go through the placer)."""
    files = ("acled.csv", "natural_earth_places.geojson")
    users = [load_user_file(name, (REPO / "tests" / "fixtures" / "user_files" / name).read_bytes(), set(dataset.places["id"])) for name in files]
    return with_user_data(dataset, users)


def _laid_out(data, region: str, lang: str, size: str, day: date):
    with mpl.rc_context(_mpl.rc_params(lang)):
        fig = build_figure(data, MapView(as_of=day, region=region, lang=lang), ExportOptions(size=size, dpi=72).validated())
        fig.canvas.draw()
    return fig, fig.canvas.get_renderer()


@pytest.mark.parametrize("size", ["slide", "a4"])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", FRAMES)
def test_every_label_stays_by_its_own_symbol_with_a_leader_when_moved(with_user, region: str, lang: str, size: str) -> None:
    labelled = 0
    for day in DATES:
        fig, renderer = _laid_out(with_user, region, lang, size, day)
        px_per_pt = fig.dpi / 72
        for drawing in fig.briefing_labels:
            boxes = [tuple(label.get_window_extent(renderer).extents) for label in drawing.labels]
            assert conflicts(boxes, drawing.symbols, drawing.lines) == [], (region, lang, size, day)
            for k, (label, box, (x, y, clearance, font_pt)) in enumerate(zip(drawing.labels, boxes, drawing.label_anchors)):
                what = (region, lang, size, str(day), label.get_text())
                own = distance_to_box((x, y), box)
                moved = own - clearance
                # The halo (1.6 pt) lies between the placer's box and the text's: allowed for.
                assert moved <= (LABEL_MAX_MOVE_EM * font_pt + 1.6) * px_per_pt + 1, (*what, moved / px_per_pt / font_pt)
                for cx, cy in drawing.place_centres:
                    if math.hypot(cx - x, cy - y) > clearance:  # a symbol on the same spot is no rival
                        assert distance_to_box((cx, cy), box) > own - 1, (*what, "nearer another place", (cx, cy))
                if moved > (LABEL_GAP_PT + 1.6) * px_per_pt + 1:
                    # Moved: clearly nearer its own symbol than any other (the placer's box is the text's and its halo).
                    halo = 1.6 * px_per_pt
                    placed_box = (box[0] - halo, box[1] - halo, box[2] + halo, box[3] + halo)
                    for cx, cy in drawing.place_centres:
                        if math.hypot(cx - x, cy - y) > clearance:
                            assert distance_to_box((cx, cy), placed_box) > RIVAL_MARGIN * distance_to_box((x, y), placed_box) - 1, (*what, "as near another place")
                    assert k in drawing.leaders, (*what, "moved without a leader")
                    leader = drawing.leaders[k]
                    assert leader.get_visible() and leader.get_linewidth() >= LEADER_WIDTH_PT and leader.get_color()[3] >= 0.99, what
                    (sx, sy), (ex, ey) = leader.get_transform().transform(leader.get_xydata())
                    assert math.hypot(sx - x, sy - y) <= clearance + 1, (*what, "leader starts away from its symbol")
                    assert distance_to_box((ex, ey), box) <= 1.6 * px_per_pt + 1, (*what, "leader ends away from its label")
            labelled += len(boxes)
    assert labelled >= 3 * len(DATES) or region == USER_REGION, (region, lang, size)


@pytest.mark.parametrize("size", ["slide", "a4"])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", ["route", "far_east"])
def test_the_inset_names_both_ends_of_its_sea_leg(dataset, region: str, lang: str, size: str) -> None:
    """The inset is titled by the Rajin–Dunai sea leg: both its ports are named in it (Dunai's name once found no room)."""
    fig, _ = _laid_out(dataset, region, lang, size, date(2023, 10, 13))
    inset = fig.briefing_labels[-1]  # the inset is drawn after the main map
    named = {label.get_gid() for label in inset.labels}
    assert {"place-rajin", "place-dunai"} <= named, (region, lang, size, named, inset.dropped)
