"""Data export: GeoJSON, KML and CSV of what is shown, with sources; user text stays text."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from rkmap.cli import run
from rkmap.data import Dataset
from rkmap.data.user_data import load_user_file, with_user_data
from rkmap.render.data_export import KML_NS, to_csv, to_geojson, to_kml
from rkmap.render.view import MapView, visible_items

NS = {"k": KML_NS}
EVIL = '<script>alert("x")</script> & <b>bold</b>'
USER_CSV = f"""id,date,title,kind,place_id,lat,lon,source,source_url,quote
evil,2023-09-20,"{EVIL.replace('"', '""')}",report,,42.3,130.4,"=HYPERLINK(""http://x"")",http://example.org/e,"<img src=x onerror=alert(1)>"
""".encode()
VIEW = MapView(as_of=date(2023, 10, 13))


@pytest.fixture(scope="module")
def merged(dataset: Dataset) -> Dataset:
    user = load_user_file("mine.csv", USER_CSV, set(dataset.places["id"]))
    assert user.problems == ()
    return with_user_data(dataset, [user])


def test_geojson_has_every_shown_feature_with_origin_and_sources(merged: Dataset) -> None:
    collection = to_geojson(merged, VIEW)
    json.dumps(collection)  # serialisable
    items = visible_items(merged, VIEW)
    assert len(collection["features"]) == len(items.places) + len(items.route_legs) + len(items.events)
    mine = [f for f in collection["features"] if f["properties"]["origin"] == "user"]
    assert [f["properties"]["id"] for f in mine] == ["user1:evil"]
    assert mine[0]["properties"]["sources"] == ["user1:user-1"]
    sources = {s["id"]: s for s in collection["sources"]}
    assert sources["user1:user-1"]["locator"] == "http://example.org/e"
    assert all(set(f["properties"]["sources"]) <= set(sources) for f in collection["features"])
    assert all(f["properties"]["sources"] for f in collection["features"])


def test_geojson_respects_date_and_layers(merged: Dataset) -> None:
    early = to_geojson(merged, VIEW.with_(as_of=date(2023, 9, 1)))
    assert not any(f["properties"]["origin"] == "user" for f in early["features"])
    only_places = to_geojson(merged, VIEW.with_(layers=frozenset({"places"})))
    assert {f["properties"]["layer"] for f in only_places["features"]} == {"place"}


def test_kml_is_valid_with_placemarks_timespans_and_sources(merged: Dataset) -> None:
    data = to_kml(merged, VIEW)
    root = ElementTree.fromstring(data)
    assert root.tag == f"{{{KML_NS}}}kml"
    items = visible_items(merged, VIEW)
    marks = root.findall(".//k:Placemark", NS)
    assert len(marks) == len(items.places) + len(items.route_legs) + len(items.events)
    assert len(root.findall(".//k:Placemark/k:LineString", NS)) == len(items.route_legs)
    assert len(root.findall(".//k:Placemark/k:Point", NS)) == len(items.places) + len(items.events)
    folders = [f.find("k:name", NS).text for f in root.findall(".//k:Folder", NS)]
    assert "Your data" in folders and "Events" in folders
    summit = root.find(".//k:Placemark[@id='event_vostochny-summit-2023']", NS)
    assert summit.find("k:TimeSpan/k:begin", NS).text == "2023-09-13"
    assert "Sources:" in summit.find("k:description", NS).text
    lon, lat = summit.find("k:Point/k:coordinates", NS).text.split(",")
    assert 120 < float(lon) < 140 and 40 < float(lat) < 60


def test_kml_escapes_html_in_user_text(merged: Dataset) -> None:
    data = to_kml(merged, VIEW)
    assert b"<script" not in data and b"<img" not in data and b"<b>" not in data
    mark = ElementTree.fromstring(data).find(".//k:Placemark[@id='event_user1_evil']", NS)
    assert mark.find("k:name", NS).text == EVIL  # plain text, XML-escaped in the file
    description = mark.find("k:description", NS).text  # Google Earth renders this as HTML: escaped twice
    assert "<script" not in description and "<img" not in description
    assert "&lt;img src=x onerror=alert(1)&gt;" in description
    assert mark.find("k:styleUrl", NS).text == "#user"


def test_csv_has_one_row_per_feature_with_sources(merged: Dataset) -> None:
    text = to_csv(merged, VIEW).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(to_geojson(merged, VIEW)["features"])
    assert {"layer", "id", "name", "name_ja", "date", "lon", "lat", "place_id", "claim_status", "sources"} <= set(rows[0])
    assert all(row["sources"] for row in rows)
    summit = next(r for r in rows if r["id"] == "vostochny-summit-2023")
    assert summit["date"] == "2023-09-13" and summit["place_id"] == "vostochny" and ":" in summit["sources"]
    mine = next(r for r in rows if r["origin"] == "user")
    assert mine["name"] == EVIL
    assert mine["sources"].startswith("user1:user-1: ")
    route = next(r for r in rows if r["layer"] == "route")
    assert route["lon"] and route["end_lon"]


def test_csv_cells_never_start_a_spreadsheet_formula(dataset: Dataset) -> None:
    user = load_user_file("f.csv", b'date,title,place_id,source\n2023-09-20,=1+2,vostochny,"@SUM(A1)"\n', set(dataset.places["id"]))
    text = to_csv(with_user_data(dataset, [user]), VIEW).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["origin"] == "user")
    assert row["name"] == "'=1+2"


def test_cli_writes_kml_and_csv_with_own_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_bytes(USER_CSV + b"bad,2023-13-01,Bad,report,vostochny,,,s,,\n")
    for suffix in ("kml", "csv", "geojson"):
        out = tmp_path / f"view.{suffix}"
        assert run(["--date", "2023-10-13", "--data", str(mine), "--out", str(out)]) == 0
        assert b"user1:evil" in out.read_bytes()
    err = capsys.readouterr().err
    assert "warning: --data mine.csv: read; 2 rows, 1 loaded, 1 left out" in err
    assert "1 row left out, `date`: has a month outside 01–12 — row 3 ('2023-13-01')" in err
    assert "mapping: " in err and "date ← date" in err


def test_cli_counts_what_it_wrote_and_takes_a_source_and_a_day_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_bytes(b"date,title,lat,lon\n03/04/2023,A,42.2,130.3\n")
    assert run(["--date", "2023-10-13", "--data", str(mine), "--out", str(tmp_path / "x.geojson")]) == 2
    assert "--dayfirst or --monthfirst" in capsys.readouterr().err
    out = tmp_path / "view.geojson"
    assert run(["--date", "2023-10-13", "--monthfirst", "--data-source", "My notes", "--data", str(mine), "--out", str(out)]) == 0
    written = json.loads(out.read_bytes())["features"]
    mine_out = [f for f in written if f["properties"].get("origin") == "user"]
    assert len(mine_out) == 1 and mine_out[0]["properties"]["date"] == "2023-03-04"
    assert f"({len(written):,} features" in capsys.readouterr().out


def test_cli_exits_2_when_no_data_file_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("{nope")
    assert run(["--date", "2023-10-13", "--data", str(bad), "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: --data bad.geojson: read; 0 rows") and "is not valid JSON" in err[1]
    assert err[2].startswith("error: --data ") and "cannot read it" in err[2]
    assert err[-1] == "error: nothing loaded from --data"
    assert not (tmp_path / "x.csv").exists()


def test_kml_document_speaks_the_exports_language(merged: Dataset) -> None:
    """#24: the Japanese KML's document name and description were English, its clock and layers given by their keys."""
    from rkmap.core.messages import t
    from rkmap.core.text import format_date

    for lang, name in (("en", "Russia–North Korea map as of 13 Oct 2023"), ("ja", "2023年10月13日時点のロシア・北朝鮮関係マップ")):
        doc = ElementTree.fromstring(to_kml(merged, VIEW.with_(lang=lang))).find(f"{{{KML_NS}}}Document")
        assert doc.findtext(f"{{{KML_NS}}}name") == name == t("kml_name", lang, date=format_date(VIEW.as_of, lang))
        description = doc.findtext(f"{{{KML_NS}}}description")
        assert t(f"clock_{VIEW.clock}", lang) in description and t("layer_places", lang) in description, description
        assert "clock:" not in description and "events, places" not in description, description


def test_an_undated_line_is_exported_undated_in_every_format(dataset: Dataset) -> None:
    """An analyst's line without a date is context, shown at every date: it leaves the app without dates, never as the
    span it is drawn over (1000-01-01 to 4000-01-01 were written as its date and date_end, and as a KML TimeSpan)."""
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[131.9, 43.1], [132.5, 43.5]]}, "properties": {"name": "Spur", "source": "Survey"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [131.9, 43.1]}, "properties": {"name": "Seen", "date": "2023-10-05", "source": "Survey"}},
    ]}).encode()
    merged = with_user_data(dataset, [load_user_file("lines.geojson", text, set(dataset.places["id"]))])
    features = {f["properties"]["name"]: f["properties"] for f in to_geojson(merged, VIEW)["features"] if f["properties"].get("origin") == "user"}
    assert {features["Spur"][key] for key in ("date", "date_end", "disclosed")} == {None}
    assert features["Seen"]["date"] == "2023-10-05"
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(to_csv(merged, VIEW).decode("utf-8-sig")))}
    assert (rows["Spur"]["date"], rows["Spur"]["date_end"]) == ("", "") and rows["Seen"]["date"] == "2023-10-05"
    kml = to_kml(merged, VIEW).decode()
    assert "1000-01-01" not in kml and "4000-01-01" not in kml and "1000" not in json.dumps(features)
    root = ElementTree.fromstring(kml.encode())
    spur = next(m for m in root.iter(f"{{{KML_NS}}}Placemark") if m.findtext(f"{{{KML_NS}}}name") == "Spur")
    assert spur.find(f"{{{KML_NS}}}TimeSpan") is None  # Google Earth shows a placemark without one at every time
    assert "undated" in spur.findtext(f"{{{KML_NS}}}description")
