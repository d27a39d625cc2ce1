"""The columnar channel of a session's many own events (rkmap/app/user_channel.py, issue #27 with #26's guarantees)."""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from starlette.applications import Starlette

from bench.user_data_load import write_acled
from rkmap.app import user_channel
from rkmap.app.user_channel import KEY_HEADER, REGISTRY, ROUTE, columns_blob, routes, served_blob, served_halo
from rkmap.core import style
from rkmap.data import load_dataset
from rkmap.data.user_data import load_user_file, user_parts, with_user_data
from rkmap.render.deck import build_deck
from rkmap.render.static_files import CACHE_DIR
from rkmap.render.user_columns import halo_tiers, unpack
from rkmap.render.view import MapView, clock_columns

ROWS = style.LARGE_EVENT_COUNT + 500  # past the inline layer's size: the channel's case


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    shipped, _ = load_dataset()
    path: Path = tmp_path_factory.mktemp("acled") / "acled.csv"
    write_acled(path, ROWS)
    data = load_user_file(path.name, path.read_bytes(), set(shipped.places["id"]))
    return with_user_data(shipped, [data])


class _Response:
    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code, self.headers, self.content = status_code, headers, content

    def json(self) -> object:
        return json.loads(self.content)


class _Client:
    """GET requests straight to an ASGI app (starlette's TestClient needs httpx, not installed)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str] | None = None) -> _Response:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "server": ("test", 80),
                 "client": ("test", 1), "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return _Response(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body)


@pytest.fixture
def server():
    """The channel's routes in a bare Starlette app; sessions 'a' and 'b' connected unless removed from ``active``."""
    active = {"a", "b"}
    was_mounted = REGISTRY.mounted
    app = Starlette(routes=routes(is_active=lambda session: session in active))
    try:
        yield _Client(app), active
    finally:
        REGISTRY.mounted = was_mounted
        REGISTRY.entries.clear()


def _user(merged):
    return user_parts(merged)[1]


def test_columns_hold_every_row_position_and_day(merged) -> None:
    user = _user(merged)
    columns, tiers = unpack(columns_blob(user))
    rows = tiers[-1]
    assert rows["zoom"] is None and rows["length"] == len(user.events) == ROWS
    single = {name: column[rows["start"]:] for name, column in columns.items()}
    assert (single["row"] == np.arange(ROWS)).all()
    np.testing.assert_allclose(single["position"][:, 0], user.events["lon"], atol=1e-4)
    np.testing.assert_allclose(single["position"][:, 1], user.events["lat"], atol=1e-4)
    for name in ("t_start", "t_end", "t_public"):
        assert (single[name] == user.events[name].to_numpy()).all()
    assert (single["fill"][:, 3] == np.where(user.events["is_contested"], 0, 235)).all()


def _cells(scale: float, xs: np.ndarray, ys: np.ndarray, hollow: np.ndarray) -> set[tuple[int, int, bool]]:
    """The (pixel, claim) cells of points at a zoom's scale."""
    return set(zip(np.floor(xs * scale).astype(int), np.floor(ys * scale).astype(int), hollow, strict=True))


def test_each_tier_shows_at_every_day_the_pixels_its_rows_would(merged) -> None:
    """A tier's instance stands for the rows in one pixel of its zoom (and claim status): shown from the first of them."""
    from rkmap.core.projection import world_xy_array

    user = _user(merged)
    columns, tiers = unpack(columns_blob(user))
    assert [t["zoom"] for t in tiers[:-1]] == list(range(len(tiers) - 1)) and len(tiers) > 3
    x, y = world_xy_array(user.events["lon"].to_numpy(), user.events["lat"].to_numpy())
    hollow = user.events["is_contested"].to_numpy(dtype=bool)
    days = user.events["t_start"].to_numpy()
    for tier in tiers[:-1]:
        part = {name: column[tier["start"]:tier["start"] + tier["length"]] for name, column in columns.items()}
        assert tier["length"] <= 0.5 * ROWS
        scale = 512 * 2 ** tier["zoom"]
        first = part["row"]
        # Each instance sits at its first row and opens with the earliest of its pixel's rows.
        assert (part["t_start"] <= days[first]).all() and (days[first] == part["t_start"]).all()
        for day in np.quantile(days, [0.1, 0.5, 0.9]):
            rows_shown = days <= day
            drawn = part["t_start"] <= day
            assert _cells(scale, x[first][drawn], y[first][drawn], hollow[first][drawn]) == _cells(scale, x[rows_shown], y[rows_shown], hollow[rows_shown])


def test_the_owner_gets_the_columns_and_another_session_gets_404(merged, server) -> None:
    client, _ = server
    user = _user(merged)
    REGISTRY.register("a", "secret-a", user, "token-a")
    url = f"{ROUTE}/token-a"
    mine = client.get(url, headers={KEY_HEADER: "secret-a"})
    assert mine.status_code == 200 and mine.headers["cache-control"] == "no-store"
    assert mine.headers["content-encoding"] == "gzip" and gzip.decompress(mine.content) == columns_blob(user)
    # Session b, with its own secret, asking for a's token; no secret at all; a token never issued.
    assert client.get(url, headers={KEY_HEADER: "secret-b"}).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(f"{ROUTE}/token-x", headers={KEY_HEADER: "secret-a"}).status_code == 404
    assert client.get(f"{url}/row/en/0", headers={KEY_HEADER: "secret-b"}).status_code == 404


def test_a_row_gives_the_id_and_the_tooltip_of_the_inline_layer(merged, server) -> None:
    from rkmap.render import layer_parts

    client, _ = server
    user = _user(merged)
    REGISTRY.register("a", "secret-a", user, "token-a")
    picked = client.get(f"{ROUTE}/token-a/row/en/7", headers={KEY_HEADER: "secret-a"}).json()
    record = layer_parts.event_records(user.events.iloc[[7]], MapView(as_of=date(2023, 1, 1)), layer_parts.USER)[0]
    assert picked == {"id": record["id"], "layer": "event", "tooltip": record["tooltip"]}
    assert picked["tooltip"].startswith("Your data: ")
    assert client.get(f"{ROUTE}/token-a/row/en/{ROWS}", headers={KEY_HEADER: "secret-a"}).status_code == 404
    assert client.get(f"{ROUTE}/token-a/row/xx/0", headers={KEY_HEADER: "secret-a"}).status_code == 404


def test_a_session_that_ended_is_not_served_and_its_release_unregisters_it(merged, server) -> None:
    client, active = server
    REGISTRY.register("a", "secret-a", _user(merged), "token-a")
    active.discard("a")
    assert client.get(f"{ROUTE}/token-a", headers={KEY_HEADER: "secret-a"}).status_code == 404
    user_channel._release("a")  # what Streamlit calls as it drops the session's resources
    assert "token-a" not in REGISTRY.entries


def test_removing_the_upload_frees_its_columns(server, tmp_path) -> None:
    client, _ = server
    shipped, _ = load_dataset()
    path = tmp_path / "acled.csv"
    write_acled(path, ROWS)
    merged = with_user_data(shipped, [load_user_file(path.name, path.read_bytes(), set(shipped.places["id"]))])
    user = _user(merged)
    served_blob(user)
    REGISTRY.register("a", "secret-a", user, "token-a")
    assert client.get(f"{ROUTE}/token-a", headers={KEY_HEADER: "secret-a"}).status_code == 200
    gone = __import__("weakref").ref(user)
    del merged, user  # the session's merged dataset replaced (rkmap/app/upload_panel.py session_dataset)
    gc.collect()
    assert gone() is None, "something still holds the removed upload's rows"
    assert "token-a" not in REGISTRY.entries
    assert client.get(f"{ROUTE}/token-a", headers={KEY_HEADER: "secret-a"}).status_code == 404


def test_the_deck_names_the_channel_and_nothing_is_written_under_static(merged) -> None:
    view = MapView(as_of=date(2023, 10, 13))
    build_deck(merged, view)  # the shipped layers' files, written (or found) first
    before = {p.name for p in CACHE_DIR.iterdir()} if CACHE_DIR.exists() else set()
    issued = []

    def channel(user):
        issued.append(user)
        columns_blob(user)
        return {"url": f"{ROUTE}/tok", "key": "k"}

    deck = json.loads(build_deck(merged, view, channel=channel).to_json())
    after = {p.name for p in CACHE_DIR.iterdir()} if CACHE_DIR.exists() else set()
    assert after == before, f"written under static/ for user data: {sorted(after - before)}"
    layer = next(layer for layer in deck["layers"] if layer["id"] == "user-events")
    assert layer["data"] == [] and layer["columnar"] == {"url": f"{ROUTE}/tok", "key": "k", "filter": ["t_start", "t_end"], "lang": "en"}
    assert issued and len(issued[0].events) == ROWS
    # No user row or text in the JSON: it stays the size of the shipped map's.
    text = json.dumps(deck)
    assert "UKR1" not in text and len(text) < 200_000
    public = json.loads(build_deck(merged, view.with_(clock="public"), channel=channel).to_json())
    assert next(layer for layer in public["layers"] if layer["id"] == "user-events")["columnar"]["filter"] == list(clock_columns("public"))

    halo = next(layer for layer in deck["layers"] if layer["id"] == "user-events-current")
    assert halo["data"] == [] and halo["columnar"] == {"url": f"{ROUTE}/tok/halo/event/30", "key": "k", "filter": ["t_start", "t_end"], "lang": "en"}
    assert [layer["id"] for layer in deck["layers"]].index("user-events-current") < [layer["id"] for layer in deck["layers"]].index("user-events")
    assert next(layer for layer in public["layers"] if layer["id"] == "user-events-current")["columnar"]["url"] == f"{ROUTE}/tok/halo/public/30"


def _where_each(lon: np.ndarray, lat: np.ndarray, rows: np.ndarray, zoom: int | None) -> list[tuple]:
    """The pixel of a zoom (None: the spot) of each of the given rows."""
    from rkmap.core.projection import world_xy_array

    if zoom is None:
        return list(zip(lon[rows], lat[rows], strict=True))
    x, y = world_xy_array(lon[rows], lat[rows])
    return list(zip(np.floor(x * 512 * 2**zoom).astype(int), np.floor(y * 512 * 2**zoom).astype(int), strict=True))


def _where(lon: np.ndarray, lat: np.ndarray, rows: np.ndarray, zoom: int | None) -> set[tuple]:
    """The pixels of a zoom (None: the spots) that the given rows lie in."""
    return set(_where_each(lon, lat, rows, zoom))


@pytest.mark.parametrize(("clock", "emphasis"), [("event", 7), ("event", 90), ("public", 30)])
def test_each_halo_tier_is_on_at_every_day_in_the_pixels_where_a_row_is_happening_now(merged, clock, emphasis) -> None:
    """The halo's runs, per pixel of a tier's zoom (per spot in the last tier), are current exactly where one of their rows is."""
    events = _user(merged).events.copy()
    # Some rows last a while and share a spot with others, so runs merge and split.
    events["t_end"] = events["t_start"] + (np.arange(len(events)) % 5) * 40
    columns, tiers = halo_tiers(events, clock, emphasis)
    assert tiers[-1]["zoom"] is None and len(tiers) > 2
    opens, closes = (events[c].to_numpy() for c in clock_columns(clock))
    lon, lat = events["lon"].to_numpy(), events["lat"].to_numpy()
    for tier in tiers:
        part = slice(tier["start"], tier["start"] + tier["length"])
        first = columns["row"][part]
        np.testing.assert_allclose(columns["position"][part], np.column_stack([lon[first], lat[first]]), atol=1e-4)
        for day in np.quantile(opens, [0.05, 0.3, 0.5, 0.8, 0.99]).round():
            now = np.flatnonzero((opens <= day) & (closes >= day - emphasis))
            on = (columns["t_start"][part] <= day) & (columns["t_end"][part] >= day - emphasis)
            assert _where(lon, lat, first[on], tier["zoom"]) == _where(lon, lat, now, tier["zoom"]), (tier, day)


def test_the_halo_route_serves_the_owner_one_clock_and_emphasis_the_app_offers(merged, server) -> None:
    client, _ = server
    user = _user(merged)
    REGISTRY.register("a", "secret-a", user, "token-a")
    mine = client.get(f"{ROUTE}/token-a/halo/event/30", headers={KEY_HEADER: "secret-a"})
    assert mine.status_code == 200 and mine.headers["content-encoding"] == "gzip" and mine.headers["cache-control"] == "no-store"
    assert gzip.decompress(mine.content) == gzip.decompress(served_halo(user, "event", 30))
    columns, tiers = unpack(gzip.decompress(mine.content))
    assert set(columns) == {"position", "t_start", "t_end", "row"} and tiers[-1]["zoom"] is None
    assert client.get(f"{ROUTE}/token-a/halo/event/30", headers={KEY_HEADER: "secret-b"}).status_code == 404
    for bad in ("halo/now/30", "halo/event/31", "halo/event/-7", "halo/event/99999999999"):
        assert client.get(f"{ROUTE}/token-a/{bad}", headers={KEY_HEADER: "secret-a"}).status_code == 404, bad


def test_without_the_channel_many_own_events_keep_their_halo_inline(merged) -> None:
    from rkmap.render._grouping import current_intervals

    deck = json.loads(build_deck(merged, MapView(as_of=date(2023, 10, 13), emphasis_days=90)).to_json())
    halo = next(layer for layer in deck["layers"] if layer["id"] == "user-events-current")
    runs = current_intervals(_user(merged).events, "event", 90)
    assert len(halo["data"]) == len(runs) > 0 and halo["getFilterValue"] == "@@=[t_start, t_end]"



def test_tiers_group_by_each_zooms_pixels_up_to_the_worlds_edges() -> None:
    """The tiers' one sort (rkmap/render/user_columns.py _morton): one instance per pixel of each zoom and claim status,
    covering the pixels of every row, also at ±180° and past the map's poles."""
    from rkmap.render.layer_parts import USER
    from rkmap.render.user_columns import event_tiers

    rng = np.random.default_rng(3)
    lon = np.concatenate([[-180.0, 180.0, 179.999999, -179.999999, 0.0, 0.0], rng.normal(129.0, 0.05, 4_000)]).round(6)
    lat = np.concatenate([[85.0511, -85.0511, 89.9, -89.9, 0.0, 1e-9], rng.normal(42.0, 0.05, 4_000)]).round(6)
    days = rng.integers(19_000, 19_050, len(lon))
    hollow = rng.random(len(lon)) < 0.3
    events = pd.DataFrame({"lon": lon, "lat": lat, "is_contested": hollow, "t_start": days, "t_end": days + 3, "t_public": days})
    columns, tiers = event_tiers(events, USER)
    assert len(tiers) > 4
    everyone = np.arange(len(lon))
    for tier in tiers[:-1]:
        rows = columns["row"][tier["start"]:tier["start"] + tier["length"]]
        assert _where(lon, lat, rows, tier["zoom"]) == _where(lon, lat, everyone, tier["zoom"])
        pixels = _where_each(lon, lat, rows, tier["zoom"])
        assert len(set(zip(pixels, hollow[rows], strict=True))) == len(rows) == len(set(zip(_where_each(lon, lat, everyone, tier["zoom"]), hollow, strict=True)))
