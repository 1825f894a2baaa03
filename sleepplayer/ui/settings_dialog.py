"""Settings (Ctrl+,): the pages in a list on the left, each change applied and saved at once.

There is no OK or Apply: every edit is written into the app's :class:`Settings` as it is
made and announced with ``changed(field name)``; the app saves (debounced) and reacts (the
theme, the shortcuts, the keep-awake lock). Close only closes. The dialog is not modal, so
the player stays in reach while it is open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.core.settings import Settings
from sleepplayer.ui import icons
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.settings_binding import SettingsBinder
from sleepplayer.ui.settings_pages import (
    LookSettingsPage,
    NotificationsSettingsPage,
    SettingsPage,
    TimerSettingsPage,
    WindowSettingsPage,
    lift_indicators,
)
from sleepplayer.ui.shortcut_editor import ShortcutsPage

#: The list's names for the pages, in order (shorter than the pages' own titles).
PAGE_NAMES = ("Sleep Timer", "Window", "Look", "Shortcuts", "Notifications")


class SettingsDialog(QDialog):
    """Every setting a user may want to change, on five pages."""

    #: A setting changed (its field name); it is already in the Settings object.
    changed = Signal(str)

    def __init__(
        self, settings: Settings, registry: ActionRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setModal(False)
        self.binder = SettingsBinder(settings, self)
        self.binder.changed.connect(self.changed)
        self.timer_page = TimerSettingsPage(self.binder)
        self.window_page = WindowSettingsPage(self.binder)
        self.look_page = LookSettingsPage(self.binder)
        self.shortcuts_page = ShortcutsPage(registry, self.binder)
        self.notifications_page = NotificationsSettingsPage(self.binder)
        self.pages: dict[str, SettingsPage] = dict(
            zip(
                PAGE_NAMES,
                (
                    self.timer_page, self.window_page, self.look_page, self.shortcuts_page,
                    self.notifications_page,
                ),
                strict=True,
            )
        )  # fmt: skip

        self.page_list = QListWidget()
        self.page_list.setObjectName("settingsPages")
        self.page_list.setAccessibleName("Settings pages")
        self.stack = QStackedWidget()
        for name, page in self.pages.items():
            self.page_list.addItem(name)
            self.stack.addWidget(page)
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.page_list.setFixedWidth(max(160, self.page_list.sizeHintForColumn(0) + 48))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.setContentsMargins(0, 0, 16, 14)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.stack, 1)
        right.addWidget(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.page_list)
        layout.addLayout(right, 1)
        self.page_list.setCurrentRow(0)
        self.resize(780, 600)
        self._lift_indicators()
        icons.notifier().icons_changed.connect(self._lift_indicators)

    def _lift_indicators(self) -> None:
        lift_indicators(self)

    @property
    def controls(self) -> dict[str, QWidget]:
        """The widget that edits each setting, by field name."""
        return self.binder.controls

    def show_page(self, name: str) -> None:
        """Turn to the page listed as ``name`` (one of :data:`PAGE_NAMES`)."""
        self.page_list.setCurrentRow(list(self.pages).index(name))

    def reload(self) -> None:
        """Show the settings again, after something other than this dialog changed them."""
        self.binder.reload()

    def open_dialog(self) -> None:
        """Show (or raise) the dialog, with the keyboard on the page list."""
        if self.isVisible():
            self.raise_()
        else:
            self.binder.reload()  # the volume keys and the tray may have changed things
            self.show()
        self.activateWindow()
        self.page_list.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
