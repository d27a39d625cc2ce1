"""Own data: every format parses, column variants, day-first dates, bad rows named, limits, fuzzing, merging, round trip."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import geopandas
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import CSV
from shapely.geometry import LineString, Point

from rkmap.data import Dataset, user_data
from rkmap.data.user_data import load_user_file, normalise_date, saved_geojson, template_csv, user_parts, with_user_data


@pytest.fixture(scope="module")
def known(dataset: Dataset) -> frozenset[str]:
    return frozenset(dataset.places["id"])


def _where(data: user_data.UserData) -> set[tuple[str, int | None, str | None]]:
    return {(p.file, p.row, p.field) for p in data.problems}




def test_csv_events_at_shipped_places_and_new_coordinates(known) -> None:
    data = load_user_file("mine.csv", CSV.encode(), known)
    assert data.problems == ()
    assert (data.rows_read, data.rows_loaded, data.rows_left_out) == (2, 2, 0)
    events = data.events.set_index("id")
    assert events.loc["summit", "date"] == "2023-09-13"  # day-first to ISO
    assert events.loc["summit", "place_id"] == "vostochny"
    assert events.loc["ship", "date"] == "2023-10"
    place = data.places.set_index("id").loc[events.loc["ship", "place_id"]]
    assert (place["lon"], place["lat"], place["name_en"]) == (130.295, 42.245, "Quay X")
    assert (place["kind"], place["location_precision"], bool(place["from_event"])) == ("city", "site", True)
    assert list(data.sources["title"]) == ["Kremlin readout", "Imagery report"]
    assert list(data.sources["id"]) == ["user-1", "user-2"]
    assert events.loc["summit", "source_quote"] == "They met"
    assert events.loc["ship", "claim_status"] == "reported"  # the default: unconfirmed


@pytest.mark.parametrize(
    "header",
    [
        "Latitude,Longitude,Start_Date,Name,Source",
        "LAT,LNG,date,title_en,source",
        "y,x,start,Title,Source Name",
        "latitude;long;start_date;name;source",
    ],
)
def test_column_variants(header: str, known) -> None:
    sep = ";" if ";" in header else ","
    row = sep.join(["43.1", "131.9", "2019-04-25", "Something", "A source"])
    data = load_user_file("v.csv", f"{header}\n{row}\n".encode(), known)
    assert data.problems == ()
    place = data.places.iloc[0]
    assert (place["lat"], place["lon"]) == (43.1, 131.9)
    assert data.events.iloc[0]["date"] == "2019-04-25"
    assert data.events.iloc[0]["title_en"] == "Something"


@pytest.mark.parametrize(
    ("text", "iso"),
    [("13/09/2023", "2023-09-13"), ("1.2.2020", "1.2.2020"), ("09/2023", "2023-09"), ("2023/9/5", "2023-09-05"), ("2023-09-13T10:00:00Z", "2023-09-13"), ("2023", "2023"), ("2023-09", "2023-09")],
)
def test_day_first_and_iso_dates(text: str, iso: str) -> None:
    assert normalise_date(text) == iso


def test_date_precision_cuts_the_date_or_is_refused(known) -> None:
    csv = "date,date_precision,title,place_id,source\n13/09/2023,month,A,vostochny,s\n2023,day,B,vostochny,s\n2023-09-13,hour,C,vostochny,s\n"
    data = load_user_file("p.csv", csv.encode(), known)
    assert list(data.events["date"]) == ["2023-09"]
    assert list(data.events["date_precision"]) == ["month"]
    assert _where(data) == {("p.csv", 3, "date_precision"), ("p.csv", 4, "date_precision")}


def test_bad_rows_are_left_out_and_named_by_file_row_and_field(known) -> None:
    csv = (
        "id,date,title,kind,claim_status,place_id,lat,lon,source\n"
        "ok,2023-09-13,Fine,visit,,vostochny,,,s\n"
        "bad-date,2023-13-01,Bad month,visit,,vostochny,,,s\n"
        "no-source,2023-09-13,No source,visit,,vostochny,,,\n"
        "bad-kind,2023-09-13,Odd kind,party,,vostochny,,,s\n"
        "bad-place,2023-09-13,Nowhere,visit,,atlantis,,,s\n"
        "bad-lat,2023-09-13,Off the globe,visit,,,95,130,s\n"
        "half,2023-09-13,Only lat,visit,,,42,,s\n"
        "ok,2023-09-14,Duplicate id,visit,,vostochny,,,s\n"
        "Bad Id,2023-09-14,Bad id,visit,,vostochny,,,s\n"
        "claim,2023-09-14,Bad claim,visit,maybe,vostochny,,,s\n"
        "order,2023-09-14,Ends first,visit,,vostochny,,,s\n"
    ).replace("order,2023-09-14,", "order,2023-09-14,")
    data = load_user_file("bad.csv", csv.encode(), known)
    assert data.rows_loaded == 3 and data.rows_left_out == 8  # ok, 'Bad Id' (ids are kept as given) and order
    assert {
        ("bad.csv", 3, "date"),
        ("bad.csv", 4, "source"),
        ("bad.csv", 5, "kind"),
        ("bad.csv", 6, "place_id"),
        ("bad.csv", 7, "lat"),
        ("bad.csv", 8, "lat"),
        ("bad.csv", 9, "id"),
        ("bad.csv", 11, "claim_status"),
    } == _where(data)
    assert all(p.message for p in data.problems)


def test_end_before_start_is_refused(known) -> None:
    csv = "date,date_end,title,place_id,source\n2023-09-14,2023-09-01,Backwards,vostochny,s\n"
    data = load_user_file("o.csv", csv.encode(), known)
    assert data.loaded_nothing and _where(data) == {("o.csv", 2, "date_end")}


def test_row_numbers_are_csv_lines_even_with_blank_and_multiline_rows(known) -> None:
    csv = 'date,title,place_id,source\n\n2023-09-13,"two\nlines",vostochny,s\n2023-99,Bad,vostochny,s\n'
    data = load_user_file("lines.csv", csv.encode(), known)
    assert _where(data) == {("lines.csv", 5, "date")}


def test_geojson_points_lines_and_place_ids(known) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [131.9, 43.1]}, "properties": {"date": "2023-09", "name": "Point event", "source": "S", "kind": "visit"}},
            {"type": "Feature", "geometry": None, "properties": {"date": "2023", "title": "At Rajin", "place_id": "rajin", "source_url": "https://example.org/r"}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[130.3, 42.2], [131.9, 43.1]]}, "properties": {"date": "2023-09-20", "title": "A route", "source": "S", "mode": "sea"}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, "properties": {"date": "2023", "title": "Area", "source": "S"}},
        ],
    }
    data = load_user_file("mine.geojson", json.dumps(collection).encode(), known)
    assert len(data.events) == 3 and len(data.routes) == 1 and data.problems == ()
    area = data.events.set_index("title_en").loc["Area"]
    assert data.places.set_index("id").loc[area["place_id"], "location_precision"] == "region"  # a polygon is an area: placed inside it, not as an exact site
    assert data.routes.iloc[0]["line"].equals(LineString([(130.3, 42.2), (131.9, 43.1)]))
    assert set(data.events["place_id"]) >= {"rajin"}
    assert "https://example.org/r" in set(data.sources["title"])


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>Ship &lt;b&gt;seen&lt;/b&gt;</name><description>From imagery</description>
 <TimeSpan><begin>2023-09</begin><end>2023-10</end></TimeSpan>
 <ExtendedData><Data name="source"><value>Imagery report</value></Data><Data name="kind"><value>transfer</value></Data></ExtendedData>
 <Point><coordinates>130.295,42.245,0</coordinates></Point></Placemark>
<Placemark><name>Rail</name><TimeStamp><when>2023-09-20T00:00:00Z</when></TimeStamp>
 <ExtendedData><SchemaData><SimpleData name="source">Rail watcher</SimpleData></SchemaData></ExtendedData>
 <LineString><coordinates>131.9,43.1 132.0,44.0 133.0,45.0</coordinates></LineString></Placemark>
</Folder></Document></kml>"""


def test_kml_placemarks_with_timespans_and_extended_data(known) -> None:
    data = load_user_file("mine.kml", KML.encode(), known)
    assert data.problems == ()
    event = data.events.iloc[0]
    assert (event["title_en"], event["date"], event["date_end"], event["kind"]) == ("Ship <b>seen</b>", "2023-09", "2023-10", "transfer")
    assert event["summary_en"] == "From imagery"
    route = data.routes.iloc[0]
    assert route["date"] == "2023-09-20" and len(route["line"].coords) == 3
    assert set(data.sources["title"]) == {"Imagery report", "Rail watcher"}


def test_geoparquet_and_plain_parquet(tmp_path: Path, known) -> None:
    frame = geopandas.GeoDataFrame(
        {"date": ["2023-09-13", "2023-10"], "title": ["A", "B"], "source": ["S", "S"], "when": [pd.Timestamp("2023-09-13"), pd.NaT]},
        geometry=[Point(131.9, 43.1), Point(130.3, 42.2)],
        crs="EPSG:4326",
    )
    frame.to_parquet(tmp_path / "g.parquet")
    data = load_user_file("g.parquet", (tmp_path / "g.parquet").read_bytes(), known)
    assert data.problems == () and list(data.events["date"]) == ["2023-09-13", "2023-10"]
    assert sorted(data.places["lon"]) == [130.3, 131.9]
    plain = pd.DataFrame({"latitude": [43.1], "longitude": [131.9], "start_date": ["25.04.2019"], "name": ["Plain"], "url": ["https://example.org/p"]})
    plain.to_parquet(tmp_path / "p.parquet")
    data = load_user_file("p.parquet", (tmp_path / "p.parquet").read_bytes(), known)
    assert data.problems == () and data.events.iloc[0]["date"] == "2019-04-25"


def test_place_rows_and_events_that_name_them(known) -> None:
    csv = "layer,id,date,title,kind,place_id,lat,lon,source\nplace,depot,,Ammunition depot,rail_hub,,45.85,40.12,Gazetteer\nevent,e1,2023-10,Train seen,transfer,depot,,,Report\n"
    data = load_user_file("pl.csv", csv.encode(), known)
    assert data.problems == () and data.rows_loaded == 2
    assert data.places.set_index("id").loc["depot", "kind"] == "rail_hub"
    assert data.events.iloc[0]["place_id"] == "depot"


def test_each_event_keeps_the_row_of_its_place_and_the_merge_joins_by_it(known, dataset: Dataset) -> None:
    """The loader keeps each event's row in its file's places (-1 for a shipped place); merged, every event has its place's columns."""
    csv = (
        "layer,id,date,title,place_id,lat,lon,source\n"
        "place,depot,,Depot,,45.85,40.12,G\n"
        "place,vostochny,,My Vostochny,,44.0,33.0,G\n"  # the file's own place of a shipped id: the file's is meant
        "event,e1,2023-10-02,At the depot,depot,,,R\n"
        "event,e2,2023-10-01,At my Vostochny,vostochny,,,R\n"
        "event,e3,2023-09-01,At Komsomolsk,komsomolsk,,,R\n"
        "event,e4,2023-08-01,Somewhere,,48.5,37.5,R\n"
    )
    data = load_user_file("rows.csv", csv.encode(), known)
    assert data.problems == ()
    events = data.events.set_index("id")
    assert events.loc["e3", "_place"] == -1
    assert [data.places["id"].iloc[events.loc[e, "_place"]] for e in ("e1", "e2", "e4")] == [events.loc[e, "place_id"] for e in ("e1", "e2", "e4")]
    elsewhere = load_user_file("other.csv", csv.replace("45.85,40.12", "46.5,41.5").replace("48.5,37.5", "49.5,38.5").encode(), known)
    merged = with_user_data(dataset, [elsewhere, data])  # the second file's places come after the first's
    places = merged.places
    user = user_parts(merged)[1].events.set_index("id")
    assert "_place" not in user.columns and len(user) == 8
    for event, row in user.iterrows():
        place = places.loc[row["place_id"]]
        assert (row["lon"], row["lat"], row["place_name_en"]) == (place["lon"], place["lat"], place["name_en"]), event
    assert user.loc["user2:e2", "place_name_en"] == "My Vostochny" and user.loc["user1:e3", "place_id"] == "komsomolsk"
    assert (user.loc["user1:e1", "lat"], user.loc["user2:e1", "lat"], user.loc["user1:e4", "lat"], user.loc["user2:e4", "lat"]) == (46.5, 45.85, 49.5, 48.5)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bin.csv", b"\xff\xfe\x00\x01garbage", "not UTF-8"),
        ("empty.csv", b"", "empty"),
        ("header.csv", b"date,title,source\n", "no data rows"),
        ("bad.geojson", b"{not json", "not valid JSON"),
        ("list.geojson", b"[1, 2]", "not a GeoJSON"),
        ("bad.kml", b"<kml><Placemark>", "not valid XML"),
        ("html.kml", b"<html></html>", "not KML"),
        ("bomb.kml", b'<?xml version="1.0"?><!DOCTYPE k [<!ENTITY a "aaaa">]><kml>&a;</kml>', "entities"),
        ("bad.parquet", b"PAR1 not really", "cannot be read as PARQUET"),
        ("notes.docx", b"hello", "unsupported type"),
        ("notes.txt", b"hello", "no data rows"),
    ],
)
def test_unreadable_file_loads_nothing_and_says_why(name: str, content: bytes, reason: str, known) -> None:
    data = load_user_file(name, content, known)
    assert data.loaded_nothing and data.rows_loaded == 0
    assert len(data.problems) == 1 and data.problems[0].row is None
    assert reason in data.problems[0].message and "Nothing loaded" in data.problems[0].message


def test_size_and_row_limits(monkeypatch: pytest.MonkeyPatch, known) -> None:
    monkeypatch.setattr(user_data, "MAX_BYTES", 1024 * 1024)
    monkeypatch.setattr(user_data, "MAX_MB", 1)
    big = b"date,title,place_id,source\n" + b"2023,x,vostochny,s\n" * (user_data.MAX_BYTES // 19 + 1)
    data = load_user_file("big.csv", big, known)
    assert data.loaded_nothing and "limit is 1 MB" in data.problems[0].message
    monkeypatch.setattr(user_data, "MAX_ROWS", 10)
    rows = b"date,title,place_id,source\n" + b"2023,x,vostochny,s\n" * 11
    data = load_user_file("many.csv", rows, known)
    assert data.loaded_nothing and "limit is 10" in data.problems[0].message
    data = load_user_file("ten.csv", b"date,title,place_id,source\n" + b"2023,x,vostochny,s\n" * 10, known)
    assert data.rows_loaded == 10


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_load_or_say_why(content: bytes) -> None:
    data = load_user_file("fuzz.csv", content, frozenset({"vostochny"}))
    assert data.rows_loaded > 0 or data.problems
    assert not any("internal error" in p.message for p in data.problems)


_cells = st.sampled_from(["", "2023", "2023-09", "13/09/2023", "x", "vostochny", "42.1", "-500", "=1+1", "<b>", '"', ",", "\n", "é", "月"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cells, min_size=1, max_size=6), max_size=8), st.permutations(["date", "title", "place_id", "lat", "lon", "source"]))
def test_csv_like_text_loads_or_says_why(rows: list[list[str]], header: list[str]) -> None:
    text = ",".join(header) + "\n" + "\n".join(",".join(row) for row in rows)
    data = load_user_file("fuzz.csv", text.encode(), frozenset({"vostochny"}))
    assert data.rows_loaded + data.rows_left_out == data.rows_read
    assert data.rows_loaded > 0 or data.problems
    assert not any("internal error" in p.message for p in data.problems)


def test_merging_adds_user_rows_and_leaves_the_shipped_data_alone(dataset: Dataset, known) -> None:
    before = {name: getattr(dataset, name).copy() for name in ("events", "places", "sources", "citations", "route_legs")}
    data = load_user_file("mine.csv", CSV.encode(), known)
    merged = with_user_data(dataset, [data])
    assert merged is not dataset
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(dataset, name), frame)
    assert len(merged.events) == len(dataset.events) + 2
    mine = merged.events[merged.events["origin"] == "user"]
    assert set(mine["id"]) == {"user1:summit", "user1:ship"}
    assert set(merged.events.loc[merged.events["origin"] != "user", "origin"]) == {""}
    ship = mine.set_index("id").loc["user1:ship"]
    assert (ship["lon"], ship["lat"], ship["location_precision"]) == (130.295, 42.245, "site")
    assert merged.source_ids_for("event:user1:summit") == ["user1:user-1"]
    assert merged.sources.loc["user1:user-1", "title"] == "Kremlin readout"
    assert merged.citations_for("event:user1:summit")["quote"].iloc[0] == "They met"
    shipped, user = user_parts(merged)
    assert shipped is dataset and len(user.events) == 2
    assert user_parts(dataset) == (dataset, None)
    assert with_user_data(dataset, []) is dataset


def test_two_files_with_the_same_ids_do_not_clash(dataset: Dataset, known) -> None:
    a = load_user_file("a.csv", CSV.encode(), known)
    b = load_user_file("b.csv", CSV.encode(), known)
    merged = with_user_data(dataset, [a, b])
    assert merged.events["id"].is_unique and merged.sources["id"].is_unique and merged.places["id"].is_unique


def test_saved_data_uploads_again_to_the_same_events(dataset: Dataset, known) -> None:
    csv = CSV + "e3,2001,Year-only,report,,,,Plain title,,\n"
    first = load_user_file("mine.csv", csv.encode(), known)
    geo = load_user_file("layer.geojson", KML_AS_GEOJSON.encode(), known)
    again = load_user_file("saved.geojson", saved_geojson([first, geo]), known)
    assert again.problems == ()
    columns = ["title_en", "date", "date_end", "kind", "claim_status", "source_title", "source_url", "source_quote"]
    # A file's events are kept by date (the merge's order); saved, they are written as each file listed them.
    in_file_order = lambda events: events.sort_values("_row", kind="stable")
    for data in (first, geo, again):
        starts = data.events["_start"].to_numpy()
        assert (starts[1:] >= starts[:-1]).all()
    assert list(again.events["title_en"]) != list(in_file_order(again.events)["title_en"])  # the saved file is not in date order
    before = pd.concat([in_file_order(first.events), in_file_order(geo.events)])[columns].reset_index(drop=True)
    after = in_file_order(again.events)[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(before.astype(object), after.astype(object))
    merged_before = with_user_data(dataset, [first, geo])
    merged_after = with_user_data(dataset, [again])
    key = ["title_en", "start", "end", "lon", "lat", "place_id"]
    strip = lambda f: f[f["origin"] == "user"][key].assign(place_id=f["place_id"].str.startswith("user")).sort_values("title_en").reset_index(drop=True)
    pd.testing.assert_frame_equal(strip(merged_before.events), strip(merged_after.events))
    assert len(again.routes) == len(geo.routes) == 1


KML_AS_GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[131.9, 43.1], [133, 45]]}, "properties": {"date": "2023-09-20", "title": "Rail", "source": "Rail watcher"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [131.0, 43.0]}, "properties": {"date": "2023-09-21", "title": "Point", "source": "Watcher", "place_name": "Yard"}},
        ],
    }
)


def test_template_loads_as_its_two_example_rows(known) -> None:
    data = load_user_file("template.csv", template_csv(), known)
    assert data.problems == () and data.rows_loaded == 2
    assert list(data.events["date"]) == ["2023-09-13", "2023-10"]


def test_user_layers_are_drawn_apart_from_the_shipped_layers(dataset: Dataset, known) -> None:
    from rkmap.render.deck import build_deck
    from rkmap.render.view import MapView, visible_items

    merged = with_user_data(dataset, [load_user_file("mine.csv", CSV.encode(), known)])
    view = MapView(as_of=date(2024, 1, 17))
    deck = json.loads(build_deck(merged, view).to_json())
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert {"user-events", "user-events-current", "events", "places"} <= set(layers)
    assert "user-places" not in layers  # a place made for an event given by lat/lon is drawn as the event
    assert {r["id"] for r in layers["user-events"]["data"]} == {"user1:summit", "user1:ship"}
    assert all(r["layer"] == "event" and r["tooltip"].startswith("Your data: ") for r in layers["user-events"]["data"])
    with_place = with_user_data(dataset, [load_user_file("pl.csv", b"layer,id,title,kind,lat,lon,source\nplace,depot,Depot,rail_hub,45.85,40.12,Gazetteer\n", known)])
    layers = {layer["id"]: layer for layer in json.loads(build_deck(with_place, view).to_json())["layers"]}
    assert [r["id"] for r in layers["user-places"]["data"]] == ["user1:depot"]
    assert "place:user1:depot" in set(with_place.citations["item"])
    shipped_deck = json.loads(build_deck(dataset, view).to_json())
    assert not any(layer["id"].startswith("user-") for layer in shipped_deck["layers"])
    items = visible_items(merged, view)
    assert {"user1:summit", "user1:ship"} <= set(items.events["id"])
    assert len(items.events) == len(visible_items(dataset, view).events) + 2
    assert len(items.places) == len(visible_items(dataset, view).places)  # event places are not listed as places


def test_a_place_named_by_its_reprojected_coordinates_reads_them_to_six_decimals() -> None:
    """A point in EPSG:3857 without a name was called 'Event at 42.39381772191592, 130.60358250289892'; its coordinates are kept as the loader keeps them."""
    import json as _json
    import re

    from rkmap.data.user_data import load_user_file

    text = _json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [14538724.3, 5220155.2]},
                                      "properties": {"date": "2023-10-05", "source": "Survey"}}]}).encode()
    data = load_user_file("noname.geojson", text, set())
    title = str(data.events["title_en"].iloc[0])
    assert re.fullmatch(r"Event at 42\.393818, 130\.603583 \(title generated\)", title), title
    assert abs(float(data.places["lat"].iloc[0]) - 42.39381772191592) < 1e-6
