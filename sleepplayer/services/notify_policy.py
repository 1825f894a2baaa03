"""When SleepPlayer may show a notification (a tray message): never a surprise at night.

Night is while a sleep timer runs (armed, fading, or just ended), and inside the bedtime window
when the user set one, or else inside :data:`NIGHT_HOURS`: bedtime is off by default, and a
window closed at 3 am must not pop up a message (nor let the desktop play its notification
sound). At night nothing pops up unless the user asked for it (``notifications_at_night``),
and with ``notifications`` off nothing ever does.
"""

from __future__ import annotations

from datetime import time

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import in_nightly_window, parse_clock
from sleepplayer.services.bedtime import bedtime_due
from sleepplayer.services.timer_phase import TimerPhase

#: The night when the user set no bedtime window: [22:00, 06:00), wall clock.
NIGHT_HOURS = (time(22, 0), time(6, 0))


def is_night(settings: Settings, timer_phase: TimerPhase, at: time) -> bool:
    """A sleep timer is running, or ``at`` lies in the bedtime window (when enabled and
    well-formed) or else in :data:`NIGHT_HOURS`."""
    if timer_phase is not TimerPhase.IDLE:
        return True
    if settings.bedtime_enabled and _window_readable(settings):
        return bedtime_due(settings, at)
    return in_nightly_window(at, *NIGHT_HOURS)


def may_notify(settings: Settings, timer_phase: TimerPhase, at: time) -> bool:
    """Whether a notification may show now (wall-clock ``at``)."""
    if not settings.notifications:
        return False
    return settings.notifications_at_night or not is_night(settings, timer_phase, at)


def _window_readable(settings: Settings) -> bool:
    try:
        parse_clock(settings.bedtime_start)
        parse_clock(settings.bedtime_end)
    except ValueError:
        return False  # a broken window cannot say it is day: the default night applies
    return True
