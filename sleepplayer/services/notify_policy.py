"""When SleepPlayer may show a notification (a tray message): never a surprise at night.

Night is while a sleep timer runs (armed, fading, or just ended), or inside the bedtime window
when the user set one. At night nothing pops up unless the user asked for it
(``notifications_at_night``), and with ``notifications`` off nothing ever does.
"""

from __future__ import annotations

from datetime import time

from sleepplayer.core.settings import Settings
from sleepplayer.services.bedtime import bedtime_due
from sleepplayer.services.timer_phase import TimerPhase


def is_night(settings: Settings, timer_phase: TimerPhase, at: time) -> bool:
    """A sleep timer is running, or ``at`` lies in the enabled bedtime window."""
    return timer_phase is not TimerPhase.IDLE or bedtime_due(settings, at)


def may_notify(settings: Settings, timer_phase: TimerPhase, at: time) -> bool:
    """Whether a notification may show now (wall-clock ``at``)."""
    if not settings.notifications:
        return False
    return settings.notifications_at_night or not is_night(settings, timer_phase, at)
