"""Partial ISO dates: '2023', '2023-07' or '2023-07-25', each with its precision; and the forms analysts' files write them in."""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from rkmap.core.cells import numbers, text_buffers

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

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
    """Parse '2023', '2023-07' or '2023-07-25'; raise ValueError saying what is wrong.

    The one reader of the project's partial dates: the schema's vectorised reader
    (rkmap/core/columns.py) hands it the cells its fast paths do not take.
    """
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    if year < 1:
        raise ValueError(f"'{text}' has year {match.group(1)}: the calendar starts at year 0001")
    if match.group(2) is None:
        return PartialDate(date(year, 1, 1), date(year, 12, 31), "year")
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has a month outside 01–12")
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


# --- dates as analysts' files write them ------------------------------------------------
#
# Day/month order is decided once per file from its unambiguous dates (a day above 12),
# never row by row: see :func:`decide_order`. Each cell becomes a partial ISO date
# ('2023', '2023-07', '2023-07-25') or an error that quotes the cell as it was.

DayOrder = Literal["dayfirst", "monthfirst"]

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)?"
_ISO_PARTIAL = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
# 24/02/2022, 02/24/2022, 24.02.2022, 24-02-2022 (ACLED's codebook form), with an optional time.
NUMERIC_DM = r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})" + _TIME + "$"
_ISO_TIME = r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?" + _TIME + "$"
_MONTH_YEAR = r"^(\d{1,2})[./](\d{4})$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})(?:\d{6})?$"  # YYYYMMDD (GDELT's SQLDATE), YYYYMMDDHHMMSS
_EPOCH_TIME = r"^(\d{9,10}|\d{12,13})(?:\.\d+)?$"  # seconds (1973–2286) or milliseconds since 1970
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH_NAME = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH_NAME = r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+" + _MONTH_NAME + r"[\s\-/,]+(\d{4})" + _TIME + "$"  # 24 February 2022, 24-Feb-2022
_MONTH_NAME_DAY = r"^" + _MONTH_NAME + r"[\s\-/]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-/]+(\d{4})" + _TIME + "$"  # February 24, 2022
_MONTH_NAME_YEAR = r"^" + _MONTH_NAME + r"[\s\-/,]+(\d{4})$"  # February 2022
# Year-first forms with no day/month question (#27). RE2's \d and \s are ASCII: full-width digits (０-９) and the
# ideographic space are named; the groups are read after NFKC (full-width digits to ASCII).
_WIDE_DIGIT = "[0-9\uff10-\uff19]"
_WIDE_SPACE = "[ \t\u3000]*"
# 2023年10月5日, 2023年10月 (month), 2023年 (year); Korean 2023년 10월 5일 the same with 년/월/일.
_CJK_YMD = tuple(
    rf"^({_WIDE_DIGIT}{{4}}){_WIDE_SPACE}{y}(?:{_WIDE_SPACE}({_WIDE_DIGIT}{{1,2}}){_WIDE_SPACE}{m}(?:{_WIDE_SPACE}({_WIDE_DIGIT}{{1,2}}){_WIDE_SPACE}{d})?)?$"
    for y, m, d in (("年", "月", "日"), ("년", "월", "일"))
)
# 2023.10.05 and the Korean 2023. 10. 5. (a dot after each part, spaces after the dots): days only, as '2023.10'
# reads as a number (a fraction of a year) as well as a month.
_DOTTED_YMD = rf"^({_WIDE_DIGIT}{{4}})\.{_WIDE_SPACE}({_WIDE_DIGIT}{{1,2}})\.{_WIDE_SPACE}({_WIDE_DIGIT}{{1,2}})\.?$"


@dataclass(frozen=True)
class OrderEvidence:
    """What a file's dates say about their day/month order."""

    order: DayOrder | None  # None: no unambiguous date, or both orders present
    day_first_example: str = ""  # a cell only day-first can read, e.g. '13/02/2022'
    month_first_example: str = ""
    ambiguous: int = 0  # cells such as '03/04/2022' that either order reads

    @property
    def mixed(self) -> bool:
        return bool(self.day_first_example and self.month_first_example)


def extract(values: pd.Series, pattern: str, groups: int) -> pd.DataFrame:
    """The first ``groups`` groups of ``pattern`` (case-insensitive) per cell, as strings (NA where it does not match).

    pyarrow's regex kernel: columnar, unlike ``Series.str.extract`` (a Python loop for Arrow strings).
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = itertools.count(1)
    named = re.sub(r"\((?!\?)", lambda _: f"(?P<g{next(numbers)}>", pattern)
    result = pc.extract_regex(pa.array(values.astype("string[pyarrow]").array), "(?i)" + named)
    as_strings = {pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}.get
    columns = {k: pc.struct_field(result, [k]).to_pandas(types_mapper=as_strings).set_axis(values.index) for k in range(groups)}
    return pd.DataFrame(columns, index=values.index)


def matches(values: pd.Series, pattern: str) -> pd.Series:
    """Cells matching ``pattern`` (case-insensitive, RE2 syntax), computed columnar; False for missing cells."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    result = pc.match_substring_regex(pa.array(values.astype("string[pyarrow]").array), "(?i)" + pattern)
    return pd.Series(result.to_numpy(zero_copy_only=False), index=values.index).fillna(False).astype(bool)


def _numeric_parts(values: pd.Series) -> pd.DataFrame:
    return extract(values, NUMERIC_DM, 3).apply(lambda column: numbers(column.fillna("")))


_DAY = r"(?:1[3-9]|2\d|3[01])"  # a day only (13–31)
_MONTH = r"(?:0?[1-9]|1[0-2])"  # a day or a month (1–12)
_ONLY_DAY_FIRST = rf"^{_DAY}[./-]{_MONTH}[./-]\d{{4}}"
_ONLY_MONTH_FIRST = rf"^{_MONTH}[./-]{_DAY}[./-]\d{{4}}"
_EITHER = rf"^{_MONTH}[./-]{_MONTH}[./-]\d{{4}}"


def decide_order(columns: list[pd.Series]) -> OrderEvidence:
    """The day/month order of a file from all its date cells: a day above 12 decides it (columnar regex, no parsing)."""
    day_first = month_first = ""
    ambiguous = 0
    for values in columns:
        only_day_first = matches(values, _ONLY_DAY_FIRST)
        only_month_first = matches(values, _ONLY_MONTH_FIRST)
        if only_day_first.any() and not day_first:
            day_first = str(values[only_day_first].iloc[0])
        if only_month_first.any() and not month_first:
            month_first = str(values[only_month_first].iloc[0])
        ambiguous += int(matches(values, _EITHER).sum())
    if day_first and not month_first:
        return OrderEvidence("dayfirst", day_first, "", ambiguous)
    if month_first and not day_first:
        return OrderEvidence("monthfirst", "", month_first, ambiguous)
    return OrderEvidence(None, day_first, month_first, ambiguous)


def _year_first(parts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Extracted year, month and day (month and day may be empty) as '2023', '2023-10' or '2023-10-05', and the rows whose month is not 1–12.

    Full-width digits are read as digits (NFKC); the calendar check of full dates is the caller's.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    ascii_parts = {k: pd.Series(pc.utf8_normalize(pa.array(parts[k].fillna("").astype("string[pyarrow]").array), "NFKC"), index=parts.index, dtype="string[pyarrow]") for k in parts}
    year, month, day = (ascii_parts[k] for k in range(3))
    has_month, has_day = month != "", day != ""
    out = year.str.zfill(4)
    out = out.where(~has_month, out + "-" + month.str.zfill(2))
    out = out.where(~has_day, out + "-" + day.str.zfill(2))
    month_number = pd.to_numeric(month.where(has_month, "1"), errors="coerce")
    bad = (has_month & ~month_number.between(1, 12)).astype(bool)
    return out.astype(object), bad


def _iso(year: pd.Series, month: pd.Series, day: pd.Series | None = None) -> pd.Series:
    import pandas as pd

    y = year.astype("Int64").astype(str).str.zfill(4)
    m = month.astype("Int64").astype(str).str.zfill(2)
    out = y + "-" + m
    if day is not None:
        out = out + "-" + day.astype("Int64").astype(str).str.zfill(2)
    return out.astype(object).where(pd.notna(year), None)


# Years every pandas timestamp unit holds (nanoseconds: 1677-09-21 to 2262-04-11): a plain date outside them is read by pandas, as before.
PLAIN_YEARS = (1678, 2261)


@dataclass(frozen=True)
class PlainDates:
    """The cells of a column in a plain form, read as numbers (numpy arrays, one entry per cell).

    The forms: YYYY, YYYY-MM (month 01–12) and YYYY-MM-DD, in ASCII digits, of
    a year in PLAIN_YEARS. Nearly every cell is in one once a file's dates are
    read; other cells are False in ``form`` and left to the general readers.
    """

    form: np.ndarray  # bool
    size: np.ndarray  # the cell's length: 4, 7 or 10 where ``form``
    year: np.ndarray  # int64
    month_first: np.ndarray  # datetime64[D]: the first and last day of the cell's month (of January for a year)
    month_last: np.ndarray
    day: np.ndarray  # datetime64[D]: the day of a YYYY-MM-DD cell; NaT where it is not a day of the calendar or not that form
    is_day: np.ndarray  # bool: ``day`` is a day


def period_first_days(periods: np.ndarray, unit: str) -> np.ndarray:
    """``periods.astype(f"datetime64[{unit}]").astype("datetime64[D]")``: the first day of each month ('M') or year ('Y') counted from 1970.

    Looked up in a table of the periods between the least and the greatest: numpy
    works out the calendar once per period, not once per cell (a million cells
    took 0.17 s a conversion, the table 0.04 s).
    """
    import numpy as np

    if not len(periods):
        return periods.astype(f"datetime64[{unit}]").astype("datetime64[D]")
    low = int(periods.min())
    table = np.arange(low, int(periods.max()) + 1, dtype=np.int64).astype(f"datetime64[{unit}]").astype("datetime64[D]")
    return table[periods - low]


def plain_dates(values: pd.Series) -> PlainDates:
    """:class:`PlainDates` of text cells, read byte by byte in numpy from the Arrow buffers (no Python object, no regex pass per cell)."""
    import numpy as np

    forms, sizes, years, months, days = [], [], [], [], []
    for offsets, data, valid in text_buffers(values):
        start, size = offsets[:-1], np.diff(offsets)
        size = size if valid is None else np.where(valid, size, 0)
        padded = np.concatenate([data, np.zeros(10, dtype=np.uint8)])  # bytes past a short cell's end: read, never used
        byte = [padded[start + k].astype(np.int64) for k in range(10)]
        digit = [(b >= 48) & (b <= 57) for b in byte]
        form = ((size == 4) | (size == 7) | (size == 10)) & digit[0] & digit[1] & digit[2] & digit[3]
        month_part = (size >= 7) & (byte[4] == 45) & digit[5] & digit[6]
        form &= (size == 4) | month_part
        form &= (size != 10) | ((byte[7] == 45) & digit[8] & digit[9])
        month = np.where(size >= 7, (byte[5] - 48) * 10 + byte[6] - 48, 1)
        form &= (month >= 1) & (month <= 12)
        forms.append(form)
        sizes.append(size)
        years.append(np.where(form, (byte[0] - 48) * 1000 + (byte[1] - 48) * 100 + (byte[2] - 48) * 10 + byte[3] - 48, 1970))
        months.append(np.where(form, month, 1))
        days.append(np.where(form & (size == 10), (byte[8] - 48) * 10 + byte[9] - 48, 1))
    form, size, year, month, day = (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64) for parts in (forms, sizes, years, months, days))
    form = form.astype(bool) & (year >= PLAIN_YEARS[0]) & (year <= PLAIN_YEARS[1])
    months = (year - 1970) * 12 + month - 1
    month_first = period_first_days(months, "M")
    month_last = period_first_days(months + 1, "M") - 1
    exact = month_first + (day - 1)
    is_day = form & (size == 10) & (day >= 1) & (exact <= month_last)
    exact[~is_day] = np.datetime64("NaT")
    return PlainDates(form, size, year, month_first, month_last, exact, is_day)


def iso_days(values: pd.Series) -> np.ndarray:
    """``pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")`` as datetime64[D]: plain cells in numpy, only the others by pandas."""
    import pandas as pd

    plain = plain_dates(values)
    days = plain.day.copy()
    rest = ~(plain.form & (plain.size == 10))
    if rest.any():
        days[rest] = pd.to_datetime(values[rest], format="%Y-%m-%d", errors="coerce").to_numpy(dtype="datetime64[D]")
    return days


_PLAIN_NUMERIC = r"^\d{2}[./-]\d{2}[./-]\d{4}$"  # 24/02/2022: the form of most numeric dates, read columnar by _plain_numeric


def _plain_numeric(values: pd.Series, order: DayOrder) -> tuple[pd.Series, pd.Series]:
    """Cells such as '24/02/2022' in a file of known order as ISO text, where they are calendar days; the mask of those cells.

    What the general reader makes of them (the same slices, the same calendar
    check), in Arrow: the general reader builds a Python object per cell. Every
    other cell (malformed, not a day, another form) is left to it.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(values.astype("string[pyarrow]").array)
    plain = pc.fill_null(pc.match_substring_regex(cells, _PLAIN_NUMERIC), False)
    first, second, year = (pc.utf8_slice_codeunits(cells, a, b) for a, b in ((0, 2), (3, 5), (6, 10)))
    day, month = (first, second) if order == "dayfirst" else (second, first)
    iso = pc.if_else(plain, pc.binary_join_element_wise(year, month, day, pa.scalar("-", cells.type)), pa.scalar(None, cells.type))
    text = pd.Series(iso, index=values.index, dtype="string[pyarrow]")
    fast = pd.Series(~np.isnat(iso_days(text)), index=values.index)
    return text.where(fast, values.astype("string[pyarrow]")), fast


def normalise_dates(values: pd.Series, order: DayOrder | None, evidence: OrderEvidence | None = None) -> tuple[pd.Series, pd.Series]:
    """Cells (stripped strings) as partial ISO dates, and an error per cell ('' where fine).

    ``order`` reads numeric day/month dates; without it, only cells that read
    the same either way (such as '05/05/2022') are accepted. Every error quotes
    the cell as it is in the file. A date that is not a calendar day is an error
    here (with the cell quoted), not further down.
    """
    import pandas as pd

    if order is not None:  # every file, small or large, takes the same path (the tests' fixtures too)
        text, fast = _plain_numeric(values, order)
        if bool(fast.any()):
            errors = pd.Series("", index=values.index, dtype=object)
            rest = ~fast
            if bool(rest.any()):
                out, problems = _normalise(values[rest], order, evidence)
                text[rest] = out.astype("string[pyarrow]")
                errors[rest] = problems
            return text, errors
    return _normalise(values, order, evidence)


def _normalise(values: pd.Series, order: DayOrder | None, evidence: OrderEvidence | None) -> tuple[pd.Series, pd.Series]:
    import pandas as pd

    out = values.astype(object).copy()
    errors = pd.Series("", index=values.index, dtype=object)
    present = values != ""
    iso = matches(values, _ISO_PARTIAL)
    todo = present & ~iso
    if not todo.any():
        return out, errors
    rest = values[todo]
    converted = pd.Series(None, index=rest.index, dtype=object)
    problem = pd.Series("", index=rest.index, dtype=object)

    def fill(mask: pd.Series, result: pd.Series) -> None:
        nonlocal converted
        mask = mask & converted.isna() & (problem == "")
        if mask.any():
            converted[mask] = result[mask]

    # Numeric day/month/year: the file's order, never a guess per row.
    numeric = matches(rest, NUMERIC_DM)
    if numeric.any():
        parts = _numeric_parts(rest[numeric]).reindex(rest.index)
        a, b, year = parts[0], parts[1], parts[2]
        same = numeric & (a == b)
        if order == "dayfirst":
            day, month = a, b
        elif order == "monthfirst":
            day, month = b, a
        else:
            day, month = a.where(same), b.where(same)
            undecided = numeric & ~same
            if evidence is not None and evidence.mixed:
                why = f"this file has dates only day-first can read ('{evidence.day_first_example}') and dates only month-first can read ('{evidence.month_first_example}')"
            else:
                why = "no date in this file has a day above 12, so its day/month order is unknown"
            problem[undecided] = "'" + rest[undecided].astype(object) + f"': {why}; choose day-first or month-first (--dayfirst / --monthfirst)"
        bad_month = numeric & (problem == "") & ((month < 1) | (month > 12))
        if bad_month.any():
            word = {"dayfirst": "day-first", "monthfirst": "month-first"}.get(order or "", "")
            read = f" read {word} (the order of this file)" if word else ""
            problem[bad_month] = "'" + rest[bad_month].astype(object) + f"' is not a date{read}: month '" + month[bad_month].astype("Int64").astype(str).astype(object) + "' does not exist"
        fill(numeric & (problem == ""), _iso(year, month, day))
    for pattern, groups in (
        (_ISO_TIME, "ymd"),
        (_COMPACT, "ymd"),
        (_MONTH_YEAR, "my"),
        (_DAY_MONTH_NAME, "dMy"),
        (_MONTH_NAME_DAY, "Mdy"),
        (_MONTH_NAME_YEAR, "My"),
    ):
        matched = converted.isna() & (problem == "") & matches(rest, pattern)
        if not matched.any():
            continue
        parts = extract(rest[matched], pattern, len(groups))
        parts.columns = list(groups)
        to_int = lambda s: pd.to_numeric(s, errors="coerce")
        year = to_int(parts["y"])
        month = parts["M"].str.lower().map(MONTHS) if "M" in parts else to_int(parts["m"])
        day = to_int(parts["d"]) if "d" in parts else None
        result = _iso(year, month, day).reindex(rest.index)
        bad = matched & ~month.reindex(rest.index).between(1, 12)
        problem[bad] = "'" + rest[bad].astype(object) + "' has a month outside 1–12"
        fill(matched & ~bad, result)
    for pattern in (*_CJK_YMD, _DOTTED_YMD):
        matched = converted.isna() & (problem == "") & matches(rest, pattern)
        if matched.any():
            result, bad = _year_first(extract(rest[matched], pattern, 3))
            problem[bad.index[bad]] = "'" + rest[bad.index[bad]].astype(object) + "' has a month outside 1–12"
            fill(matched & ~bad.reindex(rest.index, fill_value=False), result.reindex(rest.index))
    epoch = converted.isna() & (problem == "") & matches(rest, _EPOCH_TIME)
    if epoch.any():
        number = pd.to_numeric(rest[epoch], errors="coerce").astype("float64")  # Arrow text gives Int64, which refuses number / 1000
        seconds = number.where(number < 1e11, number / 1000)
        days = pd.to_datetime(seconds, unit="s", errors="coerce")
        fill(epoch, days.dt.strftime("%Y-%m-%d").reindex(rest.index))
    unread = converted.isna() & (problem == "")
    problem[unread] = "'" + rest[unread].astype(object) + "' is not a date (use YYYY-MM-DD, YYYY-MM, YYYY, DD/MM/YYYY or MM/DD/YYYY, a date-time, YYYYMMDD, YYYY年M月D日, YYYY.MM.DD or epoch seconds)"
    # Full dates must be calendar days: quote the cell, not the converted text.
    full = converted.notna() & (converted.astype(str).str.len() == 10)
    if full.any():
        checked = pd.to_datetime(converted[full], format="%Y-%m-%d", errors="coerce")
        not_a_day = checked.isna().reindex(rest.index, fill_value=False)
        problem[not_a_day] = "'" + rest[not_a_day].astype(object) + "' is not a day of the calendar"
        converted[not_a_day] = None
    out[todo] = converted.where(problem == "", rest).to_numpy()
    errors[todo] = problem.to_numpy()
    return out, errors


# An undated line is context, shown at every date: it spans these days (inside the
# map's open filter range, and left out of the slider's span).
CONTEXT_FIRST = date(1000, 1, 1)
CONTEXT_LAST = date(4000, 1, 1)
