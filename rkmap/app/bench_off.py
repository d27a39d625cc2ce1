"""Benchmark-only off switches for the speed mechanisms (``python -m bench.run --ablate``).

``MAP_BENCH_OFF=name,name`` leaves those mechanisms out so the benchmark can
measure what each saves (docs/performance-decisions.md). Read here only; never
set it to serve the app.
"""

from __future__ import annotations

import os

MECHANISMS = ("warm_data", "warm_map", "late_fork_server", "svg_lines", "label_store", "prefill", "static_in_memory")


def off(name: str) -> bool:
    """Whether the benchmark switched mechanism ``name`` off."""
    return name in os.environ.get("MAP_BENCH_OFF", "").split(",")
