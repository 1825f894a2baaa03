"""The Shortcuts page of the settings: every action's shortcut, editable, with conflicts caught.

The list is grouped like the menus. Under it, the selected action's shortcut is recorded with
a :class:`QKeySequenceEdit` (one key combination) and works at once. A key that another
action already has is not taken silently: the page says which action has it and offers to
move it here. The registry holds the live shortcuts; the ``shortcuts`` setting keeps only
what differs from the defaults, written through the binder so it is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.settings_binding import SettingsBinder
from sleepplayer.ui.settings_pages import SettingsPage, note
from sleepplayer.ui.shortcut_keys import (
    first_key,
    is_single_combination,
    native_text,
    portable_text,
)

#: Keys that move the focus between fields; taking them would strand keyboard users.
_FOCUS_KEYS = frozenset({Qt.Key.Key_Tab, Qt.Key.Key_Backtab})
_ID_ROLE = Qt.ItemDataRole.UserRole
_NO_MODIFIER = Qt.KeyboardModifier.NoModifier


class ShortcutField(QKeySequenceEdit):
    """Records one key combination. A bare Esc is not recorded but left to the dialog, which
    closes: otherwise the key pressed to get out would become a shortcut."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == _NO_MODIFIER:
            event.ignore()  # not accepted: Qt passes it on to the dialog
            return
        super().keyPressEvent(event)


def action_name(registry: ActionRegistry, action_id: str) -> str:
    """The action as the menus name it, without the dialog dots."""
    return registry.spec(action_id).text.rstrip("…")


class ShortcutsPage(SettingsPage):
    """Edit, clear and reset the shortcuts of every action in ``registry``."""

    def __init__(self, registry: ActionRegistry, binder: SettingsBinder) -> None:
        super().__init__("Keyboard Shortcuts", "Changes work at once.")
        self._registry = registry
        self._binder = binder
        #: (action id, key sequence) waiting for "Use Here" after a conflict.
        self._pending: tuple[str, QKeySequence] | None = None

        self.filter = QLineEdit()
        self.filter.setObjectName("filter")  # styled like the track list's filter
        self.filter.setPlaceholderText("Find an action or a key")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Find a shortcut")
        self.filter.textChanged.connect(self._apply_filter)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._fill()
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)

        self.edit_label = QLabel("Shortcut:")
        self.edit = ShortcutField()
        self.edit.setMaximumSequenceLength(1)
        self.edit.setAccessibleName("Shortcut")
        self.edit.setToolTip("Press the new keys here; Esc closes without changing")
        self.edit_label.setBuddy(self.edit)
        self.edit.editingFinished.connect(self._on_edit_finished)
        self.clear_button = QPushButton("&Clear")
        self.clear_button.setToolTip("No shortcut for this action")
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.reset_button = QPushButton("&Reset to Default")
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.reset_all_button = QPushButton("Reset &All")
        self.reset_all_button.setToolTip("Every shortcut back to its default")
        self.reset_all_button.clicked.connect(self.reset_all)
        for button in (self.clear_button, self.reset_button, self.reset_all_button):
            button.setAutoDefault(False)

        self.problem = note("")
        self.problem.setObjectName("shortcutProblem")
        self.use_here_button = QPushButton("&Use Here")
        self.use_here_button.setAutoDefault(False)
        self.use_here_button.clicked.connect(self._on_use_here_clicked)
        problem_row = QHBoxLayout()
        problem_row.setSpacing(8)
        problem_row.addWidget(self.problem, 1)
        problem_row.addWidget(self.use_here_button)

        editor = QHBoxLayout()
        editor.setSpacing(8)
        editor.addWidget(self.edit_label)
        editor.addWidget(self.edit, 1)
        editor.addWidget(self.clear_button)
        editor.addWidget(self.reset_button)
        editor.addSpacing(16)
        editor.addWidget(self.reset_all_button)

        self.body.addWidget(self.filter)
        self.body.addWidget(self.tree, 1)
        self.body.addLayout(editor)
        self.body.addLayout(problem_row)
        registry.shortcuts_changed.connect(self._on_registry_shortcuts_changed)
        self._show_problem("")
        self.tree.setCurrentItem(self._items[registry.specs()[0].id])
        self._load_editor()

    # --- the list
    def _fill(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for spec in self._registry.specs():
            group = groups.get(spec.group)
            if group is None:
                group = groups[spec.group] = QTreeWidgetItem(self.tree, [spec.group])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
            item = QTreeWidgetItem(group, [action_name(self._registry, spec.id), ""])
            item.setData(0, _ID_ROLE, spec.id)
            self._items[spec.id] = item
        self.tree.expandAll()
        self._refresh_rows()

    def _refresh_rows(self) -> None:
        for action_id, item in self._items.items():
            current = self._registry[action_id].shortcut()
            default = QKeySequence(self._registry.default_shortcut(action_id))
            item.setText(1, native_text(current) or "—")
            changed = current != default
            font = item.font(1)
            font.setBold(changed)  # the user's own choices stand out
            item.setFont(1, font)
            was = native_text(default) or "none"
            item.setToolTip(1, f"Default: {was}" if changed else "The default")

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        shown: dict[int, bool] = {}
        for item in self._items.values():
            hit = not needle or needle in f"{item.text(0)} {item.text(1)}".casefold()
            item.setHidden(not hit)
            group = item.parent()
            shown[id(group)] = shown.get(id(group), False) or hit
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            if group is not None:
                group.setHidden(not shown.get(id(group), False))

    def selected_id(self) -> str | None:
        """The action whose shortcut the editor shows (None on a group heading)."""
        item = self.tree.currentItem()
        data = item.data(0, _ID_ROLE) if item is not None else None
        return data if isinstance(data, str) else None

    def select(self, action_id: str) -> None:
        self.tree.setCurrentItem(self._items[action_id])

    # --- editing
    def assign(self, action_id: str, sequence: QKeySequence) -> bool:
        """Give ``action_id`` this shortcut unless another action has it (then say which,
        and offer "Use Here"). True when it was applied."""
        self._pending = None
        if not sequence.isEmpty():
            if not is_single_combination(sequence):
                self._refuse("Use one key, with or without Ctrl, Shift, Alt.")
                return False
            if first_key(sequence) in _FOCUS_KEYS:
                self._refuse("Tab moves between fields; choose another key.")
                return False
            other = self._registry.conflict(sequence, action_id)
            if other is not None:
                self._pending = (action_id, sequence)
                self._show_problem(
                    f"{native_text(sequence)} is already used by "
                    f"\u201c{action_name(self._registry, other)}\u201d.",
                    offer=True,
                )
                return False
        self._show_problem("")
        self._registry.set_shortcut(action_id, portable_text(sequence))
        self._store()
        return True

    def reset_all(self) -> None:
        """Every action back to its default shortcut."""
        self._pending = None
        self._show_problem("")
        self._registry.apply_shortcut_overrides({})
        self._store()

    def _store(self) -> None:
        # Ids this version does not know stay: a newer SleepPlayer may have written them.
        known = {spec.id for spec in self._registry.specs()}
        kept = {k: v for k, v in self._binder.settings.shortcuts.items() if k not in known}
        self._binder.write("shortcuts", kept | self._registry.shortcut_overrides())

    def _refuse(self, why: str) -> None:
        self._show_problem(why)
        self._load_editor(keep_problem=True)

    def _show_problem(self, text: str, *, offer: bool = False) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.use_here_button.setVisible(offer)

    def _load_editor(self, *, keep_problem: bool = False) -> None:
        action_id = self.selected_id()
        enabled = action_id is not None
        for widget in (self.edit, self.clear_button, self.reset_button, self.edit_label):
            widget.setEnabled(enabled)
        self.edit.blockSignals(True)
        self.edit.setKeySequence(
            self._registry[action_id].shortcut() if action_id is not None else QKeySequence()
        )
        self.edit.blockSignals(False)
        if action_id is not None:
            is_default = self._registry.shortcut(action_id) == self._registry.default_shortcut(
                action_id
            )
            self.reset_button.setEnabled(not is_default)
            self.clear_button.setEnabled(bool(self._registry.shortcut(action_id)))
        if not keep_problem:
            self._pending = None
            self._show_problem("")

    # --- handlers
    def _on_tree_current_item_changed(self, *_items: object) -> None:
        self._load_editor()

    def _on_edit_finished(self) -> None:
        action_id = self.selected_id()
        if action_id is not None:
            sequence = self.edit.keySequence()
            if sequence != self._registry[action_id].shortcut() and not sequence.isEmpty():
                self.assign(action_id, sequence)

    def _on_clear_clicked(self) -> None:
        action_id = self.selected_id()
        if action_id is not None:
            self.assign(action_id, QKeySequence())

    def _on_reset_clicked(self) -> None:
        action_id = self.selected_id()
        if action_id is not None:
            self.assign(action_id, QKeySequence(self._registry.default_shortcut(action_id)))

    def _on_use_here_clicked(self) -> None:
        if self._pending is None:
            return
        action_id, sequence = self._pending
        other = self._registry.conflict(sequence, action_id)
        if other is not None:
            self._registry.set_shortcut(other, "")
        self.assign(action_id, sequence)

    def _on_registry_shortcuts_changed(self) -> None:
        self._refresh_rows()
        self._apply_filter(self.filter.text())
        self._load_editor(keep_problem=self._pending is not None or self.problem.isVisible())

    # Used by the dialog to start where the keyboard is.
    def focus_widget(self) -> QWidget:
        return self.tree
