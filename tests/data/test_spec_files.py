"""Analysts' real files, written afresh from each format's published description (issue #27).

The fixtures in tests/fixtures/user_files_spec/ were written by hand from the
specifications (README.md there names the section each follows), not from the
loader's other fixtures. Each test pins the rows loaded and exact values — dates
with their precision, coordinates in lon/lat order, titles, sources — so a
wrong date or place fails it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rkmap.data.user_data import LoadOptions, UserData, load_user_file, summary_lines

FIXTURES = Path(__file__).parents[1] / "fixtures" / "user_files_spec"


def load(name: str, options: LoadOptions | None = None, content: bytes | None = None) -> UserData:
    return load_user_file(name, content if content is not None else (FIXTURES / name).read_bytes(), (), options)


def events(data: UserData) -> pd.DataFrame:
    return data.events.set_index("id")


def place_of(data: UserData, event_id: str) -> pd.Series:
    return data.places.set_index("id").loc[events(data).loc[event_id, "place_id"]]


def lonlat(data: UserData, event_id: str) -> tuple[float, float]:
    place = place_of(data, event_id)
    return round(float(place["lon"]), 4), round(float(place["lat"]), 4)


def when(data: UserData, event_id: str) -> tuple[str, str, str]:
    row = events(data).loc[event_id]
    return row["date"], row["date_end"], row["date_precision"]


def routes(data: UserData) -> pd.DataFrame:
    return data.routes.set_index("id")


def summary(data: UserData) -> str:
    return "\n".join(summary_lines(data))


# --- ACLED (codebook: event_date, time_precision, geo_precision; timestamp is the upload time) ---------


def test_acled_export_tool_bom_crlf_quoted_notes() -> None:
    data = load("acled_export_tool.csv")
    assert data.preset == "acled" and (data.rows_read, data.rows_loaded) == (4, 4) and data.problems == ()
    assert dict(data.mapping)["date"] == ("event_date",)  # never the upload 'timestamp'
    assert when(data, "RUS501") == ("2024-03-12", "", "day")  # '12 March 2024', time_precision 1
    assert when(data, "RUS502") == ("2024-02-02", "2024-02-08", "range")  # time_precision 2: the week around 5 February
    assert when(data, "RUS503") == ("2024-01", "", "month")  # time_precision 3: the month
    assert when(data, "PRK10") == ("2023-09-01", "", "day")
    khasan = events(data).loc["RUS501"]
    assert khasan["title_en"] == "Strategic developments — Other — Khasan"
    assert 'carry "shells", crossed the Tumen bridge' in khasan["summary_en"] and "Coded from two reports." in khasan["summary_en"]
    assert khasan["source_title"] == "Kommersant; Interfax"
    assert events(data).loc["PRK10", "source_title"] == '38 North, "Rajin Port" imagery'
    assert lonlat(data, "RUS501") == (130.6434, 42.4297)
    assert [place_of(data, i)["location_precision"] for i in ("RUS501", "RUS502", "RUS503")] == ["city", "region", "region"]  # geo_precision 1/2/3
    assert place_of(data, "RUS501")["name_en"] == "Khasan"


def test_acled_resaved_by_us_excel_with_only_ambiguous_dates_asks_for_the_order() -> None:
    # Excel (US locale) re-saves event_date as M/D/YYYY: ACLED's own forms are '12 March 2024' and ISO, so the
    # preset is no evidence of the order; 3/4/2024 was read day-first (3 April) on the strength of the columns.
    data = load("acled_excel_us_ambiguous.csv")
    assert data.preset == "acled" and data.needs_day_order and data.day_order == ""
    assert data.rows_loaded == 1 and when(data, "RUS704") == ("2024-05-05", "", "day")  # 5/5/2024 reads the same either way
    said = {p.row: p.message for p in data.problems if p.field == "event_date"}
    assert set(said) == {2, 3, 4} and "'3/4/2024'" in said[2] and "day-first or month-first" in said[2]
    month_first = load("acled_excel_us_ambiguous.csv", LoadOptions(day_order="monthfirst"))
    assert [when(month_first, i)[0] for i in ("RUS701", "RUS702", "RUS703")] == ["2024-03-04", "2024-04-03", "2024-11-12"]
    day_first = load("acled_excel_us_ambiguous.csv", LoadOptions(day_order="dayfirst"))
    assert [when(day_first, i)[0] for i in ("RUS701", "RUS702", "RUS703")] == ["2024-04-03", "2024-03-04", "2024-12-11"]
    # One date with a day above 12 decides it for the file.
    decided = load("x.csv", content=(FIXTURES / "acled_excel_us_ambiguous.csv").read_bytes().replace(b"5/5/2024", b"5/15/2024"))
    assert decided.day_order == "monthfirst" and not decided.needs_day_order and when(decided, "RUS701")[0] == "2024-03-04"


def test_acled_api_iso_dates_and_midnight_times() -> None:
    data = load("acled_api.csv")
    assert data.preset == "acled" and (data.rows_read, data.rows_loaded) == (3, 3)
    assert when(data, "RUS601") == ("2024-03-04", "", "day")  # not 2024-03-08, the upload timestamp 1709856000
    assert when(data, "RUS602") == ("2024-03-05", "2024-03-11", "range")  # '2024-03-08 00:00:00', time_precision 2
    assert when(data, "RUS603") == ("2024-02-01", "", "day")  # ISO: no day/month question
    assert lonlat(data, "RUS602") == (133.066, 42.743)


# --- UCDP GED (codebook: date_start/date_end with times, date_prec 1–5, where_prec 1–7) --------------


def test_ucdp_ged_periods_precisions_and_sources() -> None:
    data = load("ucdp_ged.csv")
    assert data.preset == "ucdp" and (data.rows_read, data.rows_loaded) == (6, 6)
    assert when(data, "470001") == ("2024-01-02", "", "day")  # date_prec 1
    assert when(data, "470002") == ("2024-02-03", "2024-02-06", "range")  # date_prec 2
    assert when(data, "470003") == ("2024-03-04", "2024-03-10", "range")  # date_prec 3: the week
    assert when(data, "470004") == ("2024-04", "", "month")  # date_prec 4
    assert when(data, "470005") == ("2024", "", "year")  # date_prec 5
    first = events(data).loc["470001"]
    assert first["title_en"] == "Government of Russia - Government of Ukraine"  # dyad_name
    assert first["source_title"] == "BBC Monitoring: Ukraine says North Korean missile hit Kharkiv"
    assert lonlat(data, "470001") == (36.2304, 49.9935)  # latitude/longitude and geom_wkt 'POINT (lon lat)' agree
    precisions = [place_of(data, i)["location_precision"] for i in ("470001", "470002", "470003", "470004", "470005", "470006")]
    assert precisions == ["site", "city", "region", "region", "country", "region"]  # where_prec 1, 2, 3, 4, 6, 7


# --- GDELT 2.0 / 1.0 events (codebook: 61 or 58 tab-separated fields, no header) ------------------


@pytest.mark.parametrize(("name", "empty_row"), [("20230913154500.export.CSV", 3), ("20150218.export.CSV", 3), ("gdelt_comma_header.tsv", 4)])
def test_gdelt_exports(name: str, empty_row: int) -> None:
    data = load(name)
    assert data.preset == "gdelt" and (data.rows_read, data.rows_loaded) == (4, 3)
    assert when(data, "1120000001") == ("2023-09-13", "", "day")  # SQLDATE, not DATEADDED
    assert when(data, "1120000004") == ("2023-09-10", "", "day")
    first = events(data).loc["1120000001"]
    assert first["title_en"] == "Consultation: RUSSIA – NORTH KOREA"
    assert first["source_url"] == "https://example.org/news/2023/09/13/kim-putin-summit?id=1&lang=en"
    assert lonlat(data, "1120000001") == (128.3339, 51.8844)
    assert lonlat(data, "1120000002") == (125.7547, 39.0194)
    assert place_of(data, "1120000002")["name_en"] == "P'yongyang, P'yongyang-si, North Korea"
    assert place_of(data, "1120000004")["location_precision"] == "country"  # ActionGeo_Type 1
    assert "1120000003" not in events(data).index
    assert [(p.row, p.field) for p in data.problems if p.row is not None] == [(empty_row, "ActionGeo_Lat")]  # empty ActionGeo coordinates, said
    assert "1 row left out, `ActionGeo_Lat`: has no coordinates: needs lat and lon" in summary(data)


# --- TimeMap (MM/DD/YYYY dates, string coordinates, source ids) -------------------------------------


def test_timemap_events() -> None:
    data = load("timemap_events.json")
    assert data.preset == "timemap" and data.day_order == "monthfirst" and (data.rows_read, data.rows_loaded) == (4, 2)
    assert when(data, "TM-101") == ("2023-10-05", "", "day")  # 10/05/2023 is 5 October: '10/17/2023' shows the order
    assert when(data, "TM-102") == ("2023-10-17", "", "day")
    assert events(data).loc["TM-101", "source_title"] == "SRC-1; SRC-2"
    assert lonlat(data, "TM-101") == (130.298, 42.245)  # "latitude"/"longitude" written as strings
    assert place_of(data, "TM-101")["name_en"] == "Rajin port"
    reasons = {p.row: p.field for p in data.problems}
    assert reasons == {3: "sources", 4: "latitude"}  # TM-103 has no source, TM-104 no place: named by the file's keys


def test_timemap_whose_every_date_reads_either_way_asks_for_the_order() -> None:
    data = load("timemap_ambiguous_only.json")  # 03/04/2024, 04/03/2024, 11/12/2024: no day above 12
    assert data.preset == "timemap" and data.needs_day_order and data.rows_loaded == 0 and data.day_order == ""
    assert any(p.row == 1 and "'03/04/2024'" in p.message and "day-first or month-first" in p.message for p in data.problems)
    month_first = load("timemap_ambiguous_only.json", LoadOptions(day_order="monthfirst"))
    assert [when(month_first, i)[0] for i in ("TMA-1", "TMA-2", "TMA-3")] == ["2024-03-04", "2024-04-03", "2024-11-12"]
    day_first = load("timemap_ambiguous_only.json", LoadOptions(day_order="dayfirst"))
    assert [when(day_first, i)[0] for i in ("TMA-1", "TMA-2", "TMA-3")] == ["2024-04-03", "2024-03-04", "2024-12-11"]


# --- kepler.gl, OpenDataSoft, Japanese and Russian columns, text suffixes ---------------------------


def test_kepler_trips_iso_timestamps() -> None:
    data = load("kepler_trips.csv")
    assert (data.rows_read, data.rows_loaded) == (3, 3) and dict(data.mapping)["date"] == ("tpep_pickup_datetime",)
    assert when(data, "row-2") == ("2023-10-05", "", "day")
    assert when(data, "row-3") == ("2023-10-06", "", "day")  # 23:30Z: the date as written, in UTC
    assert when(data, "row-4") == ("2023-10-07", "", "day")  # +09:00: the local date as written
    assert lonlat(data, "row-2") == (130.6, 42.4217)  # pickup_longitude / pickup_latitude, not the dropoff


def test_kepler_lat_lng_pairs_without_a_date_column_are_places() -> None:
    data = load("kepler_points.csv")
    assert (data.rows_read, data.rows_loaded) == (2, 2) and len(data.events) == 0
    assert dict(data.mapping)["lat"] == ("origin_lat",) and dict(data.mapping)["lon"] == ("origin_lng",)
    assert data.places.set_index("id").loc["place-2", ["lon", "lat"]].tolist() == [130.6, 42.4217]
    assert "no date column: loaded as places" in summary(data)


def test_opendatasoft_semicolons_decimal_commas_and_geo_point() -> None:
    wgs84 = load("ods_wgs84.csv")
    assert (wgs84.rows_read, wgs84.rows_loaded) == (2, 2)
    assert lonlat(wgs84, "row-2") == (130.298, 42.245)  # '42,2450' / '130,2980'
    point = load("ods_geopoint_only.csv")
    assert (point.rows_read, point.rows_loaded) == (2, 2)
    assert lonlat(point, "row-2") == (130.298, 42.245)  # geo_point_2d is 'lat, lon'
    assert lonlat(point, "row-3") == (133.066, 42.743)
    assert events(point).loc["row-3", "title_en"] == "Vostochny" and when(point, "row-3") == ("2023-11-04", "", "day")


def test_japanese_columns() -> None:
    data = load("japanese_columns.csv")
    assert (data.rows_read, data.rows_loaded) == (3, 3) and data.problems == ()
    assert when(data, "row-3") == ("2023-10-17", "", "day")  # 2023/10/17
    assert events(data).loc["row-4", "title_en"] == "平壌で首脳会談" and events(data).loc["row-4", "source_title"] == "朝鮮中央通信"
    assert lonlat(data, "row-4") == (125.7381, 39.0194)
    assert when(data, "row-2") == ("2023-10-05", "", "day")  # 2023年10月5日


def test_japanese_korean_and_dotted_dates_are_year_first() -> None:
    data = load("year_first_dates.csv")
    assert (data.rows_read, data.rows_loaded) == (10, 6)
    assert when(data, "row-2") == ("2023-10-05", "", "day")  # 2023年10月5日
    assert when(data, "row-3") == ("2023-10", "", "month")  # ２０２３年１０月 (full-width digits)
    assert when(data, "row-4") == ("2023", "", "year")  # '2023 年'
    assert when(data, "row-5") == ("2024-03-12", "", "day")  # 2024년 3월 12일
    assert when(data, "row-6") == ("2023-10-05", "", "day")  # 2023. 10. 5. (Korean)
    assert when(data, "row-7") == ("2023-10-17", "", "day")  # 2023.10.17
    assert data.day_order == ""  # no day/month question in any of them
    # Refused, quoted as written: an era year, a weekday after the date, no such day, and '2023.10' (a month or a number).
    said = {p.row: p.message for p in data.problems if p.field == "日付"}
    assert set(said) == {8, 9, 10, 11}
    assert "'令和5年10月5日' is not a date" in said[8] and "'2023年10月5日（木）' is not a date" in said[9]
    assert "'2023年2月30日' is not a day of the calendar" in said[10] and "'2023.10' is not a date" in said[11]


def test_russian_columns_and_a_windows_1251_file() -> None:
    data = load("russian_columns.csv")
    assert (data.rows_read, data.rows_loaded) == (2, 2) and data.day_order == "dayfirst"
    assert when(data, "row-2") == ("2023-10-05", "", "day")  # 05.10.2023: 5 October, decided by 17.10.2023
    assert events(data).loc["row-2", "summary_en"] == 'Состав из 40 вагонов, по данным "Коммерсанта"'
    assert events(data).loc["row-3", "source_title"] == "ТАСС" and lonlat(data, "row-3") == (133.066, 42.743)
    cp1251 = load("russian_cp1251.csv")  # Excel's Russian default: read as Windows-1251, and said so
    assert (cp1251.rows_loaded, cp1251.encoding) == (2, "cp1251") and "read as Windows-1251" in summary(cp1251)
    assert events(cp1251).loc["row-2", "summary_en"] == 'Состав из 40 вагонов, по данным "Коммерсанта"' and cp1251.day_order == "dayfirst"


def test_japanese_excel_shift_jis_and_unicode_text() -> None:
    sjis = load("japanese_excel_sjis.csv")  # 'CSV (コンマ区切り)': code page 932, no BOM
    assert (sjis.rows_read, sjis.rows_loaded, sjis.encoding) == (2, 2, "cp932") and "read as Shift_JIS" in summary(sjis)
    assert events(sjis).loc["row-2", "title_en"] == "羅津港でコンテナ確認" and events(sjis).loc["row-2", "summary_en"] == "衛星画像で確認（①号埠頭）"
    assert when(sjis, "row-2") == ("2023-10-05", "", "day") and lonlat(sjis, "row-3") == (133.066, 42.743)
    unicode_text = load("japanese_excel_unicode.txt")  # 'Unicode テキスト': UTF-16 LE with a BOM, tab-separated
    assert (unicode_text.rows_loaded, unicode_text.encoding) == (2, "utf-16") and events(unicode_text).loc["row-3", "title_en"] == "ボストーチヌイ港に貨物船"


def test_a_legacy_encoding_that_is_not_clearly_one_is_still_refused() -> None:
    # Western Excel's Windows-1252 decodes as 1251 too ('Cafй'): neither Japanese nor Russian text, so not guessed.
    data = load("western_excel_cp1252.csv")
    assert data.rows_loaded == 0 and "is not UTF-8 text" in data.problems[0].message and "CSV UTF-8" in data.problems[0].message


@pytest.mark.parametrize("name", ["field_notes_dms.tsv", "field_notes_dms.txt"])
def test_text_files_with_dms_and_decimal_commas(name: str) -> None:
    data = load(name)
    assert (data.rows_read, data.rows_loaded) == (3, 3)
    assert lonlat(data, "row-2") == (130.6, 42.4217)  # 42°25'18"N 130°36'0"E
    assert lonlat(data, "row-3") == (130.298, 42.245)  # 42,2450 130,2980
    assert lonlat(data, "row-4") == (125.7381, 39.0194)  # 39°01'10"N 125°44'17"E


# --- KML 2.2 with Google's gx extensions, KMZ ------------------------------------------------------


def test_google_earth_kml() -> None:
    data = load("google_earth.kml")
    assert (data.rows_read, data.rows_loaded) == (9, 8)
    rows = events(data)
    assert when(data, "row-1") == ("2023", "", "year")  # <when>2023</when>
    assert when(data, "row-2") == ("2023-10", "", "month")  # <when>2023-10</when>
    assert when(data, "row-3") == ("2023-10-05", "", "day")
    assert when(data, "row-4") == ("2023-10-05", "", "day")  # 2023-10-05T23:30:00Z
    assert when(data, "row-5") == ("2023-09-01", "2023-11-30", "range")  # TimeSpan
    assert rows.loc["row-1", "source_title"] == "38 North"  # ExtendedData/Data
    assert rows.loc["row-2", "source_title"] == "NK Pro" and rows.loc["row-2", "source_url"] == "https://example.org/nkpro"  # SchemaData
    assert rows.loc["row-2", "summary_en"].startswith("Coal & containers, <unverified>")
    assert "Folder: Ports / Rajin" in rows.loc["row-1", "summary_en"]  # nested folders kept
    # The CDATA description is HTML: read as the text Google Earth shows, the link with its URL.
    assert rows.loc["row-1", "summary_en"] == "Pier extension seen on imagery, 2023.\nlink (https://example.org/rajin)\nFolder: Ports / Rajin"
    assert lonlat(data, "row-1") == (130.298, 42.245)
    assert lonlat(data, "row-2") == (130.301, 42.242)  # coordinates on their own indented line
    yard = place_of(data, "row-5")  # a Polygon with a hole: a point inside the ring, outside the hole
    assert yard["location_precision"] == "region" and not (130.305 < yard["lon"] < 130.315 and 42.245 < yard["lat"] < 42.255)
    assert 130.30 <= yard["lon"] <= 130.32 and 42.24 <= yard["lat"] <= 42.26
    assert place_of(data, "row-6")["location_precision"] == "region"  # MultiGeometry of two points: an area
    lines = routes(data)
    assert lines.loc["route-7", ["date", "date_end"]].tolist() == ["2023-10-03", "2023-10-05"]  # gx:Track whens
    assert list(lines.loc["route-7", "line"].coords)[-1] == (133.066, 42.743)  # gx:coord is 'lon lat alt'
    assert {"line-8-1", "line-8-2"} <= set(lines.index)  # gx:MultiTrack: one line per track
    problem = next(p for p in data.problems if p.row == 9)  # the undated line names no source
    assert problem.field == "source" and "source" in problem.message


def test_my_maps_kml_folders_cdata_and_undated_line() -> None:
    data = load("mymaps_export.kml")
    assert (data.rows_read, data.rows_loaded) == (3, 3) and data.problems == ()
    assert when(data, "row-1") == ("2023-10-05", "", "day")  # ExtendedData 'date'
    assert events(data).loc["row-1", "title_en"] == "Tumangang railhead" and lonlat(data, "row-1") == (130.6, 42.4217)
    assert events(data).loc["row-1", "summary_en"] == "date: 2023-10-05\nsource: Field log\nFlatcars with covered loads\nFolder: Sightings sheet"  # not '<br>'
    line = routes(data).loc["route-3"]
    assert line["title_en"] == "Rail corridor" and list(line["line"].coords)[0] == (130.6, 42.4217)
    assert "1 lines without a date: shown at every date" in summary(data)


@pytest.mark.parametrize("name", ["prefixed_namespace.kml", "google_earth_kml21.kml", "no_namespace.kml", "google_earth.kmz"])
def test_kml_namespaces_and_kmz(name: str) -> None:
    data = load(name)
    assert data.rows_loaded == data.rows_read and data.problems == ()
    first = events(data).iloc[0]
    assert first["date"] == "2023-10-05" and first["date_precision"] == "day"
    assert (round(float(place_of(data, first.name)["lon"]), 4), round(float(place_of(data, first.name)["lat"]), 4)) in {(130.298, 42.245), (133.066, 42.743)}
    if name == "prefixed_namespace.kml":
        assert routes(data).loc["route-2", ["date", "date_end"]].tolist() == ["2023-10-03", "2023-10-05"]  # ext:Track
    if name == "google_earth.kmz":  # doc.kml found after the image entry
        assert events(data).loc["row-1", ["title_en", "summary_en"]].tolist() == ["Vostochny berth", "berth 3"]  # the <img> tag dropped


# --- GeoJSON (RFC 7946; the 2008 crs member) --------------------------------------------------------


def test_rfc7946_feature_collection() -> None:
    data = load("rfc7946_collection.geojson")
    assert (data.rows_read, data.rows_loaded) == (5, 4)
    assert when(data, "gj-1") == ("2023-10-05", "", "day") and lonlat(data, "gj-1") == (130.298, 42.245)  # altitude dropped
    assert events(data).loc["gj-1", "source_url"] == "https://example.org/38n"
    assert when(data, "2") == ("2023-11", "", "month")  # a numeric Feature id kept as text
    assert place_of(data, "2")["location_precision"] == "region"  # Polygon: an area
    assert when(data, "row-3") == ("2024", "", "year") and place_of(data, "row-3")["location_precision"] == "region"  # MultiPolygon
    lines = routes(data)
    assert {"line-4-1", "line-4-2"} <= set(lines.index) and lines.loc["line-4-1", "title_en"] == "Khasan–Vladivostok rail"
    assert list(lines.loc["line-4-2", "line"].coords)[-1] == (131.88, 43.11)
    assert [(p.row, p.field) for p in data.problems if p.row is not None] == [(5, "geometry")]  # null geometry: left out, said
    assert "1 row left out, `geometry`: has no coordinates" in summary(data)


def test_single_feature() -> None:
    data = load("single_feature.geojson")
    assert data.rows_loaded == 1 and when(data, "row-1") == ("2024-06-19", "", "day") and lonlat(data, "row-1") == (125.7381, 39.0194)


@pytest.mark.parametrize("name", ["crs_epsg3857.geojson", "crs_epsg_short.geojson", "crs_urn_4326.geojson", "crs_ogc_crs84.geojson"])
def test_crs_member(name: str) -> None:
    data = load(name)
    assert data.rows_loaded == 1 and when(data, "row-1") == ("2023-10-05", "", "day")
    lon, lat = lonlat(data, "row-1")
    assert abs(lon - 130.298) < 0.005 and abs(lat - 42.245) < 0.005


def test_urn_4326_written_lat_lon_is_refused_not_placed_elsewhere() -> None:
    data = load("crs_urn_4326_latlon.geojson")
    assert data.rows_loaded == 0
    assert any(p.row == 1 and p.field == "geometry" and "39.0194" in p.message for p in data.problems)


# --- GeoParquet (geopandas to_parquet) --------------------------------------------------------------


@pytest.mark.parametrize("name", ["points_4326.parquet", "points_date32.parquet", "points_3857.parquet", "points_utm52n.parquet", "points_utc_timestamps.parquet", "points_geoarrow.parquet"])
def test_geoparquet_points(name: str) -> None:
    data = load(name)
    assert (data.rows_read, data.rows_loaded) == (3, 3)
    assert when(data, "row-1") == ("2023-10-05", "", "day")
    assert when(data, "row-2") == ("2023-10-17", "", "day")
    assert events(data).loc["row-2", "title_en"] == "Vostochny berth" and events(data).loc["row-2", "source_title"] == "Reuters"
    assert lonlat(data, "row-1") == (130.298, 42.245) and lonlat(data, "row-3") == (130.6434, 42.4297)


def test_geoparquet_polygon() -> None:
    data = load("polygons_4326.parquet")
    assert data.rows_loaded == 1 and when(data, "row-1") == ("2023-11", "", "month")
    assert place_of(data, "row-1")["location_precision"] == "region" and lonlat(data, "row-1") == (130.31, 42.25)


# --- end to end: the command line's GeoJSON ---------------------------------------------------------


def test_cli_geojson_writes_lon_lat_and_the_file_dates(tmp_path: Path) -> None:
    from rkmap.cli import run

    out = tmp_path / "out.geojson"
    assert run(["--data", str(FIXTURES / "acled_export_tool.csv"), "--out", str(out), "--date", "2026-01-01"]) == 0
    mine = {f["properties"]["id"]: f for f in json.loads(out.read_text())["features"] if f["properties"].get("origin") == "user"}
    khasan = mine["user1:RUS501"]
    assert khasan["geometry"]["coordinates"] == [130.6434, 42.4297]
    assert (khasan["properties"]["date"], khasan["properties"]["date_precision"]) == ("2024-03-12", "day")
    week = mine["user1:RUS502"]["properties"]
    assert (week["date"], week["date_end"], week["date_precision"]) == ("2024-02-02", "2024-02-08", "range")


# --- fixes found by this review ---------------------------------------------------------------------

_KML = '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{}</Document></kml>'
_PLACEMARK = "<Placemark><name>{}</name><TimeStamp><when>2023-10-05</when></TimeStamp><ExtendedData><Data name='source'><value>hand</value></Data></ExtendedData>{}</Placemark>"


def test_kml_coordinates_written_with_a_space_after_the_comma() -> None:
    """'130.2980, 42.2450' (as typed by hand; Google Earth reads it) is that point, not refused for an empty latitude."""
    point = _PLACEMARK.format("Spaced", "<Point><coordinates>130.2980, 42.2450</coordinates></Point>")
    line = _PLACEMARK.format("Spaced line", "<LineString><coordinates>130.60 , 42.42 ,0\n 130.64, 42.43</coordinates></LineString>")
    bad = _PLACEMARK.format("Semicolon", "<Point><coordinates>130.2980;42.2450</coordinates></Point>")
    data = load("spaced.kml", content=_KML.format(point + line + bad).encode())
    assert (data.rows_read, data.rows_loaded) == (3, 2)
    assert lonlat(data, "row-1") == (130.298, 42.245)
    assert list(routes(data).loc["route-2", "line"].coords) == [(130.6, 42.42), (130.64, 42.43)]
    problem = next(p for p in data.problems if p.row == 3)  # the refusal quotes the tuple as written
    assert problem.field == "geometry" and "'130.2980;42.2450' is not lon,lat" in problem.message


def test_a_file_whose_every_row_is_refused_says_which_rows_and_why() -> None:
    """Not 'has no data rows', nor 'see the rows above' over no rows: the summary (the CLI's output) lists them."""
    bad = _PLACEMARK.format("Semicolon", "<Point><coordinates>130.2980;42.2450</coordinates></Point>")
    kml = load("allbad.kml", content=_KML.format(bad + bad.replace("Semicolon", "Again")).encode())
    assert (kml.rows_read, kml.rows_loaded, kml.rows_left_out) == (2, 0, 2)
    lines = summary(kml)
    assert "2 rows left out, `geometry`: has coordinates that are not lon,lat numbers" in lines and "row 1 ('130.2980;42.2450'), 2 (" in lines
    assert "has no data rows" not in lines
    swapped = summary(load("crs_urn_4326_latlon.geojson"))  # off the globe: the same listing
    assert "1 row left out, `geometry`: has a coordinate (39.0194, 125.738)" in swapped and "— row 1" in swapped
    ragged = summary(load("ragged.csv", content=b"title,date,lat,lon,source\nA,2023-10-05,39,0194,125,7381,S\n"))
    assert "1 row left out, has 7 cells but the header has 5: check the quoting — row 2" in ragged


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [("42 14.7", "130 17.88", (130.298, 42.245)),  # degrees and decimal minutes (GPS, ship positions): not degrees and seconds
     ("42°14.7", "130°17.88", (130.298, 42.245)),
     ("42:14.7", "130:17.88", (130.298, 42.245)),
     ("42 14.7 N", "130 17.88 E", (130.298, 42.245)),
     ("42 14 42", "130 17 53", (130.2981, 42.245)),  # three numbers: degrees, minutes, seconds (unchanged)
     ('42°14\'42"', '130°17\'53"', (130.2981, 42.245)),
     ("42.245N", "130.298E", (130.298, 42.245)),  # a hemisphere letter against the number
     ("N42.245", "E130.298", (130.298, 42.245)),
     ("42.245S", "130.298W", (-130.298, -42.245))],
)  # fmt: skip
def test_coordinates_as_people_write_them(lat: str, lon: str, expected: tuple[float, float]) -> None:
    data = load("coords.tsv", content=f"date\ttitle\tlat\tlon\tsource\n2023-10-05\tA\t{lat}\t{lon}\tS\n".encode())
    assert data.rows_loaded == 1 and lonlat(data, "row-2") == expected


def test_coordinates_that_are_not_numbers_stay_refused_with_the_cell() -> None:
    data = load("coords.tsv", content=b"date\ttitle\tlat\tlon\tsource\n2023-10-05\tA\t4214.7N\t13017.88E\tS\n2023-10-05\tB\t42 75\t130 17\tS\n")
    assert data.rows_loaded == 0
    messages = " ".join(p.message for p in data.problems)
    assert "'4214.7N' is not a number" in messages and "'42 75' is not a number" in messages


def test_saved_data_keeps_an_undated_line_undated() -> None:
    """'Save your data' writes the MultiLineString without a date (not the context span 1000-01-01 – 4000-01-01), and it loads again as context."""
    from rkmap.data.user_data import saved_geojson

    saved = saved_geojson([load("rfc7946_collection.geojson")])
    lines = [f["properties"] for f in json.loads(saved)["features"] if f["properties"]["layer"] == "route"]
    assert len(lines) == 2 and all("date" not in p and "date_end" not in p for p in lines)
    assert "1000-01-01" not in saved.decode() and "4000-01-01" not in saved.decode()
    again = load("saved.geojson", content=saved)
    assert again.rows_loaded == 5 and set(routes(again)["date"]) == {"1000-01-01"}  # context again, shown at every date
    assert when(again, "gj-1") == ("2023-10-05", "", "day")


@pytest.mark.parametrize("time", ["late evening", "9.30", "approx. 14:00", "9:30 AM", "21:15:00", ""])
def test_timemap_free_text_time_does_not_refuse_the_row(time: str) -> None:
    """TimeMap's 'time' is free text in real sheets: the row keeps its date whatever the time says."""
    rows = [{"id": "A", "description": "x", "date": "10/05/2023", "time": time, "location": "Rajin", "latitude": "42.245", "longitude": "130.298", "sources": ["s"]},
            {"id": "B", "description": "y", "date": "10/17/2023", "time": "", "location": "Rajin", "latitude": "42.245", "longitude": "130.298", "sources": ["s"]}]  # fmt: skip
    data = load("tm.json", content=json.dumps(rows).encode())
    assert data.rows_loaded == 2 and when(data, "A") == ("2023-10-05", "", "day")


def test_a_multigeometry_of_a_point_and_a_path_says_the_point_was_not_used() -> None:
    both = _PLACEMARK.format(
        "Point and path", "<MultiGeometry><Point><coordinates>130.298,42.245</coordinates></Point><LineString><coordinates>130.3,42.2 130.6,42.4</coordinates></LineString></MultiGeometry>"
    )
    data = load("mixed.kml", content=_KML.format(both).encode())
    assert data.rows_loaded == 1 and list(routes(data).iloc[0]["line"].coords) == [(130.3, 42.2), (130.6, 42.4)]
    assert "1 rows mix points, lines and areas (a KML MultiGeometry, a GeometryCollection): their lines were used" in summary(data)
