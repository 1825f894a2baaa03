"""Typing into a window's fields as a user does, for widget tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QWidget
from pytestqt.qtbot import QtBot


def activated(qtbot: QtBot, window: QWidget) -> QWidget:
    """``window`` shown and active (keys go to its focus widget)."""
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def retype(field: QAbstractSpinBox, text: str) -> None:
    """Select all of ``field``, type ``text`` and press Enter."""
    field.setFocus()
    field.lineEdit().selectAll()
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)
