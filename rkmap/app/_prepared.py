"""Download buttons whose file is made first and kept in the session until the browser has it.

Why not ``st.download_button(data=callable)``: in Streamlit 1.67 the file a
deferred button makes on click is referenced by no session, and every script
run of *any* session removes unreferenced downloadables (marked on one run,
deleted on the next). On a shared server two other users' slider moves between
the click and the browser's GET lose the file (404; reproduced by
``tests/browser/test_download_race.py``). Bytes given to the button belong to
this session's current run, so they stay until this session moves on.

One prepared file is kept per button and session; it is dropped as soon as the
view or the options it was made for change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import streamlit as st

from rkmap.app.safety import made_safely

_PREFIX = "prepared_file_"


def prepared_download(
    key: str,
    made_for: Hashable,
    make: Callable[[], bytes],
    *,
    download_label: str,
    file_name: str,
    mime: str,
    prepare_label: str | None = None,
    busy_label: str = "…",
    primary: bool = False,
) -> bool:
    """A download button for ``make()``'s bytes, made for ``made_for`` (a view key, options …).

    With ``prepare_label`` the file is made only when that button is clicked
    (for files that take a while); without, it is made at once. Returns whether
    the download button is shown.
    """
    state = st.session_state
    held = state.get(_PREFIX + key)
    if held is not None and held[0] != made_for:
        del state[_PREFIX + key]  # made for another view: free it
        held = None
    if held is None:
        wanted = prepare_label is None or st.button(prepare_label, key=f"{key}_prepare", type="primary" if primary else "secondary", width="stretch")
        if not wanted:
            return False
        with st.spinner(busy_label):
            made = made_safely(make)  # a failure: one plain line, never a traceback (rkmap/app/safety.py)
        if made is None:
            return False
        held = (made_for, made)
        state[_PREFIX + key] = held
    st.download_button(
        download_label,
        data=held[1],
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        type="primary" if primary else "secondary",
        width="stretch",
    )
    return True


def dataset_token(dataset: object) -> str:
    """A key unique to a dataset object: a session's own data never shows in another session's file."""
    from uuid import uuid4

    from rkmap.core.memo import memo

    return memo(dataset, "prepared-file-token", lambda: uuid4().hex)
