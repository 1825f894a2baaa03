"""Every QAction of the app, with its text, icon, default shortcut and what it triggers.

One table (:data:`SPECS`) is the single source for menus, the tray, the F1 help and the README.

Focus: the shortcuts are window shortcuts, resolved by Qt *before* the focused widget sees the
key, so Space and the arrows reach the controller even when the track table or a slider has
focus. Text fields claim their keys through ``ShortcutOverride`` (see ``FilterEdit``), so typing
in the filter is never stolen. Window (not application) context keeps Space from toggling
playback while a dialog is open.

Activity grace: every action the user triggers is reported to the sleep timer, here and only
here (:meth:`ActionRegistry._run`), by the rule all front ends share
(:mod:`sleepplayer.services.activity`), so a sleepy key press during the fade brings the sound
back whichever action it was, and a Stop or Pause after the end never does. The timer's own
commands (+5 min, cancel...) set the timer directly and are not reported as well, or an
extension would be counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence

from sleepplayer.core.model import RepeatMode
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.activity import user_command
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui import icons
from sleepplayer.ui.shortcut_keys import parse_shortcut, portable_text, with_keys

SEEK_STEP_MS = 10_000
VOLUME_STEP = 5


class WindowCommands(Protocol):
    """What the main window does for actions that need a dialog or a widget."""

    def add_files(self) -> None: ...
    def add_folder(self) -> None: ...
    def open_url(self) -> None: ...
    def paste_links(self) -> None: ...
    def import_playlist(self) -> None: ...
    def export_playlist(self) -> None: ...
    def new_playlist(self) -> None: ...
    def rename_playlist(self) -> None: ...
    def duplicate_playlist(self) -> None: ...
    def delete_playlist(self) -> None: ...
    def restore_sounds(self) -> None: ...
    def remove_tracks(self) -> None: ...
    def play_selected(self) -> None: ...
    def undo(self) -> None: ...
    def focus_filter(self) -> None: ...
    def show_shortcuts(self) -> None: ...
    def show_about(self) -> None: ...
    def request_quit(self) -> None: ...
    def show_timer_panel(self) -> None: ...
    def show_settings(self) -> None: ...


@dataclass(frozen=True)
class ActionSpec:
    """One action.

    ``target`` names the method it triggers: ``controller.<m>``, ``window.<m>`` (a
    :class:`WindowCommands` method), ``timer.<m>`` (a :class:`SleepTimer` method) or
    ``registry.<m>`` (small helpers on the registry), called with ``args``. ``widget_scope``
    actions fire only inside the widget they are added to. ``reports_activity`` actions tell
    the sleep timer that the user is awake.
    """

    id: str
    text: str
    group: str
    target: str
    shortcut: str = ""
    icon: str = ""
    args: tuple[int, ...] = ()
    checkable: bool = False
    widget_scope: bool = False
    reports_activity: bool = True

    @property
    def needs_window(self) -> bool:
        return self.target.startswith("window.")

    @property
    def needs_timer(self) -> bool:
        return self.group == _T


_NO_TIMER_PHASES = (TimerPhase.IDLE,)


_P, _V, _L, _T, _A = "Playback", "Volume", "Playlists", "Sleep Timer", "Application"
#: Timer commands that need a running timer. (+5 and +15 min with none set one for that
#: long: disabled, Ctrl+T did nothing at all while idle.)
_WHILE_ARMED = ("timer_minus_5", "timer_cancel")
# After the end (grace minute, suspend countdown) +5/+15 resume for that long and Cancel turns
# the timer off, but there is nothing left to shorten.
_WHILE_COUNTING = ("timer_minus_5",)
_COUNTING_PHASES = (TimerPhase.ARMED, TimerPhase.FADING)

# fmt: off
SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("play_pause", "Play/Pause", _P, "controller.toggle", "Space", "play"),
    ActionSpec("stop", "Stop", _P, "controller.stop", "Shift+Space", "stop"),
    ActionSpec("play_selected", "Play Selected Track", _P, "window.play_selected", "Return",
               widget_scope=True),
    ActionSpec("next", "Next Track", _P, "controller.next", "Ctrl+Right", "next"),
    ActionSpec("previous", "Previous Track", _P, "controller.previous", "Ctrl+Left", "previous"),
    ActionSpec("seek_forward", "Forward 10 s", _P, "controller.seek_relative", "Right",
               args=(SEEK_STEP_MS,)),
    ActionSpec("seek_back", "Back 10 s", _P, "controller.seek_relative", "Left",
               args=(-SEEK_STEP_MS,)),
    ActionSpec("repeat", "Repeat", _P, "registry.cycle_repeat", "R", "repeat", checkable=True),
    ActionSpec("shuffle", "Shuffle", _P, "registry.toggle_shuffle", "S", "shuffle",
               checkable=True),
    ActionSpec("volume_up", "Volume Up", _V, "controller.change_volume", "Up",
               args=(VOLUME_STEP,)),
    ActionSpec("volume_down", "Volume Down", _V, "controller.change_volume", "Down",
               args=(-VOLUME_STEP,)),
    ActionSpec("mute", "Mute", _V, "controller.toggle_mute", "M", "volume", checkable=True),
    ActionSpec("add_files", "Add Files…", _L, "window.add_files", "Ctrl+O", "add-file"),
    ActionSpec("add_folder", "Add Folder…", _L, "window.add_folder", "Ctrl+Shift+O",
               "add-folder"),
    ActionSpec("open_url", "Open URL…", _L, "window.open_url", "Ctrl+L", "add-url"),
    ActionSpec("paste_links", "Paste Links or Files", _L, "window.paste_links", "Ctrl+V",
               widget_scope=True),
    ActionSpec("import_playlist", "Import Playlist…", _L, "window.import_playlist", "Ctrl+I",
               "playlist"),
    ActionSpec("export_playlist", "Export Playlist…", _L, "window.export_playlist", "Ctrl+E"),
    ActionSpec("new_playlist", "New Playlist", _L, "window.new_playlist", "Ctrl+N",
               "playlist-new"),
    ActionSpec("rename_playlist", "Rename Playlist", _L, "window.rename_playlist", "F2"),
    ActionSpec("duplicate_playlist", "Duplicate Playlist", _L, "window.duplicate_playlist"),
    ActionSpec("delete_playlist", "Delete Playlist…", _L, "window.delete_playlist"),
    ActionSpec("restore_sounds", "Restore Sleep Sounds", _L, "window.restore_sounds"),
    ActionSpec("remove_tracks", "Remove Selected Tracks", _L, "window.remove_tracks", "Delete",
               widget_scope=True),
    ActionSpec("undo", "Undo", _L, "window.undo", "Ctrl+Z", reports_activity=False),
    ActionSpec("filter", "Filter Tracks", _L, "window.focus_filter", "Ctrl+F", "search"),
    ActionSpec("timer_panel", "Sleep Timer…", _T, "window.show_timer_panel", "T", "timer"),
    ActionSpec("timer_plus_5", "Timer +5 min", _T, "timer.extend", "Ctrl+T", args=(5 * 60,),
               reports_activity=False),
    ActionSpec("timer_plus_15", "Timer +15 min", _T, "timer.extend", "Ctrl+Shift+T",
               args=(15 * 60,), reports_activity=False),
    ActionSpec("timer_minus_5", "Timer \u22125 min", _T, "timer.extend", "Shift+T",
               args=(-5 * 60,), reports_activity=False),
    ActionSpec("timer_cancel", "Cancel Timer", _T, "timer.cancel", "Shift+Esc",
               reports_activity=False),
    ActionSpec("timer_resume", "Resume from Where I Fell Asleep", _T,
               "timer.resume_where_fell_asleep", "Ctrl+R"),
    ActionSpec("settings", "Settings…", _A, "window.show_settings", "Ctrl+,", "settings"),
    ActionSpec("shortcuts_help", "Keyboard Shortcuts", _A, "window.show_shortcuts", "F1", "help"),
    ActionSpec("about", "About SleepPlayer", _A, "window.show_about"),
    ActionSpec("quit", "Quit", _A, "window.request_quit", "Ctrl+Q", "quit"),
)
# fmt: on


def next_repeat(mode: RepeatMode) -> RepeatMode:
    """Off -> all -> one -> off."""
    order = [RepeatMode.OFF, RepeatMode.ALL, RepeatMode.ONE]
    return order[(order.index(mode) + 1) % len(order)]


class ActionRegistry(QObject):
    """Builds the QActions from :data:`SPECS` and keeps their look in step with the controller.

    Actions that need the window stay disabled until :meth:`bind_window` is called, and the
    sleep-timer actions until a timer is passed in or bound with :meth:`bind_sleep_timer`.
    "Undo" is enabled, and named, by the window's undo history (``ui.undo_offer``).

    Shortcuts start as in :data:`SPECS`; the user's changes (the ``shortcuts`` setting) are
    laid over them with :meth:`apply_shortcut_overrides` and work at once.
    """

    #: A shortcut changed (tooltips and lists that name keys follow it).
    shortcuts_changed = Signal()

    def __init__(
        self,
        controller: PlaybackController,
        parent: QObject | None = None,
        *,
        sleep_timer: SleepTimer | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._window: WindowCommands | None = None
        self._timer: SleepTimer | None = None
        self._actions: dict[str, QAction] = {}
        self._specs = {spec.id: spec for spec in SPECS}
        for spec in SPECS:
            self._actions[spec.id] = self._make(spec)
        controller.state_changed.connect(self._on_controller_state_changed)
        controller.repeat_changed.connect(self._on_controller_repeat_changed)
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.shuffle_changed.connect(self._on_controller_shuffle_changed)
        controller.muted_changed.connect(self._on_controller_muted_changed)
        icons.notifier().icons_changed.connect(self.refresh_icons)
        self.refresh_icons()
        self._update_tooltips()
        if sleep_timer is not None:
            self.bind_sleep_timer(sleep_timer)

    def _make(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, self)
        action.setObjectName(spec.id)
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
            if spec.widget_scope
            else Qt.ShortcutContext.WindowShortcut
        )
        action.setCheckable(spec.checkable)
        action.setEnabled(not spec.needs_window and not spec.needs_timer)
        action.triggered.connect(lambda _checked=False, s=spec: self._run(s))
        return action

    def _run(self, spec: ActionSpec) -> None:
        owner_name, method = spec.target.split(".", 1)
        owner: dict[str, object] = {
            "controller": self._controller,
            "window": self._window,
            "timer": self._timer,
            "registry": self,
        }
        receiver = owner[owner_name]
        # Reported after the action, not before (see services.activity): in the grace minute
        # after the end, activity resumes playback, and a Play/Pause that came first would
        # then pause it again; a Stop or Pause there turns the timer off instead.
        reported = self._timer if spec.reports_activity else None
        with user_command(reported, self._controller, method):
            if receiver is not None:
                getattr(receiver, method)(*spec.args)
            # A checkable action flips itself on trigger; the controller is the truth.
            if spec.checkable:
                self._sync_from_controller()

    # --- access
    def action(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def specs(self) -> tuple[ActionSpec, ...]:
        return SPECS

    def spec(self, action_id: str) -> ActionSpec:
        return self._specs[action_id]

    # --- shortcuts: defaults from SPECS, the user's overrides on top
    def default_shortcut(self, action_id: str) -> str:
        """The shortcut :data:`SPECS` gives ``action_id``, in portable text ("" for none)."""
        return portable_text(QKeySequence(self._specs[action_id].shortcut))

    def shortcut(self, action_id: str) -> str:
        """The current shortcut of ``action_id``, in portable text ("" for none)."""
        return portable_text(self._actions[action_id].shortcut())

    def set_shortcut(self, action_id: str, text: str) -> None:
        """Bind ``action_id`` to ``text`` (portable, one key combination; "" removes it).

        ValueError for anything else. Conflicts are the caller's to settle (:meth:`conflict`).
        """
        sequence = parse_shortcut(text)
        if sequence is None:
            raise ValueError(f"{text!r} is not one key combination")
        if self._bind(action_id, sequence):
            self._after_shortcuts_changed()

    def apply_shortcut_overrides(self, overrides: Mapping[str, str]) -> list[str]:
        """Every action back to its default, then ``overrides`` (id -> text, "" = none) on top.

        Unknown ids and text that is not one key combination are left out (the default stays).
        A hand-edited file may give one key to two actions: the override keeps it, and among
        overrides the first in menu order does, so a key press is never ambiguous. Returns
        what was left out or lost, worded for the user (nothing when the file was sound).
        """
        problems = [
            f"shortcut for unknown action {key!r} left out"
            for key in overrides
            if key not in self._specs
        ]
        wanted: dict[str, QKeySequence] = {}
        owner: dict[str, str] = {}  # key text -> the action that has it
        for spec in SPECS:
            text = overrides.get(spec.id)
            sequence = parse_shortcut(text) if isinstance(text, str) else None
            if sequence is not None:
                wanted[spec.id] = self._unless_taken(sequence, spec.id, owner, problems)
            elif spec.id in overrides:
                problems.append(
                    f"{text!r} for {spec.text} is not one key combination; default kept"
                )
        for spec in SPECS:
            if spec.id not in wanted:
                default = QKeySequence(spec.shortcut)
                wanted[spec.id] = self._unless_taken(default, spec.id, owner, problems)
        changed = False
        for action_id, sequence in wanted.items():
            changed = self._bind(action_id, sequence) or changed
        if changed:
            self._after_shortcuts_changed()
        return problems

    def shortcut_overrides(self) -> dict[str, str]:
        """The shortcuts that differ from the defaults (what the ``shortcuts`` setting keeps)."""
        return {
            spec.id: self.shortcut(spec.id)
            for spec in SPECS
            if self.shortcut(spec.id) != self.default_shortcut(spec.id)
        }

    def conflict(self, sequence: QKeySequence | str, except_id: str) -> str | None:
        """The id of the action other than ``except_id`` that ``sequence`` already triggers."""
        if isinstance(sequence, str):
            parsed = parse_shortcut(sequence)
            sequence = parsed if parsed is not None else QKeySequence()
        if sequence.isEmpty():
            return None
        for spec in SPECS:
            if spec.id != except_id and self._actions[spec.id].shortcut() == sequence:
                return spec.id
        return None

    def _unless_taken(
        self, sequence: QKeySequence, action_id: str, owner: dict[str, str], problems: list[str]
    ) -> QKeySequence:
        text = portable_text(sequence)
        if not text:
            return sequence
        if text in owner:
            keeper, loser = (self._specs[a].text.replace("&", "") for a in (owner[text], action_id))
            problems.append(f"{text} goes to {keeper}, so {loser} has no key")
            return QKeySequence()
        owner[text] = action_id
        return sequence

    def _bind(self, action_id: str, sequence: QKeySequence) -> bool:
        action = self._actions[action_id]
        if action.shortcut() == sequence:
            return False
        action.setShortcut(sequence)
        return True

    def _after_shortcuts_changed(self) -> None:
        self._update_tooltips()
        self.shortcuts_changed.emit()

    def all_actions(self) -> list[QAction]:
        return list(self._actions.values())

    def bind_window(self, window: WindowCommands) -> None:
        """Route window-level actions to ``window`` and enable them."""
        self._window = window
        self._update_enabled()

    def sleep_timer(self) -> SleepTimer | None:
        return self._timer

    def bind_sleep_timer(self, timer: SleepTimer) -> None:
        """Route the timer actions to ``timer``, report activity to it, follow its phase."""
        if self._timer is timer:
            return
        if self._timer is not None:
            self._timer.changed.disconnect(self._update_enabled)
        self._timer = timer
        timer.changed.connect(self._update_enabled)
        self._update_enabled()

    def _update_enabled(self) -> None:
        timer = self._timer
        armed = timer is not None and timer.phase not in _NO_TIMER_PHASES
        for spec in SPECS:
            action = self._actions[spec.id]
            if spec.id == "undo":
                if self._window is None:
                    action.setEnabled(False)
                continue  # else it follows the window's undo history
            enabled = (not spec.needs_window or self._window is not None) and (
                not spec.needs_timer or timer is not None
            )
            if spec.id in _WHILE_COUNTING:
                enabled = enabled and timer is not None and timer.phase in _COUNTING_PHASES
            elif spec.id in _WHILE_ARMED:
                enabled = enabled and armed
            elif spec.id == "timer_resume":
                enabled = enabled and timer is not None and timer.fell_asleep_at() is not None
            if action.isEnabled() != enabled:
                action.setEnabled(enabled)

    # --- targets that are more than one controller call
    def cycle_repeat(self) -> None:
        self._controller.set_repeat(next_repeat(self._controller.repeat))

    def toggle_shuffle(self) -> None:
        self._controller.set_shuffle(not self._controller.shuffle)

    # --- look follows state
    def _update_tooltips(self) -> None:
        # Tool buttons show these; naming the current keys teaches them. The ones that follow
        # the controller's state (play/pause, mute, repeat) are set again in the sync.
        for spec in SPECS:
            action = self._actions[spec.id]
            action.setToolTip(with_keys(spec.text.rstrip("…"), action.shortcut()))
        self._sync_from_controller()

    def refresh_icons(self) -> None:
        for spec in SPECS:
            if spec.icon:
                self._actions[spec.id].setIcon(icons.icon(spec.icon))
        self._sync_from_controller()

    def _sync_from_controller(self) -> None:
        c = self._controller
        self._on_controller_state_changed(int(c.state))
        self._on_controller_repeat_changed(c.repeat.value)
        self._on_controller_shuffle_changed(c.shuffle)
        self._on_controller_muted_changed(c.muted)

    def _on_controller_state_changed(self, state: int) -> None:
        playing = state in (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING)
        play_pause = self._actions["play_pause"]
        play_pause.setIcon(icons.icon("pause" if playing else "play"))
        play_pause.setToolTip(with_keys("Pause" if playing else "Play", play_pause.shortcut()))

    def _on_controller_repeat_changed(self, value: str) -> None:
        action = self._actions["repeat"]
        action.setChecked(value != RepeatMode.OFF.value)
        action.setIcon(icons.icon("repeat-one" if value == RepeatMode.ONE.value else "repeat"))
        label = {"off": "Off", "all": "All", "one": "One Track"}.get(value, value)
        action.setText(f"Repeat: {label}")
        # A built-in sound loops on its own (it is an ambience, not a track), which "Off"
        # alone would contradict.
        aside = " (sleep sounds always loop)" if self._controller.loops_by_itself() else ""
        action.setToolTip(f"Repeat: {label}{aside}")

    def _on_controller_track_changed(self, _track: object) -> None:
        self._on_controller_repeat_changed(self._controller.repeat.value)

    def _on_controller_shuffle_changed(self, on: bool) -> None:
        self._actions["shuffle"].setChecked(on)

    def _on_controller_muted_changed(self, muted: bool) -> None:
        action = self._actions["mute"]
        action.setChecked(muted)
        action.setIcon(icons.icon("volume-muted" if muted else "volume"))
        action.setToolTip(with_keys("Unmute" if muted else "Mute", action.shortcut()))
