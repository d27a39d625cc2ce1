"""The analyst's other workflows in a real Chromium: own data, Japanese, data download.

Each test has its own browser context (the ``page`` fixture), so its own
Streamlit session: an upload stays in that session and cannot leak into the
other tests, which share the server.
"""

from __future__ import annotations

import csv
import io
import re
import time
import warnings
from pathlib import Path

import pytest

from devtools.browser import canvas_hash, wait_canvas_change, wait_canvas_stable

from .test_map_in_browser import MAIN, open_map, shown_count, wait_idle

pytestmark = pytest.mark.browser

DAY = "2023-10-13"
SIDEBAR = '[data-testid="stSidebar"]'
# Two events of the analyst's own, on empty land in the whole-route frame, inside the data's span.
USER_CSV = (
    b"id,date,title,kind,lat,lon,source,source_quote\n"
    b"wf-depot,2023-09-20,WF test depot sighting,report,55.0,100.0,Analyst notes,Seen on imagery\n"
    b"wf-train,2023-10-02,WF test train seen,transfer,52.0,85.0,Analyst notes,Seen on imagery\n"
)


def open_expander(page, label: str, within: str = MAIN):
    box = page.locator(f'{within} [data-testid="stExpander"]').filter(has=page.locator("summary", has_text=label)).first
    box.wait_for()
    if box.locator("details").get_attribute("open") is None:
        box.locator("summary").click()
    return box


def load_uploads(page, panel, files: int | None = 1, timeout_ms: int = 60_000) -> None:
    """Press the mapping step's "Load onto the map" of each uploaded file in turn (an upload waits for it).

    ``files``: how many wait for it; None, as many as are listed once the first is.
    """
    buttons = panel.get_by_role("button", name=re.compile("Load onto the map"))
    if files is None:
        buttons.first.wait_for(timeout=timeout_ms)
        wait_idle(page, timeout_ms)
        files = buttons.count()
    for left in range(files, 0, -1):
        buttons.first.wait_for(timeout=timeout_ms)
        deadline = time.monotonic() + timeout_ms / 1000
        while buttons.count() < left and time.monotonic() < deadline:  # every upload listed before the first is pressed
            time.sleep(0.1)
        buttons.first.click()
        while buttons.count() >= left and time.monotonic() < deadline:  # this file's step is done
            time.sleep(0.1)
        assert buttons.count() < left, f"'Load onto the map' still shown for {left} files:\n{panel.inner_text()[:800]}"
        wait_idle(page, timeout_ms)


def click_download(page, button):
    """Click a (deferred) download button and return the download.

    Under heavy load a first click has been seen to give no download; one more
    click is allowed, and the button's own error message (if any) is reported.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button.wait_for()
    wait_idle(page)
    errors = []
    for attempt, timeout_ms in enumerate((30_000, 60_000)):
        try:
            with page.expect_download(timeout=timeout_ms) as info:
                button.click()
            if errors:
                warnings.warn("download needed a second click: " + "; ".join(errors), stacklevel=2)
            return info.value
        except PlaywrightTimeout:
            shown = page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts()
            errors.append(f"click {attempt + 1}: no download within {timeout_ms / 1000:.0f} s; button error {shown!r}")
            wait_idle(page)
    raise AssertionError("; ".join(errors))


def test_upload_draws_own_data_and_remove_restores_the_map(page, app_url, timing) -> None:
    before, _ = open_map(page, f"{app_url}/?date={DAY}")
    counts = shown_count(page)
    legend = page.locator(f'{MAIN} [data-testid="map-legend"]')
    assert "Your data" not in legend.inner_text()
    start = time.monotonic()

    panel = open_expander(page, "Your data", within=SIDEBAR)
    panel.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "two-events.csv", "mimeType": "text/csv", "buffer": USER_CSV}]
    )
    load_uploads(page, panel)
    panel.get_by_text("2 rows loaded, 0 rows left out").wait_for(timeout=60_000)
    wait_idle(page)
    wait_canvas_change(page, before)
    with_data = wait_canvas_stable(page)
    timing("upload of 2 events: file set to canvas change", time.monotonic() - start)

    assert with_data != before
    legend.get_by_text("Your data").wait_for(timeout=10_000)
    # The detail picker lists the user's event; choosing it shows its source.
    combo = page.locator(MAIN).get_by_role("combobox", name="Event or place")
    combo.click()
    page.keyboard.type("WF test train")
    option = page.get_by_role("option").filter(has_text="WF test train seen")
    option.first.wait_for(timeout=10_000)
    assert "2023-10-02" in option.first.inner_text()
    option.first.click()
    page.locator(MAIN).get_by_role("heading", name="WF test train seen").wait_for(timeout=30_000)
    wait_idle(page)
    assert "Analyst notes" in page.locator(MAIN).inner_text()
    assert canvas_hash(page) == with_data, "choosing the item in the picker changed the map"

    panel.get_by_role("button", name=re.compile("Remove")).click()
    panel.get_by_text("2 rows loaded").wait_for(state="detached", timeout=30_000)
    wait_idle(page)
    wait_canvas_change(page, with_data)
    assert wait_canvas_stable(page) == before, "after Remove the map differs from the map before the upload"
    assert "Your data" not in legend.inner_text()
    assert shown_count(page) == counts


def test_japanese_switch_translates_title_and_map_labels(page, app_url) -> None:
    open_map(page, f"{app_url}/?date={DAY}")
    labels = page.locator(f"{MAIN} .deck-map-labels span")  # HTML over the canvas (ui/html_labels.js)
    assert "Vladivostok" in labels.all_text_contents()
    assert page.get_by_role("heading", name="Russia–North Korea relationship map").count() == 1
    page.locator(SIDEBAR).get_by_text("日本語").click()
    page.get_by_role("heading", name="ロシア・北朝鮮関係マップ").wait_for(timeout=30_000)
    wait_idle(page)
    labels.filter(has_text="モスクワ").wait_for(timeout=30_000)  # isolated: always room for its label
    assert "Vladivostok" not in labels.all_text_contents()
    assert page.get_by_role("heading", name="Russia–North Korea relationship map").count() == 0
    assert "lang=ja" in page.url
    captions = page.locator(f'{MAIN} [data-testid="stCaptionContainer"]').all_inner_texts()
    assert any(f"{DAY}時点で" in text for text in captions), captions


def test_download_what_is_shown_as_csv_has_sourced_rows(page, app_url) -> None:
    open_map(page, f"{app_url}/?date={DAY}")
    events, legs, _ = shown_count(page)
    box = open_expander(page, "Download what is shown (data)")
    download = click_download(page, box.get_by_role("button", name="Download CSV"))
    assert download.suggested_filename == f"russia-dprk-map_{DAY}_event_en.csv", download.suggested_filename
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    layers = [row["layer"] for row in rows]
    assert layers.count("event") == events and layers.count("route") == legs, (layers, events, legs)
    assert layers.count("place") > 0
    unsourced = [row["id"] for row in rows if not row["sources"].strip()]
    assert not unsourced, f"rows without sources: {unsourced}"
    by_id = {row["id"]: row for row in rows}
    assert "vostochny-summit-2023" in by_id and by_id["vostochny-summit-2023"]["date"] == "2023-09-13"
    assert re.search(r"\w+: \S", by_id["sea"]["sources"]), by_id["sea"]["sources"]
    assert all(row["date"] <= DAY for row in rows if row["layer"] == "event")
