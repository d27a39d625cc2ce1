"""Load the dataset from its CSV, Parquet and GeoJSON files, validating every row.

Two modes: ``strict`` raises :class:`DataValidationError` listing every
problem; lenient mode drops the rows at fault, keeps the rest and returns the
problems so the app can say which file and row were left out.

Checks run column by column (pandas), so a million events load in seconds.
Events may come as ``events.parquet`` (columnar) instead of ``events.csv``,
and may cite their source per row (a ``source`` column naming a row of
``sources.csv``, optional ``source_quote``) instead of in ``citations.csv``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import LineString, shape

from rkmap.core import columns as _columns
from rkmap.core.errors import MAX_PROBLEMS_LISTED, DataValidationError, Problem, Report
from rkmap.core.paths import DATA_DIR
from rkmap.core.schema import (
    AREA_KINDS,
    EVENTS,
    ITEM_PREFIXES,
    PLACES,
    REQUIRED_CITATIONS,
    ROUTE_LEGS,
    ROW_SOURCE_COLUMNS,
    ROW_SOURCE_FIELDS,
    TABLES,
    Table,
)
from rkmap.data import citation_index

GEOMETRY_DIR_NAME = "geometry"
# A leg's line must start and end this close to its places (km).
MAX_ENDPOINT_GAP_KM = 25.0


# Shared with rkmap/data/user_data.py (kept under their old names here).
_Report = Report
_keep = _columns.keep
_add_dates = _columns.add_dates
_finish_dates = _columns.finish_dates
_ensure_dates = _columns.ensure_dates


@dataclass(frozen=True)
class LegGeometry:
    line: LineString
    # Leading vertices that are a schematic connector, not surveyed track (0: none).
    schematic_head_vertices: int = 0
    schematic_head_km: float = 0.0


@dataclass(frozen=True)
class Dataset:
    """All tables, validated; events and legs carry derived date columns."""

    sources: pd.DataFrame
    places: pd.DataFrame
    events: pd.DataFrame
    route_legs: pd.DataFrame
    citations: pd.DataFrame
    disagreements: pd.DataFrame

    def citations_for(self, item: str) -> pd.DataFrame:
        """Citations of an item, including an event's per-row source."""
        return citation_index.citations_for(self, item)

    def disagreements_for(self, item: str) -> pd.DataFrame:
        return self.disagreements[self.disagreements["item"] == item]

    def source_ids_for(self, item: str) -> list[str]:
        return citation_index.source_ids_for(self, item)


def load_dataset(data_dir: Path | str = DATA_DIR, *, strict: bool = True) -> tuple[Dataset, list[Problem]]:
    """Read and validate every table under ``data_dir``.

    Returns the dataset and the problems found (empty in strict mode, which
    raises instead).
    """
    data_dir = Path(data_dir)
    report = _Report()
    frames = {t.name: _read_table(data_dir, t, report) for t in TABLES}
    return validated_dataset(frames, lambda row, rep: read_leg_file(data_dir, row, rep), report, strict=strict)


@dataclass(frozen=True)
class LegLine:
    """A leg's line as stored (a GeoJSON file or a database row), before the checks."""

    label: str  # names where the line is, in problems
    line: object  # a shapely geometry (checked to be a LineString)
    schematic_head_vertices: int = 0
    schematic_head_km: float = 0.0


# Reads a leg's line for a row of route_legs; reports and returns None when it cannot.
ReadLegLine = Callable[[pd.Series, Report], "LegLine | None"]


def validated_dataset(frames: dict[str, pd.DataFrame], read_leg_line: ReadLegLine, report: Report, *, strict: bool) -> tuple[Dataset, list[Problem]]:
    """The checks every backend shares, on tables read by :func:`checked_table`, then the dataset.

    ``frames`` maps each table name to its rows (changed in place as bad rows
    are dropped); ``read_leg_line`` gives each route leg's line.
    """
    _check_unique_ids(frames, report)
    _check_references(frames, report)
    _check_date_order(frames, report)
    frames["route_legs"], geometries = _read_leg_geometries(frames, read_leg_line, report)
    _check_citations(frames, report)
    if strict and report.problems:
        raise DataValidationError(report.problems)
    return _assemble(frames, geometries), report.problems


def empty_table(table: Table) -> pd.DataFrame:
    """A table with no rows, in the columns :func:`checked_table` returns."""
    columns = {c.name: pd.Series(dtype=_columns.STRING) for c in table.columns} | {"_row": pd.Series(dtype=int)}
    for c in table.columns:
        if c.kind == "date":
            columns |= {f"_{c.name}_first": pd.Series(dtype="datetime64[s]"), f"_{c.name}_last": pd.Series(dtype="datetime64[s]"), f"_{c.name}_precision": pd.Series(dtype=object)}
    return pd.DataFrame(columns)


def _read_table(data_dir: Path, table: Table, report: _Report) -> pd.DataFrame:
    """Read one table's file; drop (and report) rows with a bad cell."""
    read = read_raw_table(data_dir, table, report)
    if read is None:
        return empty_table(table)
    raw, label, rows = read
    return checked_table(raw, table, label, rows, report)


def read_raw_table(data_dir: Path | str, table: Table, report: Report) -> tuple[pd.DataFrame, str, np.ndarray] | None:
    """One table's file as it is (cells as text), its name and its row numbers; None (reported) if unreadable.

    Events come from ``events.parquet`` when the folder has one (rows are
    record numbers), otherwise from ``events.csv`` (rows are line numbers).
    """
    data_dir = Path(data_dir)
    parquet = data_dir / Path(table.file).with_suffix(".parquet")
    path = parquet if table is EVENTS and parquet.exists() else data_dir / table.file
    label = path.name
    if not path.exists():
        report.add(table.file, None, None, "file is missing")
        return None
    try:
        if path.suffix == ".parquet":
            raw = pd.read_parquet(path)
            first_row = 1  # record number
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", on_bad_lines="error")
            first_row = 2  # line number: the header is line 1
    except (UnicodeDecodeError, ValueError, OSError, pd.errors.ParserError) as exc:
        report.add(label, None, None, f"cannot be read as {'Parquet' if path.suffix == '.parquet' else 'UTF-8 CSV'} ({exc.__class__.__name__}: {str(exc)[:200]})")
        return None
    return raw, label, np.arange(first_row, first_row + len(raw))


def checked_table(raw: pd.DataFrame, table: Table, label: str, rows: np.ndarray, report: Report) -> pd.DataFrame:
    """One table's raw cells (text, as in the file) checked column by column.

    ``rows`` numbers the rows for problems (``label``, row, field). Rows with
    a bad cell are dropped and reported; float columns become float64 and date
    columns gain their parsed intervals.
    """
    missing = [c.name for c in table.columns if c.name not in raw.columns]
    if missing:
        report.add(label, 1, ", ".join(missing), "required column(s) missing from the header")
        return empty_table(table)
    keep = [c.name for c in table.columns] + [c for c in ROW_SOURCE_COLUMNS if table is EVENTS and c in raw.columns]
    frame = pd.DataFrame({name: _columns.text(raw[name]) for name in keep})
    frame["_row"] = np.asarray(rows, dtype=int)
    ok = pd.Series(True, index=frame.index)
    for name, errors in _columns.check_columns(frame, table.columns).items():
        bad = errors != ""
        report.add_rows(label, frame, bad, name, errors)
        ok &= ~bad
    return _columns.to_floats(_keep(frame, ok), table.columns)


def _check_unique_ids(frames: dict[str, pd.DataFrame], report: _Report) -> None:
    for table in TABLES:
        if not table.key:
            continue
        frame = frames[table.name]
        duplicate = frame[table.key].duplicated(keep="first")
        if duplicate.any():
            report.add_rows(table.file, frame, duplicate, table.key, "'" + frame[table.key] + "' is a duplicate id")
            frames[table.name] = _keep(frame, ~duplicate)


def _check_references(frames: dict[str, pd.DataFrame], report: _Report) -> None:
    for table in TABLES:
        frame = frames[table.name]
        ok = pd.Series(True, index=frame.index)
        for column in (c for c in table.columns if c.ref):
            targets = set(frames[column.ref]["id"])
            values = frame[column.name]
            if column.kind == "refs":
                lists = values.str.split(";").map(lambda parts: [p.strip() for p in parts if p.strip()])
                bad = lists.map(lambda parts: any(p not in targets for p in parts))  # noqa: B023 - map() calls it within this iteration
                messages = lists.map(lambda parts: ", ".join(f"'{p}'" for p in parts if p not in targets) + f" not in {column.ref}.csv")  # noqa: B023 - map() calls it within this iteration
                frame[column.name] = lists.map(tuple)
            else:
                bad = (values != "") & ~values.isin(targets)
                messages = "'" + values + f"' is not an id in {column.ref}.csv"
            if bad.any():
                report.add_rows(table.file, frame, bad, column.name, messages)
                ok &= ~bad
        if table is EVENTS and "source" in frame.columns:
            sources = frame["source"]
            bad = (sources != "") & ~sources.isin(set(frames["sources"]["id"]))
            if bad.any():
                report.add_rows(table.file, frame, bad, "source", "'" + sources + "' is not an id in sources.csv")
                ok &= ~bad
        frames[table.name] = _keep(frame, ok)


def _check_date_order(frames: dict[str, pd.DataFrame], report: _Report) -> None:
    for table in (EVENTS, ROUTE_LEGS):
        frame = _add_dates(frames[table.name])
        ok = pd.Series(True, index=frame.index)
        for name, (bad, message) in _columns.date_order_errors(frame).items():
            report.add_rows(table.file, frame, bad, name, message)
            ok &= ~bad
        frames[table.name] = _keep(frame, ok)


def _read_leg_geometries(frames: dict[str, pd.DataFrame], read_leg_line: ReadLegLine, report: _Report) -> tuple[pd.DataFrame, dict[str, LegGeometry]]:
    legs = frames[ROUTE_LEGS.name]
    places = frames[PLACES.name].set_index("id")
    geometries: dict[str, LegGeometry] = {}
    keep = []
    for _, row in legs.iterrows():
        stored = read_leg_line(row, report)
        geometry = _checked_leg_line(stored, row, places, report) if stored is not None else None
        keep.append(geometry is not None)
        if geometry is not None:
            geometries[row["id"]] = geometry
    return legs[pd.Series(keep, index=legs.index, dtype=bool)].reset_index(drop=True), geometries


def read_leg_file(data_dir: Path | str, row: pd.Series, report: Report) -> LegLine | None:
    """A leg's line from its GeoJSON file under ``geometry/``."""
    folder = (Path(data_dir) / GEOMETRY_DIR_NAME).resolve()
    path = (folder / row["geometry"]).resolve()
    label = f"{GEOMETRY_DIR_NAME}/{row['geometry']}"
    if path.parent != folder or not path.exists():
        report.add(ROUTE_LEGS.file, int(row["_row"]), "geometry", f"'{label}' does not exist")
        return None
    try:
        feature = json.loads(path.read_text(encoding="utf-8"))
        if feature.get("type") == "FeatureCollection":
            feature = feature["features"][0]
        line = shape(feature["geometry"])
        head = (feature.get("properties") or {}).get("schematic_head") or {}
        return LegLine(label, line, int(head.get("vertices", 0)), float(head.get("km", 0.0)))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        report.add(label, 1, "geometry", f"is not a GeoJSON line ({exc.__class__.__name__}: {exc})")
        return None


def _checked_leg_line(stored: LegLine, row: pd.Series, places: pd.DataFrame, report: _Report) -> LegGeometry | None:
    """The checks of every leg's line, wherever it is stored: a line that ends at its places."""
    label, line = stored.label, stored.line
    head_vertices, head_km = stored.schematic_head_vertices, stored.schematic_head_km
    if not isinstance(line, LineString) or line.is_empty:
        report.add(label, 1, "geometry", f"is a {getattr(line, 'geom_type', type(line).__name__)}, not a LineString")
        return None
    if not 0 <= head_vertices < len(line.coords):
        report.add(label, 1, "schematic_head", f"vertices={head_vertices} does not fit a line of {len(line.coords)} points")
        return None
    for column, (lon, lat) in (("from_place", line.coords[0][:2]), ("to_place", line.coords[-1][:2])):
        place = places.loc[row[column]]
        gap = _haversine_km(lon, lat, float(place["lon"]), float(place["lat"]))
        if gap > MAX_ENDPOINT_GAP_KM:
            report.add(label, 1, "geometry", f"{column.split('_')[0]} end is {gap:.0f} km from {row[column]} (limit {MAX_ENDPOINT_GAP_KM:.0f} km)")
            return None
    return LegGeometry(line, head_vertices, head_km)


def _check_citations(frames: dict[str, pd.DataFrame], report: _Report) -> None:
    """Every citation names an existing item; every item cites its required facts."""
    citations = frames["citations"]
    known = set()
    for prefix, table in ITEM_PREFIXES.items():
        known.update(prefix + ":" + frames[table]["id"])
    bad = ~citations["item"].astype(object).isin(known)  # hash lookup: known may hold a million ids
    if bad.any():
        report.add_rows("citations.csv", citations, bad, "item", "'" + citations["item"] + "' names no loaded place, event or leg")
        citations = frames["citations"] = _keep(citations, ~bad)
    prefix_of = {table: prefix for prefix, table in ITEM_PREFIXES.items()}
    for requirement in REQUIRED_CITATIONS:
        frame = frames[requirement.table]
        items = prefix_of[requirement.table] + ":" + frame["id"]
        row_source = frame["source"] != "" if "source" in frame.columns else pd.Series(False, index=frame.index)
        missing = pd.Series("", index=frame.index, dtype=object)
        for field in requirement.fields:
            cited = items.isin(set(citations.loc[citations["field"] == field, "item"]))
            if field in ROW_SOURCE_FIELDS:
                cited |= row_source
            missing = missing.where(cited, missing + np.where(missing == "", "", ", ") + field)
        bad = missing != ""
        if bad.any():
            table = next(t for t in TABLES if t.name == requirement.table)
            rows = frame.loc[bad]
            for row, fields in zip(rows["_row"].iloc[:MAX_PROBLEMS_LISTED], missing[bad].iloc[:MAX_PROBLEMS_LISTED]):
                report.add(table.file, int(row), fields, "has no citation in citations.csv (nor a per-row source) for this fact")
            if bad.sum() > MAX_PROBLEMS_LISTED:
                report.add(table.file, None, None, f"… and {int(bad.sum()) - MAX_PROBLEMS_LISTED} more rows without citations")
            frames[requirement.table] = _keep(frame, ~bad)


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(a))


def _assemble(frames: dict[str, pd.DataFrame], geometries: dict[str, LegGeometry]) -> Dataset:
    places = frames["places"].drop(columns="_row")
    places["is_area"] = places["kind"].isin(AREA_KINDS)
    places = places.set_index("id", drop=False)
    events = _finish_dates(_ensure_dates(frames["events"])).drop(columns="_row")
    if "source" not in events.columns:
        events["source"] = ""
    place_columns = places[["lon", "lat", "location_precision", "is_area", "radius_km", "name_en", "name_ja"]].rename(
        columns={"name_en": "place_name_en", "name_ja": "place_name_ja"}
    )
    events = events.join(place_columns, on="place_id")
    events = events.sort_values(["t_start", "id"], kind="stable").reset_index(drop=True)
    legs = _finish_dates(_ensure_dates(frames["route_legs"])).drop(columns="_row")
    legs["line"] = [geometries[i].line for i in legs["id"]]
    legs["schematic_head_vertices"] = [geometries[i].schematic_head_vertices for i in legs["id"]]
    legs["schematic_head_km"] = [geometries[i].schematic_head_km for i in legs["id"]]
    disagreements = frames["disagreements"].drop(columns="_row")
    sources = frames["sources"]
    return Dataset(
        sources=sources.drop(columns=[c for c in sources.columns if c.startswith("_")]).set_index("id", drop=False),
        places=places,
        events=events,
        route_legs=legs.reset_index(drop=True),
        citations=frames["citations"].drop(columns="_row"),
        disagreements=disagreements,
    )
