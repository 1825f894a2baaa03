"""F1: every action and its shortcut, generated from the action registry."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.ui.actions import ActionRegistry


def shortcut_rows(actions: ActionRegistry) -> list[tuple[str, str, str]]:
    """(group, action text, shortcut in the platform's notation), in registry order."""
    rows = []
    for spec in actions.specs():
        sequence = actions[spec.id].shortcut()
        text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        rows.append((spec.group, spec.text.rstrip("…"), text))
    return rows


class ShortcutsDialog(QDialog):
    """A read-only list, grouped like the menus."""

    def __init__(self, actions: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        groups: dict[str, QTreeWidgetItem] = {}
        for group, text, keys in shortcut_rows(actions):
            parent_item = groups.get(group)
            if parent_item is None:
                parent_item = groups[group] = QTreeWidgetItem(self.tree, [group])
                font = parent_item.font(0)
                font.setBold(True)
                parent_item.setFont(0, font)
                parent_item.setFirstColumnSpanned(True)
            QTreeWidgetItem(parent_item, [text, keys or "—"])
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(420, 560)
