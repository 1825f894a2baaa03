"""The ``--headless`` status line: what plays, where, how loud, and the sleep timer.

``▶ Rain  12:03 / 1:00:00  vol 40%  ☾ 23 min left · pauses at 22:45``. On a terminal the line
is rewritten in place; into a pipe or a log a new line is printed only when something other
than the clock moved (track, state, volume, the timer's minutes), so a night's log stays short.
On a terminal the line is cut to its width (the title gives way first): a line that wrapped
could not be rewritten in place, and each second would leave a stale row behind. Either way it
is written at most once a second and only when its text changed: the timer
reports many times a second while it fades.

Output that goes away (``| head -1``, a closed stdout, a full disk) ends the output, never the
player: it plays on, silently, as it would with its output sent to ``/dev/null``.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
import unicodedata
from collections.abc import Callable
from typing import TextIO

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.model import TrackKind
from sleepplayer.core.text import end_words, format_ms, left_words, length_text, one_line
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.retry_schedule import without_countdown
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase

#: The line is written at most this often.
MIN_INTERVAL_S = 1.0


def write_out(stream: TextIO | None, text: str) -> bool:
    """Write and flush ``text``; False when the stream is gone (closed, a broken pipe, a full
    disk). Its descriptor then points at /dev/null: Python flushes the stream once more at
    exit, and a broken pipe there would print an error after all."""
    if stream is None:
        return False
    try:
        stream.write(text)
        stream.flush()
        return True
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, stream.fileno())
            os.close(null)
        return False


def timer_status(timer: SleepTimer, *, with_gain: bool = True) -> str:
    """The timer's part of the line, "" when it is off: "23 min left · pauses at 22:45",
    "fading 40% · 1 min left · pauses at 22:45", "pauses after 2 more tracks",
    "Suspends in 45 s". ``with_gain=False`` leaves out the fade's percentage."""
    phase = timer.phase
    if phase is TimerPhase.IDLE:
        return ""
    if phase in (TimerPhase.COUNTDOWN, TimerPhase.GRACE):
        return timer.description()
    parts = []
    if phase is TimerPhase.FADING:
        parts.append(f"fading {round(timer.fade_gain() * 100)}%" if with_gain else "fading")
    remaining = timer.remaining_s()
    if remaining is not None:
        parts.append(left_words(remaining))
    parts.append(end_words(timer.description()))
    return " · ".join(parts)


class StatusLine(QObject):
    """Writes the status to ``out``; call :meth:`update` whenever something may have changed."""

    #: A line was written (its text), for tests and nothing else.
    written = Signal(str)

    def __init__(
        self,
        controller: PlaybackController,
        timer: SleepTimer,
        out: TextIO | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        columns: Callable[[], int] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._timer = timer
        self._out = out
        self._clock = clock
        self._columns = columns or (lambda: _terminal_columns(out))
        self._tty = False
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._tty = out is not None and out.isatty()
        self._line_open = False  # on a terminal: the status line is written and not ended
        self._shown = ""
        self._logged_key = ""
        self._written_at: float | None = None
        self._pending = False
        # One deferred write collects every change inside the second after the last write.
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._on_later_timeout)

    def render(self) -> str:
        if self._tty:  # cut to the terminal's width
            return _fitted(self._head(), self._details(with_clock=True), self._columns())
        return self._line(with_clock=True)

    def _line(self, *, with_clock: bool) -> str:
        return f"{self._head()}  {self._details(with_clock=with_clock)}"

    def _head(self) -> str:
        """``▶ title``, or ``▶ station — song`` while a radio says what it plays."""
        c = self._controller
        track = c.current_track
        title = one_line(track.display_title) if track else "—"
        song = one_line(c.stream_title) if track else ""
        if song and song != title:
            title = f"{title} — {song}"
        icon = {PlayerState.PLAYING: "▶", PlayerState.PAUSED: "⏸"}.get(c.state, "■")
        return f"{icon} {title}"

    def _details(self, *, with_clock: bool) -> str:
        """What follows the title: position, reconnecting, volume, the timer."""
        c = self._controller
        track = c.current_track
        parts: list[str] = []
        if with_clock:
            live = track is not None and track.kind == TrackKind.RADIO
            total = length_text(c.duration_ms(), live=live)
            parts.append(f"{format_ms(c.position_ms())} / {total}")
        if c.status_text:  # "Reconnecting in 4 s (attempt 3)", "Resolving…"
            # Without the clock (a log's "did anything change"), the countdown is clock too:
            # a log gets a line per attempt, not one per second of a long outage.
            text = c.status_text if with_clock else without_countdown(c.status_text)
            parts.append(text)
        parts.append(f"vol {c.volume}%")
        timer_text = timer_status(self._timer, with_gain=with_clock)
        if timer_text:
            parts.append(f"☾ {timer_text}")
        return "  ".join(parts)

    def update(self) -> None:
        """Show the current status now, or within the second when a line was just written."""
        if self.render() == self._shown:
            self._pending = False
            self._later.stop()
            return
        if self._pending:
            return  # the deferred write renders afresh
        since = None if self._written_at is None else self._clock() - self._written_at
        if since is None or since >= MIN_INTERVAL_S:
            self._write()
            return
        self._pending = True
        self._later.start(max(1, math.ceil((MIN_INTERVAL_S - since) * 1000)))

    def _on_later_timeout(self) -> None:
        if self._pending:
            self._pending = False
            if self.render() != self._shown:
                self._write()

    def _write(self) -> None:
        line = self.render()
        self._shown = line
        self._written_at = self._clock()
        if self._tty:
            self._line_open = self._put("\r\x1b[2K" + line)
        else:
            key = self._line(with_clock=False)
            if key == self._logged_key:
                return
            self._logged_key = key
            self._put(line + "\n")
        self.written.emit(line)

    def _put(self, text: str) -> bool:
        if write_out(self._out, text):
            return True
        self._out = None  # gone: the player goes on without its status
        return False

    def finish(self) -> None:
        """Show the last status (even within the second) and end the line on a terminal."""
        self._later.stop()
        self._pending = False
        if self.render() != self._shown:
            self._write()
        self._end_line()

    def note(self, text: str, err: TextIO | None) -> None:
        """A message on a line of its own. On a terminal the status line is ended first and
        goes on below the message; into a pipe or log no blank lines come between."""
        self._end_line()
        write_out(err, f"sleepplayer: {one_line(text)}\n")
        self._shown = ""  # the next update writes the status again, below the message

    def _end_line(self) -> None:
        if self._line_open:
            self._put("\n")
            self._line_open = False


def _terminal_columns(out: TextIO | None) -> int:
    """The terminal's width in columns, 0 when unknown."""
    try:
        return os.get_terminal_size(out.fileno()).columns if out is not None else 0
    except (OSError, ValueError, AttributeError):
        return 0


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (East Asian) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, columns: int) -> str:
    """``text`` in at most ``columns`` columns, ending in "…" when it was cut."""
    if _width(text) <= columns:
        return text
    kept, used = [], 0
    for ch in text:
        used += _width(ch)
        if used > columns - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def _fitted(head: str, details: str, columns: int) -> str:
    """``head  details`` within ``columns`` - 1 columns (the last one would wrap on some
    terminals): the title in ``head`` gives way first, then, on a very narrow terminal, the
    rest of the line. ``columns`` 0 means unknown: the whole line."""
    line = f"{head}  {details}"
    room = columns - 1
    if columns <= 0 or _width(line) <= room:
        return line
    head_room = room - _width(details) - 2
    if head_room >= 4:
        return f"{_cut(head, head_room)}  {details}"
    return _cut(line, room)
