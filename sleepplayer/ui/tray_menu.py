"""The tray's menu: everything a sleepy user needs without the window.

The playback and timer commands are copies of the :class:`ActionRegistry`'s QActions without
their shortcuts (:mod:`sleepplayer.ui.mirror_action`): text, icon and enabled state follow the
registry's, and each triggers the registry's action, which reports activity to the sleep timer
exactly as in the window. The rest (presets, playlists, the window) are the
menu's own actions, and report activity by the same rule (:mod:`sleepplayer.services.activity`).

Nothing here holds state: every line is read from the services when they signal a change.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from sleepplayer.core.sleep_plan import TIMER_OFF_TEXT, SleepMode, SleepPlan
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.activity import SOUNDING, user_command
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui import icons
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.mirror_action import MirrorAction
from sleepplayer.ui.tray_text import menu_text, now_playing_text, timer_text

#: The sleep-timer presets, in minutes.
PRESET_MINUTES = (15, 30, 45, 60, 90)
#: Registry actions that only make sense while a timer runs; shown only then.
ARMED_ACTION_IDS = ("timer_plus_5", "timer_plus_15", "timer_cancel")


class TrayHost(Protocol):
    """What the tray asks of the app (``SleepPlayerApp`` provides these)."""

    def show_window(self) -> None: ...
    def toggle_window(self) -> None: ...
    def quit_by_user(self) -> None: ...


class TrayMenu(QMenu):
    """Now playing; Play/Pause, Next, Previous; Sleep Timer ▸; Resume from Where I Fell Asleep;
    Playlists ▸; Show/Hide Window; Quit. While the suspend countdown runs, it says so at the
    top and offers Cancel Suspend."""

    def __init__(
        self,
        controller: PlaybackController,
        library: LibraryService,
        timer: SleepTimer,
        actions: ActionRegistry,
        host: TrayHost,
        window: MainWindow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._library = library
        self._timer = timer
        self._actions = actions
        self._host = host
        self._window = window
        # The plan and deadline a preset armed: its item is checked while that timer runs
        # unchanged (not after +5 min, nor for the same length set in the window).
        self._preset_armed: tuple[int, SleepPlan | None, object] | None = None

        self.now_playing_action = self._info_action()
        self.timer_status_action = self._info_action()
        self.cancel_suspend_action = QAction("Cancel Suspend", self)
        self.cancel_suspend_action.setToolTip("Keep the computer awake and turn the timer off")
        self.cancel_suspend_action.triggered.connect(self._on_cancel_suspend_triggered)
        self.addAction(self.cancel_suspend_action)
        self.addSeparator()
        #: The registry's actions the tray offers, by id, as copies without shortcuts.
        self.mirrors = {
            action_id: MirrorAction(actions[action_id], self)
            for action_id in ("play_pause", "next", "previous", "timer_resume", *ARMED_ACTION_IDS)
        }
        for action_id in ("play_pause", "next", "previous"):
            self.addAction(self.mirrors[action_id])
        self.addSeparator()
        self.timer_menu = self._build_timer_menu()
        self.addMenu(self.timer_menu)
        self.addAction(self.mirrors["timer_resume"])
        self.playlists_menu = QMenu("Playlists", self)
        self._playlist_group = QActionGroup(self)
        self._playlist_actions: dict[str, QAction] = {}
        self.addMenu(self.playlists_menu)
        self.addSeparator()
        self.window_action = QAction("Show Window", self)
        self.window_action.triggered.connect(self._on_window_triggered)
        self.addAction(self.window_action)
        self.quit_action = QAction("Quit", self)
        self.quit_action.triggered.connect(host.quit_by_user)
        self.addAction(self.quit_action)
        self._refresh_icons()

        controller.state_changed.connect(self._update_now_playing)
        controller.state_changed.connect(self._update_timer)  # "(nothing playing)"
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.stream_title_changed.connect(self._update_now_playing)
        timer.changed.connect(self._update_timer)  # each second of a suspend countdown too
        library.playlists_changed.connect(self._rebuild_playlists)
        for signal in (library.tracks_inserted, library.tracks_removed):
            signal.connect(self._update_playlists)
        library.tracks_reset.connect(self._update_playlists)
        self.aboutToShow.connect(self._on_about_to_show)
        icons.notifier().icons_changed.connect(self._refresh_icons)  # a new theme
        # A signal, not an event filter on the window: a filter's Python code would run on
        # the Hide event that deleting a visible window sends from ~QWidget, on a wrapper
        # already half gone (a crash).
        window.shown_changed.connect(self._update_window_action)
        self._update_now_playing()
        self._update_timer()
        self._rebuild_playlists()
        self._update_window_action()

    # ------------------------------------------------------------------ building
    def _info_action(self) -> QAction:
        action = QAction(self)
        action.setEnabled(False)  # a line to read, not a command
        self.addAction(action)
        return action

    def _build_timer_menu(self) -> QMenu:
        menu = QMenu("Sleep Timer", self)
        self.preset_actions: dict[int, QAction] = {}
        # One of them or none: drawn as a dot on the armed one. As plain checkable items,
        # Fusion drew an empty box on the highlighted row, a dark square on the dark menu.
        presets = QActionGroup(menu)
        presets.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for minutes in PRESET_MINUTES:
            # "15 min", like the "+5 min" items below them.
            action = menu.addAction(f"{minutes} min")
            action.setCheckable(True)
            action.setActionGroup(presets)
            action.triggered.connect(lambda _c=False, m=minutes: self._arm_minutes(m))
            self.preset_actions[minutes] = action
        self.end_of_track_action = menu.addAction("End of This Track")
        self.end_of_track_action.triggered.connect(self._arm_end_of_track)
        self.custom_action = menu.addAction("Custom\u2026")
        self.custom_action.triggered.connect(self._on_custom_triggered)
        self._armed_separator = menu.addSeparator()
        for action_id in ARMED_ACTION_IDS:
            menu.addAction(self.mirrors[action_id])
        self._show_armed_actions(False)
        return menu

    def _refresh_icons(self) -> None:
        # The registry's actions refresh their own; these are the menu's.
        self.timer_menu.setIcon(icons.icon("timer"))
        self.playlists_menu.setIcon(icons.icon("playlist"))
        self.quit_action.setIcon(icons.icon("quit"))

    # ------------------------------------------------------------------ commands
    def _arm_minutes(self, minutes: int) -> None:
        self._timer.arm(self._timer.default_plan(minutes * 60.0))
        self._preset_armed = (minutes, self._timer.plan, self._timer.deadline)
        self._update_preset_checks()  # also when the same preset is picked again

    def _arm_end_of_track(self) -> None:
        plan = dataclasses.replace(
            self._timer.default_plan(), mode=SleepMode.END_OF_TRACK, let_track_finish=False
        )
        self._timer.arm(plan)

    def _on_custom_triggered(self) -> None:
        # The registry's own "Sleep Timer…" does the rest (and reports activity, as it would).
        self._host.show_window()
        self._actions["timer_panel"].trigger()

    def _on_cancel_suspend_triggered(self) -> None:
        self._timer.cancel()

    def _on_window_triggered(self) -> None:
        with user_command(self._timer, self._controller, "toggle_window"):
            self._host.toggle_window()

    def _on_playlist_triggered(self, uid: str) -> None:
        with user_command(self._timer, self._controller, "play_playlist"):
            self._library.set_current(uid)
            self._controller.play_playlist(uid)

    # ------------------------------------------------------------------ following the services
    def _on_controller_track_changed(self, _track: object) -> None:
        self._update_now_playing()
        self._update_playlist_checks()

    def _update_now_playing(self) -> None:
        c = self._controller
        text = now_playing_text(c.current_track, c.stream_title)
        if not text:
            text = "Nothing playing"
        elif c.state is PlayerState.PAUSED:
            text = f"{text} (paused)"
        _set_text(self.now_playing_action, menu_text(text))

    def _update_timer(self) -> None:
        phase = self._timer.phase
        status = timer_text(self._timer, playing=self._controller.state in SOUNDING)
        # Always there, so that starting a timer does not move every item under the pointer.
        _set_text(self.timer_status_action, menu_text(status or TIMER_OFF_TEXT))
        _set_visible(self.cancel_suspend_action, phase is TimerPhase.COUNTDOWN)
        self._show_armed_actions(phase in (TimerPhase.ARMED, TimerPhase.FADING))
        self._update_preset_checks()

    def _update_preset_checks(self) -> None:
        armed = self._preset_armed
        running = self._timer.phase in (TimerPhase.ARMED, TimerPhase.FADING)
        if armed is not None and not (
            running and self._timer.plan is armed[1] and self._timer.deadline == armed[2]
        ):
            armed = self._preset_armed = None
        for minutes, action in self.preset_actions.items():
            checked = armed is not None and armed[0] == minutes
            if action.isChecked() != checked:
                action.setChecked(checked)

    def _show_armed_actions(self, shown: bool) -> None:
        for action_id in ARMED_ACTION_IDS:
            _set_visible(self.mirrors[action_id], shown)
        _set_visible(self._armed_separator, shown)

    def _rebuild_playlists(self) -> None:
        for action in self._playlist_actions.values():
            self._playlist_group.removeAction(action)
            self.playlists_menu.removeAction(action)
            action.deleteLater()
        self._playlist_actions = {}
        for playlist in self._library.playlists():
            action = QAction(menu_text(playlist.name), self.playlists_menu)
            action.setCheckable(True)
            action.triggered.connect(
                lambda _c=False, uid=playlist.uid: self._on_playlist_triggered(uid)
            )
            self._playlist_group.addAction(action)
            self.playlists_menu.addAction(action)
            self._playlist_actions[playlist.uid] = action
        self._update_playlists()

    def _update_playlists(self, *_args: object) -> None:
        for uid, action in self._playlist_actions.items():
            playlist = self._library.playlist(uid)
            enabled = playlist is not None and bool(playlist.tracks)  # nothing to play else
            if action.isEnabled() != enabled:
                action.setEnabled(enabled)
        self.playlists_menu.setEnabled(bool(self._playlist_actions))
        self._update_playlist_checks()

    def _update_playlist_checks(self) -> None:
        playing_uid = self._controller.current_playlist_uid
        for uid, action in self._playlist_actions.items():
            checked = uid == playing_uid
            if action.isChecked() != checked:
                action.setChecked(checked)

    def _update_window_action(self, *_args: object) -> None:
        _set_text(self.window_action, "Hide Window" if self._window.is_shown() else "Show Window")

    def _on_about_to_show(self) -> None:
        self._update_window_action()
        self._update_playlists()


def _set_text(action: QAction, text: str) -> None:
    if action.text() != text:
        action.setText(text)


def _set_visible(action: QAction, visible: bool) -> None:
    if action.isVisible() != visible:
        action.setVisible(visible)
