"""A download must survive script runs of *other* sessions.

Streamlit 1.67's ``st.download_button(data=callable)`` makes the file only on
click and stores it as a media file that no session references; every script
run of *any* session ends with ``MediaFileManager.remove_orphaned_files()``,
which marks unreferenced downloadables on one pass and deletes them on the
next. So two runs anywhere on the server between the click's answer and the
browser's GET lost the file (404). The load test (bench/load.py) found it.
The app now hands the buttons bytes made beforehand and held by the session
(rkmap/app/_prepared.py): the file belongs to the session's current run and stays.

Here the GET of session X is held while session Y makes three slider steps; then
it is let through and must answer 200. (Before the fix this failed every time.)
"""

from __future__ import annotations

import time

import pytest

from .test_map_in_browser import FIRST_DAY, LAST_DAY, SLIDER_THUMB, wait_caption_date, wait_idle

pytestmark = pytest.mark.browser

MEDIA = "**/media/*.csv"


def _open(chromium_browser, url: str):
    context = chromium_browser.new_context(viewport={"width": 1600, "height": 1200})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(url)
    wait_idle(page, timeout_ms=90_000)
    return context, page


def test_download_survives_other_sessions_runs(chromium_browser, app_url) -> None:
    x_context, x = _open(chromium_browser, f"{app_url}/?date={LAST_DAY}")
    y_context, y = _open(chromium_browser, f"{app_url}/?date={LAST_DAY}")
    try:
        held: list = []
        statuses: dict[str, int] = {}
        downloads: list[str] = []
        x.route(MEDIA, lambda route: held.append(route))
        x.on("response", lambda r: statuses.setdefault(r.url, r.status) if "/media/" in r.url else None)
        x.on("download", lambda d: downloads.append(d.url))

        box = x.locator('[data-testid="stExpander"]').filter(has=x.locator("summary", has_text="Download what is shown (data)")).first
        box.locator("summary").click()
        box.get_by_role("button", name="Download CSV").click()
        deadline = time.monotonic() + 30
        while not held and time.monotonic() < deadline:
            x.wait_for_timeout(100)
        x.wait_for_timeout(1500)  # another media GET (the template's) may come along: hold it too
        held_urls = {route.request.url for route in held}
        assert held, "the click never fetched a /media/ file"

        # Script runs in the other session while X's GET is on its way: the browser sees a run end just
        # before the server's clean-up after it, so three runs make sure two clean-ups have finished.
        for key, day in (("Home", FIRST_DAY), ("End", LAST_DAY), ("Home", FIRST_DAY)):
            y.locator(SLIDER_THUMB).focus()
            y.keyboard.press(key)
            wait_caption_date(y, day)

        for route in held:
            route.continue_()
        x.unroute(MEDIA)
        deadline = time.monotonic() + 15
        # (Chromium reports the download at once, before its response: wait for the responses.)
        while time.monotonic() < deadline and not all(url in statuses for url in held_urls):
            x.wait_for_timeout(100)
        gone = {url: statuses[url] for url in held_urls if statuses.get(url, 0) >= 400}
        assert not gone, f"the made file was gone: {gone}"
        if not any(url in held_urls for url in downloads):
            pytest.fail(f"test setup: the download's GET was not among the held ones (held {held_urls}, downloads {downloads})")
    finally:
        x_context.close()
        y_context.close()
