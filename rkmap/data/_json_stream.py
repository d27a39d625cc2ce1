"""A JSON file's big array read one item at a time, its records gathered into Arrow columns.

``json.loads`` of a 200 MB GeoJSON FeatureCollection holds every feature as
Python dicts, lists and strings, about eight times the file, before a single
row is looked at. Here the top level is walked by hand and each item of the
arrays that hold the rows (``features``, a TimeMap's ``events``, or a
top-level list) is decoded on its own (the standard library's decoder, in C)
and handed to a callback; :class:`Columns` turns the records into Arrow string
columns every ``CHUNK`` rows. So a file is held once as text, plus its
columns. Other members (``type``, ``crs``, ``sources`` …) are decoded whole:
they are small in any real file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_ROWS = "\x00rows"  # a column of nothing in every chunk, never a record's field
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

# A callback for the items of one array: (item, its 1-based number) -> False to stop reading.
ItemReader = Callable[[object, int], bool]


class StreamedTwice(ValueError):
    """A member that holds the rows appears twice in one object (which one would count is not clear)."""


class _Stopped(Exception):
    """A callback asked to stop (the file is over a budget): the rest is not read."""


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr] - the pattern matches the empty string


def _items(text: str, i: int, read: ItemReader) -> tuple[int, int]:
    """The array starting at ``text[i] == '['`` read item by item: the index after its ``]``, and its number of items."""
    i = _ws(text, i + 1)
    if text.startswith("]", i):
        return i + 1, 0
    number = 0
    while True:
        item, i = _DECODER.raw_decode(text, i)
        number += 1
        if not read(item, number):
            raise _Stopped
        i = _ws(text, i)
        if text.startswith(",", i):
            i = _ws(text, i + 1)
        elif text.startswith("]", i):
            return i + 1, number
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, i)


def parse(text: str, streams: Mapping[str, ItemReader]) -> object:
    """``text`` decoded as JSON, except the arrays ``streams`` names, which go item by item to their reader.

    ``streams`` maps a member of the top-level object (``"features"``) to its
    reader; ``""`` is the reader of a top-level array. A streamed member's
    value in the result is the number of its items. Raises
    ``json.JSONDecodeError`` (with the line and column) on malformed JSON.
    """
    i = _ws(text, 0)
    try:
        value: object
        if text.startswith("[", i) and "" in streams:
            i, value = _items(text, i, streams[""])
        elif text.startswith("{", i) and streams:
            value, i = _object(text, i, streams)
        else:
            value, i = _DECODER.raw_decode(text, i)
    except _Stopped:
        return None  # the reader refused the file: what was read is what it keeps
    i = _ws(text, i)
    if i != len(text):
        raise json.JSONDecodeError("Extra data", text, i)
    return value


def _object(text: str, i: int, streams: Mapping[str, ItemReader]) -> tuple[dict[str, object], int]:
    members: dict[str, object] = {}
    i = _ws(text, i + 1)
    if text.startswith("}", i):
        return members, i + 1
    while True:
        if not text.startswith('"', i):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
        key, i = json.decoder.scanstring(text, i + 1)
        i = _ws(text, i)
        if not text.startswith(":", i):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
        i = _ws(text, i + 1)
        read = streams.get(key) if key else None
        if read is not None and text.startswith("[", i):
            if key in members:
                raise StreamedTwice(key)
            i, members[key] = _items(text, i, read)
        else:
            members[key], i = _DECODER.raw_decode(text, i)
        i = _ws(text, i)
        if text.startswith(",", i):
            i = _ws(text, i + 1)
        elif text.startswith("}", i):
            return members, i + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, i)


class Columns:
    """Records (dicts of text) gathered as Arrow string columns, ``CHUNK`` records at a time.

    A record may lack fields others have: its cell is ``""``. Only the cells a
    record has are touched, so a sparse file costs its cells, not rows ×
    columns of Python work.
    """

    CHUNK = 65_536

    def __init__(self, max_columns: int, too_many: Callable[[], Exception]) -> None:
        self._max_columns = max_columns
        self._too_many = too_many
        self._names: dict[str, None] = {}
        self._cells: dict[str, tuple[list[int], list[str]]] = {}
        self._rows = 0  # records in the current chunk
        self._chunks: list[pa.Table] = []
        self.count = 0

    def add(self, record: Mapping[str, str]) -> None:
        row = self._rows
        for name, value in record.items():
            cells = self._cells.get(name)
            if cells is None:
                if name not in self._names:
                    self._names[name] = None
                    if len(self._names) > self._max_columns:
                        raise self._too_many()
                cells = self._cells[name] = ([], [])
            cells[0].append(row)
            cells[1].append(value)
        self._rows += 1
        self.count += 1
        if self._rows == self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        import numpy as np
        import pyarrow as pa

        n, arrays = self._rows, {}
        for name, (rows, values) in self._cells.items():
            if len(rows) == n:
                arrays[name] = pa.array(values, type=pa.string())
            else:
                full = np.full(n, "", dtype=object)
                full[np.asarray(rows, dtype=np.int64)] = values
                arrays[name] = pa.array(full, type=pa.string())
        if n:
            arrays[_ROWS] = pa.nulls(n)  # every chunk counts its rows, also one whose records have no field
            self._chunks.append(pa.table(arrays))
        self._cells, self._rows = {}, 0

    def frame(self) -> pd.DataFrame:
        """Every record so far, one row each (also a record without a field), columns in order of first appearance; ``""`` where a record had none."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        self._flush()
        chunks, self._chunks = self._chunks, []
        if not chunks or not self._names:
            return pd.DataFrame(index=range(self.count), columns=list(self._names), dtype=pd.StringDtype("pyarrow"))
        table = pa.concat_tables(chunks, promote_options="default") if len(chunks) > 1 else chunks[0]
        del chunks
        columns = [table.column(name) for name in self._names]
        table = pa.table([pc.fill_null(c, "") if c.null_count else c for c in columns], names=list(self._names))
        del columns
        return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
