"""Loading an analyst's big file: a 1,000,000-row ACLED-format CSV through the user-data loader.

    .venv/bin/python bench/user_data_load.py            # 1,000,000 rows (about 200 MB), 2 repeats
    .venv/bin/python bench/user_data_load.py --rows 100000 --reps 1
    .venv/bin/python bench/user_data_load.py --format geojson   # 1,000,000 point features (about 181 MB)
    .venv/bin/python bench/user_data_load.py --format kml --rows 860000   # 860,000 Placemarks (about 208 MB)

The file is generated into a temporary folder (never committed). Each
measurement runs in a fresh Python process, so its peak memory (ru_maxrss) is
its own:

- **baseline**: ``pandas.read_csv(engine="pyarrow")`` of the same file with
  day-first dates parsed and coordinates as floats: the least any loader does
  (for ``--format geojson`` or ``kml``, ``geopandas.read_file`` through pyogrio
  and Arrow, dates parsed);
- **cli**: what ``python -m rkmap --data FILE`` does before it draws
  (``rkmap.cli._with_data``: read the file, ``load_user_file``, the summary,
  ``with_user_data``, the coordinate check), in the process that runs it;
- **worker**: what the panel does (``rkmap.data.load_worker.load_in_worker``,
  the file read in a capped worker process and its answer sent back, then
  ``with_user_data`` in the server's process; the upload kept as the panel
  keeps it for a new mapping: compressed, ``KeptFile``, where the checkout
  has it, else its bytes). Its peak is the server
  process's; the worker's own peak (what ``MAP_USER_LOAD_MB`` must allow) is
  reported beside it, read from ``RUSAGE_CHILDREN`` once the fork server that
  reaped it has been stopped and reaped.

Targets (issue #27): at most 15 s and 1.5 GB peak for ours. Wall time and
CPU time (the process's, all threads) are printed: on a shared machine the
wall time also measures the others' load, so compare ratios to the baseline.

``--export geojson|csv|kml`` measures instead the whole command ``python -m rkmap --data FILE --date
2023-10-13 --out X.fmt`` (load and export, ``rkmap.cli.run`` in a fresh process; the output is deleted),
with ``--before DIR`` interleaved.

``--before DIR`` also measures the loader of another checkout (e.g. ``git
archive`` of the commit before a change, unpacked into DIR), interleaved with
the others, so a change is judged in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,"
    "inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
)
TYPES = [
    ("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"), ("Explosions/Remote violence", "Air/drone strike"),
    ("Strategic developments", "Disrupted weapons use"), ("Protests", "Peaceful protest"), ("Violence against civilians", "Attack"),
]  # fmt: skip
PLACES = [("Kharkiv", 49.9935, 36.2304), ("Kramatorsk", 48.7305, 37.5879), ("Bakhmut", 48.5956, 38.0003), ("Kherson", 46.6354, 32.6169), ("Zaporizhzhia", 47.8388, 35.1396)]
SOURCES = ["Ukrainska Pravda", "Kyiv Independent; Ukrinform", "MoD of Ukraine", "Telegram", "Twitter; Suspilne"]


def write_acled(path: Path, rows: int, seed: int = 27) -> int:
    """An ACLED export of ``rows`` events (2018–2024, day-first dates), written in chunks; its size in bytes."""
    rng = np.random.default_rng(seed)
    chunk = 100_000
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            days = rng.integers(17532, 19905, n)  # 2018-01-01 … 2024-07-01
            dates = np.datetime64("1970-01-01") + days.astype("timedelta64[D]")
            kinds = rng.integers(0, len(TYPES), n)
            places = rng.integers(0, len(PLACES), n)
            jitter = rng.normal(0, 0.05, (n, 2))
            precision = rng.choice([1, 1, 1, 2, 3], n)
            geo = rng.choice([1, 1, 2, 3], n)
            fatalities = rng.poisson(0.7, n)
            lines = []
            for i in range(n):
                d = str(dates[i])
                event_type, sub_type = TYPES[kinds[i]]
                name, lat, lon = PLACES[places[i]]
                lines.append(
                    f"UKR{start + i + 1},{d[8:10]}/{d[5:7]}/{d[0:4]},{d[0:4]},{precision[i]},,{event_type},{sub_type},"
                    f"Russian Forces,,8,,,0,80,,804,Europe,Ukraine,,,,{name},"
                    f"{lat + jitter[i, 0]:.4f},{lon + jitter[i, 1]:.4f},{geo[i]},{SOURCES[(start + i) % len(SOURCES)]},National,"
                    f"Near {name}.,{fatalities[i]},,{1700000000 + i}\n"
                )
            out.write("".join(lines))
    return path.stat().st_size


def _write_points(path: Path, rows: int, seed: int, head: str, item: Callable[[int, str, float, float, str], str], sep: str, tail: str) -> int:
    """``rows`` dated points (2018–2024, in 30–40°E 45–52°N) written as ``item(number, date, lon, lat, source)``, 100,000 at a time; the file's size."""
    rng = np.random.default_rng(seed)
    chunk = 100_000
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            dates = (np.datetime64("1970-01-01") + rng.integers(17532, 19905, n).astype("timedelta64[D]")).astype(str)
            lon, lat = rng.uniform(30, 40, n), rng.uniform(45, 52, n)
            items = sep.join(item(start + i, dates[i], lon[i], lat[i], SOURCES[(start + i) % len(SOURCES)]) for i in range(n))
            out.write(items + (sep if start + n < rows else ""))
        out.write(tail)
    return path.stat().st_size


def write_geojson(path: Path, rows: int, seed: int = 27) -> int:
    """A FeatureCollection of ``rows`` dated points (``date``, ``title``, ``source``); its size in bytes.

    A million of them (about 181 MB) is the largest such GeoJSON the default
    budgets allow: the row limit comes before the 200 MB one.
    """

    def feature(number: int, day: str, lon: float, lat: float, source: str) -> str:
        return (
            f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon:.5f},{lat:.5f}]}},'
            f'"properties":{{"date":"{day}","title":"Shelling near village {number % 977}","source":"{source}"}}}}'
        )

    return _write_points(path, rows, seed, '{"type": "FeatureCollection", "features": [\n', feature, ",\n", "\n]}\n")


def write_kml(path: Path, rows: int, seed: int = 27) -> int:
    """A KML Document of ``rows`` dated Placemarks (name, TimeStamp, a ``source`` Data, a Point); its size in bytes.

    860,000 of them (about 208 MB, under 200 MiB) is about the largest such KML the budget allows.
    """

    def placemark(number: int, day: str, lon: float, lat: float, source: str) -> str:
        return (
            f"<Placemark><name>Shelling {number % 977}</name><TimeStamp><when>{day}</when></TimeStamp>"
            f'<ExtendedData><Data name="source"><value>{source}</value></Data></ExtendedData>'
            f"<Point><coordinates>{lon:.5f},{lat:.5f}</coordinates></Point></Placemark>"
        )

    head = '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>\n'
    return _write_points(path, rows, seed, head, placemark, "\n", "\n</Document></kml>\n")


_CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
path, which = sys.argv[1], sys.argv[2]
start = time.perf_counter()
cpu_start = time.process_time()
worker_peak = 0
server_cpu = 0.0
if which == "baseline" and path.endswith((".geojson", ".kml")):
    import geopandas, pandas as pd
    frame = geopandas.read_file(path, engine="pyogrio", use_arrow=True)
    date = "date" if "date" in frame.columns else "timestamp"
    frame[date] = pd.to_datetime(frame[date], format="ISO8601")
    rows = loaded = len(frame)
elif which == "baseline":
    import pandas as pd
    frame = pd.read_csv(path, engine="pyarrow", dtype_backend="pyarrow")
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%d/%m/%Y")
    rows = len(frame)
    loaded = int(frame[["latitude", "longitude"]].notna().all(axis=1).sum())
else:
    import contextlib, io
    from rkmap.data import open_data
    from rkmap.data.user_data import user_parts, with_user_data
    shipped = open_data(strict=True).dataset
    if which == "worker":
        from multiprocessing import forkserver
        from rkmap.data.load_worker import load_in_worker, start_worker_server
        start_worker_server()  # as the app server does when it starts (not part of a file's load)
        load_in_worker("warm.csv", b"date,title,lat,lon,source\n2023-01-01,a,1,1,s\n")  # the fork server's imports done, as in a running app
        server = forkserver._forkserver._forkserver_pid
        with open(f"/proc/{server}/stat") as stat:  # its CPU so far (start-up and the warm-up worker), not the file's
            fields = stat.read().rsplit(")", 1)[1].split()
        server_cpu = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    begin, cpu_begin = time.perf_counter(), time.process_time()
    if which == "cli":
        from rkmap.cli import _with_data
        said = io.StringIO()
        with contextlib.redirect_stderr(said):
            merged = _with_data(shipped, [Path(path)])
        if merged is None:
            raise SystemExit(f"--data refused the file: {said.getvalue()[-600:]}")
    else:
        from rkmap.data import load_worker
        content = Path(path).read_bytes()
        if hasattr(load_worker, "KeptFile") and hasattr(load_worker.KeptFile, "compressing"):  # as this checkout's panel: compressed while the worker reads
            keeping = load_worker.KeptFile.compressing(content)
            held = [content]
            del content
            data = load_worker.load_in_worker_taking(Path(path).name, held, set(shipped.places["id"]))
            kept = keeping.result()
        elif hasattr(load_worker, "KeptFile"):  # as an older checkout's panel: the file kept compressed, its bytes let go once the worker has them
            kept = load_worker.KeptFile.of(content)
            held = [content]
            del content
            data = load_worker.load_in_worker_taking(Path(path).name, held, set(shipped.places["id"]))
        else:  # as an older checkout's panel: the bytes held for a new mapping
            data = load_in_worker(Path(path).name, content, set(shipped.places["id"]))
        merged = with_user_data(shipped, [data])
    start, cpu_start = begin, cpu_begin
    user = user_parts(merged)[1]
    rows = loaded = len(user.events)
    if which == "worker":
        cpu_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        forkserver._forkserver._stop()  # reaps the fork server, which reaped the worker: its peak is now in RUSAGE_CHILDREN
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
seconds = time.perf_counter() - start
cpu = time.process_time() - cpu_start
children = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu += children.ru_utime + children.ru_stime - server_cpu  # the worker's CPU, reaped with the fork server
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"which": which, "seconds": seconds, "cpu_seconds": cpu, "peak_bytes": peak, "worker_peak_bytes": worker_peak, "rows": rows, "loaded": loaded}))
"""


_EXPORT_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from rkmap.cli import run
path, out = sys.argv[1], Path(sys.argv[2])
start, cpu_start = time.perf_counter(), time.process_time()
code = run(["--data", path, "--date", "2023-10-13", "--out", str(out)])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
size = out.stat().st_size
out.unlink()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"which": "export", "seconds": seconds, "cpu_seconds": cpu, "peak_bytes": peak, "worker_peak_bytes": 0, "rows": size, "loaded": code}))
"""


def measure_export(path: Path, fmt: str, root: Path = ROOT) -> dict:
    """The whole ``--data FILE --out X.fmt`` command of ``root``'s checkout; ``rows`` is the output's size in bytes."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = path.with_name(f"export-{root.name}.{fmt}")
    done = subprocess.run([sys.executable, "-c", _EXPORT_CHILD, str(path), str(out)], capture_output=True, text=True, check=False, cwd=root, env=env)
    if done.returncode != 0:
        raise SystemExit(f"export failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(path: Path, kind: str, root: Path = ROOT) -> dict:
    # PYTHONPATH puts the measured checkout ahead of the installed package (--before measures an older one).
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), kind], capture_output=True, text=True, check=False, cwd=root, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak(r: dict) -> str:
    worker = f", worker {r['worker_peak_bytes'] / 2**30:.2f} GiB ({r['worker_peak_bytes'] / 1e9:.2f} GB)" if r["worker_peak_bytes"] else ""
    return f"peak {r['peak_bytes'] / 2**30:.2f} GiB ({r['peak_bytes'] / 1e9:.2f} GB){worker}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--format", choices=("csv", "geojson", "kml"), default="csv", help="an ACLED CSV (default), or a GeoJSON or KML of dated points")
    parser.add_argument("--before", type=Path, help="another checkout whose loader is measured too (labelled 'before cli', 'before worker')")
    parser.add_argument("--export", choices=("geojson", "csv", "kml"), help="measure load and export: python -m rkmap --data FILE --out X.EXPORT")
    args = parser.parse_args(argv)
    if args.export:
        return _exports(args)
    runs = [("baseline", ROOT, "baseline"), ("cli", ROOT, "cli"), ("worker", ROOT, "worker")]
    if args.before:
        runs += [("before cli", args.before.resolve(), "cli"), ("before worker", args.before.resolve(), "worker")]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / {"csv": "acled_1m.csv", "geojson": "points.geojson", "kml": "placemarks.kml"}[args.format]
        size = {"csv": write_acled, "geojson": write_geojson, "kml": write_kml}[args.format](path, args.rows)
        print(f"{args.rows:,} rows, {size / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f} at the start")
        results = []
        for rep in range(args.reps):
            for label, root, kind in runs if rep % 2 == 0 else runs[::-1]:  # the order alternates between repeats
                r = {**measure(path, kind, root), "label": label}
                results.append(r)
                print(f"rep {rep + 1} {label:13s} {r['seconds']:6.2f} s (CPU {r['cpu_seconds']:6.2f} s)  {_peak(r)}  rows {r['rows']:,}  loaded {r['loaded']:,}")
        best = {label: min((r for r in results if r["label"] == label), key=lambda r: r["seconds"]) for label, _, _ in runs}
        base = best["baseline"]
        for label, _, _ in runs:
            b = best[label]
            ratio = f"  ({b['seconds'] / base['seconds']:.1f}x baseline wall, {b['cpu_seconds'] / base['cpu_seconds']:.1f}x CPU, {b['peak_bytes'] / base['peak_bytes']:.1f}x peak)"
            print(f"best {label:13s} {b['seconds']:6.2f} s (CPU {b['cpu_seconds']:6.2f} s)  {_peak(b)}" + ("" if label == "baseline" else ratio))
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


def _exports(args: argparse.Namespace) -> int:
    """``--export FMT``: the command, this checkout's and ``--before``'s taking turns; wall, CPU and peak per run."""
    runs = [("export", ROOT)] + ([("before export", args.before.resolve())] if args.before else [])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("points.geojson" if args.format == "geojson" else "acled_1m.csv")
        size = (write_geojson if args.format == "geojson" else write_acled)(path, args.rows)
        print(f"{args.rows:,} rows, {size / 1e6:.0f} MB -> {args.export}; load average {os.getloadavg()[0]:.1f} at the start")
        for rep in range(args.reps):
            for label, root in runs if rep % 2 == 0 else runs[::-1]:
                r = measure_export(path, args.export, root)
                print(f"rep {rep + 1} {label:13s} {r['seconds']:6.2f} s (CPU {r['cpu_seconds']:6.2f} s)  {_peak(r)}  exit {r['loaded']}  output {r['rows'] / 1e6:.0f} MB")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
