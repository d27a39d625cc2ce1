"""``python -m rkmap.data``: set up and inspect a team's PostGIS database.

    python -m rkmap.data init-db [--data-dir DIR]   # create the schema, load the shipped data (or DIR)
    python -m rkmap.data check                      # rows per table

Both read the database URL from ``DATABASE_URL`` (or ``database_url`` in
``.streamlit/secrets.toml``). A missing URL, an unreachable database or data
that do not validate end with a one-line message (exit status 2, 2, 1); the
password is never printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rkmap.core.errors import DataValidationError
from rkmap.data.loading import DATA_DIR
from rkmap.data.source import DATABASE_URL_ENV, SECRETS_FILE, SourceError, resolve_source


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rkmap.data",
        description=f"Set up and inspect the map's PostGIS database, named by {DATABASE_URL_ENV} (or database_url in {SECRETS_FILE.parent.name}/{SECRETS_FILE.name}).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init-db", help="create the schema (tables, spatial and date indexes) and load a data folder in one transaction; safe to re-run")
    init.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the folder to load (default: the shipped geodata/)")
    commands.add_parser("check", help="print the rows per table")
    return parser


def _database_url() -> str | None:
    try:
        source = resolve_source()
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if not source.is_database:
        print(f"error: {DATABASE_URL_ENV} is not set (e.g. {DATABASE_URL_ENV}=postgresql://user:password@host:5432/dbname)", file=sys.stderr)
        return None
    return source.location


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = _database_url()
    if url is None:
        return 2
    from rkmap.data.postgis import DatabaseError, describe_url, init_db, table_counts

    try:
        if args.command == "init-db":
            if not args.data_dir.is_dir():
                print(f"error: --data-dir {args.data_dir} is not a folder", file=sys.stderr)
                return 2
            print(f"loading {args.data_dir} into {describe_url(url)} …", file=sys.stderr)
            loaded = init_db(url, args.data_dir)
            counts = ", ".join(f"{n:,} {name}" for name, n in loaded.counts.items())
            print(f"loaded {counts} into {describe_url(url)} in {loaded.seconds:.1f} s")
        else:
            for name, n in table_counts(url).items():
                print(f"{name:15} {n:>10,}")
    except DataValidationError as exc:
        print(f"error: {args.data_dir} did not validate; nothing was loaded:\n{exc}", file=sys.stderr)
        return 1
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
