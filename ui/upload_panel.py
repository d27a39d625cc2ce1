"""The "Your data" panel: add files, list them with their problems, remove them, template, save.

Per session only: the loaded files live in ``st.session_state`` and are never
written anywhere (nor shared between sessions). A data folder named by
``MAP_USER_DATA_DIR`` is read (never written) when a session starts.
"""

from __future__ import annotations

import os
from hashlib import sha256
from pathlib import Path

import streamlit as st

from geodata import Dataset
from geodata._memo import memo
from geodata.user_data import MAX_MB, MAX_ROWS, SUFFIXES, UPLOAD_TYPES, UserData, load_folder, load_user_file, saved_geojson, template_csv, with_user_data
from layers.style import LARGE_EVENT_COUNT
from ui._markdown import md_escape
from ui._prepared import prepared_download
from ui.i18n import t

USER_DATA_DIR_ENV = "MAP_USER_DATA_DIR"
FILES_KEY = "user_files"  # list of {"data": UserData, "digest": str, "folder": bool}
ROUND_KEY = "user_upload_round"  # bumped after each upload: a fresh, empty uploader
MERGED_KEY = "user_merged"
NOTICE_KEY = "user_upload_notice"
MAX_LISTED = 60


def _known_places(shipped: Dataset) -> frozenset[str]:
    return memo(shipped, "place-id-set", lambda: frozenset(shipped.places["id"]))


def _folder_signature(folder: str) -> tuple[tuple[str, int, float], ...]:
    path = Path(folder)
    if not path.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime) for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES))


@st.cache_resource(show_spinner=False, max_entries=4)
def _folder_files(folder: str, _known: frozenset[str], signature: tuple) -> tuple[tuple[UserData, str], ...]:
    """The data folder's files, read once per change (read-only; the results are never modified)."""
    return tuple((data, "folder:" + data.file) for data in load_folder(folder, _known))


def _entries(shipped: Dataset) -> list[dict]:
    state = st.session_state
    if FILES_KEY not in state:
        folder = os.environ.get(USER_DATA_DIR_ENV, "")
        loaded = _folder_files(folder, _known_places(shipped), _folder_signature(folder)) if folder else ()
        state[FILES_KEY] = [{"data": data, "digest": digest, "folder": True} for data, digest in loaded]
    return state[FILES_KEY]


def session_dataset(shipped: Dataset) -> Dataset:
    """The shipped dataset plus this session's own data: a new object; ``shipped`` is unchanged."""
    loaded = [entry["data"] for entry in _entries(shipped)]
    key = (id(shipped), tuple(id(data) for data in loaded))
    cached = st.session_state.get(MERGED_KEY)
    if cached is None or cached[0] != key:
        cached = (key, with_user_data(shipped, loaded))
        st.session_state[MERGED_KEY] = cached
    return cached[1]


def _on_upload(known: frozenset[str]) -> None:
    state = st.session_state
    files = state.get(f"user_upload_{state.get(ROUND_KEY, 0)}") or []
    entries = state.setdefault(FILES_KEY, [])
    notices = []
    for upload in files:
        content = upload.getvalue()
        digest = sha256(upload.name.encode() + b"\0" + content).hexdigest()
        if any(entry["digest"] == digest for entry in entries):
            notices.append(upload.name)
            continue
        entries.append({"data": load_user_file(upload.name, content, known), "digest": digest, "folder": False})
    state[NOTICE_KEY] = notices
    state[ROUND_KEY] = state.get(ROUND_KEY, 0) + 1


def _remove(digest: str) -> None:
    state = st.session_state
    state[FILES_KEY] = [entry for entry in state.get(FILES_KEY, []) if entry["digest"] != digest]


def user_data_notice(lang: str) -> None:
    """One line above the map when any added file left rows out or loaded nothing (never half-silent)."""
    entries = st.session_state.get(FILES_KEY) or []
    if not any(entry["data"].problems for entry in entries):
        return
    loaded = sum(entry["data"].rows_loaded for entry in entries)
    left = sum(entry["data"].rows_left_out for entry in entries)
    st.warning(t("user_data_notice", lang, files=len(entries), loaded=loaded, left=left), icon="⚠️")


def _problem_lines(data: UserData) -> str:
    lines = [f"- {md_escape(problem)}" for problem in data.problems[:MAX_LISTED]]
    if len(data.problems) > MAX_LISTED:
        lines.append(f"- … {len(data.problems) - MAX_LISTED}")
    return "\n".join(lines)


def upload_panel(shipped: Dataset, lang: str) -> None:
    """The contents of the "Your data" expander."""
    state = st.session_state
    entries = _entries(shipped)
    st.caption(t("user_data_intro", lang, mb=MAX_MB, rows=f"{MAX_ROWS:,}"))
    st.file_uploader(
        t("user_data_upload", lang),
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        key=f"user_upload_{state.get(ROUND_KEY, 0)}",
        on_change=_on_upload,
        args=(_known_places(shipped),),
        max_upload_size=MAX_MB,
    )
    for name in state.pop(NOTICE_KEY, []) or []:
        st.info(t("user_data_duplicate", lang, file=md_escape(name)))
    for entry in entries:
        data: UserData = entry["data"]
        where = f" · {t('user_data_from_folder', lang)}" if entry["folder"] else ""
        st.markdown(f"**{md_escape(data.file)}**{md_escape(where)}  \n" + md_escape(t("user_data_loaded", lang, loaded=data.rows_loaded, left=data.rows_left_out)))
        st.button(t("user_data_remove", lang), key=f"user_remove_{entry['digest']}", on_click=_remove, args=(entry["digest"],), icon="✖️")
        if data.loaded_nothing:
            st.error(f"**{t('user_data_nothing', lang)}**\n\n{_problem_lines(data)}")
        elif data.problems:
            st.warning(f"**{t('user_data_left_out', lang)}**\n\n{_problem_lines(data)}")
        if data.ignored_columns:
            st.caption(md_escape(t("user_data_ignored", lang, columns=", ".join(data.ignored_columns))))
    loaded_entries = [entry for entry in entries if not entry["data"].loaded_nothing]
    loaded = [entry["data"] for entry in loaded_entries]
    if loaded:
        rows = sum(data.rows_loaded for data in loaded)
        prepared_download(
            "user_data_save",
            tuple(entry["digest"] for entry in loaded_entries),
            lambda: saved_geojson(loaded),
            download_label=t("user_data_save", lang),
            file_name="my-map-data.geojson",
            mime="application/geo+json",
            prepare_label=t("user_data_prepare_save", lang, rows=f"{rows:,}") if rows > LARGE_EVENT_COUNT else None,
        )
    st.download_button(
        t("user_data_template", lang),
        data=template_csv(),
        file_name="map-data-template.csv",
        mime="text/csv",
        key="user_data_template",
        on_click="ignore",
        width="stretch",
    )
    st.markdown(t("user_data_guide", lang))
