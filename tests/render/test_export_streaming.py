"""Exports written a chunk at a time hold the same bytes as the whole collection dumped at once."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import numpy as np
import pytest

from rkmap.core.coordinates import finite_json
from rkmap.data import Dataset
from rkmap.data.citation_index import citations_for
from rkmap.data.provenance import basis
from rkmap.data.user_data import load_user_file, with_user_data
from rkmap.render import data_export, geojson
from rkmap.render.data_export import KML_NS, export_bytes, to_geojson
from rkmap.render.view import MapView

VIEW = MapView(as_of=date(2023, 10, 13))
# User rows in two layers (a place and events, one cited twice), dated so that some are hidden.
USER_CSV = (
    b"id,date,title,kind,place_id,lat,lon,source,quote\n"
    b"a,2023-09-20,=A & <b>,report,,42.3,130.4,Notes,q1\n"
    b"b,2023-10-01,B,report,vostochny,,,Notes,\n"
    b"c,2024-01-01,Later,report,,42.1,130.2,Other,\n"
    b"d,2023-02-02,D \xe2\x80\xae,transfer,,43.0,131.0,Other,q2\n"
)


@pytest.fixture(scope="module")
def merged(dataset: Dataset) -> Dataset:
    return with_user_data(dataset, [load_user_file("mine.csv", USER_CSV, set(dataset.places["id"]))])


def test_features_carry_the_sources_and_basis_of_their_item(merged: Dataset) -> None:
    for feature in to_geojson(merged, VIEW)["features"]:
        props = feature["properties"]
        item = {"place": "place", "route": "leg", "event": "event"}[props["layer"]] + ":" + props["id"]
        assert props["sources"] == sorted(set(citations_for(merged, item)["source"].astype(str))), item
        assert props["basis"] == basis(merged, item), item


def test_compact_geojson_in_small_chunks_is_the_whole_collection_dumped(merged: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = to_geojson(merged, VIEW)
    monkeypatch.setattr(data_export, "MAX_INDENTED_FEATURES", 0)
    monkeypatch.setattr(geojson, "CHUNK_ROWS", 3)
    assert export_bytes(merged, VIEW, "geojson") == (finite_json(whole, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "kml"])
def test_chunked_csv_and_kml_match_a_single_chunk(merged: Dataset, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setattr(geojson, "CHUNK_ROWS", 1_000_000)
    whole = export_bytes(merged, VIEW, fmt)
    monkeypatch.setattr(geojson, "CHUNK_ROWS", 2)
    assert export_bytes(merged, VIEW, fmt) == whole


def test_kml_folders_keep_the_features_order_and_the_user_rows_together(merged: Dataset) -> None:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(export_bytes(merged, VIEW, "kml"))
    ns = {"k": KML_NS}
    folders = {f.find("k:name", ns).text: [m.get("id") for m in f.findall("k:Placemark", ns)] for f in root.findall(".//k:Folder", ns)}
    features = to_geojson(merged, VIEW)["features"]
    mine = [f["properties"] for f in features if f["properties"]["origin"] == "user"]
    assert folders["Your data"] == ["event_" + p["id"].replace(":", "_") for p in mine]
    assert list(folders) == ["Places", "2023 arms-transfer route", "Events", "Your data"]


def test_csv_rows_follow_the_features(merged: Dataset) -> None:
    rows = list(csv.DictReader(io.StringIO(export_bytes(merged, VIEW, "csv").decode("utf-8-sig"))))
    features = json.loads(export_bytes(merged, VIEW, "geojson"))["features"]
    assert [r["id"] for r in rows] == [f["properties"]["id"] for f in features]
    assert next(r for r in rows if r["id"] == "user1:a")["name"].startswith("'=A")


def test_an_empty_view_writes_the_csv_header(merged: Dataset) -> None:
    text = export_bytes(merged, VIEW.with_(layers=frozenset()), "csv").decode("utf-8")
    assert text == "\ufeff" + ",".join(data_export.CSV_COLUMNS) + "\n"
    assert json.loads(export_bytes(merged, VIEW.with_(layers=frozenset()), "geojson"))["features"] == []


def test_chunks_cover_every_row_once() -> None:
    rows = np.arange(10)
    assert np.concatenate(list(geojson.chunks(rows))).tolist() == rows.tolist()
