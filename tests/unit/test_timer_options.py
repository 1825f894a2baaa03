"""The command line's sleep-timer options: checked in one place, and turned into a plan."""

from __future__ import annotations

from datetime import time

import pytest

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import EndAction, FadeCurve, SleepMode
from sleepplayer.core.timer_options import (
    TimerOptions,
    TimerOptionsError,
    plan_from_options,
)


def test_plan_from_options_fills_in_the_users_defaults() -> None:
    defaults = Settings()
    defaults.fade_s = 120
    defaults.fade_curve = FadeCurve.LINEAR
    defaults.end_action = EndAction.STOP
    assert plan_from_options(TimerOptions(fade=30.0), defaults) is None
    plan = plan_from_options(TimerOptions(sleep=1800.0), defaults)
    assert plan is not None
    assert (plan.mode, plan.duration_s, plan.fade_s) == (SleepMode.DURATION, 1800.0, 120.0)
    assert (plan.curve, plan.end_action) == (FadeCurve.LINEAR, EndAction.STOP)
    plan = plan_from_options(TimerOptions(sleep_after_tracks=2, after="quit"), defaults)
    assert plan is not None and plan.tracks == 2 and plan.end_action is EndAction.QUIT
    plan = plan_from_options(TimerOptions(sleep_at=time(23, 30)), defaults)
    assert plan is not None and (plan.mode, plan.clock_time) == (SleepMode.CLOCK, time(23, 30))


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"sleep": 60.0, "sleep_end_of_track": True}, "only one of"),
        ({"sleep": 0.0}, "1 second to 12 hours"),
        ({"sleep": float("nan")}, "1 second to 12 hours"),
        ({"sleep": True}, "1 second to 12 hours"),
        ({"fade": 13 * 3600.0}, "0 seconds to 12 hours"),
        ({"sleep_after_tracks": 0}, "1 to 999"),
        ({"fade_curve": "cliff"}, "unknown fade curve"),
        ({"after": "format-disk"}, "unknown end action"),
    ],
)
def test_impossible_options_are_refused_with_a_reason(options: dict[str, object], why: str) -> None:
    with pytest.raises(TimerOptionsError, match=why):
        TimerOptions(**options)  # type: ignore[arg-type]


def test_only_the_when_options_arm_a_timer() -> None:
    assert not TimerOptions(fade=30.0, fade_curve="smooth", after="stop").arms
    assert TimerOptions(sleep_end_of_track=True).arms
