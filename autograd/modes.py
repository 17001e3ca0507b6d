"""Graph-recording modes: ``no_grad`` (build no graph) and ``detect_anomaly`` (NaN/inf guard).

Both are process-wide switches read by every op on its hot path, so they live in one
tiny mutable object, ``state``, instead of thread-locals or context variables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class _State:
    """The switches every op reads; ``plain`` is True when neither mode is active."""

    __slots__ = ("recording", "anomaly", "plain")

    def __init__(self) -> None:
        self.recording = True
        self.anomaly = False
        self.plain = True

    def _update(self) -> None:
        self.plain = self.recording and not self.anomaly


state = _State()


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block ops compute values only: every result is a fresh leaf.

    Use it for inference (a decision-boundary grid) and for parameter updates.
    """
    previous = state.recording
    state.recording = False
    state._update()
    try:
        yield
    finally:
        state.recording = previous
        state._update()


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside this block a NaN or inf in any forward value, local gradient or
    backward gradient raises ``FloatingPointError`` naming the op and its inputs."""
    previous = state.anomaly
    state.anomaly = True
    state._update()
    try:
        yield
    finally:
        state.anomaly = previous
        state._update()


def is_grad_enabled() -> bool:
    """True when ops record the graph (outside ``no_grad``)."""
    return state.recording
