"""The server's start-up (serve.py, rkmap/app/server_start.py): the data loaded early, and the server's settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rkmap.app import server_start

REPO = Path(__file__).resolve().parents[2]


def test_server_starts_without_pydeck_or_pandas() -> None:
    """Importing pydeck (and numpy) before the server could answer made it ≈ 0.1 s later to start."""
    probe = ("import sys, streamlit, serve; "
             "print(sorted(m for m in ('pydeck', 'numpy', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_warm_data_fills_the_page_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from rkmap.app import data
    from rkmap.data import resolve_source

    calls = []
    monkeypatch.setattr(data, "load_cached", lambda key, source: calls.append((key, source)))
    server_start.warm_data()
    source = resolve_source()
    assert [key for key, _ in calls] == [source.cache_key], "the key the page's own run asks for"


def test_warm_data_leaves_failures_to_the_page(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from rkmap.app import data

    def broken(key, source):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(data, "load_cached", broken)
    with caplog.at_level("INFO", logger=server_start.__name__):
        server_start.warm_data()  # no exception
    assert "database unreachable" in caplog.text


def test_streamlit_runs_serve_py_as_the_app_server() -> None:
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(REPO / "serve.py")
    assert found.is_asgi_app and found.import_string == "serve:app"
    assert not discover_asgi_app(REPO / "app.py").is_asgi_app, "app.py stays the page"


def test_streamlit_does_not_collect_after_every_run() -> None:
    """A full collection after each run walked the dataset and modules, ≈ 35-45 ms a slider step (docs/performance-decisions.md)."""
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
