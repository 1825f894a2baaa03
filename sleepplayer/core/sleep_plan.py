"""SleepPlan: how a sleep timer is set, and the pure deadline math behind it.

(API skeleton; bodies are being filled in.)

All times are wall-clock: ``now`` is an aware ``datetime`` in the local zone (tests pass a
fake). A plan is turned into an absolute deadline when it is armed; ticks only compare.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta

#: Duration presets offered in the panel and tray, in minutes.
PRESET_MINUTES = (5, 10, 15, 20, 30, 45, 60, 90, 120)
MIN_DURATION_S = 60
MAX_DURATION_S = 12 * 3600
DEFAULT_FADE_S = 60.0
#: A power action (suspend) is never run when the deadline passed longer ago than this.
OVERDUE_LIMIT_S = 120.0


class SleepMode(enum.Enum):
    DURATION = "duration"  # after a duration
    CLOCK = "clock"  # at a clock time (next occurrence)
    END_OF_TRACK = "end_of_track"
    AFTER_TRACKS = "after_tracks"  # after N tracks (the current one counts as the first)


class EndAction(enum.Enum):
    PAUSE = "pause"
    STOP = "stop"
    QUIT = "quit"
    SUSPEND = "suspend"


class FadeCurve(enum.Enum):
    GENTLE = "gentle"  # linear in dB, 0 -> -50 dB, then off
    LINEAR = "linear"  # linear in amplitude
    SMOOTH = "smooth"  # an S-curve in amplitude


@dataclass(frozen=True)
class SleepPlan:
    """What the user chose. Validated on construction (ValueError with a clear message)."""

    mode: SleepMode = SleepMode.DURATION
    duration_s: float = 30 * 60  # DURATION: 60 s .. 12 h
    clock_time: time | None = None  # CLOCK: HH:MM
    tracks: int = 1  # AFTER_TRACKS: N >= 1
    fade_s: float = DEFAULT_FADE_S  # 0 .. the whole timer
    curve: FadeCurve = FadeCurve.GENTLE
    end_action: EndAction = EndAction.PAUSE
    let_track_finish: bool = False  # DURATION/CLOCK: at the deadline, end with the track
    max_finish_wait_s: float = 15 * 60  # ... but never wait longer than this


def deadline_for(plan: SleepPlan, now: datetime) -> datetime | None:
    """The absolute wall-clock deadline for DURATION and CLOCK plans; None for track modes.

    CLOCK: the next occurrence of ``clock_time`` after ``now`` in now's zone, across midnight
    and DST changes (a time that does not exist on a spring-forward night moves to just after
    the gap; an ambiguous one on a fall-back night takes the first occurrence).
    """
    raise NotImplementedError


def fade_window(deadline: datetime, armed_at: datetime, fade_s: float) -> tuple[datetime, float]:
    """(fade start, effective fade length): a timer shorter than its fade compresses the fade
    into the time between arming and the deadline, so it never cuts off abruptly."""
    raise NotImplementedError


def describe(
    plan: SleepPlan,
    now: datetime,
    *,
    deadline: datetime | None,
    track_remaining_s: float | None,
    tracks_left: int | None,
) -> str:
    """The end time in words: "Stops at 23:45", "Stops after this track (in 12:30)",
    "Stops after 3 more tracks", "Pauses at 23:45"... (the verb follows the end action)."""
    raise NotImplementedError


def parse_duration(text: str) -> float:
    """ "30m", "1h30m", "45s", "90" (bare number = minutes), "2m30s" -> seconds.
    ValueError with a clear message otherwise."""
    raise NotImplementedError


def parse_clock(text: str) -> time:
    """ "23:30" / "7:05" -> time. ValueError with a clear message otherwise."""
    raise NotImplementedError


_ = timedelta  # used by the implementation
