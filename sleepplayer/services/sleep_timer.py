"""SleepTimer: arms a SleepPlan, drives the fade, ends playback, and restores the volume.

(API skeleton; bodies are being filled in.)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import SleepPlan
from sleepplayer.services.controller import PlaybackController


class Suspender(Protocol):
    """Puts the computer to sleep (implemented in ``desktop.power``; a fake in tests)."""

    def suspend(self) -> None: ...


class TimerPhase(enum.Enum):
    IDLE = "idle"  # not armed
    ARMED = "armed"  # counting down, full volume
    FADING = "fading"  # the fade runs
    COUNTDOWN = "countdown"  # playback ended; the silent 60 s suspend countdown runs
    GRACE = "grace"  # playback ended < 60 s ago; activity brings it back


class SleepTimer(QObject):
    """One sleep timer for the app. Everything time-based reads ``now()`` (wall clock).

    Ticks: at most once a second while armed outside the fade (no faster), at least 10 a
    second during the fade; none at all while idle. The fade gain is computed from the
    wall-clock time elapsed since the fade started, so a late tick never stretches it.
    """

    #: Phase, deadline, remaining time or description changed (read the properties).
    changed = Signal()
    #: The fade began: (track uid or "", position ms) where the user fell asleep.
    fade_started = Signal(str, int)
    #: The end action ran (EndAction value).
    finished = Signal(str)
    #: The end action is QUIT: the app should save and quit.
    quit_requested = Signal()
    #: Seconds left in the suspend countdown (each second), 0 when it ends or is cancelled.
    suspend_countdown = Signal(int)
    #: A message for the status bar ("Timer armed automatically — Undo" etc.).
    message = Signal(str)

    def __init__(
        self,
        controller: PlaybackController,
        parent: QObject | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        suspender: Suspender | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(parent)

    # --- commands
    def arm(self, plan: SleepPlan) -> None:
        """Arm (or re-arm) with this plan; the deadline is fixed now."""

    def cancel(self) -> None:
        """Disarm; restores the volume at once; cancels a suspend countdown."""

    def extend(self, seconds: float) -> None:
        """+5/+15/-5 min etc. Works in every phase; during the fade it fades back up."""

    def notify_activity(self) -> None:
        """A SleepPlayer shortcut, media key or tray action happened (activity grace)."""

    def undo_auto_arm(self) -> None:
        """Undo the bedtime auto-arm."""

    # --- state
    def arm_default(self) -> None:
        """Arm the default plan from the settings (tray/panel quick action)."""
    def resume_where_fell_asleep(self) -> bool:
        """Play the track where the last fade started, from 30 s before that point."""
    def fell_asleep_at(self) -> tuple[str, str, int] | None:
        """(playlist uid, track uid, position ms) of the last fade start, if any."""

    @property
    def phase(self) -> TimerPhase: ...
    @property
    def plan(self) -> SleepPlan | None: ...
    @property
    def deadline(self) -> datetime | None:
        """The wall-clock end (None for track modes until the end is known)."""

    def remaining_s(self) -> float | None:
        """Seconds to the end, or None when unknown (track counts)."""

    def fade_gain(self) -> float: ...
    def description(self) -> str:
        """The end in words, for the panel, tray tooltip, title and headless status."""
