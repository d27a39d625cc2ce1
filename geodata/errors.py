"""Errors raised while loading data: each names the file, row and field at fault."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Problems listed per file and field before the rest are summed up in one line.
MAX_PROBLEMS_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """One defect in one data file.

    ``row`` is the 1-based line number in a CSV file (the header is line 1)
    or the 1-based feature number in a GeoJSON file; ``None`` when the defect
    concerns the whole file.
    """

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """Raised by strict loading when any data file has problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            shown += f"\n  … and {more} more"
        super().__init__(f"{len(self.problems)} data problem(s):\n{shown}")


class Report:
    """Collects problems, listing at most MAX_PROBLEMS_LISTED per file and field."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(file, row, field, message))

    def add_rows(self, file: str, frame: pd.DataFrame, bad: pd.Series, field: str, messages: pd.Series | str) -> None:
        """One problem per bad row of ``frame`` (its ``_row`` column numbers the rows)."""
        if not bad.any():
            return
        rows = frame.loc[bad, "_row"]
        texts = messages[bad] if isinstance(messages, pd.Series) else pd.Series(messages, index=rows.index)
        for row, text in zip(rows.iloc[:MAX_PROBLEMS_LISTED], texts.iloc[:MAX_PROBLEMS_LISTED]):
            self.add(file, int(row), field, str(text))
        more = int(bad.sum()) - MAX_PROBLEMS_LISTED
        if more > 0:
            self.add(file, None, field, f"… and {more} more rows with problems in this field")
