"""The "Your data" panel: add files, list them with their problems, remove them, template, save.

Per session: the loaded files live in ``st.session_state`` and are never
written anywhere by themselves (nor shared between sessions). A data folder
named by ``MAP_USER_DATA_DIR`` is read (never written) when a session starts.

With a team database (the PostGIS backend), a session also starts with the
uploads saved there ("team database"); an added file can be saved there for
everyone ("Save to team database", one transaction) and a saved one deleted.
A database error is shown as a message; the session keeps what it has.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, wait
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

import streamlit as st

from rkmap.app._loading import load_with_progress
from rkmap.app._markdown import md_escape
from rkmap.app._prepared import prepared_download
from rkmap.app.data import data_source
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.style import LARGE_EVENT_COUNT
from rkmap.data import Dataset
from rkmap.data.budgets import listed
from rkmap.data.load_worker import KeptFile, start_worker_server
from rkmap.data.postgis import DatabaseError, TeamUpload, delete_user_upload, load_user_uploads, save_user_data
from rkmap.data.presets import FIELD_LABELS, KEY_FIELDS
from rkmap.data.user_data import (
    MAX_MB,
    MAX_ROWS,
    SUFFIXES,
    UPLOAD_TYPES,
    LoadOptions,
    UserData,
    give_back_memory,
    load_folder,
    saved_geojson,
    summary_lines,
    template_csv,
    user_parts,
    with_user_data,
)

USER_DATA_DIR_ENV = "MAP_USER_DATA_DIR"
# list of {"data": UserData, "digest": str, "folder": bool, "team": TeamUpload | None, and for uploads "kept": KeptFile,
# "options": LoadOptions and "pending": True until the analyst has seen the mapping step and pressed Load (not on the map before)}
FILES_KEY = "user_files"
ROUND_KEY = "user_upload_round"  # bumped after each upload: a fresh, empty uploader
MERGED_KEY = "user_merged"
PREPARED_KEY = "user_prepared"  # (merge key, Future of the merged dataset, rows): made while a big file's mapping step is shown
NOTICE_KEY = "user_upload_notice"
TEAM_NOTICE_KEY = "user_team_notice"  # (kind 'success' | 'error', message)
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


def _team_url() -> str | None:
    """The team database's URL when the app reads from PostGIS, else None."""
    source = data_source()
    return source.location if source.is_database else None


def _team_entry(upload: TeamUpload) -> dict:
    return {"data": upload.data, "digest": f"team:{upload.id}", "folder": False, "team": upload}


def _team_entries(url: str, known: frozenset[str]) -> list[dict]:
    """The uploads saved in the team database; none (and a message) if it cannot be read."""
    try:
        return [_team_entry(upload) for upload in load_user_uploads(url, known)]
    except DatabaseError as exc:
        st.session_state[TEAM_NOTICE_KEY] = ("error", str(exc))
        return []


def _entries(shipped: Dataset) -> list[dict]:
    state = st.session_state
    if FILES_KEY not in state:
        folder = os.environ.get(USER_DATA_DIR_ENV, "")
        loaded = _folder_files(folder, _known_places(shipped), _folder_signature(folder)) if folder else ()
        entries = [{"data": data, "digest": digest, "folder": True, "team": None} for data, digest in loaded]
        url = _team_url()
        if url:
            entries += _team_entries(url, _known_places(shipped))
        state[FILES_KEY] = entries
    return state[FILES_KEY]


def _merge_key(shipped: Dataset, loaded: list[UserData]) -> tuple:
    return (id(shipped), tuple(id(data) for data in loaded))


def session_dataset(shipped: Dataset) -> Dataset:
    """The shipped dataset plus this session's own data: a new object; ``shipped`` is unchanged."""
    loaded = [entry["data"] for entry in _entries(shipped) if not entry.get("pending")]
    key = _merge_key(shipped, loaded)
    cached = st.session_state.get(MERGED_KEY)
    if cached is None or cached[0] != key:
        prepared = st.session_state.get(PREPARED_KEY)
        if prepared is not None and prepared[0] == key:  # made as the worker answered (:func:`_prepare`)
            del st.session_state[PREPARED_KEY]
            merged = prepared[1].result()
        else:
            _unprepare()
            merged = with_user_data(shipped, loaded)
        cached = (key, merged)
        st.session_state[MERGED_KEY] = cached
    return cached[1]


def _prepare(shipped: Dataset, loaded: list[UserData]) -> None:
    """The merge of ``loaded`` (and the channel's columns of its user part) started in a thread, for the "Load onto the map" to come.

    A big file's mapping step is shown while its merge (about 0.5 s at a million rows) and its
    columns for the browser (about 1 s) are made on the server's other core; the Load that confirms
    the mapping as proposed then takes them (:func:`session_dataset`). Anything else (a new mapping,
    the file removed) lets them go unused (:func:`_unprepare`).
    """
    future: Future[Dataset] = Future()

    def build() -> None:
        try:
            merged = with_user_data(shipped, loaded)
            _channel_columns(merged)
            # What the merge and the columns freed, handed back: made in this thread, it sat in an allocator
            # arena of its own that the session's thread does not reuse (the server held some 165 MiB more).
            give_back_memory(len(merged.events))
            future.set_result(merged)
        except BaseException as exc:  # noqa: BLE001 - raised again by the run that takes it (session_dataset)
            future.set_exception(exc)

    st.session_state[PREPARED_KEY] = (_merge_key(shipped, loaded), future, len(loaded[-1].events))
    threading.Thread(target=build, name="user-merge", daemon=True).start()


def _unprepare() -> None:
    """Let go of what :func:`_prepare` made. Still being made, it is waited for first: a new read or merge
    that followed at once would otherwise come on top of it (half a GB at a million rows)."""
    prepared = st.session_state.pop(PREPARED_KEY, None)
    if prepared is not None:
        wait([prepared[1]])  # its outcome, result or error, is not wanted: only its end
        rows = prepared[2]
        del prepared  # the only reference: the merged dataset and its columns are freed here
        give_back_memory(rows)


def _channel_columns(merged: Dataset) -> None:
    """The columns the map's channel will serve for ``merged``'s many own events, made ahead (memoised on its user part)."""
    from rkmap.app import user_channel
    from rkmap.core.coordinates import valid_coordinates

    if not user_channel.REGISTRY.mounted:
        return
    user = user_parts(valid_coordinates(merged))[1]  # the part build_deck draws (rkmap/render/deck.py)
    if user is not None and len(user.events) > LARGE_EVENT_COUNT:
        user_channel.served_blob(user)


def _taken_uploads(key: str) -> list[tuple[str, bytes]]:
    """The uploader's files as (name, bytes), let go by Streamlit.

    Streamlit holds an upload's bytes until the session ends (its file
    manager, and the widget's value): a 200 MB file stayed in the server
    through its load and the merge. The session keeps them compressed
    (:class:`rkmap.data.load_worker.KeptFile`) instead.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    state = st.session_state
    files = state.get(key) or []
    taken = [(upload.name, upload.getvalue()) for upload in files]
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.uploaded_file_mgr is not None:
        for upload in files:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, upload.file_id)
    if key in state:
        del state[key]  # the old uploader is not drawn again (a fresh one replaces it)
    return taken


def _digest(name: str, content: bytes) -> str:
    """The file's identity in this session (its name and bytes): hashed in two parts, the bytes not copied."""
    hashed = sha256(name.encode() + b"\0")
    hashed.update(content)
    return hashed.hexdigest()


def _on_upload(shipped: Dataset, known: frozenset[str]) -> None:
    state = st.session_state
    start_worker_server()  # its imports, if not started yet, run beside the hashing below (rkmap/data/load_worker.py)
    _unprepare()  # an earlier file's prepared merge is not held while this one is read (its Load merges again)
    taken = _taken_uploads(f"user_upload_{state.get(ROUND_KEY, 0)}")
    entries = state.setdefault(FILES_KEY, [])
    notices = []
    while taken:
        name, content = taken.pop(0)
        digest = _digest(name, content)
        if any(entry["digest"] == digest for entry in entries):
            notices.append(name)
            continue
        options = LoadOptions(source=name)  # the file-level source, pre-filled from the file's name
        keeping = KeptFile.compressing(content)  # in a thread, while the worker reads the file on the other core
        held = [content]
        del content  # the worker and that thread take the only references: the bytes are freed once both are done
        data = load_with_progress(name, held, known, options)  # in a worker process, its progress shown (rkmap/app/_loading.py)
        kept = keeping.result()
        # Not on the map until the analyst has seen how it is read (a file that cannot be read has nothing to confirm).
        entries.append({"data": data, "digest": digest, "folder": False, "team": None, "kept": kept, "options": options, "pending": bool(data.columns)})
        if len(data.events) > LARGE_EVENT_COUNT and not taken:  # what a Load as proposed will put on the map, made meanwhile
            _prepare(shipped, [entry["data"] for entry in entries if not entry.get("pending") or entry["digest"] == digest])
    state[NOTICE_KEY] = notices
    state[ROUND_KEY] = state.get(ROUND_KEY, 0) + 1


_ORDERS = (None, "dayfirst", "monthfirst")


def _mapping_key(digest: str, name: str) -> str:
    return f"user_map_{digest[:16]}_{name}"


def _reload(digest: str, known: frozenset[str]) -> None:
    """Load an added file (again) with the mapping, day/month order and source chosen in its form; it goes on the map."""
    state = st.session_state
    entry = _entry(digest)
    if entry is None or entry.get("kept") is None:
        return
    data: UserData = entry["data"]
    proposed = {fld: cols for fld, cols in data.mapping if cols}
    mapping = dict(proposed)
    for fld in KEY_FIELDS:
        chosen = state.get(_mapping_key(digest, fld))
        if chosen is not None:
            mapping[fld] = tuple(chosen)
    mapping = {fld: cols for fld, cols in mapping.items() if cols}
    order = state.get(_mapping_key(digest, "@order"))
    source = str(state.get(_mapping_key(digest, "@source"), entry["options"].source)).strip()
    before = entry["options"]
    if entry.get("pending") and mapping == proposed and order == before.day_order and source == before.source:
        reloaded, options = data, before  # confirmed as proposed: the rows already read are the ones to load (a big file is not read twice)
    else:
        _unprepare()  # what was made for the proposed mapping is not what goes on the map: let go before the new read
        options = LoadOptions(source=source, day_order=order, mapping=mapping, preset=data.preset)
        reloaded = load_with_progress(data.file, [entry["kept"].content()], known, options)
    state[FILES_KEY] = [{**e, "data": reloaded, "options": options, "pending": False} if e["digest"] == digest else e for e in state[FILES_KEY]]


def _mapping_step(entry: dict, known: frozenset[str], lang: str) -> None:
    """The detected format and the column → field mapping of an added file, which the analyst can change."""
    data: UserData = entry["data"]
    digest = entry["digest"]
    pending = bool(entry.get("pending"))
    preset = t("user_data_preset", lang, preset=data.preset_label) if data.preset else t("user_data_preset_none", lang)
    with st.expander(t("user_data_mapping", lang, preset=preset), expanded=pending or data.needs_day_order or data.loaded_nothing or bool(data.preset)):
        if data.needs_day_order:
            st.warning(t("user_data_day_order_needed", lang), icon=":material/event:")
        st.caption(t("user_data_mapping_intro", lang))
        with st.form(key=f"user_map_form_{digest[:16]}", border=False):
            st.text_input(t("user_data_source_default", lang), value=entry["options"].source, key=_mapping_key(digest, "@source"), max_chars=300)
            labels = {None: t("user_data_day_order_file", lang), "dayfirst": t("user_data_day_order_day", lang), "monthfirst": t("user_data_day_order_month", lang)}
            current = entry["options"].day_order
            st.radio(t("user_data_day_order", lang), _ORDERS, index=_ORDERS.index(current), format_func=labels.get, key=_mapping_key(digest, "@order"), horizontal=True)
            mapping = dict(data.mapping)
            for fld in KEY_FIELDS:
                st.multiselect(FIELD_LABELS.get(fld, fld), options=list(data.columns), default=[c for c in mapping.get(fld, ()) if c in data.columns], key=_mapping_key(digest, fld))
            if pending:
                st.form_submit_button(t("user_data_load", lang), on_click=_reload, args=(digest, known), icon=":material/map:", type="primary")
            else:
                st.form_submit_button(t("user_data_reload", lang), on_click=_reload, args=(digest, known), icon=":material/refresh:")


def _remove(digest: str) -> None:
    state = st.session_state
    _unprepare()
    state[FILES_KEY] = [entry for entry in state.get(FILES_KEY, []) if entry["digest"] != digest]


def _entry(digest: str) -> dict | None:
    """This session's entry for ``digest``, if it still has one."""
    return next((e for e in st.session_state.get(FILES_KEY, []) if e["digest"] == digest), None)


def _save_to_team(digest: str) -> None:
    """Save one added file to the team database; it becomes a team entry of this session."""
    state = st.session_state
    url = _team_url()
    entry = _entry(digest)
    if url is None or entry is None:
        return
    data: UserData = entry["data"]
    try:
        upload_id = save_user_data(url, data)
    except DatabaseError as exc:
        state[TEAM_NOTICE_KEY] = ("error", str(exc))
        return
    saved = TeamUpload(upload_id, data.file, None, datetime.now(UTC), data)
    state[FILES_KEY] = [_team_entry(saved) if e["digest"] == digest else e for e in state[FILES_KEY]]
    state[TEAM_NOTICE_KEY] = ("success", ("user_data_team_saved", data.file))


def _delete_from_team(digest: str) -> None:
    """Delete a team entry from the database and from this session."""
    state = st.session_state
    url = _team_url()
    entry = _entry(digest)
    if url is None or entry is None or entry.get("team") is None:
        return
    try:
        delete_user_upload(url, entry["team"].id)
    except DatabaseError as exc:
        state[TEAM_NOTICE_KEY] = ("error", str(exc))
        return
    _remove(digest)
    state[TEAM_NOTICE_KEY] = ("success", ("user_data_team_deleted", entry["data"].file))


def _team_notice(lang: str) -> None:
    notice = st.session_state.pop(TEAM_NOTICE_KEY, None)
    if notice is None:
        return
    kind, message = notice
    if kind == "success":
        key, file = message
        st.success(t(key, lang, file=md_escape(file)))
    else:
        st.error(md_escape(t("user_data_team_error", lang, error=message)))


def _where(entry: dict, lang: str) -> str:
    """Where an entry comes from: the data folder, the team database, or nothing (added here)."""
    if entry["folder"]:
        return f" · {t('user_data_from_folder', lang)}"
    team: TeamUpload | None = entry.get("team")
    if team is None:
        return ""
    by = t("user_data_team_by", lang, who=team.saved_by) if team.saved_by else ""
    return f" · {t('user_data_from_team', lang, when=team.saved_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M UTC'), by=by)}"


def user_data_notice(lang: str) -> None:
    """One line above the map when any added file left rows out or loaded nothing (never half-silent)."""
    entries = [entry for entry in st.session_state.get(FILES_KEY) or [] if not entry.get("pending")]
    if not any(entry["data"].problems for entry in entries):
        return
    loaded = sum(entry["data"].rows_loaded for entry in entries)
    left = sum(entry["data"].rows_left_out for entry in entries)
    st.warning(t("user_data_notice", lang, files=len(entries), loaded=loaded, left=left), icon=":material/warning:")


def _problem_lines(data: UserData) -> str:
    """The file's problems: rows left out grouped by reason (counts, first cells quoted), or why nothing loaded."""
    lines = [f"- {md_escape(line.strip())}" for line in summary_lines(data)[1 + len(data.notes) :]]
    if not lines:
        lines = [f"- {md_escape(problem)}" for problem in data.problems[:MAX_LISTED]]
    return "\n".join(lines[:MAX_LISTED])


def _notes(data: UserData, lang: str) -> list[str]:
    """The file's notes, the encoding it was read in (the first note when it was not UTF-8) in the panel's language."""
    label = data.encoding_label
    said = t("user_data_encoding", "en", encoding=label)
    return [t("user_data_encoding", lang, encoding=label) if label and note == said else note for note in data.notes]


def upload_panel(shipped: Dataset, lang: str) -> None:
    """The contents of the "Your data" expander."""
    state = st.session_state
    entries = _entries(shipped)
    st.caption(t("user_data_intro", lang, mb=MAX_MB, rows=f"{MAX_ROWS:,}"))
    team = _team_url() is not None
    if team:
        st.caption(t("user_data_team_intro", lang))
    _team_notice(lang)
    st.file_uploader(
        t("user_data_upload", lang),
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        key=f"user_upload_{state.get(ROUND_KEY, 0)}",
        on_change=_on_upload,
        args=(shipped, _known_places(shipped)),
        max_upload_size=MAX_MB,
    )
    for name in state.pop(NOTICE_KEY, []) or []:
        st.info(t("user_data_duplicate", lang, file=md_escape(name)))
    for entry in entries:
        data: UserData = entry["data"]
        where = _where(entry, lang)
        if entry.get("pending"):  # the mapping step comes first: nothing of it is on the map yet
            st.markdown(f"**{md_escape(data.file)}**  \n" + md_escape(t("user_data_pending", lang)))
            st.button(t("user_data_remove", lang), key=f"user_remove_{entry['digest']}", on_click=_remove, args=(entry["digest"],), icon=":material/close:")
            if data.notes:
                st.caption("  \n".join(md_escape(note) for note in _notes(data, lang)))
            _mapping_step(entry, _known_places(shipped), lang)
            continue
        st.markdown(f"**{md_escape(data.file)}**{md_escape(where)}  \n" + md_escape(t("user_data_loaded", lang, loaded=data.rows_loaded, left=data.rows_left_out)))
        st.button(t("user_data_remove", lang), key=f"user_remove_{entry['digest']}", on_click=_remove, args=(entry["digest"],), icon=":material/close:")
        if team and entry.get("team") is not None:
            st.button(t("user_data_team_delete", lang), key=f"user_team_delete_{entry['digest']}", on_click=_delete_from_team, args=(entry["digest"],), icon=":material/delete:")
        elif team and not entry["folder"] and not data.loaded_nothing:
            st.button(t("user_data_team_save", lang), key=f"user_team_save_{entry['digest']}", on_click=_save_to_team, args=(entry["digest"],), icon=":material/cloud_upload:")
        if data.loaded_nothing:
            st.error(f"**{t('user_data_nothing', lang)}**\n\n{_problem_lines(data)}")
        elif data.problems:
            st.warning(f"**{t('user_data_left_out', lang)}**\n\n{_problem_lines(data)}")
        if data.notes:
            st.caption("  \n".join(md_escape(note) for note in _notes(data, lang)))
        if data.ignored_columns:
            st.caption(md_escape(t("user_data_ignored", lang, columns=listed(data.ignored_columns))))
        if entry.get("kept") is not None and data.columns:
            _mapping_step(entry, _known_places(shipped), lang)
    loaded_entries = [entry for entry in entries if not entry["data"].loaded_nothing and not entry.get("pending")]
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
