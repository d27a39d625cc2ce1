"""The CPU priority of the processes that read added files (rkmap/data/load_worker.py).

They run below the app server's priority (nice 10 by default, MAP_USER_LOAD_NICE,
0 to 19): on a busy machine the sessions' slider steps and reruns, and the first
page a new server shows, get the CPU first; a file takes longer to read instead.
Light on purpose: the fork server imports it before anything else.
"""

from __future__ import annotations

import os

NICE_ENV = "MAP_USER_LOAD_NICE"
DEFAULT_NICE = 10


def niceness() -> int:
    """The setting, within 0 to 19 (a value that is not a number: the default)."""
    try:
        value = int(os.environ.get(NICE_ENV, "") or DEFAULT_NICE)
    except ValueError:
        return DEFAULT_NICE
    return min(max(value, 0), 19)


def lower_priority(target: int) -> None:
    """Lower this process's priority to nice ``target``; never raise it (a process inherits its parent's)."""
    current = os.nice(0)
    if target > current:
        os.nice(target - current)
