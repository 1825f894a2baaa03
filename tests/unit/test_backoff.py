"""The reconnect schedule, on a fake clock."""

from __future__ import annotations

from sleepplayer.core.backoff import Backoff, RetryPolicy


def _run(backoff: Backoff, start: float = 1000.0) -> list[float]:
    """Delays handed out when every attempt fails at once (the clock moves by each delay)."""
    now = start
    delays: list[float] = []
    while (delay := backoff.next_delay(now)) is not None:
        delays.append(delay)
        now += delay
    return delays


def test_live_schedule_then_every_minute_for_30_minutes() -> None:
    delays = _run(RetryPolicy().live())
    assert delays[:7] == [1, 2, 4, 8, 16, 30, 60]
    assert set(delays[7:]) == {60}
    assert sum(delays) <= 30 * 60
    assert sum(delays) > 30 * 60 - 60  # no attempt left out within the half hour


def test_live_gives_up_by_elapsed_time_not_by_count() -> None:
    backoff = RetryPolicy().live()
    assert backoff.next_delay(0.0) == 1
    # Attempts that take long themselves (a slow connect) still end at the 30 min mark.
    assert backoff.next_delay(1700.0) == 2
    assert backoff.next_delay(1799.5) is None


def test_finite_gives_up_after_five_attempts() -> None:
    backoff = RetryPolicy().finite()
    assert _run(backoff) == [1, 2, 4, 8, 16]
    assert backoff.attempt == 5


def test_reset_starts_over() -> None:
    backoff = RetryPolicy().live()
    for now in (0.0, 1.0, 3.0):
        backoff.next_delay(now)
    assert backoff.attempt == 3
    backoff.reset()
    assert backoff.attempt == 0
    assert backoff.next_delay(5000.0) == 1
    assert backoff.next_delay(6000.0) == 2  # the 30 min count restarted at 5000


def test_short_policy_for_tests_keeps_the_shape() -> None:
    policy = RetryPolicy(delays=(0.1, 0.2), then_every_s=0.5, give_up_after_s=2.0)
    assert _run(policy.live()) == [0.1, 0.2, 0.5, 0.5, 0.5]
    assert _run(policy.finite()) == [0.1, 0.2, 0.5, 0.5, 0.5]
