"""Predicting a long list of units in forked worker processes.

A loaded model and its spaCy pipeline take a few hundred megabytes; forked workers
share them with the parent for free (copy-on-write), where spawned ones would
rebuild them. So a long list is cut into contiguous chunks: this process takes the
first, a pool of forked workers the rest, and the results are joined in order
(the same output for any number of workers). Where ``fork`` is not available
(Windows, macOS's default), or for fewer than :data:`PARALLEL_MIN` texts,
everything runs in this process.

Workers exit when their parent dies (``kill -9`` of ``themeclass classify``
included): each checks every half second that its parent is still the process
that forked it, rather than run on for minutes as orphans. The joblib workers
that analyse reports and fit cross-validation folds do the same
(:func:`joblib_parallel`); once they are gone, the resource trackers they shared
with the parent end too.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from typing import Any, Callable

import numpy as np

#: Fewer texts than this are predicted in this process: forking would cost more than it saves.
PARALLEL_MIN = 2000

# The work a forked worker inherits: set in the parent just before the pool forks and
# cleared after it, never touched elsewhere (fork copies it; nothing is pickled).
_INHERITED: tuple[Callable, Callable | None] | None = None


def workers(n_jobs: int | None, n: int) -> int:
    """How many processes to use for ``n`` texts (1: this one alone)."""
    if n_jobs in (None, 0, 1) or n < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = os.cpu_count() or 1
    return max(1, min(cores if n_jobs < 0 else n_jobs, n // (PARALLEL_MIN // 2)))


def exit_with_parent(interval: float = 0.5) -> None:
    """Start a daemon thread that ends this process when its parent is gone."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)  # the parent died: nobody will read our results

    threading.Thread(target=watch, name="themeclass-exit-with-parent", daemon=True).start()


def _chunk(args: tuple[list[str], list[str | None], int]) -> list:
    assert _INHERITED is not None, "a worker must be forked by predict_forked"
    predict_chunk, finish = _INHERITED
    return predict_chunk(*args, finish)


def predict_forked(predict_chunk: Callable[..., list], texts: list[str], sections: list[str | None], jobs: int,
                   finish: Callable[[int, dict], Any] | None) -> list:
    """``predict_chunk(texts, sections, offset, finish)`` over ``jobs`` contiguous
    chunks, the first here and the rest in forked workers; results in order."""
    global _INHERITED
    bounds = np.linspace(0, len(texts), jobs + 1).astype(int)
    chunks = [(texts[a:b], sections[a:b], int(a)) for a, b in zip(bounds, bounds[1:])]
    _INHERITED = (predict_chunk, finish)
    try:
        with multiprocessing.get_context("fork").Pool(jobs - 1, initializer=exit_with_parent) as pool:
            pending = pool.map_async(_chunk, chunks[1:])
            first = predict_chunk(*chunks[0], finish)
            rest = pending.get()
    finally:
        _INHERITED = None
    return first + [found for chunk in rest for found in chunk]


def joblib_parallel(n_jobs: int | None, **kwargs):
    """``joblib.Parallel`` whose worker processes exit when their parent dies.

    With joblib's default backend (loky, processes on this machine) each worker
    starts :func:`exit_with_parent` before its first task; any other backend the
    caller chose (``joblib.parallel_config(backend="dask")``) is used as it is."""
    from joblib import Parallel
    from joblib._parallel_backends import LokyBackend
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    if type(backend) is LokyBackend and n_jobs not in (None, 1):
        return Parallel(n_jobs=n_jobs, backend=LokyBackend(initializer=exit_with_parent), **kwargs)
    return Parallel(n_jobs=n_jobs, **kwargs)
