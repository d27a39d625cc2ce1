"""Budgets one uploaded file may spend while it is read, enforced as the reader goes.

A file over a budget is refused at once (:class:`BudgetError`), and the message
names the budget in the analyst's terms. Why each value:

* ``MAX_UNPACKED_BYTES`` (200 MB, = MAP_USER_MAX_MB): what a file may unpack to
  (a KMZ's KML, a Parquet file's decoded columns). The same limit as an
  uploaded file's own size, so a compressed file cannot hold more than an
  uncompressed one may.
* ``MAX_ROWS`` (1,000,000, = MAP_USER_MAX_ROWS): far above any analyst's file,
  well below what a shared server holds in memory.
* ``MAX_COLUMNS`` (2,000): columns of a table, properties of a GeoJSON feature
  collection, fields of KML ExtendedData. The widest real export we know of
  (GDELT, ACLED) has under 100; a pandas frame costs per column, and
  thousands of columns is a malformed or hostile file.
* ``MAX_DEPTH`` (32): XML element nesting (KML Folders in Folders). Real
  KML nests a handful of Folders; deep nesting costs quadratic time in a
  recursive reader.
* ``MAX_JSON_DEPTH`` (32): arrays and objects in one another in a GeoJSON or
  TimeMap file, counted before it is parsed. A MultiPolygon feature in a
  FeatureCollection is 9 deep; deeper is a malformed or hostile file, and
  Python's JSON parser recurses on it.
* ``MAX_LOAD_MB`` (2,560 MB, = MAP_USER_LOAD_MB): the memory one file's
  reading may use: the data segment (RLIMIT_DATA) of the worker process that
  reads an uploaded file (rkmap/data/load_worker.py). The hostile files of issue #26
  are refused by the budgets above well under 1 GB; this cap is the backstop
  for what they do not foresee. It must let the largest legitimate file the
  limits allow load: 1,000,000 rows, 200 MB of ACLED CSV (bench/user_data_load.py),
  measured 2026-12-06 in the worker at 1,590 MB resident at its peak and
  about 1,780 MB of data segment (it loaded under a cap of 1,792 MB and was
  refused under 1,536 MB; the data segment counts memory allocated but not
  yet touched); later that night, after more of #27, at 1,220 MB resident
  (it loads under a cap of 1,664 MB and is still refused under 1,536 MB).
  2,560 MB is 2.1 times that resident peak and 1.5 times that cap: room for
  a wider file of the same rows, and half the cap the same file needed
  before #27 (5,120 MB). The largest GeoJSON (1,000,000 points, 181 MB) and
  KML (860,000 Placemarks, 208 MB) the budgets allow peak at 1.13 and 1.03 GB
  in the worker since they are read one feature at a time (2026-12-07; whole,
  they needed 2.2 GB). (MB here: 2**20 bytes, as the cap is set.)
* ``MAX_LOAD_SECONDS`` (300, = MAP_USER_LOAD_SECONDS): the wall time one
  file's reading may take in the worker (the 1,000,000-row file takes about
  20 s here); past it the worker is stopped and the file refused.
* ``MAX_CELL_CHARS`` (100,000): one cell. A long description is a few
  thousand characters; a row whose cell is longer is left out (one bad row
  costs one row), the rest loads.
"""

from __future__ import annotations

import os


def _limit(name: str, default: int) -> int:
    """A limit from the environment, else the default."""
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


MAX_MB = _limit("MAP_USER_MAX_MB", 200)
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_UNPACKED_BYTES = MAX_BYTES
MAX_ROWS = _limit("MAP_USER_MAX_ROWS", 1_000_000)
MAX_COLUMNS = 2_000
MAX_DEPTH = 32
MAX_JSON_DEPTH = 32
MAX_LOAD_MB = _limit("MAP_USER_LOAD_MB", 2560)
MAX_LOAD_SECONDS = _limit("MAP_USER_LOAD_SECONDS", 300)
MAX_CELL_CHARS = 100_000
MAX_LISTED_COLUMNS = 20  # "Columns not used": names shown, the rest counted


class BudgetError(ValueError):
    """A file over one of the budgets: refused whole, the budget named."""


def unpacked(what: str = "the file") -> BudgetError:
    return BudgetError(f"unpacks to more than {MAX_MB} MB ({what}); the limit is {MAX_MB} MB (MAP_USER_MAX_MB): split it into smaller files.")



def too_many_columns(kind: str = "columns/properties") -> BudgetError:
    return BudgetError(f"has more than {MAX_COLUMNS:,} {kind}; the limit is {MAX_COLUMNS:,}: keep only the columns you need.")


def too_deep() -> BudgetError:
    return BudgetError(f"has nesting deeper than {MAX_DEPTH} levels; the limit is {MAX_DEPTH}: flatten its folders.")


def too_deep_json() -> BudgetError:
    return BudgetError(f"has arrays/objects nested deeper than {MAX_JSON_DEPTH} levels; the limit is {MAX_JSON_DEPTH}: flatten its properties.")


def out_of_memory() -> str:
    """Why a file that ran out of memory while it was read loaded nothing."""
    return f"needs more than {MAX_LOAD_MB:,} MB of memory to read; the limit is {MAX_LOAD_MB:,} MB (MAP_USER_LOAD_MB): split it into smaller files."


def too_slow() -> str:
    return f"took more than {MAX_LOAD_SECONDS} s to read; the limit is {MAX_LOAD_SECONDS} s (MAP_USER_LOAD_SECONDS): split it into smaller files."


def long_cell(field: str | None = None) -> str:
    """The problem of one row whose cell is too long (the row is left out)."""
    where = f" ('{field[:60]}')" if field else ""
    return f"has a cell{where} longer than {MAX_CELL_CHARS:,} characters; the limit is {MAX_CELL_CHARS:,}: shorten it"


def listed(names: list[str] | tuple[str, ...], limit: int = MAX_LISTED_COLUMNS) -> str:
    """Names joined, the first ``limit`` of them and '… and N more'."""
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return f"{shown} … and {more:,} more" if more > 0 else shown
