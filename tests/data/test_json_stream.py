"""The JSON reader that takes a FeatureCollection one feature at a time (rkmap.data._json_stream).

Two kinds of test: generated JSON documents, which must read exactly as
``json.loads`` reads them (with the streamed arrays' items handed over in
order); and GeoJSON written to RFC 7946's corners (members in any order,
foreign members, the 2008 ``crs`` member after the features, null geometry
and properties, a third coordinate, an empty geometry), through the loader.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rkmap.data import _json_stream, budgets
from rkmap.data import user_data as ud
from rkmap.data.user_data import load_user_file

_scalars = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False) | st.text(max_size=8)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(_json, st.sampled_from(["", " ", "\n\t ", "\r\n"]), st.booleans())
def test_any_json_reads_as_json_loads_reads_it(value: object, space: str, indent: bool) -> None:
    text = space + json.dumps(value, indent=2 if indent else None, ensure_ascii=False) + space
    assert _json_stream.parse(text, {}) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=5), _json, max_size=4), st.lists(_json, max_size=6), st.integers(0, 4), st.booleans())
def test_a_streamed_array_hands_over_every_item_in_order(members: dict, items: list, at: int, indent: bool) -> None:
    members = {k: v for k, v in members.items() if k != "features"}
    ordered = list(members.items())
    ordered.insert(min(at, len(ordered)), ("features", items))  # the array anywhere among the members
    text = json.dumps(dict(ordered), indent=2 if indent else None)
    seen: list[tuple[object, int]] = []
    parsed = _json_stream.parse(text, {"features": lambda item, number: seen.append((item, number)) or True})
    assert seen == [(item, n) for n, item in enumerate(items, start=1)]
    assert parsed == {**json.loads(text), "features": len(items)}


@settings(max_examples=100, deadline=None)
@given(st.lists(_json, max_size=6))
def test_a_top_level_array_is_streamed_too(items: list) -> None:
    seen: list[object] = []
    assert _json_stream.parse(json.dumps(items), {"": lambda item, number: seen.append(item) or True}) == len(items)
    assert seen == items


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{"features": [1, 2 3]}', "Expecting ',' delimiter", 1, 20),
        ('{"features": [1,\n 2,\n ]}', "Expecting value", 3, 2),
        ('{"type": "FeatureCollection" "features": []}', "Expecting ',' delimiter", 1, 30),
        ('{"features" []}', "Expecting ':' delimiter", 1, 13),
        ("{features: []}", "Expecting property name enclosed in double quotes", 1, 2),
        ('{"features": []} {}', "Extra data", 1, 18),
        ('{"features": [', "Expecting value", 1, 15),
    ],
)
def test_malformed_json_is_named_by_line_and_column(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(json.JSONDecodeError) as raised:
        _json_stream.parse(text, {"features": lambda item, number: True})
    assert (raised.value.msg, raised.value.lineno, raised.value.colno) == (message, line, column)
    problem = load_user_file("bad.geojson", text.encode()).problems[0].message
    assert f"line {line}, column {column}: {message}" in problem and "Nothing loaded" in problem


def test_a_reader_that_stops_ends_the_read() -> None:
    seen: list[object] = []
    assert _json_stream.parse('{"features": [1, 2, 3, oops', {"features": lambda item, number: seen.append(item) or number < 2}) is None
    assert seen == [1, 2]  # the malformed rest is never read


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "é", ""]), st.text(max_size=4), max_size=4), max_size=12), st.integers(1, 5))
def test_records_become_columns_with_empty_cells_where_a_record_has_none(records: list[dict[str, str]], chunk: int) -> None:
    columns = _json_stream.Columns(10, budgets.too_many_columns)
    columns.CHUNK = chunk  # several chunks, columns first seen in a later one
    for record in records:
        columns.add(record)
    frame = columns.frame()
    names = list(dict.fromkeys(k for r in records for k in r))
    assert list(frame.columns) == names and len(frame) == len(records)
    for i, record in enumerate(records):
        assert [frame.iloc[i][n] for n in names] == [record.get(n, "") for n in names]
    assert all(isinstance(frame[n].dtype, pd.StringDtype) for n in names)


def test_more_distinct_fields_than_the_budget_are_refused_while_reading() -> None:
    columns = _json_stream.Columns(3, budgets.too_many_columns)
    columns.add({"a": "1", "b": "2"})
    with pytest.raises(budgets.BudgetError, match="more than"):
        columns.add({"c": "3", "d": "4"})


def _collection(features: list[dict], **members: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", **members, "features": features}).encode()


def _point(lon: float, lat: float, **props: object) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"source": "S", **props}}


def test_rfc7946_corners_load_as_the_whole_file_parse_did() -> None:
    features = [
        _point(131.8855, 43.1155, title="Vladivostok", date="2023-09-13"),
        {"type": "Feature", "id": 7, "geometry": {"type": "Point", "coordinates": [130.3, 42.25, 12.5]}, "properties": {"source": "S", "date": "2023-10-01"}},
        {"type": "Feature", "geometry": None, "properties": {"source": "S", "place_id": "vladivostok", "date": "2023-10-02", "title": "No geometry"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": []}, "properties": None},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[130.3, 42.2], [130.6, 42.4]]}, "properties": {"source": "S"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1000, 91]}, "properties": {"source": "S", "date": "2023-10-03"}},
        {"type": "NotAFeature"},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": "x"}, "properties": {"source": "S"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [True, 1]}, "properties": {"source": "S", "date": "2023-10-04"}},
    ]
    content = json.dumps({"features": features, "bbox": [130, 42, 132, 44], "title": "foreign member", "type": "FeatureCollection"}).encode()
    data = load_user_file("corners.geojson", content, {"vladivostok"})
    events = data.events.set_index("id")
    assert events.loc["7", "date"] == "2023-10-01"  # the Feature's own id, a number, kept as text; the third coordinate ignored
    problems = {p.row: p.message for p in data.problems}
    assert "not a longitude/latitude" in problems[6] and "not a GeoJSON Feature" in problems[7]
    assert "not a GeoJSON geometry" in problems[8] and "true or false where a coordinate" in problems[9]
    assert "needs its source" in problems[4]  # no properties: no source
    assert len(data.routes) == 1 and data.rows_loaded == 4


def test_the_2008_crs_member_after_the_features_still_reprojects_them() -> None:
    from pyproj import Transformer

    x, y = Transformer.from_crs("OGC:CRS84", "EPSG:3857", always_xy=True).transform(131.8855, 43.1155)
    mercator = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    content = json.dumps({"type": "FeatureCollection", "features": [_point(x, y, date="2023-09-13", title="V")], "crs": mercator}).encode()
    place = load_user_file("m.geojson", content).places.iloc[0]
    assert abs(float(place["lon"]) - 131.8855) < 1e-6 and abs(float(place["lat"]) - 43.1155) < 1e-6


def test_a_single_feature_and_a_feature_collection_read_alike() -> None:
    feature = _point(131.8855, 43.1155, title="Vladivostok", date="2023-09-13")
    one = load_user_file("one.geojson", json.dumps(feature).encode())
    many = load_user_file("many.geojson", _collection([feature]))
    assert one.events[["date", "title_en"]].equals(many.events[["date", "title_en"]]) and one.rows_loaded == 1


def test_two_features_members_are_refused_by_name() -> None:
    content = b'{"type": "FeatureCollection", "features": [], "features": []}'
    assert "two 'features' members" in load_user_file("twice.geojson", content).problems[0].message


def test_over_the_row_budget_the_read_stops_and_the_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ud, "MAX_ROWS", 3)
    content = _collection([_point(130, 42, date="2023-01-01")] * 5)[:-3] + b", oops"  # never read: the budget stops the read first
    message = load_user_file("many.geojson", content).problems[0].message
    assert "more than 3 rows" in message and "Nothing loaded" in message


def test_sparse_properties_across_chunks_keep_their_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_json_stream.Columns, "CHUNK", 2)
    features = [_point(130 + i / 10, 42, date=f"2023-01-{i + 1:02d}", **({"title": f"T{i}"} if i % 3 == 0 else {}), **({"notes": "late"} if i == 4 else {})) for i in range(6)]
    data = load_user_file("sparse.geojson", _collection(features))
    assert data.rows_loaded == 6 and data.problems == ()
    by_date = data.events.set_index("date")
    for i in range(6):
        title = by_date.loc[f"2023-01-{i + 1:02d}", "title_en"]
        assert title == f"T{i}" if i % 3 == 0 else title.endswith("(title generated)")
    assert by_date.loc["2023-01-05", "summary_en"] == "late" and set(by_date["summary_en"]) == {"", "late"}


def test_timemap_sources_after_the_events_still_name_them() -> None:
    events = [{"id": "A", "date": "12/22/2022", "latitude": 50.0, "longitude": 36.2, "description": "x", "sources": ["s1", "s2"]}]
    content = json.dumps({"events": events, "sources": {"s1": {"title": "Video"}, "s2": {"title": "Photo"}}}).encode()
    data = load_user_file("tm.json", content)
    assert data.preset == "timemap" and data.events.iloc[0]["source_title"] == "Video; Photo"
    listed = load_user_file("tm_list.json", json.dumps(events).encode())
    assert listed.preset == "timemap" and listed.events.iloc[0]["source_title"] == "s1; s2"


def test_json_that_is_neither_geojson_nor_timemap_says_so() -> None:
    for content in (b"[1, 2, 3]", b'{"events": [1, 2]}', b'{"type": "Topology"}', b"42", b"[]"):
        assert "not a GeoJSON FeatureCollection or Feature, nor a TimeMap" in load_user_file("x.json", content).problems[0].message


def test_kml_read_one_placemark_at_a_time_keeps_order_folders_and_skips_updates() -> None:
    """The KML pull parser (rkmap/data/_kml.py) gives what the whole tree gave: document order, Folder names outer first."""
    from rkmap.data._kml import read_kml

    kml = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLinkControl><Update><Create><Document>
  <Placemark><name>inside an Update</name><Point><coordinates>1,1</coordinates></Point></Placemark>
</Document></Create></Update></NetworkLinkControl>
<Document><name>doc</name>
  <Placemark><name>first</name><Point><coordinates>130.1,42.2</coordinates></Point></Placemark>
  <Folder><name>Ports</name>
    <Placemark><name>second</name><Point><coordinates>130.2,42.3</coordinates></Point></Placemark>
    <Folder><name>Russia</name><Placemark><name>third</name><Point><coordinates>131.9,43.1</coordinates></Point></Placemark></Folder>
    <Folder><Placemark><name>unnamed folder</name><Point><coordinates>bad</coordinates></Point></Placemark></Folder>
  </Folder>
  <Placemark><name>last</name></Placemark>
</Document></kml>"""
    read = list(read_kml(kml))
    assert [r["name"] for r, _, _ in read] == ["first", "second", "third", "unnamed folder", "last"]
    assert [r.get("folder", "") for r, _, _ in read] == ["", "Ports", "Ports / Russia", "Ports", ""]
    assert read[2][1] == (131.9, 43.1) and "not lon,lat" in read[3][2] and read[4][1] is None
