"""StatusMessages: each message gets its reading time, later ones follow in order, the same
news is not repeated, and one that does not fit is cut with the whole text in the tooltip."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QStatusBar
from pytestqt.qtbot import QtBot

from sleepplayer.services.undo_history import UndoHistory, UndoStep
from sleepplayer.ui.status_messages import (
    MAX_READING_MS,
    MIN_READING_MS,
    StatusMessages,
    reading_ms,
)
from sleepplayer.ui.undo_offer import UndoOffer
from tests.helpers.fake_clock import FakeClock

READ_MS = 150


def _record(window: QMainWindow) -> list[str]:
    """The messages the bar shows, in order."""
    seen: list[str] = []

    def note(text: str) -> None:
        if text:
            seen.append(text)

    window.statusBar().messageChanged.connect(note)
    return seen


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[QMainWindow]:
    main = QMainWindow()
    main.resize(400, 300)
    qtbot.addWidget(main)
    yield main


@pytest.fixture
def messages(window: QMainWindow) -> StatusMessages:
    return StatusMessages(window.statusBar(), reading=lambda _text: READ_MS)


def test_reading_time_grows_with_length_within_bounds() -> None:
    assert reading_ms("Added 3 tracks.") == MIN_READING_MS
    assert reading_ms("x" * 70) == 70 * 50
    assert reading_ms("x" * 1000) == MAX_READING_MS


def test_messages_follow_each_other_in_order(
    qtbot: QtBot, window: QMainWindow, messages: StatusMessages
) -> None:
    seen = _record(window)
    for text in ("One.", "Two.", "Three."):
        messages.show(text)
    assert window.statusBar().currentMessage() == "One."
    qtbot.waitUntil(lambda: seen == ["One.", "Two.", "Three."], timeout=3000)


def test_the_same_news_shows_once(
    qtbot: QtBot, window: QMainWindow, messages: StatusMessages
) -> None:
    seen = _record(window)
    messages.show("Added 3 tracks.")
    messages.show("Added 3 tracks")  # the library and the window both say it
    messages.show("Done.")
    qtbot.waitUntil(lambda: seen[-1:] == ["Done."], timeout=3000)
    assert seen == ["Added 3 tracks.", "Done."]


def test_a_cleared_bar_drops_the_tooltip_and_the_next_message_still_comes(
    qtbot: QtBot, window: QMainWindow, messages: StatusMessages
) -> None:
    bar = window.statusBar()
    messages.show("Not found: " + "/home/someone/Music/night/rain.mp3; " * 4)
    messages.show("Second.")
    assert bar.toolTip()
    bar.clearMessage()  # the timer's Undo offer takes the bar
    assert bar.toolTip() == ""
    qtbot.waitUntil(lambda: bar.currentMessage() == "Second.", timeout=3000)


def test_a_long_message_is_cut_and_whole_in_the_tooltip(
    window: QMainWindow, messages: StatusMessages
) -> None:
    long = "Not found: " + "; ".join(f"/home/someone/Music/night/{i}.mp3" for i in range(3))
    messages.show(long)
    bar = window.statusBar()
    assert bar.currentMessage().endswith("\u2026")
    assert bar.fontMetrics().horizontalAdvance(bar.currentMessage()) < 400
    assert bar.toolTip() == long


def test_a_problem_holds_the_bar_before_routine_news_takes_it(
    qtbot: QtBot, window: QMainWindow
) -> None:
    # The trial: "Skipped “x”: …" showed 1.5 s, then "Added 1 track." took the bar for good.
    clock = FakeClock()
    messages = StatusMessages(
        window.statusBar(), clock=clock, reading=lambda _text: READ_MS, problem_reading_ms=400
    )
    bar = window.statusBar()
    messages.show("Skipped “x”: it is damaged.", problem=True)
    clock.now += 0.2  # past a routine message's reading time, inside the problem's
    messages.show("Added 1 track.")
    assert bar.currentMessage() == "Skipped “x”: it is damaged."
    clock.now += 0.3
    qtbot.waitUntil(lambda: bar.currentMessage() == "Added 1 track.", timeout=3000)
    # Routine news after routine news keeps the usual reading time.
    clock.now += 0.2
    messages.show("Duplicated “Rain”.")
    assert bar.currentMessage() == "Duplicated “Rain”."


def test_when_too_many_wait_routine_news_goes_first(qtbot: QtBot, window: QMainWindow) -> None:
    # Start-up alone may queue seven problems; none of them should give way to "Added 1 track."
    messages = StatusMessages(
        window.statusBar(), reading=lambda _text: READ_MS, problem_reading_ms=READ_MS
    )
    seen = _record(window)
    problems = [f"Problem {n}." for n in range(7)]
    messages.show(problems[0], problem=True)  # on show
    for text in problems[1:6]:
        messages.show(text, problem=True)  # five wait
    messages.show("Added 1 track.")  # a sixth: routine news gives way
    messages.show(problems[6], problem=True)  # all problems now: the oldest waiting goes
    qtbot.waitUntil(lambda: seen[-1:] == [problems[6]], timeout=5000)
    assert seen == [problems[0], *problems[2:]]


def test_news_said_again_as_a_problem_holds_the_bar_as_one(
    qtbot: QtBot, window: QMainWindow
) -> None:
    clock = FakeClock()
    messages = StatusMessages(
        window.statusBar(), clock=clock, reading=lambda _text: READ_MS, problem_reading_ms=400
    )
    bar = window.statusBar()
    messages.show("Not found: rain.mp3.")
    messages.show("Not found: rain.mp3", problem=True)  # the same, from the other place
    clock.now += 0.2
    messages.show("Added 1 track.")
    assert bar.currentMessage() == "Not found: rain.mp3."


@dataclass
class OfferRig:
    clock: FakeClock
    bar: QStatusBar
    messages: StatusMessages
    offer: UndoOffer
    history: UndoHistory

    def push(self, done: str) -> None:
        """An edit happened: its undo step is offered."""
        self.history.push(UndoStep("Edit", done, lambda: None))
        self.offer.offer_newest()


@pytest.fixture
def rig(window: QMainWindow) -> OfferRig:
    clock = FakeClock()
    bar = window.statusBar()
    messages = StatusMessages(
        bar, clock=clock, reading=lambda _text: READ_MS, problem_reading_ms=400
    )
    history = UndoHistory(window)
    return OfferRig(
        clock, bar, messages, UndoOffer(history, QAction(window), bar, messages), history
    )


def test_an_undo_offer_waits_for_a_problem_to_be_read(qtbot: QtBot, rig: OfferRig) -> None:
    # The trial: a second launch's "Not found: …" was wiped at once by the "Replaced the 5
    # tracks in “Opened files” — Undo" that its other items brought.
    rig.messages.show("Not found: /tmp/nope.mp3", problem=True)
    rig.push("Replaced the 5 tracks")
    assert rig.bar.currentMessage() == "Not found: /tmp/nope.mp3"
    assert rig.offer.isHidden()
    rig.clock.now += 0.4  # read
    qtbot.waitUntil(lambda: not rig.offer.isHidden(), timeout=3000)
    assert rig.bar.currentMessage() == ""
    # Routine news gives way to the offer at once, as before.
    rig.messages.show("Added 1 track.")
    rig.push("Removed 1 track")
    assert rig.bar.currentMessage() == "" and not rig.offer.isHidden()


def test_an_undo_offer_waits_for_problems_that_wait_their_turn(qtbot: QtBot, rig: OfferRig) -> None:
    rig.messages.show("Not found: a.mp3", problem=True)
    rig.messages.show("Skipped in b.m3u: line 3.", problem=True)  # waits its turn
    rig.push("Replaced the 5 tracks")
    rig.clock.now += 0.4  # the first was read: the second takes the bar
    qtbot.waitUntil(lambda: rig.bar.currentMessage() == "Skipped in b.m3u: line 3.", timeout=3000)
    assert rig.offer.isHidden()
    rig.clock.now += 0.4
    qtbot.waitUntil(lambda: not rig.offer.isHidden(), timeout=3000)
    assert rig.bar.currentMessage() == ""


def test_the_undo_action_shows_a_playlist_name_with_an_ampersand_as_it_is(
    window: QMainWindow,
) -> None:
    history = UndoHistory(window)
    action = QAction(window)
    offer = UndoOffer(history, action, window.statusBar())
    history.push(UndoStep("Replace \u201cRain & Thunder\u201d", "Replaced", lambda: None))
    assert offer.isHidden()  # pushed, not offered: only the action's words changed
    # Not "Rain  Thunder" with the T underlined as a mnemonic.
    assert action.iconText() == "Undo Replace \u201cRain & Thunder\u201d"
