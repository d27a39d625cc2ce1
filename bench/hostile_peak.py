"""Peak memory and wall time of reading each of issue #26's hostile files, each in a fresh process.

    .venv/bin/python bench/hostile_peak.py   # every file at the issue's size; a Markdown table on stdout

The files are built by the generators of ``tests/data/test_budgets.py`` (``HOSTILE``,
at the sizes of the issue) into a temporary folder; each is read by
``rkmap.data.user_data.load_user_file`` in a new Python process (the child of
``tests/data/test_budgets.py``), which prints its wall time and its peak resident
memory (``VmHWM`` from ``/proc/self/status``, imports included). The bound
(under 1 GB, within 60 s) is asserted by ``test_hostile_files_at_full_size_load_within_1gb_and_60s``;
this prints the figures. The reading is the worker's (rkmap/data/load_worker.py runs
the same function under its cap), without the cap: what a file costs by itself.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.hostile_files import HOSTILE, PEAK_CHILD

REPO_DIR = Path(__file__).resolve().parent.parent


def measure(name: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", PEAK_CHILD, name, str(path)], capture_output=True, text=True, timeout=300, cwd=REPO_DIR, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1][:200] if out.stderr.strip() else f"exit {out.returncode}"}
    seconds, peak_mb, loaded = out.stdout.split()
    return {"seconds": float(seconds), "peak_mb": int(peak_mb), "loaded": int(loaded)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        for key, (name, build) in HOSTILE.items():
            path = Path(folder) / name
            path.write_bytes(build())
            result = measure(name, path)
            rows.append((key, path.stat().st_size, result))
            path.unlink()
            print(key, path.name, result, file=sys.stderr)
    print("| file | size on disk | read in (s) | peak resident (MB) | rows loaded |")
    print("| --- | --- | --- | --- | --- |")
    for key, size, r in rows:
        if "error" in r:
            print(f"| {key} | {size / 1e6:.2f} MB | failed: {r['error']} | | |")
        else:
            print(f"| {key} | {size / 1e6:.2f} MB | {r['seconds']:.2f} | {r['peak_mb']} | {r['loaded']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
