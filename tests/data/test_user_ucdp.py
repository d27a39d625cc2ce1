"""UCDP GED's date_prec and where_coordinates, row by row from the codebook (fixture ucdp_ged_date_prec.csv).

UCDP GED codebook, date_prec: 1 the exact day is known; 2 a period of 2–6 days
around it; 3 only the week; 4 only the month; 5 only the year or longer. The
period is always date_start–date_end; the precision says how much of it is
known, and must never change the period.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rkmap.core.text import row_span
from rkmap.data.presets import UCDP_DATE_PRECISION
from rkmap.data.user_data import load_user_file, with_user_data

FIXTURE = Path(__file__).parents[1] / "fixtures" / "user_files" / "ucdp_ged_date_prec.csv"

# id: (date_prec, date, date_end, date_precision, first day, last day, how the detail panel writes it)
CASES = {
    "510001": ("1", "2023-06-14", "", "day", date(2023, 6, 14), date(2023, 6, 14), "14 Jun 2023"),
    "510002": ("2", "2023-06-12", "2023-06-16", "range", date(2023, 6, 12), date(2023, 6, 16), "12–16 Jun 2023"),
    "510003": ("3", "2023-06-12", "2023-06-18", "range", date(2023, 6, 12), date(2023, 6, 18), "12–18 Jun 2023"),
    "510004": ("4", "2023-06", "", "month", date(2023, 6, 1), date(2023, 6, 30), "Jun 2023"),
    "510005": ("5", "2023", "", "year", date(2023, 1, 1), date(2023, 12, 31), "2023"),
    # A stated precision that is not the period is not believed over it: the period is kept, as a range.
    "510006": ("5", "2022-01-01", "2023-12-31", "range", date(2022, 1, 1), date(2023, 12, 31), "1 Jan 2022 – 31 Dec 2023"),
    "510007": ("1", "2023-06-14", "2023-06-15", "range", date(2023, 6, 14), date(2023, 6, 15), "14–15 Jun 2023"),
    "510008": ("4", "2023-06-10", "2023-07-09", "range", date(2023, 6, 10), date(2023, 7, 9), "10 Jun – 9 Jul 2023"),
}
PLACES = {"510001": "Kherson town", "510003": "Nova Kakhovka town", "510004": "Kherson oblast", "510005": "Ukraine"}


@pytest.fixture(scope="module")
def data():
    return load_user_file(FIXTURE.name, FIXTURE.read_bytes(), {"vostochny"})


def test_date_prec_is_mapped_and_shown_in_the_mapping(data) -> None:
    assert data.preset == "ucdp" and data.rows_loaded == len(CASES) and not data.problems
    assert dict(data.mapping)["date_precision"] == (UCDP_DATE_PRECISION,)


@pytest.mark.parametrize("ident", sorted(CASES))
def test_each_date_prec_of_the_codebook(data, dataset, ident: str) -> None:
    code, when, end, precision, first, last, shown = CASES[ident]
    row = data.events.set_index("id").loc[ident]
    assert (row["date"], row["date_end"], row["date_precision"]) == (when, end, precision), f"date_prec {code}"
    merged = with_user_data(dataset, [data]).events.set_index("id").loc[f"user1:{ident}"]
    assert (merged["start"], merged["end"]) == (first, last)  # the period date_start–date_end, unchanged
    assert row_span(merged) == shown


def test_a_place_is_named_by_where_coordinates(data) -> None:
    places = data.places.set_index("id")
    for ident, name in PLACES.items():
        place = places.loc[data.events.set_index("id").loc[ident, "place_id"]]
        assert place["name_en"] == name and not place["name_en"].startswith("pt-")


def test_a_reversed_period_is_still_refused_whatever_its_precision() -> None:
    text = FIXTURE.read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1]
    reversed_row = first.replace("510001", "510099").replace("2023-06-14 00:00:00.000,2023-06-14 00:00:00.000", "2023-06-14 00:00:00.000,2023-06-02 00:00:00.000")
    data = load_user_file("ged.csv", f"{header}\n{reversed_row}\n".encode(), ())
    assert data.rows_loaded == 0 and [(p.row, p.field, p.message) for p in data.problems if p.row] == [(2, "date_end", "ends before it starts")]
