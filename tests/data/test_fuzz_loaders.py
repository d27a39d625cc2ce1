"""Property-based tests: any GeoJSON, KML, Parquet or shipped-table input gives data or a clear problem.

Never a traceback, never an "internal error" (the loaders' last-resort
message, which would mean a defect), never a hang: each example has a
hypothesis deadline of ``HANG_S`` seconds, far above the milliseconds one
takes, so only a hang (not a slow machine) trips it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rkmap.data import DATA_DIR, load_dataset
from rkmap.data.user_data import load_user_file

HANG_S = 30  # FUZZ_EXAMPLES=N runs more examples (1,500 passed here)
KNOWN = frozenset({"vostochny", "rajin"})
_settings = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")), deadline=timedelta(seconds=HANG_S), suppress_health_check=[HealthCheck.too_slow])

# Cell values that have broken loaders: empty, odd dates, numbers out of range, markup, formulas, quotes, non-ASCII.
_text = st.one_of(
    st.sampled_from(["", "2023", "2023-09", "2023-09-13", "13/09/2023", "2023-02-30", "9999-99-99", "vostochny", "rajin", "<script>x</script>",
                     "=1+1", "javascript:alert(1)", "月", "NaN", "inf", "-1e309", "181", "-91", "sea", "rail", "event", "place", "route"]),
    st.text(max_size=40),
)  # fmt: skip
_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12))
_json_value = st.recursive(st.none() | st.booleans() | _number | _text, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3), max_leaves=8)
_keys = st.sampled_from(["id", "layer", "date", "date_end", "title", "title_ja", "kind", "place_id", "lat", "lon", "source", "source_url", "source_quote", "claim_status", "name", "mode"])
_position = st.lists(_number, min_size=0, max_size=3)
_geometry = st.one_of(
    st.none(),
    st.builds(lambda c: {"type": "Point", "coordinates": c}, _position),
    st.builds(lambda c: {"type": "LineString", "coordinates": c}, st.lists(_position, max_size=4)),
    st.builds(lambda c: {"type": "Polygon", "coordinates": [c]}, st.lists(_position, max_size=5)),
    st.builds(lambda t: {"type": t}, _text),
    _json_value,
)
_feature = st.one_of(
    st.builds(lambda p, g: {"type": "Feature", "properties": p, "geometry": g}, st.dictionaries(_keys, _json_value, max_size=8), _geometry),
    _json_value,
)


def _assert_data_or_problem(data) -> None:
    assert data.rows_loaded > 0 or data.problems
    assert data.rows_loaded + data.rows_left_out >= 0
    assert not any("internal error" in p.message for p in data.problems), data.problems


@_settings
@given(st.lists(_feature, max_size=6))
def test_any_geojson_features_load_or_say_why(features: list) -> None:
    content = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=True).encode()
    _assert_data_or_problem(load_user_file("fuzz.geojson", content, KNOWN))


@_settings
@given(st.binary(max_size=400), st.sampled_from(["fuzz.geojson", "fuzz.kml", "fuzz.parquet", "fuzz.json"]))
def test_any_bytes_in_any_format_load_or_say_why(content: bytes, name: str) -> None:
    _assert_data_or_problem(load_user_file(name, content, KNOWN))


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@_settings
@given(st.lists(st.tuples(_text, _text, _text, st.dictionaries(_keys, _text, max_size=5)), max_size=5))
def test_any_kml_placemarks_load_or_say_why(placemarks: list) -> None:
    def extended(data: dict[str, str]) -> str:
        return "".join(f'<Data name="{key}"><value>{_xml(value)}</value></Data>' for key, value in data.items())

    marks = "".join(
        f"<Placemark><name>{_xml(name)}</name><TimeStamp><when>{_xml(when)}</when></TimeStamp>"
        f"<ExtendedData>{extended(data)}</ExtendedData>"
        f"<Point><coordinates>{_xml(coords)}</coordinates></Point></Placemark>"
        for name, when, coords, data in placemarks
    )
    content = f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'.encode()
    _assert_data_or_problem(load_user_file("fuzz.kml", content, KNOWN))


@_settings
@given(st.lists(st.dictionaries(_keys, _text, min_size=1, max_size=8), min_size=1, max_size=6))
def test_any_parquet_table_loads_or_says_why(rows: list[dict]) -> None:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_parquet(buffer)
    _assert_data_or_problem(load_user_file("fuzz.parquet", buffer.getvalue(), KNOWN))


_EVENT_COLUMNS = pd.read_csv(DATA_DIR / "events.csv", dtype=str, nrows=0).columns.tolist()


@settings(max_examples=40, deadline=timedelta(seconds=HANG_S), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_text, min_size=len(_EVENT_COLUMNS), max_size=len(_EVENT_COLUMNS)), max_size=4), st.booleans())
def test_fuzzed_shipped_events_are_named_and_the_rest_loads(rows: list[list[str]], drop_a_column: bool) -> None:
    """Rows appended to a copy of events.csv: each is loaded or named (file, row, field); the shipped rows still load."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "geodata"
        shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "README.md"))
        events = pd.read_csv(target / "events.csv", dtype=str, keep_default_na=False)
        extra = pd.DataFrame(rows, columns=_EVENT_COLUMNS, dtype=object)
        table = pd.concat([events, extra], ignore_index=True)
        if drop_a_column:
            table = table.drop(columns="title_en")
        table.to_csv(target / "events.csv", index=False)
        dataset, problems = load_dataset(target, strict=False)
    if drop_a_column:
        assert any(p.file == "events.csv" and "missing" in p.message for p in problems) and dataset.events.empty
        return
    # The fuzzed rows cite nothing, so none may load; each is named by its line (the header is line 1).
    assert set(dataset.events["id"]) == set(events["id"]), "a fuzzed row loaded, or removed a shipped event"
    named = {p.row for p in problems if p.file == "events.csv"}
    fuzzed_lines = {len(events) + 2 + i for i in range(len(rows))}
    assert fuzzed_lines <= named, f"rows not named: {sorted(fuzzed_lines - named)}"
    assert all(p.file == "events.csv" and p.message for p in problems), problems
