"""Benchmark: an analyst uploads 1,000,000 rows through the panel; the map and the slider after it (issue #27).

    .venv/bin/python -m bench.user_layer                  # 1,000,000 rows, 8 slider steps per phase
    .venv/bin/python -m bench.user_layer --rows 100000 --steps 6

One run, one machine load, in headless Chromium (bench/run.py's cold start and slider step):

1. the baseline page (bench/baseline_app.py) and the app (serve.py) are started
   and each draws its map; their slider steps alternate (Home / End): the
   **baseline step** and the **shipped step** (ours, shipped data only);
2. in the app's page the ACLED CSV of bench/user_data_load.py is set on the "Your
   data" uploader and, once the mapping step shows, "Load onto the map" is pressed:
   **upload to first map** ends when the user layer's columns have arrived
   (the page's ``deck-map:columnar-loaded`` mark, rkmap/app/columnar.js) and the
   canvas has changed and settled; split into file set → mapping step shown
   (upload and reading, in the load worker) and Load pressed → map;
3. the slider steps alternate again between the baseline and the app, now with the
   upload: the **user step**. Issue #27 asks the user step to stay within 1.5×
   the shipped step; both are also given against the baseline step of the same run;
4. the app server's peak resident memory (``VmHWM``) at the end, and the bytes
   the channel sent (the page's resource timing).

Results: ``bench/results/user_layer.json`` (every sample) and a summary printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.run import RESULTS_DIR, Config, Live, cold_start, load_average, memory_mb, slider_step, summarize
from bench.user_data_load import write_acled

SIDEBAR = '[data-testid="stSidebar"]'
COLUMNAR_MARK_JS = "() => performance.getEntriesByName('deck-map:columnar-loaded').length"
CHANNEL_BYTES_JS = """
() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/rkmap-user/') && !e.name.includes('/row/'))
  .map((e) => [e.name.replace(/.*\\/rkmap-user\\/[^/]+/, ''), e.encodedBodySize, e.duration])
"""


def upload(live: Live, path: Path, timeout_s: float) -> dict[str, float]:
    """Upload ``path`` through the panel and press Load; seconds to the mapping step and to the drawn map."""
    from bench.run import HASH_NOW_JS, _settle

    page = live.page
    panel = page.locator(f'{SIDEBAR} [data-testid="stExpander"]').filter(has=page.locator("summary", has_text="Your data")).first
    if panel.locator("details").get_attribute("open") is None:
        panel.locator("summary").click()
    before = page.evaluate(HASH_NOW_JS)[0]
    start = time.monotonic()
    panel.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    load = panel.get_by_role("button", name="Load onto the map")
    load.first.wait_for(timeout=timeout_s * 1000)
    mapping = time.monotonic() - start
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_s * 1000)
    pressed = time.monotonic()
    load.first.click()
    deadline = pressed + timeout_s
    while not page.evaluate(COLUMNAR_MARK_JS):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the user layer's columns did not arrive within {timeout_s:.0f} s of pressing Load")
        time.sleep(0.05)
    while page.evaluate(HASH_NOW_JS)[0] == before:
        if time.monotonic() > deadline:
            raise TimeoutError("the map did not change after the columns arrived")
        time.sleep(0.05)
    drawn = time.monotonic()
    live.canvas = _settle(page, page.evaluate(HASH_NOW_JS)[0], 1.0, timeout_s)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_s * 1000)
    return {"upload_to_map_s": drawn - start, "upload_to_mapping_step_s": mapping, "load_to_map_s": drawn - pressed}


def steps(live: dict[str, Live], cfg: Config, n: int, phase: str, out: dict[str, list]) -> None:
    """``n`` steps per app, alternating between the apps (the order flips each round), timed to the map changed after the run."""
    for rep in range(n):
        for app in list(live) if rep % 2 == 0 else list(reversed(live)):
            step = slider_step(live[app], cfg)
            out.setdefault(f"{phase}:{app}", []).append(step)
            print(f"  {phase:7s} {app:8s} {step['key']:>4}: {step['latency_s'] * 1000:6.0f} ms (script {(step['script_s'] or 0) * 1000:.0f} ms, "
                  f"{step['events_shown']} events shown)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=8, help="slider steps per app and phase (even: half Home, half End)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for the upload to reach the map")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    cfg = Config(quick=True, sizes=("shipped",), cold_reps=1, slider_reps=args.steps, export_reps=0, export_budget_s=0, export_sizes=(),
                 cold_timeout_s=300, step_timeout_s=180, out=args.out)
    data = args.out / "data" / f"acled-{args.rows}.csv"
    if not data.is_file():
        data.parent.mkdir(parents=True, exist_ok=True)
        write_acled(data, args.rows)
    print(f"{args.rows:,} rows, {data.stat().st_size / 1e6:.0f} MB ({data})", flush=True)
    from playwright.sync_api import sync_playwright

    results: dict = {"rows": args.rows, "bytes": data.stat().st_size, "load_average": {"start": load_average()}, "steps": {}}
    env = {"MAP_DATA_DIR": ""}
    live: dict[str, Live] = {}
    with sync_playwright() as playwright:
        try:
            for app in ("baseline", "ours"):
                sample, live[app] = cold_start(playwright, app, env, cfg, args.out / "logs" / f"user-layer-{app}.log")
                print(f"  {app} cold start: first pixels {sample['cold_start_s']:.2f} s", flush=True)
            steps(live, cfg, args.steps, "shipped", results["steps"])
            results["upload"] = upload(live["ours"], data, args.timeout)
            results["memory_after_upload_mb"] = memory_mb(live["ours"].server.process.pid)
            results["channel"] = live["ours"].page.evaluate(CHANNEL_BYTES_JS)
            print(f"  upload: {json.dumps(results['upload'])}; channel {results['channel']}", flush=True)
            steps(live, cfg, args.steps, "user", results["steps"])
            results["memory_mb"] = memory_mb(live["ours"].server.process.pid)
        finally:
            for running in live.values():
                running.close()
    results["load_average"]["end"] = load_average()
    med = {key: summarize([s["latency_s"] for s in samples]) for key, samples in results["steps"].items()}
    results["summary"] = med
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "user_layer.json").write_text(json.dumps(results, indent=1, default=str) + "\n")

    def m(key: str) -> float:
        return med[key]["median"] if med.get(key) else float("nan")

    print(f"\n{args.rows:,} user rows uploaded (load average {results['load_average']['start']} -> {results['load_average']['end']})")
    up = results["upload"]
    print(f"upload to first map {up['upload_to_map_s']:.1f} s (file set to mapping step {up['upload_to_mapping_step_s']:.1f} s, Load to map {up['load_to_map_s']:.1f} s)")
    for phase in ("shipped", "user"):
        print(f"{phase:7s} step: ours {m(f'{phase}:ours') * 1000:.0f} ms, baseline {m(f'{phase}:baseline') * 1000:.0f} ms "
              f"(ours/baseline {m(f'{phase}:ours') / m(f'{phase}:baseline'):.2f})")
    print(f"user step / shipped step (ours): {m('user:ours') / m('shipped:ours'):.2f} (issue #27: at most 1.5); "
          f"user step / baseline step of the same phase: {m('user:ours') / m('user:baseline'):.2f}; "
          f"all baseline steps {statistics.median(s['latency_s'] for k, v in results['steps'].items() if k.endswith('baseline') for s in v) * 1000:.0f} ms")
    print(f"server memory: peak {results['memory_mb'].get('VmHWM', 0):.0f} MB, now {results['memory_mb'].get('VmRSS', 0):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
