"""Bedtime auto-arm: pressing Play inside the nightly bedtime window arms the default timer.

The sleep timer asks :func:`bedtime_due` when the controller reports a play request and emits
``auto_armed`` (``AUTO_ARM_MESSAGE``; the window offers Undo) when it arms; this module holds
the rule, the timer the state.
"""

from __future__ import annotations

from datetime import time

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import in_nightly_window, parse_clock

AUTO_ARM_MESSAGE = "Timer armed automatically"


def bedtime_due(settings: Settings, at: time) -> bool:
    """Whether a play request at wall-clock ``at`` should arm the timer: bedtime is on and
    ``at`` lies in its window (which may cross midnight). A malformed window never arms:
    arming by surprise is worse than not arming."""
    if not settings.bedtime_enabled:
        return False
    try:
        start, end = parse_clock(settings.bedtime_start), parse_clock(settings.bedtime_end)
    except ValueError:
        return False
    return in_nightly_window(at, start, end)
