"""Shared fixtures. The suite runs against either backend of the data.

``MAP_TEST_BACKEND=postgis`` (``make test-postgis``) loads the shipped data
into a PostGIS database first and sets ``DATABASE_URL``, so the ``dataset``
fixture, the AppTest apps and the browser tests' server all read from the
database. Tests about the files themselves (corrupted CSVs, ``MAP_DATA_DIR``
folders) unset it and keep using files.

The database: ``TEST_DATABASE_URL`` (a server where the tests may create and
drop databases) if set, else a throwaway cluster started here
(``devtools/postgres.py``). Without PostgreSQL and PostGIS the database tests
are skipped, saying why, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from rkmap.data import DATA_DIR, Dataset, open_dataset

REPO_DIR = Path(__file__).resolve().parent.parent

BACKEND_ENV = "MAP_TEST_BACKEND"
TEST_DATABASE_URL_ENV = "TEST_DATABASE_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def test_backend() -> str:
    return os.environ.get(BACKEND_ENV, "files").strip().lower() or "files"


def pytest_configure(config: pytest.Config) -> None:
    backend = test_backend()
    if backend not in ("files", "postgis"):
        raise pytest.UsageError(f"{BACKEND_ENV}={backend!r}: use 'files' or 'postgis'")
    if backend == "postgis" and not os.environ.get(TEST_DATABASE_URL_ENV):
        from devtools.postgres import missing_reason

        reason = missing_reason()
        if reason and in_ci():
            raise pytest.UsageError(f"{BACKEND_ENV}=postgis in CI, but {reason}")
        if reason:
            pytest.exit(f"skipping the PostGIS run of the suite: {reason}", returncode=0)


def pytest_report_header(config: pytest.Config) -> str:
    return f"data backend: {test_backend()} ({BACKEND_ENV})"


class PostgisDatabases:
    """Creates databases (by default copies of one with the shipped data loaded); drops them at the end."""

    def __init__(self, admin_url: str, make_url) -> None:
        self.admin_url = admin_url
        self._make_url = make_url
        self._created: list[str] = []
        self._names = (f"map_test_{os.getpid()}_{n}" for n in itertools.count(1))
        self.template: str | None = None  # set once the shipped data are loaded into it

    def _execute(self, statement) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def create(self, *, empty: bool = False) -> str:
        """A new database: a copy of the template (PostGIS and the shipped data), or empty; its URL."""
        from psycopg import sql

        name = next(self._names)
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if not empty and self.template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(self.template))
        self._execute(statement)
        self._created.append(name)
        return self._make_url(name)

    def drop_all(self) -> None:
        from psycopg import sql

        for name in reversed(self._created):
            self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self._created.clear()


def _admin_and_maker(stack: ExitStack) -> tuple[str, object]:
    url = os.environ.get(TEST_DATABASE_URL_ENV, "").strip()
    if url:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        def make_url(name: str) -> str:
            return make_conninfo(url, dbname=name)

        conninfo_to_dict(url)  # a malformed URL fails here, clearly
        return url, make_url
    from devtools.postgres import missing_reason, throwaway_server

    reason = missing_reason()
    if reason:
        if in_ci():
            pytest.fail(f"CI is set but PostgreSQL/PostGIS cannot run here: {reason}", pytrace=False)
        pytest.skip(f"no PostGIS for the database tests: {reason} (or set {TEST_DATABASE_URL_ENV})")
    server = stack.enter_context(throwaway_server())
    return server.url(), server.url


@pytest.fixture(scope="session")
def postgis_databases() -> Iterator[PostgisDatabases]:
    """Makes PostGIS databases for tests: ``create()`` gives a fresh copy with the shipped data."""
    import psycopg

    from rkmap.data.postgis import init_db

    with ExitStack() as stack:
        admin, make_url = _admin_and_maker(stack)
        databases = PostgisDatabases(admin, make_url)
        stack.callback(databases.drop_all)
        template_url = databases.create(empty=True)
        with psycopg.connect(template_url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        init_db(template_url)
        databases.template = psycopg.conninfo.conninfo_to_dict(template_url)["dbname"]
        yield databases


@pytest.fixture(scope="session")
def postgis_url(postgis_databases: PostgisDatabases) -> str:
    """A database with the shipped data loaded, shared by the session: read it, never change it."""
    return postgis_databases.create()


@pytest.fixture()
def fresh_postgis_url(postgis_databases: PostgisDatabases) -> str:
    """A database of this test's own with the shipped data loaded (no saved uploads)."""
    return postgis_databases.create()


@pytest.fixture(scope="session", autouse=True)
def _suite_backend(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under MAP_TEST_BACKEND=postgis, every test reads the shipped data from a database."""
    if test_backend() != "postgis":
        yield
        return
    url = request.getfixturevalue("postgis_databases").create()
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def dataset(_suite_backend: None) -> Dataset:
    """The shipped data from the backend under test (files, or PostGIS with MAP_TEST_BACKEND=postgis)."""
    data, problems = open_dataset(strict=True)
    assert problems == []
    return data


@pytest.fixture()
def files_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test is about the files: no database, whatever the backend of the run."""
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data files, for corrupting in tests."""
    target = tmp_path / "geodata"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "README.md"))
    return target


def seeds_dir() -> Path | None:
    """The seed articles: $SEEDS_DIR, or shared/seeds beside or above the checkout."""
    candidates = [os.environ.get("SEEDS_DIR"), REPO_DIR.parent / "shared" / "seeds", REPO_DIR.parent.parent / "shared" / "seeds"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None
