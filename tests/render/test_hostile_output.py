"""Issue #26, the output side: bad coordinates never reach the map, an image or a file.

The loader may (later) refuse such rows on the way in; these tests put them into
a loaded dataset directly, so they keep testing the last line of defence
(rkmap/core/coordinates.py) whatever the loader does.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import replace
from datetime import date
from xml.etree import ElementTree

import pytest
from shapely.geometry import LineString

from rkmap.core.coordinates import checked_coordinates, finite_json, valid_line, valid_lonlat
from rkmap.data import Dataset
from rkmap.data.user_data import load_user_file, user_parts, with_user_data
from rkmap.render.data_export import export_bytes
from rkmap.render.deck import build_deck
from rkmap.render.image import ExportOptions, render
from rkmap.render.view import MapView, shown_counts, visible_items

VIEW = MapView(as_of=date(2023, 10, 13))
# Every kind of coordinate the issue found breaking the map or a file.
BAD_LINES = {
    "r-nan": [(60.0, 40.0), (math.nan, 40.0)],
    "r-inf": [(60.0, 40.0), (math.inf, 40.0)],
    "r-neginf": [(-math.inf, 40.0), (60.0, 40.0)],
    "r-huge": [(60.0, 40.0), (1e308, 40.0)],
    "r-lat95": [(60.0, 40.0), (80.0, 95.0)],
    "r-mercator": [(6679169.4, 4865942.3), (8905559.3, 4865942.3)],
    "r-latfirst": [(40.0, 131.0), (43.0, 132.0)],
}
BAD_POINTS = {"e-nan": (math.nan, 40.0), "e-lat91": (100.0, 91.0), "e-inf": (math.inf, math.inf), "e-lon200": (200.0, 10.0)}


def _plain(ident: object) -> str:
    """A user row's id without the file prefix with_user_data gives it ("user1:")."""
    return str(ident).split(":", 1)[-1]


def _route_feature(ident: str) -> dict[str, object]:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[61.0, 41.0], [79.0, 42.0]]},
        "properties": {"layer": "route", "id": ident, "title": f"route {ident}", "date": "2023-09-01", "source": "s1", "source_title": "t"},
    }


def _event_row(ident: str) -> str:
    return f"{ident},2023-09-20,event {ident},meeting,,42.3,100.4,s1\n"


@pytest.fixture(scope="module")
def hostile(dataset: Dataset) -> Dataset:
    """The shipped data plus user routes and events: one good of each, the rest with bad coordinates."""
    routes = {"type": "FeatureCollection", "features": [_route_feature(i) for i in ("r-good", *BAD_LINES)]}
    events = "id,date,title,kind,place_id,lat,lon,source\n" + "".join(_event_row(i) for i in ("e-good", *BAD_POINTS))
    user = [load_user_file("routes.geojson", json.dumps(routes).encode()), load_user_file("events.csv", events.encode())]
    merged = with_user_data(dataset, user)
    legs = merged.route_legs.copy()
    for ident, coords in BAD_LINES.items():
        index = legs.index[(legs["id"].str.endswith(":" + ident)) & (legs["origin"] == "user")]
        assert len(index) == 1, ident
        legs.at[index[0], "line"] = LineString(coords)
    events_frame = merged.events.copy()
    for ident, (lon, lat) in BAD_POINTS.items():
        index = events_frame.index[(events_frame["id"].str.endswith(":" + ident)) & (events_frame["origin"] == "user")]
        assert len(index) == 1, ident
        events_frame.loc[index, ["lon", "lat"]] = [lon, lat]
    return replace(merged, route_legs=legs, events=events_frame)


def test_validation_function_bounds() -> None:
    assert valid_lonlat(180, -90) and valid_lonlat("131.5", "42")
    for lon, lat in [(math.nan, 0), (0, math.inf), (1e308, 0), (0, 90.0001), (180.01, 0), ("x", 0), (None, 0)]:
        assert not valid_lonlat(lon, lat)
    assert valid_line([(0, 0), (1, 1)]) and not valid_line([(0, 0)]) and not valid_line(LineString([(0, 0), (math.nan, 1)]))
    assert finite_json({"a": [math.nan, math.inf, 1.5]}) == '{"a": [null, null, 1.5]}'


def test_report_names_every_bad_row_and_keeps_the_others(hostile: Dataset) -> None:
    clean, report = checked_coordinates(hostile)
    dropped = {_plain(ident): layer for layer, ident in report.dropped}
    assert set(dropped) == set(BAD_LINES) | set(BAD_POINTS)
    assert len(clean.events) == len(hostile.events) - len(BAD_POINTS)
    assert len(clean.route_legs) == len(hostile.route_legs) - len(BAD_LINES)
    assert "r-good" in set(map(_plain, clean.route_legs["id"])) and "e-good" in set(map(_plain, clean.events["id"]))
    message = report.message("en")
    assert message.startswith(f"{len(BAD_LINES) + len(BAD_POINTS)} items with unusable coordinates") and "and 6 more" in message
    assert "座標が無効" in report.message("ja")
    # The shipped data are fine: the same object back, nothing reported.
    shipped = user_parts(hostile)[0]
    assert checked_coordinates(shipped)[0] is shipped and not checked_coordinates(shipped)[1]


def test_deck_json_is_valid_and_has_no_bad_row(hostile: Dataset) -> None:
    text = build_deck(hostile, VIEW).to_json()
    deck = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the deck JSON"))
    user = {layer["id"]: layer["data"] for layer in deck["layers"] if layer["id"].startswith("user-") and isinstance(layer["data"], list)}
    ids = {_plain(record.get("id")) for records in user.values() for record in records}
    assert {"r-good", "e-good"} <= ids and not ids & (set(BAD_LINES) | set(BAD_POINTS))
    events, legs = shown_counts(hostile, VIEW)
    assert legs == len(visible_items(hostile, VIEW).route_legs)


# A float written as text by Python or numpy: nan, inf, -inf (any case), as a whole token, not inside a word
# (the data's own text has "Nanpo", "The Financial Express", "financial" ...).
_NONFINITE = re.compile(rb"(?<![A-Za-z])[-+]?(?:nan|inf(?:inity)?)(?![A-Za-z])", re.IGNORECASE)


def _assert_kml_numbers_finite(root: ElementTree.Element, kml: bytes) -> None:
    """Every coordinate in the KML a finite lon/lat in range; no value a non-finite number; no bare nan/inf anywhere."""
    coordinates = [e for e in root.iter() if e.tag.endswith("}coordinates")]
    assert coordinates
    for element in coordinates:
        for point in (element.text or "").split():
            lon, lat, *rest = (float(v) for v in point.split(","))
            assert math.isfinite(lon) and math.isfinite(lat) and all(map(math.isfinite, rest)), point
            assert -180 <= lon <= 180 and -90 <= lat <= 90, point
    for element in root.iter():
        if element.tag.endswith("}value") and element.text:
            assert not _NONFINITE.fullmatch(element.text.strip().encode()), element.text
    assert not _NONFINITE.search(kml), _NONFINITE.search(kml)


def test_data_exports_are_valid_and_keep_the_good_rows(hostile: Dataset) -> None:
    collection = json.loads(export_bytes(hostile, VIEW, "geojson"), parse_constant=lambda c: pytest.fail(f"{c} in the GeoJSON"))
    ids = {_plain(f["properties"]["id"]) for f in collection["features"]}
    assert {"r-good", "e-good"} <= ids and not ids & (set(BAD_LINES) | set(BAD_POINTS))
    kml = export_bytes(hostile, VIEW, "kml")
    _assert_kml_numbers_finite(ElementTree.fromstring(kml), kml)
    rows = list(csv.DictReader(io.StringIO(export_bytes(hostile, VIEW, "csv").decode("utf-8-sig"))))
    assert {"r-good", "e-good"} <= {_plain(r["id"]) for r in rows}
    for row in rows:
        for key in ("lon", "lat", "end_lon", "end_lat"):
            assert row[key] == "" or math.isfinite(float(row[key])), row


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_image_exports_render(hostile: Dataset, fmt: str) -> None:
    data = render(hostile, VIEW, ExportOptions(fmt=fmt, dpi=30 if fmt == "png" else None))
    assert data[:4] == b"\x89PNG" if fmt == "png" else b"<svg" in data[:400]


# --------------------------------------------------------------------------- a session's data stay in the session
def test_session_data_never_reach_the_static_cache(dataset: Dataset) -> None:
    """The map and the timeline strip send a session's own rows inline; no file anyone can fetch holds them."""
    import uuid

    from rkmap.app.timeline import timeline_payload
    from rkmap.render.static_files import CACHE_DIR

    marker = f"SESSION-MARKER-{uuid.uuid4().hex}"
    csv_text = f"id,date,title,kind,place_id,lat,lon,source\nm1,2023-09-20,{marker},meeting,,42.3,100.4,s1\n"
    mine = with_user_data(dataset, [load_user_file("mine.csv", csv_text.encode())])
    for lang in ("en", "ja"):
        view = replace(VIEW, lang=lang)
        deck = build_deck(mine, view).to_json()
        assert marker in deck  # inline in the page's data
        payload = timeline_payload(mine, view)
        assert isinstance(payload["marks"], dict) and any(marker in title for title in payload["marks"]["title"])
    for path in CACHE_DIR.glob("*"):
        if path.is_file():
            assert marker.encode() not in path.read_bytes(), path.name


def test_static_cache_has_a_size_bound(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from rkmap.render import static_data, static_files

    monkeypatch.setattr(static_files, "CACHE_DIR", tmp_path)
    monkeypatch.setenv(static_files.CACHE_LIMIT_ENV, str(3 * 1000 / (1024 * 1024)))  # 3,000 bytes
    owner = type("Owner", (), {})()
    urls = []
    for n in range(6):
        urls.append(static_data.publish_json(owner, f"k{n}", lambda n=n: ["x" * 990, n]))
        old = time.time() - 100 + n
        os.utime(static_files.cache_path(urls[-1]), (old, old))
    sizes = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert sizes <= 3000 and len(list(tmp_path.iterdir())) < 6
    assert static_files.cache_path(urls[-1]).exists()  # the newest stays
    # A URL whose file was removed is written again (built again) when asked for.
    assert not static_files.cache_path(urls[0]).exists()
    assert static_data.publish_json(owner, "k0", lambda: ["x" * 990, 0]) == urls[0]
    assert static_files.cache_path(urls[0]).exists()


# --------------------------------------------------------------------------- text: terminal, XML, spreadsheet, links, bidi
ESCAPES = "\x1b]0;PWNED-TITLE\x07\x1b[2J\x1b]52;c;ZXZpbA==\x1b\\\x9b31m"
CONTROLS = "a\x00b\x01c\x08d\x0be\x1bf\x7fg"
IN_FILE = CONTROLS.replace("\x00", "")  # a CSV with NUL is refused whole by the loader
BIDI = "evil\u202etxt.exe\u200b\u2066x\u2069"


def test_text_safety_functions() -> None:
    from rkmap.core.text_safety import reveal_invisible, terminal_text, xml_text

    assert terminal_text(f"x{ESCAPES}y\nz\t.") == "xy\nz\t."
    assert terminal_text(CONTROLS) == "abcdeg"  # ESC f is a two-byte escape sequence: both dropped
    assert xml_text(CONTROLS) == "abcdefg"
    ElementTree.fromstring(f"<a>{xml_text(CONTROLS + ESCAPES)}</a>".encode())
    assert reveal_invisible(BIDI) == "evil[U+202E]txt.exe[U+200B][U+2066]x[U+2069]"
    assert reveal_invisible("日本語 — ok ✓") == "日本語 — ok ✓"


def test_cli_never_copies_escape_sequences(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    from rkmap.cli import run

    bad = tmp_path / "bad.csv"
    # A bad date cell is quoted in the warning for the rows left out; an id with escapes loads (ids are kept as given).
    bad.write_text(
        f"id,date,title,kind,lat,lon,source\nok-1,2023-09-20,fine,meeting,42.3,100.4,s1\nX{ESCAPES}{IN_FILE},2023-13-01{ESCAPES},t,meeting,42.3,100.4,s1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.geojson"
    assert run(["--date", "2023-10-13", "--out", str(out), "--data", str(bad)]) == 0
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x9b" not in stream and "\x07" not in stream and "\x00" not in stream, repr(stream)
    assert "warning:" in captured.err  # the bad row is still reported
    assert "ok-1" in out.read_text(encoding="utf-8")


def test_kml_and_csv_text_is_defused(dataset: Dataset) -> None:
    rows = "id,date,title,kind,lat,lon,source\n"
    titles = {"c-ctrl": "t CONTROLS", "c-bidi": BIDI, "c-fw-eq": "\uff1dHYPERLINK(1)", "c-fw-at": "\uff20SUM(1)", "c-zw-eq": "\u200b=1+1"}
    rows += "".join(f'{ident},2023-09-20,"{title}",meeting,42.3,100.4,s1\n' for ident, title in titles.items())
    user = load_user_file("t.csv", rows.encode())
    merged = with_user_data(dataset, [user])
    loaded = {_plain(i) for i in merged.events["id"]}
    assert set(titles) <= loaded, (user.problems, loaded)
    # NUL and ESC in a title (a GeoJSON string may hold "\u0000"), put in directly.
    events = merged.events.copy()
    events.loc[events["title_en"] == "t CONTROLS", "title_en"] = f"t {CONTROLS}"
    merged = replace(merged, events=events)
    kml = export_bytes(merged, VIEW, "kml")
    root = ElementTree.fromstring(kml)  # valid XML despite NUL and ESC in a title
    names = [e.text for e in root.iter("{http://www.opengis.net/kml/2.2}name")]
    assert "t abcdefg" in names and "evil[U+202E]txt.exe[U+200B][U+2066]x[U+2069]" in names, names
    table = {_plain(r["id"]): r for r in csv.DictReader(io.StringIO(export_bytes(merged, VIEW, "csv").decode("utf-8-sig")))}
    assert table["c-fw-eq"]["name"] == "'\uff1dHYPERLINK(1)" and table["c-fw-at"]["name"] == "'\uff20SUM(1)"
    assert table["c-zw-eq"]["name"] == "[U+200B]=1+1" and table["c-bidi"]["name"].startswith("evil[U+202E]")


def test_map_text_shows_bidi_controls(dataset: Dataset) -> None:
    from rkmap.app.timeline import timeline_payload

    user = load_user_file("b.csv", f'id,date,title,kind,lat,lon,source\nb1,2023-09-20,"{BIDI}",meeting,42.3,100.4,s1\n'.encode())
    merged = with_user_data(dataset, [user])
    deck = build_deck(merged, VIEW).to_json()
    assert "\u202e" not in deck and "evil[U+202E]txt.exe" in deck
    titles = timeline_payload(merged, VIEW)["marks"]["title"]
    assert "evil[U+202E]txt.exe[U+200B][U+2066]x[U+2069]" in titles


def test_markdown_never_links_bare_www() -> None:
    from rkmap.app._markdown import md_escape

    text = md_escape("see www.example.com and WWW.Example.org \u202e")
    # The zero-width space sits before "www." (GFM links "www." only after a space or a line start);
    # after it, the browser removed it again from the link's host.
    assert "\u200bwww\\.example" in text and "\u200bWWW\\.Example" in text and "www\\.\u200b" not in text
    assert "\\[U\\+202E\\]" in text and "\u202e" not in text  # shown (Markdown-escaped)


def test_a_failed_export_is_one_plain_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import rkmap.app.safety

    shown: list[str] = []
    monkeypatch.setattr(rkmap.app.safety.st, "error", lambda text, **_: shown.append(text))

    def broken() -> bytes:
        raise ValueError("/srv/secret/path/render.py line 1")

    assert rkmap.app.safety.made_safely(broken) is None
    assert shown and "ValueError" in shown[0] and "/srv/secret" not in shown[0] and "Traceback" not in shown[0]
    assert rkmap.app.safety.made_safely(lambda: b"ok") == b"ok"


def test_leftover_timeline_files_are_removed_at_start(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from rkmap.render import static_files

    monkeypatch.setattr(static_files, "CACHE_DIR", tmp_path)
    old, fresh, layer = tmp_path / "timeline-marks-en-event-0123.json", tmp_path / "timeline-marks-ja-event-4567.json", tmp_path / "route-en-x.json"
    for path in (old, fresh, layer):
        path.write_text("{}")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(layer, (two_days_ago, two_days_ago))
    assert static_files.clean_cache_at_start() == 2
    assert not old.exists() and fresh.exists() and layer.exists()


def test_a_pruned_timeline_file_is_written_again(dataset: Dataset) -> None:
    from rkmap.app.timeline import timeline_payload
    from rkmap.render.static_files import cache_path

    url = timeline_payload(dataset, VIEW)["marks"]
    cache_path(url).unlink()
    assert timeline_payload(dataset, VIEW)["marks"] == url and cache_path(url).exists()
