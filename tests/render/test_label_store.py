"""The app server's label placements kept between its starts (rkmap/render/label_store.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from rkmap.data import Dataset
from rkmap.data.user_data import load_user_file, user_parts, with_user_data
from rkmap.render import deck, label_store
from rkmap.render.view import MapView

VIEW = MapView(as_of=date(2023, 10, 13))
JA_FAR_EAST = MapView(as_of=date(2023, 10, 13), lang="ja", region="far_east")


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "label-sets"
    label_store.use(folder)
    try:
        yield folder
    finally:
        label_store.use(None)


def _copy(dataset: Dataset) -> Dataset:
    """The same data as another object: the page's memo (per object) is empty for it, as after a restart."""
    return dataclasses.replace(dataset)


def _sets(dataset: Dataset, view: MapView) -> tuple:
    sets = deck.label_sets(_copy(dataset), view)
    return sets.frame, sets.sizes, sets.zooms, sets.placed


def _no_placing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("placed again")

    monkeypatch.setattr(deck, "label_placements", fail)


def test_off_unless_the_server_turns_it_on(dataset: Dataset, tmp_path: Path) -> None:
    assert label_store.folder() is None
    deck.label_sets(_copy(dataset), VIEW)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("view", [VIEW, JA_FAR_EAST], ids=["en-route", "ja-far-east"])
def test_kept_placements_are_the_placed_ones(dataset: Dataset, view: MapView, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    label_store.use(None)
    placed = _sets(dataset, view)
    label_store.use(store)
    assert _sets(dataset, view) == placed  # placed, and kept
    assert len(list(store.glob("label-sets-*.json"))) == 1
    _no_placing(monkeypatch)
    assert _sets(dataset, view) == placed  # read back: the same frame, sizes, zooms and corners


def test_another_scene_or_other_code_is_placed_again(dataset: Dataset, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _sets(dataset, VIEW)
    calls: list[object] = []
    place = deck.label_placements
    monkeypatch.setattr(deck, "label_placements", lambda *a, **k: calls.append(1) or place(*a, **k))
    # Vladivostok moved by a hundredth of a degree: a new scene, so a new file.
    places = dataset.places.copy()
    places.loc[places["id"] == "vladivostok", "lon"] += 0.01
    assert (places["id"] == "vladivostok").any()
    deck.label_sets(dataclasses.replace(dataset, places=places), VIEW)
    assert calls
    calls.clear()
    # Changed code (the placer, a size, a constant): new names, never the old file.
    monkeypatch.setattr(label_store, "code_digest", lambda: "other code")
    _sets(dataset, VIEW)
    assert calls
    assert len(list(store.glob("label-sets-*.json"))) == 3


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"zooms": [], "placed": []}', '{"zooms": 3, "placed": 4}',
                                     '{"placed": [["place", "x", []]], "zooms": [[], [], [], [], [], []]}'])
def test_a_file_not_of_its_making_is_placed_again(dataset: Dataset, store: Path, content: str) -> None:
    placed = _sets(dataset, VIEW)
    (kept,) = store.glob("label-sets-*.json")
    kept.write_text(content, encoding="utf-8")
    assert _sets(dataset, VIEW) == placed


def test_an_analysts_rows_are_never_kept(dataset: Dataset, store: Path) -> None:
    user = load_user_file("mine.csv", b"id,date,title,lat,lon,source\nmine,2023-09-20,Near Rajin,42.3,130.4,My notes\n",
                          set(dataset.places["id"]))
    merged = with_user_data(dataset, [user])
    shipped, others = user_parts(merged)
    assert others is not None
    deck.label_sets(shipped, VIEW, others=others)
    deck.build_deck(merged, VIEW)
    assert not list(store.glob("label-sets-*.json"))


def test_the_folder_is_bounded(dataset: Dataset, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(label_store, "MAX_FILES", 2)
    for view in (VIEW, JA_FAR_EAST, MapView(as_of=date(2023, 10, 13), region="rajin_dunai")):
        _sets(dataset, view)
    assert len(list(store.glob("label-sets-*.json"))) == 2


def test_an_unwritable_folder_changes_nothing(dataset: Dataset, tmp_path: Path) -> None:
    placed = _sets(dataset, VIEW)
    blocker = tmp_path / "a file"
    blocker.write_text("in the way")
    label_store.use(blocker / "label-sets")  # under a file: cannot be made
    try:
        assert _sets(dataset, VIEW) == placed
    finally:
        label_store.use(None)


def test_kept_files_are_plain_json(dataset: Dataset, store: Path) -> None:
    """Data, never code: read with json, checked against the scene's labels before use."""
    _sets(dataset, VIEW)
    (kept,) = store.glob("label-sets-*.json")
    value = json.loads(kept.read_text(encoding="utf-8"))
    assert set(value) == {"zooms", "placed"}
    assert {layer for layer, _, _ in value["placed"]} <= {"place", "area"}
