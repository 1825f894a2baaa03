"""The duration field: a spin box of seconds that reads and writes "1 h 30 min", "45 s" or "90".

Used by the timer panel for the custom duration, the longest wait for a track to finish and
the fade length, so all three take the same text as ``--sleep`` on the command line.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import QSpinBox, QWidget

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
    return round(parse_duration(text))


def range_problem(text: str, seconds: int, low: int, high: int) -> str:
    """Why ``seconds`` (typed as ``text``) does not fit ``low``..``high``; "" when it does.
    A bare number that would fit as seconds gets the hint that it means minutes."""
    if seconds > high:
        problem = f"At most {duration_text(high)} here."
    elif seconds < low:
        problem = f"At least {duration_text(low)} here."
    else:
        return ""
    bare = text.strip()
    if bare.isdigit() and low <= int(bare) <= high:
        problem += f" A bare number means minutes: for seconds, type {bare} s."
    return problem


class DurationSpinBox(QSpinBox):
    """Seconds, shown and typed as "1 h 30 min", "45 s" or "90" (a bare number is minutes).

    Text that cannot be taken is never dropped in silence: :meth:`problem` says why, for the
    form to show (``problem_changed``). A number out of range says so as it is typed and
    becomes the nearest allowed value when the typing ends; text that is not a time says so
    when the typing ends, and the field keeps its value.
    """

    #: Why the typed text was not taken as it is ("" once it is fine again).
    problem_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._problem = ""
        #: Set by fixup (the text was not acceptable when the typing ended), said after it.
        self._corrected = ""
        self.editingFinished.connect(self._on_editing_finished)

    def problem(self) -> str:
        """What is wrong with the text typed last, or ""."""
        return self._problem

    def clear_problem(self) -> None:
        """Forget what was wrong with the text typed last (the field shows its value)."""
        self._set_problem("")

    def setMaximum(self, max: int) -> None:
        if max != self.maximum():
            super().setMaximum(max)
            self._set_problem("")  # "At most 15 min here" is no longer true

    def textFromValue(self, val: int) -> str:
        return duration_text(val)

    def valueFromText(self, text: str) -> int:
        try:
            return parse_duration_text(text)
        except ValueError:
            return self.value()

    def validate(self, input: str, pos: int) -> tuple[QValidator.State, str, int]:
        if input == self.specialValueText():
            self._set_problem("")
            return QValidator.State.Acceptable, input, pos
        try:
            value = parse_duration_text(input)
        except ValueError:
            # Half-typed ("1 h 3") until the typing ends: fixup speaks then.
            return QValidator.State.Intermediate, input, pos
        problem = range_problem(input, value, self.minimum(), self.maximum())
        self._set_problem(problem)
        state = QValidator.State.Intermediate if problem else QValidator.State.Acceptable
        return state, input, pos

    def fixup(self, input: str) -> str:
        try:
            value = parse_duration_text(input)
        except ValueError:
            self._corrected = (
                f"“{input.strip()}” is not a time: type 45 s, 20 min or 1 h 30 min "
                "(a bare number means minutes)."
            )
            return input  # the field goes back to its value
        self._corrected = range_problem(input, value, self.minimum(), self.maximum())
        return duration_text(max(self.minimum(), min(self.maximum(), value)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.hasAcceptableInput():
            super().keyPressEvent(event)  # corrects the text and says why
            # ... and the Enter stops here: a dialog's default button (the timer panel's
            # Start) must not act on a value the user has not seen yet.
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_editing_finished(self) -> None:
        said, self._corrected = self._corrected, ""
        self._set_problem(said)

    def _set_problem(self, problem: str) -> None:
        if problem == self._problem:
            return
        self._problem = problem
        self.problem_changed.emit(problem)
