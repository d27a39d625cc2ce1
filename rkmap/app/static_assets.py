"""Streamlit's own frontend files answered from memory, in one step of the server's event loop.

A first visit's browser asks for about sixty of Streamlit's script chunks while
the server's start-up thread loads the data and builds the first map
(rkmap/app/server_start.py). Streamlit answers each through Starlette's
``StaticFiles``, which looks the file up and reads it in worker threads: each
hop back to Python waits for the start-up thread to let go of the interpreter
lock, and the chunks arrived later than with an idle server. Here a chunk is
read once and then answered without a thread (docs/performance-decisions.md).

Only files inside Streamlit's ``static/static`` folder (its hashed ``js``,
``css`` and ``media`` files, which Streamlit itself serves as immutable) are
answered, for GET and HEAD without a Range or conditional header, with the
headers Streamlit gives them (Starlette's ``FileResponse`` makes them); the
names are looked up in a list of that folder, so no other path can reach the
disk. Everything else goes on to Streamlit.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

ASSET_FOLDER = "static"  # inside Streamlit's static directory: the hashed files its index.html loads
# Streamlit's own answers for these files are "public, immutable" for a year (checked against Streamlit 1.67).
_CACHE_CONTROL = b"public, immutable, max-age=31536000"
_ALWAYS_ASKED = (".html", ".json")  # never immutable in Streamlit's answers: left to it
_LEFT_TO_STREAMLIT = {b"range", b"if-none-match", b"if-modified-since", b"if-range"}


def asset_files(static_dir: str | Path) -> dict[str, Path]:
    """Streamlit's hashed frontend files, by the URL path (``/static/js/…``) it serves each at.

    Regular files only: a symbolic link, to a file or a folder, is not followed (Streamlit answers it).
    """
    root = Path(static_dir).resolve()
    files: dict[str, Path] = {}
    folders = [root / ASSET_FOLDER]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(_ALWAYS_ASKED):
                path = Path(entry.path)
                files["/" + path.relative_to(root).as_posix()] = path
    return dict(sorted(files.items()))


class StaticAssets:
    """ASGI middleware: Streamlit's frontend files from memory (read at their first request); the rest to ``app``."""

    def __init__(self, app: ASGIApp, static_dir: str | Path | None = None, base_url: str | None = None) -> None:
        if static_dir is None or base_url is None:
            import streamlit as st
            from streamlit import file_util

            static_dir = file_util.get_static_dir() if static_dir is None else static_dir
            base_url = str(st.get_option("server.baseUrlPath") or "") if base_url is None else base_url
        self.app = app
        self.prefix = "/" + base_url.strip("/") if base_url.strip("/") else ""
        self.files = asset_files(static_dir)
        self.answers: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self._answer(scope) if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") else None
        if answer is None:
            await self.app(scope, receive, send)
            return
        headers, body = answer
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})

    def _answer(self, scope: Scope) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        path = str(scope.get("path", ""))
        if not path.startswith(self.prefix + "/") or any(name.lower() in _LEFT_TO_STREAMLIT for name, _ in scope.get("headers", ())):
            return None
        key = path[len(self.prefix):]
        answer = self.answers.get(key)
        if answer is None and key in self.files:
            from starlette.responses import FileResponse

            path = self.files[key]
            try:
                body, stat = path.read_bytes(), path.stat()
            except OSError:
                return None  # Streamlit answers it (or says why not)
            # Starlette's own headers for the file (type, length, ETag, Last-Modified), as Streamlit sends them.
            headers = [*FileResponse(path, stat_result=stat).raw_headers, (b"cache-control", _CACHE_CONTROL)]
            answer = self.answers[key] = (headers, body)
        return answer


def middleware() -> list[object]:
    """The middleware list for ``st.App`` (serve.py)."""
    from starlette.middleware import Middleware

    from rkmap.app.bench_off import off

    return [] if off("static_in_memory") else [Middleware(StaticAssets)]

