"""An analyst's own data: events, places and routes from CSV, GeoJSON, KML or GeoParquet.

:func:`load_user_file` reads one file into :class:`UserData` with the same
column checks as the shipped data (:mod:`rkmap.core.columns`, the choices of
:mod:`rkmap.core.schema`). Policy: *the rest of the file loads* — a bad row is
left out and listed (file, row, field, message); a file that cannot be read
at all loads nothing and says why. Every row must name its source, which
becomes a row of a user sources table (``user-1``, ``user-2`` …), so every
added fact stays traceable.

:func:`with_user_data` returns a new :class:`Dataset` holding the shipped
rows and the user's (ids prefixed ``user1:``, ``user2:`` … per file; column
``origin`` = ``'user'``). The shipped frames are never changed.
:func:`saved_geojson` writes everything added back in the template's columns,
so the file uploads again to the same events (a round trip).

Text is kept as plain text: nothing here (or downstream) executes or renders
it as HTML.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import math
import re
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely import union_all as shapely_union
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, mapping, shape

from rkmap.core import columns as _columns
from rkmap.core.coordinates import MAX_LAT, MAX_LON, valid_line, valid_lonlat
from rkmap.core.dates import CONTEXT_FIRST, CONTEXT_LAST, DayOrder, decide_order, matches, normalise_dates
from rkmap.core.errors import EXAMPLES_PER_GROUP, Group, Problem, Report, reason_of
from rkmap.core.memo import memo
from rkmap.core.messages import t as _t
from rkmap.core.schema import AREA_KINDS, EVENTS, LOCATION_PRECISIONS, MODES, PLACE_KINDS, PLACES, ROUTE_LEGS, Column
from rkmap.data import _encoding, _json_stream
from rkmap.data import budgets as _budgets
from rkmap.data import presets as _presets
from rkmap.data._kml import KmlError, kml_bytes, read_kml
from rkmap.data.budgets import BudgetError
from rkmap.data.loading import Dataset
from rkmap.data.presets import ALIASES, FIELD_LABELS, PRESET_LABELS, PRESETS

MAX_MB = _budgets.MAX_MB  # MAP_USER_MAX_MB
MAX_BYTES = _budgets.MAX_BYTES
MAX_ROWS = _budgets.MAX_ROWS  # MAP_USER_MAX_ROWS
SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".tab": "csv", ".geojson": "geojson", ".json": "geojson",
    ".kml": "kml", ".kmz": "kmz", ".parquet": "parquet", ".geoparquet": "parquet",
}  # fmt: skip
UPLOAD_TYPES = tuple(suffix.removeprefix(".") for suffix in SUFFIXES)  # the panel offers every file the loader reads
ORIGIN_USER = "user"
DEFAULT_EVENT_KIND = "report"
DEFAULT_CLAIM = "reported"
DEFAULT_PLACE_KIND = "city"
DEFAULT_LOCATION_PRECISION = "site"
# Location precision of a place given by an area or several points (drawn at a representative point).
AREA_LOCATION_PRECISION = "region"
# Radius drawn around an event place known only to a region or a country (when the file gives no area).
AREA_RADIUS_KM = {"region": 50.0, "country": 250.0}


def _area_kind(precision: pd.Series) -> pd.Series:
    """The place kind of an event's own place: 'region'/'country' (areas) for those precisions, else the default."""
    return precision.astype(_columns.STRING).where(precision.isin(list(AREA_RADIUS_KM)), DEFAULT_PLACE_KIND)


def _area_radius(precision: pd.Series) -> np.ndarray:
    """The radius (km) drawn around a place of that precision: NaN for a precise one (compared per precision, columnar)."""
    radius = np.full(len(precision), np.nan)
    for word, km in AREA_RADIUS_KM.items():
        radius[(precision == word).to_numpy(dtype=bool, na_value=False)] = km
    return radius
# Mode of a user route that states none (style.py draws it in the user colour).
OTHER_MODE = "other"
USER_SOURCE_KIND = "user"
DATE_PRECISIONS = ("day", "month", "year")
GENERATED_TITLE = " (title generated)"
_SPLIT_KEY = "user-data-split"


@dataclass(frozen=True)
class LoadOptions:
    """How to read one file, beyond what it says itself.

    ``source``: the source of every row that names none. ``day_order``: how
    numeric dates are read when the file cannot tell ('dayfirst' or
    'monthfirst'; it also overrides what the file suggests). ``mapping``:
    field → columns, replacing the proposed mapping. ``preset``: a preset key,
    '' for none, None to detect.
    """

    source: str = ""
    day_order: DayOrder | None = None
    mapping: Mapping[str, tuple[str, ...]] | None = None
    preset: str | None = None


LAYER_WORDS = {"event": "event", "events": "event", "place": "place", "places": "place", "route": "route", "routes": "route", "leg": "route"}

# The template: header and two example rows (the second shows the day-first form).
TEMPLATE_COLUMNS = (
    "id", "date", "date_end", "date_precision", "title", "title_ja", "summary", "kind", "claim_status",
    "place_id", "lat", "lon", "place_name", "location_precision", "source", "source_url", "source_quote",
)  # fmt: skip
TEMPLATE_ROWS = (
    {
        "id": "example-1", "date": "2023-09-13", "title": "Example: meeting at a shipped place", "summary": "Replace these example rows with your own.",
        "kind": "meeting", "claim_status": "confirmed", "place_id": "vostochny",
        "source": "Example source title", "source_url": "https://example.org/article", "source_quote": "The words of the source that support the row",
    },
    {
        "id": "example-2", "date": "20/10/2023", "date_precision": "month", "title": "Example: ship seen at a new place", "title_ja": "例:新しい地点で船舶を確認",
        "kind": "transfer", "claim_status": "reported", "lat": "42.2450", "lon": "130.2950", "place_name": "Example quay", "location_precision": "site",
        "source": "Example imagery report", "source_url": "https://example.org/imagery",
    },
)  # fmt: skip


# Ids are kept as the analyst's file gives them (any case, any characters); the merge namespaces them.
USER_ID = Column("id", "text", required=True)


def _relaxed(columns: Iterable[Column], required: Collection[str], **overrides: Column) -> tuple[Column, ...]:
    """Shipped columns with the user's required set (others get defaults or may stay empty); ids as given."""
    overrides = {"id": USER_ID, **overrides}
    return tuple(overrides.get(c.name, replace(c, required=c.name in required)) for c in columns)


_BY_NAME = {t.name: {c.name: c for c in t.columns} for t in (EVENTS, PLACES, ROUTE_LEGS)}
EVENT_COLUMNS = _relaxed((c for c in EVENTS.columns if c.name != "place_id"), {"id", "date", "kind", "title_en", "claim_status"})
PLACE_COLUMNS = _relaxed(
    (c for c in PLACES.columns if c.name not in ("coord_source", "on_map")),
    {"id", "name_en", "kind", "location_precision", "lon", "lat"},
    country=Column("country", "text", required=False),
)
ROUTE_COLUMNS = _relaxed(
    (c for c in ROUTE_LEGS.columns if c.name not in ("from_place", "to_place", "geometry")),
    {"id", "title_en", "claim_status"},  # a line without a date is context (shown at every date)
    mode=Column("mode", "enum", required=False, choices=MODES),
)
COORD_COLUMNS = (replace(_BY_NAME["places"]["lat"], required=False), replace(_BY_NAME["places"]["lon"], required=False))
EXTRA_COLUMNS = (
    Column("date_precision", "enum", required=False, choices=DATE_PRECISIONS),
    Column("location_precision", "enum", required=False, choices=LOCATION_PRECISIONS),
    Column("place_kind", "enum", required=False, choices=PLACE_KINDS),
)
SOURCE_FIELDS = ("source", "source_title", "source_url")


@dataclass(frozen=True, eq=False)
class UserData:
    """One file's rows that passed the checks, and the problems of the rest.

    ``events`` has the columns of ``events.csv`` plus ``source`` (an id of
    ``sources``), ``source_title``, ``source_url``, ``source_quote`` and
    ``_row`` (the file's row), ``_place`` (the row of the event's place in ``places``,
    -1 for a shipped place: the merge's join) and the hidden date columns the merge
    reads. ``places`` are the places rows of the file and
    one per distinct coordinate of events given by lat/lon
    (``from_event``). ``routes`` are lines (shapely ``line``).
    """

    file: str
    events: pd.DataFrame
    places: pd.DataFrame
    routes: pd.DataFrame
    sources: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    rows_read: int = 0
    ignored_columns: tuple[str, ...] = ()
    preset: str = ""  # key of the detected (or chosen) preset, '' for none
    mapping: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, columns) used
    columns: tuple[str, ...] = ()  # the file's columns, and those a preset derived from them
    day_order: str = ""  # 'dayfirst' | 'monthfirst' | '' (no numeric dates, or undecided)
    needs_day_order: bool = False  # dates were left out because the order is unknown: ask the analyst
    encoding: str = ""  # a key of _encoding.LABELS: the text was not UTF-8 and was read in that encoding
    notes: tuple[str, ...] = ()  # what was done, in the file's own column names
    left_out: tuple[Group, ...] = ()  # rows left out, grouped by field and reason

    @property
    def preset_label(self) -> str:
        return PRESET_LABELS.get(self.preset, "")

    @property
    def encoding_label(self) -> str:
        """The encoding the text was read in, as Excel names it; empty for UTF-8."""
        return _encoding.LABELS.get(self.encoding, "")

    @cached_property
    def rows_loaded(self) -> int:
        """Rows of the file that loaded (a MultiLineString row that became several lines counts once)."""
        own_places = self.places[~self.places["from_event"].astype(bool)] if len(self.places) else self.places
        frames = [f for f in (self.events, self.routes, own_places) if len(f)]
        if not frames:
            return 0
        if all("_row" in f.columns for f in frames):
            # Distinct row numbers, counted in a bitmap (linear: a sort of a million numbers took a second).
            rows = [f["_row"].to_numpy(dtype=np.int64) for f in frames]
            seen = np.zeros(max(int(r.max()) for r in rows) + 1, dtype=bool)
            for r in rows:
                seen[r] = True
            return int(seen.sum())
        return sum(len(f) for f in frames)

    @property
    def rows_left_out(self) -> int:
        return max(self.rows_read - self.rows_loaded, 0)

    @property
    def loaded_nothing(self) -> bool:
        own_places = self.places[~self.places["from_event"].astype(bool)] if len(self.places) else self.places
        return not (len(self.events) or len(self.routes) or len(own_places))


def _empty_frame(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _nothing(file: str, message: str, rows_read: int = 0) -> UserData:
    return UserData(
        file=file,
        events=_empty_frame([*(c.name for c in EVENTS.columns), "source", "source_title", "source_url", "source_quote", "_row"]),
        places=_empty_frame([*(c.name for c in PLACES.columns), "from_event", "source_quote", "_row"]).assign(from_event=pd.Series(dtype=bool)),
        routes=_empty_frame([*(c.name for c in ROUTE_COLUMNS), "line", "source", "source_title", "source_url", "source_quote", "_row"]),
        sources=_empty_frame([c for c in ("id", "kind", "title", "publisher", "author", "published", "language", "locator", "sha256", "note", "accessed")]),
        problems=(Problem(file, None, None, message),),
        rows_read=rows_read,
    )


def _all_refused(file: str, problems: Sequence[Problem]) -> UserData:
    """A file whose every row was refused before the mapping: those rows, grouped as rows left out (the summary lists them)."""
    nothing = _nothing(file, "has no row that could be loaded (see the rows above). Nothing loaded.", sum(1 for p in problems if p.row is not None))
    groups: dict[tuple[str | None, str], Group] = {}
    for p in problems:
        if p.row is not None:
            group = groups.setdefault((p.field, reason_of(p.message)), Group(p.field, reason_of(p.message)))
            group.count += 1
            if len(group.examples) < EXAMPLES_PER_GROUP:
                group.examples.append((p.row, p.message))
    return replace(nothing, problems=(*problems, *nothing.problems), left_out=tuple(groups.values()))


# --- reading the formats -------------------------------------------------------------


class _Unreadable(ValueError):
    """The file as a whole cannot be read: nothing loads."""


@dataclass
class _Raw:
    frame: pd.DataFrame  # strings, original header names
    geometry: list[object] | None  # shapely geometry or None per row
    rows: list[int]  # the file's row number per record
    problems: list[Problem]
    all_columns: list[str] | None = None  # every column of the file, when ``frame`` holds only those the load needs
    encoding: str = ""  # a key of _encoding.LABELS when the text was not UTF-8


class _Features:
    """Records of a feature format (GeoJSON features, KML Placemarks) as they are read, with their geometry and number.

    Fields go into Arrow columns as they come (:class:`._json_stream.Columns`;
    more than MAX_COLUMNS distinct fields refuse the file at once). A point
    is kept as its two numbers, and all points are made into shapely
    geometries in one call at the end: one by one, a million points took
    some 10 s.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.columns = _json_stream.Columns(_budgets.MAX_COLUMNS, _budgets.too_many_columns)
        self.rows = array("q")  # the feature's number in the file, per record
        self.problems: list[Problem] = []
        self.point_rows, self.xs, self.ys = array("q"), array("d"), array("d")
        self.shapes: dict[int, object] = {}

    def keep(self, record: Mapping[str, str], number: int, geometry: object = None) -> bool:
        """Keep one record and its geometry (shapely, an ``(x, y)`` point, or None); False once there are more than MAX_ROWS."""
        position = self.columns.count
        if type(geometry) is tuple:
            self.point_rows.append(position)
            self.xs.append(geometry[0])
            self.ys.append(geometry[1])
        elif geometry is not None:
            self.shapes[position] = geometry
        self.columns.add(record)
        self.rows.append(number)
        return self.columns.count <= MAX_ROWS

    def raw(self, transform=None) -> _Raw:
        geometry = np.full(self.columns.count, None, dtype=object)
        if self.point_rows:
            geometry[np.frombuffer(self.point_rows, dtype=np.int64)] = shapely.points(np.frombuffer(self.xs), np.frombuffer(self.ys))
        for position, shaped in self.shapes.items():
            geometry[position] = shaped
        if transform is not None:
            geometry = _reprojected(geometry, transform)
        return _Raw(self.columns.frame(), geometry, self.rows.tolist(), self.problems)


def load_user_file(name: str, content: bytes, known_places: Collection[str] = (), options: LoadOptions | None = None) -> UserData:
    """Read one uploaded file. Never raises: a file that cannot be read loads nothing and says why.

    ``known_places`` are the shipped place ids events may name in ``place_id``;
    ``options`` what the analyst chose (default source, day/month order, mapping).
    """
    return load_user_file_taking(name, [content], known_places, options)


def load_user_file_taking(name: str, held: list[bytes], known_places: Collection[str] = (), options: LoadOptions | None = None) -> UserData:
    """:func:`load_user_file` of the bytes in ``held``, which it takes out of that list.

    Once the file is read into columns its bytes are let go, so a caller that
    keeps no other reference to them (the command line, the load worker) does
    not hold a 200 MB file through the rest of the load.
    """
    content = held.pop()
    options = options or LoadOptions()
    file = Path(name).name or "upload"
    suffix = Path(file).suffix.lower()
    if len(content) > MAX_BYTES:
        return _nothing(file, f"is {len(content) / 1024 / 1024:.1f} MB; the limit is {MAX_MB} MB (MAP_USER_MAX_MB): split it into smaller files. Nothing loaded.")
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        return _nothing(file, f"has an unsupported type '{suffix or '(none)'}': use .csv, .tsv, .txt, .geojson, .json, .kml, .kmz or .parquet. Nothing loaded.")
    readers = {"csv": lambda f, c: _read_text_csv(f, c, options), "geojson": _read_geojson, "kml": _read_kml, "kmz": _read_kmz, "parquet": _read_parquet}
    try:
        with _cyclic_gc_paused():
            raw = readers[fmt](file, content)
        del content  # read into columns: the file's bytes are not needed again
    except (_Unreadable, KmlError, BudgetError) as exc:
        return _nothing(file, f"{exc} Nothing loaded.")
    except MemoryError:
        return _nothing(file, f"{_budgets.out_of_memory()} Nothing loaded.")
    except RecursionError:
        return _nothing(file, "is too deeply nested to read (RecursionError). Nothing loaded.")
    except Exception as exc:  # noqa: BLE001 - any reader failure: the file loads nothing, with the reason
        return _nothing(file, f"cannot be read as {fmt.upper()} ({exc.__class__.__name__}: {str(exc)[:200]}). Nothing loaded.")
    if len(raw.rows) > MAX_ROWS:
        return _nothing(file, f"has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,} (MAP_USER_MAX_ROWS): split it into smaller files. Nothing loaded.", len(raw.rows))
    had_rows, before = bool(raw.rows), len(raw.problems)
    raw = _checked_geometries(file, _long_cells(file, raw))
    if not raw.rows and had_rows:  # every row over a budget or off the globe: say which, row by row
        return _all_refused(file, raw.problems[before:])
    if not raw.rows and any(p.row is not None for p in raw.problems):  # every row refused by the reader (a Placemark's coordinates, a ragged line)
        return _all_refused(file, raw.problems)
    if not raw.rows:
        return _nothing(file, "has no data rows. Nothing loaded.")
    try:
        return _interpret(file, raw, frozenset(known_places), options)
    except MemoryError:
        return _nothing(file, f"{_budgets.out_of_memory()} Nothing loaded.", len(raw.rows))
    except Exception as exc:  # noqa: BLE001 - a defect here must not take the app down
        return _nothing(file, f"could not be loaded (internal error {exc.__class__.__name__}: {str(exc)[:200]}). Nothing loaded.", len(raw.rows))
    finally:
        give_back_memory(len(raw.rows))


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a reader makes a million small objects.

    Readers make no reference cycles (records, elements, geometries), but each
    collection walks every object still alive, so collections grew with the
    file: reading 300,000 KML Placemarks took 17.1 s with it and 8.9 s
    without (docs/performance-decisions.md). Reference counting still frees
    everything as before; the collector's state is restored after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Rows from which a load hands freed memory back to the system between its steps.
_GIVE_BACK_ROWS = 100_000


def give_back_memory(rows: int) -> None:
    """Freed memory handed back to the system after a step over a large file.

    Arrow's allocator (mimalloc) and the C heap keep what a step freed for
    later use, so the next step's copies came on top: a million-row file
    peaked about 0.6 GB higher than what it holds. A no-op for small files.
    """
    if rows < _GIVE_BACK_ROWS:
        return
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)  # glibc only; elsewhere the symbol is missing and nothing is trimmed
    except (OSError, AttributeError):
        pass


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"is not UTF-8 text (byte {exc.start}): save it as 'CSV UTF-8' or UTF-8 text.") from None


def _read_text_csv(file: str, content: bytes, options: LoadOptions) -> _Raw:
    """:func:`_read_csv`, and a file that is not UTF-8 read again in the legacy encoding it clearly is (else still refused)."""
    try:
        return _read_csv(file, content, options)
    except _Unreadable as exc:
        legacy = _encoding.legacy_text(content) if "is not UTF-8" in str(exc) else None
        if legacy is None:
            raise
    raw = _read_csv(file, legacy[0].encode("utf-8"), options)
    raw.encoding = legacy[1]
    return raw


@dataclass(frozen=True)
class _Layout:
    """How a delimited text file is laid out: its separator and header."""

    sep: str
    names: list[str] | None  # the header, when it is not the first line split by ``sep``
    quote: bool = True
    header_in_file: bool = True  # False for headerless GDELT


def _layout(head: str) -> _Layout:
    """Separator and header from the first lines: ',', ';', tab or '|'; GDELT's headerless 61/58 tab columns."""
    lines = [line.rstrip("\r") for line in head.lstrip("\r\n").split("\n")[:3]]
    first, second = lines[0], (lines[1] if len(lines) > 1 else "")
    if "\t" in first:
        cells = [c.strip() for c in first.split("\t")]
        if len(cells) in (58, 61) and cells[0].isdigit() and re.fullmatch(r"\d{8}", cells[1]):
            return _Layout("\t", list(_presets.GDELT_COLUMNS if len(cells) == 61 else _presets.GDELT1_COLUMNS), quote=False, header_in_file=False)
    if "\t" not in first and "\t" in second and first.count(",") == second.count("\t") > 0:
        return _Layout("\t", [c.strip() for c in first.split(",")], quote=False)  # a comma header over tab rows (GDELT's header file)
    return _Layout(max((",", ";", "\t", "|"), key=first.count), None)


def _read_csv(file: str, content: bytes, options: LoadOptions | None = None) -> _Raw:
    try:
        head = content[:65536].decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(content[:65536]) - 4:  # not just a character cut at the end of the sample
            _decode(content[: exc.end])
        head = content[: exc.start].decode("utf-8-sig")
    if head.count("\x00") > max(8, len(head) // 100):  # UTF-16 or a binary file, not a stray NUL in one row
        raise _Unreadable("contains NUL bytes: it is not a text CSV file (save it as 'CSV UTF-8').")
    layout = _layout(head)
    if layout.names is not None and len(layout.names) > _budgets.MAX_COLUMNS:
        raise _budgets.too_many_columns("columns")
    fast = _read_csv_arrow(content, layout, options or LoadOptions())
    if fast is not None:
        return fast
    text = _decode(content)
    csv.field_size_limit(MAX_BYTES + 1)  # a long cell costs its row (_long_cells), not the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.sep, quoting=csv.QUOTE_MINIMAL if layout.quote else csv.QUOTE_NONE)
    header: list[str] | None = layout.names
    skip_header = layout.names is not None and layout.header_in_file  # a header of its own, read differently
    records: list[list[str]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None or skip_header:
                header = header if skip_header else [cell.strip() for cell in record]
                skip_header = False
                if len(header) > _budgets.MAX_COLUMNS:
                    raise _budgets.too_many_columns("columns")
                continue
            if any("\x00" in cell for cell in record):
                problems.append(Problem(file, start, None, "contains a NUL byte (not text): check how the file was saved"))
                continue
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                problems.append(Problem(file, start, None, f"has {len(record)} cells but the header has {len(header)}: check the quoting"))
                continue
            records.append((record + [""] * len(header))[: len(header)])
            rows.append(start)
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise _Unreadable(f"cannot be read as CSV (line {reader.line_num}: {exc}).") from None
    if header is None:
        raise _Unreadable("is empty.")
    frame = pd.DataFrame(records, columns=_unique(header), dtype=object) if records else pd.DataFrame(columns=_unique(header), dtype=object)
    return _Raw(frame, None, rows, problems)


def _read_csv_arrow(content: bytes, layout: _Layout, options: LoadOptions) -> _Raw | None:
    """A well-formed file read columnar (pyarrow): None when it is not one (the csv module then reads it, row by row).

    Row numbers are exact: used only when every line is one record (no blank
    lines, no line breaks inside cells, no ragged rows).
    """
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    body = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    if b"\x00" in body:
        return None  # the csv module names the rows with NUL bytes
    own_header = layout.header_in_file
    end = body.find(b"\n")
    first_line = (body if end < 0 else body[:end]).decode("utf-8", errors="replace")  # not split(): that copies the whole file
    if layout.names is None:
        names = next(csv.reader([first_line], delimiter=layout.sep))
    else:
        names = layout.names
    names = _unique([n.strip() for n in names])
    if len(names) > _budgets.MAX_COLUMNS:
        raise _budgets.too_many_columns("columns")
    if not names or not first_line.strip():
        return None
    # Only the columns the load needs are converted (the others are named, for the mapping step, but not read).
    preset = _presets.detect(names) if options.preset is None else next((p for p in PRESETS if p.key == options.preset), None)
    keep = _presets.needed_columns(names, preset, options.mapping)
    include = [n for n in names if n in keep] or names[:1]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1 if own_header else 0, block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=layout.sep, quote_char='"' if layout.quote else False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, include_columns=include, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1) - (1 if own_header else 0)
    if table.num_rows != lines or table.num_rows == 0:
        return None
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    del table
    give_back_memory(len(frame))
    first = 2 if own_header else 1
    return _Raw(frame, None, range(first, first + len(frame)), [], all_columns=names)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n] - 1}")
    return out


def _cell(value: object) -> str:
    """Any property value as text: '' for missing, ISO for dates."""
    if type(value) is str:  # most cells of a feature file: no test below applies
        return value
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value) is True):
        return ""
    return str(value)


def _geometry(geom: object) -> object:
    return None if geom is None or getattr(geom, "is_empty", False) else geom


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _json_depth_checked(text: str) -> str:
    """``text``, once its arrays and objects are found nested no deeper than MAX_JSON_DEPTH (else BudgetError).

    Counted before parsing, on the brackets outside strings (regular expressions
    and numpy, in C): Python's parser recurses once per level, and a walk of the
    parsed objects would cost a Python step per value.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    depth, chunk = 0, 1 << 23  # a running depth carried from chunk to chunk: a few 8 M-entry arrays at most
    for start in range(0, len(brackets), chunk):
        part = np.frombuffer(brackets, dtype=np.uint8, count=min(chunk, len(brackets) - start), offset=start)
        running = np.cumsum(np.where((part == ord("[")) | (part == ord("{")), 1, -1), dtype=np.int64) + depth
        if int(running.max()) > _budgets.MAX_JSON_DEPTH:
            raise _budgets.too_deep_json()
        depth = int(running[-1])
    return text


def _read_geojson(file: str, content: bytes) -> _Raw:
    """A GeoJSON FeatureCollection or Feature, or a TimeMap export, read one feature or event at a time (:mod:`._json_stream`)."""
    features, events = _FeatureRows(file), _EventRows(file)
    try:
        data = _json_stream.parse(_json_depth_checked(_decode(content)), {"features": features.add, "events": events.add, "": events.add})
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    except _json_stream.StreamedTwice as exc:
        raise _Unreadable(f"has two '{exc}' members: keep one.") from None
    if data is None:  # stopped at the row budget: the caller refuses the file, counting its rows
        return _Raw(pd.DataFrame(), None, range(max(features.columns.count, events.columns.count)), [])
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection" and "features" in data and isinstance(data["features"], int):
        return features.raw(_crs_transform(data.get("crs")))
    if kind == "Feature":
        features.add(data, 1)
        return features.raw(_crs_transform(data.get("crs")))
    if events.is_timemap():
        return events.timemap_raw(data.get("sources") if isinstance(data, dict) else None)
    raise _Unreadable("is not a GeoJSON FeatureCollection or Feature, nor a TimeMap list of events.")


def _plain_number(value: object) -> bool:
    """A JSON number a float holds exactly enough for a coordinate (not a bool, not a 400-digit integer)."""
    return type(value) is float or (type(value) is int and -(10**9) < value < 10**9)  # type: ignore[operator]


def _has_bool(geometry: object) -> bool:
    """Whether a GeoJSON geometry's coordinates (of its parts, too) hold a JSON true or false."""
    stack = [geometry]
    while stack:
        value = stack.pop()
        if type(value) is bool:
            return True
        if isinstance(value, dict):
            stack.extend(value.get(k) for k in ("coordinates", "geometries"))
        elif isinstance(value, list):
            stack.extend(value)
    return False


class _FeatureRows(_Features):
    """GeoJSON features as they are read."""

    def add(self, feature: object, number: int) -> bool:
        """Keep one feature (or name why not); False once there are more than MAX_ROWS (the file is then refused whole)."""
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            self.problems.append(Problem(self.file, number, None, "is not a GeoJSON Feature"))
            return True
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            self.problems.append(Problem(self.file, number, "properties", "is not an object"))
            return True
        if len(props) > _budgets.MAX_COLUMNS:
            raise _budgets.too_many_columns()
        record = {k: _cell(v) for k, v in props.items()}
        if "id" not in record and feature.get("id") is not None:
            record["id"] = _cell(feature["id"])
        geometry = feature.get("geometry")
        if geometry is None:
            return self.keep(record, number)
        coords = geometry.get("coordinates") if type(geometry) is dict and geometry.get("type") == "Point" else None
        if type(coords) is list and 2 <= len(coords) <= 3 and _plain_number(coords[0]) and _plain_number(coords[1]):
            return self.keep(record, number, (coords[0], coords[1]))  # most features: made with the others at the end
        if _has_bool(geometry):  # shapely would read true as 1
            self.problems.append(Problem(self.file, number, "geometry", "has true or false where a coordinate should be"))
            return True
        try:
            shaped = _geometry(shape(geometry))
        except Exception as exc:  # noqa: BLE001 - shapely raises several kinds
            self.problems.append(Problem(self.file, number, "geometry", f"is not a GeoJSON geometry ({exc.__class__.__name__})"))
            return True
        return self.keep(record, number, shaped)


class _EventRows(_Features):
    """A TimeMap export's events as they are read; 'sources' (ids) named by the export's sources, when it has them."""

    HEAD = 50  # the events whose fields tell a TimeMap export

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.head_keys: set[str] = set()
        self.not_events = False

    def add(self, event: object, number: int) -> bool:
        if self.not_events:
            return True
        if not isinstance(event, dict):
            if number <= self.HEAD:
                self.not_events = True  # not a list of events: its items are not kept
            else:
                self.problems.append(Problem(self.file, number, None, "is not an event object"))
            return True
        if len(event) > _budgets.MAX_COLUMNS:
            raise _budgets.too_many_columns()
        if number <= self.HEAD:
            self.head_keys.update(event)
        record = {k: _cell(v) for k, v in event.items() if k != "sources"}
        ids = event.get("sources")
        ids = ids if isinstance(ids, list) else ([] if ids in (None, "") else [ids])
        record["sources"] = _SOURCE_IDS.join(str(i) for i in ids if not isinstance(i, dict | list))
        return self.keep(record, number)

    def is_timemap(self) -> bool:
        keys = self.head_keys
        return not self.not_events and self.columns.count > 0 and "date" in keys and ({"latitude", "longitude"} <= keys or "location" in keys)

    def timemap_raw(self, sources: object) -> _Raw:
        titles: dict[str, str] = {}
        if isinstance(sources, dict):
            sources = [{"id": k, **v} if isinstance(v, dict) else {"id": k, "title": str(v)} for k, v in sources.items()]
        if isinstance(sources, list):
            for item in sources:
                if isinstance(item, dict) and item.get("id") is not None:
                    titles[str(item["id"])] = str(item.get("title") or item.get("description") or item.get("url") or item["id"])
        frame = self.columns.frame()
        ids = frame["sources"]
        if titles:
            frame["sources"] = ids.map(lambda s: "; ".join(titles.get(i, i) for i in s.split(_SOURCE_IDS)) if s else "").astype(ids.dtype)
        else:
            frame["sources"] = ids.str.replace(_SOURCE_IDS, "; ", regex=False)
        return _Raw(frame, None, self.rows.tolist(), self.problems)


_SOURCE_IDS = "\x1f"  # between a TimeMap event's source ids until they are named (a separator no id holds)


def _crs_transform(crs: object):
    """A transformer to WGS 84 lon/lat for GeoJSON's 2008 ``crs`` member (None for WGS 84 / CRS84 or no member)."""
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    name = str(props.get("name") or "")
    if str(crs.get("type", "")).upper() == "EPSG" and props.get("code"):
        name = f"EPSG:{props['code']}"
    if not name or re.search(r"CRS84$|EPSG:{1,2}4326$", name, flags=re.IGNORECASE):
        return None
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(name)
    except CRSError:
        raise _Unreadable(f"names a coordinate reference system that is not known: '{name}'.") from None
    return Transformer.from_crs(source, "OGC:CRS84", always_xy=True)


def _reprojected(geometries: Sequence[object], transform) -> np.ndarray:
    """The geometries (None for none) in WGS 84 longitude/latitude, all in one call."""
    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        x, y = transform.transform(coords[:, 0], coords[:, 1])
        # A point outside the declared CRS's domain does not come back: it is no coordinate (NaN, named by _checked_geometries).
        with np.errstate(invalid="ignore"):
            bx, by = transform.transform(x, y, direction="INVERSE")
            ok = np.isclose(bx, coords[:, 0], rtol=1e-7, atol=1e-3) & np.isclose(by, coords[:, 1], rtol=1e-7, atol=1e-3)
        return np.column_stack([np.where(ok, x, np.nan), np.where(ok, y, np.nan)])

    return shapely.transform(np.asarray(geometries, dtype=object), to_wgs84)


def _read_kml(file: str, content: bytes, kmz: bool = False) -> _Raw:
    read = _Features(file)
    for number, (record, geometry, error) in enumerate(read_kml(kml_bytes(content, kmz)), start=1):
        if error:
            read.problems.append(Problem(file, number, "geometry", error))
            continue
        if not read.keep(record, number, geometry if type(geometry) is tuple else _geometry(geometry)):
            break
    return read.raw()


def _read_kmz(file: str, content: bytes) -> _Raw:
    return _read_kml(file, content, kmz=True)


def _parquet_budget(content: bytes) -> None:
    """Rows, columns and decoded size from the Parquet footer, before a single value is decoded."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(io.BytesIO(content)).metadata
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a bad footer
        raise _Unreadable(f"cannot be read as PARQUET ({exc.__class__.__name__}: {str(exc)[:200]}).") from None
    if meta.num_rows > MAX_ROWS:
        raise BudgetError(f"has more than {MAX_ROWS:,} rows ({meta.num_rows:,}); the limit is {MAX_ROWS:,} (MAP_USER_MAX_ROWS): split it into smaller files.")
    if meta.num_columns > _budgets.MAX_COLUMNS:
        raise _budgets.too_many_columns("columns")
    unpacked = 0
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        unpacked += max(group.total_byte_size, sum(group.column(c).total_uncompressed_size for c in range(group.num_columns)))
        if unpacked > _budgets.MAX_UNPACKED_BYTES:
            raise _budgets.unpacked("its decoded columns")


def _dates_as_text(table: pa.Table) -> pa.Table:  # noqa: F821 - pyarrow is imported where it is used
    """Date and time columns as ISO text, in Arrow: a year Python cannot hold (0000) costs its row, not the file."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, fld in enumerate(table.schema):
        if pa.types.is_date(fld.type):
            table = table.set_column(i, fld.name, pc.cast(table.column(i), pa.string()))
        elif pa.types.is_timestamp(fld.type):
            table = table.set_column(i, fld.name, pc.strftime(table.column(i), format="%Y-%m-%dT%H:%M:%S"))
    return table


def _read_parquet(file: str, content: bytes) -> _Raw:

    import pyarrow.parquet as pq
    from geopandas.io.arrow import _arrow_to_geopandas
    from pyproj import Transformer

    _parquet_budget(content)
    table = _dates_as_text(pq.read_table(io.BytesIO(content)))
    try:
        geo = json.loads((table.schema.metadata or {}).get(b"geo", b"null"))
        if not isinstance(geo, dict):
            raise ValueError("no geo metadata")
        frame = _arrow_to_geopandas(table, geo)
        if frame.crs is not None and not frame.crs.equals("OGC:CRS84") and frame.crs.to_epsg() != 4326:
            transform = Transformer.from_crs(frame.crs, "OGC:CRS84", always_xy=True)
            frame = frame.set_geometry(_reprojected(list(frame.geometry), transform), crs="OGC:CRS84")
        geometries = [_geometry(g) for g in frame.geometry]
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    except (ValueError, TypeError, KeyError):  # no geo metadata: a plain Parquet table
        frame = table.to_pandas()
        geometries = None
    del table
    if len(frame) > MAX_ROWS:
        return _Raw(frame.iloc[: MAX_ROWS + 1], None, list(range(1, len(frame) + 1)), [])
    frame = pd.DataFrame({str(c): frame[c].map(_cell).astype(object) for c in frame.columns}) if len(frame.columns) else frame
    return _Raw(frame, geometries, list(range(1, len(frame) + 1)), [])


def _checked_geometries(file: str, raw: _Raw) -> _Raw:
    """Rows whose geometry has a coordinate that is not finite, off the globe or outside the declared CRS left out, each named."""
    if raw.geometry is None or not len(raw.geometry):
        return raw
    geoms = np.empty(len(raw.geometry), dtype=object)
    geoms[:] = raw.geometry  # None stays None: shapely gives it no coordinates
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    with np.errstate(invalid="ignore"):
        bad_point = ~(np.isfinite(coords).all(axis=1) & (np.abs(coords[:, 0]) <= MAX_LON) & (np.abs(coords[:, 1]) <= MAX_LAT))
    if not bad_point.any():
        return raw
    bad = np.zeros(len(geoms), dtype=bool)
    first: dict[int, tuple[float, float]] = {}
    for i, (x, y) in zip(index[bad_point], coords[bad_point], strict=True):
        if not bad[i]:
            bad[i] = True
            first[int(i)] = (float(x), float(y))
    rows = list(raw.rows)
    problems = list(raw.problems)
    for i in np.flatnonzero(bad):
        x, y = first[int(i)]
        problems.append(Problem(file, rows[i], "geometry", f"has a coordinate ({x:g}, {y:g}) that is not a longitude/latitude: not finite, beyond ±180° / ±90°, or outside its declared coordinate system"))
    keep = ~bad
    frame = raw.frame[keep].reset_index(drop=True) if len(raw.frame) == len(keep) else raw.frame
    return _Raw(frame, [g for g, k in zip(raw.geometry, keep, strict=True) if k], [r for r, k in zip(rows, keep, strict=True) if k], problems, raw.all_columns)


def _all_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) or values.dtype == object


def _long_cells(file: str, raw: _Raw) -> _Raw:
    """Rows with a cell longer than MAX_CELL_CHARS left out, each named (the rest loads)."""
    frame = raw.frame
    if frame.empty or not len(frame.columns):
        return raw
    bad = np.zeros(len(frame), dtype=bool)
    first_field: dict[int, str] = {}
    for column in frame.columns:
        lengths = frame[column].str.len().fillna(0).to_numpy(dtype=np.int64) if _all_text(frame[column]) else np.zeros(len(frame), dtype=np.int64)
        over = lengths > _budgets.MAX_CELL_CHARS
        if over.any():
            for i in np.flatnonzero(over & ~bad):
                first_field[int(i)] = str(column)
            bad |= over
    if not bad.any():
        return raw
    rows = list(raw.rows)
    problems = list(raw.problems) + [Problem(file, rows[i], first_field[i], _budgets.long_cell()) for i in np.flatnonzero(bad)]
    keep = ~bad
    geometry = None if raw.geometry is None else [g for g, k in zip(raw.geometry, keep, strict=True) if k]
    return _Raw(frame[keep].reset_index(drop=True), geometry, [r for r, k in zip(rows, keep, strict=True) if k], problems, raw.all_columns)


# --- interpreting rows ---------------------------------------------------------------


def _canonical(frame: pd.DataFrame, mapping: Mapping[str, tuple[str, ...]]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """One column per field from the mapping (the first non-empty of its columns); the columns not used."""
    out = {}
    used: set[str] = set()
    # Every field the file does not give shares one column of '' (Arrow arrays are never changed in place:
    # a write makes the column a new array), not one 8 MB column per field at a million rows.
    empty = pd.Series("", index=frame.index, dtype=_columns.STRING)
    for fld in ALIASES:
        value = empty
        for k, source in enumerate(mapping.get(fld, ())):
            used.add(source)
            cells = frame[source]
            cells = cells if isinstance(cells.dtype, pd.StringDtype) else cells.astype(object).fillna("")
            # The first column is taken whole (no masked copy of a million cells); later ones fill its gaps.
            value = _columns.text(cells) if k == 0 else value.where(value != "", _columns.text(cells))
        out[fld] = value
    ignored = tuple(str(c) for c in frame.columns if c not in used)
    return pd.DataFrame(out, index=frame.index), ignored


def normalise_date(text: str, order: DayOrder | None = None) -> str:
    """One cell as a partial ISO date (as it is when it cannot be read); see :func:`rkmap.core.dates.normalise_dates`."""
    values = pd.Series([text.strip()], dtype=_columns.STRING)
    out, _ = normalise_dates(values, order or decide_order([values]).order)
    return str(out.iloc[0])


def _apply_precision(frame: pd.DataFrame, report: Report, file: str) -> pd.Series:
    """Cut dates to a stated ``date_precision``; a precision finer than the date is an error."""
    ok = pd.Series(True, index=frame.index)
    precision = frame["date_precision"]
    lengths = {"year": 4, "month": 7, "day": 10}
    stated = {word: (precision == word).to_numpy(dtype=bool) for word in lengths}
    if not any(rows.any() for rows in stated.values()):
        return ok
    for name in ("date", "date_end"):
        values = frame[name]
        present = (values != "").to_numpy(dtype=bool)
        if not any((rows & present).any() for rows in stated.values()):
            continue
        # Each column's lengths and forms read once (not once per precision word: a million cells each time).
        size = values.str.len().to_numpy(dtype=np.int64)
        short = values.str.match(r"^\d{4}(-\d{2})?$").to_numpy(dtype=bool)
        long = values.str.match(r"^\d{4}-\d{2}(-\d{2})?$").to_numpy(dtype=bool)
        for word, length in lengths.items():
            rows = stated[word] & present
            if not rows.any():
                continue
            finer = pd.Series(rows & (size < length) & short, index=frame.index)
            if finer.any():
                report.add_rows(file, frame, finer, "date_precision", "'" + precision.astype(object) + "' is finer than the date '" + values.astype(object) + "'")
                ok &= ~finer
            cut = pd.Series(rows & (size > length) & long, index=frame.index)
            frame.loc[cut, name] = values[cut].str.slice(0, length)
    return ok


def _report(report: Report, file: str, frame: pd.DataFrame, errors: dict[str, pd.Series]) -> pd.Series:
    ok = pd.Series(True, index=frame.index)
    for name, messages in errors.items():
        if f"_error_{name}" in frame.columns:  # the date reader's own message, quoting the cell as it was
            messages = frame[f"_error_{name}"].where(frame[f"_error_{name}"] != "", messages)
        # An object column compared in numpy (pandas' own comparison of a million objects took 5–6 times as long).
        bad = pd.Series(messages.to_numpy() != "", index=messages.index) if messages.dtype == object else messages != ""
        report.add_rows(file, frame, bad, name, messages)
        ok &= ~bad
    return ok


def _resolve_mapping(frame: pd.DataFrame, options: LoadOptions) -> tuple[_presets.Preset | None, dict[str, tuple[str, ...]], list[str]]:
    """The preset (detected or chosen), derived columns added to ``frame``, and the mapping used."""
    columns = [str(c) for c in frame.columns]
    if options.preset is None:
        preset = _presets.detect(columns)
    else:
        preset = next((p for p in PRESETS if p.key == options.preset), None)
    for name, values in _presets.derive(preset, frame).items():
        frame[name] = values
    mapping = _presets.propose([str(c) for c in frame.columns], preset)
    if options.mapping is not None:
        mapping = {f: tuple(c for c in cols if c in frame.columns) for f, cols in options.mapping.items() if f in ALIASES}
        mapping = {f: cols for f, cols in mapping.items() if cols}
    point = _presets.point_column(columns, mapping)
    if point is not None:
        lat_name, lon_name = f"latitude (from {point})", f"longitude (from {point})"
        frame[lat_name], frame[lon_name] = _presets.split_point(frame[point])
        mapping["lat"], mapping["lon"] = (lat_name,), (lon_name,)
    return preset, mapping, columns


def _label(fld: str) -> str:
    return FIELD_LABELS.get(fld, fld)


def _used(mapping: Mapping[str, tuple[str, ...]], fld: str) -> str:
    return " or ".join(f"`{c}`" for c in mapping.get(fld, ()))


def _area_point(geom: object) -> tuple[object, float]:
    """An area (polygon, several points) as its representative point and the radius (km) of a circle of its size."""
    point = geom.representative_point() if geom.geom_type != "MultiPoint" else geom.centroid
    lat = math.radians(point.y)
    if geom.geom_type == "MultiPoint":
        lon0, lat0, lon1, lat1 = geom.bounds
        radius = max(lon1 - lon0, lat1 - lat0) / 2 * 111.32
    else:
        radius = math.sqrt(max(geom.area, 0.0) * 111.32 * 111.32 * max(math.cos(lat), 0.01) / math.pi)
    return point, round(radius, 3)


# shapely's geometry type ids (``get_type_id``, -1 for none) + 1 -> the type's name ("" for none).
_TYPE_NAMES = np.array(["", "Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"], dtype=object)
_MULTILINESTRING = 5


def _explode(frame: pd.DataFrame, geometry: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """MultiLineStrings (gx:MultiTrack, KML MultiGeometry of lines) as one row per line, ids suffixed -1, -2 … (one line: the id as it is)."""
    multi = shapely.get_type_id(geometry) == _MULTILINESTRING
    if not multi.any():
        return frame, geometry
    counts = np.where(multi, shapely.get_num_geometries(geometry), 1)
    positions = np.repeat(np.arange(len(frame)), counts)
    parts: list[object] = []
    suffix: list[str] = []
    for g, n, is_multi in zip(geometry, counts, multi, strict=True):
        if n == 1:
            parts.append(g.geoms[0] if is_multi else g)
            suffix.append("")
        else:
            parts.extend(g.geoms)
            suffix.extend(f"-{k}" for k in range(1, n + 1))
    out = frame.iloc[positions].reset_index(drop=True)
    suffixes = pd.Series(suffix, dtype=_columns.STRING)
    base = out["id"].where(out["id"] != "", "line-" + out["_row"].astype(str))
    out["id"] = out["id"].where(suffixes == "", base + suffixes)
    exploded = np.empty(len(parts), dtype=object)
    exploded[:] = parts
    return out, exploded


def _filled(values: pd.Series, default: object) -> pd.Series:
    """``values`` with empty cells set to ``default`` (a value, or a function of the empty rows' mask); untouched when none is empty."""
    empty = values == ""
    if not bool(empty.any()):
        return values
    return values.where(~empty, default(empty) if callable(default) else default)


def _part(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """The rows of one layer, as a frame of their own (the whole frame, not a filtered copy, when every row is in it)."""
    return frame.copy() if bool(mask.all()) else frame[mask].copy()


def _interpret(file: str, raw: _Raw, known_places: frozenset[str], options: LoadOptions = LoadOptions()) -> UserData:
    report = Report()
    report.problems.extend(raw.problems)
    source_frame = raw.frame.reset_index(drop=True)
    preset, mapping, columns = _resolve_mapping(source_frame, options)
    frame, _ = _canonical(source_frame, mapping)
    derived = [str(c) for c in source_frame.columns]
    # The file's cells are in ``frame`` now: keep only what is read again below (a million rows of every column weigh).
    source_frame = source_frame[[c for c in source_frame.columns if _presets.normalise(c) in ("folder", "time_precision")]]
    raw.frame = source_frame
    give_back_memory(len(frame))
    used = {c for cols in mapping.values() for c in cols}
    columns = raw.all_columns or columns
    ignored = tuple(c for c in columns if c not in used)
    frame["_row"] = np.asarray(raw.rows, dtype=np.int64)
    notes: list[str] = [_t("user_data_encoding", "en", encoding=_encoding.LABELS[raw.encoding])] if raw.encoding else []
    # KML Folders (outer first) are kept in the summary, and name the place of an untitled row.
    folder = _columns.text(source_frame["folder"].astype(object)) if "folder" in source_frame.columns else pd.Series("", index=frame.index, dtype=_columns.STRING)
    frame["_folder"] = folder
    if (folder != "").any() and not any("folder" in cols for cols in mapping.values()):
        has = folder != ""
        frame.loc[has, "summary_en"] = (frame["summary_en"] + pd.Series(np.where(frame["summary_en"] != "", "\n", ""), index=frame.index) + "Folder: " + folder)[has]
        notes.append("KML folders kept in the summary ('Folder: …')")
    if preset is not None:
        notes.append(f"read as {preset.label}" + (f": {preset.note}" if preset.note else ""))
    geometry = np.full(len(frame), None, dtype=object)
    file_geometry = raw.geometry is not None  # a feature format (GeoJSON, KML, GeoParquet)
    if file_geometry:
        geometry[:] = raw.geometry
        raw.geometry = None  # held here only: what is not needed below is let go
    ok = pd.Series(True, index=frame.index)
    for i in frame.index[frame["wkt"] != ""]:
        try:
            geometry[i] = _geometry(shapely_wkt.loads(str(frame.at[i, "wkt"])))
        except Exception as exc:  # noqa: BLE001 - shapely raises several kinds
            report.add(file, int(frame.at[i, "_row"]), "wkt", f"'{str(frame.at[i, 'wkt'])[:60]}' is not WKT ({exc.__class__.__name__})")
            ok[i] = False
    has_geometry = file_geometry or bool((frame["wkt"] != "").any())  # else (most CSV files) no per-row geometry work
    if has_geometry:
        # A collection: its lines, else its areas, else its points.
        mixed = 0
        for i in np.flatnonzero(_TYPE_NAMES[shapely.get_type_id(geometry) + 1] == "GeometryCollection"):
            for kinds_wanted in (("LineString", "MultiLineString"), ("Polygon", "MultiPolygon"), ("Point", "MultiPoint")):
                parts = [g for g in geometry[i].geoms if g.geom_type in kinds_wanted]
                if parts:
                    mixed += len(parts) < len(geometry[i].geoms)
                    geometry[i] = parts[0] if len(parts) == 1 else shapely_union(parts)
                    break
        if mixed:  # said, not silent: a Placemark's point next to its path is not shown
            notes.append(f"{mixed:,} rows mix points, lines and areas (a KML MultiGeometry, a GeometryCollection): their lines were used, else their areas; their other parts were not")
        frame["_ok"] = ok
        frame, geometry = _explode(frame, geometry)
        ok = frame.pop("_ok").astype(bool)
        kinds = pd.Series(_TYPE_NAMES[shapely.get_type_id(geometry) + 1], index=frame.index, dtype=object)
    else:
        kinds = pd.Series("", index=frame.index, dtype=object)
    unsupported = ~kinds.isin(["", "Point", "LineString", "Polygon", "MultiPolygon", "MultiPoint"])
    report.add_rows(file, frame, unsupported & ok, "geometry", lambda rows: "is a " + kinds[rows] + ": only points, lines and areas are read")
    ok &= ~unsupported
    # Coordinates as written by people: decimal commas, degrees-minutes-seconds.
    frame["lat"], frame["lon"] = _presets.parse_coordinates(frame["lat"]), _presets.parse_coordinates(frame["lon"])
    # The geometry wins over coordinate columns (attributes may describe something else).
    points = kinds == "Point"
    areas = kinds.isin(["Polygon", "MultiPolygon", "MultiPoint"])
    if (points | areas).any():
        is_point, is_area = points.to_numpy(dtype=bool), areas.to_numpy(dtype=bool)
        xs, ys, radius = np.full(len(frame), np.nan), np.full(len(frame), np.nan), np.full(len(frame), np.nan)
        xs[is_point], ys[is_point] = shapely.get_x(geometry[is_point]), shapely.get_y(geometry[is_point])
        geometry[is_point] = None  # a point is its lon/lat from here on (a million shapely points weigh some 100 MB)
        for i in np.flatnonzero(is_area):
            point, radius[i] = _area_point(geometry[i])
            xs[i], ys[i] = point.x, point.y
        had_columns = (frame["lat"] != "") & (points | areas)
        columns_lat = _columns.numbers(frame["lat"].where(had_columns, "")).to_numpy()
        columns_lon = _columns.numbers(frame["lon"].where(had_columns, "")).to_numpy()
        differ = had_columns.to_numpy() & ((np.abs(columns_lat - ys) > 1e-4) | (np.abs(columns_lon - xs) > 1e-4))
        has = points | areas
        frame.loc[has, "lon"] = [repr(float(x)) for x in xs[has.to_numpy()]]
        frame.loc[has, "lat"] = [repr(float(y)) for y in ys[has.to_numpy()]]
        if areas.any():
            frame.loc[areas, "radius_km"] = pd.Series(radius, index=frame.index)[areas].map(repr)
            frame.loc[areas & (frame["location_precision"] == ""), "location_precision"] = AREA_LOCATION_PRECISION
            polygonal = kinds.isin(["Polygon", "MultiPolygon"]).to_numpy()
            if polygonal.any():  # the area itself, drawn as its outline (the point and radius place it and fit the frame)
                frame["_outline"] = pd.Series(np.where(polygonal, geometry, None), index=frame.index, dtype=object)
            notes.append(f"{int(areas.sum()):,} areas (polygons or several points) placed at a point inside them, with a radius of their size and '{AREA_LOCATION_PRECISION}' precision")
        if differ.any():
            notes.append(f"the geometry gives the place: {_used(mapping, 'lat')}/{_used(mapping, 'lon')} differ from it in {int(differ.sum()):,} rows and were not used there")
    # Dates: the day/month order is decided once for the whole file.
    date_fields = [f for f in ("date", "date_end", "disclosed") if (frame[f] != "").any()]
    evidence = decide_order([frame[f] for f in date_fields])
    if options.day_order:
        order, why = options.day_order, "as chosen"
    elif evidence.order:
        order = evidence.order
        example = evidence.day_first_example or evidence.month_first_example
        why = f"'{example}' can only be read that way"
    elif not evidence.mixed and preset is not None and preset.day_order:
        order, why = preset.day_order, f"as {preset.label} writes them"
    else:
        order, why = None, ""
    needs_order = False
    for fld in date_fields:
        values, errors = normalise_dates(frame[fld], order, evidence)
        year_zero = (errors == "") & values.astype(str).str.match(r"^0000(?:-|$)")  # no calendar (nor Python) has a year 0
        if bool(year_zero.any()):  # the message built for those rows only (a million quoted cells cost about 0.2 s)
            errors = errors.where(~year_zero, "'" + frame[fld].astype(str) + "' is in year 0000, which is not a year of the calendar (years run 0001–9999)")
        frame[fld] = _columns.text(values)
        frame[f"_error_{fld}"] = errors
        said = errors[errors.to_numpy() != ""]  # the few messages, not a million empty ones (an object column: compared in numpy)
        needs_order |= bool(said.str.contains("day-first or month-first", regex=False).any())
    if order and (evidence.ambiguous or evidence.order or options.day_order):
        notes.append(f"dates read {'day-first' if order == 'dayfirst' else 'month-first'} ({why})")
    if needs_order:
        notes.append("the day/month order of the dates cannot be told from the file: choose day-first or month-first (--dayfirst / --monthfirst)")
    if preset is not None and preset.key == "acled" and mapping.get("date_end") == (_presets.ACLED_DATE_END,):
        start, end = _presets.acled_week(source_frame, frame["date"])
        frame["date"], frame["date_end"] = start, end
    if preset is not None and preset.key == "ucdp" and mapping.get("date_precision") == (_presets.UCDP_DATE_PRECISION,):
        # Only a precision that is exactly the row's period is kept (ucdp_dates), so the period never changes.
        frame["date"], frame["date_end"], frame["date_precision"] = _presets.ucdp_dates(frame["date"], frame["date_end"], frame["date_precision"])
    # What the file did not have: defaults, said once.
    has_dates = bool((frame["date"] != "").any()) or "date" in mapping
    if "date" not in mapping:
        notes.append("no date column: loaded as places" if not file_geometry or not (kinds == "LineString").any() else "no date column: points loaded as places, lines as context shown at every date")
    plain = {"lat": ("lat", "latitude"), "lon": ("lon", "lng", "longitude"), "date": ("date", "when", "begin", "start", "start_date", "date_start"), "title_en": ("title", "title_en", "name"), "source": ("source",)}
    all_geometry = file_geometry and (kinds != "").all()
    for fld, usual in plain.items():
        by_preset = preset is not None and fld in preset.fields
        if fld in mapping and not by_preset and not (fld in ("lat", "lon") and all_geometry) and _presets.normalise(mapping[fld][0]) not in usual:
            notes.append(f"no {_label(fld)} column: used {_used(mapping, fld)}")
    if "lat" not in mapping and not file_geometry:
        notes.append("no latitude/longitude columns: rows need a place_id")
    no_source = (frame["source"] == "") & (frame["source_title"] == "") & (frame["source_url"] == "")
    if options.source and no_source.any():
        frame.loc[no_source, "source"] = options.source
        notes.append(f"{int(no_source.sum()):,} {'row names' if no_source.sum() == 1 else 'rows name'} no source: cited as '{options.source}'")
    # Which layer each row belongs to.
    lowered = frame["layer"].str.lower()
    # Layer words in a numpy array of short strings, compared in C (as a column of Python objects,
    # pandas compared them one by one: about a second at a million rows).
    words = np.where((lowered == "").to_numpy(dtype=bool), "", "?").astype("<U5")
    for word, layer_name in LAYER_WORDS.items():
        words[(lowered == word).to_numpy(dtype=bool)] = layer_name
    bad_layer = pd.Series(words == "?", index=frame.index)
    report.add_rows(file, frame, bad_layer & ok, "layer", lambda rows: "'" + frame.loc[rows, "layer"].astype(object) + "' is not one of: event, place, route")  # noqa: F821 - add_rows calls it at once, before `del frame` below
    ok &= ~bad_layer
    implied = np.where((kinds == "LineString").to_numpy(dtype=bool), "route", "event" if has_dates else "place")
    layer = np.where(words != "", words, implied)
    # A line without a date is context, shown at every date.
    context = pd.Series(layer == "route", index=frame.index) & (frame["date"] == "") & (frame["date_end"] == "")
    if context.any():
        frame.loc[context, "date"], frame.loc[context, "date_end"] = CONTEXT_FIRST.isoformat(), CONTEXT_LAST.isoformat()
        frame.loc[context, "date_precision"] = ""
        notes.append(f"{int(context.sum()):,} lines without a date: shown at every date, as context")
    # A missing title is built from the kind and the place, and says so.
    untitled = (frame["title_en"] == "") & (frame["title_ja"] == "")
    if untitled.any():
        rows = frame.loc[untitled]  # built for the untitled rows only
        noun = pd.Series(layer[untitled.to_numpy(dtype=bool)], index=rows.index, dtype=object).map({"event": "Event", "place": "Place", "route": "Line"}).fillna("Item").astype(object)
        what = rows["kind"].astype(object).where(rows["kind"] != "", noun)
        what = what.str.slice(0, 1).str.upper() + what.str.slice(1)
        where = rows["place_name"].astype(object).where(rows["place_name"] != "", _coordinates_text(rows))
        where = where.where(where != ", ", rows["place_id"].astype(object))
        where = where.where(where != "", rows["_folder"].astype(object))
        title = (what + np.where(where != "", " at " + where, "") + GENERATED_TITLE).astype(object)
        frame["title_en"] = frame["title_en"].astype(object).where(~untitled, title) if not untitled.all() else title
        notes.append(("no title column" if "title_en" not in mapping else f"{int(untitled.sum()):,} rows without a title") + f": built from the kind and the place, marked '{GENERATED_TITLE.strip()}'")
    lines = pd.Series(geometry, index=frame.index, dtype=object)

    parts = {name: _part(frame, ok & pd.Series(layer == name, index=frame.index)) for name in ("place", "event", "route")}
    del frame  # its rows are in the parts: one copy of a million rows at a time
    give_back_memory(len(lines))
    places = _places(file, parts.pop("place"), report)
    events, event_places = _events(file, parts.pop("event"), report, known_places, places["id"])
    give_back_memory(len(lines))
    routes = _routes(file, parts.pop("route"), lines, report)
    if len(event_places):
        # The file's own place rows carry every column of the file; the events' places only what a place needs
        # (a million events' places padded with thirty empty columns weighed some 300 MB).
        places = pd.concat([places, event_places], ignore_index=True) if len(places) else event_places
    give_back_memory(len(events))
    events, places, routes, sources = _sources(events, places, routes)
    give_back_memory(len(events))  # the sources' keys, before the sort takes its copies
    events = _in_date_order(events)
    # Problems named by the analyst's own columns.
    names = {fld: cols[0] for fld, cols in mapping.items()}
    if file_geometry:
        names.setdefault("lat", "geometry")  # a feature with no lat/lon columns and a null geometry: its geometry has no coordinates
    problems = [replace(p, field=names.get(p.field, p.field)) if p.field else p for p in report.problems]
    problems.sort(key=lambda p: (p.row is None, p.row or 0, p.field or ""))
    groups = tuple(replace(g, field=names.get(g.field, g.field)) for g in sorted(report.groups.values(), key=lambda g: -g.count))
    for p in raw.problems:
        if p.row is not None:
            groups += (Group(p.field, p.message, 1, [(p.row, p.message)]),)
    refused_by_reader = sum(1 for p in raw.problems if p.row is not None)
    return UserData(
        file, events, places, routes, sources, tuple(problems), len(raw.rows) + refused_by_reader, ignored,
        preset="" if preset is None else preset.key,
        mapping=tuple((f, cols) for f, cols in mapping.items()),
        columns=tuple(dict.fromkeys([*columns, *derived])),
        day_order=order or "",
        needs_day_order=needs_order,
        encoding=raw.encoding,
        notes=tuple(notes),
        left_out=groups,
    )


def _source_ok(frame: pd.DataFrame, report: Report, file: str) -> pd.Series:
    none = (frame["source"] == "") & (frame["source_title"] == "") & (frame["source_url"] == "")
    report.add_rows(file, frame, none, "source", "every row needs its source: fill source (a title), source_url or both")
    return ~none


def _places(file: str, frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    frame = frame.assign(
        id=_filled(frame["id"], lambda empty: "place-" + frame.loc[empty, "_row"].astype(str)),
        name_en=frame["title_en"],
        name_ja=frame["title_ja"],
        kind=_filled(frame["kind"], lambda empty: _filled(frame["place_kind"], DEFAULT_PLACE_KIND)[empty]),
        location_precision=_filled(frame["location_precision"], DEFAULT_LOCATION_PRECISION),
    )
    ok = _report(report, file, frame, _columns.check_columns(frame, PLACE_COLUMNS)) & _source_ok(frame, report, file)
    duplicate = frame["id"].duplicated() & ok
    report.add_rows(file, frame, duplicate, "id", lambda rows: "'" + frame.loc[rows, "id"].astype(object) + "' is a duplicate id")
    frame = _columns.to_floats(_columns.keep(frame, ok & ~duplicate), PLACE_COLUMNS)
    frame["from_event"] = False
    frame["on_map"] = "yes"
    if "_outline" in frame.columns:
        frame["outline"] = frame.pop("_outline")
    return frame


def _dated_and_unique(file: str, frame: pd.DataFrame, report: Report, ok: pd.Series) -> pd.DataFrame:
    """The rows still ok with their dates added, less those whose dates are out of order or whose id came before (each named)."""
    frame = _columns.add_dates(frame)
    for name, (bad, message) in _columns.date_order_errors(frame).items():
        report.add_rows(file, frame, bad & ok, name, message)
        ok &= ~bad
    duplicate = frame["id"].duplicated() & ok
    report.add_rows(file, frame, duplicate, "id", lambda rows: "'" + frame.loc[rows, "id"].astype(object) + "' is a duplicate id")
    return _columns.keep(frame, ok & ~duplicate)


def _events(file: str, frame: pd.DataFrame, report: Report, known: frozenset[str], own_places: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events that pass the checks, and one place per distinct coordinate of those given by lat/lon.

    ``own_places`` are the ids of the file's place rows, in order. Each event's
    place is kept as its row in the file's places (``_place``: those rows, then
    the events' places; -1 for a shipped place), so the merge finds it without
    matching a million place ids as strings.
    """
    file_places = set(own_places)
    frame = frame.assign(
        id=_filled(frame["id"], lambda empty: "row-" + frame.loc[empty, "_row"].astype(str)),
        kind=_filled(frame["kind"], DEFAULT_EVENT_KIND),
        claim_status=_filled(frame["claim_status"], DEFAULT_CLAIM),
    )
    ok = _apply_precision(frame, report, file)
    ok &= _report(report, file, frame, _columns.check_columns(frame, (*EVENT_COLUMNS, *COORD_COLUMNS, *EXTRA_COLUMNS)))
    has_lat, has_lon = frame["lat"] != "", frame["lon"] != ""
    half = has_lat ^ has_lon
    report.add_rows(file, frame, half, "lat", "give both lat and lon (or neither, with a place_id)")
    nowhere = ~has_lat & ~has_lon & (frame["place_id"] == "")
    # Named by the file's latitude column (GDELT's empty ActionGeo_Lat), where the analyst will look.
    report.add_rows(file, frame, nowhere, "lat", "has no coordinates: needs lat and lon, or a place_id from places.csv or from a place row of this file")
    unknown = ~has_lat & ~has_lon & (frame["place_id"] != "") & ~_columns.isin(frame["place_id"], known | file_places)
    report.add_rows(file, frame, unknown, "place_id", lambda rows: "'" + frame.loc[rows, "place_id"].astype(object) + "' is not a place in places.csv or in this file: give lat and lon for a new place")
    ok &= ~half & ~nowhere & ~unknown & _source_ok(frame, report, file)
    frame = _dated_and_unique(file, frame, report, ok)
    give_back_memory(len(frame))  # the checks' masks and messages, before the places are built
    # One place per distinct coordinate of events given by lat/lon.
    located = frame["lat"] != ""
    where = located.to_numpy(dtype=bool)
    rows = np.full(len(frame), -1, dtype=np.int64)
    if not where.all():
        rows[~where] = _place_rows(frame["place_id"][~where], own_places)
    places = _empty_frame(["id"])
    if located.any():
        at = _columns.keep(frame, located)
        lon = _columns.numbers(at["lon"]).round(6)
        lat = _columns.numbers(at["lat"]).round(6)
        # One place per point and precision (numbers grouped as numbers: no key strings for a million rows).
        codes = _columns.row_codes(lon, lat, at["location_precision"], dropna=False)
        uniques = np.arange(int(codes.max()) + 1 if len(codes) else 0)
        # pt-1, pt-2 … skipping ids the file's places or the shipped ones already use.
        taken = {t for t in set(file_places) | set(known) if t.startswith("pt-")}
        # Built and kept as Arrow strings: a million Python strings cost time and a few hundred MB.
        candidates = pd.Series("pt-" + pd.Series(np.arange(1, len(uniques) + len(taken) + 1)).astype(str).astype(_columns.STRING).array, dtype=_columns.STRING)
        ids = (candidates[~_columns.isin(candidates, taken)] if taken else candidates).iloc[: len(uniques)].array
        first_positions = np.unique(codes, return_index=True)[1]
        place_columns = ["place_name", "place_id", "lat", "lon", "place_name_ja", "place_kind", "location_precision", "radius_km", *SOURCE_FIELDS, "source_quote", "_row"]
        place_columns += ["_outline"] if "_outline" in at.columns else []
        first = at[place_columns].iloc[first_positions].assign(_code=np.arange(len(uniques)))  # before place_id is replaced (it may name the place)
        if bool(located.all()):
            frame["place_id"] = ids[codes]  # a whole column: no masked write into a million strings
        else:
            frame.loc[located, "place_id"] = ids[codes]
        rows[where] = len(own_places) + codes
        first = first.reset_index(drop=True)
        name = first["place_name"].where(first["place_name"] != "", first["place_id"])
        unnamed = name == ""
        if unnamed.any():  # named by its coordinates, built for the unnamed only
            name = name.astype(object).where(~unnamed, _coordinates_text(first)).astype(_columns.STRING)
        precision = first["location_precision"]
        # Arrow strings throughout (no .to_numpy(): a million places of Python strings doubled the peak memory).
        places = pd.DataFrame(
            {
                "id": pd.Series(ids, dtype=_columns.STRING).take(first["_code"].to_numpy()).reset_index(drop=True),
                "name_en": name,
                "name_ja": first["place_name_ja"],
                # An imprecise location is an area (drawn as the app draws places known only to a region), not an exact site.
                "kind": first["place_kind"].where(first["place_kind"] != "", _area_kind(precision)),
                "location_precision": precision.where(precision != "", DEFAULT_LOCATION_PRECISION),
                "lon": lon.to_numpy(dtype=float)[first_positions],
                "lat": lat.to_numpy(dtype=float)[first_positions],
                "radius_km": _columns.numbers(first["radius_km"]).fillna(pd.Series(_area_radius(precision), index=first.index)).to_numpy(dtype=float),
                "country": "",
                "role_en": "",
                "role_ja": "",
                "on_map": "no",  # it only locates events: drawn as the events, not as a place
                "from_event": True,
                "source": first["source"],
                "source_title": first["source_title"],
                "source_url": first["source_url"],
                "source_quote": first["source_quote"],
                "_row": first["_row"].to_numpy(),
            }
        )
        if "_outline" in first.columns:
            places["outline"] = first["_outline"].to_numpy()
    frame["_place"] = rows
    return frame, places


def _place_rows(place_ids: pd.Series, ids: pd.Series) -> np.ndarray:
    """The row of ``ids`` (distinct) each of ``place_ids`` names, -1 for none (looked up by Arrow's hash)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(ids) or not len(place_ids):
        return np.full(len(place_ids), -1, dtype=np.int64)
    found = pc.index_in(pa.array(place_ids.astype(_columns.STRING).array), value_set=pa.array(ids.astype(_columns.STRING).array))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _routes(file: str, frame: pd.DataFrame, lines: pd.Series, report: Report) -> pd.DataFrame:
    frame = frame.assign(
        id=_filled(frame["id"], lambda empty: "route-" + frame.loc[empty, "_row"].astype(str)),
        claim_status=_filled(frame["claim_status"], DEFAULT_CLAIM),
        line=lines[frame.index],
    )
    ok = _apply_precision(frame, report, file)
    ok &= _report(report, file, frame, _columns.check_columns(frame, ROUTE_COLUMNS)) & _source_ok(frame, report, file)
    no_line = ~frame["line"].map(lambda g: isinstance(g, LineString)).astype(bool)
    report.add_rows(file, frame, no_line & ok, "geometry", "a route needs a line: a LineString geometry (GeoJSON, KML, GeoParquet) or a wkt column")
    ok &= ~no_line
    frame = _dated_and_unique(file, frame, report, ok)
    frame["line"] = [LineString([(x, y) for x, y, *_ in g.coords]) for g in frame["line"]]
    return frame


def _sources(events: pd.DataFrame, places: pd.DataFrame, routes: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """One user source per distinct (title, URL); each row's ``source`` becomes its id."""
    frames = [f for f in (events, places, routes)]
    resolved = []
    for f in frames:
        if not len(f):
            resolved.append(f.assign(source_title="", source_url="") if "source" in f.columns else f)
            continue
        source = f["source"].astype(_columns.STRING)
        url_like = matches(source, r"^(https?|ftp)://")
        url = f["source_url"].astype(_columns.STRING).where(f["source_url"] != "", source.where(url_like, ""))
        title = f["source_title"].astype(_columns.STRING).where(f["source_title"] != "", source.where(~url_like | (source == url), ""))
        title = title.where(title != "", url)
        resolved.append(f.assign(source_title=title, source_url=url))
    # Distinct (title, URL) pairs, grouped as two columns (no joined key strings for a million rows).
    present = [r for r in resolved if len(r)]
    pairs = pd.DataFrame(
        {
            "title": pd.concat([r["source_title"].astype(_columns.STRING) for r in present], ignore_index=True) if present else pd.Series([], dtype=_columns.STRING),
            "url": pd.concat([r["source_url"].astype(_columns.STRING) for r in present], ignore_index=True) if present else pd.Series([], dtype=_columns.STRING),
        }
    )
    codes = _columns.row_codes(pairs["title"], pairs["url"])
    first = np.unique(codes, return_index=True)[1]
    ids = np.array([f"user-{i + 1}" for i in range(len(first))], dtype=object)
    out, start = [], 0
    for r in resolved:
        n = len(r)
        if n:
            r = r.assign(source=ids[codes[start : start + n]])
        start += n
        out.append(r)
    titles, urls = pairs["title"].iloc[first].tolist(), pairs["url"].iloc[first].tolist()
    sources = pd.DataFrame(
        {
            "id": list(ids),
            "kind": USER_SOURCE_KIND,
            "title": titles,
            "publisher": "",
            "author": "",
            "published": "",
            "language": "",
            "locator": list(urls),
            "sha256": "",
            "note": "",
        }
    )
    events, places, routes = out
    keep_events = [*(c.name for c in EVENTS.columns), "source", "source_title", "source_url", "source_quote", "date_precision", "_row"]
    # Of the hidden columns, the intervals the merge reads (the parsed parts and messages are spent).
    hidden = [c for c in ("_start", "_end", "_public", "_end_first", "_place") if c in events.columns]
    events = events[keep_events + hidden] if len(events.columns) else events
    return events, places, routes, sources


# --- what an analyst reads about a file ---------------------------------------------------


def mapping_lines(data: UserData) -> list[str]:
    """The column → field mapping used, one line per field, in the file's own column names."""
    return [f"{_label(fld)} ← {' or '.join(cols)}" for fld, cols in data.mapping]


def summary_lines(data: UserData, examples: int = 3) -> list[str]:
    """One summary of a file (what it was read as, what was assumed), then the rows left out, grouped by reason."""
    kind = f" as {data.preset_label}" if data.preset else ""
    lines = [f"{data.file}: read{kind}; {data.rows_read:,} rows, {data.rows_loaded:,} loaded, {data.rows_left_out:,} left out"]
    lines += [f"  {note}" for note in data.notes]
    if data.loaded_nothing and not data.left_out:
        lines += [f"  {p.message}" for p in data.problems if p.row is None]
    for group in data.left_out:
        where = f"`{group.field}`: " if group.field else ""
        reason = group.reason.lstrip("…:, ").strip()
        shown = ", ".join(_example(row, message) for row, message in group.examples[:examples])
        more = ", …" if group.count > len(group.examples[:examples]) else ""
        lines.append(f"  {group.count:,} {'row' if group.count == 1 else 'rows'} left out, {where}{reason} — row {shown}{more}")
    return lines


def _example(row: int | None, message: str) -> str:
    """'5 ('31/04/2022')': a row and the cell it was left out for, as written in the file."""
    quoted = re.search(r"'[^']*'", message)
    return f"{row if row is not None else '?'}" + (f" ({quoted.group(0)})" if quoted else "")


# --- merging into the dataset --------------------------------------------------------


def _prefixed(values: pd.Series, prefix: str) -> pd.Series:
    return prefix + values.astype(_columns.STRING)  # Arrow strings: no million Python strings


def _merged_by_date(shipped: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    """Two frames in ``t_start`` order merged into one, shipped rows first on a tie, in one concatenation (no sort of a million rows)."""
    starts = shipped["t_start"].to_numpy()
    if len(shipped) > 200 or not bool((np.diff(starts) >= 0).all()):
        both = pd.concat([shipped, user], ignore_index=True)
        return both.iloc[np.argsort(both["t_start"].to_numpy(), kind="stable")].reset_index(drop=True)
    positions = np.searchsorted(user["t_start"].to_numpy(), starts, side="left")
    pieces, previous = [], 0
    for k, position in enumerate(positions):
        pieces += [user.iloc[previous:position], shipped.iloc[k : k + 1]]
        previous = position
    pieces.append(user.iloc[previous:])
    return pd.concat(pieces, ignore_index=True)


def _in_date_order(events: pd.DataFrame) -> pd.DataFrame:
    """A file's events by start date, then as the file lists them (the order the merge needs).

    Sorted where the file is read, once: a file in another order (ACLED's
    exports are newest first) was sorted again at each merge, and the panel,
    which keeps its files, then held a million events in file order and in
    date order at once. A file already in date order is not copied.
    """
    if len(events) < 2:
        return events
    starts = _columns.as_dates(events["_start"])
    if bool((np.diff(starts) >= np.timedelta64(0, "D")).all()):
        return events
    return _rows_taken(events, np.argsort(starts, kind="stable"))


def _rows_taken(frame: pd.DataFrame, order: np.ndarray, spent: Sequence[pd.DataFrame] = ()) -> pd.DataFrame:
    """``frame.iloc[order].reset_index(drop=True)``, a text column with one value throughout kept as it is (not copied row by row).

    Each column keeps its dtype: an object column taken as a Series of its own
    became Arrow text, and the merge with the shipped rows' object column then
    made a Python string of every cell. ``frame`` is spent: a column taken is
    dropped from it and from the ``spent`` frames (which share it), so the
    rows are not held twice when nothing else needs the unsorted ones.
    """
    import pyarrow.compute as pc

    columns = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow" and len(values):
            cells = values.array._pa_array
            if cells.null_count == 0 and pc.all(pc.equal(cells, cells[0])).as_py():  # every cell the same ('', 'reported'): the same column in any order
                columns[name] = values.reset_index(drop=True)
                continue
        columns[name] = pd.Series(values.array.take(order), name=name, dtype=values.dtype)
        del values
        for other in (frame, *spent):
            if name in other.columns:
                del other[name]
    return pd.DataFrame(columns)


def _joined_places(events: pd.DataFrame, places: pd.DataFrame, rows: np.ndarray, shipped: int) -> pd.DataFrame:
    """``events.join(places, on="place_id")`` column by column: the join copied every column of a million events.

    ``rows`` is each event's row in ``places`` when it is a place of the analyst's
    (found by the loader, :func:`_events`), else -1: those are looked up by id among
    the ``shipped`` places that come first. No string match of a million place ids.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    positions = rows.astype(np.int64, copy=True)
    ids = pa.array(pd.Series(places.index, dtype=_columns.STRING).array)
    elsewhere = positions < 0
    if elsewhere.any():  # looked up by Arrow's hash (pandas hashed a million Python strings in seconds)
        keys = pa.array(events["place_id"][elsewhere].astype(_columns.STRING).array)
        positions[elsewhere] = pc.index_in(keys, value_set=ids.slice(0, shipped)).fill_null(-1).to_numpy(zero_copy_only=False)
    # A place not found (none is, after the checks), or ids not unique: the join. The user's ids are distinct
    # (each file's, by the loader's checks; files apart by their prefixes 'user1:' …), and none is a shipped
    # one unless a shipped id starts with 'user'. Counted by Arrow where it must be: ``Index.is_unique`` built
    # and kept on the merged places' index a hash table of a Python string per place (about 100 MB at a million).
    shipped_ids = ids.slice(0, shipped)
    suspect = ids if pc.any(pc.starts_with(shipped_ids, "user")).as_py() else shipped_ids
    if not (positions >= 0).all() or len(pc.unique(suspect)) != len(suspect):  # unique: count_distinct took three times as long
        return events.join(places, on="place_id")
    for column in places.columns:
        events[column] = places[column].array.take(positions)  # the column's own type; no index built per column
    return events


def with_user_data(dataset: Dataset, user: Sequence[UserData], spend: bool = False) -> Dataset:
    """A new dataset: the shipped rows plus every loaded user row (origin 'user'); ``dataset`` is unchanged.

    ``spend``: the caller needs the ``user`` files no more (the command line): their events' columns are
    dropped as the merged copy is made, so a million rows are not held twice. The panel keeps its files.
    """
    user = [u for u in user if not u.loaded_nothing]
    if not user:
        return dataset
    sources, places, events, routes, citations = [], [], [], [], []
    place_rows = len(dataset.places)  # the row of a file's first place in the merged places
    for k, data in enumerate(user, start=1):
        prefix = f"user{k}:"
        note = f"Added by the user from {data.file}"
        sources.append(data.sources.assign(id=_prefixed(data.sources["id"], prefix), note=note, origin=ORIGIN_USER))
        if len(data.places):
            p = data.places.assign(
                id=_prefixed(data.places["id"], prefix),
                coord_source=_prefixed(data.places["source"], prefix),
                radius_km=pd.to_numeric(data.places["radius_km"], errors="coerce").astype(float),
                origin=ORIGIN_USER,
            )
            p["is_area"] = p["kind"].isin(AREA_KINDS)
            places.append(p)
            citations.append(pd.DataFrame({"item": "place:" + p["id"], "field": "coordinates", "source": p["coord_source"], "quote": p["source_quote"], "locator": "", "note": note}))
        if len(data.events):
            own = data.events["_place"].to_numpy(dtype=np.int64)  # the event's row in the file's places, -1 for a shipped place
            in_file = own >= 0
            e = data.events.assign(
                id=_prefixed(data.events["id"], prefix),
                place_id=_prefixed(data.events["place_id"], prefix).where(in_file, data.events["place_id"].astype(_columns.STRING)),
                source=_prefixed(data.events["source"], prefix),
                origin=ORIGIN_USER,
                _place=np.where(in_file, place_rows + own, -1),
            )
            e = _columns.ensure_dates(e)
            # Only what finish_dates and the places' join read of the hidden columns goes on (the rest would be copied by the sort below).
            events.append(e.drop(columns=[c for c in e.columns if c.startswith("_") and c not in ("_start", "_end", "_public", "_place")]))
        place_rows += len(data.places)
        if len(data.routes):
            r = data.routes.assign(
                id=_prefixed(data.routes["id"], prefix),
                mode=data.routes["mode"].where(data.routes["mode"] != "", OTHER_MODE),
                from_place="",
                to_place="",
                geometry="",
                schematic_head_vertices=0,
                schematic_head_km=0.0,
                source=_prefixed(data.routes["source"], prefix),
                origin=ORIGIN_USER,
            )
            r = _columns.finish_dates(_columns.ensure_dates(r)).drop(columns="_row")
            routes.append(r)
            for fld in ("route", "date"):
                citations.append(pd.DataFrame({"item": "leg:" + r["id"], "field": fld, "source": r["source"], "quote": r["source_quote"], "locator": "", "note": note}))
    user_sources = pd.concat(sources, ignore_index=True).set_index("id", drop=False)
    all_sources = pd.concat([dataset.sources, user_sources]).fillna({"origin": ""})
    user_places = pd.concat(places, ignore_index=True).set_index("id", drop=False) if places else dataset.places.iloc[0:0].assign(origin=pd.Series(dtype=object))
    user_places = user_places[[c for c in dataset.places.columns if c in user_places.columns] + ["origin"] + (["outline"] if "outline" in user_places.columns else [])]
    # '' on the shipped side first, in the user's column type (filled after the merge, the column was copied whole).
    own_origin = dataset.places["origin"].fillna("") if "origin" in dataset.places.columns else pd.Series("", index=dataset.places.index)
    all_places = pd.concat([dataset.places.assign(origin=own_origin.astype(user_places["origin"].dtype)), user_places])
    if bool(all_places["origin"].isna().any()):
        all_places["origin"] = all_places["origin"].fillna("")
    outline = ["outline"] if "outline" in all_places.columns else []  # an area of the analyst's: its polygon, drawn as its outline
    place_columns = all_places[["lon", "lat", "location_precision", "is_area", "radius_km", "name_en", "name_ja", *outline]].rename(columns={"name_en": "place_name_en", "name_ja": "place_name_ja"})
    if events:
        user_events = pd.concat(events, ignore_index=True) if len(events) > 1 else events[0]
        events.clear()  # one copy of a million rows at a time
        # By date, then as the file lists them (one stable sort on a number: no string sort of a million ids);
        # sorted before the display dates and place columns are added, so the sort copies fewer columns.
        starts = _columns.as_dates(user_events["_start"])
        if not bool((np.diff(starts) >= np.timedelta64(0, "D")).all()):  # a file already in date order is not copied again
            user_events = _rows_taken(user_events, np.argsort(starts, kind="stable"), [u.events for u in user] if spend else ())
        user_events = user_events.reset_index(drop=True)
        rows = user_events.pop("_place").to_numpy()  # each event's row in the merged places (-1: a shipped one, looked up)
        user_events = _joined_places(_columns.finish_dates(user_events), place_columns, rows, len(dataset.places))
        give_back_memory(len(user_events))
    else:
        user_events = dataset.events.iloc[0:0].assign(origin=pd.Series(dtype=object))
    # Columns only the user's rows have are filled with '' on the shipped side before the merge, in the
    # user's column type: filled after it, each was copied whole for the sake of the shipped rows.
    shipped_events = dataset.events.copy(deep=False)
    text_columns = ("origin", "source_title", "source_url", "source_quote", "source")
    for column in text_columns:
        if column in user_events.columns and user_events[column].dtype != object:
            kind = user_events[column].dtype
            own = shipped_events[column].fillna("") if column in shipped_events.columns else pd.Series("", index=shipped_events.index)
            shipped_events[column] = own.astype(kind)
    all_events = _merged_by_date(shipped_events, user_events)
    for column in text_columns:
        if column in all_events.columns and bool(all_events[column].isna().any()):
            all_events[column] = all_events[column].fillna("")
    user_routes = pd.concat(routes, ignore_index=True) if routes else dataset.route_legs.iloc[0:0].assign(origin=pd.Series(dtype=object), source=pd.Series(dtype=object))
    user_routes = user_routes[[c for c in dataset.route_legs.columns if c in user_routes.columns] + [c for c in ("origin", "source") if c not in dataset.route_legs.columns]]
    all_routes = pd.concat([dataset.route_legs, user_routes], ignore_index=True)
    for column in ("origin", "source"):
        all_routes[column] = all_routes[column].fillna("") if column in all_routes.columns else ""
    user_citations = pd.concat(citations, ignore_index=True) if citations else dataset.citations.iloc[0:0]
    all_citations = pd.concat([dataset.citations, user_citations], ignore_index=True)
    merged = Dataset(sources=all_sources, places=all_places, events=all_events, route_legs=all_routes, citations=all_citations, disagreements=dataset.disagreements)
    only_user = Dataset(
        sources=all_sources,
        places=user_places,
        events=user_events,
        route_legs=user_routes.reset_index(drop=True),
        citations=all_citations,
        disagreements=dataset.disagreements.iloc[0:0],
    )
    memo(merged, _SPLIT_KEY, lambda: (dataset, only_user))
    return merged


def user_parts(dataset: Dataset) -> tuple[Dataset, Dataset | None]:
    """The shipped part and the user part of a dataset (``None`` without user rows)."""
    return memo(dataset, _SPLIT_KEY, lambda: _split(dataset))


def _split(dataset: Dataset) -> tuple[Dataset, Dataset | None]:
    def is_user(frame: pd.DataFrame) -> pd.Series:
        return frame["origin"] == ORIGIN_USER if "origin" in frame.columns else pd.Series(False, index=frame.index)

    masks = {name: is_user(getattr(dataset, name)) for name in ("places", "events", "route_legs")}
    if not any(m.any() for m in masks.values()):
        return dataset, None
    def part(name: str, mask: pd.Series) -> pd.DataFrame:
        rows = getattr(dataset, name)[mask]
        return rows if name == "places" else rows.reset_index(drop=True)

    shipped = replace(dataset, **{name: part(name, ~m) for name, m in masks.items()})
    user = replace(dataset, **{name: part(name, m) for name, m in masks.items()})
    return shipped, user


def has_user_data(dataset: Dataset) -> bool:
    return user_parts(dataset)[1] is not None


# --- template and saving -------------------------------------------------------------


def template_csv() -> bytes:
    """The template: header and two example rows, UTF-8 with BOM so spreadsheets read Japanese."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TEMPLATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in TEMPLATE_ROWS:
        writer.writerow({c: row.get(c, "") for c in TEMPLATE_COLUMNS})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text_props(row: dict, names: dict[str, str]) -> dict[str, str]:
    return {out: row[col] for out, col in names.items() if isinstance(row.get(col), str) and row[col] != ""}


_EVENT_SAVE = {
    "id": "id", "date": "date", "date_end": "date_end", "disclosed": "disclosed", "title": "title_en", "title_ja": "title_ja",
    "summary": "summary_en", "summary_ja": "summary_ja", "kind": "kind", "claim_status": "claim_status", "asserted_by": "asserted_by",
    "denied_by": "denied_by", "quantity": "quantity_en", "quantity_ja": "quantity_ja",
}  # fmt: skip
_SOURCE_SAVE = {"source": "source_title", "source_url": "source_url", "source_quote": "source_quote"}
_ROUTE_SAVE = {**{k: v for k, v in _EVENT_SAVE.items() if not k.startswith("summary") and k != "kind"}, "mode": "mode", "carrier": "carrier_en", "carrier_ja": "carrier_ja"}


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (v if not isinstance(v, float) or v == v else None) for k, v in r.items()} for r in frame.astype(object).to_dict("records")] if len(frame) else []


def saved_features(user: Sequence[UserData]) -> list[dict[str, object]]:
    """Everything added, as GeoJSON features with the template's columns (uploads again as it was)."""
    features: list[dict[str, object]] = []
    taken: set[str] = set()
    for k, data in enumerate(user, start=1):
        ids = set(data.events["id"]) | set(data.routes["id"]) | set(data.places["id"])
        prefix = f"f{k}-" if ids & taken else ""
        taken |= {prefix + i for i in ids}
        places = {p["id"]: p for p in _records(data.places)}
        for place in places.values():
            if place["from_event"]:
                continue
            props = {"layer": "place", "id": prefix + place["id"], "title": place["name_en"], "kind": place["kind"], "location_precision": place["location_precision"]}
            props |= _text_props(place, {"title_ja": "name_ja", "country": "country", "role": "role_en", "role_ja": "role_ja", **_SOURCE_SAVE})
            if place.get("radius_km") is not None and math.isfinite(float(place["radius_km"])):
                props["radius_km"] = repr(float(place["radius_km"]))
            features.append({"type": "Feature", "geometry": _saved_point(place), "properties": props})
        for event in _records(_in_file_order(data.events)):
            props = {"layer": "event", **_text_props(event, {**_EVENT_SAVE, **_SOURCE_SAVE})}
            props["id"] = prefix + event["id"]
            geometry = None
            place = places.get(event["place_id"])
            if place is not None and place["from_event"]:
                geometry = _saved_point(place)
                props |= {"place_name": place["name_en"], "place_kind": place["kind"], "location_precision": place["location_precision"]}
                props |= _text_props(place, {"place_name_ja": "name_ja"})
            else:
                props["place_id"] = (prefix if place is not None else "") + event["place_id"]
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        for route in _records(data.routes):
            props = {"layer": "route", **_text_props(route, {**_ROUTE_SAVE, **_SOURCE_SAVE})}
            props["id"] = prefix + route["id"]
            if props.get("date") == CONTEXT_FIRST.isoformat():  # an undated line (context): saved undated, not as 1000–4000
                for key in ("date", "date_end", "date_precision"):
                    props.pop(key, None)
            line = route["line"]
            features.append({"type": "Feature", "geometry": mapping(line) if all(valid_line(part) for part in getattr(line, "geoms", [line])) else None, "properties": props})
    return features


def _coordinates_text(rows: pd.DataFrame) -> pd.Series:
    """'lat, lon' naming a place that has no name, to six decimals (about 10 cm): a reprojected or computed point read
    '42.415, 130.60500000000002'. Only the name: the row's coordinates stay as read. A cell that is no number is kept.

    In Arrow, column-wise: a Python format per cell took 1.5 s for a million unnamed points, five times the plain join.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def text(column: str) -> pa.Array:
        cells = pa.array(rows[column].astype("string[pyarrow]").array).cast(pa.large_string())
        numbers = _columns.numbers(rows[column]).round(6)
        # Arrow's shortest round-trip text of each rounded number.
        shown = pc.cast(pa.array(numbers.to_numpy(), mask=numbers.isna().to_numpy()), pa.large_string())
        return pc.fill_null(pc.coalesce(shown, cells), "")

    joined = pc.binary_join_element_wise(text("lat"), text("lon"), pa.scalar(", ", pa.large_string()))
    return pd.Series(joined.to_numpy(zero_copy_only=False), index=rows.index, dtype=object)


def _in_file_order(events: pd.DataFrame) -> pd.DataFrame:
    """A file's events as the file lists them (the loader keeps them by date): saved, they upload again in the same order."""
    if "_row" not in events.columns or events["_row"].is_monotonic_increasing:
        return events
    return events.sort_values("_row", kind="stable")


def _saved_point(place: Mapping[str, object]) -> dict[str, object] | None:
    """A place's point (its polygon, for an area given as one), or no geometry when its coordinates are not a valid lon/lat (never NaN in the file)."""
    outline = place.get("outline")
    if getattr(outline, "geom_type", "") in ("Polygon", "MultiPolygon"):
        return mapping(outline)  # uploads again as the same area
    lon, lat = place.get("lon"), place.get("lat")
    return {"type": "Point", "coordinates": [float(lon), float(lat)]} if valid_lonlat(lon, lat) else None  # type: ignore[arg-type]


def _finite(value: object) -> object:
    """``value`` with every non-finite float replaced by null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def saved_geojson(user: Sequence[UserData]) -> bytes:
    """The analyst's data as GeoJSON: never NaN or Infinity (not JSON; a coordinate that is not valid is no geometry)."""
    collection = {"type": "FeatureCollection", "features": saved_features(user)}
    try:
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(collection), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text + "\n").encode("utf-8")


def load_folder(folder: Path | str, known_places: Collection[str] = ()) -> list[UserData]:
    """Every supported file of a folder (read-only), in name order."""
    path = Path(folder)
    if not path.is_dir():
        return [_nothing(str(folder), "is not a folder. Nothing loaded.")]
    out = []
    for file in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES):
        if file.stat().st_size > MAX_BYTES:
            out.append(_nothing(file.name, f"is larger than {MAX_MB} MB. Nothing loaded."))
            continue
        out.append(load_user_file(file.name, file.read_bytes(), known_places, LoadOptions(source=file.name)))  # as the panel: the file names rows' source
    return out
