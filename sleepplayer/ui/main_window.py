"""The main window: sidebar | (now playing, filter, tracks), transport bar, menus, status bar.

It composes the widgets, routes window-level actions and follows visibility for the position
poll. Playback and library state stay in the services.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sleepplayer import APP_NAME, __version__
from sleepplayer.core.model import Track
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.ui import icons
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.now_playing import NowPlaying, window_title
from sleepplayer.ui.playlist_view import PlaylistPanel
from sleepplayer.ui.shortcuts_dialog import ShortcutsDialog
from sleepplayer.ui.sidebar import PlaylistSidebar
from sleepplayer.ui.track_model import local_paths
from sleepplayer.ui.transport import TransportBar

AUDIO_FILTER = (
    "Audio files (*.opus *.ogg *.oga *.mp3 *.flac *.wav *.m4a *.aac *.wma *.mka *.webm "
    "*.aiff *.aif *.ape *.wv *.mpc);;All files (*)"
)
_MESSAGE_MS = 8000
_MENUS = {
    "&File": ["add_files", "add_folder", None, "new_playlist", None, "quit"],
    "P&laylist": [
        "rename_playlist", "duplicate_playlist", "delete_playlist", None, "filter",
        "remove_tracks",
    ],
    "&Playback": [
        "play_pause", "stop", "previous", "next", None, "seek_back", "seek_forward", None,
        "volume_up", "volume_down", "mute", None, "repeat", "shuffle",
    ],
    "&Help": ["shortcuts_help", None, "about"],
}  # fmt: skip


class MainWindow(QMainWindow):
    """The app's window.

    ``MainWindow(controller, library, actions=None)``; pass the app's ActionRegistry to share
    the actions with the tray. The app may set ``accept_close`` / ``quit_app_on_request`` and
    listen to ``close_requested`` / ``quit_requested``; it restores and saves window state.
    """

    #: The user closed the window (title-bar button, Alt+F4). See ``accept_close``.
    close_requested = Signal()
    #: The Quit action was triggered; the app performs its ordered shutdown.
    quit_requested = Signal()

    def __init__(
        self,
        controller: PlaybackController,
        library: LibraryService,
        actions: ActionRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._library = library
        #: Shared with the tray when the app passes one in; else the window makes its own.
        self.action_registry = actions or ActionRegistry(controller, self)
        #: Set by the app: False keeps the window alive on close (e.g. it lives on in the tray).
        self.accept_close = True
        #: Set by the app: False when it handles ``quit_requested`` itself instead of the
        #: default, ``QApplication.quit()`` (whose ``aboutToQuit`` runs the ordered shutdown).
        self.quit_app_on_request = True
        #: Start folder for the file dialogs; the app may restore and persist it.
        self.last_dir = ""
        self._watched: bool | None = None
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.setMinimumSize(640, 420)
        self.resize(1100, 700)

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
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.transport)
        self.setCentralWidget(central)

        self.progress = QProgressBar()
        self.progress.setObjectName("scanProgress")
        self.progress.setFixedWidth(180)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("dimLabel")
        self.progress_label.hide()
        status = self.statusBar()
        status.setContentsMargins(8, 0, 14, 2)
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress)
        status.setSizeGripEnabled(False)
        # The status bar only appears while it has something to say: the nights are quiet.
        status.messageChanged.connect(self._update_status_visible)
        status.hide()

        self._build_menus()
        self._wire_actions()
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.message.connect(self.show_message)
        library.message.connect(self.show_message)
        library.scan_progress.connect(self._on_library_scan_progress)
        library.scan_finished.connect(self._on_library_scan_finished)
        library.current_changed.connect(self._on_library_current_changed)
        library.playlists_changed.connect(self._update_playlist_actions)
        self.sidebar.editing_finished.connect(self.panel.table.setFocus)
        current = library.current_playlist()
        self._on_library_current_changed(current.uid if current else "")
        self._on_controller_track_changed(controller.current_track)
        self.panel.table.setFocus()

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
        layout.addWidget(self.now_playing)
        layout.addWidget(self.panel, 1)
        column.setMinimumWidth(360)
        return column

    def _build_menus(self) -> None:
        for title, ids in _MENUS.items():
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
        # Window shortcuts need an owner inside this window even without a menu bar (macOS).
        for spec in self.action_registry.specs():
            if not spec.widget_scope:
                self.addAction(self.action_registry[spec.id])
        remove = self.action_registry["remove_tracks"]
        self.panel.table.addAction(remove)
        self.panel.table.context_actions = [
            self.action_registry["play_pause"], remove, self._separator(),
            self.action_registry["add_files"], self.action_registry["add_folder"],
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

    def new_playlist(self) -> None:
        self.sidebar.new_playlist()

    def rename_playlist(self) -> None:
        self.sidebar.start_rename()

    def duplicate_playlist(self) -> None:
        self.sidebar.duplicate_current()

    def delete_playlist(self) -> None:
        self.sidebar.delete_current()

    def remove_tracks(self) -> None:
        self.panel.remove_selected()

    def focus_filter(self) -> None:
        self.panel.focus_filter()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.action_registry, self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<p>Fall asleep to ASMR and sleep sounds.</p>",
        )

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
        self.statusBar().showMessage(text, _MESSAGE_MS)

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
        self.close_requested.emit()
        if self.accept_close:
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData())
        if paths:
            self._add_paths(paths)
            event.acceptProposedAction()

    # --- handlers
    def _update_watched(self) -> None:
        # Minimised counts as not visible: nobody looks at a seek bar in the taskbar.
        watched = self.isVisible() and not self.isMinimized()
        if watched != self._watched:
            self._watched = watched
            self._controller.set_position_watched("window", watched)
            self.transport.set_watched(watched)

    def _add_paths(self, paths: list[str]) -> None:
        uid = self.panel.playlist_uid()
        if uid is not None and paths:
            self.last_dir = str(Path(paths[0]).parent)
            self._library.add_paths(uid, paths)

    def _on_controller_track_changed(self, track: Track | None) -> None:
        self.setWindowTitle(window_title(track))

    def _on_library_current_changed(self, uid: str) -> None:
        self.panel.set_playlist(uid or None)
        self._update_playlist_actions()

    def _update_playlist_actions(self) -> None:
        builtin = self.sidebar.current_is_builtin()
        self.action_registry["delete_playlist"].setEnabled(not builtin)

    def _on_library_scan_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)  # total 0: Qt shows a busy bar while counting
        self.progress.setValue(done)
        text = f"Adding files: {done:,} of {total:,}" if total else "Looking for files…"
        self.progress_label.setText(text)
        self.progress_label.show()
        self.progress.show()
        self._update_status_visible()

    def _on_library_scan_finished(self, _playlist_uid: str, count: int) -> None:
        self.progress.hide()
        self.progress_label.hide()
        self.show_message(f"Added {count} track{'s' if count != 1 else ''}")
        self._update_status_visible()

    def _update_status_visible(self) -> None:
        status = self.statusBar()
        status.setVisible(bool(status.currentMessage()) or not self.progress.isHidden())
