"""How much parallel work this machine allows: shared by the steps that spread work over processes."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os


def cpus() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def forkable() -> bool:
    """Whether workers can be forked, inheriting the state they read instead of unpickling it."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_pool(processes: int) -> multiprocessing.pool.Pool:
    """`processes` workers forked now: they read this process's state as it is at this call, so what
    they work on is set in module variables before, and only results travel back over pipes."""
    return multiprocessing.get_context("fork").Pool(processes)
