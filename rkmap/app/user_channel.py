"""The columnar channel: a session's many own events, served from memory to that session only.

Issue #27: with a large upload the user layer travelled inline in the map's
JSON (21 MB and 4.4 s to serialise at 100 k rows, sent again by every slider
step's rerun; with 1 M rows no map came within 300 s). Shipped data go to the
browser as static files, fetched once; a session's own rows may never be
written to disk or be readable by another session (issue #26). So the server
(serve.py's ``st.App``) mounts one route, :data:`ROUTE`, that answers from
memory:

- ``GET /rkmap-user/<token>``: the events as binary columns
  (rkmap/render/user_columns.py), fetched once per upload by the browser
  (rkmap/app/columnar.js), which hands them to deck.gl as binary attributes;
- ``GET /rkmap-user/<token>/row/<lang>/<index>``: one row's id and tooltip,
  asked for when the pointer is over a symbol or clicks it;
- ``GET /rkmap-user/<token>/halo/<clock>/<days>``: the events' "happening now"
  halo under that clock and emphasis, as binary columns too.

A request is answered only if its token is registered, the ``X-Rkmap-Key``
header carries the secret of the session that registered it, and that session
is still connected; otherwise 404, the same as for a token that never
existed. Tokens are 256-bit random (``secrets``), new for every user dataset.

Nothing is kept alive by the registry: an entry holds a weak reference to the
session's user dataset, whose columns are memoised on it (rkmap/core/memo.py).
Removing an upload replaces the session's merged dataset
(rkmap/app/upload_panel.py ``session_dataset``), so the old one, its columns
and its entry go. When the session disconnects, Streamlit releases its
session-scoped resource (:func:`_session_entries`), which unregisters its
tokens at once.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:  # serve.py imports this module: the server starts before pandas and pydeck are imported
    from rkmap.data import Dataset

ROUTE = "/rkmap-user"
KEY_HEADER = "X-Rkmap-Key"
_SECRET_KEY = "_user_channel_secret"  # session-state key of this session's secret
_lock = threading.Lock()


@dataclass
class _Entry:
    session_id: str
    secret: str
    dataset: weakref.ref  # the session's user dataset; the entry dies with it


@dataclass
class _Registry:
    entries: dict[str, _Entry] = field(default_factory=dict)
    mounted: bool = False  # set by :func:`routes` (serve.py); without the route the user layer stays inline

    def register(self, session_id: str, secret: str, user: Dataset, token: str) -> None:
        with _lock:
            known = self.entries.get(token)
            if known is not None and known.session_id == session_id and known.secret == secret and known.dataset() is user:
                return
            self.entries[token] = _Entry(session_id, secret, weakref.ref(user))
        # The entry goes with the dataset (an upload removed), not only with the session.
        weakref.finalize(user, self.forget, token)

    def forget(self, token: str) -> None:
        with _lock:
            self.entries.pop(token, None)

    def forget_session(self, session_id: str) -> None:
        with _lock:
            for token in [t for t, e in self.entries.items() if e.session_id == session_id]:
                del self.entries[token]

    def lookup(self, token: str, key: str | None, is_active: Callable[[str], bool]) -> Dataset | None:
        """The user dataset behind ``token`` for the session whose secret is ``key``; None for anyone else."""
        with _lock:
            entry = self.entries.get(token)
        if entry is None or key is None or not secrets.compare_digest(entry.secret, key):
            return None
        if not is_active(entry.session_id):
            return None
        return entry.dataset()


REGISTRY = _Registry()


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _release(session_id: str) -> None:
    REGISTRY.forget_session(session_id)


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _session_entries(session_id: str) -> str:
    """A session-scoped resource whose release (Streamlit: when the session disconnects) unregisters the session's tokens."""
    return session_id


def publisher() -> Callable[[Dataset], dict[str, str]] | None:
    """For this session's run: what gives a user dataset's channel (``{"url", "key"}``); None where the route is not mounted
    (``streamlit run app.py``, AppTest), where the user layer stays inline in the map's JSON."""
    session_id = _session_id()
    if not REGISTRY.mounted or session_id is None:
        return None
    _session_entries(session_id)
    secret = st.session_state.get(_SECRET_KEY)
    if secret is None:
        secret = st.session_state[_SECRET_KEY] = secrets.token_urlsafe(32)

    def publish(user: Dataset) -> dict[str, str]:
        from rkmap.core.memo import memo

        token = memo(user, "user-channel-token", lambda: secrets.token_urlsafe(32))
        # Registered on every run (a dict entry): a reconnect's release does not leave the page without its data.
        REGISTRY.register(session_id, secret, user, token)
        served_blob(user)  # built in this run, so the browser's one fetch is answered at once
        return {"url": f"{ROUTE}/{token}", "key": secret}

    return publish


def columns_blob(user: Dataset) -> bytes:
    """The binary columns of a user dataset's events (rkmap/render/user_columns.py)."""
    from rkmap.render.layer_parts import USER
    from rkmap.render.user_columns import event_tiers, pack

    return pack(*event_tiers(user.events, USER))


# gzip level 1: 36 MB of columns at 1 M rows become 17 MB in 1.2 s; Streamlit's own gzip middleware
# (level 9, on the way out) took 13 s for them, so the route sends them compressed already.
GZIP_LEVEL = 1


def served_blob(user: Dataset) -> bytes:
    """:func:`columns_blob` gzipped, built once per dataset (only the compressed copy is kept)."""
    return _gzipped(user, "user-channel-columns", lambda: columns_blob(user))


def served_halo(user: Dataset, clock: str, emphasis_days: int) -> bytes:
    """The 'happening now' halo of a user dataset's events under ``clock`` and ``emphasis_days``
    (rkmap/render/user_columns.py halo_tiers), gzipped, built once per dataset and setting; the browser asks for it after the events."""
    from rkmap.render.user_columns import halo_tiers, pack

    return _gzipped(user, f"user-channel-halo-{clock}-{emphasis_days}", lambda: pack(*halo_tiers(user.events, clock, emphasis_days)))


def _gzipped(user: Dataset, key: str, build: Callable[[], bytes]) -> bytes:
    """``build()`` gzipped at GZIP_LEVEL, memoised on the user dataset under ``key``."""
    import gzip

    from rkmap.core.memo import memo

    return memo(user, key, lambda: gzip.compress(build(), GZIP_LEVEL, mtime=0))


def _row(user: Dataset, index: int, lang: str) -> dict[str, object] | None:
    from rkmap.render.layer_parts import USER
    from rkmap.render.user_columns import row_pick

    return row_pick(user, index, lang, USER)


# --- the route (mounted by serve.py) -----------------------------------------------------


def _is_active(session_id: str) -> bool:
    from streamlit.runtime import Runtime

    return Runtime.exists() and Runtime.instance().is_active_session(session_id)


def routes(is_active: Callable[[str], bool] = _is_active) -> list[object]:
    """The Starlette routes of the channel, for ``st.App(routes=...)``; mounting them turns the channel on."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    # Never stored by the browser or a proxy (a session's data on no disk), never sniffed as another type.
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

    def not_found() -> Response:
        return Response(status_code=404, headers=headers)

    async def columns(request) -> Response:
        user = REGISTRY.lookup(request.path_params["token"], request.headers.get(KEY_HEADER), is_active)
        if user is None:
            return not_found()
        blob = await run_in_threadpool(served_blob, user)  # built in the run already; a thread if not
        # Already compressed: the Content-Encoding keeps Streamlit's gzip middleware from compressing it again.
        return Response(blob, media_type="application/octet-stream", headers={**headers, "Content-Encoding": "gzip"})

    async def halo(request) -> Response:
        from rkmap.render.view import EMPHASIS_CHOICES

        user = REGISTRY.lookup(request.path_params["token"], request.headers.get(KEY_HEADER), is_active)
        clock, days = request.path_params["clock"], request.path_params["days"]
        if user is None or clock not in ("event", "public") or days not in EMPHASIS_CHOICES:
            return not_found()
        blob = await run_in_threadpool(served_halo, user, clock, days)
        return Response(blob, media_type="application/octet-stream", headers={**headers, "Content-Encoding": "gzip"})

    async def row(request) -> Response:
        user = REGISTRY.lookup(request.path_params["token"], request.headers.get(KEY_HEADER), is_active)
        lang = request.path_params["lang"]
        if user is None or lang not in ("en", "ja"):
            return not_found()
        picked = await run_in_threadpool(_row, user, request.path_params["index"], lang)
        return JSONResponse(picked, headers=headers) if picked is not None else not_found()

    REGISTRY.mounted = True
    return [
        Route(f"{ROUTE}/{{token}}", columns, methods=["GET"]),
        Route(f"{ROUTE}/{{token}}/row/{{lang}}/{{index:int}}", row, methods=["GET"]),
        Route(f"{ROUTE}/{{token}}/halo/{{clock}}/{{days:int}}", halo, methods=["GET"]),
    ]
