"""Column-wise parsing and checks: one pass per column, fast at a million rows.

Strings are Arrow-backed so comparisons and pattern matches run in C++; full
ISO dates take a vectorized fast path and only partial or malformed dates go
through a regular expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.schema import Column

ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,79}$"
_DATE_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
STRING = "string[pyarrow]"


def text(values: pd.Series) -> pd.Series:
    """Cells as stripped Arrow strings; missing cells become ''."""
    return values.astype(STRING).fillna("").str.strip()


@dataclass(frozen=True)
class ParsedDates:
    """A column of partial dates: the interval each covers, its precision, and errors."""

    first: pd.Series  # datetime64; NaT where empty or bad
    last: pd.Series
    precision: pd.Series  # 'day' | 'month' | 'year' | ''
    error: pd.Series  # '' where fine or empty


def _set(target: pd.Series, mask: pd.Series, value: object) -> None:
    if mask.any():
        target[mask] = value if not isinstance(value, pd.Series) else value[mask]


def parse_dates(values: pd.Series) -> ParsedDates:
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
    for i in values.index[present & ~full]:  # partial or malformed: rare
        first_i, last_i, precision_i, error_i = _parse_one(str(values[i]))
        first[i], last[i], precision[i], error[i] = first_i, last_i, precision_i, error_i
    return ParsedDates(first, last, precision, error)


def _parse_one(text_value: str) -> tuple[object, object, str, str]:
    match = _DATE_PATTERN.match(text_value)
    if not match:
        return pd.NaT, pd.NaT, "", f"'{text_value}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = match.groups()
    if month is None:
        return pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31), "year", ""
    if not 1 <= int(month) <= 12:
        return pd.NaT, pd.NaT, "", f"'{text_value}' has a month outside 01–12"
    start = pd.Timestamp(int(year), int(month), 1)
    if day is None:
        return start, start + pd.offsets.MonthEnd(0), "month", ""
    return pd.NaT, pd.NaT, "", f"'{text_value}' is not a day of the calendar"


def check(column: Column, values: pd.Series, dates: ParsedDates | None = None) -> pd.Series:
    """An error message per row ('' where the cell is fine) for one column."""
    errors = pd.Series("", index=values.index, dtype=object)
    empty = values == ""
    if column.required:
        _set(errors, empty, "is required but empty")
    present = ~empty
    if column.kind == "id":
        bad = present & ~values.str.match(ID_PATTERN)
        _set(errors, bad, "'" + values.astype(object) + "' is not an id (lower-case letters, digits, '-' and '_', at most 80)")
    elif column.kind == "enum":
        bad = present & ~values.isin(column.choices)
        _set(errors, bad, "'" + values.astype(object) + f"' is not one of: {', '.join(column.choices)}")
    elif column.kind == "float":
        numbers = pd.to_numeric(values.where(present), errors="coerce")
        bad = present & numbers.isna()
        _set(errors, bad, "'" + values.astype(object) + "' is not a number")
        if column.bounds:
            low, high = column.bounds
            out = present & ~bad & ((numbers < low) | (numbers > high))
            _set(errors, out, values.astype(object) + f" is out of range [{low:g}, {high:g}]")
    elif column.kind == "date" and dates is not None:
        _set(errors, present & (dates.error != ""), dates.error)
    return errors


def as_dates(values: pd.Series) -> np.ndarray:
    """datetime64 values as day precision."""
    return values.to_numpy(dtype="datetime64[D]")
