"""The system-tray icon: its look, its tooltip, its menu, and what clicking it does.

* The icon (:mod:`sleepplayer.ui.tray_icon`) shows whether the sound is on and whether a sleep
  timer is armed; the tooltip (:mod:`sleepplayer.ui.tray_text`) says what is playing and when
  the timer ends, in whole minutes; the menu is :class:`sleepplayer.ui.tray_menu.TrayMenu`.
* Everything follows the services' signals and is only set when it looks different, so the
  tray costs nothing while idle and at most one update a minute while a timer runs.
* A left click shows or hides the window on Linux and Windows, a middle click plays or
  pauses. On macOS a click opens the menu, which carries everything, so clicks do nothing more.
* Where Qt draws the icon as an X11 window (XEmbed tray), :meth:`watch_host` notices the tray
  host going away (a panel restart, the host quit), so a window hidden in the tray can come
  back instead of leaving SleepPlayer unreachable.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.activity import SOUNDING, user_command
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.icons import app_icon
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.tray_icon import TrayLook, tray_icon
from sleepplayer.ui.tray_menu import TrayHost, TrayMenu
from sleepplayer.ui.tray_text import now_playing_text, timer_text, tooltip_text

#: How long a tray message stays (the desktop may cap it).
MESSAGE_MS = 8000
_TIMER_RUNS = (TimerPhase.ARMED, TimerPhase.FADING, TimerPhase.COUNTDOWN)
#: Qt's X11 tray icon window (qsystemtrayicon_x11.cpp); hidden when the tray host goes away.
_XEMBED_ICON_CLASS = "QSystemTrayIconSys"


class SystemTray(QObject):
    """Owns the QSystemTrayIcon and keeps it in step with the controller and the timer.

    ``host`` is the app (show, toggle, quit); ``window`` the main window (whether it is shown,
    and the timer panel). Call :meth:`show` once; the icon hides itself when the app quits.
    """

    #: The tray host went away (the icon is gone until one comes back).
    host_lost = Signal()

    def __init__(
        self,
        controller: PlaybackController,
        library: LibraryService,
        timer: SleepTimer,
        actions: ActionRegistry,
        host: TrayHost,
        window: MainWindow,
        parent: QObject | None = None,
        *,
        platform: str = sys.platform,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._timer = timer
        self._actions = actions
        self._host = host
        self._platform = platform
        self._look: TrayLook | None = None
        self._watched: set[int] = set()
        # No parent: the tray does not own its menu (Qt's rule), and a parentless menu pops up
        # the same whether the window is shown or hidden.
        self.menu = TrayMenu(controller, library, timer, actions, host, window)
        self.icon = QSystemTrayIcon(self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        controller.state_changed.connect(self._refresh)
        controller.track_changed.connect(self._refresh)
        controller.stream_title_changed.connect(self._refresh)
        timer.changed.connect(self._refresh)  # each second of a suspend countdown too
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.hide)  # no icon left behind in the panel
        self._refresh()

    # ------------------------------------------------------------------ the icon
    def show(self) -> None:
        """Put the icon in the tray (Qt docks it later if no tray host is running yet)."""
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def is_available(self) -> bool:
        """A tray host is running and shows the icon: a hidden window can be reached from it."""
        return self.icon.isVisible() and QSystemTrayIcon.isSystemTrayAvailable()

    def show_message(self, title: str, text: str) -> None:
        """A quiet tray message with the app's own icon; it never asks for a sound."""
        # Qt's showMessage has no sound option. What it does per tray: XEmbed (X11) shows
        # Qt's own balloon, silent. StatusNotifier sends a freedesktop notification at
        # urgency "low" (an icon of our own counts as NoIcon; Information is low too, Warning
        # and Critical ask more) with no sound hint, but it cannot add "suppress-sound", so a
        # server set to sound on every notification still will. Windows balloons play the
        # system's notification sound unless muted there (Qt never sets NIIF_NOSOUND); macOS
        # gets no sound name. So notify_policy keeps messages out of the night altogether.
        self.icon.showMessage(title, text, app_icon(), MESSAGE_MS)

    def look(self) -> TrayLook:
        """What the icon shows now."""
        return TrayLook(
            playing=self._controller.state in SOUNDING,
            timer_armed=self._timer.phase in _TIMER_RUNS,
        )

    def tooltip(self) -> str:
        """What the tooltip says now."""
        c = self._controller
        state = c.state
        word = "" if state in SOUNDING else "paused" if state is PlayerState.PAUSED else "stopped"
        return tooltip_text(
            now_playing_text(c.current_track, c.stream_title),
            word,
            timer_text(self._timer, playing=state in SOUNDING),
        )

    def _refresh(self, *_args: object) -> None:
        look = self.look()
        if look != self._look:
            self._look = look
            self.icon.setIcon(tray_icon(look))
        tip = self.tooltip()
        if tip != self.icon.toolTip():
            self.icon.setToolTip(tip)

    # ------------------------------------------------------------------ clicks
    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if self._platform == "darwin":
            return  # a click opens the menu there; nothing may depend on activated()
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            with user_command(self._timer, self._controller, "toggle_window"):
                self._host.toggle_window()
        elif reason is QSystemTrayIcon.ActivationReason.MiddleClick:
            self._actions["play_pause"].trigger()

    # ------------------------------------------------------------------ the tray host
    def watch_host(self) -> None:
        """Watch Qt's X11 icon window, which is hidden and dropped when the tray host goes
        away; then :attr:`host_lost` is emitted. Call it whenever the window is hidden into
        the tray. Elsewhere (StatusNotifierItem, Windows, macOS) there is no such window, and
        the tray is checked each time the window is closed instead."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        for widget in app.topLevelWidgets():
            key = id(widget)
            if widget.metaObject().className() == _XEMBED_ICON_CLASS and key not in self._watched:
                self._watched.add(key)
                widget.installEventFilter(self)
                widget.destroyed.connect(lambda _o=None, k=key: self._watched.discard(k))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide:
            # Qt hides the icon window when the host leaves; ask once the dust has settled.
            QTimer.singleShot(0, self, self._check_host)
        return False

    def _check_host(self) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            self.host_lost.emit()
