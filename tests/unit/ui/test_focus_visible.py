"""Where the keys go can be seen: a focused list, tree or push button looks different from
one without the focus, by at least a 3:1 contrast against the night base (WCAG's non-text
contrast). The trial found no mark at all on the lists, and only a faint one on buttons."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from sleepplayer.ui import icons
from sleepplayer.ui.theme import DARK
from tests.helpers.contrast import contrast


def _sidebar() -> QWidget:
    view = QListWidget()
    view.setObjectName("sidebar")
    view.addItems(["Sleep sounds", "Rain"])
    view.setCurrentRow(0)
    return view


def _shortcut_tree() -> QWidget:
    tree = QTreeWidget()
    tree.setObjectName("shortcutTree")
    QTreeWidgetItem(tree, ["Play/Pause", "Space"])
    return tree


def _table() -> QWidget:
    return QTableWidget(3, 2)


def _button() -> QWidget:
    return QPushButton("Close")


def _hex(colour: QColor) -> str:
    return colour.name()


@pytest.mark.usefixtures("dark")
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
@pytest.mark.parametrize("make", [_table, _sidebar, _shortcut_tree, _button])
def test_a_focused_widget_shows_it(qtbot: QtBot, make: Callable[[], QWidget]) -> None:
    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    other = QLineEdit()  # holds the focus for the "before" picture
    widget = make()
    layout.addWidget(other)
    layout.addWidget(widget)
    box.resize(320, 240)
    with qtbot.waitActive(box):
        box.show()
        box.activateWindow()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    before = widget.grab().toImage()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    after = widget.grab().toImage()
    changed = _changed_colours(before, after)
    assert changed, "the focus changes nothing that can be seen"
    assert max(contrast(c, DARK.base) for c in changed) >= 3


def _changed_colours(before: QImage, after: QImage) -> set[str]:
    """The colours of the focused picture where it differs from the other."""
    found: set[str] = set()
    for y in range(0, after.height()):
        for x in range(0, after.width()):
            if before.pixel(x, y) != after.pixel(x, y):
                found.add(_hex(after.pixelColor(x, y)))
    return found


@pytest.mark.usefixtures("dark")
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_a_button_that_is_on_shows_it(qtbot: QtBot) -> None:
    """Repeat and shuffle: on looks different from off by 3:1 against the night base (a trial
    could not tell them apart in the button colour alone)."""
    button = QToolButton()
    button.setCheckable(True)
    button.setIcon(icons.icon("repeat"))
    qtbot.addWidget(button)
    button.show()
    qtbot.waitExposed(button)
    edge = (0, button.height() // 2)  # the frame, away from the icon's blended edges
    off = button.grab().toImage().pixelColor(*edge).name()
    button.setChecked(True)
    on = button.grab().toImage().pixelColor(*edge).name()
    assert on != off
    assert contrast(on, DARK.base) >= 3, (on, off)
