"""The guided story: a curated sequence of steps through the relationship (``story.csv``).

Each step names one event or route leg of the dataset and the view to show it
in: the as-of date, the frame (region) and the clock. Its captions restate
that item's own sourced data in English and Japanese; the facts and their
quotes stay in the dataset, shown by the detail panel.

Checked on load like every data file: a bad row is named by file, row and
field; strict mode raises, lenient mode leaves the row out and returns the
problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from rkmap.core import columns as _columns
from rkmap.core.errors import DataValidationError, Problem, Report
from rkmap.core.frames import REGIONS
from rkmap.core.schema import Column
from rkmap.data.loading import DATA_DIR, Dataset
from rkmap.data.window import data_span

STORY_FILE = "story.csv"
CLOCKS = ("event", "public")
ITEM_PATTERN = re.compile(r"^(event|leg):([a-z0-9][a-z0-9_\-]{0,79})$")


def _columns_for(regions: tuple[str, ...]) -> tuple[Column, ...]:
    return (
        Column("step", "int", doc="Order of the step (1, 2, …; unique)"),
        Column("item", "text", doc="The item shown: event:ID or leg:ID"),
        Column("date", "date", doc="The as-of date to show (YYYY-MM-DD)"),
        Column("region", "enum", choices=regions, doc="The frame"),
        Column("clock", "enum", choices=CLOCKS, doc="Show items at the date they happened (event) or became public (public)"),
        Column("caption_en", "text", doc="Caption (English): restates the item's own data"),
        Column("caption_ja", "text", doc="Caption (Japanese)"),
    )


@dataclass(frozen=True)
class StoryStep:
    step: int
    item: str  # 'event:ID' or 'leg:ID'
    as_of: date
    region: str
    clock: str
    caption_en: str
    caption_ja: str

    def caption(self, lang: str) -> str:
        return self.caption_ja if lang == "ja" and self.caption_ja else self.caption_en


def load_story(
    dataset: Dataset, data_dir: Path | str = DATA_DIR, *, strict: bool = True
) -> tuple[tuple[StoryStep, ...], list[Problem]]:
    """The story steps of ``data_dir/story.csv``, in step order, checked against ``dataset``.

    No file means no story (a team's own data folder need not have one).
    """
    path = Path(data_dir) / STORY_FILE
    report = Report()
    if not path.exists():
        return (), []
    steps = _read(path, dataset, tuple(REGIONS), data_span(dataset), report)
    report.problems.sort(key=lambda p: p.row or 0)  # in file order
    if strict and report.problems:
        raise DataValidationError(report.problems)
    return steps, report.problems


def _read(path: Path, dataset: Dataset, regions: tuple[str, ...], span: tuple[date, date], report: Report) -> tuple[StoryStep, ...]:
    label = STORY_FILE
    columns = _columns_for(regions)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", on_bad_lines="error")
    except (UnicodeDecodeError, ValueError, OSError, pd.errors.ParserError) as exc:
        report.add(label, None, None, f"cannot be read as UTF-8 CSV ({exc.__class__.__name__}: {str(exc)[:200]})")
        return ()
    missing = [c.name for c in columns if c.name not in raw.columns]
    if missing:
        report.add(label, 1, ", ".join(missing), "required column(s) missing from the header")
        return ()
    frame = pd.DataFrame({c.name: _columns.text(raw[c.name]) for c in columns})
    frame["_row"] = np.arange(2, 2 + len(frame))  # line numbers: the header is line 1
    ok = pd.Series(True, index=frame.index)
    for name, errors in _columns.check_columns(frame, columns).items():
        bad = errors != ""
        report.add_rows(label, frame, bad, name, errors)
        ok &= ~bad

    def flag(i: int, field: str, message: str) -> None:
        report.add(label, int(frame.at[i, "_row"]), field, message)
        ok[i] = False

    first, last = span
    seen: set[int] = set()
    for i in frame.index:
        step_text = frame.at[i, "step"]
        if step_text:
            if not step_text.isascii() or not step_text.isdigit() or int(step_text) < 1:
                flag(i, "step", f"'{step_text}' is not a whole number from 1")
            elif int(step_text) in seen:
                flag(i, "step", f"step {int(step_text)} is a duplicate")
            else:
                seen.add(int(step_text))
        item = frame.at[i, "item"]
        row = None
        if item and not ITEM_PATTERN.match(item):
            flag(i, "item", f"'{item}' is not of the form event:ID or leg:ID")
        elif item:
            row = _item_row(dataset, item)
            if row is None:
                flag(i, "item", f"'{item}' is not an event or route leg of the data")
        as_of = None
        if frame.at[i, "date"] and pd.notna(frame.at[i, "_date_first"]):
            if frame.at[i, "_date_precision"] != "day":
                flag(i, "date", f"'{frame.at[i, 'date']}' is not a full date YYYY-MM-DD")
            elif not first <= frame.at[i, "_date_first"].date() <= last:
                day = frame.at[i, "_date_first"].date().isoformat()
                flag(i, "date", f"{day} is outside the data's span {first.isoformat()} – {last.isoformat()}")
            else:
                as_of = frame.at[i, "_date_first"].date()
        clock = frame.at[i, "clock"]
        if row is not None and as_of is not None and clock in CLOCKS:
            opens = row["start"] if clock == "event" else row["public"]
            if opens > as_of:
                flag(i, "date", f"{item} is not on the map yet on {as_of.isoformat()} with the '{clock}' clock (it appears on {opens.isoformat()})")
    good = frame[ok]
    steps = [
        StoryStep(int(r["step"]), r["item"], r["_date_first"].date(), r["region"], r["clock"], r["caption_en"], r["caption_ja"])
        for _, r in good.iterrows()
    ]
    return tuple(sorted(steps, key=lambda s: s.step))


def _item_row(dataset: Dataset, item: str) -> pd.Series | None:
    match = ITEM_PATTERN.match(item)
    if not match:
        return None
    kind, ident = match.groups()
    table = dataset.events if kind == "event" else dataset.route_legs
    rows = table[table["id"] == ident]
    return None if rows.empty else rows.iloc[0]
