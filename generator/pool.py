"""Pure work over the machine's cores: the packs' documents, the units' returned lists.

Each job is a pure function of its item, so the results do not depend on how the work was split
(a test compares a spread run with a serial one byte for byte). Small chunks come back one by one,
so progress can be said as they do.
"""
from __future__ import annotations

import os
from typing import Callable, Sequence

from . import progress

# The pool's start method; None is the platform's own (fork on Linux, spawn on Windows). The
# tests set "spawn" to work as Windows does.
START_METHOD: str | None = None


def _chunk(fn: Callable, items: Sequence) -> list:
    return [fn(item) for item in items]


def spread(fn: Callable, items: Sequence, threshold: int, label: str) -> list:
    """[fn(item) for item in items], in order. From `threshold` items on, with two cores or more,
    in a process pool (`fn` a module-level function or a functools.partial of one). `label`: the
    progress line."""

    cores = min(os.cpu_count() or 1, 8)
    if len(items) < threshold or cores < 2:
        return [fn(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor, as_completed
    import multiprocessing

    size = max(4, len(items) // (cores * 8))
    starts = range(0, len(items), size)
    context = multiprocessing.get_context(START_METHOD) if START_METHOD else None
    done: dict[int, list] = {}
    with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
        jobs = {pool.submit(_chunk, fn, items[i:i + size]): i for i in starts}
        progress.report(label, 0, len(items))
        finished = 0
        for job in as_completed(jobs):
            done[jobs[job]] = job.result()
            finished += len(done[jobs[job]])
            progress.report(label, finished, len(items))
    return [result for i in starts for result in done[i]]
