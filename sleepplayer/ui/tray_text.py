"""The tray's words: what is playing, and the sleep timer in whole minutes.

Whole minutes keep the tooltip and the menu still: the timer reports every second while armed,
but these texts change once a minute at most (the suspend countdown, a single minute of
seconds, is the one exception), so the tray is only touched when what it says changes.
"""

from __future__ import annotations

import math

from sleepplayer import APP_NAME
from sleepplayer.core.model import Track
from sleepplayer.core.text import end_words, left_words
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase

#: Longest text of one line; longer titles are cut with an ellipsis (tooltips are small, and
#: the Windows tray cuts a tooltip at 127 characters).
LINE_CHARS = 60


def elide(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def now_playing_text(track: Track | None, stream_title: str = "") -> str:
    """ "Title — Artist", or for a stream with a title of its own (ICY) "Song — Station";
    "" when nothing is loaded."""
    if track is None:
        return ""
    stream_title = stream_title.strip()
    if stream_title:
        return f"{stream_title} \u2014 {track.display_title}"
    # Built-in sounds carry the app as their artist: "Brown noise — SleepPlayer" would read
    # like a window title.
    if track.artist and track.artist.strip() != APP_NAME:
        return f"{track.display_title} \u2014 {track.artist}"
    return track.display_title


def _end_words(timer: SleepTimer) -> str:
    """The timer's own description, without a seconds count, starting in lower case."""
    return end_words(timer.description())


def timer_text(timer: SleepTimer, playing: bool = True) -> str:
    """The sleep timer in one line, "" when it is off: "Timer: 23 min left — pauses at 23:45"
    (the window's "23 min left"), "Timer: 23 min left (nothing playing)" when ``playing`` is
    false (there is nothing to pause), "Fading out — …", "Suspending the computer in 45 s" or
    "Paused by the sleep timer"."""
    phase = timer.phase
    if phase is TimerPhase.IDLE:
        return ""
    if phase is TimerPhase.COUNTDOWN:
        # The seconds the timer itself counts down (its ``suspend_countdown`` says the same).
        seconds = math.ceil(timer.remaining_s() or 0)
        return f"Suspending the computer in {seconds} s" if seconds > 0 else ""
    if phase is TimerPhase.GRACE:
        return timer.description()
    end = _end_words(timer)
    if phase is TimerPhase.FADING:
        return f"Fading out \u2014 {end}"
    remaining = timer.remaining_s()
    if remaining is None:
        return f"Sleep timer on \u2014 {end}"
    if not playing:
        return f"Timer: {left_words(remaining)} (nothing playing)"
    return f"Timer: {left_words(remaining)} \u2014 {end}"


def tooltip_text(now_playing: str, state_word: str, timer_line: str) -> str:
    """The tray tooltip: the app's name, what is playing with ``state_word`` ("paused",
    "stopped"; "" while playing) after it, and the timer."""
    lines = [APP_NAME]
    if now_playing:
        lines.append(elide(now_playing) + (f" ({state_word})" if state_word else ""))
    if timer_line:
        lines.append(timer_line)
    return "\n".join(lines)


def menu_text(text: str) -> str:
    """``text`` for a menu item: cut to one line, with "&" kept literal (not a mnemonic)."""
    return elide(text).replace("&", "&&")
