"""Hostile text in the user's own data stays text in a real Chromium.

Every text field of a user file (titles, summaries, place names, source title,
URL and quote, asserted-by, quantity, even an id and a kind that fail the
checks and so are echoed in the problem list) carries script tags, image tags
with ``onerror``, images pointing outside, Markdown links and images and a
``javascript:`` URL. The files are loaded two ways: from a data folder
(``MAP_USER_DATA_DIR``, a server of its own) and through the uploader in the
sidebar (the shared server, a fresh session). Then the map's tooltips are
hovered, the item is opened in the detail panel (English and Japanese), the
panels are opened, the CSV download and the export preview are made, and:

- no dialog fired and ``window.__pwned`` was never set;
- no element carries the payload as markup (``img[src=x]``, an image from
  ``example.invalid``, an ``onerror`` or a ``javascript:`` link, a script
  mentioning ``__pwned``, any attribute containing ``__pwned``);
- every request stayed on 127.0.0.1;
- the tooltips and the detail panel show the payload as literal text.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devtools.browser import running_app

from .test_map_in_browser import MAIN, open_map, wait_idle
from .test_workflows_in_browser import load_uploads

pytestmark = pytest.mark.browser

PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<img src=http://example.invalid/p.png>",
    "[click](javascript:window.__pwned=1)",
    "javascript:window.__pwned=1",
    "**bold** ![i](http://example.invalid/i.png)",
)
HOSTILE = " | ".join(PAYLOADS)
DAY = "2023-10-13"
REGION = "route"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Where the user items sit (lon, lat): empty land, away from the shipped symbols.
CSV_EVENTS = {"hx-solid": (90.0, 50.0), "hx-hollow": (112.0, 56.0)}
GEOJSON_EVENT = ("hx-geo", (75.0, 45.0))
GEOJSON_PLACE = ("hx-place", (100.0, 42.0))
GEOJSON_ROUTE = ("hx-route", ((60.0, 40.0), (80.0, 40.0)))
EVENT_OFFSET_PX = (0.0, 17.0)  # rkmap/render/layer_parts.py slot_offsets: one event per place sits 17 px below it

# Markup the payload would become if any of it were rendered as HTML or Markdown.
MARKUP_JS = r"""
() => {
  const found = [];
  const describe = el => el.outerHTML.slice(0, 300);
  for (const el of document.querySelectorAll('img[src="x"], img[src*="example.invalid"], [onerror], a[href^="javascript:" i], [src^="javascript:" i]'))
    found.push(describe(el));
  for (const el of document.querySelectorAll('script'))
    if ((el.textContent || '').includes('__pwned')) found.push(describe(el));
  // Attributes that load or run something (text in title or aria-label is harmless).
  const active = /^(on|href$|src$|srcset$|action$|formaction$|xlink:href$|data$|poster$|background$|style$)/i;
  for (const el of document.querySelectorAll('*'))
    for (const attr of el.attributes)
      if (active.test(attr.name) && /__pwned|example\.invalid|^\s*javascript:/i.test(attr.value)) { found.push(describe(el)); break; }
  for (const el of document.querySelectorAll('b, strong'))
    if (el.textContent === 'bold') found.push(describe(el));
  return found;
}
"""
TOOLTIP_JS = """
() => {
  const tip = document.querySelector('.deck-map-tooltip');  // the map's own tooltip (rkmap/app/deck_map.js showTip)
  return tip && !tip.hidden ? tip.innerText : null;
}
"""


# --------------------------------------------------------------------------- the hostile files
def _event_row(ident: str, lon: float, lat: float, claim: str) -> dict[str, str]:
    return {
        "id": ident,
        "date": DAY,
        "title_en": f"HX-TITLE-EN {ident} {HOSTILE}",
        "title_ja": f"HX-TITLE-JA {ident} {HOSTILE}",
        "summary_en": f"HX-SUMMARY-EN {HOSTILE}",
        "summary_ja": f"HX-SUMMARY-JA {HOSTILE}",
        "kind": "meeting",
        "claim_status": claim,
        "asserted_by": f"HX-ASSERTED {HOSTILE}",
        "quantity_en": f"HX-QUANTITY {HOSTILE}",
        "lat": repr(lat),
        "lon": repr(lon),
        "place_name": f"HX-PLACE-EN {ident} {HOSTILE}",
        "place_name_ja": f"HX-PLACE-JA {ident} {HOSTILE}",
        "source": f"HX-SOURCE {HOSTILE}",
        "source_title": f"HX-SOURCE-TITLE {HOSTILE}",
        "source_url": "javascript:window.__pwned=1",
        "source_quote": f"HX-QUOTE {HOSTILE}",
    }


def hostile_csv() -> bytes:
    (solid, solid_at), (hollow, hollow_at) = CSV_EVENTS.items()
    rows = [_event_row(solid, *solid_at, "confirmed"), _event_row(hollow, *hollow_at, "asserted")]
    # Rows that fail the checks: the problem list quotes the cell that failed (ids are kept as given).
    rows.append({**rows[0], "id": PAYLOADS[1], "kind": PAYLOADS[0]})
    rows.append({**rows[0], "id": "hx-bad-date", "date": PAYLOADS[1]})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def hostile_geojson() -> bytes:
    ident, (lon, lat) = GEOJSON_EVENT
    event = {k: v for k, v in _event_row(ident, lon, lat, "confirmed").items() if k not in ("lat", "lon")}
    place_id, (plon, plat) = GEOJSON_PLACE
    route_id, line = GEOJSON_ROUTE
    source = {"source": f"HX-SOURCE {HOSTILE}", "source_url": "javascript:window.__pwned=1", "source_quote": f"HX-QUOTE {HOSTILE}"}
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"layer": "event", **event}},
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [plon, plat]},
            "properties": {"layer": "place", "id": place_id, "title": f"HX-PLACE-ROW {HOSTILE}", "title_ja": f"HX-PLACE-ROW-JA {HOSTILE}",
                           "kind": "port", "role": f"HX-ROLE {HOSTILE}", "country": f"HX-COUNTRY {HOSTILE}", **source},
        },  # fmt: skip
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in line]},
            "properties": {"layer": "route", "id": route_id, "date": "2023-10-01", "date_end": "2023-10-20", "title": f"HX-ROUTE {HOSTILE}",
                           "claim_status": "confirmed", "carrier": f"HX-CARRIER {HOSTILE}", **source},
        },  # fmt: skip
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def write_hostile_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "hostile.csv", folder / "hostile.geojson"]
    paths[0].write_bytes(hostile_csv())
    paths[1].write_bytes(hostile_geojson())
    return paths


# --------------------------------------------------------------------------- watching the page
class Watch:
    """Dialogs, requests and console errors of one page, from before its first load."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        def outside(url: str) -> bool:
            parts = urlsplit(url)
            return parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOCAL_HOSTS

        return sorted({url for url in self.requests if outside(url)})

    def assert_inert(self, where: str) -> None:
        page = self.page
        assert not self.dialogs, f"{where}: a dialog fired: {self.dialogs}"
        for frame in page.frames:
            assert frame.evaluate("() => typeof window.__pwned") == "undefined", f"{where}: window.__pwned was set in {frame.url}"
            markup = frame.evaluate(MARKUP_JS)
            assert not markup, f"{where}: the payload became markup in {frame.url}:\n" + "\n".join(markup)
        foreign = self.foreign_requests()
        assert not foreign, f"{where}: requests left 127.0.0.1:\n" + "\n".join(foreign)
        suspicious = [text for text in self.console_errors if "__pwned" in text or "example.invalid" in text]
        assert not suspicious, f"{where}: console errors mention the payload: {suspicious}"


# --------------------------------------------------------------------------- the map
def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator world coordinates at zoom 0 (512 px wide), as deck.gl's."""
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return 512 * (lon + 180) / 360, 512 * (0.5 - y / (2 * math.pi))


def screen_point(page, lon: float, lat: float, offset: tuple[float, float] = (0.0, 0.0), region: str = REGION) -> tuple[float, float]:
    """Page pixel of (lon, lat) on the map at its initial view: the region's box fitted to the map's size (rkmap/app/deck_map.js)."""
    from rkmap.render._screen_path import frame_zoom
    from rkmap.render.deck import view_state_for
    from rkmap.render.view import REGIONS

    state = view_state_for(region)
    box = page.locator("#deckgl-overlay").bounding_box()
    assert box, "no map canvas"
    scale = 2 ** frame_zoom(REGIONS[region], box["width"], box["height"])
    cx, cy = _mercator(state.longitude, state.latitude)
    x, y = _mercator(lon, lat)
    return box["x"] + box["width"] / 2 + (x - cx) * scale + offset[0], box["y"] + box["height"] / 2 + (y - cy) * scale + offset[1]


# Around the computed point: hollow symbols are picked on their outline only.
_NEAR = [(0, 0), (0, -5), (5, 0), (0, 5), (-5, 0), (4, -4), (4, 4), (-4, 4), (-4, -4), (0, -8), (8, 0), (0, 8), (-8, 0)]


def hover_tooltip(page, point: tuple[float, float], marker: str, per_try_s: float = 2.0) -> str:
    """Move over ``point`` (and, if need be, a few pixels around it) until the tooltip shows ``marker``."""
    seen: list[str] = []
    x, y = point
    for dx, dy in _NEAR:
        page.mouse.move(x + dx - 30, y + dy - 30)
        page.mouse.move(x + dx, y + dy, steps=4)
        deadline = time.monotonic() + per_try_s
        while time.monotonic() < deadline:
            text = page.evaluate(TOOLTIP_JS)
            if text and marker in text:
                return text
            time.sleep(0.1)
        if text:
            seen.append(text[:80])
    raise AssertionError(f"no tooltip with {marker!r} near {point}; tooltips seen: {seen}")


def collect_tooltips(page) -> dict[str, str]:
    """The tooltip text of every user item drawn at the day, keyed by item."""
    targets = {ident: (screen_point(page, lon, lat, EVENT_OFFSET_PX), f"HX-TITLE-EN {ident}") for ident, (lon, lat) in CSV_EVENTS.items()}
    ident, (lon, lat) = GEOJSON_EVENT
    targets[ident] = (screen_point(page, lon, lat, EVENT_OFFSET_PX), f"HX-TITLE-EN {ident}")
    ident, (lon, lat) = GEOJSON_PLACE
    targets[ident] = (screen_point(page, lon, lat), "HX-PLACE-ROW")
    ident, ((lon0, lat0), (lon1, lat1)) = GEOJSON_ROUTE
    targets[ident] = (screen_point(page, (lon0 + lon1) / 2, (lat0 + lat1) / 2), "HX-ROUTE")
    tips = {ident: hover_tooltip(page, point, marker) for ident, (point, marker) in targets.items()}
    page.mouse.move(5, 5)  # off the map
    return tips


def assert_tooltips_literal(tips: dict[str, str]) -> None:
    for ident, text in tips.items():
        flat = " ".join(text.split())
        assert HOSTILE in flat, f"tooltip of {ident} does not show the payload as text: {text!r}"
    for ident in set(tips) & {*CSV_EVENTS, GEOJSON_EVENT[0]}:
        assert f"HX-PLACE-EN {ident} {HOSTILE}" in " ".join(tips[ident].split()), tips[ident]


# --------------------------------------------------------------------------- panels
def plain(text: str) -> str:
    """Page text with the zero-width spaces that break autolinks removed, whitespace folded."""
    return " ".join(text.replace("\u200b", "").split())


def expander(page, label: str):
    return page.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text=label)).first


def open_expander(page, label: str):
    box = expander(page, label)
    box.wait_for()
    if box.locator("details").get_attribute("open") is None:
        box.locator("summary").click()
    return box


def select_item(page, title_part: str) -> None:
    """Choose the item whose label contains ``title_part`` in the "Event or place" box."""
    combo = page.locator(MAIN).get_by_role("combobox", name="Event or place")
    combo.click()
    page.keyboard.type(title_part)
    page.get_by_role("option").filter(has_text=title_part).first.click()
    # The rerun may not have begun yet: wait for the item's heading, then for the run to end.
    page.locator(MAIN).get_by_role("heading", name=re.compile(re.escape(title_part))).first.wait_for(timeout=30_000)
    wait_idle(page)


def detail_text(page) -> str:
    """Text of the side column that holds the detail panel."""
    column = page.locator(MAIN).locator('[data-testid="stColumn"]').filter(has=page.get_by_role("combobox", name=re.compile("Event or place|出来事・地点")))
    return column.last.inner_text()


def assert_detail_literal(text: str, lang: str, ident: str) -> None:
    suffix = "EN" if lang == "en" else "JA"
    flat = plain(text)
    for field in (f"HX-TITLE-{suffix} {ident}", f"HX-SUMMARY-{suffix}", f"HX-PLACE-{suffix} {ident}", "HX-SOURCE-TITLE", "HX-QUOTE", "HX-ASSERTED"):
        assert f"{field} {HOSTILE}" in flat, f"detail panel ({lang}) does not show {field!r} + payload literally:\n{flat[:3000]}"
    assert "javascript:window.__pwned=1" in flat, "the source URL is not shown as text"


def download_csv(page) -> str:
    box = open_expander(page, "Download what is shown (data)")
    with page.expect_download(timeout=60_000) as info:
        box.get_by_role("button", name="Download CSV").click()
    assert info.value.failure() is None, f"the CSV download failed: {info.value.failure()} (see test_download_race.py)"
    return Path(info.value.path()).read_text(encoding="utf-8-sig")


def export_preview(page) -> None:
    box = open_expander(page, "Export for a briefing")
    box.get_by_text("Show preview").click()
    box.locator('[data-testid="stImage"] img').wait_for(timeout=90_000)
    wait_idle(page)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-data")
    write_hostile_files(folder)
    return folder


@pytest.fixture(scope="module")
def folder_app_url(hostile_folder: Path) -> Iterator[str]:
    """A server of its own, started with MAP_USER_DATA_DIR pointing at the hostile files."""
    with running_app(env={"MAP_USER_DATA_DIR": str(hostile_folder)}) as server:
        yield server.url


# --------------------------------------------------------------------------- tests
def test_hostile_folder_data_stays_text(page, folder_app_url, timing) -> None:
    watch = Watch(page)
    start = time.monotonic()
    open_map(page, f"{folder_app_url}/?date={DAY}&region={REGION}")
    watch.assert_inert("after loading")

    tips = collect_tooltips(page)
    assert_tooltips_literal(tips)
    watch.assert_inert("after hovering the map")

    # The timeline strip names each event in an SVG <title>: the payload as text.
    ident = next(iter(CSV_EVENTS))
    page.locator(f"{MAIN} .deck-map-timeline g.event").first.wait_for()
    strip = page.locator(f"{MAIN} .deck-map-timeline g.event > title").all_text_contents()
    assert any(f"HX-TITLE-EN {ident} {HOSTILE}" in title for title in strip), strip[-5:]
    # Place labels are HTML over the map (rkmap/app/html_labels.js): a user place's name shows as text.
    labels = page.locator(f"{MAIN} .deck-map-labels span").all_text_contents()
    assert f"HX-PLACE-ROW {HOSTILE}" in labels, labels

    # The problem list of the folder file quotes the rejected kind and date cells as text.
    user_box = open_expander(page, "Your data")
    listed = plain(user_box.inner_text())
    assert PAYLOADS[1] in listed and PAYLOADS[0] in listed, f"the rejected row's values are not listed as text:\n{listed}"

    select_item(page, f"HX-TITLE-EN {ident}")
    assert_detail_literal(detail_text(page), "en", ident)
    watch.assert_inert("after opening the event")

    exported = list(csv.DictReader(io.StringIO(download_csv(page))))
    names = {row["id"]: row["name"] for row in exported}
    assert names.get(f"user1:{ident}") == f"HX-TITLE-EN {ident} {HOSTILE}", f"the CSV does not hold the title as it was: {names}"
    export_preview(page)
    watch.assert_inert("after the CSV download and the export preview")

    # Japanese: the _ja fields in the detail panel.
    page.locator('[data-testid="stSidebar"]').get_by_text("日本語").click()
    wait_idle(page)
    page.get_by_role("heading", name=re.compile("HX-TITLE-JA")).first.wait_for(timeout=30_000)
    assert_detail_literal(detail_text(page), "ja", ident)
    watch.assert_inert("after switching to Japanese")
    timing("hostile text, data folder: load, hover, detail, CSV, preview, ja", time.monotonic() - start)


def test_hostile_upload_stays_text(page, app_url, hostile_folder, timing, tmp_path) -> None:
    watch = Watch(page)
    start = time.monotonic()
    open_map(page, f"{app_url}/?date={DAY}&region={REGION}")
    assert "HX-TITLE" not in page.locator("body").inner_text(), "the shared server shows another session's data"

    user_box = open_expander(page, "Your data")
    user_box.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(sorted(hostile_folder.iterdir()))
    load_uploads(page, user_box, files=None)
    # Both files listed by the panel (after the upload's rerun), not just as the uploader's chips.
    try:
        user_box.get_by_text(re.compile(r"rows loaded")).nth(1).wait_for(timeout=60_000)
    except Exception as error:  # playwright's TimeoutError
        page.screenshot(path=str(tmp_path / "upload-not-listed.png"), full_page=True)
        raise AssertionError(
            f"the upload was not listed (screenshot {tmp_path / 'upload-not-listed.png'}):\n{user_box.inner_text()}\nconsole errors: {watch.console_errors}"
        ) from error
    wait_idle(page)
    listed = plain(user_box.inner_text())
    assert "hostile.csv" in listed and PAYLOADS[1] in listed and PAYLOADS[0] in listed, listed
    watch.assert_inert("after the upload")

    ident, (lon, lat) = next(iter(CSV_EVENTS.items()))
    text = hover_tooltip(page, screen_point(page, lon, lat, EVENT_OFFSET_PX), f"HX-TITLE-EN {ident}")
    page.mouse.move(5, 5)
    assert_tooltips_literal({ident: text})

    select_item(page, f"HX-TITLE-EN {ident}")
    assert_detail_literal(detail_text(page), "en", ident)
    export_preview(page)
    watch.assert_inert("after hover, detail and preview of the uploaded data")
    timing("hostile text, upload: load, upload, hover, detail, preview", time.monotonic() - start)


# --------------------------------------------------------------------------- "@@" strings (issue #26)
# Whole values starting with "@@": deck.gl's JSON converter would read them as an expression
# ("@@="), a constant ("@@#") or a class ("@@type") if they reached it.
AT_PLACES = {"at-ctor": ("@@=constructor", (100.0, 42.0)), "at-call": ("@@=alert(1)", (75.0, 45.0))}
AT_EVENT = ("at-event", (90.0, 50.0))


def at_geojson() -> bytes:
    ident, (elon, elat) = AT_EVENT
    source = {"source": "@@#Math", "source_title": "@@type"}
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"layer": "place", "id": pid, "title": name, "title_ja": name, "kind": "port", "role": "@@=this see www.example.com", **source}}
        for pid, (name, (lon, lat)) in AT_PLACES.items()
    ]  # fmt: skip
    features.append(
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [elon, elat]},
         "properties": {"layer": "event", "id": ident, "date": DAY, "title": "@@=constructor", "kind": "meeting", "place_name": "@@=alert(2)",
                        "summary": "visit www.example.com now", **source}}
    )  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")


@pytest.fixture(scope="module")
def at_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("at-data")
    (folder / "at.geojson").write_bytes(at_geojson())
    with running_app(env={"MAP_USER_DATA_DIR": str(folder)}) as server:
        yield server.url


def test_at_strings_stay_data(page, at_app_url, timing) -> None:
    """User values starting with "@@" are drawn as text, never converted; the strip's marks are not a shared file."""
    watch = Watch(page)
    start = time.monotonic()
    open_map(page, f"{at_app_url}/?date={DAY}&region={REGION}")
    watch.assert_inert("after loading")
    labels = page.locator(f"{MAIN} .deck-map-labels span").all_text_contents()
    assert {name for name, _ in AT_PLACES.values()} <= set(labels), labels
    body = page.locator("body").inner_text()
    assert "native code" not in body and "Function calls not allowed" not in body, body[:2000]
    ident, (lon, lat) = AT_EVENT
    text = hover_tooltip(page, screen_point(page, lon, lat, EVENT_OFFSET_PX), "@@=constructor")
    assert "@@=alert(2)" in text, text
    page.mouse.move(5, 5)
    errors = [e for e in watch.console_errors if "not allowed" in e or "native code" in e or "JSON" in e]
    assert not errors, errors
    # The timeline strip names the user's event, from data sent inline with the page.
    page.locator(f"{MAIN} .deck-map-timeline g.event").first.wait_for()
    strip = page.locator(f"{MAIN} .deck-map-timeline g.event > title").all_text_contents()
    assert any("@@=constructor" in title for title in strip), strip[-5:]
    assert not [url for url in watch.requests if "timeline-marks" in url], "the strip fetched a shared file holding the session's events"
    # Bare "www." text in the detail panel is text, not a link (issue #26).
    select_item(page, "@@=constructor")
    assert "www.example.com" in plain(detail_text(page))
    links = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href).filter(h => h.includes('example.com'))")
    assert not links, links
    watch.assert_inert("after opening the item")
    timing("'@@' strings: load, labels, tooltip, strip", time.monotonic() - start)


# --------------------------------------------------------------------------- bad coordinates (issue #26)
BAD_ROUTES = {
    "bad-nan": "[[60, 40], [NaN, 40]]",
    "bad-inf": "[[60, 40], [Infinity, 40]]",
    "bad-huge": "[[60, 40], [1e308, 40]]",
    "bad-lat": "[[60, 40], [80, 95]]",
    "bad-merc": "[[6679169.4, 4865942.3], [8905559.3, 4865942.3]]",
    "bad-latfirst": "[[40, 131], [43, 132]]",
}


def bad_coordinates_geojson() -> bytes:
    """Routes with every kind of bad coordinate (written as JSON text: NaN and Infinity as a careless tool writes them), and one good one."""
    def feature(ident: str, coords: str) -> str:
        props = json.dumps({"layer": "route", "id": ident, "title": f"HX-COORD {ident}", "date": "2023-10-01", "source": "s1", "source_title": "t"})
        return f'{{"type": "Feature", "geometry": {{"type": "LineString", "coordinates": {coords}}}, "properties": {props}}}'

    features = [feature("good-route", "[[60, 40], [80, 40]]"), *(feature(i, c) for i, c in BAD_ROUTES.items())]
    return ('{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}").encode("utf-8")


@pytest.fixture(scope="module")
def coords_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("coords-data")
    (folder / "routes.geojson").write_bytes(bad_coordinates_geojson())
    with running_app(env={"MAP_USER_DATA_DIR": str(folder)}) as server:
        yield server.url


def test_bad_coordinates_never_break_the_map(page, coords_app_url, timing) -> None:
    """The map draws (the good route with it), the page names the rows left out, and the exports work."""
    watch = Watch(page)
    start = time.monotonic()
    open_map(page, f"{coords_app_url}/?date={DAY}&region={REGION}")
    body = page.locator("body").inner_text()
    assert "not valid JSON" not in body and "BidiComponent" not in body and "Traceback" not in body, body[:2000]
    # The loader refuses each bad row on the way in, naming its row and the coordinate (rkmap/data/budgets.py).
    user_box = open_expander(page, "Your data")
    user_box.get_by_text(re.compile(r"6 rows left out")).first.wait_for(timeout=30_000)
    listed = plain(user_box.inner_text())
    for coordinate in ("(nan, 40)", "(inf, 40)", "(1e+308, 40)", "(80, 95)", "(40, 131)"):
        assert coordinate in listed, listed
    (lon0, lat0), (lon1, lat1) = (60.0, 40.0), (80.0, 40.0)
    text = hover_tooltip(page, screen_point(page, (lon0 + lon1) / 2, (lat0 + lat1) / 2), "HX-COORD good-route")
    assert "bad-" not in text
    page.mouse.move(5, 5)
    exported = download_csv(page)
    ids = {row["id"] for row in csv.DictReader(io.StringIO(exported))}
    assert "user1:good-route" in ids and not any(i.startswith("user1:bad-") for i in ids), ids
    assert "nan" not in exported.lower().replace("nanpo", "")
    export_preview(page)
    assert "Traceback" not in page.locator("body").inner_text()
    errors = [e for e in watch.console_errors if "JSON" in e]
    assert not errors, errors
    timing("bad coordinates: load, notice, hover, CSV, preview", time.monotonic() - start)
