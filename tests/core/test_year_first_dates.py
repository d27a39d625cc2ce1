"""Year-first dates of Japanese, Korean and dotted forms (#27): no day/month question, the precision they write."""

from __future__ import annotations

import pandas as pd
import pytest

from rkmap.core.dates import normalise_dates

READ = {
    "2023年10月5日": "2023-10-05", "2023 年 10 月 5 日": "2023-10-05", "２０２３年１０月５日": "2023-10-05", "2023年10月": "2023-10",
    "２０２３年": "2023", "2023　年　1　月": "2023-01", "2023년 10월 5일": "2023-10-05", "2023년 10월": "2023-10", "2023년": "2023",
    "2023.10.05": "2023-10-05", "2023. 10. 5.": "2023-10-05", "2023. 10. 5": "2023-10-05", "2023.1.5": "2023-01-05", "2024年2月29日": "2024-02-29",
}  # fmt: skip
REFUSED = {
    "2023年13月5日": "has a month outside 1–12", "2023.13.05": "has a month outside 1–12", "2023年2月29日": "is not a day of the calendar",
    "2023.10": "is not a date", "2023. 10.": "is not a date", "令和5年10月5日": "is not a date", "23年10月5日": "is not a date",
    "2023年10月5日（木）": "is not a date", "2023年10월5일": "is not a date", "2023年10月5": "is not a date", "2023年5日": "is not a date",
    "10月5日": "is not a date", "2023.10/05": "is not a date",
}  # fmt: skip


@pytest.mark.parametrize("order", [None, "dayfirst", "monthfirst"])
def test_year_first_forms_read_whatever_the_files_order(order: str | None) -> None:
    cells = [*READ, "05/06/2022"] if order else list(READ)  # with an order, beside a date the columnar path takes
    out, errors = normalise_dates(pd.Series(cells, dtype="string[pyarrow]"), order)
    assert list(out)[: len(READ)] == list(READ.values()) and set(errors) == {""}


def test_other_year_first_forms_are_refused_with_the_cell_quoted() -> None:
    out, errors = normalise_dates(pd.Series(list(REFUSED), dtype="string[pyarrow]"), None)
    for cell, error, said in zip(REFUSED, out, errors, strict=True):
        assert error == cell and said.startswith(f"'{cell}' {REFUSED[cell]}"), (cell, said)
