"""Status-bar messages that can be read: each one stays long enough, and a long one fits.

Several things can speak at once: an import names the lines it skipped, then the player skips
a missing entry at once. Shown as they came, the second would replace the first before anyone
read it. So a message keeps the bar for a reading time that grows with its length
(:func:`reading_ms`), and later ones wait their turn, in order. A message wider than the bar
is cut with "…", and the whole text is the bar's tooltip while it shows.

A problem (a skipped track, a file that could not be read, a failed save) holds the bar longer
than routine news: at least ``PROBLEM_READING_MS`` before the next message, and
``PROBLEM_SHOWN_MS`` when nothing follows. Else the "Added 1 track." that an add of a damaged
file brings with it would hide the "Skipped …" after a second and a half.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QPushButton, QStatusBar, QWidget

#: How long a message stays when nothing follows it.
SHOWN_MS = 8000
#: How long a problem stays when nothing follows it, and how long it holds the bar at least.
PROBLEM_SHOWN_MS = 20000
PROBLEM_READING_MS = 6000
#: Reading time before a following message may take the bar: about 20 characters a second.
_MS_PER_CHAR = 50
MIN_READING_MS = 1500
MAX_READING_MS = 5000
#: Messages waiting beyond this many are dropped (something keeps talking): the oldest
#: routine one first, a problem only when all that wait are problems.
_MAX_WAITING = 5
#: Room kept free beside the text (the bar's own margins and spacing).
_SPARE_PX = 24


def _gist(text: str) -> str:
    return text.strip().rstrip(".")


def reading_ms(text: str) -> int:
    """How long ``text`` holds the bar before the next message."""
    return max(MIN_READING_MS, min(MAX_READING_MS, len(text) * _MS_PER_CHAR))


class StatusMessages(QObject):
    """Shows messages in ``bar`` one after another; see the module docstring.

    ``clock`` gives monotonic seconds.
    """

    def __init__(
        self,
        bar: QStatusBar,
        *,
        clock: Callable[[], float] = time.monotonic,
        reading: Callable[[str], int] = reading_ms,
        problem_reading_ms: int = PROBLEM_READING_MS,
    ) -> None:
        super().__init__(bar)
        self._bar = bar
        self._clock = clock
        self._reading = reading
        self._problem_reading_ms = problem_reading_ms
        self._waiting: deque[tuple[str, bool]] = deque()
        self._shown_problem = False  # the message on show is a problem
        self._text = ""  # the whole text of the message on show
        self._free_at = 0.0  # when the next message may replace it
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.timeout.connect(self._show_next)
        bar.messageChanged.connect(self._on_bar_message_changed)

    def show(self, text: str, *, problem: bool = False) -> None:
        """Show ``text`` now, or once the message before it has been read. A ``problem``
        holds the bar longer (see the module docstring)."""
        same = _gist(text)
        if self._bar.currentMessage() and self._repeats(same, problem):
            return  # the same news again, perhaps without its full stop, from two places
        self._waiting.append((text, problem))
        if len(self._waiting) > _MAX_WAITING:
            routine = [i for i, (_, p) in enumerate(self._waiting) if not p]
            del self._waiting[routine[0] if routine else 0]
        if not self._turn.isActive():
            self._show_next()

    def problem_hold_left_ms(self) -> int:
        """How much longer problems hold the bar, the one on show and those waiting their turn
        (about: ask again then); 0 when none does."""
        shown_ms = self._hold_left_ms() if self._bar.currentMessage() else 0
        waiting = sum(1 for _text, problem in self._waiting if problem)
        if waiting:
            return shown_ms + waiting * self._problem_reading_ms
        return shown_ms if self._shown_problem else 0

    def _repeats(self, same: str, problem: bool) -> bool:
        """``same`` is on show or waiting; a problem said again as routine news stays one,
        and routine news said again as a problem becomes one."""
        if same == _gist(self._text):
            if problem and not self._shown_problem:
                self._shown_problem = True
                self._free_at = max(self._free_at, self._clock() + self._problem_reading_ms / 1000)
                self._bar.showMessage(self._bar.currentMessage(), PROBLEM_SHOWN_MS)
            return True
        for i, (waiting, was_problem) in enumerate(self._waiting):
            if same == _gist(waiting):
                self._waiting[i] = (waiting, was_problem or problem)
                return True
        return False

    def _hold_left_ms(self) -> int:
        """How much longer the message on show holds the bar before the next may come."""
        return max(0, int((self._free_at - self._clock()) * 1000))

    def _show_next(self) -> None:
        wait_ms = self._hold_left_ms()
        if self._bar.currentMessage() and wait_ms > 0:
            self._turn.start(wait_ms)
            return
        if not self._waiting:
            return
        text, problem = self._waiting.popleft()
        self._text, self._shown_problem = text, problem
        hold_ms = self._reading(text)
        if problem:
            hold_ms = max(hold_ms, self._problem_reading_ms)
        self._free_at = self._clock() + hold_ms / 1000
        shown = self._fitted(text)
        self._bar.showMessage(shown, PROBLEM_SHOWN_MS if problem else SHOWN_MS)
        self._bar.setToolTip(text if shown != text else "")
        if self._waiting:
            self._turn.start(hold_ms)

    def _fitted(self, text: str) -> str:
        """``text``, cut with "…" to the room the bar has (its window's width while it is
        hidden: it only shows while it has something to say)."""
        bar = self._bar
        width = bar.width() if bar.isVisible() else bar.window().width()
        for child in bar.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible():  # a permanent widget (progress) beside the message
                width -= child.width()
        margins = bar.contentsMargins()
        room = max(0, width - margins.left() - margins.right() - _SPARE_PX)
        return bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)

    def _on_bar_message_changed(self, message: str) -> None:
        if not message:  # timed out, or cleared (the timer's Undo offer takes the bar)
            self._text = ""
            self._bar.setToolTip("")


def link_button(text: str, on_click: Callable[[], None]) -> QPushButton:
    """A flat, link-like button for the status bar ("Undo", "Cancel"); the theme styles it."""
    button = QPushButton(text)
    button.setObjectName("statusLinkButton")
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.clicked.connect(on_click)
    return button
