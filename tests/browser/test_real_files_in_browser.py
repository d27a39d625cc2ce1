"""Analysts' real files through the "Your data" panel in a real Chromium: three formats and the mapping step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .test_map_in_browser import open_map, wait_idle
from .test_workflows_in_browser import DAY, SIDEBAR, open_expander

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "user_files"


def test_three_formats_load_and_show_their_mapping(page, app_url) -> None:
    open_map(page, f"{app_url}/?date={DAY}")
    panel = open_expander(page, "Your data", within=SIDEBAR)
    files = [
        {"name": "acled.csv", "mimeType": "text/csv", "buffer": (FIXTURES / "acled.csv").read_bytes()},
        {"name": "timemap.json", "mimeType": "application/json", "buffer": (FIXTURES / "timemap.json").read_bytes()},
        {"name": "mymaps.kml", "mimeType": "application/vnd.google-earth.kml+xml", "buffer": (FIXTURES / "mymaps.kml").read_bytes()},
    ]
    panel.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files=files)
    panel.get_by_text("3 rows loaded, 2 rows left out").wait_for(timeout=90_000)  # ACLED: 5 rows in
    panel.get_by_text("2 rows loaded, 2 rows left out").wait_for(timeout=30_000)  # TimeMap: 4 rows in
    panel.get_by_text("6 rows loaded, 1 row left out").wait_for(timeout=30_000)  # KML: 7 placemarks, one with bad coordinates
    wait_idle(page)
    text = panel.inner_text()
    assert "dates read month-first" in text  # TimeMap's 12/02/2022 is 2 December
    assert "'31/04/2022'" in text  # the ACLED cell left out, quoted as written

    # The mapping step: the detected format and the proposed column for each field, which can be changed.
    acled = panel.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text="detected ACLED")).first
    acled.wait_for(timeout=10_000)
    if acled.locator("details").get_attribute("open") is None:
        acled.locator("summary").click()
    date_field = acled.locator('[data-testid="stMultiSelect"]').filter(has_text=re.compile(r"^date")).first
    assert "event_date" in date_field.inner_text()
    source = acled.get_by_label("Source of rows that name none")
    assert source.input_value() == "acled.csv"  # pre-filled from the file's name
    acled.get_by_role("radio", name=re.compile("month-first")).check(force=True)
    acled.get_by_role("button", name=re.compile("Load again with this mapping")).click()
    wait_idle(page)
    # Read month-first as the analyst asked, 24/02/2022 has no month 24: that row is now left out, quoted.
    panel.get_by_text("1 row loaded, 4 rows left out").wait_for(timeout=60_000)
    text = panel.inner_text()
    assert "is not a date read month-first" in text and "'24/02/2022'" in text
