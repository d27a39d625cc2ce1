"""A short run of the load test (bench/load.py): 3 concurrent sessions for 15 s.

It runs as its own process (its own server and Chromium, Playwright's async
API) and must show: no app errors, no cross-talk of session A's uploaded event
into the other sessions, every session stepping the slider, session A seeing
its own upload, and the server's memory staying bounded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO_DIR = Path(__file__).resolve().parents[2]
SESSIONS, SECONDS, ACTION_EVERY = 3, 15, 6
TIMEOUT_S = 300  # the script bounds itself far below this; a hang fails here
# Memory is bounded: under load the server may grow by at most this much per session over the single-session phase.
MAX_GROWTH_PER_SESSION_MB = 100


def test_load_smoke(tmp_path: Path, timing) -> None:
    out = tmp_path / "load.json"
    command = [
        sys.executable, "-m", "bench.load",
        "--sessions", str(SESSIONS), "--seconds", str(SECONDS), "--action-every", str(ACTION_EVERY),
        "--out", str(out), "--debug-dir", str(tmp_path / "screens"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert out.exists(), f"bench/load.py wrote no results (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    result = json.loads(out.read_text())
    table = done.stdout
    verdict = result["verdict"]
    sessions = result["load"]["sessions"]
    http = [f"{s['name']}: {e}" for s in [result["single"], *sessions] for e in s["http_errors"]]

    assert not verdict["errors"], "errors under load:\n" + "\n".join(verdict["errors"] + http) + f"\n\n{table}"
    assert not verdict["crosstalk"], "session A's upload reached another session:\n" + "\n".join(verdict["crosstalk"])
    assert verdict["owner_saw_own_upload"], f"session A does not see its own upload (the cross-talk check could not fail):\n{table}"
    assert verdict["every_session_stepped"], table
    assert len(sessions) == SESSIONS
    assert all(s["marker_checks"] >= 2 for s in sessions), [(s["name"], s["marker_checks"]) for s in sessions]
    actions = {a["action"] for s in sessions for a in s["actions"]}
    assert actions == {"csv", "preview"}, f"actions done under load: {actions}"
    assert result["single"]["steps"]["n"] >= 3, table

    phases = result["memory"]["by_phase"]
    single_max, load_max = phases["single"]["max"], max(p["max"] for name, p in phases.items() if p and name.startswith("load"))
    assert load_max <= single_max + SESSIONS * MAX_GROWTH_PER_SESSION_MB, f"server RSS {single_max:.0f} MB alone, {load_max:.0f} MB under load:\n{table}"

    single, load = result["single"]["steps"]["map_changed_s"], result["load"]["steps"]["map_changed_s"]
    timing("load smoke: slider step p50 alone (key to map changed)", single["p50"])
    timing(f"load smoke: slider step p50 under {SESSIONS} sessions", load["p50"])
    timing(f"load smoke: slider step p95 under {SESSIONS} sessions", load["p95"])
