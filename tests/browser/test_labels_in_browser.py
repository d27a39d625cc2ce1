"""The app's place labels follow the label rule of the exports (rkmap/app/html_labels.js, rkmap/render/labels.py):
no label is drawn over another label or another place's symbol, at any frame, and at the map's real sizes
the labels placed for that size are drawn (#24: Komsomolsk-on-Amur was hidden on a 2560×1440 screen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_map_in_browser import open_map

pytestmark = pytest.mark.browser

# [text, left, top, right, bottom] of each label shown over the map.
SHOWN_LABELS_JS = """() => [...document.querySelectorAll('.deck-map-labels span')]
    .filter((s) => getComputedStyle(s).visibility !== 'hidden' && s.textContent)
    .map((s) => { const r = s.getBoundingClientRect(); return [s.textContent, r.left, r.top, r.right, r.bottom]; })"""


def assert_no_two_overlap(boxes: list[list], context: object) -> None:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[3], b[3]) - max(a[1], b[1])
            overlap_y = min(a[4], b[4]) - max(a[2], b[2])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (context, a, b)


@pytest.mark.parametrize("region", ["route", "far_east", "rajin_dunai"])
def test_shown_place_labels_never_overlap(page, app_url, region: str) -> None:
    open_map(page, f"{app_url}/?date=2023-10-13&region={region}")
    boxes = page.evaluate(SHOWN_LABELS_JS)
    assert len(boxes) >= 3, boxes
    assert_no_two_overlap(boxes, region)


@pytest.mark.parametrize(("width", "height", "region", "lang", "name"), [
    (2560, 1440, "route", "en", "Komsomolsk-on-Amur"),
    (1600, 1000, "far_east", "ja", "コムソモリスク・ナ・アムーレ"),  # geodata/places.csv
    # The smallest map (a 1280×720 window): on one line the port had no room and went unlabelled.
    (1280, 720, "rajin_dunai", "en", "Dunai port\nfacility"),
])
def test_labels_placed_for_the_map_real_size_are_shown(chromium_browser, app_url, tmp_path: Path,
                                                       width: int, height: int, region: str, lang: str, name: str) -> None:
    """The browser draws the placements made for a map of its map's shape and zoom (rkmap/render/deck.py label_sets):
    a label the exports place is shown, inside the map, and no two shown labels overlap."""
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_map(page, f"{app_url}/?date=2023-10-13&region={region}&lang={lang}")
        shown = f"() => ({SHOWN_LABELS_JS})().some(([text]) => text === {name!r})"
        page.wait_for_function(shown, timeout=30_000)  # the map re-fits itself as the page's layout settles
        # Measured in the page's own fonts: a label read while the fonts load is narrower (Japanese as
        # empty boxes) and can fit where the loaded text reaches past the map's edge.
        page.evaluate("() => document.fonts.ready.then(() => new Promise((done) => requestAnimationFrame(done)))")
        page.screenshot(path=str(tmp_path / f"labels-{width}x{height}-{region}-{lang}.png"))
        boxes = page.evaluate(SHOWN_LABELS_JS)
        canvas = page.locator(".deck-map-canvas").bounding_box()
        label = next(box for box in boxes if box[0] == name)
        assert canvas["x"] <= label[1] and label[3] <= canvas["x"] + canvas["width"], (label, canvas)
        assert canvas["y"] <= label[2] and label[4] <= canvas["y"] + canvas["height"], (label, canvas)
        assert page.get_by_text(name.replace("\n", " "), exact=True).first.is_visible()
        if "\n" in name:  # drawn on two lines, as placed (rkmap/render/deck.py wrapped_label)
            one_line = next(box for box in boxes if "\n" not in box[0])
            assert label[4] - label[2] > 1.6 * (one_line[4] - one_line[2]), (label, one_line)
        assert_no_two_overlap(boxes, (width, height, region, lang))
    finally:
        context.close()
