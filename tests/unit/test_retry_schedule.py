"""RetrySchedule: which schedule, when the next attempt is due, and the countdown's words."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.backoff import RetryPolicy
from sleepplayer.services.retry_schedule import RetrySchedule
from tests.helpers.fake_clock import FakeClock

FAST = RetryPolicy(delays=(0.01, 0.02), then_every_s=0.02, give_up_after_s=60, finite_attempts=3)


def test_a_finite_item_gets_its_attempts_then_none(qapp: QApplication, qtbot: QtBot) -> None:
    schedule = RetrySchedule(FAST, FakeClock(500.0))
    assert not schedule.active and schedule.attempt == 0
    schedule.begin(live=False)
    for attempt in (1, 2, 3):
        with qtbot.waitSignal(schedule.due, timeout=2000):
            assert schedule.wait()
        assert schedule.attempt == attempt
    assert not schedule.wait(), "the fourth attempt of a finite item is not made"


def test_a_live_stream_keeps_its_schedule_across_failures(qapp: QApplication) -> None:
    clock = FakeClock(500.0)
    schedule = RetrySchedule(FAST, clock)
    schedule.begin(live=True)
    for _ in range(5):
        assert schedule.wait()
        schedule.begin(live=False)  # a later failure does not start a new schedule
    assert schedule.attempt == 5
    schedule.end()
    assert not schedule.active and schedule.attempt == 0


def test_the_countdown_says_the_seconds_left_and_the_attempt(
    qapp: QApplication, qtbot: QtBot
) -> None:
    clock = FakeClock(500.0)
    slow = RetryPolicy(delays=(4.0,), then_every_s=4.0)
    schedule = RetrySchedule(slow, clock)
    seen: list[str] = []
    schedule.countdown.connect(seen.append)
    schedule.begin(live=True)
    assert schedule.wait()
    assert seen == ["Reconnecting in 4 s (attempt 1)"]
    clock.now += 1.5
    with qtbot.waitSignal(schedule.countdown, timeout=2000):
        pass  # the once-a-second refresh
    assert seen[-1] == "Reconnecting in 3 s (attempt 1)"
    schedule.end()
    with qtbot.assertNotEmitted(schedule.countdown, wait=1200):
        pass  # ended: nothing ticks


def test_ending_cancels_the_pending_attempt(qapp: QApplication, qtbot: QtBot) -> None:
    schedule = RetrySchedule(FAST, FakeClock(500.0))
    schedule.begin(live=True)
    assert schedule.wait()
    schedule.end()
    with qtbot.assertNotEmitted(schedule.due, wait=100):
        pass


def test_a_failure_soon_after_playing_again_goes_on_counting(qapp: QApplication) -> None:
    clock = FakeClock(500.0)
    schedule = RetrySchedule(FAST, clock)
    schedule.begin(live=False)
    assert schedule.wait() and schedule.attempt == 1
    schedule.recovered()  # it played, for a moment
    assert not schedule.active
    clock.now += 1
    schedule.begin(live=False)
    assert schedule.wait() and schedule.attempt == 2  # the same count, not a new first try
    schedule.recovered()
    clock.now += FAST.proven_after_s + 1  # played long enough: a new failure starts afresh
    schedule.begin(live=False)
    assert schedule.wait() and schedule.attempt == 1
    schedule.end()


def test_a_stream_that_proves_live_gets_the_live_schedule(qapp: QApplication) -> None:
    # The review: taken for a file at its first failure, then live once it played, it kept
    # what was left of the finite attempts, and was given up after seconds, not 30 minutes.
    clock = FakeClock(500.0)
    schedule = RetrySchedule(FAST, clock)
    schedule.begin(live=False)
    for _ in range(FAST.finite_attempts):
        assert schedule.wait()
    schedule.recovered()
    clock.now += 1
    schedule.begin(live=True)
    assert schedule.wait() and schedule.attempt == 1  # live: its own schedule from the start
    schedule.end()
