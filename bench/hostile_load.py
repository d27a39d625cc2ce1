"""Load test (#26): one session adds hostile files while another moves its slider.

    .venv/bin/python bench/hostile_load.py                  # 30 s per window, the worker on, then off
    .venv/bin/python bench/hostile_load.py --seconds 20 --modes worker

One app server (``running_server`` of ``bench/load.py``: ``streamlit run
serve.py`` with the script-time probe), one Debian Chromium through
Playwright's async API, two contexts (two Streamlit sessions):

- **B** moves the as-of slider (Home and End alternately, ``slider_step`` of
  ``bench/load.py``: key press → new date shown with the script idle → canvas
  changed) for ``--seconds`` in each window;
- **A** does nothing in the window *before* and *after*; *during*, it adds
  hostile files one after another through "Your data" (each upload waits for
  its "Read …" toast): the 40,000-nested-Folder KML, the 600,000-property
  GeoJSON and the GeoParquet holding one compressed 300 MB string, built by
  the generators of ``tests/data/test_budgets.py`` at the issue's sizes, and a
  legitimate 100,000-row ACLED CSV (``--acled-rows``; the budgets refuse the
  hostile files within 2 s, so the reading that a worker takes off the server
  is mostly this one's), each made distinct per round (a duplicate would not
  be read again).

Reported: B's step time to the map update (``map_changed_s``) p50/p95 per
window, the ratio during / before, A's uploads and how long each took, and the
server's peak memory. ``--modes worker,inprocess`` repeats it all with a new
server whose uploads are read in the server process (``MAP_USER_LOAD_WORKER=0``):
the comparison the worker is for. Figures depend on the machine's other load:
compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import tempfile
import time
from pathlib import Path

from bench.load import VIEWPORT, Config, expander, memory_mb, open_session, percentile, running_server, slider_step
from devtools.browser import CHROMIUM_ARGS, chromium_path
from devtools.hostile_files import nested_kml, wide_geojson

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

WORKER_ENV = "MAP_USER_LOAD_WORKER"


def bomb_parquet(round_: int) -> bytes:
    """The issue's GeoParquet: 10 KB holding one 300 MB string (a different one each round)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"date": ["2023-01-01"], "title": pa.array([chr(97 + round_ % 26) * (300 * 1024 * 1024)], pa.large_string()), "lat": [43.0], "lon": [131.0], "source": ["s"]})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", use_dictionary=False)
    return out.getvalue()


def acled_csv(rows: int) -> bytes:
    """A legitimate ACLED export (bench/user_data_load.py's generator): slow to read for the right reasons."""
    from bench.user_data_load import write_acled

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acled.csv"
        write_acled(path, rows)
        return path.read_bytes()


def hostile_files(acled_rows: int) -> list[tuple[str, object]]:
    """(name, builder(round) → bytes): the text formats padded with round newlines so each round's digest differs."""
    kml, geojson = nested_kml(40_000), wide_geojson(600_000)
    files = [
        ("deep.kml", lambda r: kml + b" " * r),
        ("wide.geojson", lambda r: geojson + b" " * r),
        ("bomb.parquet", bomb_parquet),
    ]
    if acled_rows:  # first: a window may end before the cycle does
        acled = acled_csv(acled_rows)
        files.insert(0, (f"acled-{acled_rows // 1000}k.csv", lambda r: acled + b"\n" * r))
    return files


async def upload(session, name: str, content: bytes, timeout_s: float) -> dict:
    page = session.page
    box = await expander(page, "Your data")
    start = time.monotonic()
    mime = {"kml": "application/vnd.google-earth.kml+xml", "geojson": "application/geo+json", "parquet": "application/octet-stream", "csv": "text/csv"}[name.rsplit(".", 1)[1]]
    await box.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([{"name": name, "mimeType": mime, "buffer": content}])
    status = page.locator('[data-testid="stToast"]').get_by_text(f"Read {name}:")
    await status.first.wait_for(timeout=timeout_s * 1000)
    return {"file": name, "bytes": len(content), "seconds": time.monotonic() - start, "status": (await status.first.inner_text())[:200]}


async def steps_until(session, cfg: Config, stop) -> list[dict]:
    steps = []
    for _ in range(cfg.max_steps):
        if stop():
            break
        steps.append(await slider_step(session, cfg))
    return steps


async def window(b, cfg: Config, seconds: float) -> list[dict]:
    end = time.monotonic() + seconds
    return await steps_until(b, cfg, lambda: time.monotonic() > end)


async def during(a, b, cfg: Config, seconds: float, acled_rows: int) -> tuple[list[dict], list[dict]]:
    """B steps while A adds the hostile files in turn, until ``seconds`` have passed and A's current upload ended."""
    files = hostile_files(acled_rows)
    uploads: list[dict] = []
    end = time.monotonic() + seconds

    async def uploader() -> None:
        for round_ in range(1, 1000):
            for name, build in files:
                if time.monotonic() > end:
                    return
                content = await asyncio.to_thread(build, round_)
                uploads.append(await upload(a, name, content, cfg.action_timeout_s))

    task = asyncio.create_task(uploader())
    steps = await steps_until(b, cfg, task.done)
    await task
    return steps, uploads


def stats(steps: list[dict]) -> dict:
    values = [s["map_changed_s"] for s in steps]
    return {"n": len(values), "p50_s": percentile(values, 50), "p95_s": percentile(values, 95), "max_s": max(values, default=None)}


async def run_mode(mode: str, seconds: float, cfg: Config, acled_rows: int) -> dict:
    from playwright.async_api import async_playwright

    os.environ[WORKER_ENV] = "1" if mode == "worker" else "0"  # the server inherits it
    with tempfile.TemporaryDirectory(prefix="hostile-load-") as tmp, running_server(Path(tmp)) as server:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                b = await open_session(await browser.new_context(viewport=VIEWPORT), "B", server.url, cfg)
                a = await open_session(await browser.new_context(viewport=VIEWPORT), "A", server.url, cfg)
                before = await window(b, cfg, seconds)
                steps, uploads = await during(a, b, cfg, seconds, acled_rows)
                after = await window(b, cfg, seconds)
                errors = a.errors + b.errors
            finally:
                await browser.close()
            peak = memory_mb(server.process.pid).get("VmHWM")
    result = {"mode": mode, "before": stats(before), "during": stats(steps), "after": stats(after), "uploads": uploads, "server_peak_mb": peak, "errors": errors}
    p95_before, p95_during = result["before"]["p95_s"], result["during"]["p95_s"]
    result["p95_ratio"] = p95_during / p95_before if p95_before and p95_during else None
    return result


def table(results: list[dict]) -> str:
    lines = ["| server reads uploads | B's steps before / during / after | p50 before → during (ms) | p95 before → during → after (ms) | p95 during / before | A's uploads (s each) | server peak (MB) |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        ms = lambda v: "–" if v is None else f"{v * 1000:.0f}"
        uploads = ", ".join(f"{u['file']} {u['seconds']:.1f}" for u in r["uploads"])
        where = "in a worker process" if r["mode"] == "worker" else "in the server process"
        lines.append(
            f"| {where} | {r['before']['n']} / {r['during']['n']} / {r['after']['n']} | {ms(r['before']['p50_s'])} → {ms(r['during']['p50_s'])} "
            f"| {ms(r['before']['p95_s'])} → {ms(r['during']['p95_s'])} → {ms(r['after']['p95_s'])} | {r['p95_ratio']:.2f}× | {uploads} | {r['server_peak_mb']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each window (before, during, after)")
    parser.add_argument("--modes", default="worker,inprocess")
    parser.add_argument("--acled-rows", type=int, default=100_000, help="also add a legitimate ACLED CSV of this many rows in the cycle (0: the hostile files only)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "hostile_load.json")
    args = parser.parse_args(argv)
    cfg = Config(sessions=2, seconds=args.seconds, action_every=0, out=args.out, action_timeout_s=300.0)
    results = [asyncio.run(run_mode(mode.strip(), args.seconds, cfg, args.acled_rows)) for mode in args.modes.split(",")]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(table(results))
    return 0 if not any(r["errors"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
