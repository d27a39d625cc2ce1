"""Synthetic data folders for the benchmark: the shipped files plus N generated events.

``write_synthetic(folder, n)`` copies every shipped file of ``geodata/`` except
``events.csv`` (sources, places, route legs, disagreements, the geometry
folder; citations without the shipped events' rows, since those events are not
in the folder) and writes ``n`` events as ``events.parquet``: the columns of
``events.csv``, all strings (empty string when missing), plus ``source``, the id
of a row of ``sources.csv`` that the loader accepts as the event's citation.

Deterministic: the same ``n`` and ``seed`` give the same rows. Vectorised with
numpy and pandas, so a million events take a few seconds.

``fmt="csv"`` instead writes ``events.csv`` and one citation per required fact
(date, place, summary) to ``citations.csv`` — the form the original CSV loader
accepts; meant for small sizes (tests), not for a million events.

Command line: ``python -m bench.synthetic 10000 /tmp/syn10k [--seed 1] [--csv]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

REPO_DIR = Path(__file__).resolve().parent.parent
SHIPPED_DIR = REPO_DIR / "geodata"
# Bump when the generated rows change, so cached folders are regenerated.
GENERATOR_VERSION = 1
MARKER = "SYNTHETIC.json"

EVENT_COLUMNS = (
    "id", "date", "date_end", "disclosed", "place_id", "kind", "title_en", "title_ja", "summary_en", "summary_ja",
    "claim_status", "asserted_by", "denied_by", "quantity_en", "quantity_ja",
)  # fmt: skip
FIRST_DAY = date(2000, 7, 19)
LAST_DAY = date(2024, 1, 17)
KINDS = ("summit", "visit", "meeting", "trade", "transfer", "report")
KIND_WEIGHTS = (0.03, 0.22, 0.25, 0.2, 0.1, 0.2)
KIND_JA = {"summit": "首脳会談", "visit": "訪問", "meeting": "会合", "trade": "貿易", "transfer": "移送", "report": "報道"}
STATUSES = ("confirmed", "reported", "asserted", "denied")
STATUS_WEIGHTS = (0.6, 0.2, 0.12, 0.08)
# Shares of events with an end date / a later disclosure / a stated quantity.
SPAN_SHARE, DISCLOSED_SHARE, QUANTITY_SHARE = 0.15, 0.05, 0.1
SUMMARIES_EN = (
    "Synthetic {kind} event at {place} generated for the benchmark; it stands for a dated item of the relationship and cites one source.",
    "Generated {kind} record at {place}: officials met, statements were issued and the sources reported it on the day.",
    "Benchmark {kind} at {place}. A short summary of about the length the real events carry, so the payload is realistic.",
    "Synthetic {kind} near {place}; the date, place and claim status are random but valid under the schema.",
)
SUMMARIES_JA = (
    "{place}でのベンチマーク用の合成イベント({kind})。関係の一項目を表し、出典を一つ示す。",
    "{place}での合成記録({kind})。当局者が会い、声明が出され、当日に報じられた。",
    "{place}でのベンチマーク用{kind}。実データと同程度の長さの要約で、送信量を現実的にする。",
)


def _csv_ids(path: Path, column: str = "id") -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def _place_names(path: Path) -> tuple[list[str], list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["id"] for r in rows], [r["name_en"] for r in rows], [r["name_ja"] for r in rows]


def _day_strings(days: np.ndarray) -> np.ndarray:
    """Day offsets from FIRST_DAY as 'YYYY-MM-DD' strings."""
    return (np.datetime64(FIRST_DAY.isoformat(), "D") + days.astype("timedelta64[D]")).astype(str).astype(object)


def generate_events(n: int, place_ids: list[str], source_ids: list[str], *, seed: int = 20231013,
                    place_names_en: list[str] | None = None, place_names_ja: list[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """``n`` synthetic events (all string columns) plus ``source``."""
    rng = np.random.default_rng(seed)
    span = (LAST_DAY - FIRST_DAY).days
    start = rng.integers(0, span + 1, size=n)
    has_end = rng.random(n) < SPAN_SHARE
    end = np.minimum(start + rng.integers(1, 6, size=n), span)
    has_disclosed = rng.random(n) < DISCLOSED_SHARE
    disclosed = np.minimum(start + rng.integers(1, 61, size=n), span)
    place_index = rng.integers(0, len(place_ids), size=n)
    kind_index = rng.choice(len(KINDS), size=n, p=KIND_WEIGHTS)
    status_index = rng.choice(len(STATUSES), size=n, p=STATUS_WEIGHTS)
    has_quantity = rng.random(n) < QUANTITY_SHARE
    quantity = rng.integers(1, 5000, size=n)
    summary_en_index = rng.integers(0, len(SUMMARIES_EN), size=n)
    summary_ja_index = rng.integers(0, len(SUMMARIES_JA), size=n)
    source_index = rng.integers(0, len(source_ids), size=n)

    numbers = pd.Series(np.arange(1, n + 1)).astype(str)
    ids = "syn-" + numbers.str.zfill(7)
    kinds = np.asarray(KINDS, dtype=object)[kind_index]
    kinds_ja = np.asarray([KIND_JA[k] for k in KINDS], dtype=object)[kind_index]
    statuses = np.asarray(STATUSES, dtype=object)[status_index]
    names_en = np.asarray(place_names_en or place_ids, dtype=object)[place_index]
    names_ja = np.asarray(place_names_ja or place_ids, dtype=object)[place_index]
    empty = np.full(n, "", dtype=object)

    def fill(templates: tuple[str, ...], which: np.ndarray, values: dict[str, np.ndarray]) -> np.ndarray:
        """Format template ``which[i]`` with row i's values (object arrays add elementwise)."""
        out = np.empty(n, dtype=object)
        for i, template in enumerate(templates):
            mask = which == i
            text = np.full(int(mask.sum()), "", dtype=object)
            for piece in re.split(r"(\{\w+\})", template):
                text = text + (values[piece[1:-1]][mask] if piece.startswith("{") else piece)
            out[mask] = text
        return out

    quantity_text = pd.Series(quantity).astype(str).to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "id": ids.to_numpy(dtype=object),
            "date": _day_strings(start),
            "date_end": np.where(has_end, _day_strings(end), empty),
            "disclosed": np.where(has_disclosed, _day_strings(disclosed), empty),
            "place_id": np.asarray(place_ids, dtype=object)[place_index],
            "kind": kinds,
            "title_en": "Synthetic " + kinds + " #" + numbers.to_numpy(dtype=object),
            "title_ja": "合成" + kinds_ja + " 第" + numbers.to_numpy(dtype=object) + "号",
            "summary_en": fill(SUMMARIES_EN, summary_en_index, {"kind": kinds, "place": names_en}),
            "summary_ja": fill(SUMMARIES_JA, summary_ja_index, {"kind": kinds_ja, "place": names_ja}),
            "claim_status": statuses,
            "asserted_by": np.where(statuses == "asserted", "Synthetic government A", empty),
            "denied_by": np.where(statuses == "denied", "Synthetic government B", empty),
            "quantity_en": np.where(has_quantity, quantity_text + " containers", empty),
            "quantity_ja": np.where(has_quantity, "コンテナ" + quantity_text + "個", empty),
            "source": np.asarray(source_ids, dtype=object)[source_index],
        }
    )
    return frame.astype(str)


def _copy_shipped(folder: Path, shipped: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in shipped.iterdir():
        if path.name == "geometry" and path.is_dir():
            shutil.copytree(path, folder / "geometry", dirs_exist_ok=True)
        elif path.suffix == ".csv" and path.name not in ("events.csv", "citations.csv"):
            shutil.copy2(path, folder / path.name)
    # Citations of the shipped events go: those events are not in this folder.
    with (shipped / "citations.csv").open(encoding="utf-8", newline="") as src:
        reader = csv.DictReader(src)
        rows = [row for row in reader if not row["item"].startswith("event:")]
        fields = reader.fieldnames or []
    with (folder / "citations.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_synthetic(folder: Path | str, n: int, *, seed: int = 20231013, fmt: str = "parquet", shipped: Path = SHIPPED_DIR) -> Path:
    """Write a complete data folder with ``n`` synthetic events; return the events file."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv' (got {fmt!r})")
    folder = Path(folder)
    _copy_shipped(folder, shipped)
    for stale in ("events.csv", "events.parquet"):
        (folder / stale).unlink(missing_ok=True)
    place_ids, names_en, names_ja = _place_names(shipped / "places.csv")
    source_ids = _csv_ids(shipped / "sources.csv")
    events = generate_events(n, place_ids, source_ids, seed=seed, place_names_en=names_en, place_names_ja=names_ja)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.string()) for c in (*EVENT_COLUMNS, "source")])
        table = pa.Table.from_pandas(events, schema=schema, preserve_index=False)
        target = folder / "events.parquet"
        pq.write_table(table, target, compression="zstd")
    else:
        target = folder / "events.csv"
        events[list(EVENT_COLUMNS)].to_csv(target, index=False, lineterminator="\n")
        cites = pd.DataFrame(
            {
                "item": np.repeat(("event:" + events["id"]).to_numpy(), 3),
                "field": np.tile(["date", "place", "summary"], n),
                "source": np.repeat(events["source"].to_numpy(), 3),
                "quote": "",
                "locator": "",
                "note": "synthetic",
            }
        )
        cites.to_csv(folder / "citations.csv", mode="a", header=False, index=False, lineterminator="\n")
    (folder / MARKER).write_text(json.dumps({"n": n, "seed": seed, "fmt": fmt, "version": GENERATOR_VERSION}) + "\n")
    return target


def cached_synthetic(root: Path | str, n: int, *, seed: int = 20231013, fmt: str = "parquet") -> Path:
    """The folder for ``n`` events under ``root``, generated once and reused while the marker matches."""
    folder = Path(root) / f"syn-{n}"
    want = {"n": n, "seed": seed, "fmt": fmt, "version": GENERATOR_VERSION}
    marker = folder / MARKER
    try:
        if json.loads(marker.read_text()) == want:
            return folder
    except (OSError, ValueError):
        pass
    if folder.exists():
        shutil.rmtree(folder)
    write_synthetic(folder, n, seed=seed, fmt=fmt)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20231013)
    parser.add_argument("--csv", action="store_true", help="events.csv + citations (original loader) instead of events.parquet")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    target = write_synthetic(args.folder, args.n, seed=args.seed, fmt="csv" if args.csv else "parquet")
    print(f"wrote {target} ({args.n} events) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
