"""PauseRelease: the timer and bookkeeping of letting go of the sound device in a long pause.

The libVLC side (the device really closed, the position restored before any sound) is proven
in ``tests/contract`` and ``tests/integration/test_pause_release.py``.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from sleepplayer.playback.pause_release import ParkPhase, PauseRelease


def test_a_pause_is_due_after_the_delay(qtbot: QtBot) -> None:
    release = PauseRelease(10)
    with qtbot.waitSignal(release.due, timeout=1000):
        release.paused()
    assert release.phase is ParkPhase.HOLDING  # the owner decides whether to park


def test_a_pause_that_ends_first_is_never_due(qtbot: QtBot) -> None:
    release = PauseRelease(50)
    release.paused()
    release.cancel()
    with qtbot.assertNotEmitted(release.due, wait=200):
        pass


def test_park_reopen_and_back() -> None:
    release = PauseRelease(10)
    assert not release.engaged
    release.park(12_345)
    assert release.phase is ParkPhase.PARKED
    assert release.engaged
    assert release.position_ms == 12_345
    release.move_to(-5)
    assert release.position_ms == 0
    release.move_to(20_000)

    release.reopen()
    assert release.phase is ParkPhase.REOPENING
    release.back_to_parked()  # a pause before the position was restored
    assert release.phase is ParkPhase.PARKED
    assert release.position_ms == 20_000

    release.reopen()
    release.reopened()
    assert release.phase is ParkPhase.HOLDING
    assert not release.engaged


def test_a_parked_engine_does_not_count_a_new_pause(qtbot: QtBot) -> None:
    release = PauseRelease(10)
    release.park(1000)
    with qtbot.assertNotEmitted(release.due, wait=100):
        release.paused()


def test_forget_drops_everything(qtbot: QtBot) -> None:
    release = PauseRelease(50)
    release.park(1000)
    release.forget()
    assert release.phase is ParkPhase.HOLDING
    assert release.position_ms == 0
    release.paused()
    release.forget()
    with qtbot.assertNotEmitted(release.due, wait=200):
        pass
