"""One worker pool for the stages that are pure functions of one file or one document
(read and parse, finding references): ``run(fn, items)`` gives ``fn(item)`` for every item,
in the order of ``items``, on all cores, with a progress bar in documents and MB per second.

The results are those of ``[fn(item) for item in items]``: the workers only change where the
work is done, never what it gives (tested against the single-process path). With few items
(``PARALLEL_MIN``) or one worker the loop runs in this process.

Items are handed to the workers without being pickled where the platform forks (Linux):
the pool is started with the items in a module global, which each forked worker inherits,
and a task is only an index. Elsewhere (spawn) each task carries its item.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["PARALLEL_MIN", "PROGRESS_MIN", "Pairs", "Progress", "run", "workers_default"]

#: Fewer items than this run in this process (a pool costs more than it saves).
PARALLEL_MIN = 4
#: ``progress=None`` shows a bar from this many items on.
PROGRESS_MIN = 20

_SHARED: tuple[Callable, Sequence] | None = None  # what forked workers inherit


def workers_default() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Progress:
    """A tqdm bar counting items, with the megabytes done and their rate beside it
    (``parsing: 40%|████ | 800/2000 [00:20<00:30, 40.0doc/s, 19.8 MB, 2.1 MB/s]``); nothing
    when ``show`` is false."""

    def __init__(self, show: bool, total: int, desc: str):
        self.bar = None
        self.bytes = 0
        self.t0 = time.perf_counter()
        if show and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="doc")

    def update(self, size: int = 0) -> None:
        if self.bar is None:
            return
        self.bytes += size
        elapsed = max(time.perf_counter() - self.t0, 1e-9)
        self.bar.set_postfix_str(f"{self.bytes / 1e6:.1f} MB, {self.bytes / 1e6 / elapsed:.1f} MB/s", refresh=False)
        self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Pairs(Sequence):
    """``(values[i], keys[i])`` for each ``i`` of ``indices``, made when asked for: the items
    a stage hands ``run``, so that forked workers read each value (a stored document of a
    lazy corpus) themselves and the parent never holds them all."""

    def __init__(self, values: Sequence, indices: Sequence[int], keys: Sequence[str]):
        self.values, self.indices, self.keys = values, indices, keys

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, j: int):
        i = self.indices[j]
        return self.values[i], self.keys[i]


def _shared_task(index: int) -> Any:
    fn, items = _SHARED
    return fn(items[index])


def _call(fn: Callable, item: Any) -> Any:
    return fn(item)


def run(fn: Callable[[Any], Any], items: Sequence, *, workers: int | None = None, progress: bool | None = None,
        desc: str = "working", sizes: Sequence[int] | None = None) -> Iterator[Any]:
    """``fn(item)`` for each of ``items``, yielded in order. ``fn`` must be a module-level
    function (the workers import it); it should catch its own errors and return them, as
    ``Corpus.load``'s parser does, so that one bad item does not stop the others.

    ``workers``: default all cores; ``progress``: ``None`` shows a bar from
    ``PROGRESS_MIN`` items; ``sizes``: the bytes of each item, for the MB/s figure."""
    global _SHARED
    items = list(items) if not isinstance(items, Sequence) else items
    workers = workers or workers_default()
    show = progress if progress is not None else len(items) > PROGRESS_MIN
    bar = Progress(show, len(items), desc)
    size = (lambda i: sizes[i]) if sizes is not None else (lambda i: 0)
    try:
        if len(items) < PARALLEL_MIN or workers < 2:
            for i, item in enumerate(items):
                yield fn(item)
                bar.update(size(i))
            return
        fork = multiprocessing.get_start_method() == "fork" and _SHARED is None
        if fork:
            _SHARED = (fn, items)
        try:
            with ProcessPoolExecutor(max_workers=min(workers, len(items))) as pool:
                if fork:
                    futures = [pool.submit(_shared_task, i) for i in range(len(items))]
                else:
                    futures = [pool.submit(_call, fn, item) for item in items]
                for i in range(len(futures)):
                    # the list lets go of each result as it is handed on, so that a caller
                    # folding results as they come does not hold all of them at once
                    fut, futures[i] = futures[i], None
                    result = fut.result()
                    del fut
                    yield result
                    bar.update(size(i))
        finally:
            if fork:
                _SHARED = None
    finally:
        bar.close()
