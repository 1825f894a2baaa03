"""Small text formatting shared by the window, the tray, the timer and the headless status line.

Every "h:mm:ss" clock text goes through :func:`clock_text`; the callers differ only in how they
round: a position rounds down (it has not reached the next second), a time left rounds up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence


def escape_markup(text: str) -> str:
    """``a < b & c`` -> ``a &lt; b &amp; c``: safe as text in XML and Qt rich text.

    Not ``html.escape``: the html package loads its 2,000-entry entity table (0.7 MB) with it.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: Control characters, the lone surrogates an undecodable file name leaves, line and
#: paragraph separators, zero-width space and byte-order mark, and the bidirectional
#: embeddings, overrides and isolates, which would turn the text around them (a title could
#: run backwards). Joiners stay: emoji sequences need them.
UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def header_text(raw: bytes) -> str:
    """An HTTP header's value as text: UTF-8 when it is valid UTF-8 (Icecast sends station
    names so), else Latin-1 (what HTTP itself says, and old Shoutcast servers send)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


#: Two or more replacement characters in a row: what a damaged (binary) line mostly is.
_REPLACED_RUN = re.compile("\ufffd{2,}")


def shorten(text: str, limit: int = 100) -> str:
    """``text`` made safe and short enough to show in a message: each unprintable character
    becomes U+FFFD, and a run of them one (a damaged line is not shown as 100 of them)."""
    text = _REPLACED_RUN.sub("\ufffd", UNPRINTABLE.sub("\ufffd", text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """``text`` on one plain line: control characters (a newline in a file name, an escape
    sequence in a tag) and lone surrogates (which no terminal encoding can write) become
    spaces, and runs of spaces one."""
    return " ".join(UNPRINTABLE.sub(" ", text).split())


def plural(count: int, word: str) -> str:
    """``word`` for one, its plural otherwise: ``track`` -> ``tracks``, ``entry`` -> ``entries``."""
    if count == 1:
        return word
    if len(word) > 1 and word[-1] == "y" and word[-2].lower() not in "aeiou":
        return word[:-1] + "ies"  # entry -> entries, but key -> keys
    return word + "s"


def counted(count: int, word: str) -> str:
    """``3 tracks``, ``1 track``, ``3,011 tracks``."""
    return f"{count:,} {plural(count, word)}"


#: How many items one message names before it only counts the rest ("; and 3 more").
LISTED = 10


def listed(items: Sequence[str], limit: int = LISTED) -> str:
    """``a; b; c`` for a message, each item without its own full stop (no ``x.; y``), and
    "; and N more" past ``limit``."""
    names = [item.strip().rstrip(".") for item in items]
    more = len(names) - limit
    return "; ".join(names[:limit]) + (f"; and {more} more" if more > 0 else "")


def clock_text(seconds: int) -> str:
    """``83`` -> ``1:23``; ``3723`` -> ``1:02:03``; negative -> ``0:00``."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_ms(ms: int | None) -> str:
    """``83_000`` -> ``1:23``; ``3_723_000`` -> ``1:02:03``; None or negative -> ``0:00``."""
    return clock_text((ms or 0) // 1000)


def length_text(duration_ms: int, *, live: bool) -> str:
    """A track's length as shown: "live" for a radio, "--:--" while it is not known."""
    if live:
        return "live"
    return format_ms(duration_ms) if duration_ms > 0 else "--:--"


def format_remaining(seconds: float) -> str:
    """12:30, 1:02:05 (rounded up: "0:01" until the very end)."""
    return clock_text(math.ceil(seconds))


def left_words(remaining_s: float) -> str:
    """Remaining time in whole minutes rounded up: "23 min left", "1 h 05 min left", and in the
    last minute "under 1 min left" (a trial read "1 min left" with 9 s to go as wrong).
    Minutes keep a title or a status line still: they change once a minute at most."""
    minutes = max(1, math.ceil(remaining_s / 60))
    if minutes == 1:
        return "under 1 min left"
    if minutes < 60:
        return f"{minutes} min left"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min left"


#: "Pauses after this track (in 3:20)": the countdown in brackets, which short lines say apart.
_IN_COUNTDOWN = re.compile(r"\s*\(in [^)]*\)")


def end_words(description: str) -> str:
    """A timer description as the middle of a line: without its "(in m:ss)" countdown and
    starting in lower case ("pauses at 23:45")."""
    text = _IN_COUNTDOWN.sub("", description).strip()
    return text[:1].lower() + text[1:]
