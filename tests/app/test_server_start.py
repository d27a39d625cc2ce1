"""The server's start-up (serve.py, rkmap/app/server_start.py): the data loaded early, and the server's settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rkmap.app import server_start
from rkmap.render import label_store

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


def test_warm_data_builds_the_first_visit_map() -> None:
    """The default view's country hatch and label placements are built at start-up, not in a first page's run."""
    from rkmap.app.data import load_cached
    from rkmap.core import memo
    from rkmap.data import resolve_source

    server_start.warm_data()
    source = resolve_source()
    dataset, _ = load_cached(source.cache_key, source)
    keys = {key for (owner, key) in memo._values if owner == id(dataset)}
    # The events layer on (area labels among them), no analyst's rows beside the data (deck.label_sets).
    assert any(key.startswith("label-sets-en-route:") and key.endswith("-True-False") for key in keys), sorted(keys)
    assert any(key.startswith("area-records-en-event-route") for key in keys), sorted(keys)
    assert "story" in keys


def test_a_page_waits_only_while_the_start_up_warms(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    server_start.wait_for_warm_up(timeout_s=0.0)  # nothing warming (no serve.py start-up): no wait
    warming = threading.Event()
    monkeypatch.setattr(server_start, "_warm", warming)
    started = time.monotonic()
    threading.Timer(0.2, warming.set).start()
    server_start.wait_for_warm_up(timeout_s=10.0)
    assert 0.15 < time.monotonic() - started < 5.0


def test_a_failed_warm_up_does_not_hold_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from rkmap.app import data

    def broken(key, source):
        raise RuntimeError("database unreachable")

    warming = threading.Event()
    monkeypatch.setattr(server_start, "_warm", warming)
    monkeypatch.setattr(data, "load_cached", broken)
    server_start.warm_data()
    assert warming.is_set()


def test_the_fork_server_is_not_started_with_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its imports took CPU from a first visitor's map and slider on two cores: the first upload starts it."""
    from rkmap.data import load_worker
    from rkmap.render import static_files

    steps: list[str] = []
    monkeypatch.setattr(server_start, "warm_data", lambda: steps.append("warm"))
    monkeypatch.setattr(load_worker, "start_worker_server", lambda: steps.append("fork server"))
    monkeypatch.setattr(static_files, "clean_cache_at_start", lambda: None)
    monkeypatch.setattr(label_store, "use", lambda folder: steps.append("label store"))
    server_start._start_up()
    assert steps == ["label store", "warm"]
    monkeypatch.setenv("MAP_BENCH_OFF", "late_fork_server")  # the benchmark's comparison: started first, as before
    steps.clear()
    server_start._start_up()
    assert steps == ["label store", "fork server", "warm"]


def test_the_server_keeps_its_label_placements_outside_the_served_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The placements of the data everyone sees, between starts (rkmap/render/label_store.py); the benchmark can leave them out."""
    from rkmap.core.paths import SERVER_CACHE_DIR, STATIC_DIR
    from rkmap.render import static_files

    used: list[object] = []
    monkeypatch.setattr(server_start, "warm_data", lambda: None)
    monkeypatch.setattr(static_files, "clean_cache_at_start", lambda: None)
    monkeypatch.setattr(label_store, "use", used.append)
    server_start._start_up()
    assert used == [SERVER_CACHE_DIR / "label-sets"]
    assert STATIC_DIR not in used[0].parents
    used.clear()
    monkeypatch.setenv("MAP_BENCH_OFF", "label_store")
    server_start._start_up()
    assert used == []
