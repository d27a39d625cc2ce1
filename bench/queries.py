"""Benchmark: what a view fetches from PostGIS against the files, at 1 M synthetic events.

    python -m bench.queries               # 1,000,000 events, 3 repeats per case
    python -m bench.queries --n 100000 --reps 5

Generates (or reuses) the synthetic folder of ``bench/synthetic.py`` under
``bench/results/data/``, starts a throwaway PostgreSQL + PostGIS server
(``devtools/postgres.py``), loads the folder with ``python -m rkmap.data init-db
--data-dir`` (timed: COPY in one transaction), then times, for both backends,
each case in a fresh process (``rkmap.data.open_data``, strict, as the CLI loads):

- ``full``: the whole date range (what the app loads);
- ``month``: as of one month after the data's first day (events starting by then);
- ``year``: as of one year after the first day;
- ``route-frame``: the ``route`` frame's box (layers/view.REGIONS) as of 2023-10-13.

Per case and backend: median and range of the load time over ``--reps`` runs,
events fetched, and peak resident memory of the process (``VmHWM``, imports
included). The files backend reads every file whatever the view and slices
afterwards; the database fetches the slice. The PostgreSQL plans of the
queries (EXPLAIN) are printed too. Results: ``bench/results/queries.json``
and ``bench/results/queries.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

RESULTS_DIR = BENCH_DIR / "results"
BACKENDS = ("files", "postgis")
CASES = ("full", "month", "year", "route-frame")


def _case_args(case: str) -> tuple[date | None, tuple[float, float, float, float] | None]:
    from bench.synthetic import FIRST_DAY
    from rkmap.core.dates import add_period
    from rkmap.render.view import REGIONS

    if case == "full":
        return None, None
    if case == "month":
        return add_period(FIRST_DAY, 1, "m"), None
    if case == "year":
        return add_period(FIRST_DAY, 1, "y"), None
    region = REGIONS["route"]
    return date(2023, 10, 13), (region.west, region.south, region.east, region.north)


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(backend: str, case: str, location: str) -> int:
    """One timed load in this (fresh) process; prints a JSON line."""
    from rkmap.data import BBox, open_data

    until, box = _case_args(case)
    bbox = BBox(*box) if box else None
    kwargs = {"database_url": location} if backend == "postgis" else {"data_dir": location}
    started = time.perf_counter()
    opened = open_data(strict=True, until=until, bbox=bbox, **kwargs)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "events": len(opened.dataset.events), "citations": len(opened.dataset.citations), "peak_mb": _peak_mb()}))
    return 0


def _run_worker(backend: str, case: str, location: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MAP_DATA_DIR")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.queries", "--worker", backend, case, location], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"{backend}/{case} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def _plans(url: str) -> dict[str, str]:
    from rkmap.data import BBox
    from rkmap.data.postgis import explain

    plans = {}
    for case in CASES:
        until, box = _case_args(case)
        plans[case] = explain(url, until, BBox(*box) if box else None)
    return plans


def render_table(results: dict) -> str:
    lines = [
        f"{results['n']:,} synthetic events; {results['reps']} runs per case, each in a fresh process; median (min–max) of the load; peak RSS of the process.",
        "",
        "| case | events fetched | files | PostGIS | PostGIS / files | peak memory files / PostGIS |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for case in CASES:
        f, d = results["cases"][case]["files"], results["cases"][case]["postgis"]
        ratio = d["seconds"]["median"] / f["seconds"]["median"]
        cell = lambda s: f"{s['median']:.2f} s ({s['min']:.2f}–{s['max']:.2f})"
        lines.append(f"| {case} | {d['events']:,} | {cell(f['seconds'])} | {cell(d['seconds'])} | {ratio:.2f}× | {f['peak_mb']:.0f} / {d['peak_mb']:.0f} MB |")
    lines += ["", f"Loading the folder into PostGIS (`python -m rkmap.data init-db --data-dir`, COPY in one transaction): {results['init_db_s']:.1f} s."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic events (default 1,000,000)")
    parser.add_argument("--reps", type=int, default=3, help="runs per case and backend (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--worker", nargs=3, metavar=("BACKEND", "CASE", "LOCATION"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(*args.worker)
    from bench.synthetic import cached_synthetic
    from devtools.postgres import create_database, missing_reason, throwaway_server

    reason = missing_reason()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    print(f"synthetic folder of {args.n:,} events …", file=sys.stderr)
    folder = cached_synthetic(RESULTS_DIR / "data", args.n)
    results: dict = {"n": args.n, "reps": args.reps, "folder": str(folder), "cases": {c: {} for c in CASES}}
    with throwaway_server() as server:
        url = create_database(server, "bench")
        env = {**{k: v for k, v in os.environ.items() if k != "MAP_DATA_DIR"}, "DATABASE_URL": url}
        print("init-db …", file=sys.stderr)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "rkmap.data", "init-db", "--data-dir", str(folder)], cwd=REPO_DIR, env=env, capture_output=True, text=True)
        results["init_db_s"] = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        print(done.stdout.strip(), file=sys.stderr)
        results["plans"] = _plans(url)
        for case in CASES:
            for backend in BACKENDS:
                location = url if backend == "postgis" else str(folder)
                runs = []
                for rep in range(args.reps):
                    runs.append(_run_worker(backend, case, location))
                    print(f"{case:12} {backend:8} run {rep + 1}: {runs[-1]['seconds']:.2f} s, {runs[-1]['events']:,} events, {runs[-1]['peak_mb']:.0f} MB", file=sys.stderr)
                results["cases"][case][backend] = {
                    "seconds": _summary([r["seconds"] for r in runs]),
                    "events": runs[-1]["events"],
                    "peak_mb": max(r["peak_mb"] for r in runs),
                    "runs": runs,
                }
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    results["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    table = render_table(results)
    print(table)
    for case, plan in results["plans"].items():
        print(f"\nEXPLAIN events query, {case}:\n{plan}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "queries.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "queries.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
