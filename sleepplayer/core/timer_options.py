"""The sleep-timer options of the command line, checked, and the timer they ask for.

The first launch turns them into a :class:`SleepPlan` at once; a second launch sends them to
the running instance (:mod:`sleepplayer.core.remote_message`), which turns them into a plan
with its own user's defaults. Either way the values are checked here, in one place, because
the second way makes them untrusted input.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from datetime import time

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import (
    MAX_DURATION_S,
    MAX_TRACKS,
    MIN_PLAN_S,
    EndAction,
    FadeCurve,
    SleepMode,
    SleepPlan,
)


class TimerOptionsError(ValueError):
    """Options that ask for an impossible timer; the text says which, for the user."""


@dataclass(frozen=True)
class TimerOptions:
    """The sleep-timer options of the command line, with argparse's names and types."""

    sleep: float | None = None
    sleep_at: time | None = None
    sleep_end_of_track: bool = False
    sleep_after_tracks: int | None = None
    fade: float | None = None
    fade_curve: str | None = None
    after: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sleep_end_of_track, bool):
            raise TimerOptionsError("--sleep-end-of-track is a switch")
        whens = [
            self.sleep is not None,
            self.sleep_at is not None,
            self.sleep_end_of_track,
            self.sleep_after_tracks is not None,
        ]
        if sum(whens) > 1:
            raise TimerOptionsError(
                "give only one of --sleep, --sleep-at, --sleep-end-of-track "
                "and --sleep-after-tracks"
            )
        if self.sleep is not None and not seconds_in_range(self.sleep, MIN_PLAN_S):
            raise TimerOptionsError("the sleep timer goes from 1 second to 12 hours")
        if self.sleep_at is not None and not isinstance(self.sleep_at, time):
            raise TimerOptionsError("--sleep-at needs a time of day")
        if self.sleep_after_tracks is not None and not (
            is_whole(self.sleep_after_tracks) and 1 <= self.sleep_after_tracks <= MAX_TRACKS
        ):
            raise TimerOptionsError(f"--sleep-after-tracks goes from 1 to {MAX_TRACKS}")
        if self.fade is not None and not seconds_in_range(self.fade, 0):
            raise TimerOptionsError("the fade lasts 0 seconds to 12 hours")
        if self.sleep is not None and self.fade is not None and self.fade > self.sleep:
            # It would start fading at once, not what a 10 min fade on a 5 min timer meant.
            raise TimerOptionsError(
                "the fade is longer than the sleep timer: give a shorter --fade"
            )
        if self.fade_curve is not None and not is_value_of(self.fade_curve, FadeCurve):
            raise TimerOptionsError("unknown fade curve")
        if self.after is not None and not is_value_of(self.after, EndAction):
            raise TimerOptionsError("unknown end action")

    @property
    def arms(self) -> bool:
        """Whether these options ask for a timer (a fade length alone does not)."""
        return (
            self.sleep is not None
            or self.sleep_at is not None
            or self.sleep_end_of_track
            or self.sleep_after_tracks is not None
        )


def plan_from_options(options: TimerOptions, defaults: Settings) -> SleepPlan | None:
    """The timer the options ask for, with unset details from the user's defaults.

    None when they ask for no timer. ValueError (from SleepPlan) when the mix is invalid,
    e.g. a fade longer than a clock-time timer allows.
    """
    base = SleepPlan(
        fade_s=options.fade if options.fade is not None else float(defaults.fade_s),
        curve=FadeCurve(options.fade_curve) if options.fade_curve else defaults.fade_curve,
        end_action=EndAction(options.after) if options.after else defaults.end_action,
        let_track_finish=defaults.let_track_finish,
        max_finish_wait_s=defaults.max_finish_wait_min * 60.0,
    )
    if options.sleep is not None:
        return replace(base, mode=SleepMode.DURATION, duration_s=options.sleep)
    if options.sleep_at is not None:
        return replace(base, mode=SleepMode.CLOCK, clock_time=options.sleep_at)
    if options.sleep_end_of_track:
        return replace(base, mode=SleepMode.END_OF_TRACK)
    if options.sleep_after_tracks is not None:
        return replace(base, mode=SleepMode.AFTER_TRACKS, tracks=options.sleep_after_tracks)
    return None


# ------------------------------------------------------- value checks (also for the protocol)
def seconds_in_range(value: object, low: float, high: float = MAX_DURATION_S) -> bool:
    """A real number of seconds from ``low`` to ``high``, the 12-hour maximum unless told
    (not a bool, not NaN or infinite)."""
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and low <= value <= high
    )


def is_whole(value: object) -> bool:
    """An int that is not a bool (JSON's ``true`` would pass ``isinstance(value, int)``)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_value_of(value: object, kind: type[enum.Enum]) -> bool:
    """Whether ``value`` is the text of one of ``kind``'s members."""
    return isinstance(value, str) and any(member.value == value for member in kind)
