"""The dataset and users' saved data in PostgreSQL with PostGIS: one store a team shares.

The tables mirror the data files: every column of a file is a ``text`` column
holding the cell exactly as the file has it, so reading the database gives the
loader the same cells as reading the files, and the same checks
(:func:`rkmap.data.loading.validated_dataset`) build the same :class:`Dataset`.
Typed columns derived from those cells serve the indexes: ``t_first``,
``t_last``, ``t_public`` (dates, parsed with the loader's own partial-date
rules) on events and route legs, ``geom`` (PostGIS, WGS84) on places and
legs. ``file_row`` keeps the row of the file a row came from, so problems name
it as the files would. The schema is documented in ``geodata/README.md``.

- :func:`init_db` creates the schema and loads a data folder (strictly
  validated first) in one transaction, replacing the dataset tables; users'
  saved uploads are kept. Running it twice leaves the same content.
- :func:`read_dataset` fetches what a view needs (:mod:`rkmap.data.window`):
  events up to a date (index on ``t_first``) and inside a box (GiST index on
  the places' points), all in one read-only snapshot.
- :func:`save_user_data`, :func:`load_user_uploads`, :func:`delete_user_upload`:
  users' added data, one upload per transaction.

psycopg is imported here only, and only when a database is used: the file
backend never needs it. Values always travel as query parameters; the only
identifiers composed into SQL are the fixed table and column names of
``rkmap/core/schema.py``. Error messages never show a password.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from shapely import wkb
from shapely.geometry import shape

from rkmap.core import columns as _columns
from rkmap.core.dates import EPOCH, day_number
from rkmap.core.errors import Problem, Report
from rkmap.core.schema import AREA_KINDS, EVENTS, PLACES, ROUTE_LEGS, TABLES, Table
from rkmap.data.loading import (
    DATA_DIR,
    ROW_SOURCE_COLUMNS,
    Dataset,
    LegLine,
    checked_table,
    load_dataset,
    read_raw_table,
    validated_dataset,
)
from rkmap.data.window import BBox, span_of

if TYPE_CHECKING:
    import psycopg

    from rkmap.data.user_data import UserData

SCHEMA_VERSION = "2"  # 2: sources.accessed
CONNECT_TIMEOUT_S = 10
SRID = 4326
# Tables with dates get these derived columns (day intervals of the date cells).
DATED = (EVENTS, ROUTE_LEGS)
DERIVED_DATES = ("t_first", "t_last", "t_public")
_META = "dataset_meta"
_COPY_CHUNK_ROWS = 100_000


class DatabaseError(RuntimeError):
    """The database could not be reached or refused an operation; the message says which and why."""


# --------------------------------------------------------------------------- connecting


def describe_url(url: str) -> str:
    """'user@host:port/dbname' of a connection URL or conninfo string, never its password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - a malformed URL: say so without echoing it
        return "(a malformed database URL)"
    host = str(parts.get("host") or "localhost")
    if host.startswith("/"):
        host = f"socket {host}"
    port = f":{parts['port']}" if parts.get("port") else ""
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"{user}{host}{port}/{parts.get('dbname') or parts.get('user') or ''}"


def _scrub(message: str, url: str) -> str:
    """An error message with the URL's password (if any) blanked out."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = conninfo_to_dict(url).get("password")
    except Exception:  # noqa: BLE001 - an unparsable URL just has no password to hide
        password = None
    first_line = " ".join(line.strip() for line in str(message).strip().splitlines()[:2])
    return first_line.replace(str(password), "***") if password else first_line


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """A connection to ``url``; :class:`DatabaseError` (naming host and database) when it fails."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - the package depends on it
        raise DatabaseError("the PostgreSQL driver is missing: pip install -e . (psycopg[binary])") from exc
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S, application_name="rnk-map")
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to the database {describe_url(url)}: {_scrub(str(exc), url)}") from None


def _failure(action: str, exc: Exception, url: str) -> DatabaseError:
    import psycopg

    if isinstance(exc, psycopg.errors.UniqueViolation):
        return DatabaseError(f"{action}: it is already in the database {describe_url(url)}")
    diag = getattr(exc, "diag", None)
    detail = (diag.message_primary if diag is not None and diag.message_primary else None) or str(exc)
    return DatabaseError(f"{action} failed on {describe_url(url)}: {_scrub(detail, url)}")


# --------------------------------------------------------------------------- schema


def _text_columns(table: Table) -> list[str]:
    names = table.column_names
    return names + list(ROW_SOURCE_COLUMNS) if table is EVENTS else names


def _schema_statements() -> list[str]:
    """DDL for every table and index (fixed names only), idempotent."""
    statements = ["CREATE EXTENSION IF NOT EXISTS postgis"]
    for table in TABLES:
        columns = ["file_row integer NOT NULL"] + [f'"{name}" text NOT NULL DEFAULT \'\'' for name in _text_columns(table)]
        if table in DATED:
            columns += [f"{name} date NOT NULL" for name in DERIVED_DATES]
        if table is PLACES:
            columns.append(f"geom geometry(Point,{SRID}) NOT NULL")
        if table is ROUTE_LEGS:
            columns += [f"geom geometry(LineString,{SRID}) NOT NULL", "schematic_head_vertices integer NOT NULL DEFAULT 0", "schematic_head_km double precision NOT NULL DEFAULT 0"]
        key = f"PRIMARY KEY ({table.key})" if table.key else "PRIMARY KEY (file_row)"
        statements.append(f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(columns)}, {key})")
    statements += [
        "CREATE INDEX IF NOT EXISTS places_geom_idx ON places USING gist (geom)",
        "CREATE INDEX IF NOT EXISTS route_legs_geom_idx ON route_legs USING gist (geom)",
        "CREATE INDEX IF NOT EXISTS events_t_first_idx ON events (t_first)",
        "CREATE INDEX IF NOT EXISTS events_t_last_idx ON events (t_last)",
        "CREATE INDEX IF NOT EXISTS events_t_public_idx ON events (t_public)",
        "CREATE INDEX IF NOT EXISTS events_place_id_idx ON events (place_id)",
        "CREATE INDEX IF NOT EXISTS citations_item_idx ON citations (item)",
        f"CREATE TABLE IF NOT EXISTS {_META} (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS user_uploads (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, file text NOT NULL,"
        " digest text NOT NULL UNIQUE, saved_by text, saved_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE IF NOT EXISTS user_features (upload_id bigint NOT NULL REFERENCES user_uploads (id) ON DELETE CASCADE,"
        " n integer NOT NULL, layer text NOT NULL CHECK (layer IN ('event', 'place', 'route')), properties jsonb NOT NULL,"
        f" geom geometry(Geometry,{SRID}), PRIMARY KEY (upload_id, n))",
        "CREATE INDEX IF NOT EXISTS user_features_geom_idx ON user_features USING gist (geom)",
    ]
    return statements


def _check_schema_version(conn: psycopg.Connection, url: str) -> None:
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (_META,)).fetchone()[0]
    if not exists:
        return
    row = conn.execute(f"SELECT value FROM {_META} WHERE key = 'schema_version'").fetchone()
    if row and row[0] != SCHEMA_VERSION:
        raise DatabaseError(f"the database {describe_url(url)} has schema version {row[0]}, this code writes {SCHEMA_VERSION}: load it into a new database")


# --------------------------------------------------------------------------- loading a folder


@dataclass(frozen=True)
class LoadReport:
    counts: dict[str, int]
    seconds: float


def init_db(url: str, data_dir: Path | str = DATA_DIR) -> LoadReport:
    """Create the schema if missing and load ``data_dir`` (validated strictly first) in one transaction.

    The dataset tables are emptied and loaded again, so a second run leaves the
    same content; users' saved uploads are kept. Raises
    :class:`~rkmap.core.errors.DataValidationError` (nothing written) when the
    folder does not validate, :class:`DatabaseError` when the database fails.
    """
    started = time.perf_counter()
    dataset, _ = load_dataset(data_dir, strict=True)
    rows = _rows_to_load(Path(data_dir), dataset)
    import psycopg

    with connect(url) as conn:
        try:
            _check_schema_version(conn, url)
            with conn.transaction():
                for statement in _schema_statements():
                    conn.execute(statement)
                names = ", ".join([t.name for t in TABLES] + [_META])
                conn.execute(f"TRUNCATE {names}")
                for table in TABLES:
                    _copy_in(conn, table.name, rows[table.name])
                meta = {"schema_version": SCHEMA_VERSION, "event_row_source_columns": json.dumps(_row_source_columns(Path(data_dir)))}
                with conn.cursor() as cur:
                    cur.executemany(f"INSERT INTO {_META} (key, value) VALUES (%s, %s)", list(meta.items()))
            conn.execute("ANALYZE")
        except psycopg.Error as exc:
            raise _failure("loading the data", exc, url) from None
    return LoadReport({name: len(frame) for name, frame in rows.items()}, time.perf_counter() - started)


def _row_source_columns(data_dir: Path) -> list[str]:
    """The per-row source columns the events file has (the loader keeps exactly those)."""
    read = read_raw_table(data_dir, EVENTS, Report())
    return [c for c in ROW_SOURCE_COLUMNS if read is not None and c in read[0].columns]


def _rows_to_load(data_dir: Path, dataset: Dataset) -> dict[str, pd.DataFrame]:
    """Each table's rows as stored: the file's cells as text, its row number, and the derived columns."""
    out: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        read = read_raw_table(data_dir, table, Report())
        assert read is not None, f"{table.file} validated but cannot be read again"
        raw, _, rows = read
        frame = pd.DataFrame({"file_row": rows})
        for name in _text_columns(table):
            frame[name] = _columns.text(raw[name]).astype(object).to_numpy() if name in raw.columns else ""
        if table in DATED:
            source = dataset.events if table is EVENTS else dataset.route_legs
            days = source.set_index("id")[["t_start", "t_end", "t_public"]].loc[frame["id"]]
            for name, column in zip(DERIVED_DATES, ("t_start", "t_end", "t_public")):
                frame[name] = _iso_days(days[column].to_numpy())
        if table is PLACES:
            places = dataset.places.loc[frame["id"]]
            frame["geom"] = [_hex_ewkb_point(lon, lat) for lon, lat in zip(places["lon"], places["lat"])]
        if table is ROUTE_LEGS:
            legs = dataset.route_legs.set_index("id").loc[frame["id"]]
            frame["geom"] = [_hex_ewkb(line) for line in legs["line"]]
            frame["schematic_head_vertices"] = legs["schematic_head_vertices"].to_numpy()
            frame["schematic_head_km"] = [repr(float(v)) for v in legs["schematic_head_km"]]
        out[table.name] = frame
    return out


def _iso_days(day_numbers: np.ndarray) -> np.ndarray:
    return (np.datetime64(EPOCH, "D") + day_numbers.astype("timedelta64[D]")).astype(str)


def _hex_ewkb(geometry: object) -> str:
    """A geometry as hex EWKB in WGS84 (exact coordinates; PostGIS reads it as geometry input)."""
    import shapely

    return shapely.to_wkb(shapely.set_srid(geometry, SRID), hex=True, include_srid=True, output_dimension=2)


def _hex_ewkb_point(lon: float, lat: float) -> str:
    from shapely.geometry import Point

    return _hex_ewkb(Point(float(lon), float(lat)))


def _copy_in(conn: psycopg.Connection, table: str, frame: pd.DataFrame) -> None:
    """COPY a frame into ``table`` as CSV, every value quoted (so '' stays '' and never becomes NULL)."""
    import csv

    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, len(frame), _COPY_CHUNK_ROWS):
            chunk = frame.iloc[start : start + _COPY_CHUNK_ROWS]
            copy.write(chunk.to_csv(header=False, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n").encode("utf-8"))


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Fetched:
    dataset: Dataset
    problems: list[Problem]
    span: tuple[date, date]  # of the whole data, whatever was fetched
    total_events: int  # in the whole data


def read_dataset(url: str, *, strict: bool, until: date | None = None, bbox: BBox | None = None) -> Fetched:
    """The dataset a view needs (:mod:`rkmap.data.window`), checked like the files, from one snapshot."""
    import psycopg

    with connect(url) as conn:
        try:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with conn.transaction():
                raws, lines, (span, total), row_source = _read_snapshot(conn, until, bbox)
        except psycopg.errors.UndefinedTable:
            raise DatabaseError(f"the database {describe_url(url)} has no map data yet: run 'python -m rkmap.data init-db' with DATABASE_URL set") from None
        except psycopg.Error as exc:
            raise _failure("reading the map data", exc, url) from None
    report = Report()
    frames = {}
    for table in TABLES:
        raw = raws[table.name]
        if table is EVENTS:
            raw = raw.drop(columns=[c for c in ROW_SOURCE_COLUMNS if c not in row_source])
        frames[table.name] = checked_table(raw, table, table.file, raw["file_row"].to_numpy(dtype=int), report)

    def leg_line(row: pd.Series, rep: Report) -> LegLine | None:
        label = f"route_legs table, leg '{row['id']}'"
        stored = lines.get(row["id"])
        if stored is None or stored[0] is None:
            rep.add(label, 1, "geom", "has no line")
            return None
        return LegLine(label, wkb.loads(bytes(stored[0])), int(stored[1]), float(stored[2]))

    dataset, problems = validated_dataset(frames, leg_line, report, strict=strict)
    return Fetched(dataset, problems, span, total)


def _events_query(until: date | None, bbox: BBox | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of the events a view needs (fixed SQL; values as parameters)."""
    conditions, params = ["TRUE"], {}
    if until is not None:
        conditions.append("e.t_first <= %(until)s")
        params["until"] = until
    if bbox is not None:
        conditions.append(
            # Two branches, so the box can use the GiST index on the places' points.
            "e.place_id IN (SELECT p.id FROM places p WHERE p.geom && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
            " UNION ALL SELECT a.id FROM places a WHERE a.kind = ANY(%(area_kinds)s))"
        )
        params |= {"area_kinds": list(AREA_KINDS), "west": bbox.west, "south": bbox.south, "east": bbox.east, "north": bbox.north}
    return " AND ".join(conditions), params


def events_sql(until: date | None, bbox: BBox | None) -> tuple[str, dict[str, Any]]:
    """The query of the events a view needs (also for EXPLAIN in tests and the benchmark)."""
    where, params = _events_query(until, bbox)
    columns = ", ".join(["e.file_row"] + [f'e."{c}"' for c in _text_columns(EVENTS)])
    return f"SELECT {columns} FROM events e WHERE {where}", params


def _read_snapshot(
    conn: psycopg.Connection, until: date | None, bbox: BBox | None
) -> tuple[dict[str, pd.DataFrame], dict[str, tuple], tuple[tuple[date, date], int], list[str]]:
    meta = dict(conn.execute(f"SELECT key, value FROM {_META}").fetchall())
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise DatabaseError(f"the map data have schema version {meta.get('schema_version')!r}, this code reads {SCHEMA_VERSION!r}: run 'python -m rkmap.data init-db' into a new database")
    row_source = json.loads(meta.get("event_row_source_columns", "[]"))
    raws: dict[str, pd.DataFrame] = {}
    events, params = events_sql(until, bbox)
    for table in TABLES:
        columns = ["file_row"] + _text_columns(table)
        if table is EVENTS:
            raws[table.name] = _copy_out(conn, events, params, columns)
        elif table.name == "citations":
            where, cparams = _events_query(until, bbox)
            query = (
                "SELECT c.file_row, " + ", ".join(f'c."{c}"' for c in _text_columns(table)) + " FROM citations c"
                # Each event citation looks its event up by primary key (no scan of the events).
                f" WHERE c.item NOT LIKE 'event:%%' OR EXISTS (SELECT 1 FROM events e WHERE e.id = substr(c.item, 7) AND {where})"
                " ORDER BY c.file_row"
            )
            raws[table.name] = _copy_out(conn, query, cparams, columns)
        else:
            query = f"SELECT {', '.join(_identifier(c) for c in columns)} FROM {table.name} ORDER BY file_row"
            raws[table.name] = _copy_out(conn, query, {}, columns)
    lines = {row[0]: row[1:] for row in conn.execute("SELECT id, ST_AsBinary(geom), schematic_head_vertices, schematic_head_km FROM route_legs")}
    first, last = conn.execute(
        "SELECT min(f), max(l) FROM (SELECT min(t_first) AS f, greatest(max(t_last), max(t_public)) AS l FROM events"
        " UNION ALL SELECT min(t_first), greatest(max(t_last), max(t_public)) FROM route_legs) AS spans"
    ).fetchone()
    total = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    return raws, lines, (span_of(_day(first), _day(last)), total), row_source


def _identifier(name: str) -> str:
    """A fixed column name of the schema, quoted for SQL."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"'{name}' is not a column name of the schema")
    return f'"{name}"'


def _day(value: date | None) -> int | None:
    return None if value is None else day_number(value)


def _copy_out(conn: psycopg.Connection, query: str, params: dict[str, Any], columns: list[str]) -> pd.DataFrame:
    """A query's rows via COPY ... TO STDOUT (CSV), every column as text ('' never NULL)."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    buffer = io.BytesIO()
    with conn.cursor() as cur, cur.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)", params) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    table = pacsv.read_csv(
        buffer,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={c: (pa.int64() if c == "file_row" else pa.string()) for c in columns}, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    del buffer
    string = pd.StringDtype("pyarrow")
    # One chunk per column: the loader's sort and filters take rows from these arrays, slow across many chunks.
    return table.combine_chunks().to_pandas(types_mapper=lambda t: string if t == pa.string() else None)


# --------------------------------------------------------------------------- users' saved data


@dataclass(frozen=True)
class TeamUpload:
    """One upload saved to the database, loaded again through the upload loader."""

    id: int
    file: str
    saved_by: str | None
    saved_at: datetime
    data: UserData


def upload_digest(data: UserData) -> str:
    """What makes an upload the same: its file name and its rows as saved."""
    from rkmap.data.user_data import saved_geojson

    return sha256(data.file.encode("utf-8") + b"\0" + saved_geojson([data])).hexdigest()


def save_user_data(url: str, data: UserData, saved_by: str | None = None) -> int:
    """Save one upload (its rows as the template's GeoJSON features) in one transaction; its id.

    A failure leaves nothing behind; saving the same data again is refused.
    """
    from rkmap.data.user_data import saved_features

    if data.loaded_nothing:
        raise DatabaseError(f"{data.file}: nothing loaded, nothing to save")
    features = saved_features([data])
    import psycopg

    with connect(url) as conn:
        try:
            with conn.transaction():
                upload_id = conn.execute(
                    "INSERT INTO user_uploads (file, digest, saved_by) VALUES (%s, %s, %s) RETURNING id", (data.file, upload_digest(data), saved_by)
                ).fetchone()[0]
                with conn.cursor() as cur, cur.copy("COPY user_features (upload_id, n, layer, properties, geom) FROM STDIN") as copy:
                    for row in _feature_rows(upload_id, features):
                        copy.write_row(row)
        except psycopg.Error as exc:
            raise _failure(f"saving {data.file}", exc, url) from None
    return int(upload_id)


def _feature_rows(upload_id: int, features: Sequence[dict]) -> Iterator[tuple[object, ...]]:
    for n, feature in enumerate(features, start=1):
        props = dict(feature["properties"])  # type: ignore[arg-type]
        geometry = feature.get("geometry")
        geom = _hex_ewkb(shape(geometry)) if geometry else None
        yield (upload_id, n, props.get("layer", ""), json.dumps(props, ensure_ascii=False), geom)


def load_user_uploads(url: str, known_places: Sequence[str] | frozenset[str] = ()) -> list[TeamUpload]:
    """Every saved upload, rebuilt as a GeoJSON file and read by the upload loader (same checks)."""
    import psycopg

    from rkmap.data.user_data import load_user_file

    with connect(url) as conn:
        try:
            uploads = conn.execute("SELECT id, file, saved_by, saved_at FROM user_uploads ORDER BY id").fetchall()
            features: dict[int, list[dict]] = {u[0]: [] for u in uploads}
            for upload_id, props, geom in conn.execute("SELECT upload_id, properties, ST_AsBinary(geom) FROM user_features ORDER BY upload_id, n"):
                geometry = _geojson_geometry(geom) if geom is not None else None
                if upload_id in features:
                    features[upload_id].append({"type": "Feature", "geometry": geometry, "properties": props})
        except psycopg.errors.UndefinedTable:
            return []
        except psycopg.Error as exc:
            raise _failure("reading the saved uploads", exc, url) from None
    out = []
    for upload_id, file, saved_by, saved_at in uploads:
        content = json.dumps({"type": "FeatureCollection", "features": features[upload_id]}, ensure_ascii=False).encode("utf-8")
        data = load_user_file(_geojson_name(file), content, known_places)
        data = replace(data, file=file, problems=tuple(replace(p, file=file) for p in data.problems))
        out.append(TeamUpload(int(upload_id), file, saved_by, saved_at, data))
    return out


def _geojson_geometry(geom: bytes) -> dict:
    from shapely.geometry import mapping

    return mapping(wkb.loads(bytes(geom)))


def _geojson_name(file: str) -> str:
    """A name the upload loader reads as GeoJSON, whatever the original file was."""
    path = Path(file)
    return file if path.suffix.lower() in (".geojson", ".json") else f"{path.stem or 'upload'}.geojson"


def delete_user_upload(url: str, upload_id: int) -> bool:
    """Delete one saved upload and its features; False if there was none with that id."""
    import psycopg

    with connect(url) as conn:
        try:
            with conn.transaction():
                deleted = conn.execute("DELETE FROM user_uploads WHERE id = %s", (int(upload_id),)).rowcount
        except psycopg.Error as exc:
            raise _failure(f"deleting saved upload {upload_id}", exc, url) from None
    return deleted > 0


# --------------------------------------------------------------------------- inspection


def table_counts(url: str) -> dict[str, int]:
    """Rows per table (for ``python -m rkmap.data check``)."""
    import psycopg

    names = [t.name for t in TABLES] + ["user_uploads", "user_features"]
    with connect(url) as conn:
        try:
            return {name: int(conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in names}
        except psycopg.errors.UndefinedTable:
            raise DatabaseError(f"the database {describe_url(url)} has no map data yet: run 'python -m rkmap.data init-db'") from None
        except psycopg.Error as exc:
            raise _failure("counting rows", exc, url) from None


def explain(url: str, until: date | None, bbox: BBox | None) -> str:
    """The plan PostgreSQL chooses for the events query of a view (EXPLAIN, not run)."""
    query, params = events_sql(until, bbox)
    with connect(url) as conn:
        return "\n".join(row[0] for row in conn.execute("EXPLAIN " + query, params))


__all__ = [
    "DatabaseError",
    "Fetched",
    "LoadReport",
    "TeamUpload",
    "delete_user_upload",
    "describe_url",
    "explain",
    "init_db",
    "load_user_uploads",
    "read_dataset",
    "save_user_data",
    "table_counts",
]
