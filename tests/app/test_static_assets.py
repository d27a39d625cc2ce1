"""Streamlit's frontend files answered from memory (rkmap/app/static_assets.py): Streamlit's own answer, or Streamlit's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from streamlit import file_util
from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

from rkmap.app.static_assets import StaticAssets, asset_files

STATIC_DIR = Path(file_util.get_static_dir())


def _call(app, path: str, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None) -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": headers or [], "scheme": "http", "server": ("127.0.0.1", 8501), "http_version": "1.1"}
    sent: list[dict] = []
    asked: list[int] = []

    async def receive() -> dict:
        if asked:  # the request had no more to it: wait, as a connection still open does, until the answer is sent
            await asyncio.Event().wait()
        asked.append(1)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


class _Inner:
    """Stands for Streamlit: records what reached it."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b"streamlit"})


def _samples() -> list[str]:
    files = asset_files(STATIC_DIR)
    picks = [next(p for p in files if p.endswith(suffix)) for suffix in (".js", ".css", ".woff2")]
    return picks + [max(files, key=lambda p: files[p].stat().st_size)]


@pytest.mark.parametrize("path", _samples())
def test_a_frontend_file_gets_streamlits_own_answer(path) -> None:
    streamlit_answer = _call(create_streamlit_static_handler(str(STATIC_DIR), None), path)
    inner = _Inner()
    ours = StaticAssets(inner, STATIC_DIR, "")
    assert _call(ours, path) == streamlit_answer, "the same status, headers and bytes"
    assert _call(ours, path) == streamlit_answer, "and again, from memory"
    status, headers, body = _call(ours, path, "HEAD")
    assert (status, headers, body) == (200, streamlit_answer[1], b"")
    assert inner.paths == [] and streamlit_answer[0] == 200
    assert b"immutable" in streamlit_answer[1][b"cache-control"]


@pytest.mark.parametrize("path", [
    "/", "/index.html", "/manifest.json", "/favicon.png", "/static/", "/static/js", "/static/js/",
    "/static/js/no-such-file.js", "/static/../index.html", "/static/js/../../index.html", "/static//etc/passwd",
    "//static/js/x.js", "/static/%2e%2e/index.html", "/static/js/\x00.js", "/_stcore/health", "/app/static/cache/x.json",
    "/STATIC/js/x.js",
])
def test_anything_else_goes_on_to_streamlit(path) -> None:
    inner = _Inner()
    assert _call(StaticAssets(inner, STATIC_DIR, ""), path) == (418, {}, b"streamlit")
    assert inner.paths == [path]


@pytest.mark.parametrize("method, header", [("POST", None), ("PUT", None), ("GET", b"range"), ("GET", b"if-none-match"), ("GET", b"If-Modified-Since")])
def test_ranges_conditions_and_other_methods_go_on_to_streamlit(method, header) -> None:
    path = _samples()[0]
    inner = _Inner()
    headers = [(header, b"bytes=0-10")] if header else []
    assert _call(StaticAssets(inner, STATIC_DIR, ""), path, method, headers)[0] == 418
    assert inner.paths == [path]


def test_under_a_base_url_only_its_paths_are_answered() -> None:
    path = _samples()[0]
    inner = _Inner()
    ours = StaticAssets(inner, STATIC_DIR, "/team/map/")
    assert _call(ours, f"/team/map{path}")[0] == 200
    assert _call(ours, path)[0] == 418 and inner.paths == [path]


def test_only_files_inside_the_asset_folder_are_listed(tmp_path) -> None:
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "main.abc.js").write_text("ok")
    (tmp_path / "static" / "page.html").write_text("<p>")
    (tmp_path / "static" / "x.json").write_text("{}")
    (tmp_path / "index.html").write_text("<p>")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (tmp_path / "static" / "js" / "link.js").symlink_to(secret)
    (tmp_path / "static" / "js" / "dir.js").symlink_to(tmp_path, target_is_directory=True)
    assert asset_files(tmp_path) == {"/static/js/main.abc.js": (tmp_path / "static" / "js" / "main.abc.js").resolve()}
    assert asset_files(tmp_path / "missing") == {}


def test_a_file_that_went_away_is_left_to_streamlit(tmp_path) -> None:
    (tmp_path / "static" / "js").mkdir(parents=True)
    chunk = tmp_path / "static" / "js" / "a.js"
    chunk.write_text("x")
    inner = _Inner()
    ours = StaticAssets(inner, tmp_path, "")
    chunk.unlink()
    assert _call(ours, "/static/js/a.js")[0] == 418
