"""Volume mapping between the user's volume, the fade gain and libVLC's engine volume.

libVLC's volume is cubic: engine volume ``v`` plays at amplitude ``(v/100)**3``. The user's
volume is sent as-is (the cubic curve is what makes it feel even), and the fade gain is an
amplitude factor applied on top, so ``engine = user * gain ** (1/3)``. That way a fade to gain
0.5 really halves the amplitude, whatever the user's volume is.
"""

from __future__ import annotations


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
