"""F1: every action and its shortcut, generated from the action registry."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.ui.actions import ActionRegistry

#: Extra height above a group's name, so the groups read as blocks.
GROUP_GAP_PX = 10
#: The dialog never takes more than this share of the screen's height; the list scrolls.
MAX_SCREEN_SHARE = 0.85


def shortcut_rows(actions: ActionRegistry) -> list[tuple[str, str, str]]:
    """(group, action text, shortcut in the platform's notation), in registry order."""
    rows = []
    for spec in actions.specs():
        sequence = actions[spec.id].shortcut()
        text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        rows.append((spec.group, spec.text.rstrip("…"), text))
    return rows


class ShortcutsDialog(QDialog):
    """A read-only list, grouped like the menus, sized to show it whole where the screen allows."""

    def __init__(self, actions: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.tree = QTreeWidget()
        # Padded and framed like the list in Settings ▸ Shortcuts (see ui.theme).
        self.tree.setObjectName("shortcutTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        groups: dict[str, QTreeWidgetItem] = {}
        for group, text, keys in shortcut_rows(actions):
            parent_item = groups.get(group)
            if parent_item is None:
                parent_item = groups[group] = self._group_item(group)
            QTreeWidgetItem(parent_item, [text, keys or "—"])
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # The one key whose meaning follows the focus (ui.list_keys).
        note = QLabel("In the playlist or the track list, Up and Down move the selection; Esc "
                      "gives them back to the volume.")  # fmt: skip
        note.setObjectName("dimLabel")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 14)
        layout.setSpacing(12)
        layout.addWidget(self.tree)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(self._comfortable_size(layout, buttons))

    def _group_item(self, name: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [name])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setTextAlignment(0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        return item

    def _comfortable_size(self, layout: QVBoxLayout, buttons: QDialogButtonBox) -> QSize:
        """Both columns with room to spare, and every row where the screen is tall enough."""
        tree = self.tree
        self.ensurePolished()
        tree.ensurePolished()
        row_px = max(tree.sizeHintForRow(0), tree.fontMetrics().height())
        groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        rows = 0
        for i, group in enumerate(groups):
            if group is None:
                continue
            if i > 0:
                group.setSizeHint(0, QSize(0, row_px + GROUP_GAP_PX))
            rows += 1 + group.childCount()
        margins = layout.contentsMargins()
        frame_px = 2 * tree.frameWidth()
        width = (
            tree.sizeHintForColumn(0)
            + tree.sizeHintForColumn(1)
            + 48  # air between the action and its keys
            + tree.verticalScrollBar().sizeHint().width()
            + frame_px
            + margins.left()
            + margins.right()
        )
        height = (
            tree.header().sizeHint().height()
            + rows * row_px
            + GROUP_GAP_PX * max(0, len(groups) - 1)
            + frame_px
            + layout.spacing()
            + buttons.sizeHint().height()
            + margins.top()
            + margins.bottom()
        )
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            height = min(height, int(screen.availableGeometry().height() * MAX_SCREEN_SHARE))
        return QSize(width, height)
