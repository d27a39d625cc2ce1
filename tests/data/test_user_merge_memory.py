"""The memory shortcuts of a large load give the same data: the merge that spends its files, the worker's transport.

``with_user_data(..., spend=True)`` (the command line) drops each event column
from the files once its date-sorted copy is made; ``load_worker._send`` /
``_receive`` carry the answer with its buffers out of band. Neither may change
a value.
"""

from __future__ import annotations

import multiprocessing

import pandas as pd

from rkmap.data import load_worker as _worker
from rkmap.data.user_data import load_user_file, with_user_data

# Out of date order (the loader sorts a file's events by date; the merge sorts two files' events together).
CSV = (
    "id,date,title,lat,lon,source,kind\n"
    "c,2023-10-05,Third,42.2,130.3,Watcher,meeting\n"
    "a,2021-01-02,First,43.1,131.9,Watcher,\n"
    "b,2022-06-30,Second,42.25,130.29,Other,transfer\n"
)
OTHER = "id,date,title,lat,lon,source\nz,2022-01-01,Between,42.3,130.4,Watcher\n"


def _load(name: str = "mine.csv", text: str = CSV):
    return load_user_file(name, text.encode(), {"vostochny"})


def test_a_files_events_are_kept_by_date_then_as_the_file_lists_them() -> None:
    data = _load()
    assert list(data.events["id"]) == ["a", "b", "c"] and list(data.events["_row"]) == [3, 4, 2]


def test_a_merge_that_spends_its_files_gives_the_same_dataset(dataset) -> None:
    kept, spent = [_load(), _load("other.csv", OTHER)], [_load(), _load("other.csv", OTHER)]
    columns = list(spent[0].events.columns)
    expected = with_user_data(dataset, kept)
    merged = with_user_data(dataset, spent, spend=True)
    for name in ("events", "places", "citations", "sources"):
        pd.testing.assert_frame_equal(getattr(merged, name), getattr(expected, name))
    assert list(kept[0].events.columns) == columns  # the panel's files are kept whole
    assert len(spent[0].events.columns) < len(columns)  # the spent files' rows were not held twice


def test_the_workers_answer_arrives_whole_and_writable() -> None:
    data = _load()
    receive, send = multiprocessing.Pipe(duplex=False)
    sender = multiprocessing.get_context("fork").Process(target=_worker._send, args=(send, data))
    sender.start()
    send.close()
    back = _worker._receive(receive)
    sender.join(10)
    for name in ("events", "places", "routes", "sources"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(data, name))
    assert back.problems == data.problems and back.rows_read == data.rows_read
    back.events.loc[0, "title_en"] = "changed"  # arrays rebuilt on the received bytes can be written, as the originals
    back.places.loc[0, "lat"] = 0.0
