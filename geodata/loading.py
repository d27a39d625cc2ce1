"""Load the dataset from its CSV and GeoJSON files, validating every row.

Two modes: ``strict`` raises :class:`DataValidationError` listing every
problem; lenient mode drops the rows at fault, keeps the rest and returns the
problems so the app can say which file and row were left out.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from shapely.geometry import LineString, shape

from geodata._dates import PartialDate, day_number, parse_partial_date
from geodata.errors import DataValidationError, Problem
from geodata.schema import (
    AREA_KINDS,
    CONTESTED_STATUSES,
    EVENTS,
    ITEM_PREFIXES,
    PLACES,
    REQUIRED_CITATIONS,
    ROUTE_LEGS,
    TABLES,
    Column,
    Table,
)

DATA_DIR = Path(__file__).resolve().parent
GEOMETRY_DIR_NAME = "geometry"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")
# A leg's line must start and end this close to its places (km).
MAX_ENDPOINT_GAP_KM = 25.0


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
        return self.citations[self.citations["item"] == item]

    def disagreements_for(self, item: str) -> pd.DataFrame:
        return self.disagreements[self.disagreements["item"] == item]

    def source_ids_for(self, item: str) -> list[str]:
        return sorted(set(self.citations_for(item)["source"]))


@dataclass
class _Reading:
    """Rows of one table as read, with the problems found so far."""

    table: Table
    rows: list[dict[str, object]] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)


def load_dataset(data_dir: Path | str = DATA_DIR, *, strict: bool = True) -> tuple[Dataset, list[Problem]]:
    """Read and validate every table under ``data_dir``.

    Returns the dataset and the problems found (empty in strict mode, which
    raises instead).
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    readings = {t.name: _read_table(data_dir, t, problems) for t in TABLES}
    _check_unique_ids(readings, problems)
    _check_references(readings, problems)
    _check_date_order(readings, problems)
    geometries = _read_leg_geometries(data_dir, readings, problems)
    _check_citations(readings, problems)
    if strict and problems:
        raise DataValidationError(problems)
    return _assemble(readings, geometries), problems


def _read_table(data_dir: Path, table: Table, problems: list[Problem]) -> _Reading:
    reading = _Reading(table)
    path = data_dir / table.file
    if not path.exists():
        problems.append(Problem(table.file, None, None, "file is missing"))
        return reading
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c.name for c in table.columns if c.name not in header]
            if missing:
                problems.append(Problem(table.file, 1, ", ".join(missing), "required column(s) missing from the header"))
                return reading
            for raw in reader:
                line = reader.line_num
                row = _parse_row(table, raw, line, problems)
                if row is not None:
                    reading.rows.append(row)
                    reading.line_numbers.append(line)
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(table.file, None, None, f"cannot be read as UTF-8 CSV ({exc.__class__.__name__}: {exc})"))
    return reading


def _parse_row(table: Table, raw: dict[str | None, object], line: int, problems: list[Problem]) -> dict[str, object] | None:
    """Convert one CSV row; report each bad field and return None if any."""
    if None in raw:  # more cells than header columns
        problems.append(Problem(table.file, line, None, "row has more cells than the header"))
        return None
    row: dict[str, object] = {}
    ok = True
    for column in table.columns:
        text = raw.get(column.name)
        text = "" if text is None else str(text).strip()
        try:
            row[column.name] = _parse_cell(column, text)
        except ValueError as exc:
            problems.append(Problem(table.file, line, column.name, str(exc)))
            ok = False
    return row if ok else None


def _parse_cell(column: Column, text: str) -> object:
    if not text:
        if column.required:
            raise ValueError("is required but empty")
        return None
    if column.kind == "id":
        if not _ID_PATTERN.match(text):
            raise ValueError(f"'{text}' is not an id (lower-case letters, digits, '-' and '_', at most 80)")
        return text
    if column.kind == "enum":
        if text not in column.choices:
            raise ValueError(f"'{text}' is not one of: {', '.join(column.choices)}")
        return text
    if column.kind == "float":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
        if value != value or (column.bounds and not column.bounds[0] <= value <= column.bounds[1]):
            low, high = column.bounds or (float("-inf"), float("inf"))
            raise ValueError(f"{text} is out of range [{low:g}, {high:g}]")
        return value
    if column.kind == "date":
        return parse_partial_date(text)
    if column.kind == "refs":
        return tuple(part.strip() for part in text.split(";") if part.strip())
    return text


def _check_unique_ids(readings: dict[str, _Reading], problems: list[Problem]) -> None:
    for reading in readings.values():
        key = reading.table.key
        if not key:
            continue
        seen: dict[object, int] = {}
        keep_rows, keep_lines = [], []
        for row, line in zip(reading.rows, reading.line_numbers):
            if row[key] in seen:
                problems.append(Problem(reading.table.file, line, key, f"duplicate id '{row[key]}' (first on row {seen[row[key]]})"))
                continue
            seen[row[key]] = line
            keep_rows.append(row)
            keep_lines.append(line)
        reading.rows, reading.line_numbers = keep_rows, keep_lines


def _ids(readings: dict[str, _Reading], table: str) -> set[object]:
    return {row["id"] for row in readings[table].rows}


def _filter_rows(reading: _Reading, keep: callable) -> None:
    pairs = [(r, n) for r, n in zip(reading.rows, reading.line_numbers) if keep(r, n)]
    reading.rows = [r for r, _ in pairs]
    reading.line_numbers = [n for _, n in pairs]


def _check_references(readings: dict[str, _Reading], problems: list[Problem]) -> None:
    for reading in readings.values():
        ref_columns = [c for c in reading.table.columns if c.ref]
        if not ref_columns:
            continue

        def keep(row: dict[str, object], line: int) -> bool:
            ok = True
            for column in ref_columns:
                value = row[column.name]
                targets = _ids(readings, column.ref)
                wanted = value if isinstance(value, tuple) else (value,) if value else ()
                for target in wanted:
                    if target not in targets:
                        problems.append(Problem(reading.table.file, line, column.name, f"'{target}' is not an id in {column.ref}.csv"))
                        ok = False
            return ok

        _filter_rows(reading, keep)


def _check_date_order(readings: dict[str, _Reading], problems: list[Problem]) -> None:
    for name in (EVENTS.name, ROUTE_LEGS.name):
        reading = readings[name]

        def keep(row: dict[str, object], line: int) -> bool:
            start: PartialDate = row["date"]  # type: ignore[assignment]
            end: PartialDate | None = row.get("date_end")  # type: ignore[assignment]
            disclosed: PartialDate | None = row.get("disclosed")  # type: ignore[assignment]
            if end is not None and end.last < start.first:
                problems.append(Problem(reading.table.file, line, "date_end", f"ends ({end.last}) before it starts ({start.first})"))
                return False
            if disclosed is not None and disclosed.last < start.first:
                problems.append(Problem(reading.table.file, line, "disclosed", f"disclosed ({disclosed.last}) before it happened ({start.first})"))
                return False
            return True

        _filter_rows(reading, keep)


@dataclass(frozen=True)
class LegGeometry:
    line: LineString
    # Leading vertices that are a schematic connector, not surveyed track (0: none).
    schematic_head_vertices: int = 0
    schematic_head_km: float = 0.0


def _read_leg_geometries(data_dir: Path, readings: dict[str, _Reading], problems: list[Problem]) -> dict[str, LegGeometry]:
    reading = readings[ROUTE_LEGS.name]
    places = {row["id"]: row for row in readings[PLACES.name].rows}
    geometries: dict[str, LegGeometry] = {}

    def keep(row: dict[str, object], line: int) -> bool:
        name = str(row["geometry"])
        path = (data_dir / GEOMETRY_DIR_NAME / name).resolve()
        label = f"{GEOMETRY_DIR_NAME}/{name}"
        if path.parent != (data_dir / GEOMETRY_DIR_NAME).resolve() or not path.exists():
            problems.append(Problem(reading.table.file, line, "geometry", f"'{label}' does not exist"))
            return False
        try:
            feature = json.loads(path.read_text(encoding="utf-8"))
            if feature.get("type") == "FeatureCollection":
                feature = feature["features"][0]
            line_geom = shape(feature["geometry"])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            problems.append(Problem(label, 1, "geometry", f"is not a GeoJSON line ({exc})"))
            return False
        if not isinstance(line_geom, LineString) or line_geom.is_empty:
            problems.append(Problem(label, 1, "geometry", f"is a {line_geom.geom_type}, not a LineString"))
            return False
        ends = {"from_place": line_geom.coords[0], "to_place": line_geom.coords[-1]}
        for column, (lon, lat) in ends.items():
            place = places.get(row[column])
            if place is None:
                return False
            gap = _haversine_km(lon, lat, float(place["lon"]), float(place["lat"]))
            if gap > MAX_ENDPOINT_GAP_KM:
                problems.append(
                    Problem(label, 1, "geometry", f"{column.split('_')[0]} end is {gap:.0f} km from {place['id']} (limit {MAX_ENDPOINT_GAP_KM:.0f} km)")
                )
                return False
        head = (feature.get("properties") or {}).get("schematic_head") or {}
        try:
            head_vertices, head_km = int(head.get("vertices", 0)), float(head.get("km", 0.0))
        except (TypeError, ValueError):
            problems.append(Problem(label, 1, "schematic_head", "vertices and km must be numbers"))
            return False
        if not 0 <= head_vertices < len(line_geom.coords):
            problems.append(Problem(label, 1, "schematic_head", f"vertices={head_vertices} does not fit a line of {len(line_geom.coords)} points"))
            return False
        geometries[str(row["id"])] = LegGeometry(line_geom, head_vertices, head_km)
        return True

    _filter_rows(reading, keep)
    return geometries


def _check_citations(readings: dict[str, _Reading], problems: list[Problem]) -> None:
    """Every citation names an existing item; every item cites its required facts."""
    citations = readings["citations"]
    known = {f"{prefix}:{row['id']}" for prefix, table in ITEM_PREFIXES.items() for row in readings[table].rows}

    def keep(row: dict[str, object], line: int) -> bool:
        if row["item"] not in known:
            problems.append(Problem(citations.table.file, line, "item", f"'{row['item']}' names no loaded place, event or leg"))
            return False
        return True

    _filter_rows(citations, keep)
    cited = {(row["item"], row["field"]) for row in citations.rows}
    prefix_of = {table: prefix for prefix, table in ITEM_PREFIXES.items()}
    for requirement in REQUIRED_CITATIONS:
        reading = readings[requirement.table]
        prefix = prefix_of[requirement.table]

        def has_citations(row: dict[str, object], line: int) -> bool:
            missing = [f for f in requirement.fields if (f"{prefix}:{row['id']}", f) not in cited]
            if missing:
                problems.append(Problem(reading.table.file, line, ", ".join(missing), "has no citation in citations.csv for this fact"))
                return False
            return True

        _filter_rows(reading, has_citations)


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(a))


def _with_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add start/end/public dates, precision and GPU day numbers from the partial dates."""
    if frame.empty:
        for column in ("start", "end", "public", "date_precision", "t_start", "t_end", "t_public"):
            frame[column] = pd.Series(dtype=object)
        return frame
    start = frame["date"].map(lambda d: d.first)
    end = [max(d.last, e.last) if e is not None else d.last for d, e in zip(frame["date"], frame["date_end"])]
    public = [p.first if p is not None else s for p, s in zip(frame["disclosed"], start)]
    frame["start"] = start
    frame["end"] = end
    frame["public"] = public
    frame["date_precision"] = [
        d.precision if e is None else "range" for d, e in zip(frame["date"], frame["date_end"])
    ]
    frame["t_start"] = [day_number(d) for d in frame["start"]]
    frame["t_end"] = [day_number(d) for d in frame["end"]]
    frame["t_public"] = [day_number(d) for d in frame["public"]]
    frame["is_contested"] = frame["claim_status"].isin(CONTESTED_STATUSES)
    return frame


def _assemble(readings: dict[str, _Reading], geometries: dict[str, LegGeometry]) -> Dataset:
    frames = {name: pd.DataFrame(r.rows, columns=r.table.column_names) for name, r in readings.items()}
    places = frames["places"]
    places["is_area"] = places["kind"].isin(AREA_KINDS)
    places = places.set_index("id", drop=False)
    events = _with_dates(frames["events"])
    place_columns = places[["lon", "lat", "location_precision", "is_area", "radius_km", "name_en", "name_ja"]].rename(
        columns={"name_en": "place_name_en", "name_ja": "place_name_ja"}
    )
    events = events.join(place_columns, on="place_id")
    legs = _with_dates(frames["route_legs"])
    legs["line"] = [geometries[i].line for i in legs["id"]]
    legs["schematic_head_vertices"] = [geometries[i].schematic_head_vertices for i in legs["id"]]
    legs["schematic_head_km"] = [geometries[i].schematic_head_km for i in legs["id"]]
    events = events.sort_values(["start", "id"]).reset_index(drop=True)
    disagreements = frames["disagreements"].fillna({"item": ""})
    return Dataset(
        sources=frames["sources"].set_index("id", drop=False),
        places=places,
        events=events,
        route_legs=legs.reset_index(drop=True),
        citations=frames["citations"],
        disagreements=disagreements,
    )
