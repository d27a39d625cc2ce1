"""The app's place labels follow the label rule of the exports (rkmap/app/html_labels.js, rkmap/render/labels.py):
no label is drawn over another label or another place's symbol, at any frame."""

from __future__ import annotations

import pytest

from .test_map_in_browser import open_map

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("region", ["route", "far_east", "rajin_dunai"])
def test_shown_place_labels_never_overlap(page, app_url, region: str) -> None:
    open_map(page, f"{app_url}/?date=2023-10-13&region={region}")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.deck-map-labels span')]
            .filter((s) => getComputedStyle(s).visibility !== 'hidden' && s.textContent)
            .map((s) => { const r = s.getBoundingClientRect(); return [s.textContent, r.left, r.top, r.right, r.bottom]; })"""
    )
    assert len(boxes) >= 3, boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[3], b[3]) - max(a[1], b[1])
            overlap_y = min(a[4], b[4]) - max(a[2], b[2])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (region, a, b)
