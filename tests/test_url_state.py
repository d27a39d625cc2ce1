"""URL parameters: parsed as plain values, bad ones ignored with a notice."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.view import MapView
from ui.url_state import parse_query, query_for

FIRST, LAST = date(2000, 7, 19), date(2024, 1, 17)
ITEMS = {"event:vostochny-summit-2023", "leg:sea", "place:dunai"}


def test_round_trip() -> None:
    view = MapView(as_of=date(2023, 9, 13), lang="ja", layers=frozenset({"route", "events"}), clock="public", region="far_east")
    query = query_for(view, "event:vostochny-summit-2023")
    assert query == {"date": "2023-09-13", "lang": "ja", "layers": "route,events", "clock": "public", "region": "far_east", "event": "vostochny-summit-2023"}
    parsed = parse_query(query, FIRST, LAST, ITEMS)
    assert parsed.notices == []
    assert parsed.values == {
        "as_of": date(2023, 9, 13), "lang": "ja", "layer_places": False, "layer_route": True, "layer_events": True,
        "clock": "public", "region": "far_east", "selected": "event:vostochny-summit-2023",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"date": "2023-02-30"}, "Ignored URL parameter date=` 2023-02-30 `: not a date"),
        ({"date": "1999-01-01"}, "outside the data's span"),
        ({"lang": "<script>"}, "Ignored URL parameter lang=` <script> `"),
        ({"layers": "places,__import__('os')"}, "unknown layer"),
        ({"event": "nope"}, "no such event"),
        ({"x": "1"}, "Ignored unknown URL parameter ` x `"),
        ({"date": "9" * 500}, "longer than 200 characters"),
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(params: dict[str, str], notice: str) -> None:
    parsed = parse_query(params, FIRST, LAST, ITEMS)
    assert parsed.values == {}
    assert len(parsed.notices) == 1 and notice in parsed.notices[0]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.one_of(st.text(max_size=300), st.lists(st.text(max_size=30), max_size=3)), max_size=6))
def test_any_query_gives_values_or_notices_never_an_exception(params: dict) -> None:
    parsed = parse_query(params, FIRST, LAST, ITEMS)
    assert set(parsed.values) <= {"as_of", "lang", "clock", "region", "selected", "layer_places", "layer_route", "layer_events"}
    for notice in parsed.notices:
        assert len(notice) < 400


def test_echoed_values_cannot_become_markdown() -> None:
    parsed = parse_query({"![x](http://example.invalid/x.png)": "1", "layers": "*x*", "a`b": "`"}, FIRST, LAST, ITEMS)
    for notice in parsed.notices:
        # Each echoed value sits inside a code span whose fence is longer than any backtick run in it.
        assert "` ![x](http://example.invalid/x.png) `" in notice or "` *x* `" in notice or "`` a`b ``" in notice
