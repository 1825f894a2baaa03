"""When the sleep fade runs, and how loud the fade back up is: pure maths on POSIX timestamps.

The sleep timer keeps its end as a wall-clock timestamp and asks these functions where the fade
sits and how far along it is at ``now``; nothing here counts ticks, so a late tick never
stretches a fade or a ramp. No Qt: the timer service owns the clocks and the state.
"""

from __future__ import annotations

#: The fade back up after an extension or activity.
RAMP_UP_S = 2.0
#: Shortening never leaves less than this (or what was left): no abrupt stop from "-5 min".
SHORTEST_REMAINING_S = 10.0


def fade_span(end_ts: float, now_ts: float, fade_s: float) -> tuple[float, float]:
    """(fade start, effective fade length) for a fade that ends at ``end_ts``: a timer shorter
    than its fade compresses the fade into the time left, so it never cuts off abruptly."""
    length = min(max(0.0, fade_s), max(0.0, end_ts - now_ts))
    return end_ts - length, length


def progress_at(now_ts: float, start_ts: float, length_s: float, from_progress: float) -> float:
    """Progress (0..1, beyond 1 once over) of a fade that started at ``start_ts`` from
    ``from_progress``: a shortened fade goes on from the level it had reached, not from the
    top. A fade of no length is over at once."""
    if length_s <= 0:
        return 1.0
    elapsed = (now_ts - start_ts) / length_s
    return from_progress + (1.0 - from_progress) * max(0.0, elapsed)


def ramp_up_gain(from_db: float, progress: float) -> float:
    """The gain along a fade back up, linear in dB from ``from_db`` to 0 dB; ``progress`` is
    the fraction of ``RAMP_UP_S`` gone, and 1 or more means full gain (1.0)."""
    if progress >= 1.0:
        return 1.0
    gain: float = 10 ** (from_db * (1.0 - max(0.0, progress)) / 20)
    return gain


def moved_due(due_ts: float, seconds: float, now_ts: float) -> float:
    """``due_ts`` moved by ``seconds`` (+/-), but never closer to ``now_ts`` than
    ``SHORTEST_REMAINING_S`` (or what was left, when that was less already)."""
    return max(due_ts + seconds, now_ts + min(max(0.0, due_ts - now_ts), SHORTEST_REMAINING_S))
