"""Where the data come from: the shipped files (default) or a team's PostGIS database.

:func:`open_dataset` is the one entry point of the app and ``python -m
rkmap``; it picks the backend, in this order:

1. an explicit ``database_url`` or ``data_dir`` argument;
2. the environment variable ``DATABASE_URL``;
3. ``database_url`` in ``.streamlit/secrets.toml`` beside the app (read only
   if the file exists);
4. the files: the folder in ``MAP_DATA_DIR``, else the shipped ``geodata/``.

Both backends give the same :class:`~rkmap.data.loading.Dataset` for the same
data, checked by the same code, and the same slice for ``until`` / ``bbox``
(:mod:`rkmap.data.window`). A description of the source (``Data: PostGIS at
host:port/db`` or ``Data: files``) never contains a password.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from pathlib import Path
from typing import Literal

from rkmap.core.errors import Problem
from rkmap.core.paths import SECRETS_FILE
from rkmap.data.loading import DATA_DIR, Dataset, load_dataset
from rkmap.data.window import BBox, data_span, sliced

DATABASE_URL_ENV = "DATABASE_URL"
DATA_DIR_ENV = "MAP_DATA_DIR"
SECRETS_KEY = "database_url"


class SourceError(ValueError):
    """The configured data source is unusable (a bad secrets file, say); the message says where."""


@dataclass(frozen=True)
class DataSource:
    """A backend and its location (a folder, or a database URL that may hold a password)."""

    kind: Literal["files", "postgis"]
    location: str
    origin: str  # what chose it: argument, DATABASE_URL, secrets.toml, MAP_DATA_DIR, shipped

    @property
    def is_database(self) -> bool:
        return self.kind == "postgis"

    def describe(self) -> str:
        """'PostGIS at user@host:port/db' or 'files in FOLDER': safe to show (no password)."""
        if self.is_database:
            from rkmap.data.postgis import describe_url

            return f"PostGIS at {describe_url(self.location)}"
        return f"files in {self.location}"

    @property
    def cache_key(self) -> str:
        """Identifies the source (a hash: the URL's password never appears in it)."""
        return f"{self.kind}:{sha256(self.location.encode('utf-8')).hexdigest()[:16]}"


@dataclass(frozen=True)
class Opened:
    """What a view needs of the data, the problems found, and the span of the whole data."""

    dataset: Dataset
    problems: list[Problem]
    span: tuple[date, date]
    source: DataSource
    total_events: int  # events in the whole data: more than ``dataset`` holds when sliced

    @property
    def complete(self) -> bool:
        """Whether the dataset holds every event (nothing was left out by ``until`` / ``bbox``)."""
        return len(self.dataset.events) >= self.total_events


def resolve_source(*, database_url: str | None = None, data_dir: Path | str | None = None, secrets_file: Path = SECRETS_FILE) -> DataSource:
    """The backend to use (the order above)."""
    if database_url and data_dir:
        raise SourceError("give either a database URL or a data folder, not both")
    if database_url:
        return DataSource("postgis", database_url, "argument")
    if data_dir:
        return DataSource("files", str(data_dir), "argument")
    env_url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if env_url:
        return DataSource("postgis", env_url, DATABASE_URL_ENV)
    secret_url = _secrets_url(secrets_file)
    if secret_url:
        return DataSource("postgis", secret_url, "secrets.toml")
    folder = os.environ.get(DATA_DIR_ENV, "").strip()
    return DataSource("files", folder, DATA_DIR_ENV) if folder else DataSource("files", str(DATA_DIR), "shipped")


def _secrets_url(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        secrets = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read as TOML ({exc.__class__.__name__}: {exc})") from None
    value = secrets.get(SECRETS_KEY)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourceError(f"{path}: '{SECRETS_KEY}' must be a non-empty string like \"postgresql://user:password@host:5432/dbname\"")
    return value.strip()


def open_source(source: DataSource, *, strict: bool, until: date | None = None, bbox: BBox | None = None) -> Opened:
    """Load what a view of dates up to ``until`` inside ``bbox`` needs from ``source``."""
    if source.is_database:
        from rkmap.data.postgis import read_dataset

        fetched = read_dataset(source.location, strict=strict, until=until, bbox=bbox)
        return Opened(fetched.dataset, fetched.problems, fetched.span, source, fetched.total_events)
    dataset, problems = load_dataset(source.location, strict=strict)
    return Opened(sliced(dataset, until, bbox), problems, data_span(dataset), source, len(dataset.events))


def open_data(
    *, strict: bool, until: date | None = None, bbox: BBox | None = None, database_url: str | None = None, data_dir: Path | str | None = None
) -> Opened:
    """:func:`open_source` of :func:`resolve_source`."""
    return open_source(resolve_source(database_url=database_url, data_dir=data_dir), strict=strict, until=until, bbox=bbox)


def open_dataset(
    *, strict: bool, until: date | None = None, bbox: BBox | None = None, database_url: str | None = None, data_dir: Path | str | None = None
) -> tuple[Dataset, list[Problem]]:
    """The dataset (sliced for a view with ``until`` / ``bbox``) and its problems, from the chosen backend.

    Strict mode raises :class:`~rkmap.core.errors.DataValidationError`; a
    database that cannot be reached raises
    :class:`~rkmap.data.postgis.DatabaseError`.
    """
    opened = open_data(strict=strict, until=until, bbox=bbox, database_url=database_url, data_dir=data_dir)
    return opened.dataset, opened.problems
