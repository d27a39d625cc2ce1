"""The timeline strip: one spec per dataset and language; a date change changes only its data."""

from __future__ import annotations

from datetime import date

import pandas as pd

from geodata import Dataset
from layers.view import MapView
from ui.timeline import AS_OF_DATA, EVENTS_DATA, MAX_MARKS, NEAR_DAYS, timeline_spec


def _without_data(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k != "datasets"}


def test_a_date_change_changes_the_data_not_the_spec(dataset: Dataset) -> None:
    early = timeline_spec(dataset, MapView(as_of=date(2019, 4, 25)))
    late = timeline_spec(dataset, MapView(as_of=date(2023, 10, 13)))
    assert _without_data(early) == _without_data(late)
    assert early["datasets"][AS_OF_DATA]["as_of"].iloc[0] == pd.Timestamp("2019-04-25")
    states = early["datasets"][EVENTS_DATA].set_index(dataset.events["id"])["state"]
    assert states["vladivostok-summit-2019"] != "hidden" and states["vostochny-summit-2023"] == "hidden"
    assert (late["datasets"][EVENTS_DATA]["state"] != "hidden").sum() > (states != "hidden").sum()
    layers = early["layer"]
    assert all(layer["data"]["name"] in (EVENTS_DATA, AS_OF_DATA) for layer in layers)


def test_labels_follow_the_language(dataset: Dataset) -> None:
    ja = timeline_spec(dataset, MapView(as_of=date(2023, 10, 13), lang="ja"))
    assert "首脳会談" in set(ja["datasets"][EVENTS_DATA]["kind"]) | set(ja["layer"][0]["encoding"]["y"]["sort"])


def test_the_near_strip_spans_a_year_each_side(dataset: Dataset) -> None:
    spec = timeline_spec(dataset, MapView(as_of=date(2023, 10, 13)), "near")
    domains = [layer["encoding"]["x"]["scale"]["domain"] for layer in spec["layer"] if "scale" in layer["encoding"]["x"]]
    assert domains and all(d == [str(pd.Timestamp("2023-10-13") - pd.Timedelta(days=NEAR_DAYS)).replace(" ", "T"), str(pd.Timestamp("2023-10-13") + pd.Timedelta(days=NEAR_DAYS)).replace(" ", "T")] for d in domains)


def test_many_events_become_monthly_counts(dataset: Dataset) -> None:
    events = pd.concat([dataset.events] * (MAX_MARKS // len(dataset.events) + 1), ignore_index=True)
    many = Dataset(dataset.sources, dataset.places, events, dataset.route_legs, dataset.citations, dataset.disagreements)
    spec = timeline_spec(many, MapView(as_of=date(2023, 10, 13)))
    counts = spec["datasets"][EVENTS_DATA]
    assert set(counts.columns) == {"month", "kind", "events"} and counts["events"].sum() == len(events)
