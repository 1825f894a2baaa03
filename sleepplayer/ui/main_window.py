"""The main window: sidebar | (now playing, filter, tracks), transport bar, menus, status bar.

It composes the widgets, routes window-level actions and follows visibility for the position
poll. Playback and library state stay in the services.

With a sleep timer it also shows the timer: the remaining time in the title and a small dial
beside the now-playing title, the timer's messages (with Undo for an automatic arm) in the
status bar, and the suspend countdown as a quiet banner. Nothing here pops up or makes a sound.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sleepplayer import APP_NAME
from sleepplayer.core.model import Track
from sleepplayer.core.settings import Settings
from sleepplayer.core.text import counted
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_NAME, BUILTIN_PLAYLIST_UID
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.services.undo_history import UndoHistory, UndoStep
from sleepplayer.ui import icons
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.countdown_dial import CountdownDial, dial_state, left_words
from sleepplayer.ui.icons import icon_size
from sleepplayer.ui.link_commands import LinkCommands
from sleepplayer.ui.now_playing import NowPlaying, window_title
from sleepplayer.ui.playlist_view import PlaylistPanel
from sleepplayer.ui.sidebar import PlaylistSidebar
from sleepplayer.ui.status_messages import StatusMessages
from sleepplayer.ui.track_model import droppable, links_from_mime
from sleepplayer.ui.transport import TransportBar
from sleepplayer.ui.undo_offer import UndoOffer
from sleepplayer.ui.work_progress import WorkProgress

if TYPE_CHECKING:
    # Imported when first opened (see _open_* below): the dialogs' and the timer panel's
    # widget classes would otherwise stay in memory all night for something opened now and then.
    from sleepplayer.ui.settings_dialog import SettingsDialog
    from sleepplayer.ui.timer_panel import TimerPanel

AUDIO_FILTER = (
    "Audio files (*.opus *.ogg *.oga *.mp3 *.flac *.wav *.m4a *.aac *.wma *.mka *.webm "
    "*.aiff *.aif *.ape *.wv *.mpc);;All files (*)"
)
#: The undo step of a timer the bedtime window armed (withdrawn when the timer goes idle).
_AUTO_TIMER_STEP = "auto-timer"
_TIMER_IDS = (
    "timer_panel", None, "timer_plus_5", "timer_plus_15", "timer_minus_5", "timer_cancel", None,
    "timer_resume",
)  # fmt: skip
#: The player's keys that also work in the timer panel, whose words promise that "any
#: SleepPlayer key" brings the sound back. Not the arrows' seek and volume: inside the panel
#: arrows move between its choices.
_PANEL_PLAYER_IDS = ("play_pause", "stop", "next", "previous", "mute", "quit")
#: The settings the timer panel's form starts from (see ``TimerDefaults``).
_TIMER_DEFAULT_FIELDS = frozenset(
    {"sleep_minutes", "fade_s", "fade_curve", "end_action", "let_track_finish",
     "max_finish_wait_min"}
)  # fmt: skip
_MENUS: dict[str, list[str | None]] = {
    "&File": [
        "add_files", "add_folder", "open_url", None, "import_playlist", "export_playlist", None,
        "settings", None, "quit",
    ],
    "&Edit": ["undo", None, "remove_tracks", None, "filter"],
    "P&laylist": [
        "new_playlist", "rename_playlist", "duplicate_playlist", "delete_playlist", None,
        "restore_sounds",
    ],
    "&Playback": [
        "play_pause", "stop", "previous", "next", None, "seek_back", "seek_forward", None,
        "volume_up", "volume_down", "mute", None, "repeat", "shuffle",
    ],
    "&Help": ["shortcuts_help", None, "about"],
}  # fmt: skip


def timer_title_text(timer: SleepTimer) -> str:
    """The timer's part of the title: minutes left (changes once a minute at most)."""
    phase = timer.phase
    if phase is TimerPhase.COUNTDOWN:
        return "suspending soon"
    if phase not in (TimerPhase.ARMED, TimerPhase.FADING):
        return ""
    remaining = timer.remaining_s()
    return "sleep timer on" if remaining is None else left_words(remaining)


def _about_versions() -> list[tuple[str, str]]:
    from sleepplayer.ui.about import versions

    return versions()


#: The first window, before any size is saved; smaller on a smaller screen.
FIRST_SIZE = QSize(1100, 700)
MIN_SIZE = QSize(640, 420)


def first_size(available: QSize) -> QSize:
    """The first window's size: :data:`FIRST_SIZE`, but never more than nine tenths of the
    screen's free area (a 1366x768 screen at 125 % has 1093x614), nor less than the minimum."""
    return QSize(
        max(MIN_SIZE.width(), min(FIRST_SIZE.width(), available.width() * 9 // 10)),
        max(MIN_SIZE.height(), min(FIRST_SIZE.height(), available.height() * 9 // 10)),
    )


class MainWindow(QMainWindow):
    """The app's window.

    ``MainWindow(controller, library, actions=None, sleep_timer=None, settings=None)``; pass
    the app's ActionRegistry to share the actions with the tray, and the SleepTimer (bound to
    the registry here if it is not yet) and the Settings (the timer panel's defaults) to show
    the timer. The app may set ``accept_close`` / ``quit_app_on_request`` and listen to
    ``close_requested`` / ``quit_requested``; it restores and saves window state.
    """

    #: The window is being closed; True when the user did it (title-bar button, Alt+F4: a
    #: spontaneous event), False when the program or a quit did. See ``accept_close``.
    close_requested = Signal(bool)
    #: The Quit action was triggered; the app performs its ordered shutdown.
    quit_requested = Signal()
    #: A setting was changed in the settings dialog (its field name); the app saves and reacts.
    settings_changed = Signal(str)
    #: The window came on screen or left it (hidden, minimised): the new ``is_shown()``.
    shown_changed = Signal(bool)

    def __init__(
        self,
        controller: PlaybackController,
        library: LibraryService,
        actions: ActionRegistry | None = None,
        parent: QWidget | None = None,
        *,
        sleep_timer: SleepTimer | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._library = library
        self._timer = sleep_timer
        self._settings = settings
        #: Shared with the tray when the app passes one in; else the window makes its own.
        self.action_registry = actions or ActionRegistry(controller, self)
        if sleep_timer is not None:
            self.action_registry.bind_sleep_timer(sleep_timer)
        #: Created on first use (T).
        self.timer_panel: TimerPanel | None = None
        #: Created on first use (Ctrl+,).
        self.settings_dialog: SettingsDialog | None = None
        #: Set by the app: False keeps the window alive on close (e.g. it lives on in the tray).
        self.accept_close = True
        #: Set by the app: False when it handles ``quit_requested`` itself instead of the
        #: default, ``QApplication.quit()`` (whose ``aboutToQuit`` runs the ordered shutdown).
        self.quit_app_on_request = True
        #: The About box's versions; replaceable in tests.
        self.about_versions: Callable[[], list[tuple[str, str]]] = _about_versions
        self._watched: bool | None = None
        self._focus_before_naming: QWidget | None = None
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.setMinimumSize(MIN_SIZE)
        self.resize(first_size(self.screen().availableGeometry().size()))

        self.sidebar = PlaylistSidebar(library)
        self.now_playing = NowPlaying(controller)
        self.panel = PlaylistPanel(controller, library)
        self.transport = TransportBar(controller, self.action_registry)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self._sidebar_column())
        self.splitter.addWidget(self._content_column())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 880])
        self.suspend_banner = self._build_suspend_banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.suspend_banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.transport)
        self.setCentralWidget(central)

        #: Open URL, paste, import and export (its dialogs are replaceable in tests).
        self.link_commands = LinkCommands(self, library, self.panel, self.show_problem)
        self.work_progress = WorkProgress(library)
        self.progress = self.work_progress.bar
        self.progress_label = self.work_progress.label
        status = self.statusBar()
        status.setContentsMargins(8, 0, 14, 2)
        status.addPermanentWidget(self.work_progress)
        #: What Ctrl+Z takes back; the newest step is offered in the status bar.
        self.undo_history = UndoHistory(self)
        self.status_messages = StatusMessages(status)
        self.undo_offer = UndoOffer(
            self.undo_history, self.action_registry["undo"], status, self.status_messages
        )
        status.setSizeGripEnabled(False)
        # The bar stays, empty and the window's colour, while it has nothing to say: shown only
        # with a message, it pushed the transport bar up by its height under the user's
        # pointer each time.

        self._build_menus()
        self._wire_actions()
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.problem.connect(self.show_problem)
        library.message.connect(self.show_message)
        library.problem.connect(self.show_problem)
        library.undoable.connect(self._push_undo)
        library.current_changed.connect(self._on_library_current_changed)
        library.playlists_changed.connect(self._update_playlist_actions)
        self.sidebar.editing_finished.connect(self._on_sidebar_editing_finished)
        self.sidebar.delete_requested.connect(self._on_sidebar_delete_requested)
        current = library.current_playlist()
        self._on_library_current_changed(current.uid if current else "")
        if sleep_timer is not None:
            self._add_timer_button()
            sleep_timer.changed.connect(self._on_timer_changed)
            sleep_timer.message.connect(self.show_message)
            sleep_timer.auto_armed.connect(self._on_timer_auto_armed)
            sleep_timer.suspend_countdown.connect(self._on_timer_suspend_countdown)
        self._on_controller_track_changed(controller.current_track)
        self._on_timer_changed()
        # The window itself holds the focus at first, so the arrows are the volume and seek
        # keys; a list takes Up and Down once it has the focus (see ui.list_keys).
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building
    def _sidebar_column(self) -> QWidget:
        column = QWidget()
        header = QHBoxLayout()
        header.setContentsMargins(14, 10, 6, 4)
        label = QLabel("Playlists")
        label.setObjectName("sectionLabel")
        add = QToolButton()
        add.setDefaultAction(self.action_registry["new_playlist"])
        add.setAutoRaise(True)
        add.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header.addWidget(label)
        header.addStretch(1)
        header.addWidget(add)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.sidebar, 1)
        column.setMinimumWidth(150)
        return column

    def _content_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.timer_dial = CountdownDial()
        self.timer_dial.setFixedSize(56, 56)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("timerLeftLabel")
        self.timer_detail = QLabel()
        self.timer_detail.setObjectName("dimLabel")
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addStretch(1)
        text.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignRight)
        text.addWidget(self.timer_detail, 0, Qt.AlignmentFlag.AlignRight)
        text.addStretch(1)
        self.timer_strip = QWidget()
        self.timer_strip.setObjectName("timerStrip")
        strip = QHBoxLayout(self.timer_strip)
        strip.setContentsMargins(8, 8, 16, 6)
        strip.setSpacing(10)
        strip.addLayout(text)
        strip.addWidget(self.timer_dial)
        # The header is as tall as the countdown whether it shows or not: arming a timer must
        # not move the track list under the pointer (it moved 5 px).
        self.now_playing.setMinimumHeight(self.timer_strip.sizeHint().height())
        self.timer_strip.hide()
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(0)
        header.addWidget(self.now_playing, 1)
        header.addWidget(self.timer_strip)
        layout.addLayout(header)
        layout.addWidget(self.panel, 1)
        column.setMinimumWidth(360)
        return column

    def _build_suspend_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("suspendBanner")
        self.suspend_label = QLabel()
        self.suspend_label.setObjectName("suspendLabel")
        note = QLabel("The sound has faded out.")
        note.setObjectName("dimLabel")
        self.suspend_cancel = QPushButton("&Cancel Suspend")
        self.suspend_cancel.setToolTip("Keep the computer awake and turn the timer off")
        self.suspend_cancel.clicked.connect(self._on_suspend_cancel_clicked)
        layout = QHBoxLayout(banner)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(12)
        layout.addWidget(self.suspend_label)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(self.suspend_cancel)
        banner.hide()
        return banner

    def _add_timer_button(self) -> None:
        """The transport's timer button, beside repeat and shuffle."""
        button = QToolButton()
        button.setObjectName("timerButton")
        button.setDefaultAction(self.action_registry["timer_panel"])
        button.setIconSize(icon_size(18))
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the window shortcuts
        bar = self.transport.layout()
        assert isinstance(bar, QHBoxLayout)
        bar.insertWidget(bar.indexOf(self.transport.repeat_button), button)
        self.timer_button = button

    def _build_menus(self) -> None:
        menus = list(_MENUS.items())
        if self._timer is not None:
            menus.insert(len(menus) - 1, ("&Timer", list(_TIMER_IDS)))  # before Help
        for title, ids in menus:
            menu = self.menuBar().addMenu(title)
            for action_id in ids:
                if action_id is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.action_registry[action_id])

    def _separator(self) -> QAction:
        action = QAction(self)
        action.setSeparator(True)
        return action

    def _wire_actions(self) -> None:
        self.action_registry.bind_window(self)
        self.action_registry.shortcuts_changed.connect(self._show_key_hints)
        self._show_key_hints()
        # Window shortcuts need an owner inside this window even without a menu bar (macOS).
        for spec in self.action_registry.specs():
            if not spec.widget_scope:
                self.addAction(self.action_registry[spec.id])
        remove = self.action_registry["remove_tracks"]
        paste = self.action_registry["paste_links"]
        self.panel.table.addAction(remove)
        self.panel.table.addAction(paste)
        play = self.action_registry["play_selected"]
        self.panel.table.addAction(play)
        self.panel.table.context_actions = [
            play, self.action_registry["play_pause"], remove, self._separator(),
            self.action_registry["add_files"], self.action_registry["add_folder"],
            self.action_registry["open_url"], paste,
        ]  # fmt: skip
        self.sidebar.context_actions = [
            self.action_registry[i]
            for i in ("new_playlist", "rename_playlist", "duplicate_playlist", "delete_playlist")
        ]

    # --- WindowCommands (called by the action registry)
    def add_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Add Files", self.last_dir, AUDIO_FILTER
        )
        self._add_paths(paths)

    def add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add Folder", self.last_dir)
        self._add_paths([path] if path else [])

    def open_url(self) -> None:
        self.link_commands.open_url()

    def paste_links(self) -> None:
        self.link_commands.paste()

    def import_playlist(self) -> None:
        self.link_commands.import_playlists()

    def export_playlist(self) -> None:
        self.link_commands.export_playlist()

    @property
    def last_dir(self) -> str:
        """Start folder for the file dialogs; the app may restore and persist it."""
        return self.link_commands.last_dir

    @last_dir.setter
    def last_dir(self, folder: str) -> None:
        self.link_commands.last_dir = folder

    def new_playlist(self) -> None:
        self._focus_before_naming = self.focusWidget()
        self.sidebar.new_playlist()

    def rename_playlist(self) -> None:
        self._focus_before_naming = self.focusWidget()
        self.sidebar.start_rename()

    def _on_sidebar_editing_finished(self) -> None:
        # The focus goes back where it was: from the window itself, the arrows stay the
        # volume keys (in the track list they would move its selection, see ui.list_keys).
        back, self._focus_before_naming = self._focus_before_naming, None
        (back or self.panel.table).setFocus(Qt.FocusReason.OtherFocusReason)

    def duplicate_playlist(self) -> None:
        self.sidebar.duplicate_current()

    def delete_playlist(self) -> None:
        deleted = self.sidebar.delete_current()
        if deleted is None:
            return
        index, playlist = deleted

        def restore() -> None:
            self._library.restore_playlist(index, playlist)
            self._library.set_current(playlist.uid)

        done = f"Deleted \u201c{playlist.name}\u201d"
        self._push_undo(UndoStep("Delete Playlist", done, restore))

    def restore_sounds(self) -> None:
        back = self._library.restore_builtin_sounds()
        name = f"\u201c{BUILTIN_PLAYLIST_NAME}\u201d"
        if not back:
            self.show_message(f"Every sleep sound is in {name}.")
            return
        self._library.set_current(BUILTIN_PLAYLIST_UID)
        self.show_message(f"{counted(back, 'sleep sound')} back in {name}.")

    def offer_to_undo_replacing(self, uid: str, held: list[Track]) -> None:
        """An open from outside replaced the list ("Opened files"): Undo puts back what it
        held, which may be tracks added to it by hand."""
        playlist = self._library.playlist(uid)
        if playlist is None or not held:
            return
        done = f"Replaced the {counted(len(held), 'track')} in \u201c{playlist.name}\u201d"
        step = UndoStep(
            f"Replace \u201c{playlist.name}\u201d", done,
            lambda: self._library.replace_tracks(uid, held),
        )  # fmt: skip
        self._push_undo(step)

    def _on_sidebar_delete_requested(self) -> None:
        if self.sidebar.current_is_builtin():
            self.show_message("The built-in playlist cannot be deleted; its tracks can.")
            return
        self.delete_playlist()

    def play_selected(self) -> None:
        self.panel.play_current()

    def remove_tracks(self) -> None:
        uid = self.panel.playlist_uid()
        removed = self.panel.remove_selected()
        playlist = self._library.playlist(uid) if uid else None
        if uid is None or playlist is None or not removed:
            return
        count = len(removed)
        what = f"Remove {counted(count, 'Track')}"
        done = f"Removed {counted(count, 'track')} from \u201c{playlist.name}\u201d"

        def restore() -> None:
            if self._library.restore_rows(uid, removed):
                self.panel.select_tracks(uid, [track.uid for _, track in removed])
            else:
                self.show_problem("The playlist they were in is gone.")

        self._push_undo(UndoStep(what, done, restore))

    def undo(self) -> None:
        self.undo_history.undo()

    def _show_key_hints(self) -> None:
        """The hints that name keys, with the keys the user has (changed ones too)."""
        key = self.action_registry.shortcut
        play, add, links = key("play_pause"), key("add_files"), key("open_url")
        start = f"Press {play} to play" if play else "Play the sounds below"
        own = f"add your own sounds with {add}" if add else "add your own from the File menu"
        self.now_playing.set_idle_hint(f"{start}, or {own}")
        keys = " or ".join(k for k in (add, links) if k)
        where = f"press {keys}" if keys else "use the File menu"
        empty = f"No tracks yet.\nDrop files, folders or links here, or {where}."
        self.panel.table.setProperty("emptyText", empty)
        self.panel.table.viewport().update()

    def _push_undo(self, step: UndoStep) -> None:
        self.undo_history.push(step)
        self.undo_offer.offer_newest()

    def focus_filter(self) -> None:
        self.panel.focus_filter()

    def show_shortcuts(self) -> None:
        from sleepplayer.ui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.action_registry, self).exec()

    def show_settings(self) -> None:
        """Open (or raise) the settings; each change is re-emitted as ``settings_changed``."""
        if self._settings is None:
            self._settings = Settings()  # a window without the app: edits live for this run
        if self.settings_dialog is None:
            from sleepplayer.ui.settings_dialog import SettingsDialog

            self.settings_dialog = SettingsDialog(self._settings, self.action_registry, self)
            self.settings_dialog.changed.connect(self._on_settings_dialog_changed)
        self.settings_dialog.open_dialog()

    def _on_settings_dialog_changed(self, name: str) -> None:
        # A closed timer panel starts from the new defaults next time; an open one keeps
        # what the user is typing.
        panel = self.timer_panel
        if name in _TIMER_DEFAULT_FIELDS and panel is not None and not panel.isVisible():
            panel.use_defaults(self._settings)
        self.settings_changed.emit(name)

    def show_about(self) -> None:
        from sleepplayer.ui.about import about_html

        QMessageBox.about(self, f"About {APP_NAME}", about_html(self.about_versions()))

    def show_timer_panel(self) -> None:
        """Open (or raise) the sleep-timer panel; the timer's own keys work inside it too."""
        if self._timer is None:
            return
        if self.timer_panel is None:
            from sleepplayer.ui.timer_panel import TimerPanel

            self.timer_panel = TimerPanel(self._timer, self._settings, self._controller, self)
            ids = [i for i in _TIMER_IDS if i and i != "timer_panel"] + list(_PANEL_PLAYER_IDS)
            self.timer_panel.addActions([self.action_registry[i] for i in ids])
        self.timer_panel.open_panel()

    def request_quit(self) -> None:
        self.quit_requested.emit()
        if self.quit_app_on_request:
            QApplication.quit()

    # --- window state
    def save_state(self) -> tuple[str, str, str]:
        """(geometry, window state, splitter state), each base64 text for a JSON setting."""
        return (
            bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
            bytes(self.saveState().toBase64().data()).decode("ascii"),
            bytes(self.splitter.saveState().toBase64().data()).decode("ascii"),
        )

    def restore_state(self, geometry: str, state: str, splitter: str) -> None:
        """Undo of :meth:`save_state`; empty or damaged parts are skipped."""
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        if state:
            self.restoreState(QByteArray.fromBase64(state.encode("ascii")))
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))

    def show_message(self, text: str) -> None:
        """In the status bar, after the messages before it were read; cut to fit, the
        whole text in the tooltip (:class:`StatusMessages`)."""
        self.status_messages.show(text)

    def show_problem(self, text: str) -> None:
        """Like :meth:`show_message`, for something that went wrong: it holds the bar
        longer, so the routine news that comes with it does not hide it."""
        self.status_messages.show(text, problem=True)

    def is_shown(self) -> bool:
        """On screen: visible and not minimised (a minimised window counts as hidden, so the
        tray's Show Window brings it back)."""
        return self.isVisible() and not self.isMinimized()

    # --- Qt events
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_watched()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_watched()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._update_watched()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_requested.emit(event.spontaneous())
        if self.accept_close:
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if droppable(links_from_mime(event.mimeData())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        links = links_from_mime(event.mimeData())
        if droppable(links):
            self.link_commands.add(links)
            # Copy, never Move: the file manager or browser keeps what it gave.
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()

    # --- handlers
    def _update_watched(self) -> None:
        # Minimised counts as not visible: nobody looks at a seek bar in the taskbar.
        watched = self.is_shown()
        if watched != self._watched:
            self._watched = watched
            self._controller.set_position_watched("window", watched)
            self.transport.set_watched(watched)
            self.shown_changed.emit(watched)

    def _add_paths(self, paths: list[str]) -> None:
        uid = self.panel.playlist_uid()
        if uid is not None and paths:
            self.last_dir = str(Path(paths[0]).parent)
            self._library.add_paths(uid, paths)

    def _on_controller_track_changed(self, track: Track | None) -> None:
        self._update_title()

    def _update_title(self) -> None:
        timer_text = timer_title_text(self._timer) if self._timer is not None else ""
        title = window_title(self._controller.current_track, timer_text)
        if title != self.windowTitle():
            self.setWindowTitle(title)

    # --- the sleep timer
    def _on_timer_changed(self) -> None:
        timer = self._timer
        if timer is None:
            return
        self._update_title()
        state = dial_state(timer)
        self.timer_dial.set_state(state)
        shown = timer.phase in (TimerPhase.ARMED, TimerPhase.FADING)
        if shown:
            left = self.timer_dial.time_text()
            if state.remaining_s is not None:
                left = left_words(state.remaining_s)
            volume_tip = ""
            if timer.phase is TimerPhase.FADING:
                # Time left reads at a glance; the gain alone ("8 %") did not say what it was.
                left = f"fading out · {left}" if state.remaining_s is not None else "fading out"
                volume_tip = f"Fading out: volume at {state.gain_pct} %"
            if left != self.timer_label.text():
                self.timer_label.setText(left)
            if volume_tip != self.timer_label.toolTip():
                self.timer_label.setToolTip(volume_tip)
            if state.caption != self.timer_detail.text():
                self.timer_detail.setText(state.caption)
        # isHidden(), not isVisible(): while the window itself is hidden (in the tray) every
        # child reads as invisible, and a strip left shown would wake up stale.
        if shown == self.timer_strip.isHidden():
            self.timer_strip.setVisible(shown)
        if timer.phase is not TimerPhase.COUNTDOWN and not self.suspend_banner.isHidden():
            self.suspend_banner.hide()
        if timer.phase is TimerPhase.IDLE:
            self.undo_history.withdraw(_AUTO_TIMER_STEP)

    def _on_timer_auto_armed(self, text: str) -> None:
        if self._timer is not None:
            step = UndoStep(
                "Automatic Timer", text, self._timer.undo_auto_arm, _AUTO_TIMER_STEP,
                only_while_offered=True,
            )  # fmt: skip
            self._push_undo(step)

    def _on_timer_suspend_countdown(self, seconds: int) -> None:
        if seconds > 0:
            self.suspend_label.setText(f"Suspending the computer in {seconds} s")
            self.suspend_banner.show()
        else:
            self.suspend_banner.hide()

    def _on_suspend_cancel_clicked(self) -> None:
        self.suspend_banner.hide()
        if self._timer is not None:
            self._timer.cancel()

    def _on_library_current_changed(self, uid: str) -> None:
        self.panel.set_playlist(uid or None)
        self._update_playlist_actions()

    def _update_playlist_actions(self) -> None:
        builtin = self.sidebar.current_is_builtin()
        self.action_registry["delete_playlist"].setEnabled(not builtin)
