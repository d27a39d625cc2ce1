"""The app driven headlessly with Streamlit's AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_helpers import deck_json, map_data, run_app, set_as_of
from streamlit.testing.v1 import AppTest

from rkmap.app.data import DATA_DIR_ENV
from rkmap.app.page_style import map_background_css
from rkmap.core.dates import day_number
from rkmap.data import load_dataset
from rkmap.render.static_data import read_published
from rkmap.render.view import date_span

# The shipped data's span and size: the app's default date and counts follow the data.
_SHIPPED, _ = load_dataset()
FIRST, LAST = date_span(_SHIPPED)
N_EVENTS = len(_SHIPPED.events)

def _layer(at: AppTest, ident: str) -> dict:
    return next(layer for layer in deck_json(at)["layers"] if layer["id"] == ident)


def _caption_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_opens_on_the_last_date_with_every_layer() -> None:
    at = run_app()
    assert at.session_state["as_of"] == LAST
    ids = [layer["id"] for layer in deck_json(at)["layers"]]
    assert {"route", "events", "places", "place-labels"} <= set(ids)
    assert f"{N_EVENTS} events and 2 route legs shown as of {LAST.isoformat()}" in _caption_text(at)
    # The basemap rasters go to the browser beside the deck, as images under its canvas;
    # the water beyond them is CSS, not a layer.
    assert [image["name"] for image in map_data(at)["basemap"]] == ["world", "overview", "fareast"]
    assert not any(i.startswith("basemap") for i in ids)
    assert [h.proto.body for h in at.get("html")] == [map_background_css()]


def test_moving_the_slider_changes_what_the_map_shows() -> None:
    at = run_app()
    set_as_of(at, date(2019, 4, 25))
    assert _layer(at, "events")["filterRange"][0][1] == day_number(date(2019, 4, 25))
    assert "7 events and 0 route legs shown as of 2019-04-25" in _caption_text(at)
    set_as_of(at, date(2023, 9, 20))
    assert _layer(at, "route")["filterRange"][0][1] == day_number(date(2023, 9, 20))
    assert "2 route legs shown as of 2023-09-20" in _caption_text(at)


def test_map_slider_starts_at_the_url_date_and_spans_the_data() -> None:
    """The map component's slider: the session's date, the data's first and last day, the label's language."""
    at = run_app(date="2023-09-13", lang="ja")
    data = map_data(at)
    assert (data["day"], data["first"], data["last"]) == tuple(day_number(d) for d in (date(2023, 9, 13), FIRST, LAST))
    assert data["label"] == "基準日"
    # A step the browser reports lands in the session's date; the rerun moves everything else.
    set_as_of(at, date(2019, 4, 25))
    assert map_data(at)["day"] == day_number(date(2019, 4, 25))
    assert "2019-04-25" in _caption_text(at)


def test_the_timeline_strip_comes_with_the_map_and_not_with_each_date() -> None:
    """The strip under the map is drawn by the map component: its data are sent once, whatever the date."""
    at = run_app(date="2019-04-25")
    strip = map_data(at)["timeline"]
    marks = read_published(strip["marks"])
    assert len(marks["title"]) == N_EVENTS and "Kim–Putin summit at Vostochny Cosmodrome" in marks["title"]
    set_as_of(at, date(2023, 10, 13))
    assert map_data(at)["timeline"] == strip, "a date step changes nothing the strip was sent"
    assert not at.get("vega_lite_chart"), "no Vega-Lite chart is redrawn by every step"


def test_step_buttons_move_by_the_chosen_step() -> None:
    at = run_app(date="2023-09-13")
    next(b for b in at.button if "Back" in b.label).click().run()  # step: month
    assert at.session_state["as_of"] == date(2023, 8, 13)
    at.selectbox(key="step").set_value("year").run()
    set_as_of(at, LAST.replace(month=1) if LAST.month > 1 else LAST)
    next(b for b in at.button if b.label.startswith("Forward")).click().run()
    assert at.session_state["as_of"] == LAST  # clamped to the last date
    next(b for b in at.button if "Start" in b.label).click().run()
    assert at.session_state["as_of"] == date(2000, 7, 19)


def test_play_advances_and_pauses() -> None:
    at = run_app(date="2023-09-13")
    next(b for b in at.button if "Play" in b.label).click().run()
    assert at.session_state["playing"] is True
    assert any("Pause" in b.label for b in at.button)
    next(b for b in at.button if "Pause" in b.label).click().run()
    assert at.session_state["playing"] is False


def test_public_clock_switches_the_filter_to_disclosure_dates() -> None:
    at = run_app(date="2023-10-01")
    assert "2 route legs" in _caption_text(at)
    at.radio(key="clock").set_value("public").run()
    assert _layer(at, "route")["getFilterValue"] == "@@=[t_public, t_public]"
    assert "0 route legs" in _caption_text(at)


def test_language_switch_translates_ui_and_labels() -> None:
    at = run_app()
    at.radio(key="lang").set_value("ja").run()
    assert at.title[0].value == "ロシア・北朝鮮関係マップ"
    names = {r["id"]: r["name"] for r in read_published(_layer(at, "place-labels")["data"])}
    assert names["vostochny"] == "ボストーチヌイ宇宙基地"
    assert "rajin" not in names  # crowded port labels are left out at the whole-route scale
    at.selectbox(key="region").set_value("rajin_dunai").run()
    names = {r["id"]: r["name"] for r in read_published(_layer(at, "place-labels")["data"])}
    assert names["rajin"] == "羅津港"


def test_layer_toggle_removes_the_layer() -> None:
    at = run_app()
    at.checkbox(key="layer_events").uncheck().run()
    ids = [layer["id"] for layer in deck_json(at)["layers"]]
    assert "events" not in ids and "route" in ids


def test_detail_panel_shows_quotes_claim_and_disagreement() -> None:
    at = run_app()
    at.selectbox(key="selected").set_value("event:lavrov-visits-pyongyang-2023").run()
    text = " ".join(m.value for m in at.markdown)
    assert "10月16\\~17日に訪朝したラブロフ外相" in text or "10月16~17日に訪朝したラブロフ外相" in text
    assert any("Sources disagree" in w.value for w in at.warning)
    at.selectbox(key="selected").set_value("leg:sea").run()
    text = " ".join(m.value for m in at.markdown)
    assert "Asserted by" in text and "1,000" in text and "ロシア船舶によって" in text


def test_url_restores_the_view_and_is_kept_in_step() -> None:
    at = run_app(date="2019-04-25", lang="ja", region="far_east", event="vladivostok-summit-2019", layers="places,events")
    assert at.session_state["as_of"] == date(2019, 4, 25)
    assert at.session_state["selected"] == "event:vladivostok-summit-2019"
    assert "route" not in [layer["id"] for layer in deck_json(at)["layers"]]
    set_as_of(at, date(2023, 9, 13))
    assert at.query_params["date"] in ("2023-09-13", ["2023-09-13"])


def test_hostile_url_is_ignored_with_notices() -> None:
    at = run_app(date="<script>alert(1)</script>", lang="xx", layers="evil", junk="1")
    notices = " ".join(i.value for i in at.info)
    assert "date=" in notices and "lang=` xx `" in notices and "layers=` evil `" in notices and "` junk `" in notices
    assert at.session_state["as_of"] == LAST


def test_broken_data_file_is_named_and_the_rest_still_shows(data_copy: Path, monkeypatch: pytest.MonkeyPatch, files_only: None) -> None:
    (data_copy / "route_legs.csv").write_text("id,mode\nsea,sea\n", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))
    at = run_app()
    warning = " ".join(w.value for w in at.warning)
    assert "route\\_legs\\.csv" in warning or "route_legs.csv" in warning
    assert f"{N_EVENTS} events and 0 route legs" in _caption_text(at)
