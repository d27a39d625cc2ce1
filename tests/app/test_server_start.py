"""The server's start-up (serve.py, rkmap/app/server_start.py): the page shell's preload and the data loaded early."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rkmap.app import server_start
from rkmap.app.deck_bundles import module_url, shell_script, warmup_deck
from rkmap.app.server_start import ShellPreload, is_page_path, with_script

REPO = Path(__file__).resolve().parents[2]
PAGE = b'<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n  </head>\n  <body><div id="root"></div></body>\n</html>\n'


def run_middleware(path: str, response_headers: list[tuple[bytes, bytes]], chunks: list[bytes],
                   request_headers: list[tuple[bytes, bytes]] | None = None, method: str = "GET") -> tuple[list[dict], dict]:
    """Run :class:`ShellPreload` around a stub app answering ``chunks``; return what was sent and the scope the app saw."""
    seen: dict = {}

    async def app(scope, receive, send):
        seen.update(scope)
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        for index, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "path": path, "headers": request_headers or []}
    # In a thread of its own: the browser tests' Playwright may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, ShellPreload(app, "<script>warm()</script>")(scope, receive, send)).result()
    return sent, seen


HTML = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"999"), (b"etag", b'"abc"'), (b"last-modified", b"x")]


def test_script_goes_first_in_the_head() -> None:
    edited = with_script(PAGE, "<script>warm()</script>")
    assert edited.count(b"<script>warm()</script>") == 1
    assert edited.index(b"<head>") < edited.index(b"warm()") < edited.index(b'<meta charset="UTF-8" />')
    assert edited.replace(b"\n<script>warm()</script>", b"") == PAGE


def test_page_without_a_head_is_left_alone() -> None:
    assert with_script(b"<p>no head</p>", "<script>x</script>") == b"<p>no head</p>"


@pytest.mark.parametrize(("path", "is_page"), [("/", True), ("/base/", True), ("/index.html", True),
                                               ("/static/js/index.js", False), ("/_stcore/health", False),
                                               ("/app/static/vendor/deckgl.js", False), ("/media/x.csv", False)])
def test_only_the_page_path_is_edited(path: str, is_page: bool) -> None:
    assert is_page_path(path) is is_page


def test_middleware_adds_the_script_and_fixes_the_headers() -> None:
    sent, seen = run_middleware("/", HTML, [PAGE[:40], PAGE[40:]],
                                request_headers=[(b"accept-encoding", b"gzip"), (b"if-none-match", b'"abc"'), (b"cookie", b"c")])
    start, body = sent[0], sent[1]
    assert len(sent) == 2 and body["body"] == with_script(PAGE, "<script>warm()</script>")
    headers = dict(start["headers"])
    assert headers[b"content-length"] == str(len(body["body"])).encode()
    # Streamlit's validators describe its file, not the page as sent: a 304 would bring back a stale copy.
    assert b"etag" not in headers and b"last-modified" not in headers
    # Asked for uncompressed and unconditionally, so there is always a body to edit; other headers kept.
    assert dict(seen["headers"]) == {b"cookie": b"c"}


@pytest.mark.parametrize(("path", "method", "headers"), [
    ("/static/js/index.js", "GET", [(b"content-type", b"text/javascript")]),
    ("/", "HEAD", HTML),
    ("/", "GET", [(b"content-type", b"text/html"), (b"content-encoding", b"gzip")]),
    ("/", "GET", [(b"content-type", b"application/json")]),
])
def test_middleware_passes_everything_else_through(path: str, method: str, headers: list) -> None:
    sent, _ = run_middleware(path, headers, [b"<head></head>"], method=method)
    assert sent[0]["headers"] == headers
    assert sent[1]["body"] == b"<head></head>"


def test_shell_script_loads_the_bundle_first_and_cannot_end_early() -> None:
    html = shell_script()
    assert f'<link rel="modulepreload" href="{module_url()}" fetchpriority="high">' in html
    script = re.fullmatch(r"(?s)(<link[^>]*>)+<script>(.*)</script>", html)
    assert script is not None, "preload links, then one script element"
    assert "</" not in script.group(2), "nothing inside may close the element"
    assert "preloadDeckGl(" in script.group(2) and 'performance.mark("deck-map:shell")' in script.group(2)
    assert json.dumps(module_url()) in script.group(2), "it imports the module the map imports: one instance"


def test_server_builds_the_shell_without_pydeck_or_pandas() -> None:
    """Importing pydeck (and numpy) before the server could answer made it ≈ 0.1 s later to start."""
    probe = ("import sys, streamlit, serve; "
             "print(sorted(m for m in ('pydeck', 'numpy', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_shell_carries_the_warm_up_deck_the_layers_build() -> None:
    """rkmap/app/warmup_deck.json is rkmap.render.primitives.warmup_deck_json(): run scripts/build_warmup_deck.py if not."""
    from rkmap.render.primitives import warmup_deck_json

    assert warmup_deck() == warmup_deck_json(), "stale rkmap/app/warmup_deck.json: run scripts/build_warmup_deck.py"
    assert json.dumps(warmup_deck()).replace("</", "<\\/") in shell_script()


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


def test_start_up_freezes_what_the_server_keeps_after_loading_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    order = []
    monkeypatch.setattr(server_start, "warm_data", lambda: order.append(("loaded", gc.get_freeze_count())))
    try:
        gc.unfreeze()
        server_start._start_up()
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
    assert order == [("loaded", 0)], "the data is loaded before the freeze, so it is frozen too"
    assert frozen > 10_000, "the modules and objects alive at start-up are out of the collector's rounds"


def test_a_full_collection_skips_the_frozen_start_up_objects() -> None:
    import gc

    try:
        gc.unfreeze()
        before = len(gc.get_objects())
        server_start.settle_heap()
        left = len(gc.get_objects())  # what a full collection still walks
    finally:
        gc.unfreeze()
    assert left < before / 10, (before, left)
