"""An upload past the inline layer's size is drawn from the columnar channel (rkmap/app/user_channel.py, issue #27).

The file: a few thousand events of the analyst's own on empty land in the whole-route
frame, dated 2015-2020, plus one probe event by itself whose title is a deck.gl
expression. Checked: the user symbols paint (canvas pixels of the user colour); the
columns are fetched once, from the channel, whatever the slider does; a step to the
first day takes them off and one back brings them; a click on the probe opens it in the
detail panel with its title as text.
"""

from __future__ import annotations

import contextlib
import re
import time

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools.browser import wait_canvas_change, wait_canvas_stable
from rkmap.app.user_channel import ROUTE
from rkmap.core import style

from .test_hostile_text import _NEAR, detail_text, screen_point
from .test_map_in_browser import FIRST_DAY, LAST_DAY, SLIDER_THUMB, open_map, wait_caption_date, wait_idle
from .test_workflows_in_browser import SIDEBAR, load_uploads, open_expander

pytestmark = pytest.mark.browser

ROWS = style.LARGE_EVENT_COUNT + 1_000
PROBE = ("ul-probe", "@@=constructor UL probe", 112.0, 61.0)  # id, title, lon, lat: apart from the cluster

# Pixels of the user colour (style.USER_COLOUR, 214/0/140) on the map's canvas; no shipped colour is near it.
USER_PIXELS_JS = """
() => {
  const canvas = document.querySelector('#deckgl-overlay');
  if (!canvas || canvas.width < 10) return -1;
  const copy = Object.assign(document.createElement('canvas'), {width: canvas.width, height: canvas.height});
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0);
  const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && d[i] > 150 && d[i + 1] < 70 && d[i + 2] > 90) n++;
  return n;
}
"""


# Pixels of the "happening now" halo's colour (style.EMPHASIS, 255/196/0) inside a box of the page (x0, y0, x1, y1 in CSS px).
HALO_PIXELS_JS = """
([x0, y0, x1, y1]) => {
  const canvas = document.querySelector('#deckgl-overlay');
  const rect = canvas.getBoundingClientRect();
  const sx = canvas.width / rect.width, sy = canvas.height / rect.height;
  const copy = Object.assign(document.createElement('canvas'), {width: canvas.width, height: canvas.height});
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0);
  const left = Math.max(0, Math.floor((x0 - rect.x) * sx)), top = Math.max(0, Math.floor((y0 - rect.y) * sy));
  const width = Math.min(canvas.width, Math.ceil((x1 - rect.x) * sx)) - left, height = Math.min(canvas.height, Math.ceil((y1 - rect.y) * sy)) - top;
  const d = ctx.getImageData(left, top, width, height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && d[i] > 200 && d[i + 1] > 140 && d[i + 1] < 230 && d[i + 2] < 90) n++;
  return n;
}
"""


def _csv() -> bytes:
    rng = np.random.default_rng(27)
    days = rng.integers(0, 6 * 365, ROWS - 1)
    lons = rng.uniform(92, 104, ROWS - 1)
    lats = rng.uniform(52, 57, ROWS - 1)
    lines = ["id,date,title,kind,lat,lon,source"]
    base = np.datetime64("2015-01-01")
    for i in range(ROWS - 1):
        lines.append(f"ul-{i},{base + int(days[i])},UL event {i},report,{lats[i]:.4f},{lons[i]:.4f},UL notes")
    ident, title, lon, lat = PROBE
    lines.append(f"{ident},2016-01-01,{title},report,{lat},{lon},UL notes")
    return ("\n".join(lines) + "\n").encode()


def _wait_user_pixels(page, predicate, what: str, timeout_s: float = 60) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        n = page.evaluate(USER_PIXELS_JS)
        if predicate(n):
            return n
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: {n} user-coloured pixels after {timeout_s:.0f} s")
        time.sleep(0.25)


def test_many_own_events_come_once_from_the_channel_paint_follow_the_slider_and_pick(page, app_url, timing) -> None:
    fetched: list[tuple[str, int]] = []
    page.on("response", lambda r: fetched.append((r.url, r.status)) if f"{ROUTE}/" in r.url else None)
    before, _ = open_map(page, f"{app_url}/?date={LAST_DAY}")
    assert page.evaluate(USER_PIXELS_JS) < 20, "user-coloured pixels before any upload"

    panel = open_expander(page, "Your data", within=SIDEBAR)
    start = time.monotonic()
    panel.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "many-events.csv", "mimeType": "text/csv", "buffer": _csv()}]
    )
    load_uploads(page, panel)
    panel.get_by_text(f"{ROWS} rows loaded").wait_for(timeout=60_000)
    wait_idle(page)
    painted = _wait_user_pixels(page, lambda n: n > 2_000, "the user symbols did not paint")
    timing(f"upload of {ROWS:,} events: file set to user symbols painted", time.monotonic() - start)
    at_end = wait_canvas_stable(page)
    columns = [url for url, _ in fetched if "/row/" not in url]
    # The events' columns, then their halo under the view's clock and emphasis: each once.
    assert len(columns) == 2 and columns[1] == f"{columns[0]}/halo/event/30" and all(status == 200 for _, status in fetched), fetched

    # A step to the first day (before every user event) takes them off; back to the end brings them back.
    thumb = page.locator(SLIDER_THUMB)
    thumb.focus()
    page.keyboard.press("Home")
    wait_caption_date(page, FIRST_DAY)
    wait_canvas_change(page, at_end)
    _wait_user_pixels(page, lambda n: 0 <= n < 20, "the user symbols stayed at the first day")
    thumb.focus()
    page.keyboard.press("End")
    wait_caption_date(page, LAST_DAY)
    again = _wait_user_pixels(page, lambda n: n > 2_000, "the user symbols did not come back at the last day")
    assert abs(again - painted) <= painted * 0.05, (painted, again)
    wait_idle(page)
    assert [url for url, _ in fetched if "/row/" not in url] == columns, "a step or rerun fetched the columns or the halo again"

    # The probe, alone on the map: a click opens it (its id comes from the channel's row) with its title as text.
    # A hollow symbol (an unconfirmed claim) picks on its outline: try around the point until one opens it.
    x, y = screen_point(page, PROBE[2], PROBE[3], region="route")
    opened = re.compile(r"event=user1(%3A|:)ul-probe")
    for dx, dy in _NEAR:
        page.mouse.click(x + dx, y + dy)
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_url(opened, timeout=3_000)
            break
    assert opened.search(page.url), f"no click around the probe opened it: {page.url}"
    wait_idle(page)
    # The title shown as text (the panel's Markdown breaks a leading "@@" with zero-width spaces).
    assert PROBE[1] in detail_text(page).replace("\u200b", "")
    assert any("/row/en/" in url and status == 200 for url, status in fetched), fetched


def test_many_own_events_have_their_happening_now_halo_from_the_channel(page, app_url) -> None:
    """Mid-2017 a few dozen of the upload's one-day events are within the 30 days of "happening now": the halo
    (fetched from the channel once the events are in) rings them; at the last day, years after them, it is off."""
    fetched: list[str] = []
    page.on("response", lambda r: fetched.append(r.url) if "/halo/" in r.url and r.status == 200 else None)
    open_map(page, f"{app_url}/?date=2017-06-01")
    panel = open_expander(page, "Your data", within=SIDEBAR)
    panel.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "many-events.csv", "mimeType": "text/csv", "buffer": _csv()}]
    )
    load_uploads(page, panel)
    panel.get_by_text(f"{ROWS} rows loaded").wait_for(timeout=60_000)
    wait_idle(page)
    _wait_user_pixels(page, lambda n: n > 200, "the user symbols did not paint")
    x0, y0 = screen_point(page, 92.0, 57.0, region="route")
    x1, y1 = screen_point(page, 104.0, 52.0, region="route")
    cluster = [x0 - 10, y0 - 10, x1 + 10, y1 + 10]
    deadline = time.monotonic() + 60
    # Most of each ring lies under the thousands of symbols shown by then (the halo is drawn beneath them).
    while (ringed := page.evaluate(HALO_PIXELS_JS, cluster)) < 60 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert ringed >= 60, f"{ringed} halo pixels over the upload's events mid-2017"
    assert len(fetched) == 1 and fetched[0].endswith("/halo/event/30"), fetched
    thumb = page.locator(SLIDER_THUMB)
    thumb.focus()
    page.keyboard.press("End")
    wait_caption_date(page, LAST_DAY)
    wait_idle(page)
    wait_canvas_stable(page)
    assert page.evaluate(HALO_PIXELS_JS, cluster) < 20, "the halo stayed on years after the upload's events"
