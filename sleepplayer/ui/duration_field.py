"""The duration field: a spin box of seconds that reads and writes "1 h 30 min", "45 s" or "90".

Used by the timer panel for the custom duration, the longest wait for a track to finish and
the fade length, so all three take the same text as ``--sleep`` on the command line.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox

from sleepplayer.core.sleep_plan import parse_duration


def duration_text(seconds: int) -> str:
    """``5400`` -> "1 h 30 min", ``90`` -> "1 min 30 s", ``45`` -> "45 s", ``0`` -> "0 s"."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


def parse_duration_text(text: str) -> int:
    """What :func:`duration_text` writes, or what ``--sleep`` takes ("1h30m", "45s", "90")."""
    compact = re.sub(r"\s+", "", text.strip().lower()).replace("min", "m")
    return round(parse_duration(compact))


class DurationSpinBox(QSpinBox):
    """Seconds, shown and typed as "1 h 30 min", "45 s" or "90" (a bare number is minutes)."""

    def textFromValue(self, val: int) -> str:
        return duration_text(val)

    def valueFromText(self, text: str) -> int:
        try:
            return parse_duration_text(text)
        except ValueError:
            return self.value()

    def validate(self, input: str, pos: int) -> tuple[QValidator.State, str, int]:
        if input == self.specialValueText():
            return QValidator.State.Acceptable, input, pos
        try:
            value = parse_duration_text(input)
        except ValueError:
            return QValidator.State.Intermediate, input, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), input, pos
