"""How much parallel work this machine allows: shared by the steps that spread work over processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from typing import Any


def cpus() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def forkable() -> bool:
    """Whether workers can be forked, inheriting the state they read instead of unpickling it."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def forked_pool(processes: int, initializer: Callable[..., None], *initargs: Any) -> Iterator[ProcessPoolExecutor]:
    """`processes` workers forked at the first task, each starting with `initializer(*initargs)` (which hands
    it the state it works on, inherited rather than pickled: only tasks and results travel over pipes). A
    dead worker raises BrokenProcessPool instead of hanging; leaving early (an error, a signal) ends the
    workers at once rather than waiting for their tasks."""
    pool = ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
    )
    try:
        yield pool
    except BaseException:
        # The pool's own threads may now meet the pipes of the ended workers: expected, so not printed.
        threading.excepthook = _quiet_pool_threads(threading.excepthook)
        # Python 3.14 has pool.terminate_workers(); until then, the executor's own table of its processes
        # (taken before shutdown, which forgets it).
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        # Python 3.11's exit hook wakes the pool's manager thread through a pipe that thread may be closing
        # at that very moment ("Bad file descriptor" printed at exit; gh-105829, fixed in 3.12): with the
        # workers ended, the thread stops at once, so wait for it and leave nothing to race.
        if manager is not None:
            manager.join(timeout=10)
        raise
    pool.shutdown(wait=True)


def _quiet_pool_threads(
    previous: Callable[[threading.ExceptHookArgs], Any],
) -> Callable[[threading.ExceptHookArgs], Any]:
    def hook(args: threading.ExceptHookArgs) -> None:
        thread = args.thread
        ours = thread is not None and (
            type(thread).__name__ == "_ExecutorManagerThread" or thread.name == "QueueFeederThread"
        )
        if not (ours and isinstance(args.exc_value, (OSError, EOFError, InvalidStateError))):
            previous(args)

    return hook


def die_with_parent() -> None:
    """In a worker process: end when the process that forked it ends, even if that one is killed outright
    (a worker blocked on its task queue would otherwise wait for ever, holding memory). Linux says so
    itself (PR_SET_PDEATHSIG); elsewhere a thread watches for a new parent."""
    parent = os.getppid()
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM) != 0:  # 1: PR_SET_PDEATHSIG
            raise OSError
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent went before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)
