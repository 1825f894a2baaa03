"""The --headless status line: the timer's time left and fade, written at most once a second."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.core.sleep_plan import SleepPlan
from sleepplayer.headless_status import MIN_INTERVAL_S, StatusLine, timer_status
from sleepplayer.services.sleep_timer import TimerPhase
from tests.helpers.fake_clock import FakeClock
from tests.helpers.fake_services import FakeController, FakeLibraryService, FakeSleepTimer

PAUSES = "Pauses at 22:45"


class Terminal(io.StringIO):
    """Standard output on a terminal: the line is rewritten in place."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def controller(qapp: QCoreApplication) -> FakeController:
    track = Track("file:///night/rain.ogg", title="Rain", duration_ms=3_600_000)
    library = FakeLibraryService(Library([Playlist("Command line", [track], uid="p")]))
    c = FakeController(library)
    c.play_playlist("p")
    c.set_volume(40)
    return c


@pytest.fixture
def timer(qapp: QCoreApplication) -> FakeSleepTimer:
    return FakeSleepTimer()


def arm(timer: FakeSleepTimer, remaining_s: float, phase: TimerPhase = TimerPhase.ARMED) -> None:
    timer.arm(SleepPlan(duration_s=1800))
    timer.set_state(phase, remaining_s=remaining_s, description=PAUSES)


def test_timer_status_says_time_left_and_the_end(timer: FakeSleepTimer) -> None:
    assert timer_status(timer) == ""
    arm(timer, 23 * 60 - 10)
    assert timer_status(timer) == "23 min left · pauses at 22:45"
    timer.set_state(TimerPhase.FADING, remaining_s=50, gain=0.4)
    assert timer_status(timer) == "fading 40% · under 1 min left · pauses at 22:45"
    assert timer_status(timer, with_gain=False) == "fading · under 1 min left · pauses at 22:45"


def test_timer_status_for_track_ends(timer: FakeSleepTimer) -> None:
    timer.arm(SleepPlan())
    timer.set_state(TimerPhase.ARMED, None, description="Pauses after 2 more tracks")
    assert timer_status(timer) == "pauses after 2 more tracks"
    # The seconds of the track's end are said once, in minutes, not twice.
    timer.set_state(TimerPhase.ARMED, 200, description="Pauses after this track (in 3:20)")
    assert timer_status(timer) == "4 min left · pauses after this track"


def test_timer_status_after_the_end(timer: FakeSleepTimer) -> None:
    timer.arm(SleepPlan())
    timer.set_state(TimerPhase.COUNTDOWN, 45, description="Suspends in 45 s")
    assert timer_status(timer) == "Suspends in 45 s"
    timer.set_state(TimerPhase.GRACE, None, description="Paused by the sleep timer")
    assert timer_status(timer) == "Paused by the sleep timer"


def test_the_line_shows_the_timer(controller: FakeController, timer: FakeSleepTimer) -> None:
    arm(timer, 23 * 60)
    line = StatusLine(controller, timer, io.StringIO()).render()
    assert line == "▶ Rain  0:00 / 1:00:00  vol 40%  ☾ 23 min left · pauses at 22:45"


def test_a_terminal_gets_one_write_per_second_and_only_changes(
    qtbot: QtBot, controller: FakeController, timer: FakeSleepTimer
) -> None:
    out, clock = Terminal(), FakeClock(100.0)
    status = StatusLine(controller, timer, out, clock=clock)
    with qtbot.waitSignal(status.written):
        status.update()
    status.update()  # same text: nothing written
    assert out.getvalue().count("\r") == 1

    # A fade reports many times a second: within the second, nothing more is written ...
    clock.now += 0.2
    arm(timer, 50, TimerPhase.FADING)
    for gain in (0.9, 0.8, 0.7):
        timer.set_state(TimerPhase.FADING, remaining_s=50, gain=gain)
        status.update()
    assert out.getvalue().count("\r") == 1
    # ... then one write with the latest text, once the second is over.
    with qtbot.waitSignal(status.written, timeout=int(3000 * MIN_INTERVAL_S)) as blocker:
        clock.now += MIN_INTERVAL_S
    assert blocker.args == [
        "▶ Rain  0:00 / 1:00:00  vol 40%  ☾ fading 70% · under 1 min left · pauses at 22:45"
    ]
    assert out.getvalue().count("\r") == 2

    clock.now += MIN_INTERVAL_S
    controller.set_position(61_000)
    status.update()  # a second later: written at once
    assert out.getvalue().endswith(
        "1:01 / 1:00:00  vol 40%  ☾ fading 70% · under 1 min left · pauses at 22:45"
    )


def test_finish_shows_the_last_status_at_once(
    controller: FakeController, timer: FakeSleepTimer
) -> None:
    out, clock = Terminal(), FakeClock(100.0)
    status = StatusLine(controller, timer, out, clock=clock)
    status.update()
    controller.pause()
    status.update()  # within the second: deferred
    assert "⏸" not in out.getvalue()
    status.finish()
    assert out.getvalue().endswith("⏸ Rain  0:00 / 1:00:00  vol 40%\n")


def test_a_log_gets_a_line_per_change_not_per_second(
    controller: FakeController, timer: FakeSleepTimer
) -> None:
    out, clock = io.StringIO(), FakeClock(100.0)
    status = StatusLine(controller, timer, out, clock=clock)
    status.update()
    for second in range(1, 5):
        clock.now += 1
        controller.set_position(second * 1000)
        status.update()
    clock.now += 1
    arm(timer, 23 * 60)
    status.update()
    for gain in (0.9, 0.5):  # the fade's percentage alone is not a new line
        clock.now += 1
        timer.set_state(TimerPhase.FADING, remaining_s=50, gain=gain)
        status.update()
    lines = out.getvalue().splitlines()
    assert [line.split("vol 40%")[1] for line in lines] == [
        "",
        "  ☾ 23 min left · pauses at 22:45",
        "  ☾ fading 90% · under 1 min left · pauses at 22:45",
    ]


def test_a_message_ends_the_terminal_line_but_adds_no_blank_lines_to_a_log(
    controller: FakeController, timer: FakeSleepTimer
) -> None:
    # On a terminal the status line stays open (rewritten in place): a message must start on
    # a line of its own. Into a log every status is a whole line already.
    out, err = Terminal(), io.StringIO()
    status = StatusLine(controller, timer, out, clock=FakeClock(100.0))
    status.update()
    status.note("Added 1 track.", err)
    status.note("Skipped “x”.", err)
    assert out.getvalue().endswith("vol 40%\n")  # ended once, not per message
    status.finish()  # paused or not, the status comes back below the messages
    assert out.getvalue().endswith("vol 40%\n\r\x1b[2K▶ Rain  0:00 / 1:00:00  vol 40%\n")
    assert err.getvalue() == "sleepplayer: Added 1 track.\nsleepplayer: Skipped “x”.\n"
    log, log_err = io.StringIO(), io.StringIO()
    status = StatusLine(controller, timer, log, clock=FakeClock(100.0))
    status.update()
    status.note("Added 1 track.", log_err)
    assert log.getvalue().count("\n") == 1 and "\n\n" not in log.getvalue()
    assert log_err.getvalue() == "sleepplayer: Added 1 track.\n"


def test_a_title_cannot_break_or_drive_the_terminal(
    qapp: QCoreApplication, timer: FakeSleepTimer
) -> None:
    # A file named "new\nline.wav", a tag with an escape sequence: one plain line.
    # A lone surrogate (an undecodable file name) no terminal encoding can write either.
    track = Track("file:///x.wav", title="new\nline \x1b[2J\x1b]0;owned\x07 rain\udcff")
    library = FakeLibraryService(Library([Playlist("Command line", [track], uid="p")]))
    c = FakeController(library)
    c.play_playlist("p")
    line = StatusLine(c, timer, Terminal()).render()
    assert line.startswith("▶ new line [2J ]0;owned rain  0:00")
    assert "\n" not in line and "\x1b" not in line
    line.encode("utf-8")  # writable


def test_the_line_says_when_a_stream_reconnects(
    controller: FakeController, timer: FakeSleepTimer
) -> None:
    line = StatusLine(controller, timer, io.StringIO())
    controller.set_status_text("Reconnecting in 4 s (attempt 3)")
    assert "Reconnecting in 4 s (attempt 3)  vol 40%" in line.render()
    controller.set_status_text("")
    assert "Reconnecting" not in line.render()


def test_the_line_says_what_a_radio_plays_now(
    controller: FakeController, timer: FakeSleepTimer
) -> None:
    out = io.StringIO()
    line = StatusLine(controller, timer, out)
    line.update()
    controller.set_stream_title("Rain on a tin roof\n")
    assert line.render().startswith("▶ Rain — Rain on a tin roof  0:00")
    controller.set_stream_title("Rain")  # a station that sends its own name: said once
    assert line.render().startswith("▶ Rain  0:00")


def test_a_log_gets_a_line_per_reconnect_attempt_not_per_second_of_its_countdown(
    controller: FakeController, timer: FakeSleepTimer
) -> None:
    out, clock = io.StringIO(), FakeClock(100.0)
    status = StatusLine(controller, timer, out, clock=clock)
    for attempt, wait_s in ((3, 4), (4, 8)):
        for left in range(wait_s, 0, -1):
            clock.now += 1
            controller.set_status_text(f"Reconnecting in {left} s (attempt {attempt})")
            status.update()
    lines = out.getvalue().splitlines()
    assert [line.split("0:00 / 1:00:00  ")[1] for line in lines] == [
        "Reconnecting in 4 s (attempt 3)  vol 40%",
        "Reconnecting in 8 s (attempt 4)  vol 40%",
    ]


def test_on_a_terminal_the_line_fits_its_width_the_title_giving_way(
    timer: FakeSleepTimer,
) -> None:
    # A line wider than the terminal wraps, and "\r" then rewrites only its last row: every
    # second would leave a stale row behind.
    title = "A very long title of a rain recording on a tin roof, 8 hours, 雨の音"
    track = Track("file:///x.ogg", title=title, duration_ms=3_600_000)
    library = FakeLibraryService(Library([Playlist("Command line", [track], uid="p")]))
    c = FakeController(library)
    c.play_playlist("p")
    c.set_volume(40)
    arm(timer, 23 * 60 - 10)
    line = StatusLine(c, timer, Terminal(), columns=lambda: 80).render()
    assert line.startswith("▶ A very long title") and "…" in line
    assert line.endswith("vol 40%  ☾ 23 min left · pauses at 22:45")  # kept whole
    assert len(line) == 79
    narrow = StatusLine(c, timer, Terminal(), columns=lambda: 30).render()
    assert len(narrow) == 29 and narrow.endswith("…")
    wide = StatusLine(c, timer, Terminal(), columns=lambda: 300).render()
    assert title in wide
    # The width counts a wide (CJK) character as two columns.
    cjk = Track("file:///y.ogg", title="雨" * 60, duration_ms=3_600_000)
    library.add_tracks("p", [cjk])
    c.play_track("p", cjk.uid)
    line = StatusLine(c, timer, Terminal(), columns=lambda: 80).render()
    assert "雨" in line and sum(2 if ch == "雨" else 1 for ch in line) <= 79
