"""The "Your data" frame (issue #27): fits the analyst's rows wherever they are; offered only with user data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest_helpers import APP, deck_json, run_ok
from streamlit.testing.v1 import AppTest

from rkmap.app.url_state import parse_query
from rkmap.cli import run
from rkmap.data import load_dataset
from rkmap.data.user_data import load_user_file, user_parts, with_user_data
from rkmap.render.deck import build_deck
from rkmap.render.view import REGIONS, USER_MIN_SPAN_DEG, USER_REGION, MapView, region_box, region_of, user_region

REPO = Path(__file__).resolve().parents[2]
ACLED = REPO / "tests" / "fixtures" / "user_files" / "acled.csv"
_SHIPPED, _ = load_dataset()


def _with(text: str, name: str = "mine.csv"):
    data = load_user_file(name, text.encode(), set(_SHIPPED.places["id"]))
    assert not data.loaded_nothing
    return with_user_data(_SHIPPED, [data])


def test_the_frame_fits_the_users_points_anywhere_on_earth() -> None:
    dataset = _with("id,date,title,lat,lon,source\na,2023-01-01,A,-33.9,18.4,s\nb,2023-01-02,B,-26.2,28.0,s\n")
    west, south, east, north = region_box(USER_REGION, dataset)
    assert west < 18.4 and east > 28.0 and south < -33.9 and north > -26.2  # Cape Town to Johannesburg, padded
    assert east - west < 15 and north - south < 12  # not the whole world
    assert USER_REGION not in REGIONS  # a dynamic frame: the fixed ones stay as they are


def test_a_single_point_gets_a_sensible_box_and_the_poles_and_dateline_are_clamped() -> None:
    one = user_region(_with("id,date,title,lat,lon,source\na,2023-01-01,A,55.75,37.62,s\n"))
    assert one is not None
    assert one.east - one.west == pytest.approx(USER_MIN_SPAN_DEG) and one.north - one.south == pytest.approx(USER_MIN_SPAN_DEG)
    assert one.west < 37.62 < one.east and one.south < 55.75 < one.north
    edge = user_region(_with("id,date,title,lat,lon,source\na,2023-01-01,A,89.5,179.9,s\nb,2023-01-01,B,-89.5,-179.9,s\n"))
    assert edge is not None
    assert (edge.west, edge.east) == (-180.0, 180.0) and -85.0 <= edge.south < edge.north <= 85.0
    corner = user_region(_with("id,date,title,lat,lon,source\na,2023-01-01,A,89.5,179.9,s\n"))
    assert corner is not None and corner.north == 85.0 and corner.east == 180.0
    assert corner.north - corner.south >= USER_MIN_SPAN_DEG and corner.east - corner.west >= USER_MIN_SPAN_DEG


def test_lines_count_and_without_user_data_the_key_falls_back() -> None:
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[-70, -30], [-60, -20]]}, "properties": {"id": "r", "date": "2023-01-01", "title": "R", "source": "s"}}
    dataset = _with(json.dumps({"type": "FeatureCollection", "features": [line]}), "lines.geojson")
    assert len(user_parts(dataset)[1].route_legs) == 1
    region = user_region(dataset)
    assert region is not None and region.west < -70 and region.east > -60 and region.south < -30 and region.north > -20
    assert user_region(_SHIPPED) is None
    assert region_of(USER_REGION, _SHIPPED) == REGIONS["route"]
    assert region_of(USER_REGION) == REGIONS["route"]


def test_the_deck_is_framed_on_the_users_data() -> None:
    dataset = _with("id,date,title,lat,lon,source\na,2023-01-01,A,-33.9,18.4,s\n")
    deck = build_deck(dataset, MapView(as_of=_SHIPPED.events["start"].max(), region=USER_REGION))
    state = deck.initial_view_state
    assert abs(state.longitude - 18.4) < 0.5 and abs(state.latitude + 33.9) < 0.5


def test_url_region_user_only_with_user_data() -> None:
    without = parse_query({"region": USER_REGION}, set())
    assert "region" not in without.values and [n.key for n in without.notices] == ["url_ignored"]
    with_data = parse_query({"region": USER_REGION}, set(), user_frame=True)
    assert with_data.values["region"] == USER_REGION and not with_data.notices


def test_app_offers_the_frame_only_with_user_data_and_a_link_without_falls_back() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["region"] = USER_REGION
    run_ok(at)
    assert at.session_state["region"] == "route"
    assert any("region" in i.value and "far_east" in i.value for i in at.info)  # the usual notice: it names the frames an address may use
    assert USER_REGION not in at.selectbox(key="region").options and "Your data (fits your rows)" not in at.selectbox(key="region").options
    at.file_uploader[0].set_value(("mine.csv", b"id,date,title,lat,lon,source\na,2023-01-01,A,-33.9,18.4,s\n", "text/csv"))
    run_ok(at)
    next(b for b in at.button if b.label == "Load onto the map").click()  # the upload's mapping step, confirmed
    run_ok(at)
    assert "Your data (fits your rows)" in at.selectbox(key="region").options
    at.selectbox(key="region").set_value(USER_REGION)
    run_ok(at)
    state = deck_json(at)["initialViewState"]
    assert abs(state["longitude"] - 18.4) < 0.5 and abs(state["latitude"] + 33.9) < 0.5
    assert at.query_params["region"] == [USER_REGION] or at.query_params["region"] == USER_REGION
    # Removing the data takes the frame away and goes back to the first frame, without an error.
    next(b for b in at.button if b.label == "Remove").click()
    run_ok(at)
    assert at.session_state["region"] == "route"
    assert "Your data (fits your rows)" not in at.selectbox(key="region").options


def test_cli_png_of_the_users_frame(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "acled.png"
    assert run(["--data", str(ACLED), "--region", USER_REGION, "--date", "2022-12-31", "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000
    from PIL import Image

    assert Image.open(out).size == (3840, 2160)
    with pytest.raises(SystemExit) as exit_info:
        run(["--region", USER_REGION, "--date", "2022-12-31", "--out", str(tmp_path / "x.png")])
    assert exit_info.value.code == 2
    assert "--data" in capsys.readouterr().err.strip().splitlines()[-1]


def _many_sources(n_rows: int = 100, n_sources: int = 87):
    hosts = ["kyivindependent.com", "tass.ru", "apnews.com", "reuters.com"]
    lines = ["id,date,title,lat,lon,source,source_url"]
    for i in range(n_rows):
        k = i if i < n_sources else i % 3  # the first three cited more than once
        lines.append(f"e{i},2023-05-{1 + i % 27:02d},Report {i},{46 + i % 7 * 0.5},{30 + i % 11 * 0.7},Article {k},https://www.{hosts[k % 4]}/a/{k}")
    return _with("\n".join(lines) + "\n")


def test_image_exports_draw_the_users_rows_with_their_legend_entry_and_group_many_sources() -> None:
    from rkmap.core import style
    from rkmap.render.image import USER_SOURCE_SUMMARY, export_contents, fit_frame

    dataset = _many_sources()
    view = MapView(as_of=date(2023, 12, 31), region=USER_REGION)
    frame, _ = fit_frame(region_of(USER_REGION, dataset), 16 / 9)
    contents = export_contents(dataset, view, frame)
    assert len(contents.items.events) >= 100
    assert style.USER_LEGEND in contents.legend
    # The user's 'report' rows are drawn in the user colour, not by kind: a kind's entry comes from shipped rows only
    # (here Russia's events known only to the country: Russia's outline reaches this frame).
    shipped = contents.items.events[contents.items.events["origin"] != "user"]
    assert ("event-report" in {e.key for e in contents.legend}) == ("report" in set(shipped["kind"]))
    assert shipped["is_area"].astype(bool).all()
    own = [s for s in contents.sources if s.source_id.startswith("user")]
    assert len(own) == 4 and own[-1].source_id == USER_SOURCE_SUMMARY
    assert [s.title for s in own[:3]] == ["Article 0", "Article 1", "Article 2"]  # the most cited first
    summary = own[-1].text("en")
    assert summary == "Your data: 87 sources; 84 more (apnews.com ×21, kyivindependent.com ×21, reuters.com ×21, …): all in the GeoJSON export"
    assert "あなたのデータ" in export_contents(dataset, view.with_(lang="ja"), frame).sources[-1].text("ja")


def test_a_few_user_sources_are_each_listed() -> None:
    from rkmap.render.image import export_contents, fit_frame

    dataset = _many_sources(5, 5)
    view = MapView(as_of=date(2023, 12, 31), region=USER_REGION)
    frame, _ = fit_frame(region_of(USER_REGION, dataset), 16 / 9)
    own = [s for s in export_contents(dataset, view, frame).sources if s.source_id.startswith("user")]
    assert sorted(s.title for s in own) == [f"Article {k}" for k in range(5)]


def test_the_image_footer_names_the_users_file_and_rows() -> None:
    from rkmap.render.image import user_files_line

    assert user_files_line(_SHIPPED, "en") == ""
    dataset = _many_sources(5, 5)
    assert user_files_line(dataset, "en") == "your data: mine.csv, 5 rows loaded"
    assert user_files_line(dataset, "ja") == "あなたのデータ:mine.csv(5行を読込)"


# Far from Korea: Aleppo, Damascus, Kharkiv, Kyiv, Belgorod (with Russia's Kursk region, a shipped area, in the frame).
_FAR = "id,date,title,lat,lon,source\na,2023-01-01,A,36.2,37.15,s\nb,2023-01-02,B,33.51,36.29,s\nc,2023-02-01,C,49.99,36.23,s\nd,2023-02-03,D,50.45,30.52,s\ne,2023-03-01,E,50.6,36.6,s\n"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_apps_labels_are_placed_for_the_users_frame(lang: str) -> None:
    """#24: in the user's frame the map's labels (placed in Python, drawn by html_labels.js) are placed for that frame:
    its box, its zoom at each of the map's sizes, inside the map, none over another or over a symbol or route line.
    The shipped part of the map is built apart from the user's rows, which alone give the frame: its labels and
    hatched areas were made for the whole route's frame, so Kursk region went unlabelled in a map of Ukraine."""
    from test_app_label_sizes import Screen, drawn_labels, drawn_obstacles, placement_choice

    from rkmap.render._screen_path import frame_zoom
    from rkmap.render.deck import APP_MAP_SIZES, label_sets, route_records
    from rkmap.render.labels import conflicts

    dataset = _with(_FAR)
    view = MapView(as_of=date(2024, 11, 13), region=USER_REGION, lang=lang)
    frame = region_of(USER_REGION, dataset)
    deck = json.loads(build_deck(dataset, view).to_json())
    drawn = {layer["id"]: layer for layer in deck["layers"]}
    for layer_id in ("place-labels", "area-labels"):
        assert drawn[layer_id]["placementFrame"] == pytest.approx([frame.west, frame.south, frame.east, frame.north]), layer_id
    shipped, _ = user_parts(dataset)
    sets = label_sets(shipped, view, frame=frame)
    assert sets.frame == frame
    whole = label_sets(dataset, view)  # the whole dataset gives the same frame, and labels only what the map labels
    assert whole.frame == frame and set(whole.placed) == set(sets.placed)
    routes = [r["path"] for r in route_records(shipped, view)]
    for size in [*APP_MAP_SIZES, sets.sizes[-1]]:
        zoom = frame_zoom(frame, size.width, size.height)
        screen = Screen(frame, size.width, size.height, zoom)
        index, level = placement_choice(sets, size.width, size.height, zoom)
        assert sets.zooms[index][level] == pytest.approx(zoom, abs=1e-3), (size, "placed at the frame's zoom")
        boxes = drawn_labels(shipped, view, sets, screen, index, level)
        if size.width >= 981:  # its name is long: 400 px in a frame 176 px wide at the default height
            assert ("area", "kursk_region") in boxes, (size, sorted(boxes))
        assert [key for key, box in boxes.items() if not screen.inside(box)] == [], (size, "past the map's edge")
        symbols, lines = drawn_obstacles(shipped, screen, routes)
        assert conflicts(list(boxes.values()), symbols, lines) == [], size


def test_the_shipped_labels_keep_clear_of_the_analysts_symbols() -> None:
    """#24: the map's labels cover no symbol, an analyst's included: a file's points put where the shipped labels
    stood (Tikhoretsk's, Ulan-Ude's, Moscow's) move or drop those labels rather than lie under them."""
    from test_app_label_sizes import Screen, drawn_labels, drawn_obstacles, placement_choice

    from rkmap.core.coordinates import valid_coordinates
    from rkmap.core.projection import world_lonlat
    from rkmap.render._screen_path import frame_zoom
    from rkmap.render.deck import APP_MAP_SIZES, label_sets, route_records
    from rkmap.render.labels import conflicts

    view = MapView(as_of=date(2024, 11, 13), region="route")
    frame = region_of("route", _SHIPPED)
    size = APP_MAP_SIZES[1]
    zoom = frame_zoom(frame, size.width, size.height)
    screen = Screen(frame, size.width, size.height, zoom)
    before = label_sets(_SHIPPED, view)
    index, level = placement_choice(before, size.width, size.height, zoom)
    boxes = drawn_labels(_SHIPPED, view, before, screen, index, level)
    targets = [("place", "tikhoretsk"), ("place", "ulan_ude"), ("place", "moscow")]
    assert set(targets) <= set(boxes), sorted(boxes)
    rows = ["id,date,title,lat,lon,source"]
    for k, key in enumerate(targets):
        x0, y0, x1, y1 = boxes[key]
        # The label box's centre back to lon/lat (Screen.at's inverse).
        lon, lat = world_lonlat(((x0 + x1) / 2 - size.width / 2) / screen.scale + screen.cx, ((y0 + y1) / 2 - size.height / 2) / screen.scale + screen.cy)
        rows.append(f"p{k},2023-0{k + 1}-01,Point {k},{lat:.5f},{lon:.5f},s")
    dataset = _with("\n".join(rows) + "\n")
    build_deck(dataset, view)
    shipped, user = user_parts(valid_coordinates(dataset))
    assert user is not None and len(user.events) == 3
    sets = label_sets(shipped, view, frame=frame, others=user)
    routes = [r["path"] for r in route_records(shipped, view)]
    for size in APP_MAP_SIZES:
        zoom = frame_zoom(frame, size.width, size.height)
        screen = Screen(frame, size.width, size.height, zoom)
        index, level = placement_choice(sets, size.width, size.height, zoom)
        boxes = drawn_labels(shipped, view, sets, screen, index, level)
        symbols, lines = drawn_obstacles(shipped, screen, routes, others=user)
        assert conflicts(list(boxes.values()), symbols, lines) == [], size
