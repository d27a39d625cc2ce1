"""The "Your data" panel driven with AppTest: upload, problems, own layer, removal, data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import APP, deck_json, run_ok
from streamlit.testing.v1 import AppTest

from rkmap.app.upload_panel import USER_DATA_DIR_ENV
from rkmap.data import load_dataset
from rkmap.render.view import date_span

_SHIPPED, _ = load_dataset()
N_EVENTS = len(_SHIPPED.events)  # the counts and the last date follow the shipped data
LAST = date_span(_SHIPPED)[1]

GOOD = b"id,date,title,kind,place_id,lat,lon,source\nmine,2023-09-20,My event,visit,,42.3,130.4,My notes\nat-rajin,2023-10,At Rajin,report,rajin,,,My notes\n"
BAD = b"id,date,title,place_id,source\nok,2023-09-20,Fine,vostochny,s\nbad,2023-13-01,Bad month,vostochny,s\nnosrc,2023-09-20,No source,vostochny,\n"


def _layer_ids(at: AppTest) -> list[str]:
    return [layer["id"] for layer in deck_json(at)["layers"]]


def _text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning] + [e.value for e in at.error])


def _plain(values: list[str]) -> str:
    """Markdown-escaped messages as plain text."""
    return " ".join(values).replace("\\", "").replace("\u200b", "")


def _load(at: AppTest) -> AppTest:
    """Press the mapping step's Load button of the file waiting for it (an upload is not on the map before)."""
    next(b for b in at.button if b.label == "Load onto the map").click()
    return run_ok(at)


def test_upload_adds_a_layer_and_remove_takes_it_away() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    shipped_events = f"{N_EVENTS} events and 2 route legs"
    assert shipped_events in _text(at)
    assert not any(i.startswith("user-") for i in _layer_ids(at))
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    run_ok(at)
    # The mapping step comes first: nothing is on the map until the analyst presses Load.
    assert "Not on the map yet" in _text(at) and not any(i.startswith("user-") for i in _layer_ids(at))
    assert shipped_events in _text(at)
    _load(at)
    assert "user-events" in _layer_ids(at)
    assert "2 rows loaded, 0 rows left out" in _text(at)
    assert f"{N_EVENTS + 2} events and 2 route legs" in _text(at)
    assert any(b.label == "Remove" for b in at.button)
    assert "Your data (added by you" in " ".join(m.value for m in at.markdown)  # legend entry
    next(b for b in at.button if b.label == "Remove").click()
    run_ok(at)
    assert not any(i.startswith("user-") for i in _layer_ids(at))
    assert shipped_events in _text(at)
    # The shipped data, cached for every session, never took the user's rows.
    from rkmap.app.data import shipped_dataset

    dataset, _ = shipped_dataset()
    assert len(dataset.events) == N_EVENTS and "origin" not in dataset.events.columns


def test_bad_rows_are_listed_and_the_rest_loads() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    at.file_uploader[0].set_value(("bad.csv", BAD, "text/csv"))
    _load(run_ok(at))
    text = _text(at)
    assert "2 rows loaded, 1 row left out" in text  # the row without a source cites the file (the pre-filled default source)
    warnings = _plain([w.value for w in at.warning])
    assert "1 row left out, `date`: has a month outside 01–12 — row 3 ('2023-13-01')" in warnings
    assert "Your data: 1 file, 2 rows loaded, 1 row left out" in warnings


def test_the_mapping_step_shows_the_format_and_takes_changes() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    odd = b"when_seen,label,y_coord,x_coord\n03/04/2023,Ship,42.2,130.3\n"
    at.file_uploader[0].set_value(("odd.csv", odd, "text/csv"))
    run_ok(at)
    assert "Not on the map yet" in _text(at)
    assert any("no known format detected" in e.label for e in at.expander)
    at.multiselect(key=next(m.key for m in at.multiselect if m.label == "date")).set_value(["when_seen"])
    at.multiselect(key=next(m.key for m in at.multiselect if m.label == "latitude")).set_value(["y_coord"])
    at.multiselect(key=next(m.key for m in at.multiselect if m.label == "longitude")).set_value(["x_coord"])
    _load(at)
    assert "0 rows loaded, 1 row left out" in _text(at)
    assert "day/month order of this file's dates cannot be told" in _plain([w.value for w in at.warning])
    radio = next(r for r in at.radio if r.label.startswith("Dates such as"))
    radio.set_value("monthfirst")
    next(b for b in at.button if b.label == "Load again with this mapping").click()
    run_ok(at)
    assert "1 row loaded, 0 rows left out" in _text(at)
    acled = (Path(__file__).parents[1] / "fixtures" / "user_files" / "acled.csv").read_bytes()
    at.file_uploader[0].set_value(("acled.csv", acled, "text/csv"))
    run_ok(at)
    assert any("detected ACLED" in e.label for e in at.expander)
    date_field = next(m for m in at.multiselect if m.label == "date" and m.value == ["event_date"])  # the analyst's own column names
    assert date_field is not None and "Not on the map yet" in _text(at)


def test_a_file_without_telling_dates_asks_the_order_before_it_loads() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    ambiguous = b"id,date,title,lat,lon,source\nship,03/04/2023,Ship seen,42.2,130.3,Imagery\n"
    at.file_uploader[0].set_value(("ambiguous.csv", ambiguous, "text/csv"))
    run_ok(at)
    # Asked in the mapping step, before anything is on the map.
    assert "day/month order of this file's dates cannot be told" in _plain([w.value for w in at.warning])
    assert not any(i.startswith("user-") for i in _layer_ids(at))
    next(r for r in at.radio if r.label.startswith("Dates such as")).set_value("monthfirst")
    _load(at)
    assert "1 row loaded, 0 rows left out" in _text(at) and "user-events" in _layer_ids(at)
    assert "dates read month-first (as chosen)" in _plain([_text(at)])


def test_confirming_the_proposed_mapping_loads_the_rows_read_once() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    run_ok(at)
    from rkmap.app.upload_panel import FILES_KEY

    before = at.session_state[FILES_KEY][0]["data"]
    _load(at)
    entry = at.session_state[FILES_KEY][0]
    assert entry["data"] is before and not entry["pending"]  # not read a second time
    assert "2 rows loaded, 0 rows left out" in _text(at)


def test_an_unreadable_upload_loads_nothing_and_says_why() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    at.file_uploader[0].set_value(("broken.geojson", b"{nope", "application/geo+json"))
    run_ok(at)
    errors = " ".join(e.value for e in at.error)
    assert "Nothing loaded" in errors and "not valid JSON" in errors
    assert not any(i.startswith("user-") for i in _layer_ids(at))


def test_data_folder_loads_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "team.csv").write_bytes(GOOD)
    (tmp_path / "notes.txt").write_text("not data")
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setenv(USER_DATA_DIR_ENV, str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["data_download_open"] = True  # the lazy "Download what is shown" expander, opened
    at = run_ok(at)
    assert "user-events" in _layer_ids(at)
    assert "from the data folder" in _text(at)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # read-only
    labels = [b.label for b in at.get("download_button")]
    assert any("Save your data" in label for label in labels)
    assert {"Download GeoJSON", "Download KML (Google Earth)", "Download CSV"} <= set(labels)


# --------------------------------------------------------------------------- the team database (PostGIS backend)


def test_app_reads_the_team_database_and_says_so(fresh_postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_postgis_url)
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    text = _text(at)
    assert f"{N_EVENTS} events and 2 route legs shown as of {LAST.isoformat()}" in text
    assert "Data: the team database (postgres@" in text and "Data: the files shipped" not in text


def test_files_backend_says_files(files_only: None) -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    assert "Data: the files shipped with the app" in _text(at)
    assert not any("team database" in b.label for b in at.button)


def test_save_to_team_database_shares_an_upload_with_new_sessions(fresh_postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_postgis_url)
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    _load(run_ok(at))
    next(b for b in at.button if b.label == "Save to team database").click()
    run_ok(at)
    assert "mine.csv was saved to the team database." in _plain([s.value for s in at.success])
    assert any(b.label == "Delete from team database" for b in at.button)
    assert f"{N_EVENTS + 2} events and 2 route legs" in _text(at)
    # A new session starts with the team's upload.
    other = run_ok(AppTest.from_file(APP, default_timeout=60))
    assert "team database · saved" in _text(other) and f"{N_EVENTS + 2} events and 2 route legs" in _text(other)
    assert "user-events" in _layer_ids(other)
    next(b for b in other.button if b.label == "Delete from team database").click()
    run_ok(other)
    assert "mine.csv was deleted from the team database." in _plain([s.value for s in other.success])
    assert f"{N_EVENTS} events and 2 route legs" in _text(other)
    third = run_ok(AppTest.from_file(APP, default_timeout=60))
    assert "team database · saved" not in _text(third) and f"{N_EVENTS + 2} events" not in _text(third)


def test_team_database_errors_are_messages_not_tracebacks(fresh_postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    monkeypatch.setenv("DATABASE_URL", fresh_postgis_url)
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    _load(run_ok(at))
    with psycopg.connect(fresh_postgis_url, autocommit=True) as conn:  # the table goes away under the app
        conn.execute("DROP TABLE user_features, user_uploads")
    next(b for b in at.button if b.label == "Save to team database").click()
    run_ok(at)
    errors = _plain([e.value for e in at.error])
    assert "Team database:" in errors and "saving mine" in errors and "Traceback" not in errors
    assert f"{N_EVENTS + 2} events and 2 route legs" in _text(at)  # the session keeps its data


def test_an_unreachable_team_database_stops_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://analyst:NotShown99@127.0.0.1:1/team")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    errors = _plain([e.value for e in at.error])
    assert "could not be loaded" in errors and "analyst@127.0.0.1:1/team" in errors and "NotShown99" not in errors


def test_an_added_file_is_kept_compressed_in_the_session_for_a_new_mapping() -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=60))
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    run_ok(at)
    from rkmap.app.upload_panel import FILES_KEY

    entry = at.session_state[FILES_KEY][0]
    assert "content" not in entry and entry["kept"].content() == GOOD  # read again, as the file was, when the mapping changes


def test_the_panel_offers_every_kind_of_file_the_loader_reads() -> None:
    """`.tab` and `.geoparquet` were read by the command line but not offered by the panel's file chooser."""
    from rkmap.data.user_data import SUFFIXES, UPLOAD_TYPES

    assert {f".{kind}" for kind in UPLOAD_TYPES} == set(SUFFIXES)
    assert {"tab", "geoparquet"} <= set(UPLOAD_TYPES)
