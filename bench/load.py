"""Load test: many concurrent browser sessions against one app server.

    python -m bench.load --sessions 10 --seconds 60
    python -m bench.load --sessions 3 --seconds 15 --out /tmp/load.json   # the smoke test's size

One ``streamlit run serve.py`` on a free loopback port (stderr to a log file), one
Debian Chromium driven through Playwright's **async** API (one event loop, one
browser, one context per session: each context is its own Streamlit session).

1. Single session: one context alone moves the as-of slider (Home and End
   alternately, so every step changes the map) for ``--seconds``; each step is
   timed from the key press to the new date's caption with the script idle
   ("run done") and on to the canvas having changed ("map changed"), as in
   ``bench/run.py``.
2. Under load: ``--sessions`` contexts load the page at once; when all have
   drawn their map, each moves the slider for ``--seconds`` and, every
   ``--action-every`` seconds, alternately downloads "Download what is shown
   (data)" as CSV or makes the export preview. Session A first uploads a file
   holding one event titled ``SESSION-A-ONLY``; at every action and at the end
   each other session checks that the title is in none of its page text, its
   CSV download or its "Event or place" options (session A checks that it *is*
   in its own: the check can fail).

Recorded: errors (``stException`` elements, console errors, page errors,
timeouts), step latencies (p50/p95/max) alone and under load, the server's
script time per run (a ``sitecustomize`` probe logs each ``ScriptRunner``
run's wall and CPU time inside the server, as ``bench/run.py`` does), and the
server's resident memory (``VmRSS``/``VmHWM`` from ``/proc``) every 0.5 s.
Every loop is bounded in count and time. Results: ``bench/results/load.json``
(``--out``) and a table on stdout (also ``<out>.md``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from devtools.browser import (
    APP_SERVER,
    AS_OF_SLIDER,
    CANVAS_HASH_JS,
    CANVAS_PIXELS_JS,
    CHROMIUM_ARGS,
    MAP_DRAWN_MIN_PIXELS,
    Server,
    chromium_path,
    memory_mb,
    start_server,
)

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


RESULTS_DIR = BENCH_DIR / "results"
VIEWPORT = {"width": 1600, "height": 1200}
MAIN = '[data-testid="stMain"]'
SLIDER_THUMB = AS_OF_SLIDER
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SHOWN_AS_OF = re.compile(r"shown as of (\d{4}-\d{2}-\d{2})")
MARKER = "SESSION-A-ONLY"
CAPTIONS_JS = "() => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')].map(e => e.innerText)"
STATE_JS = "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
@dataclass(frozen=True)
class Config:
    sessions: int
    seconds: float
    action_every: float
    out: Path
    load_timeout_s: float = 240.0  # first paint of every session, all at once (software WebGL)
    step_timeout_s: float = 90.0
    action_timeout_s: float = 60.0
    max_steps: int = 5_000  # per session and phase: a bound besides the time


def marker_csv() -> bytes:
    """Session A's own file: one event only it may ever see."""
    rows = [
        "id,date,title,summary,kind,claim_status,lat,lon,place_name,source",
        f"session-a-only,2023-10-13,{MARKER},Uploaded by session A of the load test,meeting,confirmed,55.0,95.0,{MARKER} place,load test",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- server
@contextlib.contextmanager
def running_server(work: Path, timeout_s: float = 90):
    """The app as ``make app`` serves it, the shipped files only (session A uploads its own), its script runs timed."""
    env = {"DATABASE_URL": "", "MAP_USER_DATA_DIR": ""}
    server = start_server(APP_SERVER, work / "server.log", env=env, timeout_s=timeout_s, probe=True, poll_s=0.1)
    try:
        yield server
    finally:
        server.stop()


class MemorySampler:
    """VmRSS/VmHWM of the server every ``every_s``, tagged with the phase."""

    def __init__(self, pid: int, every_s: float = 0.5) -> None:
        self.pid, self.every_s = pid, every_s
        self.phase = "idle"
        self.samples: list[dict[str, object]] = []
        self.start = time.monotonic()
        self._task: asyncio.Task | None = None

    def mark(self, phase: str) -> None:
        self.phase = phase
        self.sample()

    def sample(self) -> None:
        mem = memory_mb(self.pid)
        if mem:
            self.samples.append({"t": round(time.monotonic() - self.start, 2), "phase": self.phase, "rss_mb": round(mem["VmRSS"], 1), "hwm_mb": round(mem["VmHWM"], 1)})

    async def _run(self) -> None:
        for _ in range(100_000):  # bounded; cancelled at the end
            self.sample()
            await asyncio.sleep(self.every_s)

    def __enter__(self) -> MemorySampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
        self.sample()

    def summary(self) -> dict[str, object]:
        def phase(name: str) -> dict[str, float] | None:
            rss = [s["rss_mb"] for s in self.samples if s["phase"] == name]
            return {"first": rss[0], "max": max(rss), "last": rss[-1], "n": len(rss)} if rss else None

        phases = dict.fromkeys(s["phase"] for s in self.samples)
        return {
            "by_phase": {name: phase(name) for name in phases},
            "hwm_mb": max((s["hwm_mb"] for s in self.samples), default=None),
        }


# --------------------------------------------------------------------------- one session
@dataclass
class Session:
    name: str
    page: object
    steps: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    crosstalk: list[str] = field(default_factory=list)
    load_s: float | None = None
    canvas: str = ""
    marker_checks: int = 0
    marker_seen_own: bool | None = None  # session A: its own upload is visible to it


def percentile(values: list[float], q: float) -> float | None:
    values = sorted(values)
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if 1 <= q <= 99 else values[-1]


async def wait_until(check, timeout_s: float, every_s: float = 0.05, what: str = "condition"):
    """Poll the async ``check`` until it returns a truthy value."""
    deadline = time.monotonic() + timeout_s
    for _ in range(1_000_000):
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout_s:.0f} s")
        await asyncio.sleep(every_s)
    raise TimeoutError(what)


async def shown_date(page) -> str | None:
    for text in await page.evaluate(CAPTIONS_JS):
        match = SHOWN_AS_OF.search(text)
        if match:
            return match[1]
    return None


async def app_errors(page) -> list[str]:
    errors = page.locator('[data-testid="stException"]')
    return await errors.all_inner_texts() if await errors.count() else []


async def settle(page, timeout_s: float, quiet_s: float = 0.4) -> str:
    """The canvas fingerprint once it has not changed for ``quiet_s`` (at most ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    last, since = await page.evaluate(CANVAS_HASH_JS), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet_s:
        await asyncio.sleep(0.05)
        now = await page.evaluate(CANVAS_HASH_JS)
        if now != last:
            last, since = now, time.monotonic()
    return last


async def open_session(context, name: str, url: str, cfg: Config) -> Session:
    page = await context.new_page()
    session = Session(name, page)
    page.on("console", lambda msg: session.console_errors.append(msg.text[:300]) if msg.type == "error" else None)
    page.on("pageerror", lambda error: session.console_errors.append(f"pageerror: {str(error)[:300]}"))
    # A download whose file the server no longer has shows only here (the browser saves nothing).
    page.on("response", lambda r: session.http_errors.append(f"{r.status} {r.request.method} {urlsplit(r.url).path}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: session.http_errors.append(f"failed {r.method} {urlsplit(r.url).path}: {r.failure}"))
    start = time.monotonic()
    await page.goto(url, timeout=cfg.load_timeout_s * 1000)
    await page.wait_for_selector(IDLE, timeout=cfg.load_timeout_s * 1000)

    async def drawn() -> bool:
        return await page.evaluate(CANVAS_PIXELS_JS) >= MAP_DRAWN_MIN_PIXELS

    await wait_until(drawn, cfg.load_timeout_s - (time.monotonic() - start), 0.25, f"{name}: map drawn")
    session.load_s = time.monotonic() - start
    session.canvas = await settle(page, 10, 0.5)
    return session


DEBUG_DIR: Path | None = None  # --debug-dir: a screenshot at every recorded error


async def snapshot(session: Session, label: str) -> None:
    if DEBUG_DIR is None:
        return
    DEBUG_DIR.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):
        await session.page.screenshot(path=str(DEBUG_DIR / f"{session.name}-{len(session.errors):03d}-{label}.png"), timeout=10_000)


async def at_end(page) -> bool:
    position = await page.locator(SLIDER_THUMB).first.evaluate(
        "e => [e.getAttribute('aria-valuenow') ?? e.value, e.getAttribute('aria-valuemax') ?? e.max]"
    )
    return position[0] is not None and str(position[0]) == str(position[1])


async def go_to_end(session: Session, cfg: Config) -> None:
    """The last date (where session A's event is shown), if the slider is not there."""
    if not await at_end(session.page):
        session.steps.append(await slider_step(session, cfg))


async def slider_step(session: Session, cfg: Config) -> dict:
    """Home or End (whichever changes the date); key press → caption + idle → canvas changed."""
    page = session.page
    before_date = await shown_date(page)
    before_canvas = session.canvas
    thumb = page.locator(SLIDER_THUMB).first
    await thumb.focus(timeout=cfg.step_timeout_s * 1000)
    # Whichever end the slider is not at (so a failed step does not repeat a key that changes nothing).
    key = "Home" if await at_end(page) else "End"
    pressed = time.monotonic()
    await page.keyboard.press(key)

    async def run_done() -> bool:
        day = await shown_date(page)
        return day is not None and day != before_date and await page.evaluate(STATE_JS) == "notRunning"

    await wait_until(run_done, cfg.step_timeout_s, 0.03, f"{session.name}: {key} → new date shown")
    done = time.monotonic()

    async def changed() -> bool:
        return await page.evaluate(CANVAS_HASH_JS) != before_canvas

    await wait_until(changed, cfg.step_timeout_s - (done - pressed), 0.03, f"{session.name}: {key} → canvas changed")
    painted = time.monotonic()
    errors = await app_errors(page)
    if errors:
        session.errors.extend(f"stException after {key}: {e[:500]}" for e in errors)
    session.canvas = await settle(page, 10)
    return {"key": key, "t": round(pressed, 3), "run_done_s": done - pressed, "map_changed_s": painted - pressed}


async def expander(page, label: str):
    box = page.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text=label)).first
    await box.wait_for()
    # Its own details and summary: an expander inside it (the upload's mapping step) has its own.
    if await box.locator("details").first.get_attribute("open") is None:
        await box.locator("summary").first.click()
    return box


async def download_csv(session: Session, cfg: Config) -> str:
    page = session.page
    box = await expander(page, "Download what is shown (data)")
    async with page.expect_download(timeout=cfg.action_timeout_s * 1000) as info:
        await box.get_by_role("button", name="Download CSV").click()
    download = await info.value
    failure = await download.failure()
    if failure:
        raise RuntimeError(f"the CSV download failed ({failure}); see http_errors")
    return Path(await download.path()).read_text(encoding="utf-8-sig")


async def export_preview(session: Session, cfg: Config) -> None:
    """Switch the preview on, wait for its image, switch it off again (so steps do not render it)."""
    page = session.page
    box = await expander(page, "Export for a briefing")
    toggle = box.get_by_text("Show preview")
    await toggle.click()
    await box.locator('[data-testid="stImage"] img').wait_for(timeout=cfg.action_timeout_s * 1000)
    await toggle.click()
    await box.locator('[data-testid="stImage"] img').wait_for(state="detached", timeout=cfg.action_timeout_s * 1000)
    await page.wait_for_selector(IDLE, timeout=cfg.action_timeout_s * 1000)


async def upload_marker(session: Session, cfg: Config) -> None:
    page = session.page
    box = await expander(page, "Your data")
    files = [{"name": "session-a.csv", "mimeType": "text/csv", "buffer": marker_csv()}]
    await box.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files)
    # An upload waits in its mapping step until Load is pressed.
    load = box.get_by_role("button", name=re.compile("Load onto the map"))
    await load.wait_for(timeout=cfg.action_timeout_s * 1000)
    await load.click()
    await box.get_by_text(re.compile(r"rows? loaded")).first.wait_for(timeout=cfg.action_timeout_s * 1000)
    await page.wait_for_selector(IDLE, timeout=cfg.action_timeout_s * 1000)
    session.canvas = await settle(page, 10, 0.5)


async def picker_options(page, text: str) -> list[str]:
    """The "Event or place" options matching ``text`` (typed into the box; closed again afterwards)."""
    combo = page.locator(MAIN).get_by_role("combobox", name="Event or place")
    await combo.click()
    await page.keyboard.type(text)
    await asyncio.sleep(0.3)
    options = await page.get_by_role("option").all_inner_texts()
    await page.keyboard.press("Escape")
    await combo.evaluate("e => e.blur()")
    return [o for o in options if text in o]


async def check_marker(session: Session, is_owner: bool, csv_text: str | None = None, picker: bool = False) -> None:
    """Whether the marker is where it must be (session A) and nowhere else (the others)."""
    page = session.page
    session.marker_checks += 1
    at_last = await at_end(page)
    places: dict[str, bool] = {"page text": MARKER in await page.locator("body").inner_text()}
    if csv_text is not None:
        places["CSV download"] = MARKER in csv_text
    if picker:
        places["Event or place options"] = bool(await picker_options(page, MARKER))
    if is_owner:
        # The page text shows it in the Your data list only when the expander is open; the CSV and options must.
        # Its CSV holds the event only at dates that show it: checked at the last date only.
        must = {k: v for k, v in places.items() if k != "page text" and (k != "CSV download" or at_last)}
        seen = all(must.values()) if must else None
        if seen is not None:
            session.marker_seen_own = seen if session.marker_seen_own is None else (session.marker_seen_own and seen)
    else:
        for where, seen in places.items():
            if seen:
                session.crosstalk.append(f"{where} of {session.name} shows {MARKER!r} (check {session.marker_checks})")


async def drive(session: Session, cfg: Config, stop_at: float, is_owner: bool | None, action_every: float | None) -> None:
    """Slider steps until ``stop_at``; with ``action_every``, a CSV download or export preview that often."""
    next_action = time.monotonic() + (action_every or 0) / 2
    kind = 0
    for _ in range(cfg.max_steps):
        if time.monotonic() >= stop_at:
            break
        try:
            if action_every and time.monotonic() >= next_action:
                start = time.monotonic()
                if kind % 2 == 0:
                    text = await download_csv(session, cfg)
                    session.actions.append({"action": "csv", "s": time.monotonic() - start, "bytes": len(text)})
                    if is_owner is not None:
                        await check_marker(session, is_owner, csv_text=text)
                else:
                    await export_preview(session, cfg)
                    session.actions.append({"action": "preview", "s": time.monotonic() - start})
                    if is_owner is not None:
                        await check_marker(session, is_owner)
                kind += 1
                next_action = time.monotonic() + action_every
                session.canvas = await settle(session.page, 10)
                continue
            session.steps.append(await slider_step(session, cfg))
        except Exception as error:  # noqa: BLE001 - recorded; the session goes on (bounded by time and count)
            session.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
            await snapshot(session, "error")
            with contextlib.suppress(Exception):
                await session.page.keyboard.press("Escape")
                session.canvas = await settle(session.page, 10)


# --------------------------------------------------------------------------- phases
def step_stats(steps: list[dict]) -> dict[str, object]:
    out: dict[str, object] = {"n": len(steps)}
    for metric in ("run_done_s", "map_changed_s"):
        values = [s[metric] for s in steps]
        out[metric] = {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values) if values else None}
    return out


def script_stats(runs: list[tuple[float, float, str]]) -> dict[str, object]:
    wall = [r[0] for r in runs]
    cpu = [r[1] for r in runs]
    return {"n": len(runs), "wall_p50_s": percentile(wall, 50), "wall_p95_s": percentile(wall, 95), "cpu_p50_s": percentile(cpu, 50)}


def session_report(session: Session) -> dict[str, object]:
    return {
        "name": session.name,
        "load_s": session.load_s,
        "steps": step_stats(session.steps),
        "actions": session.actions,
        "errors": session.errors,
        "console_errors": session.console_errors,
        "http_errors": session.http_errors,
        "crosstalk": session.crosstalk,
        "marker_checks": session.marker_checks,
        "marker_seen_own": session.marker_seen_own,
    }


async def single_phase(browser, server: Server, cfg: Config, memory: MemorySampler) -> dict:
    memory.mark("single")
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        session = await open_session(context, "single", server.url, cfg)
        runs_before = len(server.script_runs())
        await drive(session, cfg, time.monotonic() + cfg.seconds, None, None)
        report = session_report(session)
        report["script"] = script_stats(server.script_runs()[runs_before:])
        return report
    finally:
        await context.close()


async def load_phase(browser, server: Server, cfg: Config, memory: MemorySampler) -> dict:
    memory.mark("load: opening")
    names = [f"S{i}" for i in range(cfg.sessions)]
    names[0] = "A"
    contexts = [await browser.new_context(viewport=VIEWPORT) for _ in names]
    try:
        opened = await asyncio.gather(*(open_session(c, n, server.url, cfg) for c, n in zip(contexts, names)), return_exceptions=True)
        failed = {n: f"{type(o).__name__}: {str(o).splitlines()[0][:300]}" for n, o in zip(names, opened) if isinstance(o, BaseException)}
        sessions = [o for o in opened if isinstance(o, Session)]
        owner = next((s for s in sessions if s.name == "A"), None)
        if owner is not None:
            memory.mark("load: upload")
            try:
                await upload_marker(owner, cfg)
                await check_marker(owner, True, picker=True)
            except Exception as error:  # noqa: BLE001 - any failure is a finding of the load test, recorded
                owner.errors.append(f"upload: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
                await snapshot(owner, "upload")
        memory.mark("load")
        runs_before = len(server.script_runs())
        stop_at = time.monotonic() + cfg.seconds
        started = time.monotonic()
        await asyncio.gather(*(drive(s, cfg, stop_at, s is owner, cfg.action_every) for s in sessions))
        window_s = time.monotonic() - started
        script = script_stats(server.script_runs()[runs_before:])
        memory.mark("load: final checks")
        for session in sessions:  # one at a time: the picker check types into the page
            try:
                await go_to_end(session, cfg)
                csv_text = await download_csv(session, cfg)
                await check_marker(session, session is owner, csv_text=csv_text, picker=True)
                # The CSV must parse and name only this session's user rows.
                rows = list(csv.DictReader(io.StringIO(csv_text)))
                if session is not owner and any(r.get("origin") == "user" for r in rows):
                    session.crosstalk.append(f"CSV of {session.name} holds user rows it never added")
            except Exception as error:  # noqa: BLE001 - any failure is a finding of the load test, recorded
                session.errors.append(f"final check: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
                await snapshot(session, "final")
        all_steps = [step for s in sessions for step in s.steps]
        return {
            "sessions": [session_report(s) for s in sessions],
            "failed_to_open": failed,
            "steps": step_stats(all_steps),
            "window_s": window_s,
            "script": script,
            "load_s": {"p50": percentile([s.load_s for s in sessions if s.load_s], 50), "max": max((s.load_s for s in sessions if s.load_s), default=None)},
        }
    finally:
        memory.mark("load: closing")
        for context in contexts:
            with contextlib.suppress(Exception):
                await context.close()


async def run(cfg: Config) -> dict:
    from playwright.async_api import async_playwright

    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="map-load-") as tmp, running_server(Path(tmp)) as server:
        pid = server.process.pid
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                with MemorySampler(pid) as memory:
                    memory.mark("start")
                    single = await single_phase(browser, server, cfg, memory)
                    load = await load_phase(browser, server, cfg, memory)
                    memory.mark("after")
                    for _ in range(round(min(5.0, cfg.seconds / 5) / 0.5)):  # up to 5 s after every session closed
                        await asyncio.sleep(0.5)
            finally:
                await browser.close()
        log_tail = server.log.read_text(errors="replace")[-3000:]
    problems = server_log_problems(log_tail)
    result = {
        "run": {
            "started": started.isoformat(timespec="seconds"),
            "sessions": cfg.sessions,
            "seconds": cfg.seconds,
            "action_every_s": cfg.action_every,
            "cpus": os.cpu_count(),
            "load_average_at_end": list(os.getloadavg()),
            "python": platform.python_version(),
            "git": _git_head(),
        },
        "single": single,
        "load": load,
        "memory": {**memory.summary(), "samples": memory.samples},
        "server_log_problems": problems,
    }
    result["verdict"] = verdict(result)
    return result


def server_log_problems(text: str) -> list[str]:
    return [line[:300] for line in text.splitlines() if re.search(r"Traceback|Error|Exception", line)][:20]


def _git_head() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def verdict(result: dict) -> dict[str, object]:
    """What must hold: no app errors, no cross-talk, every session stepped, A saw its own upload."""
    load = result["load"]
    sessions = load["sessions"]
    app_errors = [f"{s['name']}: {e}" for s in [result["single"], *sessions] for e in s["errors"]]
    crosstalk = [c for s in sessions for c in s["crosstalk"]]
    owner = next((s for s in sessions if s["name"] == "A"), None)
    return {
        "errors": app_errors + [f"{n}: could not open: {e}" for n, e in load["failed_to_open"].items()],
        "crosstalk": crosstalk,
        "every_session_stepped": bool(sessions) and all(s["steps"]["n"] > 0 for s in sessions) and not load["failed_to_open"],
        "owner_saw_own_upload": bool(owner and owner["marker_seen_own"]),
        "console_errors": sum(len(s["console_errors"]) for s in [result["single"], *sessions]),
        # A made (deferred) download gone before the browser fetched it: see tests/browser/test_download_race.py.
        "download_404s": [f"{s['name']}: {h}" for s in [result["single"], *sessions] for h in s["http_errors"] if h.startswith("404") and "/media/" in h],
    }


# --------------------------------------------------------------------------- report
def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value * 1000:,.0f}"


def table(result: dict) -> str:
    single, load, memory = result["single"], result["load"], result["memory"]
    run_info = result["run"]
    lines = [
        f"Load test {run_info['started']}: {run_info['sessions']} sessions × {run_info['seconds']:.0f} s "
        f"(actions every {run_info['action_every_s']:.0f} s), {run_info['cpus']} CPUs, git {run_info['git']}; "
        f"load average at end {', '.join(f'{v:.2f}' for v in run_info['load_average_at_end'])}.",
        "",
        "| metric | single session | under load | load / single |",
        "| --- | --- | --- | --- |",
    ]

    def row(label: str, a: float | None, b: float | None, fmt=_ms) -> None:
        ratio = f"{b / a:.1f}×" if a and b is not None else "–"
        lines.append(f"| {label} | {fmt(a)} | {fmt(b)} | {ratio} |")

    lines.append(f"| slider steps | {single['steps']['n']} | {load['steps']['n']} (all sessions) | – |")
    for metric, label in (("run_done_s", "key → new date shown, script idle"), ("map_changed_s", "key → map changed")):
        for q in ("p50", "p95", "max"):
            row(f"{label}, {q} (ms)", single["steps"][metric][q], load["steps"][metric][q])
    row("server script per run, p50 (ms)", single["script"]["wall_p50_s"], load["script"]["wall_p50_s"])
    row("server script per run, p95 (ms)", single["script"]["wall_p95_s"], load["script"]["wall_p95_s"])
    lines.append(f"| server script runs | {single['script']['n']} | {load['script']['n']} | – |")
    row("page load → map drawn (s)", single["load_s"], load["load_s"]["max"], fmt=lambda v: "–" if v is None else f"{v:.1f}")
    actions = [a for s in load["sessions"] for a in s["actions"]]
    for kind in ("csv", "preview"):
        values = [a["s"] for a in actions if a["action"] == kind]
        lines.append(f"| {kind} action under load: n, p50, max (s) | – | {len(values)}, {percentile(values, 50) or 0:.1f}, {max(values, default=0):.1f} | – |")
    phases = memory["by_phase"]
    lines += ["", "| server memory (MB) | first | max | last |", "| --- | --- | --- | --- |"]
    for name, stats in phases.items():
        if stats:
            lines.append(f"| RSS, {name} | {stats['first']:.0f} | {stats['max']:.0f} | {stats['last']:.0f} |")
    lines.append(f"| peak (VmHWM) | – | {memory['hwm_mb']:.0f} | – |")
    v = result["verdict"]
    lines += [
        "",
        "| check | result |",
        "| --- | --- |",
        f"| app errors (stException, timeouts, failed actions) | {len(v['errors'])} |",
        f"| cross-talk ({MARKER!r} seen outside session A) | {len(v['crosstalk'])} |",
        f"| session A sees its own upload (CSV, options) | {'yes' if v['owner_saw_own_upload'] else 'NO'} |",
        f"| every session made slider steps | {'yes' if v['every_session_stepped'] else 'NO'} |",
        f"| browser console errors | {v['console_errors']} |",
        f"| downloads answered 404 (made file already deleted) | {len(v['download_404s'])} |",
        f"| server log lines with Error/Traceback | {len(result['server_log_problems'])} |",
    ]
    per = ", ".join(f"{s['name']} {s['steps']['n']}" for s in load["sessions"])
    lines += ["", f"Steps per session under load: {per}."]
    for error in v["errors"][:10]:
        lines.append(f"- error: {error}")
    for item in v["crosstalk"][:10]:
        lines.append(f"- cross-talk: {item}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the single-session phase and of the load window")
    parser.add_argument("--action-every", type=float, default=15.0, help="seconds between a CSV download or export preview, per session")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "load.json")
    parser.add_argument("--debug-dir", type=Path, help="save a screenshot of the page at every recorded error")
    args = parser.parse_args(argv)
    global DEBUG_DIR
    DEBUG_DIR = args.debug_dir
    if args.sessions < 2:
        parser.error("--sessions must be at least 2 (session A and another)")
    cfg = Config(sessions=args.sessions, seconds=args.seconds, action_every=args.action_every, out=args.out)
    result = asyncio.run(run(cfg))
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    cfg.out.write_text(json.dumps(result, indent=1, default=str) + "\n")
    text = table(result)
    cfg.out.with_suffix(".md").write_text(text + "\n")
    print(text)
    v = result["verdict"]
    ok = not v["errors"] and not v["crosstalk"] and v["every_session_stepped"] and v["owner_saw_own_upload"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
