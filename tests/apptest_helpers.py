"""Driving app.py with Streamlit's AppTest: shared by the app, story, upload and download tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from rkmap.app.deck_bundles import COMPONENT

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_ok(at: AppTest) -> AppTest:
    """Run (or rerun) the app; it must not have raised."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_app(**query: str) -> AppTest:
    """A fresh session of the app opened with these URL parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return run_ok(at)


def map_data(at: AppTest) -> dict:
    """What the map component (rkmap/app/deck_map.py) sends the browser: deck JSON, day, span, bundles."""
    elements = [e for e in at.get("bidi_component") if e.proto.component_name == COMPONENT]
    assert len(elements) == 1, f"expected one map, found {len(elements)}"
    return json.loads(elements[0].proto.json)


def deck_json(at: AppTest) -> dict:
    """The map's pydeck JSON as the browser receives it."""
    return json.loads(map_data(at)["deck"])


def set_as_of(at: AppTest, day: date) -> AppTest:
    """Move the as-of date as the map's slider does (it reports into session state), and rerun."""
    at.session_state["as_of"] = day
    return run_ok(at)
