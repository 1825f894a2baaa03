"""Volume mapping between the user's volume, the fade gain and libVLC's engine volume.

libVLC's volume is cubic: engine volume ``v`` plays at amplitude ``(v/100)**3``. The user's
volume is sent as-is (the cubic curve is what makes it feel even), and the fade gain is an
amplitude factor applied on top, so ``engine = user * gain ** (1/3)``. That way a fade to gain
0.5 really halves the amplitude, whatever the user's volume is.

The fade curves (``fade_gain``) are pure functions of progress 0..1; the sleep timer feeds them
the wall-clock time elapsed, never a tick count.
"""

from __future__ import annotations

import math

from sleepplayer.core.sleep_plan import FadeCurve


def engine_volume(user_volume: int, gain: float = 1.0, muted: bool = False) -> int:
    """The libVLC volume 0-100 for ``user_volume`` scaled by the amplitude factor ``gain``.

    Never above ``user_volume``: a gain above 1 is treated as 1, because nothing may play
    louder than what the user chose.
    """
    user = min(max(int(user_volume), 0), 100)
    # "not gain > 0" also catches NaN, which must mean silence, not an exception mid-fade.
    if muted or not gain > 0 or user == 0:
        return 0
    if gain >= 1.0:
        return user
    # Annotated: float ** float is typed Any, as a negative base would give a complex number.
    factor: float = gain ** (1 / 3)
    return min(max(round(user * factor), 0), user)


def amplitude(engine_vol: int) -> float:
    """Linear amplitude factor libVLC applies at engine volume ``engine_vol`` (0-100)."""
    v = min(max(engine_vol, 0), 100)
    return (v / 100) ** 3


#: Where the Gentle curve ends before it switches off: -50 dB is below a quiet room.
FADE_FLOOR_DB = -50.0


def gain_db(gain: float) -> float:
    """An amplitude gain in dB, never below ``FADE_FLOOR_DB`` (0 and below: the floor)."""
    return max(FADE_FLOOR_DB, 20 * math.log10(gain)) if gain > 0 else FADE_FLOOR_DB


def fade_gain(curve: FadeCurve, progress: float) -> float:
    """The fade's amplitude gain at ``progress`` (0 = start, 1 = end) along ``curve``.

    GENTLE falls linearly in dB from 0 dB to ``FADE_FLOOR_DB``, LINEAR linearly in amplitude,
    SMOOTH as a raised cosine (an S in amplitude). Every curve is 1.0 at 0 and exactly 0.0
    ("off") at 1 and beyond, and never rises. NaN means silence, as in ``engine_volume``.
    """
    if not progress < 1.0:  # also NaN
        return 0.0
    p = max(0.0, progress)
    if curve is FadeCurve.GENTLE:
        gain: float = 10 ** (FADE_FLOOR_DB * p / 20)
        return gain
    if curve is FadeCurve.LINEAR:
        return 1.0 - p
    return 0.5 * (1.0 + math.cos(math.pi * p))


def fade_progress(curve: FadeCurve, gain: float) -> float:
    """The inverse of ``fade_gain``: the earliest progress at which ``curve`` reaches ``gain``
    (a fade that must go on from a gain it is already at, e.g. when the timer is shortened)."""
    if not gain > 0:
        return 1.0
    if gain >= 1.0:
        return 0.0
    if curve is FadeCurve.GENTLE:
        return min(1.0, 20 * math.log10(gain) / FADE_FLOOR_DB)
    if curve is FadeCurve.LINEAR:
        return 1.0 - gain
    return math.acos(2 * gain - 1) / math.pi


def curve_points(curve: FadeCurve, count: int = 50) -> list[tuple[float, float]]:
    """(progress, gain) samples from 0 to 1 for drawing the curve (the settings' small plot)."""
    count = max(2, count)
    return [(i / (count - 1), fade_gain(curve, i / (count - 1))) for i in range(count)]
