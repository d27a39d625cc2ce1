"""The PostGIS backend: same dataset as the files, sliced the same way, loaded safely; users' saved data.

Needs PostgreSQL with PostGIS (a throwaway server, see tests/conftest.py):
skipped without it, except in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from rkmap.core.schema import TABLES
from rkmap.data import BBox, Dataset, DataValidationError, load_dataset, open_data, open_dataset, postgis
from rkmap.data.user_data import load_user_file, saved_features
from rkmap.render.view import REGIONS, date_span

REPO_DIR = Path(__file__).resolve().parents[2]
TABLE_NAMES = ("sources", "places", "events", "route_legs", "citations", "disagreements")
# Rows per shipped file and the shipped span: the tests follow the data.
FILE_COUNTS = {t.name: len(pd.read_csv(REPO_DIR / "geodata" / t.file, dtype=str, keep_default_na=False)) for t in TABLES}
SHIPPED_SPAN = date_span(load_dataset(strict=True)[0])
GOOD = b"id,date,title,kind,place_id,lat,lon,source\nmine,2023-09-20,My event,visit,,42.3,130.4,My notes\nat-rajin,2023-10,At Rajin,report,rajin,,,My notes\n"
ROUTE = (
    b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[130.1,42.2],[131.5,43.1]]},'
    b'"properties":{"id":"r1","date":"2023-09","title":"A route","source":"My notes"}}]}'
)
SLICES = [
    pytest.param(date(2019, 4, 25), None, id="until-2019"),
    pytest.param(date(1999, 1, 1), None, id="until-before-everything"),
    pytest.param(None, BBox(129.6, 41.8, 133.2, 43.5), id="bbox-sea-leg"),
    pytest.param(date(2023, 9, 20), BBox(122.0, 37.5, 140.5, 53.5), id="until-and-bbox"),
    pytest.param(date(2023, 10, 13), BBox(0.0, 0.0, 1.0, 1.0), id="bbox-with-no-points"),
    *[pytest.param(date(2023, 10, 13), BBox(r.west, r.south, r.east, r.north), id=f"region-{key}") for key, r in REGIONS.items()],
]


def assert_same_dataset(a: Dataset, b: Dataset) -> None:
    """Frame by frame (values, dtypes, order) and the legs' lines coordinate for coordinate."""
    for name in TABLE_NAMES:
        left, right = getattr(a, name), getattr(b, name)
        if name == "route_legs":
            assert [list(x.coords) for x in left["line"]] == [list(y.coords) for y in right["line"]]
            left, right = left.drop(columns="line"), right.drop(columns="line")
        pd.testing.assert_frame_equal(left, right, obj=name)


def test_shipped_data_are_the_same_dataset_from_postgis_and_files(postgis_url: str) -> None:
    from_db, problems = open_dataset(strict=True, database_url=postgis_url)
    assert problems == []
    from_files, _ = load_dataset(strict=True)
    assert len(from_db.events) == FILE_COUNTS["events"] and len(from_db.route_legs) == 2
    assert_same_dataset(from_db, from_files)


@pytest.mark.parametrize(("until", "bbox"), SLICES)
def test_a_view_fetches_the_same_slice_from_both_backends(postgis_url: str, until: date | None, bbox: BBox | None) -> None:
    db = open_data(strict=True, database_url=postgis_url, until=until, bbox=bbox)
    files = open_data(strict=True, data_dir=str(REPO_DIR / "geodata"), until=until, bbox=bbox)
    assert_same_dataset(db.dataset, files.dataset)
    assert db.span == files.span == SHIPPED_SPAN
    assert db.total_events == files.total_events == FILE_COUNTS["events"]
    events = db.dataset.events
    if until is not None:
        assert (events["t_start"] <= (until - date(1970, 1, 1)).days).all()
    if bbox is not None:
        inside = events["lon"].between(bbox.west, bbox.east) & events["lat"].between(bbox.south, bbox.north)
        assert (inside | events["is_area"]).all()
    cited_events = {i.removeprefix("event:") for i in db.dataset.citations["item"] if i.startswith("event:")}
    assert cited_events == set(events["id"])  # only the fetched events' citations (each event cites)


def test_until_keeps_what_either_clock_shows(postgis_url: str, dataset: Dataset) -> None:
    from rkmap.render.view import MapView, visible_items

    for day in (date(2019, 4, 25), date(2023, 10, 1), date(2023, 10, 13)):
        sliced, _ = open_dataset(strict=True, database_url=postgis_url, until=day)
        for clock in ("event", "public"):
            view = MapView(as_of=day, clock=clock)
            full, part = visible_items(dataset, view), visible_items(sliced, view)
            pd.testing.assert_frame_equal(full.events, part.events)
            pd.testing.assert_frame_equal(full.route_legs.drop(columns="line"), part.route_legs.drop(columns="line"))


def _contents(url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(url) as conn:
        out = {}
        for name in (*TABLE_NAMES, "dataset_meta"):
            order = "key" if name == "dataset_meta" else "file_row"
            columns = "*" if name not in ("places", "route_legs") else "*, ST_AsText(geom) AS wkt"
            out[name] = [tuple(map(str, row)) for row in conn.execute(f"SELECT {columns} FROM {name} ORDER BY {order}")]
        return out


def test_init_db_twice_leaves_the_same_content_and_keeps_saved_uploads(fresh_postgis_url: str) -> None:
    before = _contents(fresh_postgis_url)
    upload = postgis.save_user_data(fresh_postgis_url, load_user_file("mine.csv", GOOD, {"rajin"}))
    report = postgis.init_db(fresh_postgis_url)
    assert report.counts == FILE_COUNTS
    assert _contents(fresh_postgis_url) == before
    assert postgis.table_counts(fresh_postgis_url)["events"] == FILE_COUNTS["events"]
    assert [u.id for u in postgis.load_user_uploads(fresh_postgis_url, {"rajin"})] == [upload]


def test_init_db_creates_the_indexes(postgis_url: str) -> None:
    import psycopg

    with psycopg.connect(postgis_url) as conn:
        indexes = {row[0]: row[1] for row in conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")}
    assert "USING gist (geom)" in indexes["places_geom_idx"] and "USING gist (geom)" in indexes["route_legs_geom_idx"]
    assert "(t_first)" in indexes["events_t_first_idx"] and "(t_last)" in indexes["events_t_last_idx"]
    assert "(item)" in indexes["citations_item_idx"] and "USING gist (geom)" in indexes["user_features_geom_idx"]


def test_init_db_refuses_data_that_do_not_validate(fresh_postgis_url: str, data_copy: Path) -> None:
    before = _contents(fresh_postgis_url)
    (data_copy / "events.csv").write_text((data_copy / "events.csv").read_text(encoding="utf-8").replace("2023-09-13", "2023-13-13"), encoding="utf-8")
    with pytest.raises(DataValidationError, match="events.csv"):
        postgis.init_db(fresh_postgis_url, data_copy)
    assert _contents(fresh_postgis_url) == before


def test_queries_use_the_date_and_spatial_indexes(postgis_databases, tmp_path: Path) -> None:
    """On 20,000 synthetic events the planner picks the t_first index; the GiST index serves the box."""
    from bench.synthetic import write_synthetic

    folder = write_synthetic(tmp_path / "syn", 20_000).parent
    url = postgis_databases.create(empty=True)
    postgis.init_db(url, folder)
    plan = postgis.explain(url, date(2001, 1, 31), None)
    assert "events_t_first_idx" in plan and ("Index Scan" in plan or "Bitmap Index Scan" in plan), plan
    import psycopg

    query, params = postgis.events_sql(date(2001, 1, 31), BBox(129.6, 41.8, 133.2, 43.5))
    with psycopg.connect(url) as conn:
        conn.execute("SET enable_seqscan = off")  # 13 places fit one page: force the plan a big places table gets
        spatial = "\n".join(row[0] for row in conn.execute("EXPLAIN " + query, params))
    assert "Index Scan using places_geom_idx" in spatial, spatial
    # And the synthetic data (per-row sources, events.parquet) read back the same as from the files.
    assert_same_dataset(open_dataset(strict=True, database_url=url)[0], load_dataset(folder, strict=True)[0])


# --------------------------------------------------------------------------- users' saved data


def test_saved_uploads_load_again_through_the_upload_loader(fresh_postgis_url: str, dataset: Dataset) -> None:
    known = frozenset(dataset.places["id"])
    events = load_user_file("mine.csv", GOOD, known)
    route = load_user_file("route.geojson", ROUTE, known)
    first = postgis.save_user_data(fresh_postgis_url, events, saved_by="analyst-1")
    second = postgis.save_user_data(fresh_postgis_url, route)
    loaded = postgis.load_user_uploads(fresh_postgis_url, known)
    assert [(u.id, u.file, u.saved_by) for u in loaded] == [(first, "mine.csv", "analyst-1"), (second, "route.geojson", None)]
    for original, upload in zip((events, route), loaded):
        assert upload.data.problems == () and upload.data.rows_loaded == original.rows_loaded
        assert saved_features([upload.data]) == saved_features([original])
    assert postgis.delete_user_upload(fresh_postgis_url, first) is True
    assert postgis.delete_user_upload(fresh_postgis_url, first) is False
    assert [u.id for u in postgis.load_user_uploads(fresh_postgis_url, known)] == [second]
    assert postgis.table_counts(fresh_postgis_url)["user_features"] == 1


def test_saving_the_same_data_twice_is_refused_clearly(fresh_postgis_url: str) -> None:
    data = load_user_file("mine.csv", GOOD, {"rajin"})
    postgis.save_user_data(fresh_postgis_url, data)
    with pytest.raises(postgis.DatabaseError, match="already in the database"):
        postgis.save_user_data(fresh_postgis_url, data)
    assert postgis.table_counts(fresh_postgis_url)["user_uploads"] == 1


def test_a_failed_save_leaves_nothing_behind(fresh_postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = load_user_file("mine.csv", GOOD, {"rajin"})
    rows = postgis._feature_rows

    def fail_after_one(upload_id: int, features: list[dict]):
        for n, row in enumerate(rows(upload_id, features)):
            if n == 1:
                raise RuntimeError("disk full (simulated)")
            yield row

    monkeypatch.setattr(postgis, "_feature_rows", fail_after_one)
    with pytest.raises(RuntimeError, match="simulated"):
        postgis.save_user_data(fresh_postgis_url, data)

    def bad_layer(upload_id: int, features: list[dict]):
        for row in rows(upload_id, features):
            yield (*row[:2], "bogus", *row[3:])  # violates the layer CHECK constraint

    monkeypatch.setattr(postgis, "_feature_rows", bad_layer)
    with pytest.raises(postgis.DatabaseError, match="saving mine.csv failed"):
        postgis.save_user_data(fresh_postgis_url, data)
    counts = postgis.table_counts(fresh_postgis_url)
    assert counts["user_uploads"] == 0 and counts["user_features"] == 0


# --------------------------------------------------------------------------- command lines


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MAP_DATA_DIR")}
    return subprocess.run([sys.executable, *args], cwd=REPO_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=300)


def test_init_db_command(postgis_databases) -> None:
    url = postgis_databases.create(empty=True)
    done = _run(["-m", "rkmap.data", "init-db"], {"DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert "loaded " + ", ".join(f"{n} {name}" for name, n in FILE_COUNTS.items()) in done.stdout
    again = _run(["-m", "rkmap.data", "init-db"], {"DATABASE_URL": url})
    assert again.returncode == 0, again.stderr
    check = _run(["-m", "rkmap.data", "check"], {"DATABASE_URL": url})
    assert check.returncode == 0 and "events" in check.stdout and f" {FILE_COUNTS['events']}" in check.stdout


def test_init_db_without_a_reachable_database_says_so_in_one_line() -> None:
    unset = _run(["-m", "rkmap.data", "init-db"], {})
    assert unset.returncode == 2 and unset.stderr.strip().count("\n") == 0 and "DATABASE_URL is not set" in unset.stderr
    down = _run(["-m", "rkmap.data", "init-db"], {"DATABASE_URL": "postgresql://analyst:Sup3rSecret@127.0.0.1:1/team"})
    assert down.returncode == 2 and "cannot connect to the database analyst@127.0.0.1:1/team" in down.stderr
    assert "Sup3rSecret" not in down.stderr + down.stdout


def test_briefing_exports_the_same_from_postgis(postgis_url: str, tmp_path: Path) -> None:
    for suffix in ("geojson", "csv", "png"):
        outputs = []
        for env in ({"DATABASE_URL": postgis_url}, {}):
            out = tmp_path / f"{len(outputs)}.{suffix}"
            done = _run(["-m", "rkmap", "--date", "2023-10-13", "--out", str(out)], env)
            assert done.returncode == 0, done.stderr
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], suffix


def test_briefing_help_names_database_url() -> None:
    done = _run(["-m", "rkmap", "--help"], {})
    assert "DATABASE_URL" in done.stdout


def test_briefing_with_an_unreachable_database_exits_2(tmp_path: Path) -> None:
    done = _run(["-m", "rkmap", "--date", "2023-10-13", "--out", str(tmp_path / "x.geojson")], {"DATABASE_URL": "postgresql://a:pw123456@127.0.0.1:1/db"})
    assert done.returncode == 2 and "cannot connect" in done.stderr and "pw123456" not in done.stderr


def test_secrets_file_names_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rkmap.data.source import SourceError, resolve_source

    monkeypatch.delenv("DATABASE_URL", raising=False)
    secrets = tmp_path / "secrets.toml"
    assert not resolve_source(secrets_file=secrets).is_database
    secrets.write_text('database_url = "postgresql://analyst:pw@db.example:5432/map"\n', encoding="utf-8")
    source = resolve_source(secrets_file=secrets)
    assert source.is_database and source.origin == "secrets.toml"
    assert source.describe() == "PostGIS at analyst@db.example:5432/map" and "pw" not in source.cache_key
    monkeypatch.setenv("DATABASE_URL", "postgresql://other@h/db2")
    assert resolve_source(secrets_file=secrets).location == "postgresql://other@h/db2"  # the environment wins
    secrets.write_text("database_url = 5\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SourceError, match="must be a non-empty string"):
        resolve_source(secrets_file=secrets)
