"""Which keys a focused list takes from the window's shortcuts.

Up and Down are the window's volume keys. A list that has the focus (clicked, or reached
with Tab) moves its selection with them instead, as every list does: a half-asleep Up meant
to pick a sound must not make the night louder. Esc gives the keys back to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

_ARROWS = (Qt.Key.Key_Up, Qt.Key.Key_Down)
#: Shift extends the selection, as in any list.
_MODIFIERS = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


def claims_arrow_key(event: QEvent) -> bool:
    """Accept a ShortcutOverride for Up/Down (Shift too), so that the list gets the key
    rather than the window's shortcut. True when it did; the caller returns True then."""
    if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
        return False
    if event.key() not in _ARROWS or event.modifiers() not in _MODIFIERS:
        return False
    event.accept()
    return True


def leaves_on_escape(view: QWidget, event: QKeyEvent) -> bool:
    """Esc in a list: the focus goes to the window, and with it the arrows (volume). True
    when it did."""
    if event.key() != Qt.Key.Key_Escape or event.modifiers() != Qt.KeyboardModifier.NoModifier:
        return False
    view.window().setFocus(Qt.FocusReason.OtherFocusReason)
    return True
