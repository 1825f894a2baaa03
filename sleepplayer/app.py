"""The composition root: builds every service and the window, and shuts them down in order."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from sleepplayer import APP_ID, APP_NAME, __version__
from sleepplayer.bootstrap import VlcUnavailableError, create_backend, expand_items
from sleepplayer.cli import EXIT_NO_VLC, sleep_plan_from_args
from sleepplayer.core.model import RepeatMode
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.session_state import ResumeState
from sleepplayer.core.settings import Settings
from sleepplayer.desktop.inhibit import SleepInhibitor
from sleepplayer.desktop.keep_awake import KeepAwake
from sleepplayer.desktop.suspend import SystemSuspender
from sleepplayer.playback.backend import PlaybackBackend, PlayerState
from sleepplayer.services.builtin_sounds import ensure_builtin_playlist
from sleepplayer.services.controller import PlaybackController, make_resolver
from sleepplayer.services.item_loader import ItemLoader
from sleepplayer.services.library import LibraryService
from sleepplayer.services.persistence import LIBRARY, RESUME, SETTINGS, Store, load_state
from sleepplayer.services.sleep_timer import SleepTimer, Suspender
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.icons import app_icon
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.theme import apply_theme

#: While playing, the resume point is saved this often, so a crash loses at most this much.
RESUME_SAVE_MS = 60_000
#: Name of the playlist that command-line items are put into.
OPENED_PLAYLIST = "Opened files"


class SleepPlayerApp:
    """Owns the services and the window for one run of the window app."""

    def __init__(
        self,
        qapp: QApplication,
        paths: AppPaths,
        backend: PlaybackBackend,
        *,
        volume: int | None = None,
        suspender: Suspender | None = None,
    ) -> None:
        self.qapp = qapp
        self.paths = paths
        self.backend = backend
        dir_problem = paths.ensure()
        loaded = load_state(paths)
        ensure_builtin_playlist(loaded.library)
        self.settings: Settings = loaded.settings
        self.library = LibraryService(loaded.library)
        self.controller = PlaybackController(backend, self.library, resolver_factory=make_resolver)
        self._restore_playback(loaded.resume, volume)
        self.timer = SleepTimer(
            self.controller,
            settings=self.settings,
            suspender=suspender,
            state_file=paths.fell_asleep_file,
        )
        self.keep_awake = KeepAwake(
            self.controller,
            self.timer,
            SleepInhibitor(),
            lambda: self.settings.keep_awake,
            parent=self.controller,
        )
        self.store = Store(
            paths,
            settings=lambda: self.settings,
            library=self.library.snapshot,
            resume=self._resume_state,
        )
        apply_theme(qapp, self.settings.theme)
        self.actions = ActionRegistry(self.controller, sleep_timer=self.timer)
        self.window = MainWindow(
            self.controller,
            self.library,
            self.actions,
            sleep_timer=self.timer,
            settings=self.settings,
        )
        self.window.restore_state(
            self.settings.window_geometry, self.settings.window_state, self.settings.splitter_state
        )
        self._resume_timer = QTimer(self.window)
        self._resume_timer.setInterval(RESUME_SAVE_MS)
        self._resume_timer.timeout.connect(lambda: self.store.mark_dirty(RESUME))
        self._connect()
        problems = ([dir_problem] if dir_problem else []) + loaded.problems
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            QTimer.singleShot(0, lambda: self.window.show_message(problems[0] + more))
        self._shut_down = False

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        c, lib, store = self.controller, self.library, self.store
        lib.modified.connect(lambda: store.mark_dirty(LIBRARY))
        c.volume_changed.connect(lambda v: self._set_setting("volume", v))
        c.muted_changed.connect(lambda m: self._set_setting("muted", m))
        c.repeat_changed.connect(lambda r: self._set_setting("repeat", RepeatMode(r)))
        c.shuffle_changed.connect(lambda s: self._set_setting("shuffle", s))
        c.track_changed.connect(lambda _t: store.mark_dirty(RESUME))
        c.state_changed.connect(self._on_state)
        store.message.connect(self.window.show_message)
        self.timer.quit_requested.connect(self.qapp.quit)
        self.qapp.aboutToQuit.connect(self.shutdown)

    def _set_setting(self, name: str, value: object) -> None:
        setattr(self.settings, name, value)
        self.store.mark_dirty(SETTINGS)

    def _on_state(self, value: int) -> None:
        state = PlayerState(value)
        if state == PlayerState.PLAYING:
            self._resume_timer.start()
        elif state in (PlayerState.PAUSED, PlayerState.STOPPED):
            self._resume_timer.stop()
            self.store.mark_dirty(RESUME)

    def _restore_playback(self, resume: ResumeState, volume: int | None) -> None:
        s = self.settings
        if volume is not None:
            s.volume = volume  # --volume sets the starting volume, and it is kept from then on
        self.controller.set_volume(s.volume)
        self.controller.set_muted(s.muted)
        self.controller.set_repeat(s.repeat)
        self.controller.set_shuffle(s.shuffle)
        position = resume.position_ms if s.restore_position else 0
        self.controller.restore(resume.playlist_uid, resume.track_uid, position)

    def _resume_state(self) -> ResumeState:
        track = self.controller.current_track
        return ResumeState(
            self.controller.current_playlist_uid,
            track.uid if track else None,
            self.controller.position_ms() if track else 0,
        )

    # ------------------------------------------------------------------ window
    # One place for showing and hiding, shared by the tray, a second launch and MPRIS Raise.
    def show_window(self) -> None:
        """Show the window, un-minimised, raised and focused."""
        w = self.window
        if w.isMinimized():
            w.showNormal()
        else:
            w.show()
        w.raise_()
        w.activateWindow()

    def hide_window(self) -> None:
        self.window.hide()

    def toggle_window(self) -> None:
        """Hide a visible window, show a hidden or minimised one."""
        if self.window.isVisible() and not self.window.isMinimized():
            self.hide_window()
        else:
            self.show_window()

    def quit(self) -> None:
        """Quit from anywhere (tray, MPRIS, a second launch); ``aboutToQuit`` saves first."""
        self.qapp.quit()

    # ------------------------------------------------------------------ actions
    def open_items(self, items: list[str]) -> None:
        """Play command-line items: a saved playlist by name, or files, folders, playlist
        files and web links, gathered in the "Opened files" playlist."""
        opened = expand_items(items, self.library.library)
        if opened.only_playlists():
            self.library.set_current(opened.playlists[0].uid)
            self.controller.play_playlist(opened.playlists[0].uid)
            return
        existing = self.library.playlist_by_name(OPENED_PLAYLIST)
        uid = existing.uid if existing else self.library.create_playlist(OPENED_PLAYLIST)
        self.library.replace_tracks(uid, [])
        self.library.set_current(uid)
        loader = ItemLoader(self.library, self.window)

        def play_when_loaded(loaded_uid: str, count: int) -> None:
            loader.deleteLater()
            if count:
                self.controller.play_playlist(loaded_uid)

        loader.finished.connect(play_when_loaded)
        loader.load(uid, opened)

    def shutdown(self) -> None:
        """Ordered quit: timers, save (with the position), playback, worker, engine."""
        if self._shut_down:
            return
        self._shut_down = True
        self.timer.shutdown()
        self.keep_awake.shutdown()
        self._resume_timer.stop()
        geometry, state, splitter = self.window.save_state()
        self.settings.window_geometry = geometry
        self.settings.window_state = state
        self.settings.splitter_state = splitter
        for what in (SETTINGS, LIBRARY, RESUME):
            self.store.mark_dirty(what)
        self.store.flush()
        self.controller.shutdown()
        self.library.shutdown()
        self.backend.release()


def _show_vlc_missing(message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, f"{APP_NAME} needs VLC", message)
    box.exec()


def run_app(args: argparse.Namespace) -> int:
    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setApplicationDisplayName(APP_NAME)
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName(APP_ID)
    qapp.setWindowIcon(app_icon())
    try:
        paths = AppPaths.resolve(args.basedir)
        backend = create_backend(loop_cache_dir=paths.loop_cache_dir)
    except VlcUnavailableError as exc:
        print(f"sleepplayer: {exc}", file=sys.stderr)
        _show_vlc_missing(str(exc))
        return EXIT_NO_VLC
    app = SleepPlayerApp(
        qapp,
        paths,
        backend,
        volume=args.volume,
        suspender=SystemSuspender(),
    )
    try:
        plan = sleep_plan_from_args(args, app.settings)
    except ValueError as exc:
        app.window.show_message(str(exc))
        plan = None
    app.window.show()
    if args.items:
        app.open_items(list(args.items))
    if plan is not None:
        app.timer.arm(plan)
    return qapp.exec()
