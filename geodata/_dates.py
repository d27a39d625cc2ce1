"""Partial ISO dates: '2023', '2023-07' or '2023-07-25', each with its precision."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "month", "year"]

_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month or a year, as the interval it covers."""

    first: date
    last: date
    precision: Precision


def parse_partial_date(text: str) -> PartialDate:
    """Parse '2023', '2023-07' or '2023-07-25'; raise ValueError saying what is wrong."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    if match.group(2) is None:
        return PartialDate(date(year, 1, 1), date(year, 12, 31), "year")
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has month {month}; months run 01–12")
    if match.group(3) is None:
        last_day = calendar.monthrange(year, month)[1]
        return PartialDate(date(year, month, 1), date(year, month, last_day), "month")
    day = int(match.group(3))
    try:
        exact = date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the calendar") from None
    return PartialDate(exact, exact, "day")


def day_number(value: date) -> int:
    """Days since 1970-01-01: a number deck.gl can filter on the GPU."""
    return (value - EPOCH).days


def from_day_number(days: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(days))


def add_period(day: date, count: int, unit: str) -> date:
    """``day`` moved by ``count`` days (d), weeks (w), months (m) or years (y); month ends clamp."""
    if unit == "d":
        return day + timedelta(days=count)
    if unit == "w":
        return day + timedelta(weeks=count)
    months = count * (12 if unit == "y" else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
