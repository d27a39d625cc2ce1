"""Errors raised while loading data: each names the file, row and field at fault."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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


# Examples kept per group of rows left out for the same reason.
EXAMPLES_PER_GROUP = 3
_QUOTED = re.compile(r"'[^']*'")


def reason_of(message: str) -> str:
    """A message without the cells it quotes: rows left out for the same reason share it."""
    return _QUOTED.sub("…", message)


@dataclass
class Group:
    """Rows left out for one reason in one field: how many, and the first few (row, message)."""

    field: str | None
    reason: str
    count: int = 0
    examples: list[tuple[int | None, str]] = field(default_factory=list)


class Report:
    """Collects problems, listing at most MAX_PROBLEMS_LISTED per file and field, and counts them by reason."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.groups: dict[tuple[str | None, str], Group] = {}

    def _count(self, field_name: str | None, message: str, row: int | None, count: int = 1) -> None:
        group = self.groups.setdefault((field_name, reason_of(message)), Group(field_name, reason_of(message)))
        group.count += count
        if len(group.examples) < EXAMPLES_PER_GROUP:
            group.examples.append((row, message))

    def add(self, file: str, row: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(file, row, field, message))
        if row is not None:
            self._count(field, message, row)

    def add_rows(self, file: str, frame: pd.DataFrame, bad: pd.Series, field: str, messages: pd.Series | str | Callable[[pd.Series], pd.Series]) -> None:
        """One problem per bad row of ``frame`` (its ``_row`` column numbers the rows)."""
        if not bad.any():
            return
        rows = frame.loc[bad, "_row"]
        if callable(messages):  # built for the bad rows only
            texts = messages(bad)
        else:
            texts = messages[bad] if isinstance(messages, pd.Series) else pd.Series(messages, index=rows.index)
        for row, text in zip(rows.iloc[:MAX_PROBLEMS_LISTED], texts.iloc[:MAX_PROBLEMS_LISTED]):
            self.problems.append(Problem(file, int(row), field, str(text)))
        reasons = texts.astype(object).map(reason_of)
        for reason, positions in reasons.groupby(reasons, sort=False).indices.items():
            first = positions[:EXAMPLES_PER_GROUP]
            group = self.groups.setdefault((field, reason), Group(field, reason))
            group.count += len(positions)
            room = EXAMPLES_PER_GROUP - len(group.examples)
            group.examples.extend((int(rows.iloc[i]), str(texts.iloc[i])) for i in first[: max(room, 0)])
        more = int(bad.sum()) - MAX_PROBLEMS_LISTED
        if more > 0:
            self.add(file, None, field, f"… and {more} more rows with problems in this field")
