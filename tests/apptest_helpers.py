"""Driving app.py with Streamlit's AppTest: shared by the app, story, upload and download tests."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

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


def deck_json(at: AppTest) -> dict:
    """The map's pydeck JSON as the browser receives it."""
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)
