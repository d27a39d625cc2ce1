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


def _no_exception(page) -> None:  # noqa: ANN001
    errors = page.locator('[data-testid="stException"]')
    assert not errors.count(), "the app raised:\n" + "\n---\n".join(errors.all_inner_texts())


def test_language_switch_then_slider_keys_never_break_the_page(page, app_url) -> None:  # noqa: ANN001
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


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1600, 1000), (2560, 1440)])
def test_map_starts_high_and_grows_with_the_window(chromium_browser, app_url, width: int, height: int) -> None:  # noqa: ANN001
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(app_url + "/?date=2023-10-13&lang=ja")
        wait_script_idle(page)
        wait_map_drawn(page, min_pixels=500)
        box = page.evaluate(MAP_BOX_JS)
        assert box["top"] < 0.45 * height, box
        # Fills the window below its top (never shorter than 420 px).
        assert box["height"] >= min(max(420, height - box["top"] - 40), 420 if height < 800 else height * 0.6), box
        _no_exception(page)
    finally:
        context.close()
