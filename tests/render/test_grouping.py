"""Grouped drawing of many events shows exactly what single events would, at every date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rkmap.core.dates import from_day_number
from rkmap.render._grouping import current_intervals, symbol_groups
from rkmap.render.view import MapView, filter_ranges, item_states


def _events(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    spots = rng.integers(0, 5, n)
    start = rng.integers(10_000, 10_400, n)
    return pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(n)],
            "lon": 130.0 + spots,
            "lat": 42.0 + spots / 10,
            "kind": rng.choice(["summit", "visit", "report"], n),
            "is_contested": rng.random(n) < 0.3,
            "t_start": start,
            "t_end": start + rng.integers(0, 20, n),
            "t_public": start + rng.integers(0, 60, n),
        }
    )


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["lon"].astype(str) + "|" + frame["lat"].astype(str) + "|" + frame.get("kind", "").astype(str) + "|" + frame.get("is_contested", "").astype(str)


@pytest.mark.parametrize("clock", ["event", "public"])
@pytest.mark.parametrize("emphasis", [7, 30])
def test_groups_and_spans_match_single_events(clock: str, emphasis: int) -> None:
    events = _events(3000)
    groups = symbol_groups(events)
    spans = current_intervals(events, clock, emphasis)  # type: ignore[arg-type]
    assert len(groups) <= 30 and len(spans) < len(events) / 5
    opens, closes = ("t_start", "t_end") if clock == "event" else ("t_public", "t_public")
    for day in range(9_990, 10_480, 7):
        view = MapView(as_of=from_day_number(day), clock=clock, emphasis_days=emphasis)  # type: ignore[arg-type]
        states = item_states(events, view)
        (lo, hi), (lo2, hi2) = filter_ranges(view)
        shown_groups = set(_key(groups[(groups[opens] >= lo) & (groups[opens] <= hi) & (groups[closes] >= lo2) & (groups[closes] <= hi2)]))
        assert shown_groups == set(_key(events[states != "hidden"]))
        (elo, ehi), (elo2, ehi2) = filter_ranges(view, emphasised=True)
        lit = spans[(spans["t_start"] >= elo) & (spans["t_start"] <= ehi) & (spans["t_end"] >= elo2) & (spans["t_end"] <= ehi2)]
        current_spots = set(zip(events.loc[states == "current", "lon"], events.loc[states == "current", "lat"]))
        assert set(zip(lit["lon"], lit["lat"])) == current_spots


def test_halo_spans_are_merged_per_spot() -> None:
    """One halo instance per spot and stretch of time: what a software renderer pays for."""
    events = _events(3000)
    spans = current_intervals(events, "event", 30)
    for _, spot in spans.groupby(["lon", "lat"]):
        ordered = spot.sort_values("t_start")
        # Spans of a spot are apart by more than the emphasis window, or they would have merged.
        assert (ordered["t_start"].to_numpy()[1:] > ordered["t_end"].to_numpy()[:-1] + 30).all()
    assert len(spans) == len(spans.drop_duplicates(["lon", "lat", "t_start"]))
    assert spans[["lon", "lat"]].drop_duplicates().shape[0] == 5


@pytest.mark.parametrize("case", ["days", "fractional", "huge codes", "empty"])
def test_the_order_by_code_then_opening_is_lexsorts_with_ties_in_data_order(case: str) -> None:
    from rkmap.render._grouping import _by_code_then_open

    rng = np.random.default_rng(7)
    n = 0 if case == "empty" else 5_000
    codes = rng.integers(0, 2**50 if case == "huge codes" else 50, n)  # huge: past the combined key's 62 bits
    opens = rng.integers(-400_000, 700_000, n).astype(float) if case != "fractional" else rng.uniform(0, 10, n).round(1)
    opens[: n // 2] = opens[n // 2 : 2 * (n // 2)]  # ties
    assert np.array_equal(_by_code_then_open(codes, opens), np.lexsort((opens, codes)))
