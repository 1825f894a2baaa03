"""Which keys a focused list takes from the window's shortcuts.

Up and Down are the window's volume keys. A list that has the focus (clicked, or reached
with Tab) moves its selection with them instead, as every list does: a half-asleep Up meant
to pick a sound must not make the night louder. Esc gives the keys back to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QWidget

_ARROWS = (Qt.Key.Key_Up, Qt.Key.Key_Down)
#: Shift extends the selection, as in any list.
_MODIFIERS = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


def claims_arrow_key(view: QAbstractItemView, event: QEvent) -> bool:
    """Accept a ShortcutOverride for Up/Down (Shift too; the keypad's as well), so that the
    list gets the key rather than the window's shortcut, unless the list has no row to move
    to. True when it did; the caller returns True then."""
    if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
        return False
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if event.key() not in _ARROWS or modifiers not in _MODIFIERS:
        return False
    model = view.model()
    if model is None or model.rowCount() == 0:
        return False  # nothing to move to: the volume keeps its key
    event.accept()
    return True


def leaves_on_escape(view: QWidget, event: QKeyEvent) -> bool:
    """Esc in a list: the focus goes to the window, and with it the arrows (volume). True
    when it did."""
    if event.key() != Qt.Key.Key_Escape or event.modifiers() != Qt.KeyboardModifier.NoModifier:
        return False
    view.window().setFocus(Qt.FocusReason.OtherFocusReason)
    return True
