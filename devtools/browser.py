"""Run the app on a local port and drive it with Debian's Chromium through Playwright.

Shared by the browser tests, the screenshot script and the benchmark. Never
downloads a browser: it uses the system ``chromium``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

REPO_DIR = Path(__file__).resolve().parent.parent
# The app as `make app` serves it: app.py's page through serve.py (the data loaded as the server starts).
APP_SERVER = REPO_DIR / "serve.py"
# Put on a server's PYTHONPATH, its sitecustomize.py times every script run (see script_probe_env).
SCRIPT_PROBE_DIR = Path(__file__).resolve().parent / "script_probe"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-unsafe-swiftshader",
]
# The app's as-of slider: the native range input of the map component (rkmap/app/deck_map.js).
AS_OF_SLIDER = '[data-testid="stMain"] .deck-map-slider input[type="range"]'
# Counts non-transparent pixels of the deck.gl canvas (WebGL: read via a 2D copy).
CANVAS_PIXELS_JS = """
() => {
  const canvas = document.querySelector('#deckgl-overlay');  // the map's canvas
  if (!canvas || canvas.width < 10) return -1;
  const copy = document.createElement('canvas');
  copy.width = canvas.width; copy.height = canvas.height;
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
  return n;
}
"""
# A cheap fingerprint of the canvas content, to tell when the map has changed.
CANVAS_HASH_JS = """
() => {
  const canvas = document.querySelector('#deckgl-overlay');  // the map's canvas
  if (!canvas || canvas.width < 10) return '';
  const copy = document.createElement('canvas');
  const w = 320, h = Math.round(320 * canvas.height / canvas.width);
  copy.width = w; copy.height = h;
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h).data;
  let a = 2166136261 >>> 0;
  for (let i = 0; i < data.length; i += 7) { a ^= data[i]; a = Math.imul(a, 16777619) >>> 0; }
  return String(a);
}
"""


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: apt-get install -y chromium")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A ``streamlit run`` server on a loopback port, its log, and (with the probe) its script runs."""

    url: str
    process: subprocess.Popen
    log: Path
    script_log: Path | None = None
    started: float = 0.0  # time.monotonic() just before Popen
    ready_s: float = 0.0  # launch to healthy

    def script_runs(self) -> list[tuple[float, float, str]]:
        """(wall s, script-thread CPU s, end event) of every script run so far, timed in the server."""
        return read_script_runs(self.script_log) if self.script_log else []

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        stop_process(self.process)


def wait_until_healthy(url: str, process: subprocess.Popen, timeout_s: float, exit_detail: Callable[[], str], poll_s: float = 0.2) -> None:
    """Poll Streamlit's health endpoint until it answers; fail early if the server exits."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {exit_detail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"streamlit did not answer on {url} within {timeout_s:.0f} s")
        time.sleep(poll_s)


def streamlit_command(script: str | Path, port: int) -> list[str]:
    """``streamlit run`` of ``script`` on a loopback ``port``, headless, without usage statistics."""
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server; kill it if it has not exited within 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def script_probe_env(log: Path) -> dict[str, str]:
    """Environment for a server that logs each script run's time to ``log`` (devtools/script_probe)."""
    pythonpath = os.pathsep.join(p for p in (str(SCRIPT_PROBE_DIR), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": pythonpath, "BENCH_SCRIPT_LOG": str(log)}


def read_script_runs(log: Path) -> list[tuple[float, float, str]]:
    """(wall s, script-thread CPU s, end event) of every run the probe has logged so far."""
    try:
        lines = log.read_text().splitlines()
    except OSError:
        return []
    return [(float(wall), float(cpu), name) for wall, cpu, name in (line.split() for line in lines if line.count(" ") == 2)]


def start_server(script: str | Path, log: Path, *, env: dict[str, str] | None = None, cwd: Path = REPO_DIR, timeout_s: float = 60,
                 port: int | None = None, probe: bool = False, poll_s: float = 0.2) -> Server:
    """``streamlit run`` of ``script`` on ``port`` (default: a free loopback port), healthy; its output to ``log``
    (a pipe nobody reads would fill up and stall a long run). With ``probe``, its script runs are timed
    (:func:`script_probe_env`, to ``log`` with the suffix ``.runs``). ``env`` is added to this process's."""
    port = port or free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    script_log = log.with_suffix(".runs") if probe else None
    full_env = {**os.environ, **(env or {})}
    if script_log:
        script_log.unlink(missing_ok=True)
        full_env.update(script_probe_env(script_log))
    with log.open("wb") as handle:
        started = time.monotonic()
        process = subprocess.Popen(streamlit_command(script, port), cwd=cwd, env=full_env, stdout=handle, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log, script_log, started)
    try:
        wait_until_healthy(server.url, process, timeout_s - (time.monotonic() - started), server.log_tail, poll_s=poll_s)
    except BaseException:
        server.stop()
        raise
    server.ready_s = time.monotonic() - started
    return server


@contextlib.contextmanager
def running_app(
    script: str | Path = APP_SERVER, *, cwd: Path = REPO_DIR, env: dict[str, str] | None = None, timeout_s: float = 60, port: int | None = None
) -> Iterator[Server]:
    """The app as ``make app`` serves it (:func:`start_server`), stopped and its log removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="streamlit-") as folder:
        server = start_server(script, Path(folder) / "server.log", env=env, cwd=cwd, timeout_s=timeout_s, port=port)
        try:
            yield server
        finally:
            server.stop()


def memory_mb(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in MB."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


@contextlib.contextmanager
def chromium(playwright) -> Iterator[object]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def wait_script_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit's script run has finished (running -> notRunning)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)


# The map's canvas holds the symbols only: lines, hatched areas and labels are SVG and HTML over it,
# so an opening view paints a few thousand canvas pixels.
MAP_DRAWN_MIN_PIXELS = 500


def wait_map_drawn(page, min_pixels: int = MAP_DRAWN_MIN_PIXELS, timeout_s: float = 90) -> int:
    """Wait for the deck.gl canvas to hold at least ``min_pixels`` painted pixels."""
    deadline = time.monotonic() + timeout_s
    pixels = -1
    while time.monotonic() < deadline:
        pixels = page.evaluate(CANVAS_PIXELS_JS)
        if pixels >= min_pixels:
            return pixels
        time.sleep(0.25)
    raise TimeoutError(f"map canvas has {pixels} painted pixels after {timeout_s:.0f} s (wanted {min_pixels})")


def canvas_hash(page) -> str:
    return page.evaluate(CANVAS_HASH_JS)


def wait_canvas_change(page, before: str, timeout_s: float = 30) -> float:
    """Seconds until the canvas fingerprint differs from ``before``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if canvas_hash(page) != before:
            return time.monotonic() - start
        time.sleep(0.02)
    raise TimeoutError(f"map canvas did not change within {timeout_s:.0f} s")


def wait_canvas_stable(page, settle_s: float = 1.0, timeout_s: float = 30) -> str:
    """Wait until the canvas stops changing for ``settle_s``; return its fingerprint."""
    deadline = time.monotonic() + timeout_s
    last, since = canvas_hash(page), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = canvas_hash(page)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle_s:
            return now
    return last
