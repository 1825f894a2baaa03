"""SleepPlan: how a sleep timer is set, and the pure deadline math behind it.

All times are wall-clock: ``now`` is an aware ``datetime`` in the local zone (tests pass a
fake). A plan is turned into an absolute deadline when it is armed; ticks only compare.

Arithmetic on aware datetimes goes through UTC: Python subtracts two datetimes that share a
tzinfo by their wall times, which is an hour off across a DST change.
"""

from __future__ import annotations

import enum
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo

from sleepplayer.core.fade_window import fade_span

# Re-exported: the timer's time left was formatted here before core.text held every clock text.
from sleepplayer.core.text import format_remaining as format_remaining

_UTC = timezone.utc

#: Duration presets offered in the panel and tray, in minutes.
PRESET_MINUTES = (5, 10, 15, 20, 30, 45, 60, 90, 120)
#: The panel's custom duration starts at 1 minute; the command line also takes seconds
#: ("--sleep 45s"), so a plan itself may be as short as one second.
MIN_DURATION_S = 60
MIN_PLAN_S = 1
MAX_DURATION_S = 12 * 3600
DEFAULT_FADE_S = 60.0
#: A power action (suspend) is never run when the deadline passed longer ago than this.
OVERDUE_LIMIT_S = 120.0
#: "After N tracks" accepts at most this many.
MAX_TRACKS = 999


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


#: What the tray menu and the dial's tooltip say while no timer runs.
TIMER_OFF_TEXT = "Sleep timer off"

#: The verb of ``describe`` for each end action.
VERBS = {
    EndAction.PAUSE: "Pauses",
    EndAction.STOP: "Stops",
    EndAction.QUIT: "Quits",
    EndAction.SUSPEND: "Suspends",
}


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

    def __post_init__(self) -> None:
        for name, kind in (
            ("mode", SleepMode),
            ("curve", FadeCurve),
            ("end_action", EndAction),
        ):
            if not isinstance(getattr(self, name), kind):
                raise ValueError(f"{name} must be a {kind.__name__}, not {getattr(self, name)!r}")
        if self.mode is SleepMode.DURATION and not (
            _finite(self.duration_s) and MIN_PLAN_S <= self.duration_s <= MAX_DURATION_S
        ):
            raise ValueError(
                f"The timer must run between 1 second and 12 hours, not {self.duration_s!r} s."
            )
        if self.mode is SleepMode.CLOCK:
            if not isinstance(self.clock_time, time):
                raise ValueError("A clock-time timer needs a time of day (HH:MM).")
            if self.clock_time.tzinfo is not None:
                raise ValueError("The time of day is local: give it without a time zone.")
        if self.mode is SleepMode.AFTER_TRACKS and not (
            isinstance(self.tracks, int)
            and not isinstance(self.tracks, bool)
            and 1 <= self.tracks <= MAX_TRACKS
        ):
            raise ValueError(
                f"The number of tracks must be 1 to {MAX_TRACKS}, not {self.tracks!r}."
            )
        if not (_finite(self.fade_s) and 0 <= self.fade_s <= MAX_DURATION_S):
            raise ValueError(f"The fade must last 0 s to 12 hours, not {self.fade_s!r} s.")
        if not (_finite(self.max_finish_wait_s) and self.max_finish_wait_s >= 0):
            raise ValueError(
                f"The longest wait for a track to finish must be 0 s or more, "
                f"not {self.max_finish_wait_s!r}."
            )

    @property
    def follows_tracks(self) -> bool:
        """True for the modes whose end is a track's end (no deadline when armed)."""
        return self.mode in (SleepMode.END_OF_TRACK, SleepMode.AFTER_TRACKS)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def local_zone() -> tzinfo:
    """The system's time zone with its DST rules where they can be found ($TZ, /etc/localtime),
    else the current fixed UTC offset. For the real clock: ``datetime.now(local_zone())``."""
    # Imported here: zoneinfo costs 0.5 MB, and only an armed timer or a clock text needs it.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
        pass
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else _UTC


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=local_zone())


def add_seconds(moment: datetime, seconds: float) -> datetime:
    """``moment`` plus elapsed seconds (not wall-clock hours), in moment's own zone."""
    moment = _aware(moment)
    return (moment.astimezone(_UTC) + timedelta(seconds=seconds)).astimezone(moment.tzinfo)


def seconds_between(start: datetime, end: datetime) -> float:
    """Elapsed seconds from ``start`` to ``end``, correct across DST changes."""
    return _aware(end).timestamp() - _aware(start).timestamp()


def _occurrences(day: datetime, at: time, zone: tzinfo) -> tuple[list[datetime], datetime]:
    """The real instants at which the wall clock in ``zone`` shows ``at`` on ``day``'s date
    (none in a spring-forward gap, two on a fall-back night), and the gap fallback: the
    wall time moved forward by the length of the gap (02:30 -> 03:30), as RFC 5545 does."""
    wall = datetime.combine(day.date(), at)
    found: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(_UTC).astimezone(zone)
        if instant.replace(tzinfo=None, fold=0) == wall and all(
            instant.timestamp() != f.timestamp() for f in found
        ):
            found.append(instant)
    # fold=0 reads a gap time with the offset from before the gap: it lands after the gap.
    shifted = wall.replace(tzinfo=zone, fold=0).astimezone(_UTC).astimezone(zone)
    return sorted(found, key=lambda d: d.timestamp()), shifted


def deadline_for(plan: SleepPlan, now: datetime) -> datetime | None:
    """The absolute wall-clock deadline for DURATION and CLOCK plans; None for track modes.

    CLOCK: the next occurrence of ``clock_time`` after ``now`` in now's zone, across midnight
    and DST changes. A time that does not exist on a spring-forward night moves forward by
    the length of the gap (02:30 -> 03:30), so the same time elapses as the user expected;
    an ambiguous one on a fall-back night takes the first occurrence still ahead.
    A naive ``now`` is read as system local time.
    """
    now = _aware(now)
    if plan.mode is SleepMode.DURATION:
        return add_seconds(now, plan.duration_s)
    if plan.mode is not SleepMode.CLOCK or plan.clock_time is None:
        return None
    zone = now.tzinfo
    assert zone is not None
    at = plan.clock_time.replace(second=0, microsecond=0)
    now_wall = now.replace(tzinfo=None, fold=0)
    for days in range(3):
        day = now_wall + timedelta(days=days)
        found, shifted = _occurrences(day, at, zone)
        if found:
            for instant in found:
                if instant.timestamp() > now.timestamp():
                    return instant
        elif datetime.combine(day.date(), at) > now_wall:
            # The wall time does not exist today and the gap is still ahead of us.
            return shifted
    raise AssertionError("unreachable: every time of day occurs within two days")


def fade_window(deadline: datetime, armed_at: datetime, fade_s: float) -> tuple[datetime, float]:
    """(fade start, effective fade length): a timer shorter than its fade compresses the fade
    into the time between arming and the deadline, so it never cuts off abruptly."""
    _, length = fade_span(_aware(deadline).timestamp(), _aware(armed_at).timestamp(), fade_s)
    return add_seconds(deadline, -length), length


def describe(
    plan: SleepPlan,
    now: datetime,
    *,
    deadline: datetime | None,
    track_remaining_s: float | None,
    tracks_left: int | None,
) -> str:
    """The end time in words: "Stops at 23:45", "Stops after this track (in 12:30)",
    "Stops after 3 more tracks", "Pauses at 23:45"... (the verb follows the end action).

    ``tracks_left`` counts the current track: 1 = "this track", 2 = "the next track",
    4 = "3 more tracks" (after this one). ``deadline`` None means: computed from ``now``.
    """
    if plan.mode in (SleepMode.DURATION, SleepMode.CLOCK):
        when = deadline or deadline_for(plan, now)
        assert when is not None
        return describe_end(
            plan.end_action,
            at=when.astimezone(_aware(now).tzinfo),
            let_track_finish=plan.let_track_finish,
        )
    left = plan.tracks if tracks_left is None else tracks_left
    if plan.mode is SleepMode.END_OF_TRACK:
        left = 1
    return describe_end(plan.end_action, track_remaining_s=track_remaining_s, tracks_left=left)


def describe_end(
    action: EndAction,
    *,
    at: datetime | None = None,
    track_remaining_s: float | None = None,
    tracks_left: int = 1,
    let_track_finish: bool = False,
) -> str:
    """The words of ``describe`` from what is already known: an end ``at`` a wall-clock time,
    or after ``tracks_left`` track ends (counting the current one)."""
    verb = VERBS[action]
    if at is not None:
        text = f"{verb} at {at:%H:%M}"
        return f"{text} (lets the track finish)" if let_track_finish else text
    if tracks_left <= 1:
        if track_remaining_s is None:
            return f"{verb} after this track"
        return f"{verb} after this track (in {format_remaining(track_remaining_s)})"
    if tracks_left == 2:
        return f"{verb} after the next track"
    return f"{verb} after {tracks_left - 1} more tracks"


# Units as the panel shows them ("1 h 30 min") and as people type them ("2 hours", "45 sec").
_DURATION_RE = re.compile(
    r"(?:(?P<h>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h))?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:minutes?|mins?|m))?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s))?",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def parse_duration(text: str) -> float:
    """ "30m", "1h30m", "45s", "90" (bare number = minutes), "2m30s", "1 h 30 min",
    "2 hours" -> seconds. ValueError with a clear message otherwise."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if _NUMBER_RE.fullmatch(cleaned):
        return float(cleaned) * 60
    match = _DURATION_RE.fullmatch(cleaned)
    if cleaned.startswith("-") and cleaned != "-" and _is_duration(cleaned[1:]):
        raise ValueError(f"“{text}”: a time cannot be negative.")
    if not cleaned or match is None or not any(match.groupdict().values()):
        raise ValueError(
            f"“{text}” is not a duration: use h, m and s, as in 30m, 1h30m, 45s or 2m30s "
            "(a bare number means minutes)."
        )
    h, m, s = (float(match.group(k) or 0) for k in ("h", "m", "s"))
    return h * 3600 + m * 60 + s


def _is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError:
        return False
    return True


_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")


def parse_clock(text: str) -> time:
    """ "23:30" / "7:05" -> time. ValueError with a clear message otherwise."""
    match = _CLOCK_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(
            f"“{text}” is not a time of day: use HH:MM on a 24-hour clock, as in 23:30."
        )
    return time(int(match.group(1)), int(match.group(2)))


def in_nightly_window(at: time, start: time, end: time) -> bool:
    """Whether ``at`` lies in [start, end), a window that may cross midnight (22:00-06:00).
    An empty window (start == end) contains nothing."""
    at = at.replace(tzinfo=None, second=0, microsecond=0)
    start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if start <= end:
        return start <= at < end
    return at >= start or at < end
