"""The reported crash replayed in Chromium (language switch, then slider keys), and the layout on three screens."""

from __future__ import annotations

import time

import pytest

from devtools.browser import AS_OF_SLIDER, wait_map_drawn, wait_script_idle

pytestmark = pytest.mark.browser

MAP_BOX_JS = """
() => {
  const map = document.querySelector('.deck-map-canvas').getBoundingClientRect();
  return {top: map.top, height: map.height, width: map.width};
}
"""


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert not errors.count(), "the app raised:\n" + "\n---\n".join(errors.all_inner_texts())


def test_language_switch_then_slider_keys_never_break_the_page(page, app_url) -> None:
    page.goto(app_url + "/?date=2023-09-13")
    wait_script_idle(page)
    wait_map_drawn(page, min_pixels=500)
    for round_ in range(4):
        page.get_by_text("日本語" if round_ % 2 == 0 else "English", exact=True).click()
        wait_script_idle(page)
        for key in ("ArrowRight", "ArrowLeft", "ArrowRight", "ArrowLeft", "ArrowLeft"):
            page.locator(AS_OF_SLIDER).first.focus()
            page.keyboard.press(key)
            time.sleep(0.6)  # the step's rerun starts after the key's change event
            wait_script_idle(page)
            _no_exception(page)
        frame = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.evaluate("(e) => e.textContent + ' ' + Array.from(e.querySelectorAll('input')).map((i) => i.value).join(' ')")
        expected = "全ルート" if round_ % 2 == 0 else "Whole route"
        assert expected in frame, frame  # the frame box follows the language, its choice kept
        assert "item=" not in page.url and "region=route" in page.url


# Every text of the time controls' row (buttons, and the step and speed boxes' shown value) that the browser cuts
# short: its box narrower than its text, or its text running out of the control's border.
CUT_CONTROLS_JS = """
() => {
  const row = document.querySelector('.st-key-time_controls');
  if (!row) return {cut: ['no time controls row'], texts: []};
  const cut = [], texts = [];
  for (const el of row.querySelectorAll('button p, [data-testid="stSelectbox"] input')) {
    const text = (el.value ?? el.textContent).trim();
    texts.push(text);
    const control = el.closest('button, [data-testid="stSelectbox"]').getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > control.right + 1) cut.push(text);
  }
  return {cut, texts};
}
"""


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1280, 720)])
def test_time_controls_are_never_cut_short(chromium_browser, app_url, width: int, height: int, lang: str) -> None:
    """"Forw…" and "a step eve…" at 1280 px: the row wraps instead, each control as wide as its label."""
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(app_url + f"/?lang={lang}")
        wait_script_idle(page)
        wait_map_drawn(page, min_pixels=500)
        time.sleep(1)  # fonts and the row's wrapping settle
        found = page.evaluate(CUT_CONTROLS_JS)
        for expected in (("Forward ›", "End »", "month", "every 1.2 s") if lang == "en" else ("進む ›", "最後 »", "月", "1.2秒ごと")):
            assert expected in found["texts"], found
        assert found["cut"] == [], found
        _no_exception(page)
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1600, 1000), (2560, 1440)])
def test_map_starts_high_and_grows_with_the_window(chromium_browser, app_url, width: int, height: int) -> None:
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(app_url + "/?date=2023-10-13&lang=ja")
        wait_script_idle(page)
        wait_map_drawn(page, min_pixels=500)
        time.sleep(1)  # the page's layout settles (widgets, fonts); the map follows it
        box = page.evaluate(MAP_BOX_JS)
        assert box["top"] < 0.45 * height, box
        # Fills the window below its top (never shorter than 420 px).
        assert box["height"] >= min(max(420, height - box["top"] - 40), 420 if height < 800 else height * 0.6), box
        _no_exception(page)
    finally:
        context.close()


def test_keyboard_play_pause_keeps_focus_and_the_map_shows_focus(page, app_url) -> None:
    """Enter starts play; focus stays on the button (its label turns to Pause) so Space pauses it."""
    page.goto(app_url + "/?date=2003-01-01")
    wait_script_idle(page)
    wait_map_drawn(page, min_pixels=300)
    button = page.locator(".st-key-play_button button")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.URL.includes('date=2003-01-01')", timeout=45_000)  # it plays
    focused = page.evaluate("() => document.activeElement?.closest('.st-key-play_button') !== null")
    assert focused, "focus left the Play/Pause button"
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.st-key-play_button button')?.innerText.includes('Play')", timeout=45_000)
    wait_script_idle(page)
    stopped_at = page.url
    time.sleep(3)  # longer than two play steps
    assert page.url == stopped_at, "Space did not pause"
    page.locator(".deck-map-canvas").focus()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.deck-map-canvas')).outlineStyle") == "solid"
    _no_exception(page)


TIP_JS = """
() => {
  const tip = document.querySelector('.deck-map-tooltip');
  if (!tip || tip.hidden) return null;
  const t = tip.getBoundingClientRect(), m = document.querySelector('.deck-map-canvas').getBoundingClientRect();
  const style = getComputedStyle(tip);
  return {text: tip.textContent, inside: t.left >= m.left && t.right <= m.right && t.top >= m.top && t.bottom <= m.bottom,
          colour: style.color, background: style.backgroundColor, box: [t.left, t.top, t.right, t.bottom]};
}
"""


@pytest.mark.parametrize(("name", "lon", "lat"), [("Vostochny", 128.333932, 51.884395), ("Dunai", 132.3375, 42.88028), ("Komsomolsk", 137.00995, 50.55034)])
def test_hover_keeps_every_symbol_and_the_tooltip_inside_the_map(page, app_url, name: str, lon: float, lat: float) -> None:
    from devtools.browser import CANVAS_PIXELS_JS

    from .test_hostile_text import screen_point

    page.goto(app_url + "/?date=2023-09-13")
    wait_script_idle(page)
    wait_map_drawn(page, min_pixels=500)
    time.sleep(1)
    before = page.evaluate(CANVAS_PIXELS_JS)
    x, y = screen_point(page, lon, lat, region="route")
    tip = None
    for dx, dy in ((0, 0), (0, -4), (4, 0), (0, 4), (-4, 0), (3, 3), (-3, -3)):
        page.mouse.move(x + dx, y + dy)
        time.sleep(0.5)
        tip = page.evaluate(TIP_JS)
        if tip and name in tip["text"]:
            break
    assert tip and name in tip["text"], tip
    assert tip["inside"], tip
    # Away from the pointer: it covers neither the hovered symbol nor its neighbours within 60 px.
    left, top, right, bottom = tip["box"]
    assert not (left - 60 < x < right + 60 and top - 60 < y < bottom + 60), (tip, x, y)
    assert tip["colour"] == "rgb(255, 255, 255)" and tip["background"].startswith("rgba(22, 26, 35"), tip
    # Nothing vanished: the highlight may add pixels, never take symbols away.
    assert page.evaluate(CANVAS_PIXELS_JS) >= before * 0.98


def test_a_date_outside_the_data_is_shown_as_asked(page, app_url) -> None:
    """Before the first event: the label says the date asked for, the map shows no event (places only)."""
    page.goto(app_url + "/?date=1999-01-01&layers=events")
    wait_script_idle(page)
    time.sleep(3)  # no layer paints anything: nothing to wait for
    assert page.locator(".deck-map-slider label").inner_text().endswith("1999-01-01")
    from devtools.browser import CANVAS_PIXELS_JS

    assert page.evaluate(CANVAS_PIXELS_JS) == 0
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "0 events and 0 route legs shown as of 1999-01-01" in main and "the data begin on 19 Jul 2000" in main
    page.goto(app_url + "/?date=2100-06-01")
    wait_script_idle(page)
    wait_map_drawn(page, min_pixels=500)
    assert page.locator(".deck-map-slider label").inner_text().endswith("2100-06-01")
    assert "latest event in the data" in page.locator('[data-testid="stMain"]').inner_text()
    _no_exception(page)
