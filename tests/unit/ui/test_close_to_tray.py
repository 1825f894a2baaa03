"""Closing the window: into the tray when there is one, else quit; the one-time message only
when notifications are allowed, never at night.

Offscreen there is no tray host, so the tray here is the real SystemTray with its host
availability, its messages and its watching recorded (``FakeTray``). A spontaneous close (the
title bar's button) cannot be made offscreen: ``close_by_user`` is what such a close runs, and
the real button is pressed in ``tests/e2e/test_tray.py``.
"""

from __future__ import annotations

from datetime import time

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import SleepPlan
from sleepplayer.services.notify_policy import is_night, may_notify
from sleepplayer.services.sleep_timer import TimerPhase
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.close_to_tray import TRAY_HINT, CloseToTray
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.tray import SystemTray
from tests.helpers.fake_services import FakeController, FakeLibraryService, FakeSleepTimer
from tests.unit.ui.test_tray import FakeHost

AFTERNOON, LATE, SMALL_HOURS = time(15, 0), time(23, 30), time(3, 0)


class FakeTray(SystemTray):
    """The real tray, with whether a host shows it decided by the test."""

    available = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.messages: list[tuple[str, str]] = []
        self.watched = 0

    def is_available(self) -> bool:
        return self.available

    def show_message(self, title: str, text: str) -> None:
        self.messages.append((title, text))

    def watch_host(self) -> None:
        self.watched += 1


class Rig:
    def __init__(
        self,
        controller: FakeController,
        library: FakeLibraryService,
        registry: ActionRegistry,
        timer: FakeSleepTimer,
        window: MainWindow,
    ) -> None:
        self.window = window
        self.timer = timer
        self.host = FakeHost(window)
        self.tray = FakeTray(controller, library, timer, registry, self.host, window)
        self.settings = Settings()
        self.saves = 0
        self.clock = AFTERNOON
        self.closer = CloseToTray(
            window, self.tray, self.host, self.settings, timer, self._saved, now=lambda: self.clock
        )

    def _saved(self) -> None:
        self.saves += 1


@pytest.fixture
def rig(
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
    sleep_timer: FakeSleepTimer,
    timer_window: MainWindow,
) -> Rig:
    return Rig(controller, library, registry, sleep_timer, timer_window)


def test_with_a_tray_closing_hides_and_says_so_once(rig: Rig) -> None:
    assert rig.window.isVisible()
    assert rig.closer.close_by_user() is True
    assert not rig.window.isVisible() and rig.host.calls == ["hide"]
    assert rig.tray.watched == 1
    assert rig.tray.messages == [("SleepPlayer", TRAY_HINT)]
    assert rig.settings.tray_hint_shown and rig.saves == 1
    rig.window.show()
    rig.closer.close_by_user()
    assert len(rig.tray.messages) == 1 and rig.saves == 1  # once


def test_without_a_tray_closing_quits(rig: Rig, qtbot: QtBot) -> None:
    rig.tray.available = False
    assert rig.closer.close_by_user() is True  # the window stays until the quit closes it
    assert rig.host.calls == []
    qtbot.waitUntil(lambda: rig.host.calls == ["quit"])  # after the close, not inside it
    assert rig.tray.messages == []


def test_a_close_that_would_quit_may_be_called_off(rig: Rig, qtbot: QtBot) -> None:
    # Closing the window quits when there is no tray: like Quit, the app may ask first (the
    # changes cannot be saved) and the user may choose to stay. The window stays open.
    rig.tray.available = False
    rig.host.may_quit = False
    assert rig.closer.close_by_user() is True
    qtbot.waitUntil(lambda: rig.host.calls == ["stay"])
    assert rig.window.isVisible()


def test_close_to_tray_off_quits(rig: Rig, qtbot: QtBot) -> None:
    rig.settings.close_to_tray = False
    assert rig.closer.close_by_user() is True
    qtbot.waitUntil(lambda: rig.host.calls == ["quit"])


def test_at_night_the_window_goes_quietly(rig: Rig) -> None:
    rig.timer.arm(SleepPlan())
    rig.closer.close_by_user()
    assert rig.tray.messages == [] and not rig.settings.tray_hint_shown
    rig.timer.cancel()
    rig.window.show()
    rig.closer.close_by_user()  # the next day: the hint waited for it
    assert len(rig.tray.messages) == 1


def test_bedtime_is_night_too_unless_the_user_wants_messages(rig: Rig) -> None:
    rig.settings.bedtime_enabled = True
    rig.clock = LATE
    rig.closer.close_by_user()
    assert rig.tray.messages == []
    rig.settings.notifications_at_night = True
    rig.window.show()
    rig.closer.close_by_user()
    assert len(rig.tray.messages) == 1


def test_closing_in_the_small_hours_says_nothing_even_without_bedtime(rig: Rig) -> None:
    assert not rig.settings.bedtime_enabled  # the default
    rig.clock = SMALL_HOURS
    rig.closer.close_by_user()
    assert rig.tray.messages == [] and not rig.settings.tray_hint_shown
    rig.clock = AFTERNOON
    rig.window.show()
    rig.closer.close_by_user()  # the next afternoon: the hint waited for it
    assert rig.tray.messages == [("SleepPlayer", TRAY_HINT)]


def test_a_bedtime_window_of_the_users_own_replaces_the_night_hours() -> None:
    settings = Settings(bedtime_enabled=True, bedtime_start="00:30", bedtime_end="08:00")
    assert not is_night(settings, TimerPhase.IDLE, LATE)  # 23:30: before their bedtime
    assert is_night(settings, TimerPhase.IDLE, time(7, 0))
    broken = Settings(bedtime_enabled=True, bedtime_start="late", bedtime_end="early")
    assert is_night(broken, TimerPhase.IDLE, SMALL_HOURS)  # unreadable: the default night


def test_no_message_with_notifications_off(rig: Rig) -> None:
    rig.settings.notifications = False
    rig.closer.close_by_user()
    assert rig.tray.messages == [] and not rig.window.isVisible()


def test_closing_by_the_program_or_on_quit_is_never_refused(rig: Rig) -> None:
    # Qt 6 closes every window on quit; that close must not land in the tray.
    assert rig.window.close()
    assert rig.host.calls == [] and rig.tray.messages == []


def test_the_window_comes_back_when_the_tray_goes(rig: Rig) -> None:
    rig.closer.close_by_user()
    rig.tray.host_lost.emit()
    assert rig.window.isVisible() and rig.host.calls == ["hide", "show"]
    rig.tray.host_lost.emit()  # shown already: nothing to do
    assert rig.host.calls == ["hide", "show"]


def test_start_minimised_only_with_a_tray(rig: Rig) -> None:
    assert rig.closer.start_hidden() is False
    rig.settings.start_minimised = True
    assert rig.closer.start_hidden() is True and rig.tray.watched == 1
    rig.tray.available = False
    assert rig.closer.start_hidden() is False


@pytest.mark.parametrize(
    ("phase", "bedtime", "at", "night"),
    [
        # Bedtime off (the default): the night is NIGHT_HOURS, 22:00 to 06:00.
        (TimerPhase.IDLE, False, LATE, True),
        (TimerPhase.IDLE, False, SMALL_HOURS, True),
        (TimerPhase.IDLE, False, time(22, 0), True),
        (TimerPhase.IDLE, False, time(21, 59), False),
        (TimerPhase.IDLE, False, time(6, 0), False),
        (TimerPhase.IDLE, False, AFTERNOON, False),
        # Bedtime on: the user's window (22:00 to 06:00 unless changed).
        (TimerPhase.IDLE, True, LATE, True),
        (TimerPhase.IDLE, True, AFTERNOON, False),
        (TimerPhase.ARMED, False, AFTERNOON, True),  # a nap is a night too
        (TimerPhase.GRACE, False, AFTERNOON, True),
    ],
)
def test_what_counts_as_night(phase: TimerPhase, bedtime: bool, at: time, night: bool) -> None:
    settings = Settings(bedtime_enabled=bedtime)
    assert is_night(settings, phase, at) is night
    assert may_notify(settings, phase, at) is not night
    assert may_notify(Settings(notifications_at_night=True), phase, at)
    assert not may_notify(Settings(notifications=False), TimerPhase.IDLE, AFTERNOON)
