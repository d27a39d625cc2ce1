"""A page open across a server restart recovers (issue #26, rkmap/app/restart.py).

The server is stopped under an open page and a new one started on the same
port. Streamlit's page reconnects by itself; before the fix each slider step
then asked for a fragment the new server did not know, and the counts and the
URL stayed where they were while the map moved. Here a step after the restart
must update the count caption and the URL, and the page must say plainly that
the server restarted and what was lost.
"""

from __future__ import annotations

import time

import pytest

from devtools.browser import free_port, running_app, stop_process

from .test_map_in_browser import LAST_DAY, SLIDER_THUMB, open_map, shown_count, url_date, wait_caption_date

pytestmark = pytest.mark.browser
NOTICE = "The server restarted while this page was open"


def test_page_recovers_after_server_restart(page, timing) -> None:
    port = free_port()
    with running_app(port=port) as first:
        open_map(page, f"{first.url}/?date=2023-10-13&region=route")
        assert shown_count(page)[2] == "2023-10-13"
        assert NOTICE not in page.locator("body").inner_text()
        stop_process(first.process)
        with running_app(port=port) as second:
            restarted = time.monotonic()
            assert second.url == first.url
            # Streamlit's own reconnect: wait until the page's websocket is back (no "Connecting" status).
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=stStatusWidget]')?.innerText?.match(/connect/i)", timeout=60_000
            )
            time.sleep(2)  # the client's reconnect back-off
            thumb = page.locator(SLIDER_THUMB)
            thumb.focus()
            page.keyboard.press("Home")  # one step: the fragment's rerun request
            wait_caption_date(page, "2000-07-19", timeout_ms=60_000)
            events, legs, day = shown_count(page)
            assert day == "2000-07-19" and url_date(page) == "2000-07-19"
            page.get_by_text(NOTICE).wait_for(timeout=30_000)
            timing("restart: reconnect and step to fresh counts", time.monotonic() - restarted)
            # Further steps keep working.
            thumb.focus()
            page.keyboard.press("End")
            wait_caption_date(page, LAST_DAY, timeout_ms=60_000)
            assert url_date(page) == LAST_DAY
