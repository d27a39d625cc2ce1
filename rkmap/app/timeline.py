"""The timeline strip under the map: events by date and kind, the as-of date marked.

The map component draws it in the browser (rkmap/app/timeline.js), beside the map:
a slider step moves its as-of rule and fades the events not yet shown in the
same frame as the map, and the rerun that follows has nothing new to send.
As a Vega-Lite chart redrawn by every rerun it cost a slider step about 14 ms
of the page's main thread and 5 ms of the script (bench/README.md).

Nothing here depends on the as-of date: the strip's data are published once
per dataset, language and clock as a static JSON file (rkmap/render/static_data.py)
and the browser works out which events are shown at a day, as the map's GPU
filter does (``opens <= day``, rkmap/render/view.py ``item_states``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rkmap.core import style
from rkmap.core.dates import EPOCH
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.text import claim_label, row_span
from rkmap.core.text_safety import reveal_invisible
from rkmap.data import Dataset
from rkmap.data.user_data import ORIGIN_USER
from rkmap.render.static_data import publish_json
from rkmap.render.static_files import cache_path
from rkmap.render.view import MapView, clock_columns, localized

NEAR_DAYS = 365  # the "near" strip spans this many days each side of the as-of date
# Above this many events the strip shows monthly counts by kind, not one mark each.
MAX_MARKS = 1_500
MARGIN_DAYS = 120  # room either side of the whole story's first and last event


def kind_rows(lang: str) -> list[list[str]]:
    """[label, hex colour] per event kind, in the strip's order (its rows, top down)."""
    return [[t(f"event_kind_{k}", lang), style.rgb_hex(colour)] for k, colour in style.EVENT_COLOURS.items()]


def _kind_index(kinds: pd.Series) -> list[int]:
    order = {k: i for i, k in enumerate(style.EVENT_COLOURS)}
    return [order[k] for k in kinds]


def event_marks(dataset: Dataset, view: MapView) -> dict[str, list]:
    """One mark per event, as columns: text for its tooltip and day numbers to place it.

    ``end`` is the day after the last (a span covers whole days); ``opens`` is the
    day the event appears on the map under the view's clock.
    """
    events, lang = dataset.events, view.lang
    opens, _ = clock_columns(view.clock)
    # Only the columns the texts read, as plain records: a Series per row (iterrows) cost ~1 ms a row.
    rows = events[[c for c in dict.fromkeys(("title_en", f"title_{lang}", "start", "end", "date_precision")) if c in events.columns]].to_dict("records")
    return {
        "title": [reveal_invisible(localized(r, "title", lang)) for r in rows],
        "when": [row_span(r, lang) for r in rows],
        "claim": [claim_label(s, lang) for s in events["claim_status"]],
        "kind": _kind_index(events["kind"]),
        "start": events["t_start"].astype(int).tolist(),
        "end": (events["t_end"].astype(int) + 1).tolist(),
        "public": events["t_public"].astype(int).tolist(),
        "opens": events[opens].astype(int).tolist(),
        "contested": events["is_contested"].astype(bool).tolist(),
        "disclosed": (events["t_public"] > events["t_start"]).tolist(),
    }


def monthly_counts(dataset: Dataset) -> dict[str, list[int]]:
    """Events per month (its first day's number) and kind: what a long strip can show of many events."""
    days = dataset.events["t_start"].to_numpy(dtype="int64").astype("datetime64[D]")
    months = (days.astype("datetime64[M]").astype("datetime64[D]") - np.datetime64(EPOCH, "D")).astype(np.int64)
    order = list(style.EVENT_COLOURS)
    # Kinds as codes by one hash pass and the pairs counted as numbers (month × kinds + kind, in (month, kind) order):
    # a Python lookup per event and pandas' value_counts of a million rows took about a second.
    kinds = pd.Categorical(dataset.events["kind"], categories=order).codes.astype(np.int64)
    if (kinds < 0).any():
        _kind_index(dataset.events["kind"])  # a kind the strip has no row for: the KeyError it always raised
    pairs, events = np.unique(months * len(order) + kinds, return_counts=True)
    return {"month": (pairs // len(order)).tolist(), "kind": (pairs % len(order)).tolist(), "events": events.tolist()}


def event_span(dataset: Dataset) -> list[int]:
    """Day numbers the whole-story strip spans: every event's start to its end, with a margin."""
    events = dataset.events
    if events.empty:
        return []
    return [int(events["t_start"].min()) - MARGIN_DAYS, int(events["t_end"].max()) + MARGIN_DAYS]


def timeline_payload(dataset: Dataset, view: MapView) -> dict[str, object]:
    """What the map component needs to draw the strip; the same at every as-of date (built once)."""
    payload = memo(dataset, f"timeline-{view.lang}-{view.clock}", lambda: _payload(dataset, view))
    url = payload.get("marks", payload.get("counts"))
    if isinstance(url, str) and not cache_path(url).exists():
        return _payload(dataset, view)  # the cache's bound removed the file: written again (same URL)
    return payload


def _payload(dataset: Dataset, view: MapView) -> dict[str, object]:
    lang = view.lang
    payload: dict[str, object] = {
        "kinds": kind_rows(lang),
        "span": event_span(dataset),
        "nearDays": NEAR_DAYS,
        "text": {
            "title": t("timeline", lang),
            "disclosed": t("disclosed", lang),
            "window": t("timeline_window", lang),
            "all": t("timeline_all", lang),
            "near": t("timeline_near", lang),
        },
    }
    # A session's own events (its titles, dates and claims) stay in the session: sent
    # inline with the page's data, never written to the static files anyone can fetch.
    own = "origin" in dataset.events.columns and bool((dataset.events["origin"] == ORIGIN_USER).any())
    publish = (lambda key, build: build()) if own else (lambda key, build: publish_json(dataset, key, build))
    if len(dataset.events) > MAX_MARKS:
        payload["counts"] = publish("timeline-counts", lambda: monthly_counts(dataset))
    else:
        payload["marks"] = publish(f"timeline-marks-{lang}-{view.clock}", lambda: event_marks(dataset, view))
    return payload
