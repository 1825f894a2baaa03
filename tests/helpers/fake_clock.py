"""A monotonic clock for tests: seconds that move only when the test says so.

The services take their clock as a callable (``time.monotonic`` in the app); a test passes a
FakeClock and moves ``now`` itself, so timing never depends on the machine's speed.
"""

from __future__ import annotations


class FakeClock:
    """Callable like ``time.monotonic``; set or add to :attr:`now` to let time pass."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
