"""Story mode: the curated steps (geodata/story.csv) and the story bar driven with AppTest."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import run_app
from streamlit.testing.v1 import AppTest

from rkmap.app.data import DATA_DIR_ENV
from rkmap.core.text import format_date
from rkmap.data import DATA_DIR, Dataset, DataValidationError
from rkmap.data.story import STORY_FILE, load_story
from rkmap.render.view import REGIONS, date_span

# --- the data ---------------------------------------------------------------


def test_story_loads_strictly_and_every_item_exists_in_the_span(dataset: Dataset) -> None:
    steps, problems = load_story(dataset, strict=True)
    assert problems == []
    assert 8 <= len(steps) <= 24
    assert [s.step for s in steps] == sorted(s.step for s in steps)
    first, last = date_span(dataset)
    events, legs = set(dataset.events["id"]), set(dataset.route_legs["id"])
    for step in steps:
        kind, _, ident = step.item.partition(":")
        assert ident in (events if kind == "event" else legs), step.item
        assert first <= step.as_of <= last, step
        assert step.region in REGIONS and step.clock in ("event", "public")
        assert step.caption_en and step.caption_ja
    # The key moments the story is for.
    items = [s.item for s in steps]
    for must in (
        "event:vladivostok-summit-2019",
        "event:vostochny-summit-2023",
        "event:containers-loaded-rajin-2023",
        "event:putin-kim-pyongyang-treaty-2024",
        "event:nk-troops-kursk-asserted-2024",
        "event:north-korea-acknowledges-troops-2025",
    ):
        assert must in items
    disclosure = next(s for s in steps if s.item.startswith("leg:"))
    assert (disclosure.as_of, disclosure.clock) == (date(2023, 10, 13), "public")


def _item_text(dataset: Dataset, item: str) -> str:
    kind, _, ident = item.partition(":")
    table = dataset.events if kind == "event" else dataset.route_legs
    row = table[table["id"] == ident].iloc[0]
    texts = [str(v) for k, v in row.items() if isinstance(v, str)]
    for day in (row["start"], row["end"], row["public"]):
        texts += [day.isoformat(), format_date(day, "en"), format_date(day, "ja")]
    return " ".join(texts)


_NUMBER = re.compile(r"\d+(?:,\d{3})*")
_QUOTED = re.compile(r"'([^']{3,})'|「([^」]+)」")


def test_captions_restate_only_the_items_own_data(dataset: Dataset) -> None:
    """No new facts: every number and every quoted phrase of a caption is in the item's own data."""
    steps, _ = load_story(dataset)
    for step in steps:
        source = _item_text(dataset, step.item)
        for caption in (step.caption_en, step.caption_ja):
            for number in _NUMBER.findall(caption):
                assert number in source, f"step {step.step}: '{number}' is not in {step.item}'s data"
            for en, ja in _QUOTED.findall(caption):
                assert (en or ja) in source, f"step {step.step}: '{en or ja}' is not quoted in {step.item}'s data"


def test_every_step_shows_its_item_on_the_map_at_its_date(dataset: Dataset) -> None:
    steps, _ = load_story(dataset)
    for step in steps:
        kind, _, ident = step.item.partition(":")
        table = dataset.events if kind == "event" else dataset.route_legs
        row = table[table["id"] == ident].iloc[0]
        opens = row["start"] if step.clock == "event" else row["public"]
        assert opens <= step.as_of, step


def test_bad_story_rows_are_named_by_file_row_and_field(dataset: Dataset, tmp_path: Path) -> None:
    good = (DATA_DIR / STORY_FILE).read_text(encoding="utf-8").splitlines()
    first = len(good) + 1  # CSV line of the first bad row (the header is line 1)
    bad_rows = [
        "120,event:no-such-event,2023-09-13,far_east,event,x,x",  # first: item
        "121,event:vostochny-summit-2023,2031-01-01,far_east,event,x,x",  # first + 1: outside the span
        "122,leg:sea,2023-10-01,far_east,public,x,x",  # first + 2: not public yet
        "123,event:vostochny-summit-2023,2023-09,nowhere,event,x,x",  # first + 3: month date, bad region
        "1,event:vostochny-summit-2023,2023-09-13,far_east,event,x,",  # first + 4: duplicate step, empty caption
        "x,leg sea,2023-10-13,route,event,x,x",  # first + 5: step, item form
    ]
    (tmp_path / STORY_FILE).write_text("\n".join(good + bad_rows) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError):
        load_story(dataset, tmp_path, strict=True)
    steps, problems = load_story(dataset, tmp_path, strict=False)
    assert len(steps) == len(good) - 1  # the good rows still load
    where = {(p.file, p.row, p.field) for p in problems}
    assert {
        (STORY_FILE, first, "item"),
        (STORY_FILE, first + 1, "date"),
        (STORY_FILE, first + 2, "date"),
        (STORY_FILE, first + 3, "region"),
        (STORY_FILE, first + 4, "step"),
        (STORY_FILE, first + 4, "caption_ja"),
        (STORY_FILE, first + 5, "step"),
    } <= where, problems
    messages = " ".join(str(p) for p in problems)
    assert "outside the data's span" in messages and "not on the map yet" in messages and "event:ID or leg:ID" in messages


def test_story_file_without_a_column_is_refused(dataset: Dataset, tmp_path: Path) -> None:
    frame = pd.read_csv(DATA_DIR / STORY_FILE, dtype=str).drop(columns="clock")
    frame.to_csv(tmp_path / STORY_FILE, index=False)
    steps, problems = load_story(dataset, tmp_path, strict=False)
    assert steps == () and [(p.row, p.field) for p in problems] == [(1, "clock")]


def test_no_story_file_means_no_story(dataset: Dataset, tmp_path: Path) -> None:
    assert load_story(dataset, tmp_path) == ((), [])


def test_a_new_camera_count_changes_every_camera_key() -> None:
    """Streamlit copies in only the changed keys of the initial view state: all must change to re-frame."""
    from rkmap.render.deck import view_state_for

    plain = view_state_for("far_east").__dict__
    for count in (1, 2, 3):
        before, after = view_state_for("far_east", camera=count - 1).__dict__, view_state_for("far_east", camera=count).__dict__
        for key in ("longitude", "latitude", "zoom", "pitch", "bearing"):
            assert after[key] != before.get(key), (count, key)
        for key in ("longitude", "latitude", "zoom"):
            assert abs(after[key] - plain[key]) <= 1e-5  # invisible


# --- the app ----------------------------------------------------------------


def _click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]


def _view(at: AppTest) -> tuple[date, str, str, str | None]:
    state = at.session_state
    return state["as_of"], state["region"], state["clock"], state["selected"]


def _texts(at: AppTest) -> str:
    return " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])


def test_story_steps_move_date_frame_clock_and_selection(dataset: Dataset) -> None:
    steps, _ = load_story(dataset)
    at = run_app(date="2023-10-13", region="rajin_dunai")
    before = _view(at)
    assert "story_next" not in [b.key for b in at.button]

    _click(at, "story_start")
    first = steps[0]
    assert _view(at) == (first.as_of, first.region, first.clock, first.item)
    assert at.session_state["as_of"] == first.as_of
    assert at.selectbox(key="region").value == first.region
    assert at.selectbox(key="selected").value == first.item
    assert at.button(key="story_previous").disabled
    assert f"Step 1 of {len(steps)}" in _texts(at)

    _click(at, "story_next")
    _click(at, "story_next")
    third = steps[2]
    assert _view(at) == (third.as_of, third.region, third.clock, third.item)
    assert f"Step 3 of {len(steps)}" in _texts(at)
    text = _texts(at)
    assert "First Kim–Putin summit, Vladivostok" in text  # the detail panel's heading
    assert "Sources and quotes" in text

    _click(at, "story_previous")
    second = steps[1]
    assert _view(at) == (second.as_of, second.region, second.clock, second.item)

    cameras = at.session_state["camera"]
    _click(at, "story_exit")
    assert _view(at) == before
    assert at.session_state["camera"] == cameras + 1  # the map is re-framed to the view before
    assert "story_step" not in at.session_state
    assert "story_start" in [b.key for b in at.button]


def test_the_disclosure_step_switches_to_the_public_clock_and_turns_the_route_on(dataset: Dataset) -> None:
    steps, _ = load_story(dataset)
    index = next(i for i, s in enumerate(steps) if s.clock == "public")
    at = run_app()
    at.checkbox(key="layer_route").uncheck().run()
    _click(at, "story_start")
    for _ in range(index):
        _click(at, "story_next")
    assert at.radio(key="clock").value == "public"
    assert at.checkbox(key="layer_route").value is True
    assert "2 route legs shown as of 2023-10-13" in _texts(at)
    for _ in range(len(steps)):
        if at.button(key="story_next").disabled:
            break
        _click(at, "story_next")
    assert at.session_state["story_step"] == len(steps) - 1


def test_story_captions_follow_the_language(dataset: Dataset) -> None:
    steps, _ = load_story(dataset)
    at = run_app(lang="ja")
    assert at.button(key="story_start").label == "▶ ストーリー"
    _click(at, "story_start")
    _click(at, "story_next")
    text = _texts(at)
    assert f"ステップ 2 / {len(steps)}" in text
    assert "ウランウデ" in text and "Medvedev near" not in text
    assert at.button(key="story_next").label == "次へ ›"
    at.radio(key="lang").set_value("en").run()
    assert "Kim Jong Il meets President Medvedev" in _texts(at).replace("\\", "")


def test_no_story_bar_without_a_story_file(data_copy: Path, monkeypatch: pytest.MonkeyPatch, files_only: None) -> None:
    (data_copy / STORY_FILE).unlink()
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))
    at = run_app()
    assert not [b for b in at.button if (b.key or "").startswith("story_")]
