"""What the server does before the first visitor's page runs (serve.py).

A first visit used to wait for two things in turn: the server importing the
data modules and loading the dataset (≈ 0.35 s of its first run), then the
browser building the map's shader pipelines (≈ 0.5-0.9 s in software WebGL)
once deck.gl had loaded. Here:

- :func:`lifespan` loads the dataset into the page's cache (rkmap/app/data.py) in a
  thread as the server starts, while the browser is still loading Streamlit,
  then freezes what the server keeps out of the garbage collector's way
  (:func:`settle_heap`), which Streamlit runs after every script run;
- :class:`ShellPreload` adds the deck.gl preload (rkmap/app/deck_bundles.py) to the
  HTML page Streamlit serves, so the browser starts deck.gl and the warm-up
  deck while Streamlit's own code loads, a second before the page's first run
  could ask for it.

None changes what the page shows. ``streamlit run app.py`` still works; it
only does without them.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from rkmap.app.bench_off import off

LOGGER = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Request headers that would let the page come back compressed or as "not modified" (no body to add to).
_UNEDITABLE_REQUEST = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
# Response headers that describe Streamlit's file, not the page as sent.
_STALE_RESPONSE = {b"content-length", b"etag", b"last-modified"}


def with_script(page: bytes, script: str) -> bytes:
    """``page`` with ``script`` first in its ``<head>``; unchanged if it has none.

    First, so the browser asks for deck.gl before Streamlit's sixty-odd modules,
    which would otherwise hold it back until Streamlit's own start-up needs the
    main thread.
    """
    match = re.search(rb"<head(\s[^>]*)?>", page)  # not <header>
    if match is None:
        return page
    return page[: match.end()] + b"\n" + script.encode("utf-8") + page[match.end() :]


def is_page_path(path: str) -> bool:
    """The app's page (``/``, under any base URL path), not a file, an API or a websocket path."""
    return path.endswith("/") or path.endswith("/index.html")


class ShellPreload:
    """ASGI middleware: the HTML page Streamlit serves, with ``script`` added to its head.

    Only GET requests for the page are touched, and only an uncompressed HTML
    answer is edited; everything else passes through unchanged.
    """

    def __init__(self, app: ASGIApp, script: str) -> None:
        self.app = app
        self.script = script

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("method") != "GET" or not is_page_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = [(name, value) for name, value in scope.get("headers", []) if name.lower() not in _UNEDITABLE_REQUEST]
        start: Message | None = None
        body: list[bytes] = []

        async def edit(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if _is_plain_html(message.get("headers", [])):
                    start = message  # held until the whole body is in
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = with_script(b"".join(body), self.script)
                kept = [(name, value) for name, value in start.get("headers", []) if name.lower() not in _STALE_RESPONSE]
                await send({**start, "headers": [*kept, (b"content-length", str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page})
            else:
                await send(message)

        await self.app({**scope, "headers": headers}, receive, edit)


def _is_plain_html(headers: list[tuple[bytes, bytes]]) -> bool:
    named = {name.lower(): value.lower() for name, value in headers}
    return named.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in named


def warm_data() -> None:
    """Import the data modules and load the dataset into the page's cache; a failure is left to the page.

    The page reports a bad configuration, an unreachable database or broken
    files on its run, in the reader's language; here they are only logged.
    """
    try:
        from rkmap.app.data import load_cached
        from rkmap.data import resolve_source

        source = resolve_source()
        load_cached(source.cache_key, source)
    except Exception as exc:  # noqa: BLE001 - the page's own run says what went wrong
        LOGGER.info("Data not loaded at start-up (the page will say why): %s", exc)


def settle_heap() -> None:
    """Take what the server holds for its lifetime out of the garbage collector's rounds.

    Streamlit runs a full collection after every script run (``runner.postScriptGC``),
    slider steps included. It walks every tracked object in the process: the modules
    and the dataset loaded by then are ≈ 100 k of them, 35-45 ms here, during which
    the server holds the GIL and answers nothing, the step's end included. Frozen,
    they are skipped (≈ 1 ms a run); what sessions create is still collected after
    each run. No collection first: it would stall the first page's loading as long,
    and the start-up's cyclic garbage it could free is small and kept only once.
    """
    gc.freeze()


def _start_up() -> None:
    from rkmap.render.static_files import clean_cache_at_start

    clean_cache_at_start()  # issue #26: no leftover of a session's data, and the folder within its bound
    if not off("warm_data"):
        warm_data()
    if not off("gc_freeze"):
        settle_heap()


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """st.App's start-up hook: :func:`warm_data` then :func:`settle_heap`, in a thread, so the server answers at once."""
    from rkmap.app.restart import install

    install()  # before any page's request: a page open before this start recovers (rkmap/app/restart.py)
    threading.Thread(target=_start_up, name="warm-data", daemon=True).start()
    yield


def middleware() -> list[object]:
    """The page-shell preload, as st.App middleware."""
    from starlette.middleware import Middleware

    from rkmap.app.deck_bundles import shell_script

    if off("shell_preload") or off("preload"):
        return []
    return [Middleware(ShellPreload, script=shell_script())]
