"""The timeline strip's data: the same at every as-of date, one mark per event (or monthly counts)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rkmap.app.timeline import MARGIN_DAYS, MAX_MARKS, NEAR_DAYS, _payload, kind_rows, timeline_payload
from rkmap.core.dates import day_number
from rkmap.data import Dataset
from rkmap.render.static_data import read_published
from rkmap.render.view import MapView, item_states


def test_the_strip_does_not_depend_on_the_date(dataset: Dataset) -> None:
    """A slider step's rerun sends the strip nothing new: the browser moves the rule."""
    early = timeline_payload(dataset, MapView(as_of=date(2019, 4, 25)))
    late = timeline_payload(dataset, MapView(as_of=date(2023, 10, 13)))
    assert early == late
    assert early["nearDays"] == NEAR_DAYS
    # Built once per dataset, language and clock: so nothing in it may depend on the date.
    assert _payload(dataset, MapView(as_of=date(2019, 4, 25))) == _payload(dataset, MapView(as_of=date(2023, 10, 13)))


def test_one_mark_per_event_placed_by_its_dates(dataset: Dataset) -> None:
    marks = read_published(timeline_payload(dataset, MapView(as_of=date(2023, 10, 13)))["marks"])
    events = dataset.events
    assert len(marks["title"]) == len(events) == len(marks["kind"]) == len(marks["start"])
    row = events.index[events["id"] == "vostochny-summit-2023"][0]
    assert marks["title"][row] == events.loc[row, "title_en"]
    assert marks["start"][row] == day_number(date(2023, 9, 13))
    assert marks["end"][row] == marks["start"][row] + 1, "a one-day event spans that whole day"
    assert kind_rows("en")[marks["kind"][row]][0] == "Summit"
    assert marks["contested"] == events["is_contested"].tolist()
    assert marks["disclosed"] == (events["t_public"] > events["t_start"]).tolist()


def test_the_browser_fades_what_the_map_hides(dataset: Dataset) -> None:
    """The strip fades marks whose ``opens`` day is after the as-of date: the map's rule, per clock."""
    for clock in ("event", "public"):
        marks = read_published(timeline_payload(dataset, MapView(as_of=date(2023, 10, 13), clock=clock))["marks"])
        for as_of in (date(2019, 4, 25), date(2023, 10, 13)):
            view = MapView(as_of=as_of, clock=clock)
            faded = [opens > view.as_of_day for opens in marks["opens"]]
            assert faded == (item_states(dataset.events, view) == "hidden").tolist(), (clock, as_of)


def test_labels_follow_the_language(dataset: Dataset) -> None:
    payload = timeline_payload(dataset, MapView(as_of=date(2023, 10, 13), lang="ja"))
    assert payload["kinds"][0] == ["首脳会談", kind_rows("en")[0][1]]
    assert payload["text"]["title"] == "年表"
    marks = read_published(payload["marks"])
    assert "ウラジオストク" in "".join(marks["title"])


def test_the_whole_story_spans_every_event(dataset: Dataset) -> None:
    first, last = timeline_payload(dataset, MapView(as_of=date(2023, 10, 13)))["span"]
    assert first == int(dataset.events["t_start"].min()) - MARGIN_DAYS
    assert last == int(dataset.events["t_end"].max()) + MARGIN_DAYS


def test_many_events_become_monthly_counts(dataset: Dataset) -> None:
    events = pd.concat([dataset.events] * (MAX_MARKS // len(dataset.events) + 1), ignore_index=True)
    many = Dataset(dataset.sources, dataset.places, events, dataset.route_legs, dataset.citations, dataset.disagreements)
    payload = timeline_payload(many, MapView(as_of=date(2023, 10, 13)))
    assert "marks" not in payload
    counts = read_published(payload["counts"])
    assert set(counts) == {"month", "kind", "events"} and sum(counts["events"]) == len(events)
    months = pd.to_datetime(counts["month"], unit="D")
    assert (months.day == 1).all(), "each count is keyed by its month's first day"
    assert counts["month"] == sorted(counts["month"])
