"""Speed of the static exports: `python -m rkmap.render.bench [--repeat 5]`.

Times one render after a warm-up (imports, font registration and the basemap
cache are paid once per process, as in the app or a scripted briefing), and
prints the median of ``--repeat`` runs per case, in seconds, as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date

from rkmap.data import load_dataset
from rkmap.render.image import ExportOptions, render
from rkmap.render.view import MapView

CASES = {
    "slide_png_en_route": (MapView(as_of=date(2023, 10, 13), region="route"), ExportOptions(size="slide", fmt="png")),
    "slide_png_ja_rajin_dunai": (MapView(as_of=date(2023, 9, 20), region="rajin_dunai", lang="ja"), ExportOptions(size="slide", fmt="png")),
    "a4_png_en_route": (MapView(as_of=date(2023, 10, 13), region="route"), ExportOptions(size="a4", fmt="png")),
    "a4_pdf_en_route": (MapView(as_of=date(2023, 10, 13), region="route"), ExportOptions(size="a4", fmt="pdf")),
    "slide_svg_en_route": (MapView(as_of=date(2023, 10, 13), region="route"), ExportOptions(size="slide", fmt="svg")),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rkmap.render.bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", choices=tuple(CASES), action="append")
    args = parser.parse_args(argv)
    dataset, _ = load_dataset(strict=True)
    results = {}
    for name in args.case or CASES:
        view, options = CASES[name]
        start = time.perf_counter()
        render(dataset, view, options)  # warm-up: basemap cache for this frame, fonts
        first = time.perf_counter() - start
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            render(dataset, view, options)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        results[name] = {
            "first_s": round(first, 3),
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3),
            "max_s": round(max(times), 3),
            # CPU time of this process: less disturbed by other work on the machine.
            "median_cpu_s": round(statistics.median(cpu), 3),
        }
    print(json.dumps({"loadavg_1min": _loadavg(), **results}, indent=1))
    return 0


def _loadavg() -> float | None:
    try:
        import os

        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


if __name__ == "__main__":
    raise SystemExit(main())
