"""Analysts' real files through the "Your data" panel in a real Chromium: three formats and the mapping step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .test_map_in_browser import open_map, shown_count, wait_idle
from .test_workflows_in_browser import DAY, SIDEBAR, load_uploads, open_expander

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "user_files"


def test_three_formats_show_their_mapping_first_then_load(page, app_url) -> None:
    open_map(page, f"{app_url}/?date={DAY}")
    before = shown_count(page)
    panel = open_expander(page, "Your data", within=SIDEBAR)
    files = [
        {"name": "acled.csv", "mimeType": "text/csv", "buffer": (FIXTURES / "acled.csv").read_bytes()},
        {"name": "mymaps.kml", "mimeType": "application/vnd.google-earth.kml+xml", "buffer": (FIXTURES / "mymaps.kml").read_bytes()},
        {"name": "web_mercator.geojson", "mimeType": "application/geo+json", "buffer": (FIXTURES / "web_mercator.geojson").read_bytes()},
    ]
    panel.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files=files)
    # The mapping step comes first: each file waits, nothing of it on the map.
    pending = panel.get_by_text("Not on the map yet")
    pending.first.wait_for(timeout=90_000)
    wait_idle(page)
    assert pending.count() == 3, panel.inner_text()
    assert "rows loaded" not in panel.inner_text() and shown_count(page) == before

    # ACLED: detected, its proposed mapping in the file's own column names, the source pre-filled from the file's name.
    acled = panel.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text="detected ACLED")).first
    acled.wait_for(timeout=10_000)
    date_field = acled.locator('[data-testid="stMultiSelect"]').filter(has_text=re.compile(r"^date")).first
    assert "event_date" in date_field.inner_text()
    assert acled.get_by_label("Source of rows that name none").input_value() == "acled.csv"
    load_uploads(page, panel, files=3)
    panel.get_by_text("3 rows loaded, 2 rows left out").wait_for(timeout=60_000)  # ACLED: 5 rows in
    panel.get_by_text("6 rows loaded, 1 row left out").wait_for(timeout=30_000)  # KML: 7 placemarks, one with bad coordinates
    panel.get_by_text("2 rows loaded, 0 rows left out").wait_for(timeout=30_000)  # GeoJSON in EPSG:3857, reprojected
    wait_idle(page)
    text = panel.inner_text()
    assert "'31/04/2022'" in text  # the ACLED cell left out, quoted as written
    assert "Not on the map yet" not in text
    assert shown_count(page) > before  # the rows are on the map now (the count caption)

    # Loaded files keep their mapping step: month-first, as the analyst asks.
    acled = panel.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text="detected ACLED")).first
    if acled.locator("details").get_attribute("open") is None:
        acled.locator("summary").click()
    acled.get_by_role("radio", name=re.compile("month-first")).check(force=True)
    acled.get_by_role("button", name=re.compile("Load again with this mapping")).click()
    wait_idle(page)
    # Read month-first as the analyst asked, 24/02/2022 has no month 24: that row is now left out, quoted.
    panel.get_by_text("1 row loaded, 4 rows left out").wait_for(timeout=60_000)
    text = panel.inner_text()
    assert "is not a date read month-first" in text and "'24/02/2022'" in text
