"""`python -m rkmap --out FILE.geojson`: what the map shows, with required properties."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from rkmap.render.geojson import feature_collection
from rkmap.render.view import MapView, visible_items

REPO = Path(__file__).resolve().parents[2]


def test_features_match_the_map_and_carry_required_properties(dataset) -> None:
    view = MapView(as_of=date(2023, 10, 13))
    collection = feature_collection(dataset, view)
    items = visible_items(dataset, view)
    layers = [f["properties"]["layer"] for f in collection["features"]]
    assert layers.count("place") == len(items.places)
    assert layers.count("route") == len(items.route_legs) == 2
    assert layers.count("event") == len(items.events)
    for feature in collection["features"]:
        props = feature["properties"]
        assert {"layer", "id", "name", "name_ja", "sources"} <= set(props)
        assert props["sources"], props["id"]
        if props["layer"] == "route":
            assert props["mode"] in ("sea", "rail") and props["start"] and props["end"]
        if props["layer"] == "event":
            date.fromisoformat(props["date"])
            assert props["place_id"]


def test_cli_writes_geojson_and_rejects_bad_options(tmp_path: Path) -> None:
    out = tmp_path / "view.geojson"
    done = subprocess.run([sys.executable, "-m", "rkmap", "--date", "2019-04-25", "--out", str(out)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    collection = json.loads(out.read_text(encoding="utf-8"))
    ids = {f["properties"]["id"] for f in collection["features"]}
    assert "vladivostok-summit-2019" in ids and "vostochny-summit-2023" not in ids and "sea" not in ids
    bad = subprocess.run([sys.executable, "-m", "rkmap", "--date", "2019-02-30", "--out", str(out)], cwd=REPO, capture_output=True, text=True)
    assert bad.returncode == 2 and "'2019-02-30' is not a date" in bad.stderr and "Traceback" not in bad.stderr
