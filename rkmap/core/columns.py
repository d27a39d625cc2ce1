"""Column-wise parsing and checks: one pass per column, fast at a million rows.

Strings are Arrow-backed so comparisons and pattern matches run in C++; full
ISO dates take a vectorized fast path and only partial or malformed dates go
through a regular expression.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rkmap.core.cells import numbers, text_buffers
from rkmap.core.dates import EPOCH, parse_partial_date, period_first_days, plain_dates
from rkmap.core.schema import CONTESTED_STATUSES, Column

ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,79}$"
STRING = "string[pyarrow]"


def isin(values: pd.Series, members: object) -> pd.Series:
    """``values.isin(members)`` for a large set of strings, computed by pyarrow (pandas builds a Python list of scalars)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(members, pd.Series):
        value_set = pa.array(members.astype(STRING).array)
    else:
        value_set = pa.array([str(m) for m in members], pa.string())
    if not len(value_set):
        return pd.Series(False, index=values.index)
    array = pa.array(values.astype(STRING).array)
    return pd.Series(pc.is_in(array, value_set=value_set).to_numpy(zero_copy_only=False), index=values.index).fillna(False).astype(bool)


def text(values: pd.Series) -> pd.Series:
    """Cells as stripped Arrow strings; missing cells become ''."""
    values = values.astype(STRING).fillna("")
    # A column none of whose cells starts or ends in a space is its own stripped copy: not copied again (most columns of a file).
    return values if _nothing_to_strip(values) else values.str.strip()


def _nothing_to_strip(values: pd.Series) -> bool:
    """No cell starts or ends with a byte of white space, read from the Arrow buffers (no string made or copied).

    Conservative: a first or last byte that is a control character, a space or
    any non-ASCII byte (a UTF-8 space such as U+00A0 starts and ends with one)
    counts as one, and the cells are then stripped as usual.
    """
    for offsets, data, valid in text_buffers(values):
        if valid is not None:
            return False
        filled = offsets[1:] > offsets[:-1]
        ends = np.concatenate([data[offsets[:-1][filled]], data[offsets[1:][filled] - 1]])
        if not ((ends > 0x20) & (ends < 0x7F)).all():
            return False
    return True


@dataclass(frozen=True)
class ParsedDates:
    """A column of partial dates: the interval each covers, its precision, and errors."""

    first: pd.Series  # datetime64; NaT where empty or bad
    last: pd.Series
    precision: pd.Series  # 'day' | 'month' | 'year' | ''
    error: pd.Series  # '' where fine or empty


def _set(target: pd.Series, mask: pd.Series, value: object) -> None:
    """``target[mask] = value``: a constant, a Series, or a function of the mask giving the rows' values."""
    if mask.any():
        if callable(value):
            value = value(mask)
        target[mask] = value if not isinstance(value, pd.Series) else value[mask]


def parse_dates(values: pd.Series) -> ParsedDates:
    """The interval, precision and error of each cell: the plain ISO forms in numpy, every other cell by :func:`_parse_general`.

    A cell in a plain form whose day is not a day of the calendar (2023-02-30), or
    whose year is far off, is read by the general path, so its message is the same.
    """
    if not len(values) or not isinstance(values.dtype, pd.StringDtype):
        return _parse_general(values)
    plain = plain_dates(values)
    if not plain.form.any():
        return _parse_general(values)
    is_day, is_month, is_year = plain.is_day, plain.form & (plain.size == 7), plain.form & (plain.size == 4)
    year_last = period_first_days(plain.year - 1970 + 1, "Y") - 1
    first = np.where(is_day, plain.day, plain.month_first).astype("datetime64[s]")  # a year's first day is its January's
    last = np.where(is_day, plain.day, np.where(is_month, plain.month_last, year_last)).astype("datetime64[s]")
    precision = np.full(len(values), "", dtype=object)
    precision[is_day], precision[is_month], precision[is_year] = "day", "month", "year"
    error = np.full(len(values), "", dtype=object)
    read = is_day | is_month | is_year
    first[~read], last[~read] = np.datetime64("NaT"), np.datetime64("NaT")
    if not read.all():
        rest = _parse_general(values[~read])
        first[~read], last[~read] = rest.first.to_numpy(dtype="datetime64[s]"), rest.last.to_numpy(dtype="datetime64[s]")
        precision[~read], error[~read] = rest.precision.to_numpy(dtype=object), rest.error.to_numpy(dtype=object)
    index = values.index
    return ParsedDates(pd.Series(first, index=index), pd.Series(last, index=index), pd.Series(precision, index=index, dtype=object), pd.Series(error, index=index, dtype=object))


def _parse_general(values: pd.Series) -> ParsedDates:
    index = values.index
    first = pd.Series(pd.NaT, index=index, dtype="datetime64[s]")
    last = first.copy()
    precision = pd.Series("", index=index, dtype=object)
    error = pd.Series("", index=index, dtype=object)
    present = values != ""
    full = present & (values.str.len() == 10)
    if full.any():
        exact = pd.to_datetime(values[full], format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
        good = exact.notna()
        first[good[good].index] = exact[good]
        last[good[good].index] = exact[good]
        precision[good[good].index] = "day"
        full = full & first.notna()
    month = present & ~full & (values.str.len() == 7) & values.str.match(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    if month.any():  # YYYY-MM: the month's first and last day
        start = pd.to_datetime(values[month] + "-01", format="%Y-%m-%d").astype("datetime64[s]")
        first[month], last[month], precision[month] = start, (start + pd.offsets.MonthEnd(0)).astype("datetime64[s]"), "month"
    year = present & ~full & ~month & (values.str.len() == 4) & values.str.match(r"^[0-9]{4}$")
    if year.any():
        first[year] = pd.to_datetime(values[year] + "-01-01", format="%Y-%m-%d").astype("datetime64[s]")
        last[year] = pd.to_datetime(values[year] + "-12-31", format="%Y-%m-%d").astype("datetime64[s]")
        precision[year] = "year"
    for i in values.index[present & ~full & ~month & ~year]:  # malformed: rare
        first_i, last_i, precision_i, error_i = _parse_one(str(values[i]))
        first[i], last[i], precision[i], error[i] = first_i, last_i, precision_i, error_i
    return ParsedDates(first, last, precision, error)


def _parse_one(text_value: str) -> tuple[object, object, str, str]:
    try:
        parsed = parse_partial_date(text_value)
    except ValueError as exc:
        return pd.NaT, pd.NaT, "", str(exc)
    try:
        return pd.Timestamp(parsed.first), pd.Timestamp(parsed.last), parsed.precision, ""
    except (OverflowError, ValueError):  # a year pandas cannot hold as a timestamp
        return pd.NaT, pd.NaT, "", f"'{text_value}' is outside the years this map can show"


def check(column: Column, values: pd.Series, dates: ParsedDates | None = None) -> pd.Series:
    """An error message per row ('' where the cell is fine) for one column."""
    errors = pd.Series("", index=values.index, dtype=object)
    empty = values == ""
    if column.required:
        _set(errors, empty, "is required but empty")
    present = ~empty
    # Messages are built for the bad rows only (a million good rows build none).
    if column.kind == "id":
        bad = present & ~values.str.match(ID_PATTERN)
        _set(errors, bad, lambda rows: "'" + values[rows].astype(object) + "' is not an id (lower-case letters, digits, '-' and '_', at most 80)")
    elif column.kind == "enum":
        bad = present & ~values.isin(column.choices)
        _set(errors, bad, lambda rows: "'" + values[rows].astype(object) + f"' is not one of: {', '.join(column.choices)}")
    elif column.kind == "float":
        parsed = numbers(values.where(present, ""))
        bad = present & parsed.isna()
        _set(errors, bad, lambda rows: "'" + values[rows].astype(object) + "' is not a number")
        if column.bounds:
            low, high = column.bounds
            out = present & ~bad & ((parsed < low) | (parsed > high))
            _set(errors, out, lambda rows: values[rows].astype(object) + f" is out of range [{low:g}, {high:g}]")
    elif column.kind == "date" and dates is not None:
        _set(errors, present & (dates.error != ""), dates.error)
    return errors



def as_dates(values: pd.Series) -> np.ndarray:
    """datetime64 values as day precision."""
    return values.to_numpy(dtype="datetime64[D]")


def check_columns(frame: pd.DataFrame, columns: tuple[Column, ...] | list[Column]) -> dict[str, pd.Series]:
    """Check every column of ``frame`` named in ``columns``: an error message per row and column.

    Date columns are parsed on the way and their intervals added to ``frame``
    as ``_NAME_first``, ``_NAME_last`` and ``_NAME_precision``.
    """
    errors: dict[str, pd.Series] = {}
    for column in columns:
        dates = None
        if column.kind == "date":
            dates = parse_dates(frame[column.name])
            frame[f"_{column.name}_first"], frame[f"_{column.name}_last"] = dates.first, dates.last
            frame[f"_{column.name}_precision"] = dates.precision
        errors[column.name] = check(column, frame[column.name], dates)
    return errors


def to_floats(frame: pd.DataFrame, columns: tuple[Column, ...] | list[Column]) -> pd.DataFrame:
    """Float columns (checked) as float64; empty cells become NaN."""
    for column in columns:
        if column.kind == "float":
            frame[column.name] = numbers(frame[column.name]) if isinstance(frame[column.name].dtype, pd.StringDtype) else pd.to_numeric(frame[column.name].replace("", None)).astype("float64")
    return frame


def keep(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """Rows where ``mask`` holds; the frame itself when all do (no copy of a million rows)."""
    return frame if bool(mask.all()) else frame[mask].reset_index(drop=True)


def add_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """_start, _end, _public (datetime64) and date_precision from the parsed date columns."""
    first, last = frame["_date_first"], frame["_date_last"]
    has_end = frame["date_end"] != ""
    end = last.where(~has_end, np.maximum(last, frame["_date_end_last"].fillna(last)))
    public = first.where(frame["disclosed"] == "", frame["_disclosed_first"])
    return frame.assign(
        _start=first,
        _end=end,
        _public=public,
        _end_first=frame["_date_end_first"].where(has_end),
        date_precision=frame["_date_precision"].where(~has_end, "range"),
    )


def ensure_dates(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if "_start" in frame.columns else add_dates(frame)


def date_order_errors(frame: pd.DataFrame) -> dict[str, tuple[pd.Series, str]]:
    """Rows (of a frame with :func:`add_dates` columns) whose end or disclosure precedes the start."""
    return {
        # The stated end, not _end (which add_dates never lets fall before the start).
        "date_end": ((frame["_end_first"].notna() & (frame["_date_end_last"] < frame["_start"])).fillna(False).astype(bool), "ends before it starts"),
        "disclosed": ((frame["_public"] < frame["_start"]).fillna(False).astype(bool), "disclosed before it happened"),
    }


_EPOCH = np.datetime64(EPOCH, "D")


def _day_objects(columns: list[np.ndarray]) -> list[np.ndarray]:
    """datetime64[D] columns as object arrays of ``date`` (None for NaT), the same object for the same day throughout."""
    numbers = [c.view(np.int64) for c in columns]
    valid = [~np.isnat(c) for c in columns]
    present = [n[v] for n, v in zip(numbers, valid, strict=True) if v.any()]
    if not present:
        return [c.astype(object) for c in columns]
    low = min(int(n.min()) for n in present)
    high = max(int(n.max()) for n in present)
    if high - low > sum(len(c) for c in columns):  # a few days far apart (an undated line's context span): one object per distinct day
        distinct, inverse = np.unique(np.concatenate(columns), return_inverse=True)  # NaT sorts last and becomes None, as astype(object) makes it
        objects = distinct.astype(object)[inverse.reshape(-1)]
        return [objects[k * len(columns[0]) : (k + 1) * len(columns[0])] for k in range(len(columns))]
    table = np.arange(low, high + 1).astype("datetime64[D]").astype(object)  # every day of the span once
    out = []
    for n, v in zip(numbers, valid, strict=True):
        objects = np.full(len(n), None, dtype=object)
        objects[v] = table[n[v] - low]
        out.append(objects)
    return out


def finish_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Python dates for display and day numbers for the GPU filter; hidden columns dropped.

    One ``date`` object per distinct day, shared by every row and column that
    holds it: a million events fall on a few thousand days, and an object per
    cell (three columns) weighed about 100 MB and most of the time of this step.
    """
    names = ("start", "end", "public")
    days = [frame[f"_{name}"].to_numpy(dtype="datetime64[D]") for name in names]
    for name, column in zip(names, days, strict=True):
        frame[f"t_{name}"] = (column - _EPOCH).astype(np.int64)
    for name, objects in zip(names, _day_objects(days), strict=True):
        frame[name] = pd.Series(objects, index=frame.index, dtype=object)
    frame["is_contested"] = frame["claim_status"].isin(CONTESTED_STATUSES)
    hidden = [c for c in frame.columns if c.startswith("_") and c != "_row"]
    return frame.drop(columns=hidden)


def row_codes(*columns: pd.Series, dropna: bool = True) -> np.ndarray:
    """``groupby(columns, sort=False, dropna=dropna).ngroup()``: a number per distinct row of the columns, in order of first appearance.

    Each column factorized on its own (text by Arrow's hash), and the rows as one
    integer per step, factorized by numpy's: the groupby's own factorizing took
    longer, and its text keys were a Python string per cell.
    """
    if not len(columns[0]):
        return np.array([], dtype=np.int64)
    codes = None
    for column in columns:
        own = pd.factorize(column, use_na_sentinel=dropna)[0].astype(np.int64)
        if dropna and (own < 0).any():  # NA: the groupby leaves those rows out
            return pd.DataFrame(dict(enumerate(columns))).groupby(list(range(len(columns))), sort=False).ngroup().to_numpy()
        codes = own if codes is None else pd.factorize(codes * (int(own.max()) + 1) + own)[0].astype(np.int64)
    return codes
