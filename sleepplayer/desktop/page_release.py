"""When the window app gives back the pages of drawing code that only start-up ran.

Twice over: once start-up has settled, and again each time the app has been left for a minute
(no window of its own active: minimised, in the tray, another app in front), which is how the
night goes. A release costs a few milliseconds; the pages the app needs come back on first use,
so the first repaint, menu or dialog after each release may take a little longer.

Which files: the windowing and drawing half of Qt (QtGui, QtWidgets, QtSvg, QtDBus, the xcb
platform plugin, ICU) with PySide's bindings to them, which only the GUI's own threads run.
Never code that libVLC's threads run while the sound plays, where a page read back from a slow
disk could be heard as a gap: libVLC, its plugins and codecs, the sound server's library, and
also Python itself, ctypes, Qt Core, shiboken and PySide's core, which the engine's read
callbacks (an endless WAV) and event callbacks (a queued signal) run on those threads.

One link is left: those callbacks need Python's lock, which the main thread holds while it
runs Qt, so while it reads a page back the engine's reader may wait. A page comes back from an
SSD in well under a millisecond, from a spinning disk in about 10 ms (the resume point, saved
each minute while playing, keeps it from spinning down): a few such waits stay well inside what
libVLC has buffered. Not measured on a spinning disk.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import PurePosixPath

import PySide6
from PySide6.QtCore import QLibraryInfo, QObject, Qt, QTimer, Signal, SignalInstance

from sleepplayer.desktop.page_out import FileMapping, own_mappings, page_out, select_mappings

#: After the start, by when the window is built, the session restored and playback begun
#: (about 1 s here); a slower machine has room to spare.
SETTLE_MS = 8_000
#: How long the app must have been left before a release: longer than a glance elsewhere, so
#: switching to another window and back costs nothing.
AWAY_MS = 60_000
#: Qt's libraries where they sit beside others (a distribution's /usr/lib).
_QT_LIBRARY_PREFIXES = ("libQt6",)
#: What libVLC's threads run during playback (see the module's docstring), and libVLC's own
#: files should a layout ever put them beside Qt's: never chosen.
AUDIO_THREAD_PREFIXES = (
    "libQt6Core",
    "QtCore.",
    "libpyside6",
    "libshiboken6",
    "libpython",
    "libvlc",
    "libpulse",
    "libav",
    "libsw",
)


def gui_stack_folders() -> list[str]:
    """Folders that hold only Qt's files: the PySide6 package (with a wheel's or a bundle's
    Qt) and Qt's plugins. As /proc names them: symbolic links resolved. A folder that holds
    Python's own (a ``qt.conf`` could name any) is no such folder."""
    folders = (
        os.path.dirname(PySide6.__file__),
        QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath),
    )
    pythons = [PurePosixPath(os.path.realpath(p)) for p in (sys.prefix, sys.base_prefix)]
    return [
        real
        for real in (os.path.realpath(folder) for folder in folders if folder)
        if not any(python.is_relative_to(real) for python in pythons)
    ]


def gui_stack_mappings(mappings: list[FileMapping] | None = None) -> list[FileMapping]:
    """Of ``mappings`` (this process's read-only file mappings by default), those of the
    main thread's half of Qt."""
    return select_mappings(
        own_mappings() if mappings is None else mappings,
        folders=gui_stack_folders(),
        name_prefixes=_QT_LIBRARY_PREFIXES,
        never=_run_by_audio_threads,
    )


def _run_by_audio_threads(path: str) -> bool:
    """A file libVLC's threads may run: by name, and libVLC's plugins (libopus_plugin.so...)
    should a layout ever put them in Qt's folders."""
    name = os.path.basename(path)
    return name.startswith(AUDIO_THREAD_PREFIXES) or "/vlc/" in path or "_plugin." in name


def release_gui_stack() -> int:
    """Give back the resident pages of the GUI stack's read-only files; the bytes asked for."""
    return page_out(gui_stack_mappings())


class PageRelease(QObject):
    """Calls ``release`` once ``settle_ms`` after it is made, and ``away_ms`` after each time
    the application stops being the active one (``state_changed``, the application's
    ``applicationStateChanged``), unless it is active again before then."""

    #: A release happened: the bytes it asked for (0 where the system has no such call).
    released = Signal(object)

    def __init__(
        self,
        state_changed: SignalInstance,
        release: Callable[[], int] = release_gui_stack,
        *,
        settle_ms: int = SETTLE_MS,
        away_ms: int = AWAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._release = release
        self._stopped = False
        self._settle = self._single_shot(settle_ms)
        self._away = self._single_shot(away_ms)
        self._settle.start()
        state_changed.connect(self._on_application_state_changed)

    def _single_shot(self, ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(self._run)
        return timer

    def stop(self) -> None:
        """No release from now on (the ordered quit)."""
        self._stopped = True
        self._settle.stop()
        self._away.stop()

    def _on_application_state_changed(self, state: Qt.ApplicationState) -> None:
        if self._stopped:
            return
        if state == Qt.ApplicationState.ApplicationActive:
            self._away.stop()
        elif not self._away.isActive():
            self._away.start()

    def _run(self) -> None:
        if not self._stopped:
            self.released.emit(self._release())
