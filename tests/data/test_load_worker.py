"""Issue #26: an added file is read in a worker process with a memory cap, its progress shown (rkmap/data/load_worker.py, ui/_loading.py).

These tests start real worker processes (a fork server, then one process per
file): no timing is asserted, only what comes back and that the app answers.
"""

from __future__ import annotations

import json

import pytest
from apptest_helpers import APP, run_ok
from streamlit.testing.v1 import AppTest

from rkmap.data import _priority
from rkmap.data import budgets as _budgets
from rkmap.data import load_worker as _worker
from rkmap.data.user_data import load_user_file

GOOD = b"id,date,title,kind,place_id,lat,lon,source\nmine,2023-09-20,My event,visit,,42.3,130.4,My notes\nat-rajin,2023-10,At Rajin,report,rajin,,,My notes\n"


def big_csv(rows: int) -> bytes:
    """A legitimate CSV that costs far more memory to read than a small cap allows."""
    return b"date,title,lat,lon,source\n" + b"".join(b"2023-01-01,event %d with a title long enough to cost,43.1,131.9,src\n" % i for i in range(rows))


@pytest.fixture
def worker_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_worker.WORKER_ENV, "1")


def test_a_file_is_read_in_the_worker_not_in_the_calling_process(worker_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read in the calling process")

    monkeypatch.setattr(_worker, "load_user_file_taking", not_here)  # the worker has its own module (forked before this patch)
    seen: list[float] = []
    data = _worker.load_in_worker("mine.csv", GOOD, {"rajin"}, progress=seen.append)
    assert data.rows_loaded == 2 and not data.problems
    assert set(data.events["title_en"]) == {"My event", "At Rajin"}


def test_a_file_over_the_memory_cap_is_refused_naming_file_and_budget_and_the_next_loads(worker_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_budgets, "MAX_LOAD_MB", 300)  # the fork server alone holds about 150 MB of data segment
    data = _worker.load_in_worker("huge.csv", big_csv(1_000_000))
    assert data.loaded_nothing and len(data.problems) == 1
    problem = data.problems[0]
    assert problem.file == "huge.csv"
    assert "needs more than 300 MB of memory to read; the limit is 300 MB (MAP_USER_LOAD_MB)" in problem.message
    assert "Traceback" not in problem.message
    monkeypatch.undo()
    monkeypatch.setenv(_worker.WORKER_ENV, "1")
    assert _worker.load_in_worker("mine.csv", GOOD, {"rajin"}).rows_loaded == 2  # the next file loads (a cap this low leaves no room for pyarrow's threads)


@pytest.mark.parametrize(("setting", "expected"), [("", 10), ("0", 0), ("19", 19), ("40", 19), ("-5", 0), ("high", 10)])
def test_the_workers_priority_setting(setting: str, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_priority.NICE_ENV, setting)
    assert _priority.niceness() == expected


def test_the_worker_reads_below_the_servers_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other sessions' steps get the CPU first: the worker lowers its priority before it reads (here forked
    straight from this process, not from the fork server, which lowers its own first thing)."""
    import multiprocessing
    import os

    # What the worker reads with, reporting the priority it runs at (a forked child keeps this patch).
    monkeypatch.setattr(_worker, "load_user_file_taking", lambda *_args: _worker._refused(str(os.getpriority(os.PRIO_PROCESS, 0)), "probe"))
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    file_in, file_out = context.Pipe(duplex=False)
    process = context.Process(target=_worker._child, args=(send, file_in, "mine.csv", frozenset(), None, 4096, 7))
    process.start()
    _worker._give_file(file_out, GOOD)
    data = _worker._receive(receive)
    process.join(30)
    assert data.problems[0].file == str(max(os.getpriority(os.PRIO_PROCESS, 0), 7))


def test_the_fork_server_runs_below_the_servers_priority(worker_on: None) -> None:
    """Its imports (pyarrow, geopandas) at a new server's start do not slow the first page; its workers inherit it."""
    import os
    from multiprocessing import forkserver

    _worker.start_worker_server()
    server = forkserver._forkserver._forkserver_pid  # the stdlib's one fork server per process
    assert server is not None
    assert os.getpriority(os.PRIO_PROCESS, server) == max(os.getpriority(os.PRIO_PROCESS, 0), _priority.niceness())


def test_a_worker_over_the_time_budget_is_stopped(worker_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_budgets, "MAX_LOAD_SECONDS", 0)
    data = _worker.load_in_worker("slow.csv", big_csv(200_000))
    assert data.loaded_nothing
    assert "took more than 0 s to read; the limit is 0 s (MAP_USER_LOAD_SECONDS)" in data.problems[0].message


def test_the_worker_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_worker.WORKER_ENV, "0")
    calls: list[str] = []
    monkeypatch.setattr(_worker, "load_user_file_taking", lambda name, held, *args: calls.append(name) or load_user_file(name, held.pop(), *args))
    assert _worker.load_in_worker("mine.csv", GOOD, {"rajin"}).rows_loaded == 2
    assert calls == ["mine.csv"]


# --- the app ---------------------------------------------------------------------------


def test_upload_shows_its_progress_and_how_it_ended(worker_on: None) -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=90))
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    run_ok(at)
    labels = [toast.value.replace("\\", "") for toast in at.toast]  # the file name is Markdown-escaped
    assert labels == ["Read mine.csv: 2 rows loaded"], labels


def test_upload_over_the_memory_cap_says_so_and_the_app_goes_on(worker_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_budgets, "MAX_LOAD_MB", 300)
    at = run_ok(AppTest.from_file(APP, default_timeout=120))
    at.file_uploader[0].set_value(("huge.csv", big_csv(1_000_000), "text/csv"))
    run_ok(at)
    assert [toast.value.replace("\\", "") for toast in at.toast] == ["Read huge.csv: nothing loaded (see Your data)"]
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Nothing loaded" in errors and "needs more than 300 MB of memory to read" in errors and "MAP_USER_LOAD_MB" in errors
    monkeypatch.undo()  # the usual cap: the same session's next file loads
    at.file_uploader[0].set_value(("mine.csv", GOOD, "text/csv"))
    run_ok(at)
    next(b for b in at.button if b.label == "Load onto the map").click()  # after the mapping step
    run_ok(at)
    assert "2 rows loaded, 0 rows left out" in " ".join(m.value for m in at.markdown), [e.value for e in at.error]


# --- JSON nesting ----------------------------------------------------------------------


def _feature(props: dict, geometry: dict | None = None) -> bytes:
    geometry = geometry or {"type": "Point", "coordinates": [131.9, 43.1]}
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": geometry, "properties": props}]}).encode()


def test_geojson_nested_deeper_than_the_budget_is_refused_at_once() -> None:
    deep: object = "x"
    for _ in range(40):
        deep = [deep]
    data = load_user_file("deep.geojson", _feature({"date": "2023-01-01", "title": "t", "source": "s", "nested": deep}))
    assert data.loaded_nothing
    message = data.problems[0].message
    assert f"nested deeper than {_budgets.MAX_JSON_DEPTH} levels; the limit is {_budgets.MAX_JSON_DEPTH}" in message


def test_a_100000_deep_json_array_is_refused_by_the_budget_not_by_recursion() -> None:
    data = load_user_file("deeper.json", b"[" * 100_000 + b"]" * 100_000)
    assert f"nested deeper than {_budgets.MAX_JSON_DEPTH} levels" in data.problems[0].message


def test_brackets_inside_strings_do_not_count_and_a_multipolygon_loads() -> None:
    title = 'brackets [[[[{{{{ and an escaped quote \\" [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['
    square = [[[131.0, 43.0], [131.1, 43.0], [131.1, 43.1], [131.0, 43.0]]]
    content = _feature({"date": "2023-01-01", "title": title, "source": "s"}, {"type": "MultiPolygon", "coordinates": [square, square]})
    data = load_user_file("ok.geojson", content)
    assert data.rows_loaded == 1, data.problems


def test_the_answer_comes_back_as_it_was_read_its_chunks_kept_and_shared_columns_still_shared() -> None:
    import threading
    from dataclasses import replace
    from multiprocessing import Pipe

    import pandas as pd
    import pyarrow as pa

    data = load_user_file("mine.csv", GOOD, {"rajin"})
    titles = data.events["title_en"].array._pa_array
    chunked = pa.chunked_array([titles.slice(0, 1), titles.slice(1)])  # as a CSV read in blocks: several chunks
    data = replace(data, events=data.events.assign(title_en=pd.Series(pd.arrays.ArrowStringArray(chunked), index=data.events.index)))
    receive, send = Pipe(duplex=False)
    sender = threading.Thread(target=_worker._send, args=(send, data))
    sender.start()
    back = _worker._receive(receive)
    sender.join()
    for name in ("events", "places", "routes", "sources"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(data, name))
        assert list(getattr(back, name).dtypes) == list(getattr(data, name).dtypes)
    assert back.events["title_en"].array._pa_array.num_chunks == 2
    assert (back.rows_loaded, back.notes, back.mapping, back.problems) == (data.rows_loaded, data.notes, data.mapping, data.problems)
    # Fields the file does not give share one column of '' in the worker, and still in the server.
    assert data.events["title_ja"].array._pa_array is data.events["quantity_en"].array._pa_array
    assert back.events["title_ja"].array._pa_array is back.events["quantity_en"].array._pa_array
