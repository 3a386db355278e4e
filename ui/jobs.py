"""Simulations shared fairly between sessions: results kept for everyone, large runs one at a time.

A cached function must not write to Streamlit elements created outside it (the cache cannot replay
them into another session's page: CacheReplayClosureError). So the cache here holds plain summaries,
and the progress bar lives in the page that runs the work. Each chunk of a large run updates the bar,
which is also where Streamlit stops a script whose user pressed Stop, changed a setting or left.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from roi.inputs import limits

WAIT_SECONDS = 0.5
COLLECT_AFTER_SECONDS = 2.0


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where there is no glibc."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Free a large run's arrays (a collection: some sit in reference cycles) and hand the freed memory
    back to the system: glibc keeps what a thread freed for reuse, so a 1,000,000-draw run otherwise
    leaves the server about 400 MB larger."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


class _Summaries:
    """A small thread-safe LRU of pickled simulation summaries, shared by every session."""

    def __init__(self, max_entries: int) -> None:
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: Hashable) -> Any:
        with self._lock:
            packed = self._items.get(key)
            if packed is None:
                return None
            self._items.move_to_end(key)
        return pickle.loads(packed)  # noqa: S301 - bytes this process pickled itself

    def put(self, key: Hashable, value: Any) -> None:
        packed = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._items[key] = packed
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)


@st.cache_resource
def _summaries() -> _Summaries:
    return _Summaries(max_entries=16)


@st.cache_resource
def _heavy_slot() -> threading.BoundedSemaphore:
    """Large simulations run one at a time on the whole server, so a bystander keeps a core."""
    return threading.BoundedSemaphore(limits.HEAVY_JOBS_AT_ONCE)


def cached(key: Hashable) -> Any:
    """The summary computed earlier for ``key`` (by any session), or None."""
    return _summaries().get(key)


def run(key: Hashable, heavy: bool, work: Callable[[Callable[[float], None]], Any]) -> Any:
    """Run ``work(progress)`` and keep its summary under ``key``.

    A heavy job waits for the server's heavy slot and shows a progress bar updated after every
    chunk; each update is a point where Streamlit can stop the script (Stop pressed, a setting
    changed, the session ended), so no work outlives its session by more than one chunk.
    """
    if not heavy:
        summary = work(lambda share: None)
        _summaries().put(key, summary)
        return summary
    bar = st.progress(0.0, text="Simulating...")
    slot = _heavy_slot()
    try:
        while not slot.acquire(timeout=WAIT_SECONDS):
            bar.progress(0.0, text="Waiting for another large simulation on the server to finish...")
        try:

            def progress(share: float) -> None:
                bar.progress(min(max(share, 0.0), 1.0), text=f"Simulating: {share:.0%}")

            summary = work(progress)
        finally:
            slot.release()
            # Streamlit's collection after every script run is turned off (it cost every edit ~130 ms);
            # a large run's memory is released here instead, once, and again a moment later: a run
            # stopped part-way (Stop, a new setting, the person left) is still held by its
            # exception's traceback until the script has ended.
            release_memory()
            later = threading.Timer(COLLECT_AFTER_SECONDS, release_memory)
            later.daemon = True
            later.start()
    finally:
        bar.empty()
    _summaries().put(key, summary)
    return summary
