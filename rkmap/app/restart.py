"""After a server restart the open page recovers, and says what was lost (issue #26).

Streamlit 1.67's page reconnects by itself to a restarted server, but to a new
session that knows none of the page's fragments: each slider step asks to rerun
the map's fragment, which the server drops with only a log line ("The fragment
with id … does not exist anymore"), so the counts, the URL and the details stay
stale while the map moves, and the sidebar still lists uploads the server lost.

:func:`install` (called as the server starts, rkmap/app/server_start.py, and by the page
itself) wraps ``AppSession.request_rerun``: a session whose very first request
already carries the browser's widget state or a fragment id is a page that was
open before this server started. Its requests for fragments the server does not
know run the whole page instead, and :func:`restart_notice` tells the analyst in
plain words. Sessions of pages loaded from this server are never touched.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

LOGGER = logging.getLogger(__name__)
RECONNECTED = "_map_reconnected"  # set on the AppSession of a page that was open before this server started
_SEEN = "_map_first_request_seen"
_ADOPTED = "_restart_browser_state_adopted"
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Wrap ``AppSession.request_rerun`` once per process (see the module's doc)."""
    global _installed
    with _lock:
        if _installed:
            return
        from streamlit.runtime.app_session import AppSession

        original = AppSession.request_rerun

        def request_rerun(self, client_state):
            if client_state is not None and not getattr(self, _SEEN, False):
                setattr(self, _SEEN, True)
                if client_state.fragment_id or len(client_state.widget_states.widgets):
                    setattr(self, RECONNECTED, True)
                    LOGGER.info("A page open before this server started reconnected: its next runs are whole-page runs")
            fragment_id = client_state.fragment_id if client_state is not None else ""
            if fragment_id and getattr(self, RECONNECTED, False) and not self.has_fragment(fragment_id):
                whole = type(client_state)()
                whole.CopyFrom(client_state)
                whole.fragment_id = ""
                client_state = whole
            return original(self, client_state)

        AppSession.request_rerun = request_rerun  # type: ignore[method-assign]
        _installed = True


def reconnected() -> bool:
    """True in a session of a page that was open before this server started."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        info = Runtime.instance()._session_mgr.get_session_info(ctx.session_id) if ctx else None
        return bool(info and getattr(info.session, RECONNECTED, False))
    except Exception:  # noqa: BLE001 - no runtime (AppTest, bare mode): nothing reconnected
        return False


def first_run_after_restart() -> bool:
    """True once per session, in the first run of a page that was open before this server started.

    Callbacks of the page's widgets (the map's ``on_day_change``) do not fire in a
    new session, which has not yet seen the widgets: the caller adopts what the
    browser holds (its slider day) itself.
    """
    if not reconnected() or st.session_state.get(_ADOPTED):
        return False
    st.session_state[_ADOPTED] = True
    return True


NOTICE = {
    "en": "The server restarted while this page was open. The page has reconnected and shows the current data; "
    "files you had added under “Your data” (and any prepared download) were lost on the server: add them again if you need them.",
    "ja": "このページを開いている間にサーバーが再起動しました。ページは再接続され、現在のデータを表示しています。"
    "「あなたのデータ」に追加したファイル（と作成済みのダウンロード）はサーバー上で失われました。必要なら再度追加してください。",
}


def restart_notice(lang: str) -> None:
    """A plain notice in a page that reconnected to a restarted server (and :func:`install`, for ``streamlit run app.py``)."""
    install()
    if reconnected():
        st.info(NOTICE.get(lang, NOTICE["en"]), icon="🔄")
