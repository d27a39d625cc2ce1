"""An analyst's own data: events, places and routes from CSV, GeoJSON, KML or GeoParquet.

:func:`load_user_file` reads one file into :class:`UserData` with the same
column checks as the shipped data (:mod:`geodata._columns`, the choices of
:mod:`geodata.schema`). Policy: *the rest of the file loads* — a bad row is
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
import io
import json
import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, MultiLineString, Point, Polygon, mapping, shape

from geodata import _columns
from geodata._memo import memo
from geodata.errors import Problem, Report
from geodata.loading import Dataset
from geodata.schema import AREA_KINDS, EVENTS, LOCATION_PRECISIONS, MODES, PLACE_KINDS, PLACES, ROUTE_LEGS, Column

MAX_BYTES = 20 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_ROWS = 100_000
SUFFIXES = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".parquet": "parquet", ".geoparquet": "parquet"}
UPLOAD_TYPES = ("csv", "geojson", "json", "kml", "parquet")
ORIGIN_USER = "user"
DEFAULT_EVENT_KIND = "report"
DEFAULT_CLAIM = "reported"
DEFAULT_PLACE_KIND = "city"
DEFAULT_LOCATION_PRECISION = "site"
# Mode of a user route that states none (style.py draws it in the user colour).
OTHER_MODE = "other"
USER_SOURCE_KIND = "user"
DATE_PRECISIONS = ("day", "month", "year")
_SPLIT_KEY = "user-data-split"

# Accepted column names (lower case, spaces and hyphens read as '_'), first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "layer": ("layer", "item_type", "record_type"),
    "id": ("id", "event_id", "uid"),
    "date": ("date", "start", "start_date", "date_start", "begin", "when", "timestamp"),
    "date_end": ("date_end", "end", "end_date"),
    "disclosed": ("disclosed", "disclosure_date", "date_disclosed"),
    "date_precision": ("date_precision", "precision"),
    "title_en": ("title_en", "title", "name_en", "name"),
    "title_ja": ("title_ja", "name_ja"),
    "summary_en": ("summary_en", "summary", "description", "description_en", "notes"),
    "summary_ja": ("summary_ja", "description_ja"),
    "kind": ("kind", "event_kind", "category"),
    "claim_status": ("claim_status", "claim", "status"),
    "asserted_by": ("asserted_by",),
    "denied_by": ("denied_by",),
    "quantity_en": ("quantity_en", "quantity"),
    "quantity_ja": ("quantity_ja",),
    "place_id": ("place_id", "place"),
    "place_name": ("place_name", "place_name_en", "location"),
    "place_name_ja": ("place_name_ja",),
    "place_kind": ("place_kind",),
    "location_precision": ("location_precision",),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "radius_km": ("radius_km",),
    "country": ("country",),
    "role_en": ("role_en", "role"),
    "role_ja": ("role_ja",),
    "mode": ("mode",),
    "carrier_en": ("carrier_en", "carrier"),
    "carrier_ja": ("carrier_ja",),
    "source": ("source", "source_name"),
    "source_title": ("source_title",),
    "source_url": ("source_url", "url", "link"),
    "source_quote": ("source_quote", "quote"),
    "wkt": ("wkt", "geometry_wkt"),
}
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


def _relaxed(columns: Iterable[Column], required: Collection[str], **overrides: Column) -> tuple[Column, ...]:
    """Shipped columns with the user's required set (others get defaults or may stay empty)."""
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
    {"id", "date", "title_en", "claim_status"},
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
    ``_row`` (the file's row). ``places`` are the places rows of the file and
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

    @property
    def rows_loaded(self) -> int:
        place_rows = int((~self.places["from_event"].astype(bool)).sum()) if len(self.places) else 0
        return len(self.events) + len(self.routes) + place_rows

    @property
    def rows_left_out(self) -> int:
        return max(self.rows_read - self.rows_loaded, 0)

    @property
    def loaded_nothing(self) -> bool:
        return self.rows_loaded == 0


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


# --- reading the formats -------------------------------------------------------------


class _Unreadable(ValueError):
    """The file as a whole cannot be read: nothing loads."""


@dataclass
class _Raw:
    frame: pd.DataFrame  # strings, original header names
    geometry: list[object] | None  # shapely geometry or None per row
    rows: list[int]  # the file's row number per record
    problems: list[Problem]


@dataclass
class _Features:
    """Records of a feature format (GeoJSON, KML) as they are read, with their geometry and number."""

    records: list[dict[str, str]] = field(default_factory=list)
    geometries: list[object] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, record: dict[str, str], geometry: object, number: int) -> bool:
        """Keep one record; False once there are more than MAX_ROWS (the file is then refused whole)."""
        self.records.append(record)
        self.geometries.append(geometry)
        self.rows.append(number)
        return len(self.rows) <= MAX_ROWS

    def raw(self) -> _Raw:
        return _Raw(_records_frame(self.records), self.geometries, self.rows, self.problems)


def load_user_file(name: str, content: bytes, known_places: Collection[str] = ()) -> UserData:
    """Read one uploaded file. Never raises: a file that cannot be read loads nothing and says why.

    ``known_places`` are the shipped place ids events may name in ``place_id``.
    """
    file = Path(name).name or "upload"
    suffix = Path(file).suffix.lower()
    if len(content) > MAX_BYTES:
        return _nothing(file, f"is {len(content) / 1024 / 1024:.1f} MB; the limit is {MAX_MB} MB: split it into smaller files. Nothing loaded.")
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        return _nothing(file, f"has an unsupported type '{suffix or '(none)'}': use .csv, .geojson, .json, .kml or .parquet. Nothing loaded.")
    try:
        raw = {"csv": _read_csv, "geojson": _read_geojson, "kml": _read_kml, "parquet": _read_parquet}[fmt](file, content)
    except _Unreadable as exc:
        return _nothing(file, f"{exc} Nothing loaded.")
    except Exception as exc:  # noqa: BLE001 - any reader failure: the file loads nothing, with the reason
        return _nothing(file, f"cannot be read as {fmt.upper()} ({exc.__class__.__name__}: {str(exc)[:200]}). Nothing loaded.")
    if len(raw.rows) > MAX_ROWS:
        return _nothing(file, f"has {len(raw.rows):,} rows; the limit is {MAX_ROWS:,}: split it into smaller files. Nothing loaded.", len(raw.rows))
    if not raw.rows:
        return _nothing(file, "has no data rows. Nothing loaded.")
    try:
        return _interpret(file, raw, frozenset(known_places))
    except Exception as exc:  # noqa: BLE001 - a defect here must not take the app down
        return _nothing(file, f"could not be loaded (internal error {exc.__class__.__name__}: {str(exc)[:200]}). Nothing loaded.", len(raw.rows))


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"is not UTF-8 text (byte {exc.start}): save it as 'CSV UTF-8' or UTF-8 text.") from None


def _read_csv(file: str, content: bytes) -> _Raw:
    text = _decode(content)
    if "\x00" in text:
        raise _Unreadable("contains NUL bytes: it is not a text CSV file.")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
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


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n] - 1}")
    return out


def _cell(value: object) -> str:
    """Any property value as text: '' for missing, ISO for dates."""
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


def _records_frame(records: list[dict[str, str]]) -> pd.DataFrame:
    """One row per record, even for records without a single property (``from_records([{}])`` has no rows)."""
    return pd.DataFrame(records, index=range(len(records))).astype(object).fillna("")


def _read_geojson(file: str, content: bytes) -> _Raw:
    try:
        data = json.loads(_decode(content))
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        raise _Unreadable("is not a GeoJSON FeatureCollection or Feature.")
    read = _Features()
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            read.problems.append(Problem(file, number, None, "is not a GeoJSON Feature"))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            read.problems.append(Problem(file, number, "properties", "is not an object"))
            continue
        record = {str(k): _cell(v) for k, v in props.items()}
        if "id" not in record and feature.get("id") is not None:
            record["id"] = _cell(feature["id"])
        geom = None
        if feature.get("geometry") is not None:
            try:
                geom = _geometry(shape(feature["geometry"]))
            except Exception as exc:  # noqa: BLE001 - shapely raises several kinds
                read.problems.append(Problem(file, number, "geometry", f"is not a GeoJSON geometry ({exc.__class__.__name__})"))
                continue
        if not read.add(record, geom, number):
            break
    return read.raw()


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _child_text(element: ElementTree.Element | None, name: str) -> str:
    found = None if element is None else _child(element, name)
    return "" if found is None or found.text is None else found.text.strip()


def _kml_coords(text: str) -> list[tuple[float, float]]:
    points = []
    for chunk in text.split():
        parts = chunk.split(",")
        points.append((float(parts[0]), float(parts[1])))
    return points


def _kml_geometry(placemark: ElementTree.Element) -> object:
    for element in placemark.iter():
        tag = _local(element.tag)
        if tag == "Point":
            coords = _kml_coords(_child_text(element, "coordinates"))
            return Point(coords[0])
        if tag == "LineString":
            return LineString(_kml_coords(_child_text(element, "coordinates")))
        if tag == "Polygon":  # read so that it can be reported as unsupported
            ring = next((c.text or "" for c in element.iter() if _local(c.tag) == "coordinates"), "")
            return Polygon(_kml_coords(ring))
    return None


def _read_kml(file: str, content: bytes) -> _Raw:
    if b"<!ENTITY" in content:
        raise _Unreadable("declares XML entities, which are not accepted.")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise _Unreadable(f"is not valid XML ({exc}).") from None
    if _local(root.tag) != "kml":
        raise _Unreadable("is not KML (the root element is not <kml>).")
    read = _Features()
    for number, placemark in enumerate((e for e in root.iter() if _local(e.tag) == "Placemark"), start=1):
        record: dict[str, str] = {}
        for tag in ("name", "description"):
            value = _child_text(placemark, tag)
            if value:
                record[tag] = value
        stamp, span = _child(placemark, "TimeStamp"), _child(placemark, "TimeSpan")
        if stamp is not None:
            record["when"] = _child_text(stamp, "when")
        if span is not None:
            record["begin"], record["end"] = _child_text(span, "begin"), _child_text(span, "end")
        data = _child(placemark, "ExtendedData")
        if data is not None:
            for element in data.iter():
                tag = _local(element.tag)
                if tag == "Data" and element.get("name"):
                    record[element.get("name", "")] = _child_text(element, "value")
                elif tag == "SimpleData" and element.get("name"):
                    record[element.get("name", "")] = (element.text or "").strip()
        try:
            geom = _kml_geometry(placemark)
        except (ValueError, IndexError) as exc:
            read.problems.append(Problem(file, number, "geometry", f"has coordinates that are not lon,lat numbers ({exc})"))
            continue
        if not read.add(record, geom, number):
            break
    return read.raw()


def _read_parquet(file: str, content: bytes) -> _Raw:
    import geopandas

    try:
        frame = geopandas.read_parquet(io.BytesIO(content))
        geometries = [_geometry(g) for g in frame.geometry]
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    except (ValueError, TypeError, KeyError):  # no geo metadata: a plain Parquet table
        frame = pd.read_parquet(io.BytesIO(content))
        geometries = None
    if len(frame) > MAX_ROWS:
        return _Raw(frame.iloc[: MAX_ROWS + 1], None, list(range(1, len(frame) + 1)), [])
    frame = pd.DataFrame({str(c): frame[c].map(_cell).astype(object) for c in frame.columns}) if len(frame.columns) else frame
    return _Raw(frame, geometries, list(range(1, len(frame) + 1)), [])


# --- interpreting rows ---------------------------------------------------------------


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _canonical(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Columns renamed to the canonical names; missing ones as ''; the ignored headers."""
    by_name = {}
    for column in frame.columns:
        by_name.setdefault(_normalise(str(column)), column)
    used = set()
    out = {}
    for canonical, aliases in ALIASES.items():
        value = pd.Series("", index=frame.index, dtype=_columns.STRING)
        # Several accepted names present (e.g. GeoJSON features with 'title' or 'name'): first non-empty wins.
        for source in [by_name[a] for a in aliases if a in by_name and by_name[a] not in used]:
            used.add(source)
            value = value.where(value != "", _columns.text(frame[source].astype(object).fillna("")))
        out[canonical] = value
    ignored = tuple(str(c) for c in frame.columns if c not in used)
    return pd.DataFrame(out, index=frame.index), ignored


_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_MONTH_FIRST_YEAR = re.compile(r"^(\d{1,2})[./](\d{4})$")
_YEAR_SLASH = re.compile(r"^(\d{4})/(\d{1,2})(?:/(\d{1,2}))?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def normalise_date(text: str) -> str:
    """ISO forms as they are; day-first DD/MM/YYYY, DD.MM.YYYY, MM/YYYY and ISO date-times to ISO."""
    if match := _DAY_FIRST.match(text):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if match := _MONTH_FIRST_YEAR.match(text):
        month, year = match.groups()
        return f"{year}-{int(month):02d}"
    if match := _YEAR_SLASH.match(text):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    if match := _DATETIME.match(text):
        return match.group(1)
    return text


def _dates(values: pd.Series) -> pd.Series:
    odd = (values != "") & ~values.str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    if not odd.any():
        return values
    out = values.astype(object).copy()
    out[odd] = values[odd].astype(object).map(normalise_date)
    return _columns.text(out)


def _apply_precision(frame: pd.DataFrame, report: Report, file: str) -> pd.Series:
    """Cut dates to a stated ``date_precision``; a precision finer than the date is an error."""
    ok = pd.Series(True, index=frame.index)
    precision = frame["date_precision"]
    lengths = {"year": 4, "month": 7, "day": 10}
    for name in ("date", "date_end"):
        values = frame[name]
        for word, length in lengths.items():
            rows = (precision == word) & (values != "")
            if not rows.any():
                continue
            finer = rows & (values.str.len() < length) & values.str.match(r"^\d{4}(-\d{2})?$")
            if finer.any():
                report.add_rows(file, frame, finer, "date_precision", "'" + precision.astype(object) + "' is finer than the date '" + values.astype(object) + "'")
                ok &= ~finer
            cut = rows & (values.str.len() > length) & values.str.match(r"^\d{4}-\d{2}(-\d{2})?$")
            frame.loc[cut, name] = values[cut].str.slice(0, length)
    return ok


def _report(report: Report, file: str, frame: pd.DataFrame, errors: dict[str, pd.Series]) -> pd.Series:
    ok = pd.Series(True, index=frame.index)
    for name, messages in errors.items():
        bad = messages != ""
        report.add_rows(file, frame, bad, name, messages)
        ok &= ~bad
    return ok


def _is_url(values: pd.Series) -> pd.Series:
    return values.str.match(r"^(https?|ftp)://", case=False)


def _interpret(file: str, raw: _Raw, known_places: frozenset[str]) -> UserData:
    report = Report()
    report.problems.extend(raw.problems)
    frame, ignored = _canonical(raw.frame.reset_index(drop=True))
    frame["_row"] = np.asarray(raw.rows, dtype=np.int64)
    geometry = list(raw.geometry) if raw.geometry is not None else [None] * len(frame)
    ok = pd.Series(True, index=frame.index)
    for i in frame.index[frame["wkt"] != ""]:
        try:
            geometry[i] = _geometry(shapely_wkt.loads(str(frame.at[i, "wkt"])))
        except Exception as exc:  # noqa: BLE001 - shapely raises several kinds
            report.add(file, int(frame.at[i, "_row"]), "wkt", f"is not WKT ({exc.__class__.__name__})")
            ok[i] = False
    kinds = []
    for i, geom in enumerate(geometry):
        if isinstance(geom, MultiLineString) and len(geom.geoms) == 1:
            geom = geometry[i] = geom.geoms[0]
        kinds.append("" if geom is None else geom.geom_type)
    kinds = pd.Series(kinds, index=frame.index, dtype=object)
    unsupported = ~kinds.isin(["", "Point", "LineString"])
    report.add_rows(file, frame, unsupported & ok, "geometry", "is a " + kinds + ": only points and lines are supported")
    ok &= ~unsupported
    # Coordinates: the lat/lon columns, else the point geometry.
    points = kinds == "Point"
    for axis, coord in (("lon", 0), ("lat", 1)):
        fill = points & (frame[axis] == "")
        if fill.any():
            frame.loc[fill, axis] = [repr(float(geometry[i].coords[0][coord])) for i in frame.index[fill]]
    frame["date"], frame["date_end"], frame["disclosed"] = _dates(frame["date"]), _dates(frame["date_end"]), _dates(frame["disclosed"])
    # Which layer each row belongs to.
    has_dates = bool((frame["date"] != "").any()) or any(_normalise(str(c)) in ALIASES["date"] for c in raw.frame.columns)
    words = frame["layer"].str.lower().astype(object).map(lambda w: LAYER_WORDS.get(w, "?" if w else ""))
    bad_layer = words == "?"
    report.add_rows(file, frame, bad_layer & ok, "layer", "'" + frame["layer"].astype(object) + "' is not one of: event, place, route")
    ok &= ~bad_layer
    implied = np.where(kinds == "LineString", "route", "event" if has_dates else "place")
    layer = words.where(words != "", pd.Series(implied, index=frame.index))
    lines = pd.Series(geometry, index=frame.index, dtype=object)

    places = _places(file, frame[ok & (layer == "place")].copy(), report)
    file_place_ids = set(places["id"])
    events, event_places = _events(file, frame[ok & (layer == "event")].copy(), report, known_places, file_place_ids)
    routes = _routes(file, frame[ok & (layer == "route")].copy(), lines, report)
    places = pd.concat([places, event_places], ignore_index=True) if len(event_places) else places
    events, places, routes, sources = _sources(events, places, routes)
    problems = sorted(report.problems, key=lambda p: (p.row is None, p.row or 0, p.field or ""))
    return UserData(file, events, places, routes, sources, tuple(problems), len(raw.rows), ignored)


def _source_ok(frame: pd.DataFrame, report: Report, file: str) -> pd.Series:
    none = (frame["source"] == "") & (frame["source_title"] == "") & (frame["source_url"] == "")
    report.add_rows(file, frame, none, "source", "every row needs its source: fill source (a title), source_url or both")
    return ~none


def _places(file: str, frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    frame = frame.assign(
        id=frame["id"].where(frame["id"] != "", "place-" + frame["_row"].astype(str)),
        name_en=frame["title_en"],
        name_ja=frame["title_ja"],
        kind=frame["kind"].where(frame["kind"] != "", frame["place_kind"].where(frame["place_kind"] != "", DEFAULT_PLACE_KIND)),
        location_precision=frame["location_precision"].where(frame["location_precision"] != "", DEFAULT_LOCATION_PRECISION),
    )
    ok = _report(report, file, frame, _columns.check_columns(frame, PLACE_COLUMNS)) & _source_ok(frame, report, file)
    duplicate = frame["id"].duplicated() & ok
    report.add_rows(file, frame, duplicate, "id", "'" + frame["id"].astype(object) + "' is a duplicate id")
    frame = _columns.to_floats(_columns.keep(frame, ok & ~duplicate), PLACE_COLUMNS)
    frame["from_event"] = False
    frame["on_map"] = "yes"
    return frame


def _events(file: str, frame: pd.DataFrame, report: Report, known: frozenset[str], file_places: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = frame.assign(
        id=frame["id"].where(frame["id"] != "", "row-" + frame["_row"].astype(str)),
        kind=frame["kind"].where(frame["kind"] != "", DEFAULT_EVENT_KIND),
        claim_status=frame["claim_status"].where(frame["claim_status"] != "", DEFAULT_CLAIM),
    )
    ok = _apply_precision(frame, report, file)
    ok &= _report(report, file, frame, _columns.check_columns(frame, (*EVENT_COLUMNS, *COORD_COLUMNS, *EXTRA_COLUMNS)))
    has_lat, has_lon = frame["lat"] != "", frame["lon"] != ""
    half = has_lat ^ has_lon
    report.add_rows(file, frame, half, "lat", "give both lat and lon (or neither, with a place_id)")
    nowhere = ~has_lat & ~has_lon & (frame["place_id"] == "")
    report.add_rows(file, frame, nowhere, "place_id", "needs a place: lat and lon, or a place_id from places.csv or from a place row of this file")
    unknown = ~has_lat & ~has_lon & (frame["place_id"] != "") & ~frame["place_id"].isin(known | file_places)
    report.add_rows(file, frame, unknown, "place_id", "'" + frame["place_id"].astype(object) + "' is not a place in places.csv or in this file: give lat and lon for a new place")
    ok &= ~half & ~nowhere & ~unknown & _source_ok(frame, report, file)
    frame = _columns.add_dates(frame)
    for name, (bad, message) in _columns.date_order_errors(frame).items():
        report.add_rows(file, frame, bad & ok, name, message)
        ok &= ~bad
    duplicate = frame["id"].duplicated() & ok
    report.add_rows(file, frame, duplicate, "id", "'" + frame["id"].astype(object) + "' is a duplicate id")
    frame = _columns.keep(frame, ok & ~duplicate)
    # One place per distinct coordinate of events given by lat/lon.
    located = frame["lat"] != ""
    places = _empty_frame(["id"])
    if located.any():
        at = frame[located]
        lon = pd.to_numeric(at["lon"]).round(6)
        lat = pd.to_numeric(at["lat"]).round(6)
        key = lon.astype(str) + "," + lat.astype(str)
        codes, uniques = pd.factorize(key)
        taken = set(file_places) | set(known)
        ids, n = [], 0
        for _ in uniques:
            n += 1
            while f"pt-{n}" in taken:
                n += 1
            ids.append(f"pt-{n}")
        frame.loc[located, "place_id"] = [ids[c] for c in codes]
        first_positions = pd.Series(np.arange(len(at))).groupby(codes).first().to_numpy()
        first = at.iloc[first_positions].assign(_code=np.arange(len(uniques)))
        name = first["place_name"].where(first["place_name"] != "", first["place_id"])
        coords = first["lat"].astype(object) + ", " + first["lon"].astype(object)
        places = pd.DataFrame(
            {
                "id": [ids[c] for c in first["_code"]],
                "name_en": name.where(name != "", coords).to_numpy(),
                "name_ja": first["place_name_ja"].to_numpy(),
                "kind": first["place_kind"].where(first["place_kind"] != "", DEFAULT_PLACE_KIND).to_numpy(),
                "location_precision": first["location_precision"].where(first["location_precision"] != "", DEFAULT_LOCATION_PRECISION).to_numpy(),
                "lon": lon[first.index].to_numpy(dtype=float),
                "lat": lat[first.index].to_numpy(dtype=float),
                "radius_km": np.nan,
                "country": "",
                "role_en": "",
                "role_ja": "",
                "on_map": "no",  # it only locates events: drawn as the events, not as a place
                "from_event": True,
                "source": first["source"].to_numpy(),
                "source_title": first["source_title"].to_numpy(),
                "source_url": first["source_url"].to_numpy(),
                "source_quote": first["source_quote"].to_numpy(),
                "_row": first["_row"].to_numpy(),
            }
        )
    return frame, places


def _routes(file: str, frame: pd.DataFrame, lines: pd.Series, report: Report) -> pd.DataFrame:
    frame = frame.assign(
        id=frame["id"].where(frame["id"] != "", "route-" + frame["_row"].astype(str)),
        claim_status=frame["claim_status"].where(frame["claim_status"] != "", DEFAULT_CLAIM),
        line=lines[frame.index],
    )
    ok = _apply_precision(frame, report, file)
    ok &= _report(report, file, frame, _columns.check_columns(frame, ROUTE_COLUMNS)) & _source_ok(frame, report, file)
    no_line = ~frame["line"].map(lambda g: isinstance(g, LineString)).astype(bool)
    report.add_rows(file, frame, no_line & ok, "geometry", "a route needs a line: a LineString geometry (GeoJSON, KML, GeoParquet) or a wkt column")
    ok &= ~no_line
    frame = _columns.add_dates(frame)
    for name, (bad, message) in _columns.date_order_errors(frame).items():
        report.add_rows(file, frame, bad & ok, name, message)
        ok &= ~bad
    duplicate = frame["id"].duplicated() & ok
    report.add_rows(file, frame, duplicate, "id", "'" + frame["id"].astype(object) + "' is a duplicate id")
    frame = _columns.keep(frame, ok & ~duplicate)
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
        source = f["source"].astype(object)
        url_like = source.str.match(r"^(https?|ftp)://", case=False).fillna(False).astype(bool)
        url = f["source_url"].astype(object).where(f["source_url"] != "", source.where(url_like, ""))
        title = f["source_title"].astype(object).where(f["source_title"] != "", source.where(~url_like | (source == url), ""))
        title = title.where(title != "", url)
        resolved.append(f.assign(source_title=title, source_url=url))
    keys = pd.concat([r["source_title"].astype(object) + "\x1f" + r["source_url"].astype(object) for r in resolved if len(r)], ignore_index=True) if any(len(r) for r in resolved) else pd.Series([], dtype=object)
    codes, uniques = pd.factorize(keys)
    out, start = [], 0
    for r in resolved:
        n = len(r)
        if n:
            r = r.assign(source=[f"user-{c + 1}" for c in codes[start : start + n]])
        start += n
        out.append(r)
    titles, urls = zip(*(u.split("\x1f", 1) for u in uniques)) if len(uniques) else ((), ())
    sources = pd.DataFrame(
        {
            "id": [f"user-{i + 1}" for i in range(len(uniques))],
            "kind": USER_SOURCE_KIND,
            "title": list(titles),
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
    events = events[keep_events + [c for c in events.columns if c.startswith("_") and c not in keep_events]] if len(events.columns) else events
    return events, places, routes, sources


# --- merging into the dataset --------------------------------------------------------


def _prefixed(values: pd.Series, prefix: str) -> pd.Series:
    return (prefix + values.astype(object)).astype(object)


def with_user_data(dataset: Dataset, user: Sequence[UserData]) -> Dataset:
    """A new dataset: the shipped rows plus every loaded user row (origin 'user'); ``dataset`` is unchanged."""
    user = [u for u in user if not u.loaded_nothing]
    if not user:
        return dataset
    sources, places, events, routes, citations = [], [], [], [], []
    for k, data in enumerate(user, start=1):
        prefix = f"user{k}:"
        note = f"Added by the user from {data.file}"
        sources.append(data.sources.assign(id=_prefixed(data.sources["id"], prefix), note=note, origin=ORIGIN_USER))
        file_places = set(data.places["id"])
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
            e = data.events.assign(
                id=_prefixed(data.events["id"], prefix),
                place_id=data.events["place_id"].astype(object).map(lambda pid: prefix + pid if pid in file_places else pid),
                source=_prefixed(data.events["source"], prefix),
                origin=ORIGIN_USER,
            )
            events.append(_columns.finish_dates(_columns.ensure_dates(e)).drop(columns="_row"))
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
    user_places = user_places[[c for c in dataset.places.columns if c in user_places.columns] + ["origin"]]
    all_places = pd.concat([dataset.places, user_places])
    all_places["origin"] = all_places["origin"].fillna("")
    place_columns = all_places[["lon", "lat", "location_precision", "is_area", "radius_km", "name_en", "name_ja"]].rename(columns={"name_en": "place_name_en", "name_ja": "place_name_ja"})
    if events:
        user_events = pd.concat(events, ignore_index=True).join(place_columns, on="place_id")
        user_events = user_events.sort_values(["t_start", "id"], kind="stable").reset_index(drop=True)
    else:
        user_events = dataset.events.iloc[0:0].assign(origin=pd.Series(dtype=object))
    all_events = pd.concat([dataset.events, user_events], ignore_index=True)
    for column in ("origin", "source_title", "source_url", "source_quote", "source"):
        if column in all_events.columns:
            all_events[column] = all_events[column].fillna("")
    all_events = all_events.sort_values(["t_start", "id"], kind="stable").reset_index(drop=True)
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
            if place.get("radius_km") is not None:
                props["radius_km"] = repr(float(place["radius_km"]))
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]}, "properties": props})
        for event in _records(data.events):
            props = {"layer": "event", **_text_props(event, {**_EVENT_SAVE, **_SOURCE_SAVE})}
            props["id"] = prefix + event["id"]
            geometry = None
            place = places.get(event["place_id"])
            if place is not None and place["from_event"]:
                geometry = {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]}
                props |= {"place_name": place["name_en"], "place_kind": place["kind"], "location_precision": place["location_precision"]}
                props |= _text_props(place, {"place_name_ja": "name_ja"})
            else:
                props["place_id"] = (prefix if place is not None else "") + event["place_id"]
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        for route in _records(data.routes):
            props = {"layer": "route", **_text_props(route, {**_ROUTE_SAVE, **_SOURCE_SAVE})}
            props["id"] = prefix + route["id"]
            features.append({"type": "Feature", "geometry": mapping(route["line"]), "properties": props})
    return features


def saved_geojson(user: Sequence[UserData]) -> bytes:
    collection = {"type": "FeatureCollection", "features": saved_features(user)}
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


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
        out.append(load_user_file(file.name, file.read_bytes(), known_places))
    return out
