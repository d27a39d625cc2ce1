"""The columnar shortcuts for a million dates give what the general readers give, cell for cell.

``normalise_dates`` reads plain numeric dates ('24/02/2022') of a file of known
order in Arrow, and ``finish_dates`` makes one ``date`` object per distinct day;
both exist for speed and memory only, so their answers (values and error
messages) must be those of the general path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rkmap.core import columns as _columns
from rkmap.core.dates import _normalise, normalise_dates, period_first_days

CELLS = [
    "24/02/2022", "02/24/2022", "31/04/2022", "29/02/2023", "29/02/2024", "00/01/2022", "13/13/2022", "01/01/0000", "15/06/1500",
    "12/12/2262", "01/01/2263", "01/01/9999", "24.02.2022", "24-02-2022", "24/02-2022", "1/2/2022", "24/02/2022 10:00", "24/02/22",
    "", "2022", "2022-03", "2022-03-05", "20220305", "5 March 2022", "March 2022", "not a date", "２４/02/2022", "24/02/2022x",
]  # fmt: skip


@pytest.mark.parametrize("order", ["dayfirst", "monthfirst"])
def test_plain_numeric_dates_read_as_the_general_reader_reads_them(order: str) -> None:
    values = pd.Series(CELLS * 3, dtype="string[pyarrow]")
    out, errors = normalise_dates(values, order)
    expected_out, expected_errors = _normalise(values, order, None)
    assert list(out) == list(expected_out)
    assert list(errors) == list(expected_errors)
    assert (errors != "").any() and (errors == "").any()  # both kinds of cell are in the sample


def test_display_dates_are_the_days_and_one_object_per_day() -> None:
    days = pd.Series(np.array(["2023-01-05", "2023-01-05", "NaT", "1999-12-31"], dtype="datetime64[s]"))
    frame = pd.DataFrame({"_start": days, "_end": days.iloc[::-1].reset_index(drop=True), "_public": days, "claim_status": "reported"})
    out = _columns.finish_dates(frame.copy())
    for name in ("start", "end", "public"):
        assert list(out[name]) == list(frame[f"_{name}"].to_numpy(dtype="datetime64[D]").astype(object))
    assert out["start"].iloc[0] is out["start"].iloc[1] is out["public"].iloc[0]
    # A span far wider than the rows (an undated line's context days) takes the other way, to the same values.
    wide = pd.DataFrame({c: pd.Series(np.array(["1000-01-01", "4000-01-01"], dtype="datetime64[s]")) for c in ("_start", "_end", "_public")}).assign(claim_status="reported")
    assert [d.year for d in _columns.finish_dates(wide)["end"]] == [1000, 4000]


@pytest.mark.parametrize("unit", ["M", "Y"])
def test_period_first_days_are_numpys_calendar(unit: str) -> None:
    """The table of first days gives numpy's conversion for every period, far back and far ahead, in any order, and for none."""
    periods = np.array([0, -1, 5, -23640, 96359, 7, 7, 1, -5000, 12000], dtype=np.int64)
    expected = periods.astype(f"datetime64[{unit}]").astype("datetime64[D]")
    assert (period_first_days(periods, unit) == expected).all()
    assert period_first_days(np.array([], dtype=np.int64), unit).dtype == np.dtype("datetime64[D]")


def test_epoch_milliseconds_that_are_not_whole_seconds_are_read() -> None:
    # pandas reads Arrow text as Int64, and Int64 refused 100000000.001 seconds: the whole file failed (found by the GeoJSON fuzz test).
    out, errors = normalise_dates(pd.Series(["100000000001", "1709856000123", "1709856000"], dtype="string[pyarrow]"), None)
    assert list(out) == ["1973-03-03", "2024-03-08", "2024-03-08"] and set(errors) == {""}
