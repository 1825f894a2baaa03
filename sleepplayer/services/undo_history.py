"""What Undo (Ctrl+Z) takes back: the newest of the last few edits.

Removed or moved tracks, a deleted, moved or renamed playlist, a timer the bedtime window
armed by itself: each owner
pushes a step with the words the menu shows ("Undo Remove 3 Tracks") and how to take it back.
A step that can no longer be undone (the timer's offer ran out) is withdrawn by its key.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

#: Steps kept; older ones are forgotten (undo is for slips, not a history of the night).
LIMIT = 20
_keys = itertools.count(1)


@dataclass(frozen=True)
class UndoStep:
    """``what`` completes "Undo …" (title case, as menu items are); ``done`` is what the status
    bar said when it happened ("Removed 3 tracks from “Rain”"). A step ``only_while_offered``
    leaves the history when its offer leaves the status bar (a timer armed by itself: an hour
    later, Ctrl+Z must not cancel the night's timer)."""

    what: str
    done: str
    undo: Callable[[], object]  # what it returns is ignored
    key: str = field(default_factory=lambda: f"step-{next(_keys)}")
    only_while_offered: bool = False


class UndoHistory(QObject):
    """A short stack of :class:`UndoStep`; ``changed`` whenever the newest step changes."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: list[UndoStep] = []

    def push(self, step: UndoStep) -> None:
        self._steps = [s for s in self._steps if s.key != step.key][-(LIMIT - 1) :]
        self._steps.append(step)
        self.changed.emit()

    def withdraw(self, key: str) -> None:
        kept = [s for s in self._steps if s.key != key]
        if len(kept) != len(self._steps):
            self._steps = kept
            self.changed.emit()

    def newest(self) -> UndoStep | None:
        return self._steps[-1] if self._steps else None

    def undo(self, key: str | None = None) -> bool:
        """Take back the newest step, or the one with ``key`` (a button offering that one)."""
        step = next((s for s in reversed(self._steps) if key in (None, s.key)), None)
        if step is None:
            return False
        self._steps.remove(step)
        self.changed.emit()
        step.undo()
        return True
