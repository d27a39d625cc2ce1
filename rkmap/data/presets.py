"""The files analysts keep: presets detected from a header, and the column → field mapping.

A *preset* (ACLED, UCDP GED, GDELT 2.0 events, TimeMap) is recognised from
a file's column names; it proposes which column fills which field of the
map's rows, may add *derived* columns (an ACLED title built from
``event_type``, ``sub_event_type`` and ``location``; ACLED's numeric
``geo_precision`` as a location precision …) and may say how the format
writes dates. Files of no preset get a mapping from the accepted column
names (:data:`ALIASES`) and a few structural rules (``*_lat``/``*_lng``
pairs, one ``lat,lon`` column).

The mapping is ``{field: (column, …)}``: the first non-empty cell of those
columns fills the field. The analyst can change it (panel, ``--data``
prints it); derived columns are ordinary columns to it.

Coordinates as written by people — decimal commas, degrees-minutes-seconds —
are read by :func:`parse_coordinates`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rkmap.core.columns import text
from rkmap.core.dates import DayOrder, plain_dates

STRING = "string[pyarrow]"

# Accepted column names (lower case, spaces and hyphens read as '_'), first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "layer": ("layer", "item_type", "record_type"),
    "id": ("id", "event_id", "uid", "fid"),
    "date": ("date", "start", "start_date", "date_start", "begin", "when", "event_date", "datetime", "timestamp", "日付", "年月日", "дата", "дата_события"),
    "date_end": ("date_end", "end", "end_date"),
    "disclosed": ("disclosed", "disclosure_date", "date_disclosed"),
    "date_precision": ("date_precision", "precision"),
    "title_en": ("title_en", "title", "name_en", "name", "名称", "名前", "タイトル", "название", "наименование", "заголовок"),
    "title_ja": ("title_ja", "name_ja"),
    "summary_en": ("summary_en", "summary", "description", "description_en", "notes", "説明", "概要", "описание"),
    "summary_ja": ("summary_ja", "description_ja"),
    "kind": ("kind", "event_kind", "category"),
    "claim_status": ("claim_status", "claim", "status"),
    "asserted_by": ("asserted_by",),
    "denied_by": ("denied_by",),
    "quantity_en": ("quantity_en", "quantity"),
    "quantity_ja": ("quantity_ja",),
    "place_id": ("place_id", "place"),
    "place_name": ("place_name", "place_name_en", "location", "address", "住所", "所在地", "адрес", "место"),
    "place_name_ja": ("place_name_ja",),
    "place_kind": ("place_kind",),
    "location_precision": ("location_precision",),
    "lat": ("lat", "latitude", "y", "latitude_wgs84", "geo_lat", "lat_dd", "緯度", "широта"),
    "lon": ("lon", "lng", "long", "longitude", "x", "longitude_wgs84", "geo_lon", "lon_dd", "経度", "долгота"),
    "radius_km": ("radius_km",),
    "country": ("country", "国", "страна"),
    "role_en": ("role_en", "role"),
    "role_ja": ("role_ja",),
    "mode": ("mode",),
    "carrier_en": ("carrier_en", "carrier"),
    "carrier_ja": ("carrier_ja",),
    "source": ("source", "source_name", "出典", "情報源", "источник"),
    "source_title": ("source_title",),
    "source_url": ("source_url", "url", "link", "sourceurl", "ссылка"),
    "source_quote": ("source_quote", "quote"),
    "wkt": ("wkt", "geometry_wkt", "geom_wkt", "the_geom"),
}
# Shown first in the mapping step: the fields that decide whether and where a row lands.
KEY_FIELDS = ("date", "date_end", "title_en", "summary_en", "lat", "lon", "place_name", "source", "source_url", "id", "date_precision", "location_precision")
FIELD_LABELS = {
    "date": "date", "date_end": "end date", "title_en": "title", "summary_en": "summary", "lat": "latitude", "lon": "longitude",
    "place_name": "place name", "source": "source", "source_url": "source URL", "id": "id", "date_precision": "date precision",
    "location_precision": "location precision", "title_ja": "title (Japanese)", "source_title": "source title", "source_quote": "source quote",
    "kind": "kind", "claim_status": "claim status", "place_id": "place id", "wkt": "WKT geometry", "layer": "layer",
}  # fmt: skip
# One column holding 'lat,lon' (OpenDataSoft's geo_point_2d and the like).
POINT_COLUMNS = ("geo_point_2d", "geo_point", "geopoint", "coordinates", "coordonnees", "coords", "latlon", "lat_lon", "lat_lng", "latlng", "point", "座標", "координаты")
_LAT_SUFFIX = re.compile(r"^(.*?)[_ ]?(lat|latitude)$")
_LON_SUFFIXES = ("lng", "lon", "long", "longitude")

# GDELT 2.0 event table (61 columns); GDELT 1.0's 58 lack the three ADM2 codes.
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO), *(f"Actor2Geo_{c}" for c in _GEO), *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
GDELT1_COLUMNS = tuple(c for c in GDELT_COLUMNS if not c.endswith("ADM2Code"))
assert len(GDELT_COLUMNS) == 61 and len(GDELT1_COLUMNS) == 58
# CAMEO root codes (GDELT's EventRootCode), for titles.
CAMEO_ROOTS = {
    "01": "Public statement", "02": "Appeal", "03": "Intent to cooperate", "04": "Consultation", "05": "Diplomatic cooperation",
    "06": "Material cooperation", "07": "Aid", "08": "Yield", "09": "Investigation", "10": "Demand", "11": "Disapproval",
    "12": "Rejection", "13": "Threat", "14": "Protest", "15": "Force posture", "16": "Reduced relations", "17": "Coercion",
    "18": "Assault", "19": "Fight", "20": "Mass violence",
}  # fmt: skip


def normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    needs: tuple[frozenset[str], ...]  # any one set of (normalised) columns identifies the format
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field → normalised column names
    day_order: DayOrder | None = None  # how the format writes numeric dates, if it says
    never: tuple[str, ...] = ()  # columns never taken for a field (ACLED's upload 'timestamp')
    note: str = ""

    def matches(self, names: set[str]) -> bool:
        return any(need <= names for need in self.needs)


ACLED_TITLE = "title (event_type — sub_event_type — location)"
ACLED_DATE_PRECISION = "date precision (from time_precision)"
ACLED_LOCATION_PRECISION = "location precision (from geo_precision)"
ACLED_DATE_END = "end of week (time_precision 2)"
UCDP_LOCATION_PRECISION = "location precision (from where_prec)"
UCDP_SOURCE = "source (source_office: source_headline)"
UCDP_DATE_PRECISION = "date precision (from date_prec)"
GDELT_TITLE = "title (EventRootCode: Actor1Name – Actor2Name)"
GDELT_LOCATION_PRECISION = "location precision (from ActionGeo_Type)"
TIMEMAP_DATE = "date (date + time)"

PRESETS = (
    Preset(
        "acled", "ACLED",
        (frozenset({"event_date", "event_type", "latitude", "longitude"}), frozenset({"event_id_cnty", "event_date"})),
        {
            "id": ("event_id_cnty",), "date": ("event_date",), "date_end": (ACLED_DATE_END,), "title_en": (ACLED_TITLE,), "summary_en": ("notes",),
            "lat": ("latitude",), "lon": ("longitude",), "place_name": ("location",), "country": ("country",), "source": ("source",),
            "date_precision": (ACLED_DATE_PRECISION,), "location_precision": (ACLED_LOCATION_PRECISION,),
        },
        # No day/month order of its own: ACLED writes '12 March 2024' or ISO dates, so numeric ones are an analyst's
        # re-save (a US-locale Excel writes 3/12/2024), of the order of that spreadsheet, not ACLED's (#27).
        None, ("timestamp",),
        "event_date is the date (a numeric date such as 13/03/2024 shows the order, else it is asked); timestamp is ACLED's upload time and is not used",
    ),
    Preset(
        "ucdp", "UCDP GED",
        (frozenset({"date_start", "date_end", "where_prec"}), frozenset({"dyad_name", "date_start"})),
        {
            "id": ("id",), "date": ("date_start",), "date_end": ("date_end",), "title_en": ("dyad_name", "conflict_name"), "summary_en": ("source_article",),
            "lat": ("latitude",), "lon": ("longitude",), "place_name": ("where_coordinates", "adm_2", "adm_1"), "country": ("country",),
            "source": (UCDP_SOURCE, "source_article"), "location_precision": (UCDP_LOCATION_PRECISION,), "date_precision": (UCDP_DATE_PRECISION,),
        },
        None, (), "date_start–date_end is the period; date_prec its precision; where_prec the location precision",
    ),
    Preset(
        "gdelt", "GDELT 2.0 events",
        (frozenset({"globaleventid", "sqldate", "actiongeo_lat", "actiongeo_long"}),),
        {
            "id": ("globaleventid",), "date": ("sqldate",), "title_en": (GDELT_TITLE,), "lat": ("actiongeo_lat",), "lon": ("actiongeo_long",),
            "place_name": ("actiongeo_fullname",), "source_url": ("sourceurl",), "location_precision": (GDELT_LOCATION_PRECISION,),
        },
        None, ("dateadded",), "SQLDATE (YYYYMMDD) is the date; ActionGeo the place; SOURCEURL the source",
    ),
    Preset(
        "timemap", "TimeMap (Forensic Architecture / Bellingcat)",
        (frozenset({"date", "latitude", "longitude", "sources", "description"}), frozenset({"date", "time", "location", "sources"})),
        {
            "id": ("id",), "date": (TIMEMAP_DATE,), "title_en": ("title", "name"), "summary_en": ("description",), "lat": ("latitude",),
            "lon": ("longitude",), "place_name": ("location",), "source": ("sources",),
        },
        # No day/month order of its own: the keys are those of any hand-made JSON, so a file whose every date reads
        # either way (03/04/2024) is asked about, never read month-first on the strength of its keys (#27).
        None, ("category",), "TimeMap writes dates MM/DD/YYYY: a date such as 10/17/2023 shows the order, else it is asked; its categories are not the map's kinds",
    ),
)  # fmt: skip
PRESET_LABELS = {p.key: p.label for p in PRESETS}
# What :func:`derive` reads (normalised names) and the columns it adds, per preset.
DERIVED_FROM = {
    "acled": ("event_type", "sub_event_type", "location", "time_precision", "geo_precision"),
    "ucdp": ("where_prec", "source_office", "source_headline", "date_prec"),
    "gdelt": ("eventrootcode", "actor1name", "actor2name", "actiongeo_type"),
    "timemap": ("date", "time"),
}
DERIVED = {
    "acled": (ACLED_TITLE, ACLED_DATE_PRECISION, ACLED_DATE_END, ACLED_LOCATION_PRECISION),
    "ucdp": (UCDP_LOCATION_PRECISION, UCDP_SOURCE, UCDP_DATE_PRECISION),
    "gdelt": (GDELT_TITLE, GDELT_LOCATION_PRECISION),
    "timemap": (TIMEMAP_DATE,),
}


def needed_columns(columns: list[str], preset: Preset | None, mapping: Mapping[str, tuple[str, ...]] | None) -> set[str]:
    """The columns a load reads: those of the mapping (proposed unless given), what the preset derives from, a 'lat,lon' column, KML folders."""
    by_name: dict[str, str] = {}
    for column in columns:
        by_name.setdefault(normalise(column), column)
    if mapping is None:
        mapping = propose([*columns, *DERIVED.get(preset.key if preset else "", ())], preset)
    keep = {c for cols in mapping.values() for c in cols if c in columns}
    keep |= {by_name[n] for n in DERIVED_FROM.get(preset.key if preset else "", ()) if n in by_name}
    point = point_column(columns, mapping)
    keep |= {point} if point else set()
    keep |= {by_name["folder"]} if "folder" in by_name else set()
    return keep


def detect(columns: list[str]) -> Preset | None:
    names = {normalise(c) for c in columns}
    return next((p for p in PRESETS if p.matches(names)), None)


# --- derived columns -------------------------------------------------------------------


def _column(frame: pd.DataFrame, by_name: dict[str, str], name: str) -> pd.Series:
    original = by_name.get(name)
    return text(frame[original]) if original is not None else pd.Series("", index=frame.index, dtype=STRING)


def _join(parts: list[pd.Series], sep: str) -> pd.Series:
    """Non-empty cells of several columns joined by ``sep``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # In Arrow (the glue as a numpy array of Python strings cost a second per million rows).
    arrays = [pa.array(part.astype(STRING).array) for part in parts]
    out = arrays[0]
    for part in arrays[1:]:
        both = pc.and_(pc.not_equal(out, ""), pc.not_equal(part, ""))
        glue = pc.if_else(both, pa.scalar(sep, out.type), pa.scalar("", out.type))
        out = pc.binary_join_element_wise(out, glue, part.cast(out.type), pa.scalar("", out.type))
    return pd.Series(out, index=parts[0].index, dtype=STRING)


def _mapped(values: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """Codes ('1', '2.0' …) as words; '' for codes not in ``table`` (compared per code, columnar)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # One lookup in Arrow (a pass of ``where`` per code cost a second per million rows).
    codes = pc.replace_substring_regex(pa.array(values.astype(STRING).array), r"\.0*$", "")
    found = pc.index_in(codes, value_set=pa.array(list(table), codes.type))
    words = pc.fill_null(pc.take(pa.array(list(table.values()), codes.type), found), "")
    return pd.Series(words, index=values.index, dtype=STRING)


def derive(preset: Preset | None, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Columns a preset builds from the file's (named so the analyst sees where they come from)."""
    if preset is None:
        return {}
    by_name: dict[str, str] = {}
    for column in frame.columns:
        by_name.setdefault(normalise(column), column)
    col = lambda name: _column(frame, by_name, name)
    if preset.key == "acled":
        event_type, sub_type = col("event_type"), col("sub_event_type")
        sub_type = sub_type.where(sub_type != event_type, "")
        precision = col("time_precision")
        # ACLED's codebook: 1 the day, 2 a week (the date is in it), 3 a month.
        return {
            ACLED_TITLE: _join([event_type, sub_type, col("location")], " — "),
            ACLED_DATE_PRECISION: _mapped(precision, {"1": "day", "2": "day", "3": "month"}),
            ACLED_DATE_END: pd.Series("", index=frame.index, dtype=STRING),  # filled once dates are read (week of a precision-2 date)
            ACLED_LOCATION_PRECISION: _mapped(col("geo_precision"), {"1": "city", "2": "region", "3": "region"}),
        }
    if preset.key == "ucdp":
        # UCDP GED codebook: 1 exact, 2 within 25 km, 3 second-order and 4 first-order division, 5 a line, 6 the country, 7 waters/air.
        return {
            UCDP_LOCATION_PRECISION: _mapped(col("where_prec"), {"1": "site", "2": "city", "3": "region", "4": "region", "5": "region", "6": "country", "7": "region"}),
            UCDP_SOURCE: _join([col("source_office"), col("source_headline")], ": "),
            # UCDP GED codebook, date_prec: 1 the exact day, 2 a period of 2–6 days around it, 3 only the week,
            # 4 only the month, 5 only the year or longer. The map's words are day, month and year; 2 and 3
            # (and any period that is not the stated day, month or year: ucdp_dates) stay the period date_start–date_end.
            UCDP_DATE_PRECISION: _mapped(col("date_prec"), {"1": "day", "4": "month", "5": "year"}),
        }
    if preset.key == "gdelt":
        root = col("eventrootcode").str.zfill(2).map(lambda c: CAMEO_ROOTS.get(str(c), f"CAMEO {c}" if c not in ("", "00") else "Event")).astype(STRING)
        actors = _join([col("actor1name"), col("actor2name")], " – ")
        return {
            GDELT_TITLE: _join([root, actors], ": "),
            # ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
            GDELT_LOCATION_PRECISION: _mapped(col("actiongeo_type"), {"1": "country", "2": "region", "3": "city", "4": "city", "5": "region"}),
        }
    if preset.key == "timemap":
        # TimeMap's time is free text in real sheets ('late evening', '9.30', 'approx. 14:00'): only a clock time joins
        # the date; any other leaves the date alone, rather than the whole row refused for its time of day.
        time = col("time")
        clock = time.str.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?").fillna(False).astype(bool)
        return {TIMEMAP_DATE: _join([col("date"), time.where(clock, "")], " ")}
    return {}


def acled_week(frame: pd.DataFrame, dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ACLED rows of time_precision 2 (the middle of a reported week) as that week: date − 3 to date + 3 days."""
    by_name = {normalise(c): c for c in frame.columns}
    codes = text(frame[by_name["time_precision"]]) if "time_precision" in by_name else pd.Series("", index=frame.index, dtype=STRING)
    week = (codes.str.replace(r"\.0*$", "", regex=True) == "2") & (dates.str.len() == 10)
    start, end = dates.copy(), pd.Series("", index=frame.index, dtype=STRING)
    if week.any():
        # Plain days moved in numpy and written back as ISO text in C (strftime made a Python string per row); any other cell by pandas.
        rows = week.to_numpy(dtype=bool)
        middle = plain_dates(dates[week])
        plain = rows.copy()
        plain[rows] = middle.is_day
        if plain.any():
            start[plain] = np.datetime_as_string(middle.day[middle.is_day] - 3, unit="D")
            end[plain] = np.datetime_as_string(middle.day[middle.is_day] + 3, unit="D")
        other = pd.Series(rows & ~plain, index=dates.index)
        if other.any():
            middle = pd.to_datetime(dates[other], format="%Y-%m-%d", errors="coerce")
            start[other] = (middle - pd.Timedelta(days=3)).dt.strftime("%Y-%m-%d").fillna(dates[other])
            end[other] = (middle + pd.Timedelta(days=3)).dt.strftime("%Y-%m-%d").fillna("")
    return start, end


def ucdp_dates(dates: pd.Series, ends: pd.Series, precision: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """UCDP rows whose date_prec names the day, month or year that date_start–date_end is, written as that date alone.

    date_prec 1 with date_start = date_end is that day; 4 over the first to the last day of one month is
    that month ('2022-03'); 5 over 1 January to 31 December of one year is that year. The period is
    unchanged (the month's first and last day are its start and end). A stated precision that is not the
    period (date_prec 1 over several days, 5 over two years) is dropped: the period is what the row says.
    """
    period = (dates.str.len() == 10) & (ends.str.len() == 10)
    if not bool(period.any()):
        return dates, ends, precision
    start = pd.to_datetime(dates.where(period), format="%Y-%m-%d", errors="coerce")
    end = pd.to_datetime(ends.where(period), format="%Y-%m-%d", errors="coerce")
    both = (start.notna() & end.notna()).to_numpy()
    day = both & (precision == "day").to_numpy() & (start == end).to_numpy()
    month = both & (precision == "month").to_numpy() & (start.dt.day == 1).to_numpy() & (end == start + pd.offsets.MonthEnd(0)).to_numpy()
    first_day = (start.dt.month == 1) & (start.dt.day == 1)
    last_day = (end.dt.month == 12) & (end.dt.day == 31) & (end.dt.year == start.dt.year)
    year = both & (precision == "year").to_numpy() & (first_day & last_day).to_numpy()
    fits = day | month | year
    dates = dates.where(~month, dates.str.slice(0, 7)).where(~year, dates.str.slice(0, 4))
    ends = ends.where(~fits, "")
    precision = precision.where(fits | ~both | (precision == ""), "")
    return dates, ends, precision


# --- the mapping ---------------------------------------------------------------------------


def propose(columns: list[str], preset: Preset | None) -> dict[str, tuple[str, ...]]:
    """Field → columns (original names) for a file's columns; derived columns included."""
    by_name: dict[str, str] = {}
    for column in columns:
        by_name.setdefault(normalise(column), column)
    never = set(preset.never) if preset else set()
    mapping: dict[str, tuple[str, ...]] = {}
    used: set[str] = set()
    if preset is not None:
        for fld, names in preset.fields.items():
            found = tuple(by_name[normalise(n)] for n in names if normalise(n) in by_name)
            if found:
                mapping[fld] = found
                used.update(found)
    for fld, aliases in ALIASES.items():
        if fld in mapping:
            continue
        found = tuple(by_name[a] for a in aliases if a in by_name and by_name[a] not in used and a not in never)
        if found:
            mapping[fld] = found
            used.update(found)
    if "lat" not in mapping and "lon" not in mapping:
        # kepler.gl style pairs: pickup_lat / pickup_lng.
        for name, original in by_name.items():
            match = _LAT_SUFFIX.match(name)
            if not match or not match.group(1):
                continue
            prefix = match.group(1)
            lon = next((by_name[f"{prefix}{sep}{s}"] for s in _LON_SUFFIXES for sep in ("_", " ", "") if f"{prefix}{sep}{s}" in by_name), None)
            if lon is not None:
                mapping["lat"], mapping["lon"] = (original,), (lon,)
                break
    if "date" not in mapping:
        found = next((original for name, original in by_name.items() if re.search(r"(^|_)(date|datetime|timestamp|time_stamp)$", name) and name not in never), None)
        if found:
            mapping["date"] = (found,)
    return mapping


def point_column(columns: list[str], mapping: Mapping[str, tuple[str, ...]]) -> str | None:
    """A single 'lat,lon' column, when the file has no latitude and longitude columns."""
    if "lat" in mapping or "lon" in mapping:
        return None
    return next((c for c in columns if normalise(c) in POINT_COLUMNS), None)


def split_point(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'lat, lon' cells (OpenDataSoft order) as two columns; cells that are not two numbers stay whole in lat."""
    parts = text(values).str.extract(r"^\[?\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*\]?$")
    lat = parts[0].astype(STRING).fillna(text(values))
    lon = parts[1].astype(STRING).fillna("")
    return lat, lon


# --- coordinates as people write them --------------------------------------------------------

_DECIMAL_COMMA = r"^[+-]?\d+,\d+$"
_DMS = re.compile(
    r"^\s*([NSEWnsew])?\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:°|º|˚|d|deg|:|\s)\s*"
    r"(?:(\d+(?:[.,]\d+)?)\s*(?:'|′|’|m|min|:|\s)\s*)?"
    r"(?:(\d+(?:[.,]\d+)?)\s*(\"|″|''|”|s|sec)?\s*)?([NSEWnsew])?\s*$"
)
# Decimal degrees with a hemisphere letter and no separator: '42.245N', 'N42.245'.
_DEGREES_HEMISPHERE = re.compile(r"^\s*([NSEWnsew])?\s*(\d+(?:[.,]\d+)?)\s*([NSEWnsew])?\s*$")


def _dms_one(cell: str) -> str:
    match = _DMS.match(cell)
    if not match:
        plain = _DEGREES_HEMISPHERE.match(cell)
        if not plain or not (plain.group(1) or plain.group(3)) or float(plain.group(2).replace(",", ".")) > 180:
            return ""  # '4214.7N' (DDMM.mm without separators) stays a cell that is not a number
        return _dms_one(f"{plain.group(1) or ''}{plain.group(2)}° {plain.group(3) or ''}")
    lead, degrees, minutes, seconds, seconds_mark, trail = match.groups()
    if minutes is None and seconds is not None and not seconds_mark:
        # Two numbers and no seconds mark ('42 14.7', '42°14.7'): degrees and (decimal) minutes, as GPS and ship
        # positions write them, never degrees and seconds (which put the place 27 km off).
        minutes, seconds = seconds, None
    hemisphere = (lead or trail or "").upper()
    if lead and trail:
        return ""
    number = lambda s: float(s.replace(",", ".")) if s else 0.0
    deg = number(degrees)
    m, s = number(minutes), number(seconds)
    if m >= 60 or s >= 60:
        return ""
    value = abs(deg) + m / 60 + s / 3600
    negative = deg < 0 or degrees.startswith("-") or hemisphere in ("S", "W")
    return repr(round(-value if negative else value, 7))


def parse_coordinates(values: pd.Series) -> pd.Series:
    """Decimal degrees as text: decimal commas and degrees-minutes-seconds converted; other cells as they are."""
    present = values != ""
    from rkmap.core.columns import numbers

    numeric = numbers(values.where(present, "")).notna()
    odd = present & ~numeric
    if not odd.any():
        return values
    out = values.astype(object).copy()
    comma = odd & values.str.match(_DECIMAL_COMMA).fillna(False).astype(bool)
    out[comma] = values[comma].str.replace(",", ".", regex=False).astype(object)
    rest = odd & ~comma
    if rest.any():
        converted = values[rest].astype(object).map(_dms_one)
        out[rest] = converted.where(converted != "", values[rest].astype(object))
    return text(pd.Series(out, index=values.index))
