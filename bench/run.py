"""Benchmark: the real app against a minimal baseline page, in headless Chromium.

    python -m bench.run            # full: shipped, 10 k, 100 k and 1 M events
    python -m bench.run --quick    # shipped, 10 k and 100 k events, fewer repeats

For every size, both apps (``serve.py``, the app as ``make app`` serves it,
and ``bench/baseline_app.py``) run as ``streamlit run`` servers and are driven by Debian's Chromium through
Playwright. Measured per app and size, each over repeated runs:

- cold start: from just before ``Popen`` of the server to the first painted
  pixels of the deck.gl canvas on a first page load (fresh browser); also to
  the map being drawn and stable (no change for 1 s; the settle time excluded);
- slider latency: key press (Home / End alternately on the as-of slider, so each
  press changes the map) to the script state back at ``notRunning`` and then
  the canvas content differing (polled every 20 ms — no fixed sleep); split
  into key → run start, the run, and run end → canvas changed;
- server script time per rerun: ``running`` → ``notRunning`` of the
  ``data-test-script-state`` attribute, timestamped in the page by a
  MutationObserver;
- peak memory: ``VmHWM`` of the server process (from ``/proc``);
- export time (ours only): ``rkmap.render.image.render`` of one 16:9 PNG (the
  ``slide`` preset, 3840×2160) in a separate process, after a warm-up.

Results: ``bench/results/results.json`` (raw samples and summaries),
``bench/results/chart.png`` and ``bench/results/summary.md`` (the table that is
also printed). A size that fails or times out is recorded as such.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.synthetic import cached_synthetic
from devtools.browser import (
    APP_SERVER,
    AS_OF_SLIDER,
    CANVAS_HASH_JS,
    CANVAS_PIXELS_JS,
    CHROMIUM_ARGS,
    Server,
    chromium_path,
    memory_mb,
)
from devtools.browser import start_server as devtools_start_server

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


RESULTS_DIR = BENCH_DIR / "results"
APPS = {"ours": APP_SERVER, "baseline": BENCH_DIR / "baseline_app.py"}
# The baseline keeps Streamlit's default full collection after every script run, which
# the repository's .streamlit/config.toml turns off for the app (docs/performance-decisions.md).
APP_ENV = {"ours": {}, "baseline": {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}}
SIZES = {"shipped": None, "10k": 10_000, "100k": 100_000, "1M": 1_000_000, "user1M": None}
# Sizes of the shipped data plus an analyst's file read from the data folder (MAP_USER_DATA_DIR, as a team
# would share it): the 1,000,000-row ACLED CSV of bench/user_data_load.py. Compare ours to ours at "shipped".
USER_SIZES = {"user1M": 1_000_000}
VIEWPORT = {"width": 1600, "height": 1200}
# The as-of slider: the app's (in its map component), or the baseline's st.slider in the main area.
SLIDER = f'{AS_OF_SLIDER}, [data-testid="stMain"] [data-testid="stSlider"] input[type="range"]'
EXPORT_DATE = "2023-10-13"

# Installed before the page's own scripts: timestamps (page clock, ms) of key
# presses and of every change of the script state.
INIT_JS = """
(() => {
  const b = window.__bench = {runs: [], keys: [], long: []};
  try {
    new PerformanceObserver(list => { for (const e of list.getEntries()) b.long.push([e.startTime, e.duration]); })
      .observe({type: 'longtask', buffered: true});
  } catch (e) {}
  document.addEventListener('keydown', e => b.keys.push([e.key, performance.now()]), true);
  let app = null, last = null, observer = null;
  const record = () => {
    const s = app.getAttribute('data-test-script-state');
    if (s !== last) { last = s; b.runs.push([s, performance.now()]); }
  };
  const find = () => {
    if (app && app.isConnected) return;
    app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    if (observer) observer.disconnect();
    record();
    observer = new MutationObserver(record);
    observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  setInterval(find, 5);
})();
"""
# The time is taken before the fingerprint: the fingerprint shows the canvas as it was then,
# and computing it (a read-back of the canvas) takes 10-15 ms that are not the app's.
HASH_NOW_JS = f"() => {{ const now = performance.now(); return [({CANVAS_HASH_JS})(), now]; }}"
# True once a run started after index n has ended.
RUN_DONE_JS = """
(n) => {
  const r = window.__bench.runs;
  let started = false;
  for (let i = n; i < r.length; i++) {
    if (r[i][0] === 'running') started = true;
    else if (started && r[i][0] === 'notRunning') return true;
  }
  return false;
}
"""
STATE_JS = "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
CAPTIONS_JS = "() => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')].map(e => e.innerText)"


@dataclass(frozen=True)
class Config:
    quick: bool
    sizes: tuple[str, ...]
    cold_reps: int
    slider_reps: int
    export_reps: int
    export_budget_s: float
    export_sizes: tuple[str, ...]
    cold_timeout_s: float
    step_timeout_s: float
    out: Path
    trace: bool = False


# --------------------------------------------------------------------------- statistics
def summarize(samples: list[float]) -> dict[str, float] | None:
    values = sorted(v for v in samples if v is not None)
    if not values:
        return None
    if len(values) >= 2:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = q3 = values[0]
    return {"median": statistics.median(values), "q1": q1, "q3": q3, "min": values[0], "max": values[-1], "n": len(values)}


# --------------------------------------------------------------------------- server and browser
def start_server(script: Path, env: dict[str, str], log: Path, timeout_s: float) -> Server:
    """The app's or the baseline's server, its script runs timed. The files backend is measured: a
    DATABASE_URL in the caller's environment would take precedence over MAP_DATA_DIR."""
    return devtools_start_server(script, log, env={"DATABASE_URL": "", **env}, timeout_s=timeout_s, probe=True, poll_s=0.05)


def cpu_s(pid: int) -> float | None:
    """User + system CPU seconds the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def events_shown(page) -> int | None:
    for text in page.evaluate(CAPTIONS_JS):
        match = re.search(r"(\d+) events", text)
        if match:
            return int(match.group(1))
    return None


@dataclass
class Live:
    """A server with a page that has drawn its map (kept for the slider steps)."""

    app: str
    server: Server
    browser: object
    context: object
    page: object
    at_end: bool = True  # the slider starts at the last date
    canvas: str = ""

    def close(self) -> None:
        for closer in (self.context.close, self.browser.close):
            with contextlib.suppress(Exception):
                closer()
        self.server.stop()


def cold_start(playwright, app: str, env: dict[str, str], cfg: Config, log: Path) -> tuple[dict, Live]:
    """Launch a fresh browser, then the server; time until the map's first pixels and until it is stable."""
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    context = page = server = None
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(cfg.cold_timeout_s * 1000)
        context.add_init_script(INIT_JS)
        page = context.new_page()
        server = start_server(APPS[app], {**env, **APP_ENV[app]}, log, cfg.cold_timeout_s)
        page.goto(server.url, wait_until="commit")
        deadline = server.started + cfg.cold_timeout_s
        first_pixels = None
        while first_pixels is None:
            if page.evaluate(CANVAS_PIXELS_JS) > 0:
                first_pixels = time.monotonic() - server.started
            elif time.monotonic() > deadline:
                raise TimeoutError(f"no map pixels {cfg.cold_timeout_s:.0f} s after launch")
            else:
                time.sleep(0.05)
        wait_run_done(page, server, 0, 0, deadline)
        # Stable: the canvas has not changed for `settle` seconds; report when it last changed.
        settle = 1.0
        last, changed = page.evaluate(HASH_NOW_JS)[0], time.monotonic()
        while time.monotonic() - changed < settle:
            if time.monotonic() > deadline:
                raise TimeoutError("map did not become stable")
            time.sleep(0.05)
            now = page.evaluate(HASH_NOW_JS)[0]
            if now != last:
                last, changed = now, time.monotonic()
        runs = page.evaluate("() => window.__bench.runs")
        first_run = _first_run_s(runs)
        server_runs = server.script_runs()
        pixels = page.evaluate(CANVAS_PIXELS_JS)
        result = {
            "server_ready_s": server.ready_s,
            "cold_start_s": first_pixels,
            "cold_stable_s": changed - server.started,
            "first_run_browser_s": first_run,
            "first_script_s": server_runs[0][0] if server_runs else None,
            "first_script_cpu_s": server_runs[0][1] if server_runs else None,
            "painted_pixels": pixels,
            "canvas": page.evaluate("() => { const c = document.querySelector('#deckgl-overlay'); return c ? [c.width, c.height] : null; }"),
            "server_cpu_s": cpu_s(server.process.pid),
            "events_shown": events_shown(page),
            "memory_after_load_mb": memory_mb(server.process.pid),
        }
        return result, Live(app, server, browser, context, page, canvas=last)
    except BaseException:
        if server is not None:
            server.stop()
        with contextlib.suppress(Exception):
            browser.close()
        raise


def run_finished(page, server: Server, n_page_runs: int, n_server_runs: int) -> bool:
    """Whether a script run begun after the given counts has ended: seen by the page, or by the server
    (its run log) with the page's script state back at notRunning (a short run may never show 'running')."""
    if page.evaluate(RUN_DONE_JS, n_page_runs):
        return True
    return len(server.script_runs()) > n_server_runs and page.evaluate(STATE_JS) == "notRunning"


def wait_run_done(page, server: Server, n_page_runs: int, n_server_runs: int, deadline: float,
                  while_waiting: Callable[[], None] | None = None, interval_s: float = 0.01) -> None:
    """Poll :func:`run_finished` every ``interval_s`` until it holds, calling ``while_waiting`` before each poll."""
    while True:
        if while_waiting is not None:
            while_waiting()
        if run_finished(page, server, n_page_runs, n_server_runs):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the script run did not finish in time")
        time.sleep(interval_s)


def _first_run_s(runs: list[list]) -> float | None:
    start = None
    for state, stamp in runs:
        if state == "running" and start is None:
            start = stamp
        elif state == "notRunning" and start is not None:
            return (stamp - start) / 1000
    return None


def slider_step(live: Live, cfg: Config, watch_map: bool = False) -> dict:
    """One key press on the as-of slider; time to script end and then to a changed canvas.

    ``watch_map``: also poll the canvas while the run goes on, to see when the map first
    changes (ours redraws before its rerun). Each poll reads the WebGL canvas back, which
    slows the rerun on the same thread, so such a step's run-done time is not reported.
    """
    page = live.page
    key = "Home" if live.at_end else "End"
    n_runs = page.evaluate("() => window.__bench.runs.length")
    n_keys = page.evaluate("() => window.__bench.keys.length")
    page.locator(SLIDER).first.focus()
    pid = live.server.process.pid
    cpu0 = cpu_s(pid)
    n_server_runs = len(live.server.script_runs())
    wall0 = time.monotonic()
    page.keyboard.press(key)
    live.at_end = not live.at_end
    deadline = wall0 + cfg.step_timeout_s
    # The map may change before the rerun ends (ours filters in the browser): note when it first
    # does, while waiting for the run; then, as the issue asks, the canvas after the run.
    map_stamp = None

    def note_map_change() -> None:
        nonlocal map_stamp
        if map_stamp is None:
            digest, stamp = page.evaluate(HASH_NOW_JS)
            map_stamp = stamp if digest != live.canvas else None

    wait_run_done(page, live.server, n_runs, n_server_runs, deadline, note_map_change if watch_map else None, interval_s=0.02)
    while True:
        digest, stamp = page.evaluate(HASH_NOW_JS)
        if digest != live.canvas:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"canvas did not change within {cfg.step_timeout_s:.0f} s of pressing {key}")
        time.sleep(0.02)
    if watch_map and map_stamp is None:  # it changed only after the run
        map_stamp = stamp
    wall = time.monotonic() - wall0
    bench = page.evaluate("() => window.__bench")
    busy = sum(max(0.0, min(t + d, stamp) - max(t, key_t0)) for t, d in bench["long"] if t + d > key_t0 and t < stamp) \
        if (key_t0 := next((t for k, t in bench["keys"][n_keys:] if k == key), None)) is not None else None
    key_t = next(t for k, t in bench["keys"][n_keys:] if k == key)
    runs = bench["runs"][n_runs:]
    # A very short run can go running -> notRunning within one React render: the page never shows 'running'.
    run_start = next((t for s, t in runs if s == "running"), None)
    run_end = next((t for s, t in runs if s == "notRunning" and run_start is not None and t > run_start), None)
    # Let the map settle (and any further rerun finish) before the next step.
    live.canvas = _settle(page, digest, 0.5, cfg.step_timeout_s)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=cfg.step_timeout_s * 1000)
    runs_after = page.evaluate("() => window.__bench.runs")[n_runs:]
    cpu1 = cpu_s(pid)
    server_runs = live.server.script_runs()[n_server_runs:]
    step = {
        "key": key,
        "watched_map": watch_map,
        "latency_s": (stamp - key_t) / 1000,
        "map_latency_s": (map_stamp - key_t) / 1000 if map_stamp is not None else None,
        "latency_wall_s": wall,
        "key_to_run_s": (run_start - key_t) / 1000 if run_start is not None else None,
        "run_window_s": (run_end - run_start) / 1000 if run_end is not None else None,
        "script_s": sum(r[0] for r in server_runs) if server_runs else None,
        "script_cpu_s": sum(r[1] for r in server_runs) if server_runs else None,
        "server_runs": len(server_runs),
        "after_script_s": (stamp - run_end) / 1000 if run_end is not None else None,
        "browser_busy_s": busy / 1000 if busy is not None else None,
        "server_cpu_s": cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None,
        "reruns": sum(1 for s, _ in runs_after if s == "running"),
        "events_shown": events_shown(page),
    }
    if watch_map:  # the polls slowed this step's run: keep only when the map changed
        step.update(dict.fromkeys(("latency_s", "key_to_run_s", "run_window_s", "after_script_s", "browser_busy_s"), None))
    return step


def trace_step(live: Live, cfg: Config, path: Path, top: int = 8) -> dict:
    """One more slider step (untimed) under a Chrome trace; the busiest trace events of the
    renderer's main thread and of the GPU process's main thread (nested events overlap).

    Writes the trace to ``path`` (open it in https://ui.perfetto.dev or chrome://tracing).
    """
    live.browser.start_tracing(page=live.page, categories=["devtools.timeline", "v8.execute", "gpu"])
    try:
        step = slider_step(live, cfg)
    finally:
        raw = live.browser.stop_tracing()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    data = json.loads(raw)
    events = data["traceEvents"] if isinstance(data, dict) else data
    names = {(e.get("pid"), e.get("tid")): e.get("args", {}).get("name") for e in events if e.get("name") == "thread_name"}
    out: dict[str, object] = {"step": step, "file": str(path)}
    for thread in ("CrRendererMain", "CrGpuMain"):
        keys = {k for k, v in names.items() if v == thread}
        busy: dict[str, float] = {}
        for e in events:
            if (e.get("pid"), e.get("tid")) in keys and e.get("ph") == "X" and "dur" in e:
                busy[e["name"]] = busy.get(e["name"], 0.0) + e["dur"] / 1000
        out[thread] = [[name, round(ms, 1)] for name, ms in sorted(busy.items(), key=lambda kv: -kv[1])[:top]]
    return out


def _settle(page, last: str, settle_s: float, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < settle_s:
        time.sleep(0.05)
        now = page.evaluate(HASH_NOW_JS)[0]
        if now != last:
            last, since = now, time.monotonic()
    return last


# --------------------------------------------------------------------------- one size
def bench_size(playwright, size: str, env: dict[str, str], cfg: Config) -> dict:
    result: dict[str, dict] = {app: {"cold": [], "steps": [], "errors": []} for app in APPS}
    live: dict[str, Live] = {}
    try:
        for rep in range(cfg.cold_reps):
            order = list(APPS) if rep % 2 == 0 else list(reversed(APPS))
            keep = rep == cfg.cold_reps - 1
            for app in order:
                if result[app]["errors"]:
                    continue  # failed once at this size: do not wait for another time-out
                label = f"{size} {app} cold start {rep + 1}/{cfg.cold_reps}"
                try:
                    sample, running = cold_start(playwright, app, env, cfg, cfg.out / "logs" / f"{size}-{app}-{rep}.log")
                except Exception as exc:  # noqa: BLE001 - recorded as data
                    result[app]["errors"].append(f"cold start: {exc.__class__.__name__}: {str(exc)[:400]}")
                    print(f"  {label}: FAILED {exc.__class__.__name__}: {str(exc)[:200]}", flush=True)
                    continue
                result[app]["cold"].append(sample)
                print(
                    f"  {label}: first pixels {sample['cold_start_s']:.2f} s, stable {sample['cold_stable_s']:.2f} s, "
                    f"first script {_fmt(sample['first_script_s'])} s, events shown {sample['events_shown']}",
                    flush=True,
                )
                if keep:
                    live[app] = running
                else:
                    running.close()
        # Slider steps, alternating between the apps so both see the same machine load.
        for rep in range(cfg.slider_reps):
            for app in list(live) if rep % 2 == 0 else list(reversed(live)):
                if result[app]["errors"]:
                    continue
                try:
                    # Steps in pairs (End, Home): every other pair watches the map during the run.
                    step = slider_step(live[app], cfg, watch_map=(rep // 2) % 2 == 0)
                except Exception as exc:  # noqa: BLE001 - one failed step is recorded, the run goes on
                    result[app]["errors"].append(f"slider step {rep + 1}: {exc.__class__.__name__}: {str(exc)[:400]}")
                    print(f"  {size} {app} slider step {rep + 1}: FAILED {exc}", flush=True)
                    continue
                result[app]["steps"].append(step)
                print(
                    f"  {size} {app} {step['key']:>4}: {_ms(step['latency_s'])} ms, map changed {_ms(step['map_latency_s'])} ms (key→running {_ms(step['key_to_run_s'])}, "
                    f"running {_ms(step['run_window_s'])}, notRunning→canvas {_ms(step['after_script_s'])}; "
                    f"script in server {_ms(step['script_s'])} ms, server CPU {_ms(step['server_cpu_s'])} ms, "
                    f"browser long tasks {_ms(step['browser_busy_s'])} ms; "
                    f"{step['events_shown']} events shown)",
                    flush=True,
                )
        for app, running in live.items():
            result[app]["memory_mb"] = memory_mb(running.server.process.pid)
        if cfg.trace:
            for app, running in live.items():
                if result[app]["errors"]:
                    continue
                try:
                    result[app]["trace"] = traced = trace_step(running, cfg, cfg.out / "traces" / f"{size}-{app}.json")
                except Exception as exc:  # noqa: BLE001 - a failed trace is recorded, the run goes on
                    result[app]["trace"] = {"error": f"{exc.__class__.__name__}: {exc}"}
                    continue
                print(f"  {size} {app} traced step ({_ms(traced['step']['latency_s'])} ms); busiest trace events:", flush=True)
                for thread in ("CrRendererMain", "CrGpuMain"):
                    print(f"    {thread}: " + "; ".join(f"{name} {ms:.0f} ms" for name, ms in traced[thread][:5]), flush=True)
    finally:
        for running in live.values():
            running.close()
    return result


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value * 1000:.0f}"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# --------------------------------------------------------------------------- export
def export_worker(folder: str, reps: int, budget_s: float) -> int:
    """Child process: load the data, render one warm-up and up to ``reps`` timed 16:9 PNGs; print JSON.

    Stops repeating once ``budget_s`` have passed since the warm-up began (at least one timed render).
    """
    out: dict[str, object] = {}
    try:
        start = time.perf_counter()
        from datetime import date

        from rkmap.data import load_dataset
        from rkmap.render.image import ExportOptions, image_size, render
        from rkmap.render.view import MapView

        out["import_s"] = time.perf_counter() - start
        start = time.perf_counter()
        dataset, problems = load_dataset(folder, strict=False)
        out["load_s"] = time.perf_counter() - start
        out["events"] = len(dataset.events)
        out["problems"] = len(problems)
        view = MapView(as_of=date.fromisoformat(EXPORT_DATE))
        options = ExportOptions(size="slide", fmt="png")
        out["pixels"] = list(image_size(options))
        start = time.perf_counter()
        data = render(dataset, view, options)
        out["warmup_s"] = time.perf_counter() - start
        out["png_bytes"] = len(data)
        times: list[float] = []
        out["render_s"] = times
        began = time.perf_counter() - out["warmup_s"]
        if out["warmup_s"] > budget_s / 2:
            # Too slow to repeat within the budget: the first render is the only sample.
            times.append(out["warmup_s"])
            out["note"] = f"first render only ({out['warmup_s']:.0f} s, over half the {budget_s:.0f} s budget): no warm-up"
            reps = 0
        for _ in range(reps):
            if times and time.perf_counter() - began > budget_s:
                out["note"] = f"stopped after {len(times)} of {reps} renders: {budget_s:.0f} s budget"
                break
            start = time.perf_counter()
            render(dataset, view, options)
            times.append(time.perf_counter() - start)
    except ImportError as exc:
        out["skipped"] = f"export module not importable: {exc}"
    except Exception as exc:  # noqa: BLE001 - a failed export is recorded, the run goes on
        out["error"] = f"{exc.__class__.__name__}: {exc}"
        out["traceback"] = traceback.format_exc()[-1500:]
    print(json.dumps(out))
    return 0


def bench_export(folder: Path, cfg: Config) -> dict:
    command = [sys.executable, "-m", "bench.run", "--export-worker", str(folder), "--export-reps", str(cfg.export_reps),
               "--export-budget", str(cfg.export_budget_s)]  # fmt: skip
    # Imports and loading, a warm-up and one timed render may each take up to the budget.
    timeout = 60 + 2 * cfg.export_budget_s
    try:
        done = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s (imports, load, warm-up and one render)"}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": f"worker exited {done.returncode}: {done.stderr[-1000:]}"}


def bench_export_cli(cfg: Config) -> dict:
    """End to end, once: ``python -m rkmap --date … --out X.png`` (imports, shipped data, render, write)."""
    out = cfg.out / "export-cli.png"
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "rkmap", "--date", EXPORT_DATE, "--out", str(out)],
            cwd=REPO_DIR, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 300 s"}
    elapsed = time.monotonic() - start
    if done.returncode != 0 or not out.exists():
        return {"skipped": f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"}
    return {"seconds": elapsed, "png_bytes": out.stat().st_size}


# --------------------------------------------------------------------------- machine
def machine_info() -> dict:
    info: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(Exception):
        version = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        info["chromium"] = version
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    for name in ("streamlit", "pydeck", "pandas", "pyarrow", "matplotlib", "playwright"):
        with contextlib.suppress(PackageNotFoundError):
            info[name] = package_version(name)
    with contextlib.suppress(Exception):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_DIR, capture_output=True, text=True).stdout.strip()
        info["git"] = commit + (" (uncommitted changes)" if dirty else "")
    return info


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------- report
STEP_KEYS = ("map_latency_s", "latency_s", "key_to_run_s", "run_window_s", "after_script_s", "browser_busy_s", "script_s", "script_cpu_s", "server_cpu_s")
_STEP_ROWS = (
    # key, label, unit, scale
    ("map_latency_s", "slider step to {dir} → map changed", "ms", 1000),
    ("latency_s", "slider step to {dir} → script run done and map changed", "ms", 1000),
    ("key_to_run_s", "  key → script state running", "ms", 1000),
    ("run_window_s", "  running (page's view)", "ms", 1000),
    ("after_script_s", "  notRunning → canvas changed", "ms", 1000),
    ("browser_busy_s", "  browser main thread in long tasks", "ms", 1000),
    ("script_s", "  server script (wall, in server)", "ms", 1000),
    ("script_cpu_s", "  server script (CPU, script thread)", "ms", 1000),
    ("server_cpu_s", "  server process CPU", "ms", 1000),
)
# Steps to End show every event; steps to Home (the first day) almost none: each is summarised apart.
DIRECTIONS = (("End", "End (every event shown)"), ("Home", "Home (almost none shown)"))
METRICS = (
    ("cold_start_s", "cold start → first map pixels", "s", 1),
    ("cold_stable_s", "cold start → map drawn, stable", "s", 1),
    ("first_script_s", "first script run (in server)", "s", 1),
    *((f"{key}@{d}", label.format(dir=text), unit, scale) for d, text in DIRECTIONS for key, label, unit, scale in _STEP_ROWS),
    ("peak_rss_mb", "server peak memory (VmHWM)", "MB", 1),
    ("export_s", "export 16:9 PNG (render)", "s", 1),
)


def metric_samples(app_result: dict, key: str) -> list[float]:
    """Samples of a metric; ``name@End`` / ``name@Home`` restrict a step metric to that direction."""
    name, _, direction = key.partition("@")
    if name in ("cold_start_s", "cold_stable_s", "first_script_s"):
        return [c[name] for c in app_result.get("cold", []) if c.get(name) is not None]
    if name in STEP_KEYS:
        steps = app_result.get("steps", [])
        return [s[name] for s in steps if s.get(name) is not None and (not direction or s["key"] == direction)]
    if name == "peak_rss_mb":
        peak = app_result.get("memory_mb", {}).get("VmHWM")
        return [peak] if peak else []
    if name == "export_s":
        return list(app_result.get("export", {}).get("render_s", []) or [])
    return []


def build_summary(results: dict) -> dict:
    summary: dict[str, dict] = {}
    for size, per_app in results["sizes"].items():
        summary[size] = {}
        for key, *_ in METRICS:
            ours = summarize(metric_samples(per_app.get("ours", {}), key))
            base = summarize(metric_samples(per_app.get("baseline", {}), key))
            ratio = ours["median"] / base["median"] if ours and base and base["median"] > 0 else None
            summary[size][key] = {"ours": ours, "baseline": base, "ratio": ratio}
    return summary


def _cell(stats: dict | None, scale: float, unit: str) -> str:
    if not stats:
        return "–"
    digits = 0 if unit in ("ms", "MB") else 2
    med, lo, hi = (stats[k] * scale for k in ("median", "q1", "q3"))
    if stats["n"] == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} [{lo:.{digits}f}–{hi:.{digits}f}]"


def render_table(results: dict, summary: dict) -> str:
    lines = []
    for size, rows in summary.items():
        per_app = results["sizes"][size]
        n = per_app.get("events")
        lines.append(f"\n### {size}" + (f" ({n:,} events)" if n else ""))
        lines.append("")
        lines.append("| metric | ours | baseline | ours / baseline |")
        lines.append("| --- | --- | --- | --- |")
        for key, label, unit, scale in METRICS:
            row = rows[key]
            if not row["ours"] and not row["baseline"]:
                continue
            ratio = f"{row['ratio']:.2f}×" if row["ratio"] is not None else "–"
            name = "↳ " + label.strip() if label.startswith("  ") else label
            lines.append(f"| {name} ({unit}) | {_cell(row['ours'], scale, unit)} | {_cell(row['baseline'], scale, unit)} | {ratio} |")
        for app in APPS:
            for error in per_app.get(app, {}).get("errors", []):
                lines.append(f"\n**{app} failed:** {error}")
            export = per_app.get(app, {}).get("export", {})
            for key in ("skipped", "error", "note"):
                if key in export:
                    lines.append(f"\n*export {key}:* {str(export[key])[:300]}")
    return "\n".join(lines)


def render_markdown(results: dict, summary: dict) -> str:
    m = results["machine"]
    head = [
        "# Benchmark results" + (" (quick)" if results["config"]["quick"] else ""),
        "",
        f"Run {m.get('date')} on {m.get('nproc')} CPUs ({m.get('cpu', '?')}), {m.get('ram_gb', '?')} GB RAM; "
        f"{m.get('chromium', 'chromium ?')}; Python {m.get('python')}, Streamlit {m.get('streamlit')}, "
        f"pydeck {m.get('pydeck')}, pandas {m.get('pandas')}; git {m.get('git', '?')}. "
        f"Load average at start {results['load_average']['start']}, at end {results['load_average']['end']}.",
        "",
        f"Median [interquartile range] over {results['config']['cold_reps']} cold starts and "
        f"{results['config']['slider_reps']} slider steps per app and size (alternately to Home and to End, each summarised apart); "
        f"export: median of up to {results['config']['export_reps']} renders after a warm-up (see notes); "
        "peak memory: one value, the server that served the slider steps. Ratios are of medians.",
    ]
    cli = results.get("export_cli", {})
    if "seconds" in cli:
        head.append(f"\n`python -m rkmap --date {EXPORT_DATE} --out X.png` end to end (imports included): {cli['seconds']:.2f} s.")
    elif cli:
        head.append(f"\n`python -m rkmap … --out X.png`: {cli.get('skipped') or cli.get('error')}")
    return "\n".join(head) + "\n" + render_table(results, summary) + "\n"


def draw_chart(results: dict, summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    sizes = list(summary)
    panels = (
        ("cold_start_s", "cold start → first map pixels (s)", 1),
        ("script_s@End", "server script per rerun, step to End (ms)", 1000),
        ("map_latency_s@End", "step to End (every event shown) → map changed (ms)", 1000),
        ("map_latency_s@Home", "step to Home (almost none shown) → map changed (ms)", 1000),
        ("latency_s@End", "step to End → script run done and map changed (ms)", 1000),
        ("latency_s@Home", "step to Home → script run done and map changed (ms)", 1000),
    )
    fig, grid = plt.subplots(3, 2, figsize=(12, 11), dpi=110)
    width = 0.38
    colours = (("ours", "#1565c0"), ("baseline", "#9e9e9e"))
    for ax, (key, title, scale) in zip(grid.ravel(), panels):
        values = []
        for i, (app, colour) in enumerate(colours):
            meds, lows, highs = [], [], []
            for size in sizes:
                stats = summary[size][key][app]
                if stats:
                    meds.append(stats["median"] * scale)
                    lows.append((stats["median"] - stats["min"]) * scale)
                    highs.append((stats["max"] - stats["median"]) * scale)
                    values += [stats["min"] * scale, stats["max"] * scale]
                else:
                    meds.append(0)
                    lows.append(0)
                    highs.append(0)
            xs = [j + (i - 0.5) * width for j in range(len(sizes))]
            ax.bar(xs, meds, width, yerr=[lows, highs], capsize=3, color=colour, label=app)
        positive = [v for v in values if v > 0]
        if positive and max(positive) / min(positive) > 30:
            ax.set_yscale("log")
            ax.set_ylim(min(positive) / 2, max(positive) * 4)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        elif positive:
            ax.set_ylim(0, max(positive) * 1.25)
        for j, size in enumerate(sizes):
            ratio = summary[size][key]["ratio"]
            if ratio is not None:
                ax.annotate(f"{ratio:.2f}×", (j, 0.97), xycoords=("data", "axes fraction"), ha="center", va="top", fontsize=8)
        ax.set_xticks(range(len(sizes)), sizes)
        ax.set_title(title, fontsize=9.5)
        ax.grid(axis="y", which="major", alpha=0.3)
    handles, labels = grid[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=8, ncol=2)
    m = results["machine"]
    fig.suptitle(
        f"ours vs baseline: median, whiskers min–max, ours/baseline ratio at the top — "
        f"{m.get('nproc')} CPUs, {m.get('cpu', '')[:40]}, {m.get('date', '')[:10]}",
        fontsize=9, x=0.02, ha="left",
    )  # fmt: skip
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path)
    plt.close(fig)


def update_readme(markdown: str, readme: Path = BENCH_DIR / "README.md") -> None:
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    if begin not in text or end not in text:
        print(f"{readme} has no results markers; not updated")
        return
    body = markdown.split("\n", 1)[1].strip().replace("\n### ", "\n#### ")  # drop the title; nest the size headings
    head, rest = text.split(begin, 1)
    readme.write_text(head + begin + "\n" + body + "\n" + end + rest.split(end, 1)[1], encoding="utf-8")
    print(f"updated {readme}")


# --------------------------------------------------------------------------- ablation
# ``--ablate a,b``: the app with every speed mechanism on against the app with one
# left out (rkmap/app/bench_off.py), alternating in one run; docs/performance-decisions.md.
# "post_script_gc": Streamlit's full collection after every script run back on (the app turns it off in .streamlit/config.toml).
ABLATION_ENV = {"post_script_gc": {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}}
ABLATION_METRICS = (
    ("cold_start_s", "cold start → first map pixels", "s", 1),
    ("cold_stable_s", "cold start → map drawn, stable", "s", 1),
    ("first_script_s", "first script run (in server)", "s", 1),
    *((f"{key}@{d}", f"step to {d} → {what}", "ms", 1000) for d, _ in DIRECTIONS
      for key, what in (("map_latency_s", "map changed"), ("latency_s", "run done and map changed"), ("script_s", "server script"))),
)


def ablation_env(variant: str) -> dict[str, str]:
    """The server's environment for a variant: "all_on", a mechanism's name (rkmap.app.bench_off), or one of ABLATION_ENV."""
    if variant == "all_on":
        return {"MAP_BENCH_OFF": ""}
    return ABLATION_ENV.get(variant, {"MAP_BENCH_OFF": variant})


def bench_ablation(playwright, size: str, env: dict[str, str], variants: list[str], steps: int, cfg: Config) -> dict:
    """Cold starts of the app (``cold_start``), each followed by ``steps`` slider steps (``slider_step``), for
    "all_on" and each variant, in an order that rotates every repeat, so all see the same machine load."""
    names = ["all_on", *variants]
    result: dict[str, dict] = {name: {"cold": [], "steps": [], "errors": [], "env": ablation_env(name)} for name in names}
    for rep in range(cfg.cold_reps):
        shift = rep % len(names)
        order = names[shift:] + names[:shift]
        if rep % 2:
            order.reverse()
        for name in order:
            label = f"{size} {name} {rep + 1}/{cfg.cold_reps}"
            try:
                sample, live = cold_start(playwright, "ours", {**env, **ablation_env(name)}, cfg, cfg.out / "logs" / f"ablate-{size}-{name}-{rep}.log")
            except Exception as exc:  # noqa: BLE001 - recorded as data
                result[name]["errors"].append(f"cold start: {exc.__class__.__name__}: {str(exc)[:300]}")
                print(f"  {label}: FAILED {exc.__class__.__name__}: {str(exc)[:200]}", flush=True)
                continue
            sample["load_average"] = load_average()
            result[name]["cold"].append(sample)
            done = []
            try:
                for i in range(steps):
                    # In pairs (Home, End): the first pair watches the map during the run, the next waits for the run.
                    step = slider_step(live, cfg, watch_map=(i // 2) % 2 == 0)
                    result[name]["steps"].append(step)
                    done.append(f"{step['key']} {_ms(step['map_latency_s'] if step['watched_map'] else step['latency_s'])}")
            except Exception as exc:  # noqa: BLE001 - recorded as data
                result[name]["errors"].append(f"slider step: {exc.__class__.__name__}: {str(exc)[:300]}")
            finally:
                live.close()
            print(f"  {label}: first pixels {sample['cold_start_s']:.2f} s, stable {sample['cold_stable_s']:.2f} s, "
                  f"first script {_fmt(sample['first_script_s'])} s; steps (ms) {', '.join(done)}; load {sample['load_average'][0]}", flush=True)
    return result


def ablation_table(results: dict) -> str:
    """Per size: each metric's median [IQR] per variant, and the variant's median over all_on's (> 1: the mechanism saves)."""
    lines = []
    for size, per_variant in results["sizes"].items():
        names = list(per_variant)
        lines += [f"\n### {size}: median [IQR], and off / all on", "",
                  "| metric | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
        for key, label, unit, scale in ABLATION_METRICS:
            base = summarize(metric_samples(per_variant["all_on"], key))
            cells = []
            for name in names:
                stats = summarize(metric_samples(per_variant[name], key))
                cell = _cell(stats, scale, unit)
                if stats and base and name != "all_on" and base["median"] > 0:
                    cell += f" ({stats['median'] / base['median']:.2f}×)"
                cells.append(cell + (f" n={stats['n']}" if stats and name == "all_on" else ""))
            lines.append(f"| {label} ({unit}) | " + " | ".join(cells) + " |")
        for name in names:
            for error in per_variant[name]["errors"]:
                lines.append(f"\n**{name} failed:** {error}")
    return "\n".join(lines)


def run_ablation(args: argparse.Namespace, cfg: Config) -> int:
    from playwright.sync_api import sync_playwright

    from rkmap.app.bench_off import MECHANISMS

    variants = [v for v in args.ablate.split(",") if v]
    unknown = [v for v in variants if v not in MECHANISMS and v not in ABLATION_ENV]
    if unknown:
        raise SystemExit(f"unknown mechanism(s) {unknown}: choose from {[*MECHANISMS, *ABLATION_ENV]}")
    if "svg_lines" in variants:  # its variant bundle, with the lines as deck.gl PathLayers
        subprocess.run(["node", "bench/webgl_lines/build.mjs"], cwd=REPO_DIR, check=True)
    cfg.out.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine_info(), "variants": variants, "cold_reps": cfg.cold_reps, "steps_per_start": args.ablate_steps,
                     "load_average": {"start": load_average()}, "sizes": {}}
    print(f"ablation: {', '.join(variants)} against all_on; sizes {', '.join(cfg.sizes)}; {cfg.cold_reps} cold starts "
          f"of {args.ablate_steps} steps each per variant; load {results['load_average']['start']}", flush=True)
    subprocess.run([sys.executable, "-c", "import streamlit, pydeck, pandas, pyarrow, shapely, rkmap.data, rkmap.render.deck"], cwd=REPO_DIR, check=False)
    with sync_playwright() as playwright:
        for size in cfg.sizes:
            n = SIZES[size]
            env = {"MAP_DATA_DIR": ""} if n is None else {"MAP_DATA_DIR": str(cached_synthetic(cfg.out / "data", n))}
            results["sizes"][size] = bench_ablation(playwright, size, env, variants, args.ablate_steps, cfg)
            (cfg.out / "ablate.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    results["load_average"]["end"] = load_average()
    (cfg.out / "ablate.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    table = (f"Ablation {results['machine']['date']}, git {results['machine'].get('git')}; load average at start "
             f"{results['load_average']['start']}, at end {results['load_average']['end']}; {cfg.cold_reps} cold starts per variant, "
             f"{args.ablate_steps} slider steps after each\n" + ablation_table(results) + "\n")
    (cfg.out / "ablate.md").write_text(table)
    print(table)
    return 0


# --------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description="Benchmark the app against a minimal pydeck page in headless Chromium.")
    parser.add_argument("--quick", action="store_true", help="shipped, 10k and 100k; fewer repeats (a few minutes)")
    parser.add_argument("--sizes", help=f"comma-separated subset of {','.join(SIZES)}")
    parser.add_argument("--cold-reps", type=int, help="cold starts per app and size (quick 2, full 3)")
    parser.add_argument("--slider-reps", type=int, help="slider steps per app and size, half to End and half to Home (quick 6, full 20)")
    parser.add_argument("--export-reps", type=int, help="timed export renders per size (5)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder (bench/results)")
    parser.add_argument("--no-export", action="store_true", help="skip the export measurement")
    parser.add_argument("--trace", action="store_true", help="after the timed steps, one more step per app under a Chrome trace (not counted)")
    parser.add_argument("--readme", action="store_true", help="also put the summary into bench/README.md (between its results markers)")
    parser.add_argument("--export-budget", type=float, help="seconds of timed export renders per size (quick 25, full 300)")
    parser.add_argument("--from-json", type=Path, help="only rebuild summary, table and chart from an earlier results.json")
    parser.add_argument("--export-sizes", help="sizes to time the export at (quick: shipped,10k; full: all)")
    parser.add_argument("--ablate", help="only the app: all speed mechanisms on against each of these left out (rkmap/app/bench_off.py MECHANISMS, or post_script_gc)")
    parser.add_argument("--ablate-steps", type=int, default=4, help="with --ablate: slider steps after each cold start (4)")
    parser.add_argument("--export-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes.split(",")) if args.sizes else (("shipped", "10k", "100k") if args.quick else tuple(SIZES))
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {list(SIZES)}")
    cfg = Config(
        quick=args.quick,
        sizes=sizes,
        cold_reps=args.cold_reps or (2 if args.quick else 3),
        slider_reps=args.slider_reps or (6 if args.quick else 20),
        export_reps=args.export_reps or 5,
        export_budget_s=args.export_budget or (25 if args.quick else 300),
        export_sizes=tuple(args.export_sizes.split(",")) if args.export_sizes else (("shipped", "10k") if args.quick else tuple(SIZES)),
        cold_timeout_s=120 if args.quick else 300,
        step_timeout_s=60 if args.quick else 180,
        out=args.out,
        trace=args.trace,
    )
    return args, cfg


def main(argv: list[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    if args.export_worker:
        return export_worker(args.export_worker, cfg.export_reps, cfg.export_budget_s)
    if args.ablate:
        return run_ablation(args, cfg)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        report(results, cfg.out, args.readme)
        return 0
    from playwright.sync_api import sync_playwright

    began = time.monotonic()
    cfg.out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(cfg.out / "logs", ignore_errors=True)
    results: dict = {
        "machine": machine_info(),
        "config": {"quick": cfg.quick, "sizes": list(cfg.sizes), "cold_reps": cfg.cold_reps, "slider_reps": cfg.slider_reps,
                   "export_reps": cfg.export_reps, "export_budget_s": cfg.export_budget_s, "export_sizes": list(cfg.export_sizes),
                   "viewport": VIEWPORT},  # fmt: skip
        "load_average": {"start": load_average()},
        "sizes": {},
    }
    print(f"benchmark: sizes {', '.join(cfg.sizes)}; {cfg.cold_reps} cold starts, {cfg.slider_reps} slider steps per app", flush=True)
    # Warm the file cache so the first launch is not penalised for reading packages from disk.
    subprocess.run([sys.executable, "-c", "import streamlit, pydeck, pandas, pyarrow, shapely, rkmap.data, rkmap.render.deck"], cwd=REPO_DIR, check=False)
    with sync_playwright() as playwright:
        for size in cfg.sizes:
            n = SIZES[size]
            entry: dict = {"events": n}
            if size in USER_SIZES:
                from bench.user_data_load import write_acled

                folder, env = REPO_DIR / "geodata", {"MAP_DATA_DIR": ""}
                user_folder = cfg.out / "data" / f"user-{size}"
                if not (user_folder / "acled.csv").is_file():
                    user_folder.mkdir(parents=True, exist_ok=True)
                    write_acled(user_folder / "acled.csv", USER_SIZES[size])
                env["MAP_USER_DATA_DIR"] = str(user_folder)
                entry["events"] = 23 + USER_SIZES[size]
            elif n is None:
                folder, env = REPO_DIR / "geodata", {"MAP_DATA_DIR": ""}
                entry["events"] = 23
                with contextlib.suppress(Exception):
                    entry["events"] = sum(1 for _ in (folder / "events.csv").open(encoding="utf-8")) - 1
            else:
                start = time.monotonic()
                folder = cached_synthetic(cfg.out / "data", n)
                env = {"MAP_DATA_DIR": str(folder)}
                entry["data_folder_s"] = round(time.monotonic() - start, 2)
            print(f"size {size}: {entry['events']:,} events ({folder})", flush=True)
            size_start = time.monotonic()
            try:
                entry.update(bench_size(playwright, size, env, cfg))
            except Exception as exc:  # noqa: BLE001 - the other sizes still run
                entry["error"] = f"{exc.__class__.__name__}: {exc}"
                print(f"  {size}: FAILED {entry['error']}", flush=True)
            if not args.no_export and size in cfg.export_sizes:
                export = bench_export(folder, cfg)
                entry.setdefault("ours", {"cold": [], "steps": [], "errors": []})["export"] = export
                med = summarize(export.get("render_s") or [])
                print(f"  {size} export: " + (f"{med['median']:.2f} s median (load {export.get('load_s', 0):.2f} s)" if med else str(export)[:300]), flush=True)
            entry["seconds"] = round(time.monotonic() - size_start, 1)
            results["sizes"][size] = entry
        if not args.no_export and "shipped" in cfg.sizes:
            results["export_cli"] = bench_export_cli(cfg)
    results["load_average"]["end"] = load_average()
    results["seconds"] = round(time.monotonic() - began, 1)
    report(results, cfg.out, args.readme)
    return 0


def report(results: dict, out: Path, readme: bool) -> None:
    """Summaries into results.json, the table into summary.md (and printed), the chart."""
    out.mkdir(parents=True, exist_ok=True)
    results["summary"] = build_summary(results)
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    markdown = render_markdown(results, results["summary"])
    (out / "summary.md").write_text(markdown)
    try:
        draw_chart(results, results["summary"], out / "chart.png")
    except Exception as exc:  # noqa: BLE001 - the chart is optional: the figures are written above
        print(f"chart not drawn: {exc}", flush=True)
    print(markdown)
    if readme:
        update_readme(markdown)
    print(f"wrote {out / 'results.json'}, {out / 'summary.md'}, {out / 'chart.png'} (run took {results.get('seconds', 0):.0f} s)")


if __name__ == "__main__":
    sys.exit(main())
