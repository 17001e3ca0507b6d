"""Graph-recording modes: ``no_grad`` (build no graph) and ``detect_anomaly`` (NaN/inf guard).

Both are switches of the current thread, as PyTorch's grad mode is: one thread inside
``no_grad`` never stops another from recording its graph. Every op reads them on its
hot path, so the common case costs one attribute read: ``all_threads.plain`` is True while
no thread at all is inside either block, and only otherwise does an op look up its
own thread's switches in ``current``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Switches(threading.local):
    """This thread's modes; every thread starts recording, with no anomaly checks."""

    def __init__(self) -> None:
        self.recording = True
        self.anomaly = False


class _AllThreads:
    """``plain``: True while no thread is inside ``no_grad`` or ``detect_anomaly``."""

    __slots__ = ("plain", "_active", "_lock")

    def __init__(self) -> None:
        self.plain = True
        self._active = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self._active += 1
            self.plain = False

    def leave(self) -> None:
        with self._lock:
            self._active -= 1
            self.plain = self._active == 0


current = _Switches()
all_threads = _AllThreads()


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block ops compute values only: every result is a fresh leaf.

    Use it for inference (a decision-boundary grid) and for parameter updates. It
    applies to the current thread only.
    """
    previous = current.recording
    current.recording = False
    all_threads.enter()
    try:
        yield
    finally:
        current.recording = previous
        all_threads.leave()


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside this block a NaN or inf in any forward value, local gradient or
    backward gradient raises ``FloatingPointError`` naming the op and its inputs.
    It applies to the current thread only."""
    previous = current.anomaly
    current.anomaly = True
    all_threads.enter()
    try:
        yield
    finally:
        current.anomaly = previous
        all_threads.leave()


def is_grad_enabled() -> bool:
    """True when ops record the graph in this thread (outside ``no_grad``)."""
    return current.recording
