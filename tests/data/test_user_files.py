"""Analysts' real files: presets, the per-file day/month order, geometry and coordinates, defaults, summaries.

Fixtures in tests/fixtures/user_files/ are written from the published formats
(ACLED and UCDP GED codebooks, GDELT 2.0 event codebook, TimeMap's event
schema, KML 2.2 with Google's gx extensions, GeoJSON with the 2008 ``crs``
member), with awkward corners of each.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from rkmap.core.dates import CONTEXT_FIRST
from rkmap.data.user_data import LoadOptions, load_user_file, with_user_data
from rkmap.render.view import date_span

FIXTURES = Path(__file__).parents[1] / "fixtures" / "user_files"


def load(name: str, options: LoadOptions | None = None, content: bytes | None = None):
    return load_user_file(name, content if content is not None else (FIXTURES / name).read_bytes(), {"vostochny", "rajin"}, options)


def events(data) -> pd.DataFrame:
    return data.events.set_index("id")


def place_of(data, event_id: str) -> pd.Series:
    return data.places.set_index("id").loc[events(data).loc[event_id, "place_id"]]


# --- dates: one order per file, never row by row ------------------------------------------


def test_timemap_month_first_trap_reads_every_row_month_first() -> None:
    data = load("timemap.json")
    assert data.preset == "timemap" and data.day_order == "monthfirst"
    rows = events(data)
    assert rows.loc["TM-01", "date"] == "2022-12-02"  # 12/02/2022 is 2 December in a month-first file, not 12 February
    assert rows.loc["TM-02", "date"] == "2022-02-24"
    bad = next(g for g in data.left_out if "is not a date read month-first" in g.reason)
    assert "'13/31/2022" in bad.examples[0][1]  # the cell as written, not a reordered ISO text
    assert "2022-31-13" not in " ".join(p.message for p in data.problems)
    assert rows.loc["TM-02", "source_title"] == "Video posted to Telegram; Satellite image"  # source ids named by the export's sources


def test_a_file_with_only_ambiguous_dates_asks_for_the_order() -> None:
    csv = b"date,title,lat,lon,source\n03/04/2022,A,42.2,130.3,S\n05/05/2022,B,42.2,130.3,S\n"
    data = load("ambiguous.csv", content=csv)
    assert data.needs_day_order and data.rows_loaded == 1  # 05/05 reads the same either way
    message = next(p.message for p in data.problems if p.row == 2)
    assert "'03/04/2022'" in message and "day-first or month-first" in message
    assert events(load("ambiguous.csv", LoadOptions(day_order="dayfirst"), csv))["date"].tolist() == ["2022-04-03", "2022-05-05"]
    assert events(load("ambiguous.csv", LoadOptions(day_order="monthfirst"), csv))["date"].tolist() == ["2022-03-04", "2022-05-05"]


def test_a_file_with_both_orders_is_not_guessed_row_by_row() -> None:
    csv = b"date,title,lat,lon,source\n13/02/2022,A,42.2,130.3,S\n02/24/2022,B,42.2,130.3,S\n"
    data = load("mixed.csv", content=csv)
    assert data.rows_loaded == 0 and data.needs_day_order
    assert any("'13/02/2022'" in p.message and "'02/24/2022'" in p.message for p in data.problems)
    chosen = load("mixed.csv", LoadOptions(day_order="dayfirst"), csv)
    assert events(chosen)["date"].tolist() == ["2022-02-13"]
    assert any("'02/24/2022' is not a date read day-first" in p.message for p in chosen.problems)


@pytest.mark.parametrize(
    ("cell", "iso"),
    [("20230913", "2023-09-13"), ("1694563200", "2023-09-13"), ("1694563200000", "2023-09-13"), ("2023-09-13T10:00:00+09:00", "2023-09-13"),
     ("2023-09-13 00:00:00", "2023-09-13"), ("13 September 2023", "2023-09-13"), ("September 13, 2023", "2023-09-13"), ("13-Sep-2023", "2023-09-13"),
     ("Sep 2023", "2023-09"), ("2023/9/13", "2023-09-13")],
)  # fmt: skip
def test_date_forms_of_real_formats(cell: str, iso: str) -> None:
    data = load("forms.csv", content=f"date,title,lat,lon,source\n\"{cell}\",A,42.2,130.3,S\n".encode())
    assert data.problems == () and data.events.iloc[0]["date"] == iso


# --- presets ------------------------------------------------------------------------------


def test_acled_export() -> None:
    data = load("acled.csv")
    assert data.preset == "acled" and data.day_order == "dayfirst" and (data.rows_read, data.rows_loaded) == (5, 3)
    rows = events(data)
    kharkiv = rows.loc["UKR1001"]
    assert kharkiv["date"] == "2022-02-24"  # event_date, not the upload timestamp
    assert kharkiv["title_en"] == "Explosions/Remote violence — Shelling/artillery/missile attack — Kharkiv"
    assert kharkiv["summary_en"].startswith("On 24 February 2022") and kharkiv["source_title"] == "Ukrainska Pravda; Kyiv Independent"
    week = rows.loc["UKR1002"]  # time_precision 2: the week around the coded day
    assert (week["date"], week["date_end"]) == ("2022-02-09", "2022-02-15")
    month = rows.loc["UKR1003"]  # time_precision 3: the month
    assert month["date"] == "2022-03" and month["date_precision"] == "month"
    assert place_of(data, "UKR1001")["location_precision"] == "city"  # geo_precision 1: the town
    assert place_of(data, "UKR1003")["location_precision"] == "region"  # geo_precision 3
    assert any("'31/04/2022' is not a day of the calendar" in p.message and p.field == "event_date" for p in data.problems)
    assert any(p.field == "latitude" and p.row == 6 for p in data.problems)  # named by the file's own column


def test_acled_api_iso_dates() -> None:
    data = load("acled_api.csv")
    assert data.preset == "acled" and data.rows_loaded == 2
    assert events(data).loc["PRK0002", "date"] == "2023-10"  # time_precision 3


def test_ucdp_ged() -> None:
    data = load("ucdp_ged.csv")
    assert data.preset == "ucdp" and (data.rows_read, data.rows_loaded) == (4, 3)
    rows = events(data)
    assert rows.loc["487002", ["date", "date_end"]].tolist() == ["2022-03-05", "2022-03-12"]
    assert rows.loc["487001", "title_en"] == "Government of Russia (Soviet Union) - Government of Ukraine"
    assert rows.loc["487001", "source_title"] == "Reuters: Shelling in Kharkiv"
    assert [place_of(data, i)["location_precision"] for i in ("487001", "487002", "487003")] == ["site", "region", "country"]
    assert any(p.row == 5 and p.field == "date_end" for p in data.problems)


@pytest.mark.parametrize(("name", "read"), [("20230913.export.CSV", 4), ("gdelt1.csv", 2), ("gdelt_header.tsv", 2)])
def test_gdelt_events_with_and_without_a_header(name: str, read: int) -> None:
    data = load(name)
    assert data.preset == "gdelt" and data.rows_read == read and data.rows_loaded == 2
    first = events(data).loc["1039849001"]
    assert first["date"] == "2023-09-13" and first["source_url"] == "https://example.org/news/summit"
    assert first["title_en"] == "Consultation: RUSSIA – NORTH KOREA"
    assert place_of(data, "1039849002")["location_precision"] == "country"  # ActionGeo_Type 1
    if read == 4:
        assert any("'20231399'" in p.message and p.field == "SQLDATE" for p in data.problems)


def test_kepler_ods_japanese_russian_and_text_files() -> None:
    kepler = load("kepler_trips.csv")
    assert kepler.rows_loaded == 3 and events(kepler).loc["row-2", "date"] == "2023-09-13"
    assert place_of(kepler, "row-2")[["lat", "lon"]].tolist() == [43.1155, 131.8855]  # pickup_lat / pickup_lng
    assert events(kepler).loc["row-2", "title_en"].endswith("(title generated)")
    ods = load("ods_export.csv", LoadOptions(source="ods_export"))
    assert ods.rows_loaded == 2 and place_of(ods, "row-2")[["lat", "lon"]].tolist() == [42.4314, 130.6436]  # decimal commas
    assert set(ods.sources["title"]) == {"ods_export"}
    point = load("ods_geopoint.csv")
    assert point.rows_loaded == 2 and place_of(point, "row-2")[["lat", "lon"]].tolist() == [42.4314, 130.6436]
    japanese = load("japanese.csv")
    assert japanese.rows_loaded == 2 and events(japanese).loc["row-2", "title_en"] == "ボストーチヌイ宇宙基地"
    russian = load("russian.csv")
    assert russian.day_order == "dayfirst" and events(russian)["date"].tolist() == ["2023-09-13", "2023-10-02"]
    assert any("geo_lat" in n for n in russian.notes)
    for name in ("field_notes.txt", "field_notes.tsv"):
        notes = load(name)
        assert (notes.rows_read, notes.rows_loaded) == (4, 3)
        khasan = place_of(notes, "row-2")
        assert abs(khasan["lat"] - (42 + 25 / 60 + 53 / 3600)) < 1e-6 and abs(khasan["lon"] - (130 + 38 / 60 + 37 / 3600)) < 1e-6  # DMS
        assert abs(place_of(notes, "row-3")["lat"] - (42 + 14.7 / 60)) < 1e-6  # degrees and decimal minutes
        assert any(p.row == 5 and p.field == "latitude" for p in notes.problems)


def test_kml_and_kmz_from_google_earth_and_my_maps() -> None:
    kml = (FIXTURES / "mymaps.kml").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.kml", kml)
        archive.writestr("files/icon.png", b"\x89PNG")
    for data in (load("mymaps.kml"), load("mymaps.kmz", content=buffer.getvalue())):
        assert (data.rows_read, data.rows_loaded, len(data.events), len(data.routes)) == (7, 6, 3, 4)  # the MultiTrack row is one row, two lines
        rows = events(data).set_index("title_en")
        rajin = rows.loc["Containers at Rajin"]
        assert rajin["date"] == "2023-10" and rajin["kind"] == "transfer"  # <when>2023-10</when> stays a month
        assert "Folder: Ports" in rajin["summary_en"] and "Seen on imagery" in rajin["summary_en"]
        assert "Folder: Ports / Russia" in rows.loc["Vostochny Port", "summary_en"]
        assert rows.loc["Vostochny Port", ["date", "date_end"]].tolist() == ["2023-09-01", "2023-09-30"]
        assert rows.loc["Zone", "date"] == "2023"
        assert data.places.set_index("id").loc[rows.loc["Zone", "place_id"], "location_precision"] == "region"  # a polygon: an area
        routes = data.routes.set_index("title_en")
        track = routes.loc["Ship track"]
        assert (track["date"], track["date_end"], len(track["line"].coords)) == ("2023-09-20", "2023-09-22", 3)  # gx:Track
        assert len(routes.loc[["Two legs"]]) == 2  # gx:MultiTrack: one line per track
        assert routes.loc["Rail line (context)", "date"] == CONTEXT_FIRST.isoformat()  # undated: context at every date
        assert any(p.row == 7 and p.field == "geometry" for p in data.problems)


def test_kml_entities_and_zip_without_kml_are_refused() -> None:
    bomb = load("x.kml", content=b'<?xml version="1.0"?><!DOCTYPE k [<!ENTITY a "aaaa">]><kml>&a;</kml>')
    assert bomb.loaded_nothing and "entities" in bomb.problems[0].message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no kml")
    assert "without a .kml" in load("x.kmz", content=buffer.getvalue()).problems[0].message


def test_geojson_crs_member_is_reprojected() -> None:
    data = load("web_mercator.geojson")
    assert data.rows_loaded == 2 and data.problems == ()
    vladivostok = place_of(data, "row-1")
    assert abs(vladivostok["lon"] - 131.8855) < 1e-5 and abs(vladivostok["lat"] - 43.1155) < 1e-5
    unknown = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}, "features": []}
    assert "not known" in load("u.geojson", content=json.dumps(unknown).encode()).problems[0].message


def test_geometry_wins_and_areas_and_multilines() -> None:
    data = load("natural_earth_places.geojson")
    places = data.places.set_index("name_en")
    assert places.loc["Pyongyang", ["lat", "lon"]].tolist() == [39.0217, 125.7527]  # not the latitude/longitude attributes
    assert places.loc["Rason", "location_precision"] == "region" and places.loc["Rason", "radius_km"] > 1
    assert len(data.routes) == 2  # a MultiLineString: its lines
    assert any("differ" in n for n in data.notes)


def test_geoparquet_polygons_in_another_crs(tmp_path: Path) -> None:
    frame = geopandas.GeoDataFrame(
        {"name": ["Zone A", "Point B"], "date": ["2023-09", "2023-10-02"], "source": ["S", "S"]},
        geometry=[Polygon([(130, 42), (131, 42), (131, 43), (130, 43)]), Point(130.295, 42.245)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3857")
    path = tmp_path / "zones.parquet"
    frame.to_parquet(path)
    data = load("zones.parquet", content=path.read_bytes())
    assert data.rows_loaded == 2
    b = place_of(data, "row-2")
    assert abs(b["lon"] - 130.295) < 1e-6 and abs(b["lat"] - 42.245) < 1e-6
    assert place_of(data, "row-1")["location_precision"] == "region"


# --- file-level defaults, ids, messages -----------------------------------------------------


def test_default_source_generated_titles_and_ids_as_given(dataset) -> None:
    csv = b"ID,date,lat,lon\nShip-A,2023-09-13,42.2,130.3\nship-a,2023-09-14,42.2,130.3\n"
    refused = load("mine.csv", content=csv)
    assert refused.rows_loaded == 0 and any("source" in g.reason for g in refused.left_out)
    data = load("mine.csv", LoadOptions(source="My notebook"), csv)
    assert sorted(data.events["id"]) == ["Ship-A", "ship-a"]  # any case, kept as given
    assert set(data.sources["title"]) == {"My notebook"}
    assert data.events.iloc[0]["title_en"] == "Event at 42.2, 130.3 (title generated)"
    merged = with_user_data(dataset, [data])
    assert {"user1:Ship-A", "user1:ship-a"} <= set(merged.events["id"])  # namespaced: never a shipped id


def test_left_out_rows_are_grouped_by_reason_with_counts_and_examples() -> None:
    rows = "".join(f"2023-02-{30 + i % 2},Bad {i},42.2,130.3,S\n" for i in range(30))
    data = load("many.csv", content=("date,title,lat,lon,source\n2023-09-13,Good,42.2,130.3,S\n" + rows).encode())
    group = next(g for g in data.left_out if g.field == "date")
    assert group.count == 30 and len(group.examples) == 3
    assert group.examples[0][1].startswith("'2023-02-30'")


def test_mapping_can_be_changed() -> None:
    csv = b"when_seen,label,y_coord,x_coord,ref\n2023-09-13,Ship,42.2,130.3,Notes\n"
    data = load("odd.csv", content=csv)
    assert data.loaded_nothing
    mapping = {"date": ("when_seen",), "title_en": ("label",), "lat": ("y_coord",), "lon": ("x_coord",), "source": ("ref",)}
    data = load("odd.csv", LoadOptions(mapping=mapping), csv)
    assert data.rows_loaded == 1 and dict(data.mapping)["lat"] == ("y_coord",)


def test_undated_lines_do_not_stretch_the_slider(dataset) -> None:
    merged = with_user_data(dataset, [load("natural_earth_places.geojson")])
    first, _ = date_span(merged)
    assert first >= date(1990, 1, 1)


def test_image_exports_list_the_sources_of_the_analysts_events(dataset) -> None:
    from rkmap.render.image import export_contents, fit_frame
    from rkmap.render.view import MapView

    csv = b"date,title,lat,lon,source\n2023-09-13,Mine,42.3,130.4,My imagery report\n"
    merged = with_user_data(dataset, [load("mine.csv", content=csv)])
    frame, _ = fit_frame("route", 2.0)
    contents = export_contents(merged, MapView(as_of=date(2023, 10, 13), region="route"), frame)
    assert any("My imagery report" in line.text("en") for line in contents.sources)


def test_imprecise_locations_are_drawn_as_areas_not_sites(dataset) -> None:
    from rkmap.render.deck import build_deck
    from rkmap.render.view import MapView

    merged = with_user_data(dataset, [load("ucdp_ged.csv")])
    deck = json.loads(build_deck(merged, MapView(as_of=date(2022, 3, 31), region="route")).to_json())
    # Hatched outlines in the analyst's colour, as the shipped areas (Ukraine has no shipped outline: circles of the rows' radius).
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert layers["user-event-areas"]["@@type"] == "SvgPathLayer" and layers["user-event-area-hatch"]["data"]
    events = merged.events.set_index("id")
    radii = {}
    for record in layers["user-event-areas"]["data"]:
        lon, lat = (float(events.at[record["id"], c]) for c in ("lon", "lat"))
        path = np.radians(np.asarray(record["path"], dtype=float))
        lon0, lat0 = np.radians(lon), np.radians(lat)
        cos = np.sin(lat0) * np.sin(path[:, 1]) + np.cos(lat0) * np.cos(path[:, 1]) * np.cos(path[:, 0] - lon0)
        radii[record["id"]] = float(np.median(np.degrees(np.arccos(np.clip(cos, -1, 1))) * 111.195))
    # where_prec 4 (first-order division) and 6 (the country); where_prec 1 is a site, drawn without an area
    assert sorted(round(r, -1) for r in radii.values()) == [50.0, 250.0], radii


def test_undated_lines_say_so_in_tooltips(dataset) -> None:
    from rkmap.core.text import row_span

    merged = with_user_data(dataset, [load("natural_earth_places.geojson")])
    leg = merged.route_legs[merged.route_legs["origin"] == "user"].iloc[0]
    assert row_span(leg) == "undated (shown at every date)"


def test_date_forms_mixed_in_one_file_each_read_in_its_row() -> None:
    cells = ["2023-09-13", "24 Feb 2022", "", "13/02/2022", "20230101", "Sep 2023", "1694563200", "2023-10"]
    rows = "".join(f'"{c}",Row {i},42.2,130.3,S\n' for i, c in enumerate(cells))
    data = load("mixed_forms.csv", content=("date,title,lat,lon,source\n" + rows).encode())
    dates = events(data).set_index("title_en")["date"].to_dict()
    assert dates == {"Row 0": "2023-09-13", "Row 1": "2022-02-24", "Row 3": "2022-02-13", "Row 4": "2023-01-01", "Row 5": "2023-09", "Row 6": "2023-09-13", "Row 7": "2023-10"}
    assert [p.row for p in data.problems] == [4]  # the empty date


def test_merging_by_date_keeps_the_order_a_stable_sort_gives() -> None:
    import numpy as np

    from rkmap.data.user_data import _merged_by_date

    rng = np.random.default_rng(3)
    shipped = pd.DataFrame({"t_start": np.sort(rng.integers(0, 50, 23)), "who": "shipped"})
    user = pd.DataFrame({"t_start": np.sort(rng.integers(0, 50, 500)), "who": "user"})
    both = pd.concat([shipped, user], ignore_index=True)
    expected = both.iloc[np.argsort(both["t_start"].to_numpy(), kind="stable")].reset_index(drop=True)
    pd.testing.assert_frame_equal(_merged_by_date(shipped, user), expected)
