"""Small text formatting shared by the window, the tray and the headless status line."""

from __future__ import annotations


def format_ms(ms: int | None) -> str:
    """``83_000`` -> ``1:23``; ``3_723_000`` -> ``1:02:03``; None or negative -> ``0:00``."""
    seconds = max(0, (ms or 0) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
