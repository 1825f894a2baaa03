"""When the window app gives back the pages of its GUI stack that only start-up used.

Twice over: once start-up has settled, and again each time the app has been left for a minute
(no window of its own active: minimised, in the tray, another app in front), which is how the
night goes. A release costs a few milliseconds, and the pages the app needs come back on first
use: after a release, the next menu or dialog opened may take a little longer to show, once.

Which pages: the GUI stack's code, the Qt, PySide and Python files (see :mod:`page_out` for
why never libVLC's).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import PySide6
import shiboken6
from PySide6.QtCore import QLibraryInfo, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from sleepplayer.desktop.page_out import Mapping, chosen, own_mappings, page_out

#: After the start, by when the window is built, the session restored and playback begun
#: (about 1 s here); a slower machine has room to spare.
SETTLE_MS = 8_000
#: How long the app must have been left before a release: longer than a glance elsewhere, so
#: switching to another window and back costs nothing.
AWAY_MS = 60_000
#: Libraries of the GUI stack that may sit in a shared folder (/usr/lib) beside libVLC's.
_GUI_LIBRARY_PREFIXES = ("libQt6", "libpyside6", "libshiboken6", "libpython3")


def gui_stack_folders() -> list[str]:
    """Folders that hold only the GUI stack's files: PySide6 (with the Qt of a wheel),
    shiboken6, Qt's plugins and Python's standard library (with its extension modules)."""
    return [
        os.path.dirname(PySide6.__file__),
        os.path.dirname(shiboken6.__file__),
        QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath),
        os.path.dirname(os.__file__),
    ]


def gui_stack_mappings() -> list[Mapping]:
    """This process's read-only mappings of the GUI stack's files."""
    return chosen(own_mappings(), gui_stack_folders(), _GUI_LIBRARY_PREFIXES)


def release_gui_stack() -> int:
    """Give back the resident pages of the GUI stack's read-only files; the bytes asked for."""
    return page_out(gui_stack_mappings())


class PageRelease(QObject):
    """Calls ``release`` once ``settle_ms`` after it is made, and ``away_ms`` after each time
    the application stops being the active one (unless it is active again before then)."""

    #: A release happened: the bytes it asked for (0 where the system has no such call).
    released = Signal(int)

    def __init__(
        self,
        qapp: QGuiApplication,
        release: Callable[[], int] = release_gui_stack,
        *,
        settle_ms: int = SETTLE_MS,
        away_ms: int = AWAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._release = release
        self._settle = self._single_shot(settle_ms)
        self._away = self._single_shot(away_ms)
        self._settle.start()
        qapp.applicationStateChanged.connect(self._on_state)

    def _single_shot(self, ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(self._run)
        return timer

    def _on_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self._away.stop()
        elif not self._away.isActive():
            self._away.start()

    def _run(self) -> None:
        self.released.emit(self._release())
