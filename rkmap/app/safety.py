"""Plain notices about what the server did to keep the page safe (issue #26): rows left out for their coordinates, exports that failed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from rkmap.app._markdown import md_escape
from rkmap.core.coordinates import checked_coordinates

T = TypeVar("T")
LOGGER = logging.getLogger(__name__)
FAILED = "This file could not be made ({kind}); the rest of the page works. The server's log has the details. / ファイルを作成できませんでした（{kind}）。詳細はサーバーのログにあります。"


def coordinate_notice(dataset: object, lang: str) -> None:
    """A warning naming the rows the map and the exports leave out because their coordinates cannot be drawn."""
    report = checked_coordinates(dataset)[1]
    if report:
        st.warning(md_escape(report.message(lang)), icon="⚠️")  # ids are data: never Markdown


def made_safely(make: Callable[[], T]) -> T | None:
    """``make()``, or None after a plain message: a failure never shows the analyst a traceback with server paths."""
    try:
        return make()
    except Exception as exc:
        LOGGER.exception("an export failed")
        st.error(FAILED.format(kind=type(exc).__name__), icon="⚠️")
        return None
