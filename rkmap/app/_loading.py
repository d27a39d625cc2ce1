"""An added file read in the worker process (rkmap/data/load_worker.py), with its progress shown while it reads.

The upload's callback calls :func:`load_with_progress`; a toast names the file
and counts the seconds while the worker reads (the worker reports nothing
finer: the elapsed time is what is cheap and true), then says how it ended.
A toast, not a box in the sidebar: an element a callback writes is put before
the page's own, which would move the "Your data" expander and close it.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from rkmap.app._markdown import md_escape
from rkmap.core.messages import t
from rkmap.data.load_worker import load_in_worker_taking
from rkmap.data.user_data import LoadOptions, UserData


def _lang() -> str:
    """The page's language, from the URL (a callback has no view; an unknown value is English)."""
    lang = st.query_params.get("lang", "en")
    return lang if lang in ("en", "ja") else "en"


def load_with_progress(name: str, held: list[bytes], known: Collection[str], options: LoadOptions | None) -> UserData:
    """:func:`rkmap.data.load_worker.load_in_worker_taking` (the bytes taken out of ``held``), its progress in a status box; never raises."""
    lang = _lang()
    file = md_escape(name)
    note = st.toast(t("user_data_reading", lang, file=file, seconds=0), icon=":material/hourglass_top:", duration="infinite")
    shown = [0]

    def progress(seconds: float) -> None:
        if int(seconds) != shown[0]:  # one message a second, not one per poll
            shown[0] = int(seconds)
            note.toast(t("user_data_reading", lang, file=file, seconds=shown[0]), icon=":material/hourglass_top:", duration="infinite")

    data = load_in_worker_taking(name, held, known, options, progress)
    if data.loaded_nothing:
        note.toast(t("user_data_read_nothing", lang, file=file), icon=":material/error:", duration="short")
    else:
        note.toast(t("user_data_read", lang, file=file, rows=f"{data.rows_loaded:,}"), icon=":material/check_circle:", duration="short")
    return data
