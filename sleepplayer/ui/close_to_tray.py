"""What closing the window does: keep SleepPlayer running in the tray, or quit.

Only the user's own close (title-bar button, Alt+F4: a spontaneous close event) may hide the
window; the close that quitting sends to every window must go through. The decision is taken
at each close, from the tray as it is then, so a tray host that came or went since the start
counts. With no tray, closing quits: SleepPlayer must never be running where nobody can reach
it. For the same reason a window hidden in the tray comes back when the tray host goes away.

The first time the window goes to the tray, a tray message says so, once, and only when
notifications are allowed (:mod:`sleepplayer.services.notify_policy`: never at night unless
the user asked for it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from sleepplayer import APP_NAME
from sleepplayer.core.settings import Settings
from sleepplayer.services.notify_policy import may_notify
from sleepplayer.services.sleep_timer import SleepTimer
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.tray import SystemTray

TRAY_HINT = f"{APP_NAME} is still running in the tray. To quit, use Quit in its menu."


class WindowHost(Protocol):
    """What closing needs from the app (``SleepPlayerApp`` provides these)."""

    def show_window(self) -> None: ...
    def hide_window(self) -> None: ...
    def quit_by_user(self) -> None: ...


def _clock() -> time:
    return datetime.now().time()


class CloseToTray(QObject):
    """Decides, at each close of ``window``, between hiding it into ``tray`` and quitting.

    ``settings_changed`` is called after a setting was changed here (the one-time hint), so
    the app can save it. The app should turn off ``quitOnLastWindowClosed``: closing is
    decided here, and a dialog closed while the window is hidden must not quit.
    """

    def __init__(
        self,
        window: MainWindow,
        tray: SystemTray,
        host: WindowHost,
        settings: Settings,
        timer: SleepTimer,
        settings_changed: Callable[[], None],
        parent: QObject | None = None,
        *,
        now: Callable[[], time] = _clock,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._tray = tray
        self._host = host
        self._settings = settings
        self._timer = timer
        self._settings_changed = settings_changed
        self._now = now
        window.close_requested.connect(self._on_window_close_requested)
        tray.host_lost.connect(self._on_tray_host_lost)

    def keeps_running(self) -> bool:
        """Closing the window now would leave SleepPlayer running in the tray."""
        return self._settings.close_to_tray and self._tray.is_available()

    def start_hidden(self) -> bool:
        """Whether to start with the window hidden ("start minimised to the tray"): only when
        a tray is there to bring it back."""
        if self._settings.start_minimised and self._tray.is_available():
            self._tray.watch_host()
            return True
        return False

    def _on_window_close_requested(self, by_user: bool) -> None:
        # No event filter on the window for this: one would run Python for every paint and
        # update event of the window, and could outlive it at deletion.
        if by_user:
            self._window.accept_close = not self.close_by_user()
        else:
            self._window.accept_close = True  # quitting, or closed by the program

    def close_by_user(self) -> bool:
        """The user closed the window: hide it into the tray, or quit. True: the close is
        refused (the window is hidden into the tray, or stays until the quit closes it)."""
        if self.keeps_running():
            self._host.hide_window()
            self._tray.watch_host()
            self._hint_once()
            return True
        # The window stays while the quit may still ask (unsaved changes) and the user may
        # choose to stay; asked from outside the close event, not nested inside it.
        QTimer.singleShot(0, self, self._host.quit_by_user)
        return True

    def _hint_once(self) -> None:
        s = self._settings
        if s.tray_hint_shown or not may_notify(s, self._timer.phase, self._now()):
            return  # not now (night, or off): the hint waits for a later close
        self._tray.show_message(APP_NAME, TRAY_HINT)
        s.tray_hint_shown = True
        self._settings_changed()

    def _on_tray_host_lost(self) -> None:
        if not self._window.is_shown():
            self._host.show_window()
