"""When to try a lost stream again: a pure schedule on an injected clock.

Live streams (issue 4): 1, 2, 4, 8, 16, 30, 60 s, then every 60 s, and no attempt that would
start later than 30 min after the first failure. Finite streams: the same delays, at most 5
attempts. Tests pass shorter delays; the shape stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LIVE_DELAYS_S: tuple[float, ...] = (1, 2, 4, 8, 16, 30, 60)
THEN_EVERY_S = 60.0
GIVE_UP_AFTER_S = 30 * 60.0
FINITE_ATTEMPTS = 5
#: An item that plays again counts as working once it has played this long; a failure before
#: goes on with the same schedule (a server whose answer plays for a moment, then fails, was
#: tried every second all night).
PROVEN_AFTER_S = 30.0


@dataclass
class Backoff:
    """Attempt counter and delays. ``next_delay(now)`` is asked after each failure.

    ``give_up_after_s`` counts from the first failure since the last ``reset`` (None: no time
    limit); ``max_attempts`` caps the number of retries (None: no cap). ``next_delay`` returns
    None when the next attempt would break either limit.
    """

    delays: Sequence[float] = LIVE_DELAYS_S
    then_every_s: float = THEN_EVERY_S
    give_up_after_s: float | None = GIVE_UP_AFTER_S
    max_attempts: int | None = None
    _attempt: int = field(default=0, init=False)
    _began: float | None = field(default=None, init=False)

    @property
    def attempt(self) -> int:
        """Retries handed out since the last reset (the number of the latest attempt)."""
        return self._attempt

    def reset(self) -> None:
        """The stream works again: the next failure starts a new schedule."""
        self._attempt = 0
        self._began = None

    def next_delay(self, now: float) -> float | None:
        """Seconds to wait before the next attempt, or None: give up."""
        if self._began is None:
            self._began = now
        if self.max_attempts is not None and self._attempt >= self.max_attempts:
            return None
        index = self._attempt
        delay = float(self.delays[index]) if index < len(self.delays) else self.then_every_s
        if self.give_up_after_s is not None and now - self._began + delay > self.give_up_after_s:
            return None
        self._attempt += 1
        return delay


@dataclass(frozen=True)
class RetryPolicy:
    """The two schedules of issue 4, with the numbers in one place (tests shorten them)."""

    delays: tuple[float, ...] = LIVE_DELAYS_S
    then_every_s: float = THEN_EVERY_S
    give_up_after_s: float = GIVE_UP_AFTER_S
    finite_attempts: int = FINITE_ATTEMPTS
    proven_after_s: float = PROVEN_AFTER_S

    def live(self) -> Backoff:
        """Radio and live web streams: keep trying for ``give_up_after_s``."""
        return Backoff(self.delays, self.then_every_s, self.give_up_after_s, None)

    def finite(self) -> Backoff:
        """Finite streams and web videos: ``finite_attempts`` tries, then the item fails."""
        return Backoff(self.delays, self.then_every_s, None, self.finite_attempts)
