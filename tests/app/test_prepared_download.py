"""Downloads hand the browser bytes held by the session (rkmap/app/_prepared.py), made once per view."""

from __future__ import annotations

from apptest_helpers import APP
from streamlit.testing.v1 import AppTest


def _panel_app(prepare: bool) -> None:
    import streamlit as st

    from rkmap.app._prepared import prepared_download

    calls = st.session_state.setdefault("calls", [])
    view = st.session_state.get("view", "2023-10-13")

    def make() -> bytes:
        calls.append(view)
        return f"file for {view}".encode()

    prepared_download("demo", view, make, download_label="Download demo", file_name="demo.txt", mime="text/plain", prepare_label="Prepare demo" if prepare else None)


def _labels(at: AppTest, kind: str) -> list[str]:
    return [element.label for element in at.get(kind)]


def test_a_small_file_is_made_once_per_view_and_remade_when_the_view_changes() -> None:
    at = AppTest.from_function(_panel_app, kwargs={"prepare": False}).run()
    assert _labels(at, "download_button") == ["Download demo"]
    at.run()
    assert at.session_state["calls"] == ["2023-10-13"]  # a rerun for the same view reuses the bytes
    at.session_state["view"] = "2024-01-17"
    at.run()
    assert at.session_state["calls"] == ["2023-10-13", "2024-01-17"]
    assert at.session_state["prepared_file_demo"] == ("2024-01-17", b"file for 2024-01-17")  # only the current file is kept


def test_a_large_file_is_made_only_when_asked_and_dropped_when_the_view_moves_on() -> None:
    at = AppTest.from_function(_panel_app, kwargs={"prepare": True}).run()
    assert _labels(at, "download_button") == [] and _labels(at, "button") == ["Prepare demo"]
    assert at.session_state["calls"] == []
    at.button[0].click().run()
    assert _labels(at, "download_button") == ["Download demo"] and at.session_state["calls"] == ["2023-10-13"]
    at.session_state["view"] = "2024-01-17"
    at.run()
    assert _labels(at, "download_button") == [] and _labels(at, "button") == ["Prepare demo"]
    assert "prepared_file_demo" not in at.session_state  # the stale file is freed, not offered


def test_closed_panels_make_nothing_and_open_panels_offer_the_files() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["date"] = "2023-10-13"
    at.run()
    assert not at.exception
    assert "Download CSV" not in _labels(at, "download_button")
    assert "prepared_file_data_download_csv" not in at.session_state
    at.session_state["data_download_open"] = True
    at.session_state["export_open"] = True
    at.run()
    assert {"Download GeoJSON", "Download KML (Google Earth)", "Download CSV"} <= set(_labels(at, "download_button"))
    assert "Download PNG" not in _labels(at, "download_button")  # an image is made on request
    geojson = at.session_state["prepared_file_data_download_geojson"][1]
    assert b'"vostochny-summit-2023"' in geojson and b'"2023-10-13"' in geojson
    next(b for b in at.button if b.label == "Make PNG for download").click().run()
    assert "Download PNG" in _labels(at, "download_button")
    assert at.session_state["prepared_file_export_download"][1].startswith(b"\x89PNG")


def test_export_panel_offers_video_and_slide_decks() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["date"] = "2023-10-13"
    at.session_state["export_open"] = True
    at.run()
    assert not at.exception
    labels = _labels(at, "button")
    assert {"Make MP4 video", "Make slide deck (PPTX)", "Make the story deck (PPTX)"} <= set(labels)
    assert "7d" not in [str(o) for s in at.selectbox for o in s.options]  # steps read '1 week', not '7d'
