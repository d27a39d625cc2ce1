"""URL parameters: parsed as plain values, bad ones ignored with a notice."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rkmap.app.url_state import parse_query, query_for
from rkmap.render.view import MapView

ITEMS = {"event:vostochny-summit-2023", "leg:sea", "place:dunai"}


def test_round_trip() -> None:
    view = MapView(as_of=date(2023, 9, 13), lang="ja", layers=frozenset({"route", "events"}), clock="public", region="far_east")
    query = query_for(view, "event:vostochny-summit-2023")
    assert query == {"date": "2023-09-13", "lang": "ja", "layers": "route,events", "clock": "public", "region": "far_east", "event": "vostochny-summit-2023"}
    parsed = parse_query(query, ITEMS)
    assert parsed.notices == []
    assert parsed.values == {
        "as_of": date(2023, 9, 13), "lang": "ja", "layer_places": False, "layer_route": True, "layer_events": True,
        "clock": "public", "region": "far_east", "selected": "event:vostochny-summit-2023",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"date": "2023-02-30"}, "Ignored the address parameter date=` 2023-02-30 `: not a date"),
        ({"date": "20230913"}, "not a date of the form YYYY-MM-DD"),
        ({"date": "3023-09-13"}, "dates run from 1900-01-01 to 2100-12-31"),
        ({"lang": "<script>"}, "Ignored the address parameter lang=` <script> `"),
        ({"layers": "places,__import__('os')"}, "unknown layer"),
        ({"event": "nope"}, "no such event"),
        ({"x": "1"}, "Ignored an unknown address parameter ` x `"),
        ({"date": "9" * 500}, "longer than 200 characters"),
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(params: dict[str, str], notice: str) -> None:
    parsed = parse_query(params, ITEMS)
    assert parsed.values == {}
    assert len(parsed.notices) == 1 and notice in parsed.notices[0].text("en")
    assert parsed.notices[0].text("ja").startswith("アドレスの") or "不明な" in parsed.notices[0].text("ja")


@pytest.mark.parametrize("day", ["1999-01-01", "2025-06-01", "2026-12-06"])
def test_a_date_outside_the_data_is_a_normal_as_of_date(day: str) -> None:
    """'As of today' after the last event, or a day before the first: the map then says where the data end."""
    parsed = parse_query({"date": day}, ITEMS)
    assert parsed.notices == [] and parsed.values == {"as_of": date.fromisoformat(day)}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.one_of(st.text(max_size=300), st.lists(st.text(max_size=30), max_size=3)), max_size=6))
def test_any_query_gives_values_or_notices_never_an_exception(params: dict) -> None:
    parsed = parse_query(params, ITEMS)
    assert set(parsed.values) <= {"as_of", "lang", "clock", "region", "selected", "layer_places", "layer_route", "layer_events"}
    for notice in parsed.notices:
        assert len(notice.text("en")) < 400 and len(notice.text("ja")) < 400


def test_echoed_values_cannot_become_markdown() -> None:
    parsed = parse_query({"![x](http://example.invalid/x.png)": "1", "layers": "*x*", "a`b": "`"}, ITEMS)
    for notice in (n.text(lang) for n in parsed.notices for lang in ("en", "ja")):
        # Each echoed value sits inside a code span whose fence is longer than any backtick run in it.
        assert "` ![x](http://example.invalid/x.png) `" in notice or "` *x* `" in notice or "`` a`b ``" in notice
