"""MirrorAction: a window action's stand-in in the tray menu, without its shortcut.

The tray offers the window's commands (Play/Pause, Next, +5 min…), but their keys work only in
the window: "Space" beside Play/Pause in the tray would promise what the tray does not do. A
menu cannot leave an action's shortcut out everywhere: a native tray menu (StatusNotifierItem on
KDE and GNOME, macOS) copies ``QAction.shortcut()`` into its item whatever the menu wants, and
``shortcutVisibleInContextMenu`` would hide it in the window's context menus too. So the tray
holds a copy of each such action with no shortcut, kept in step with the original (text, icon,
tooltip, enabled and checked state) and triggering it, so that what a command does, and the
activity it reports to the sleep timer, still live in the registry's action alone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction


class MirrorAction(QAction):
    """Follows ``source`` and triggers it; has no shortcut of its own."""

    def __init__(self, source: QAction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self._sync()
        source.changed.connect(self._sync)
        self.triggered.connect(self._on_triggered)

    def _sync(self) -> None:
        source = self.source
        if self.text() != source.text():
            self.setText(source.text())
        if self.toolTip() != source.toolTip():
            self.setToolTip(source.toolTip())
        if self.icon().cacheKey() != source.icon().cacheKey():
            self.setIcon(source.icon())
        if self.isEnabled() != source.isEnabled():
            self.setEnabled(source.isEnabled())
        if self.isCheckable() != source.isCheckable():
            self.setCheckable(source.isCheckable())
        if self.isChecked() != source.isChecked():
            self.setChecked(source.isChecked())

    def _on_triggered(self) -> None:
        self.source.trigger()
        self._sync()  # a checkable copy toggled itself; the source says what is true
