"""Many events drawn as few instances, with the same answers at every date.

Events at the same spot with the same kind and claim status look identical,
so the map draws one symbol per such group, shown from the group's first
event: exact. The "happening now" halo of a spot is on while any of its
events is current; merging each spot's [start, end + emphasis] intervals
gives one instance per merged interval: exact too. A software-rendered
browser then draws hundreds of instances rather than a million (it pays per
instance even for filtered-out ones: with the halo merged per group rather
than per spot, 100 k events still gave 10,500 halo instances).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rkmap.render.view import Clock, clock_columns

GROUP_KEYS = ["lon", "lat", "kind", "is_contested"]
SPOT_KEYS = ["lon", "lat"]


def _group_codes(events: pd.DataFrame, keys: list[str] = GROUP_KEYS) -> np.ndarray:
    frame = pd.DataFrame({k: events[k].astype(object) if k == "kind" else events[k] for k in keys})
    return frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()


def symbol_groups(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (spot, kind, claim) group: first start/disclosure, last end, count, first event."""
    codes = _group_codes(events)
    frame = events[["id", *GROUP_KEYS, "t_start", "t_end", "t_public"]].assign(group=codes)
    first = frame.sort_values(["group", "t_start"], kind="stable").drop_duplicates("group")
    grouped = frame.groupby("group")
    out = first.set_index("group")[["id", *GROUP_KEYS]].assign(
        t_start=grouped["t_start"].min(),
        t_end=grouped["t_end"].max(),
        t_public=grouped["t_public"].min(),
        count=grouped.size(),
    )
    return out.reset_index(drop=True)


def current_intervals(events: pd.DataFrame, clock: Clock, emphasis_days: int) -> pd.DataFrame:
    """Per spot, the merged spans in which some event there is current.

    A row [t_start, t_end] is current at day a when t_start <= a and
    t_end >= a - emphasis_days: the same test as for single events.
    """
    opens, closes = clock_columns(clock)
    codes = _group_codes(events, SPOT_KEYS)
    frame = pd.DataFrame({"group": codes, "open": events[opens].to_numpy(), "close": events[closes].to_numpy()})
    frame = frame.sort_values(["group", "open"], kind="stable").reset_index(drop=True)
    reach = frame.groupby("group")["close"].cummax()
    previous = reach.groupby(frame["group"]).shift()
    starts_run = previous.isna() | (frame["open"] > previous + emphasis_days)
    frame["run"] = starts_run.cumsum()
    runs = frame.groupby("run").agg(group=("group", "first"), t_start=("open", "min"), t_end=("close", "max"))
    spots = pd.DataFrame({"group": codes, "lon": events["lon"].to_numpy(), "lat": events["lat"].to_numpy()}).drop_duplicates("group")
    return runs.merge(spots, on="group", how="left").drop(columns="group").reset_index(drop=True)
