"""The app in a real Chromium: the map draws, stays offline, follows the slider and the URL.

SwiftShader renders WebGL on the CPU, so nothing here sleeps for a fixed time:
each step waits for the script run to finish and then for the canvas to change.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from devtools.browser import (
    AS_OF_SLIDER,
    CANVAS_PIXELS_JS,
    MAP_DRAWN_MIN_PIXELS,
    canvas_hash,
    running_app,
    wait_canvas_change,
    wait_canvas_stable,
    wait_map_drawn,
    wait_script_idle,
)
from rkmap.core import style
from rkmap.data import load_dataset
from rkmap.render.view import date_span

pytestmark = pytest.mark.browser

# Painted canvas pixels: the data layers alone (the basemap is images under the canvas,
# the place labels HTML over it). The fewest any test page shows, the first day's place
# symbols in the Rajin–Dunai frame, paint about 700; a blank canvas paints none.
MIN_PIXELS = MAP_DRAWN_MIN_PIXELS
VIEWPORT_HEIGHT = 1200  # tests/browser/conftest.py
FIRST_PAINT_S = 90  # SwiftShader on 2 cores: the first paint takes seconds
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LAND_PREFIX = "/app/static/basemap/overview"  # one of its copies (rkmap/render/basemap.py), as the frame needs
_SPAN = date_span(load_dataset()[0])  # the slider spans the shipped data
FIRST_DAY, LAST_DAY = (d.isoformat() for d in _SPAN)
REPO = Path(__file__).resolve().parents[2]
N_EVENTS = len(load_dataset()[0].events)
COUNT_EN = re.compile(r"(\d+) events? and (\d+) route legs? shown as of (\d{4}-\d{2}-\d{2})")
CANVAS_SIZE_JS = """
() => {
  const c = document.querySelector('#deckgl-overlay');
  return c ? {width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight, dpr: devicePixelRatio} : null;
}
"""
MAIN = '[data-testid="stMain"]'
SLIDER_THUMB = AS_OF_SLIDER
CAPTIONS = f'{MAIN} [data-testid="stCaptionContainer"]'


def assert_no_app_error(page) -> None:
    """Fail at once, with the traceback Streamlit shows, if the script raised."""
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        raise AssertionError("the app raised:\n" + "\n---\n".join(errors.all_inner_texts()))


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """wait_script_idle, failing with the script state and page text instead of a bare timeout."""
    try:
        wait_script_idle(page, timeout_ms=timeout_ms)
    except Exception as error:  # playwright's TimeoutError
        state = page.evaluate("() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')")
        text = page.locator("body").inner_text()[:800]
        raise AssertionError(
            f"script not idle after {timeout_ms / 1000:.0f} s (state {state!r}, url {page.url}); "
            f"was a source file edited meanwhile?\npage text:\n{text}"
        ) from error
    assert_no_app_error(page)


_paint_timed_out: list[str] = []  # once a paint timed out, later tests fail sooner


def wait_drawn(page) -> None:
    """wait_map_drawn with the full first-paint allowance, unless an earlier test already timed out."""
    timeout_s = 20 if _paint_timed_out else FIRST_PAINT_S
    try:
        wait_map_drawn(page, min_pixels=MIN_PIXELS, timeout_s=timeout_s)
    except TimeoutError as error:
        _paint_timed_out.append(page.url)
        size = page.evaluate(CANVAS_SIZE_JS)
        where = "no #deckgl-overlay canvas on the page" if size is None else f"canvas {size}"
        raise AssertionError(f"the map was not drawn within {timeout_s} s ({where}; url {page.url}): {error}") from error


def open_map(page, url: str) -> tuple[str, float]:
    """Load ``url``, wait for the script run, the first paint and a stable canvas.

    Returns the canvas fingerprint and the seconds from navigation to first paint.
    """
    start = time.monotonic()
    page.goto(url)
    wait_idle(page, timeout_ms=FIRST_PAINT_S * 1000)
    wait_drawn(page)
    painted = time.monotonic() - start
    return wait_canvas_stable(page, settle_s=1.0, timeout_s=30), painted


def caption_texts(page) -> list[str]:
    return [text.strip() for text in page.locator(CAPTIONS).all_inner_texts()]


def shown_count(page) -> tuple[int, int, str]:
    """(events, route legs, date) from the English 'N events and M route legs shown as of' caption."""
    texts = caption_texts(page)
    for text in texts:
        match = COUNT_EN.search(text)
        if match:
            return int(match[1]), int(match[2]), match[3]
    raise AssertionError(f"no visible-count caption among {texts!r}")


# The lines the map shows (rkmap/app/svg_paths.js): [layer, path data, stroke] of each line not filtered out.
SHOWN_LINES_JS = """
() => [...document.querySelectorAll('.deck-map-lines svg path.deck-map-line')]
  .filter((p) => p.style.display !== 'none')
  .map((p) => [p.closest('svg').dataset.layer, p.getAttribute('d'), p.getAttribute('stroke')])
"""


def shown_lines(page, layer: str | None = None) -> list[list[str]]:
    return sorted(line for line in page.evaluate(SHOWN_LINES_JS) if layer in (None, line[0]))


def wait_caption_date(page, day: str, timeout_ms: int = 30_000) -> None:
    """Wait for the rerun that shows ``day``, then for the script to be idle."""
    try:
        page.locator(CAPTIONS, has_text=f"shown as of {day}").wait_for(timeout=timeout_ms)
    finally:
        assert_no_app_error(page)
    wait_idle(page)


def url_date(page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("date", [None])[-1]


def test_map_is_drawn(page, app_url, timing) -> None:
    _, painted = open_map(page, f"{app_url}/?date=2023-10-13")
    timing(f"first paint, /?date=2023-10-13 (navigation to >= {MIN_PIXELS} pixels)", painted)

    pixels = page.evaluate(CANVAS_PIXELS_JS)
    size = page.evaluate(CANVAS_SIZE_JS)
    assert pixels >= MIN_PIXELS, pixels
    assert size is not None, "no #deckgl-overlay canvas"
    assert (size["width"], size["height"]) != (300, 150), f"canvas has the default size: {size}"
    # The map fills the window below its top (at least 420 px): most of a 1200 px high window.
    assert size["cssHeight"] >= 0.6 * VIEWPORT_HEIGHT, size
    assert size["cssWidth"] >= 700, size
    assert size["width"] == round(size["cssWidth"] * size["dpr"]), size
    assert size["height"] == round(size["cssHeight"] * size["dpr"]), size
    assert shown_count(page)[2] == "2023-10-13"
    # Water beyond the basemap rasters is the map's CSS background (rkmap/app/page_style.py), behind
    # the basemap images and the canvas, which stays transparent.
    background = page.evaluate("() => getComputedStyle(document.querySelector('.deck-map-canvas')).backgroundColor")
    assert background == "rgb({}, {}, {})".format(*style.WATER), background
    canvas = page.evaluate("() => getComputedStyle(document.querySelector('#deckgl-overlay')).backgroundColor")
    assert canvas == "rgba(0, 0, 0, 0)", canvas


def test_map_draws_with_its_module_once(page, app_url) -> None:
    """The component's module is fetched once, from the component's asset folder, and the map draws with one deck."""
    modules: list[str] = []
    page.on("request", lambda request: modules.append(request.url) if request.url.endswith(".js") and "bidi-components" in request.url else None)
    open_map(page, f"{app_url}/?date=2023-10-13")
    marks = page.evaluate("() => performance.getEntriesByType('mark').map(m => m.name)")
    assert marks.count("deck-map:deck-created") == 1, marks
    assert modules == [f"{app_url}/_stcore/bidi-components/rkmap.deck_map/deck_map.js"], modules
    canvases = page.evaluate("() => [...document.querySelectorAll('canvas')].map(c => [c.id, !!c.closest('.deck-map-canvas')])")
    assert canvases == [["deckgl-overlay", True]], f"one deck, in the map: {canvases}"


def test_a_first_visit_draws_its_layers_from_the_files_sent_with_the_page(context, page, app_url) -> None:
    """The first deck's layer files travel with the page (rkmap/app/prefill.js): none is fetched, and the
    map, its lines and the timeline strip are what a page that fetches them draws."""
    url = "/?date=2023-10-13&region=rajin_dunai"
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "/app/static/cache/" in request.url else None)
    sent, _ = open_map(page, f"{app_url}{url}")
    page.locator(f"{TIMELINE} g.event").first.wait_for()
    assert fetched == [], f"files fetched although sent with the page: {fetched}"
    picture = (shown_lines(page), _marks(page), page.evaluate(CANVAS_PIXELS_JS))
    assert picture[0] and picture[1][0] == N_EVENTS and picture[2] >= MIN_PIXELS, picture

    with running_app(env={"MAP_BENCH_OFF": "prefill"}) as server:  # every file fetched, as before
        other = context.new_page()
        fetching, _ = open_map(other, f"{server.url}{url}")
        other.locator(f"{TIMELINE} g.event").first.wait_for()
        assert (shown_lines(other), _marks(other), other.evaluate(CANVAS_PIXELS_JS)) == picture
        assert fetching == sent, "the same picture either way"


def test_page_makes_no_outside_requests(page, app_url) -> None:
    requests: list[str] = []
    statuses: dict[str, int] = {}
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.on("response", lambda response: statuses.setdefault(urlsplit(response.url).path, response.status))

    open_map(page, f"{app_url}/?date=2023-10-13")

    def outside(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return False
        return parts.hostname not in LOCAL_HOSTS

    foreign = sorted({url for url in requests if outside(url)})
    assert not foreign, "requests to outside hosts:\n" + "\n".join(foreign)
    land = sorted({urlsplit(url).path for url in requests if urlsplit(url).path.startswith(LAND_PREFIX)})
    assert land, f"no copy of the basemap {LAND_PREFIX}* was requested; requests were:\n" + "\n".join(sorted(set(requests)))
    assert all(statuses.get(path) == 200 for path in land), {path: statuses.get(path) for path in land}


def test_slider_changes_the_map(page, app_url, timing) -> None:
    before, _ = open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    events_before, legs_before, day = shown_count(page)
    assert day == "2023-10-13"
    assert legs_before > 0, "the sea route should be shown on 2023-10-13"

    thumb = page.locator(SLIDER_THUMB)
    assert thumb.count() == 1, "expected one as-of slider in the main area"
    thumb.focus()
    pressed = time.monotonic()
    page.keyboard.press("Home")
    wait_caption_date(page, FIRST_DAY)
    wait_canvas_change(page, before)
    timing("slider Home: key press to canvas change", time.monotonic() - pressed)
    at_start = wait_canvas_stable(page)

    events_start, legs_start, day = shown_count(page)
    assert day == FIRST_DAY
    assert at_start != before
    assert events_start < events_before, (events_start, events_before)
    assert legs_start < legs_before, (legs_start, legs_before)
    assert url_date(page) == FIRST_DAY

    thumb.focus()
    pressed = time.monotonic()
    page.keyboard.press("End")
    wait_caption_date(page, LAST_DAY)
    wait_canvas_change(page, at_start)
    timing("slider End: key press to canvas change", time.monotonic() - pressed)
    wait_canvas_stable(page)

    events_end, legs_end, day = shown_count(page)
    assert day == LAST_DAY
    assert events_end > events_start and legs_end == legs_before, (events_end, legs_end)
    assert url_date(page) == LAST_DAY


def test_slider_step_redraws_in_the_browser_as_a_fresh_load_draws(page, app_url) -> None:
    """A step fills the day into the layers' filter templates in the browser (rkmap/app/deck_map.js):
    the same deck and canvas, no layer data fetched again, and the same picture as a page
    opened at that date, whose ranges the server computed."""
    cached: list[str] = []
    page.on("request", lambda request: cached.append(request.url) if "/app/static/" in request.url else None)
    open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    # The page runs the deck.gl build package.json pins (rkmap/app/deck_map_assets/README.md). The map's module
    # shares nothing through globals: `window.deck` is only deck.gl's own record of its version.
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["dependencies"]["@deck.gl/core"]
    assert page.evaluate("() => document.querySelector('.deck-map').deckMap.deckGlVersion") == pinned
    assert page.evaluate("() => [typeof window.deck?.Deck, typeof window.__deckMapWarmup]") == ["undefined", "undefined"]
    page.evaluate("() => { window.__mapCanvas = document.querySelector('#deckgl-overlay'); }")
    fetched = len(cached)

    page.locator(SLIDER_THUMB).focus()
    page.keyboard.press("End")
    wait_caption_date(page, LAST_DAY)
    stepped = wait_canvas_stable(page, settle_s=1.0, timeout_s=30)
    assert page.evaluate("() => window.__mapCanvas === document.querySelector('#deckgl-overlay')"), "the step made a new deck"
    assert cached[fetched:] == [], f"the step fetched static files again: {cached[fetched:]}"
    assert url_date(page) == LAST_DAY

    lines = shown_lines(page)
    fresh, _ = open_map(page, f"{app_url}/?date={LAST_DAY}&region=rajin_dunai")
    assert stepped == fresh, "the map after a slider step differs from the map opened at that date"
    assert lines == shown_lines(page), "the lines after a slider step differ from those of the map opened at that date"


def assert_basemap_copies_fit(page) -> None:
    """Each raster shows the smallest of its copies (rkmap/render/basemap.py) at least as wide as it is on screen."""
    from rkmap.render.basemap import RASTERS

    widths = {name: [width for width, _ in raster.levels()] for name, raster in RASTERS.items()}
    shown_js = (
        "(widths) => [...document.querySelectorAll('.deck-map-basemap img')].map(i => {"
        " const onScreen = parseFloat(i.style.width) * devicePixelRatio, all = widths[i.dataset.raster];"
        " return [i.dataset.raster, i.complete ? i.naturalWidth : 0, Math.round(onScreen), all.find(w => w >= onScreen) ?? all[all.length - 1]]; })"
    )
    # A new copy replaces the shown one once decoded; if not in time, the assertion below says what is shown.
    with contextlib.suppress(Exception):
        page.wait_for_function(f"(widths) => ({shown_js})(widths).every(([, natural, , wanted]) => natural === wanted)", arg=widths, timeout=10_000)
    for name, natural, on_screen, wanted in page.evaluate(shown_js, widths):
        assert natural == wanted, f"{name}: a copy {natural} px wide shown {on_screen} px wide; wanted {wanted}"


SHOWN_WIDTHS_JS = "() => [...document.querySelectorAll('.deck-map-basemap img')].map(i => [i.dataset.raster, i.naturalWidth])"


def test_basemap_loads_the_copy_each_frame_needs(page, app_url) -> None:
    """The widest frame shows small copies (the largest image is ~280 MB decoded); zoomed in, the detail is loaded."""
    open_map(page, f"{app_url}/?date=2023-10-13&region=route")
    assert_basemap_copies_fit(page)
    widest = dict(page.evaluate(SHOWN_WIDTHS_JS))
    assert widest["overview"] <= 2048 and widest["fareast"] <= 1024, widest
    open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    assert_basemap_copies_fit(page)
    near = dict(page.evaluate(SHOWN_WIDTHS_JS))
    assert near["fareast"] > widest["fareast"], (widest, near)


def test_basemap_images_put_land_and_sea_where_the_map_has_them(page, app_url) -> None:
    """The basemap rasters are images under the transparent canvas, placed from the deck's viewport
    (rkmap/app/deck_map.js). Checked against the Web Mercator projection worked out here: land shows at
    inland points and sea at open-sea points of the frame, on the page as a user sees it."""
    from io import BytesIO

    from PIL import Image

    from .test_hostile_text import screen_point

    open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    images = page.evaluate(
        "() => [...document.querySelectorAll('.deck-map-basemap img')]"
        ".map(i => [i.dataset.raster, i.complete && i.naturalWidth > 0, getComputedStyle(i).visibility])"
    )
    assert images == [["world", True, "visible"], ["overview", True, "visible"], ["fareast", True, "visible"]], images
    assert_basemap_copies_fit(page)
    box = page.locator(".deck-map-canvas").bounding_box()
    # The hatch of places known only to a country (Russia, North Korea) lies over the land: hidden for this look at the basemap.
    page.evaluate("() => document.querySelectorAll('.deck-map-lines-layer[data-layer^=\"event-area\"]').forEach((s) => { s.style.display = 'none'; })")
    shot = Image.open(BytesIO(page.screenshot())).convert("RGB")
    # Points clear of symbols, labels, borders and coasts (checked on a screenshot of this frame).
    for name, (lon, lat), colour in [
        ("inland North Korea / China", (130.0, 43.0), style.LAND),
        ("inland Primorye", (132.9, 43.3), style.LAND),
        ("Sea of Japan", (132.8, 42.0), style.WATER),
        ("Sea of Japan, east", (133.0, 42.5), style.WATER),
    ]:
        x, y = screen_point(page, lon, lat, region="rajin_dunai")
        assert box["x"] <= x < box["x"] + box["width"] and box["y"] <= y < box["y"] + box["height"], name
        seen = shot.getpixel((round(x), round(y)))
        assert max(abs(a - b) for a, b in zip(seen, colour)) <= 6, f"{name} at {lon}, {lat}: {seen}, expected {colour}"


def test_place_labels_are_text_at_their_places_and_follow_a_zoom(page, app_url) -> None:
    """Place labels are HTML over the canvas (rkmap/app/html_labels.js), placed from the deck's viewport:
    each sits on its side of its place (rkmap/core/style.py label_placement), in the page's text, and
    moves with the map when it zooms, as the lines (SVG under the canvas, rkmap/app/svg_paths.js) do."""
    from .test_hostile_text import screen_point

    open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    label = page.locator(f"{MAIN} .deck-map-labels span", has_text="Vladivostok")
    x, y = screen_point(page, 131.87353, 43.10562, region="rajin_dunai")  # geodata/places.csv
    box = label.bounding_box()
    assert box, "no Vladivostok label"
    # Placed in Python (rkmap/render/deck.py label_sets): beside its place, clear of its symbol.
    near = style.PLACE_SIZE_PX / 2 + 2 * style.LABEL_GAP_PX + 2
    assert box["x"] - near <= x <= box["x"] + box["width"] + near and box["y"] - near <= y <= box["y"] + box["height"] + near, (box, x, y)
    half = style.PLACE_SIZE_PX / 2
    assert not (box["x"] < x + half and x - half < box["x"] + box["width"] and box["y"] < y + half and y - half < box["y"] + box["height"]), (box, x, y)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.deck-map-labels')).pointerEvents") == "none"

    lines = shown_lines(page, "route")
    assert lines, "no line shown on 2023-10-13"
    canvas = page.locator("#deckgl-overlay").bounding_box()
    centre = (canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    page.mouse.move(*centre)
    page.mouse.wheel(0, -300)  # zoom in about the centre: points move away from it
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and label.bounding_box()["y"] == box["y"]:
        time.sleep(0.1)
    moved = label.bounding_box()
    assert moved != box, "the label did not move with the zoom"
    before = (box["x"] + box["width"] / 2 - centre[0], box["y"] + box["height"] - centre[1])
    after = (moved["x"] + moved["width"] / 2 - centre[0], moved["y"] + moved["height"] - centre[1])
    assert after[0] * before[0] > 0 and after[1] * before[1] > 0, (before, after)
    assert abs(after[0]) > abs(before[0]) and abs(after[1]) > abs(before[1]), (before, after)
    zoomed = shown_lines(page, "route")
    assert len(zoomed) == len(lines) and all(a[1] != b[1] for a, b in zip(lines, zoomed)), "the lines did not move with the zoom"


def test_route_legs_are_lines_on_their_geometry_that_follow_the_date_and_pick(page, app_url, dataset) -> None:
    """The legs are SVG under the canvas (rkmap/app/svg_paths.js): drawn where the data puts them, shown as the
    as-of filter says, and hovered and clicked like the symbols deck.gl draws (tooltip, highlight, details)."""
    from rkmap.render.deck import route_records
    from rkmap.render.view import MapView, leg_parts

    from .test_hostile_text import TOOLTIP_JS, detail_text, screen_point

    open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    _, legs, _ = shown_count(page)
    records = route_records(dataset, MapView(as_of=date(2023, 10, 13), region="rajin_dunai"))
    assert legs == len(dataset.route_legs) == 2, legs
    # Each leg's line and schematic connector, and the halo of each leg happening at the date.
    assert len(shown_lines(page, "route")) == len(records), shown_lines(page, "route")
    assert len(shown_lines(page, "route-current")) == legs

    # Halfway along the sea leg's surveyed line (geodata), projected here: its tooltip, its highlight.
    sea = dataset.route_legs.set_index("id").loc["sea"]
    line = leg_parts(sea)[1]
    x, y = screen_point(page, *line[len(line) // 2], region="rajin_dunai")
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    page.wait_for_function(f"() => ({TOOLTIP_JS})()?.includes({sea['title_en']!r})", timeout=10_000)
    assert page.evaluate("() => [...document.querySelectorAll('.deck-map-line-highlight')].some((p) => p.style.display !== 'none')")
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"item=leg(%3A|:)sea"), timeout=30_000)
    wait_idle(page)
    assert sea["title_en"] in detail_text(page)

    # Before the transfers began, no leg is shown, and the same point finds none.
    page.locator(SLIDER_THUMB).focus()
    page.keyboard.press("Home")
    wait_caption_date(page, FIRST_DAY)
    assert shown_count(page)[1] == 0 and [line for line in shown_lines(page) if not line[0].startswith("event-area")] == []
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    time.sleep(0.5)
    assert sea["title_en"] not in (page.evaluate(TOOLTIP_JS) or "")


def test_clicking_a_place_opens_it_in_the_detail_panel(page, app_url) -> None:
    """A click on a map symbol reaches Python (the component's 'pick' trigger) and selects that item."""
    from .test_hostile_text import detail_text, screen_point

    open_map(page, f"{app_url}/?date=2023-10-13&region=rajin_dunai")
    x, y = screen_point(page, 130.28308, 42.25559, region="rajin_dunai")  # Rajin port (geodata/places.csv)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"item=place(%3A|:)rajin"), timeout=30_000)
    wait_idle(page)
    text = detail_text(page)
    assert "Rajin port" in text, text[:1500]


def test_forward_button_moves_one_month(page, app_url) -> None:
    page.goto(f"{app_url}/?date=2023-10-13")
    wait_idle(page, timeout_ms=FIRST_PAINT_S * 1000)
    step = page.locator(MAIN).get_by_role("combobox", name="Step")
    assert step.input_value() == "month", f"the step is {step.input_value()!r}, not 'month'"
    assert shown_count(page)[2] == "2023-10-13"

    page.get_by_role("button", name="Forward ›").click()
    wait_caption_date(page, "2023-11-13")
    page.wait_for_url(lambda url: "date=2023-11-13" in url, timeout=10_000)
    assert shown_count(page)[2] == "2023-11-13"
    assert url_date(page) == "2023-11-13"
    assert page.locator(SLIDER_THUMB).get_attribute("aria-valuetext") == "2023-11-13"


def test_url_round_trip(context, page, app_url) -> None:
    title_ja = "ウラジオストクで初の朝露首脳会談"
    first_hash, _ = open_map(page, f"{app_url}/?date=2019-04-25&lang=ja&region=far_east&event=vladivostok-summit-2019")
    assert page.get_by_role("heading", name="ロシア・北朝鮮関係マップ").count() >= 1, "no Japanese page heading"
    assert page.get_by_role("heading", name=title_ja).count() == 1, "the detail panel does not show the event's Japanese title"
    captions = caption_texts(page)
    assert any("2019-04-25時点で" in text for text in captions), captions

    shared = page.url
    query = parse_qs(urlsplit(shared).query)
    assert query.get("event") == ["vladivostok-summit-2019"], shared
    assert query.get("lang") == ["ja"] and query.get("region") == ["far_east"], shared

    other = context.new_page()
    second_hash, _ = open_map(other, shared)
    assert other.viewport_size == page.viewport_size
    assert other.get_by_role("heading", name=title_ja).count() == 1
    assert caption_texts(other) == captions
    assert second_hash == first_hash, "the shared URL draws a different map"
    assert canvas_hash(page) == first_hash, "the first page's map changed meanwhile"


def test_hostile_url_is_ignored_with_notices(page, app_url) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_map(page, f"{app_url}/?date=<script>alert(1)</script>&foo=bar&lang=xx")

    notices = [text.strip() for text in page.locator(f'{MAIN} [data-testid="stAlert"]').all_inner_texts()]
    joined = "\n".join(notices)
    # The value is echoed as text, not markup.
    assert any("date" in text and "<script>alert(1)</script>" in text for text in notices), joined
    assert any("unknown" in text and "foo" in text for text in notices), joined
    assert any("lang" in text and "xx" in text for text in notices), joined
    assert not dialogs, f"a dialog fired: {dialogs}"
    assert page.locator("script", has_text="alert(1)").count() == 0, "the URL's script reached the DOM"
    # The bad values fell back to the defaults: English, the last date.
    assert shown_count(page)[2] == LAST_DAY
    assert page.evaluate(CANVAS_PIXELS_JS) >= MIN_PIXELS


def test_url_notices_render_no_markup(page, app_url) -> None:
    """A URL's text must not become a link or an image in the notices (and so no outside request)."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    image, link = "![x](http://example.invalid/x.png)", "[login](https://example.invalid/)"
    page.goto(f"{app_url}/?date=2023-10-13&{image}=1&{link}=2")
    wait_idle(page, timeout_ms=FIRST_PAINT_S * 1000)
    wait_drawn(page)

    alerts = page.locator(f'{MAIN} [data-testid="stAlert"]')
    notices = alerts.all_inner_texts()
    assert alerts.locator("img, a").count() == 0, "URL text became markup: " + " | ".join(
        alerts.locator('[data-testid="stMarkdownContainer"]').evaluate_all("els => els.map(e => e.innerHTML)")
    )
    assert any(image in text for text in notices), notices
    assert any(link in text for text in notices), notices
    foreign = sorted({url for url in requests if urlsplit(url).hostname not in LOCAL_HOSTS and urlsplit(url).scheme not in ("data", "blob")})
    assert not foreign, "requests to outside hosts:\n" + "\n".join(foreign)


TIMELINE = f"{MAIN} .deck-map-timeline"


def _rule_x(page) -> float | None:
    """Mean x (fraction of the strip's width) of the timeline's red as-of rule, from its pixels; None if not drawn."""
    import io

    import numpy as np
    from PIL import Image

    strip = page.locator(f"{TIMELINE} svg")
    image = np.asarray(Image.open(io.BytesIO(strip.screenshot())).convert("RGB")).astype(int)
    red = (image[..., 0] > 190) & (image[..., 1] < 60) & (image[..., 2] < 60)
    columns = np.nonzero(red.sum(axis=0) >= 20)[0]  # a vertical line: many red pixels in a column
    return float(columns.mean()) / image.shape[1] if len(columns) else None


def _marks(page) -> tuple[int, int]:
    """(event marks, faded marks) in the timeline strip."""
    return tuple(page.evaluate(
        f"""() => {{ const marks = [...document.querySelectorAll('{TIMELINE} g.event')];
            return [marks.length, marks.filter(m => m.style.opacity !== '').length]; }}"""
    ))


def _wait_rule(page, wanted, what: str) -> float | None:
    """Poll the rule's position (the strip follows the slider in the browser) until ``wanted(x)``."""
    deadline = time.monotonic() + 30
    x = _rule_x(page)
    while not (x is not None and wanted(x)) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        x = _rule_x(page)
    assert x is not None and wanted(x), f"{what}: rule at {x}"
    return x


def test_timeline_follows_the_date(page, app_url) -> None:
    """The strip under the map: its as-of rule and its faded marks move with the slider, as the map does."""
    open_map(page, f"{app_url}/?date=2023-10-13")
    page.locator(f"{TIMELINE} g.event").first.wait_for()
    _wait_rule(page, lambda x: x > 0.8, "at 2023-10-13")
    shown, _, _ = shown_count(page)
    total, faded = _marks(page)
    assert total == N_EVENTS and faded == total - shown, (total, faded, shown)

    page.locator(SLIDER_THUMB).focus()
    page.keyboard.press("Home")
    wait_caption_date(page, FIRST_DAY)
    _wait_rule(page, lambda x: x < 0.2, "at the first day")
    assert _marks(page) == (total, total - 1), "on the first day only the first event is not faded"

    # Two years around the date: the rule stays in the middle of the plot as the date moves.
    page.locator(TIMELINE).get_by_text("two years around the as-of date").click()
    _wait_rule(page, lambda x: 0.45 < x < 0.65, "near strip")
    ticks = page.locator(f"{TIMELINE} .axis text").all_text_contents()
    assert ticks and all(re.fullmatch(r"\d{4}-\d{2}", tick) for tick in ticks), ticks


def test_timeline_tooltips_are_the_events_text(page, app_url) -> None:
    """Each mark names its event, date and claim status (an SVG title: text, never markup)."""
    open_map(page, f"{app_url}/?date=2023-10-13&lang=ja")
    page.locator(f"{TIMELINE} g.event").first.wait_for()
    titles = page.locator(f"{TIMELINE} g.event > title").all_text_contents()
    assert len(titles) == N_EVENTS
    assert any("ボストーチヌイ" in title and "2023" in title for title in titles), titles
    assert page.locator(TIMELINE).get_by_text("年表").count() == 1
