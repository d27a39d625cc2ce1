"""Story mode in a real Chromium: each step redraws the map and opens the step's event."""

from __future__ import annotations

import re
import time

import pytest

from devtools.browser import wait_canvas_change, wait_canvas_stable
from rkmap.data import load_dataset
from rkmap.data.story import load_story

from .test_map_in_browser import MAIN, SLIDER_THUMB, open_map, wait_idle

pytestmark = pytest.mark.browser


def _steps():
    dataset, _ = load_dataset()
    steps, _ = load_story(dataset)
    titles = {row["id"]: row["title_en"] for _, row in dataset.events.iterrows()}
    titles |= {f"leg:{row['id']}": row["title_en"] for _, row in dataset.route_legs.iterrows()}
    return steps, lambda item: titles[item.partition(":")[2]] if item.startswith("event:") else titles[item]


def test_story_steps_move_the_map_and_open_the_event(page, app_url, timing) -> None:
    steps, title_of = _steps()
    before, _ = open_map(page, f"{app_url}/?date=2023-10-13")
    bar = page.locator(f'{MAIN} [class*="st-key-story_bar"]')
    start = time.monotonic()
    page.get_by_role("button", name="▶ Story").click()
    hashes = [before]
    for index in range(3):
        if index:
            page.get_by_role("button", name="Next ›").click()
        step = steps[index]
        bar.get_by_text(f"Step {index + 1} of {len(steps)}").wait_for(timeout=30_000)
        wait_idle(page)
        # The step's date, the map redrawn (date and frame), the step's caption and event.
        assert page.locator(SLIDER_THUMB).get_attribute("aria-valuetext") == step.as_of.isoformat()
        wait_canvas_change(page, hashes[-1])
        hashes.append(wait_canvas_stable(page))
        assert bar.get_by_text(step.caption_en[:40]).count() == 1, bar.inner_text()
        heading = page.locator(MAIN).get_by_role("heading", name=re.compile(re.escape(title_of(step.item))))
        heading.first.wait_for(timeout=30_000)
        assert f"event={step.item.partition(':')[2]}" in page.url or f"item={step.item}" in page.url, page.url
    timing("story: start and two Next steps, each to a changed canvas", time.monotonic() - start)
    assert len(set(hashes)) == len(hashes), f"a step left the map as it was: {hashes}"

    # The presenter zooms in; the next step and the way back re-frame the map
    # even though the frame (region) stays the same.
    assert steps[2].region == steps[3].region
    framed = hashes[-1]
    box = page.locator("#deckgl-overlay").bounding_box()
    # Zoom about a point clear of symbols (north-east China at this frame): deck.gl can keep the
    # hover highlight of a symbol that passed under the pointer while zooming (see the closing note).
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    for _ in range(4):
        page.mouse.wheel(0, -300)
        time.sleep(0.2)
    page.mouse.move(5, 5)
    wait_canvas_change(page, framed)
    zoomed = wait_canvas_stable(page)
    page.get_by_role("button", name="Next ›").click()
    bar.get_by_text(f"Step 4 of {len(steps)}").wait_for(timeout=30_000)
    wait_idle(page)
    wait_canvas_change(page, zoomed)
    wait_canvas_stable(page)
    page.get_by_role("button", name="‹ Previous").click()
    bar.get_by_text(f"Step 3 of {len(steps)}").wait_for(timeout=30_000)
    wait_idle(page)
    time.sleep(0.5)
    assert wait_canvas_stable(page) == framed, "going back to step 3 after zooming did not re-frame the map"

    # Exit returns to the view before the story.
    page.get_by_role("button", name="Exit").click()
    page.get_by_role("button", name="▶ Story").wait_for(timeout=30_000)
    wait_idle(page)
    wait_canvas_change(page, hashes[-1])
    assert wait_canvas_stable(page) == before, "Exit did not bring the map back to the view before the story"
