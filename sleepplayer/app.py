"""The composition root: builds every service and the window, and shuts them down in order."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from sleepplayer import APP_ID, APP_NAME, __version__
from sleepplayer.bootstrap import VlcUnavailableError, create_backend, open_items
from sleepplayer.cli import EXIT_NO_VLC, sleep_plan_from_args
from sleepplayer.core.model import RepeatMode
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.session_state import ResumeState
from sleepplayer.core.settings import Settings
from sleepplayer.core.text import listed
from sleepplayer.desktop.inhibit import SleepInhibitor
from sleepplayer.desktop.instance_client import Claim
from sleepplayer.desktop.instance_server import InstanceServer
from sleepplayer.desktop.keep_awake import KeepAwake
from sleepplayer.desktop.now_playing import NowPlayingDeps, NowPlayingService, create_now_playing
from sleepplayer.desktop.page_release import PageRelease, release_gui_stack
from sleepplayer.desktop.suspend import SystemSuspender
from sleepplayer.playback.backend import PlaybackBackend, PlayerState
from sleepplayer.second_launch import launch_raises_window
from sleepplayer.services.builtin_sounds import ensure_builtin_playlist
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.opened_files import OpenedFiles
from sleepplayer.services.persistence import LIBRARY, RESUME, SETTINGS, Store, load_state
from sleepplayer.services.quiet_start import QuietStart
from sleepplayer.services.remote_commands import RemoteCommands
from sleepplayer.services.sleep_timer import SleepTimer, Suspender
from sleepplayer.services.timer_phase import TimerPhase
from sleepplayer.services.usable_items import Unusable, unusable_message
from sleepplayer.services.web_resolution import make_resolver
from sleepplayer.signal_bridge import SignalBridge
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.close_to_tray import CloseToTray
from sleepplayer.ui.icons import app_icon
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.theme import apply_theme
from sleepplayer.ui.tray import SystemTray
from sleepplayer.ui.unsaved_quit import UnsavedQuit, ask_unsaved_quit

#: While playing, the resume point is saved this often, so a crash loses at most this much.
RESUME_SAVE_MS = 60_000
#: States saved as "playing" in the resume point (a stream still opening counts).
_PLAYING_STATES = (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING)
#: The night is ending: a quit now is saved as not playing (see ``_playing_to_resume``).
_NIGHT_ENDING = (TimerPhase.FADING, TimerPhase.GRACE, TimerPhase.COUNTDOWN)


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
        clock: Callable[[], float] = time.monotonic,
        release_pages: Callable[[], int] | None = None,
    ) -> None:
        """``clock`` (monotonic seconds) times the open window and the quiet start's ramp;
        ``release_pages`` gives back the pages only start-up ran (``page_release``), none
        without it."""
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
        self.opened_files = OpenedFiles(self.library, self.controller, clock=clock)
        self.quiet_start = QuietStart(self.controller, cap=self.timer.fade_gain, clock=clock)
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
        unused_shortcuts = self.actions.apply_shortcut_overrides(self.settings.shortcuts)
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
        # Quit from the window goes through quit_by_user, which may ask first.
        self.window.quit_app_on_request = False
        self.window.quit_requested.connect(self.quit_by_user)
        self._asking_to_quit = False
        #: The question :meth:`may_quit` asks; replaceable in tests.
        self.ask_unsaved_quit: Callable[[QWidget | None, str], UnsavedQuit] = ask_unsaved_quit
        self._resume_timer = QTimer(self.window)
        self._resume_timer.setInterval(RESUME_SAVE_MS)
        self._resume_timer.timeout.connect(lambda: self.store.mark_dirty(RESUME))
        self.tray = SystemTray(
            self.controller, self.library, self.timer, self.actions, self, self.window
        )
        self.tray.show()
        self.close_to_tray = CloseToTray(
            self.window,
            self.tray,
            self,
            self.settings,
            self.timer,
            lambda: self.store.mark_dirty(SETTINGS),
        )
        self._connect()
        # Start-up's pages of Qt's drawing code, resident all night though playing needs few.
        self.page_release: PageRelease | None = None
        if release_pages is not None:
            self.page_release = PageRelease(
                qapp.applicationStateChanged, release_pages, parent=self.window
            )
        if not dir_problem:
            # What could be loaded replaces the damaged file (kept as a copy): left in place,
            # it was found damaged, copied and named again at every start until some change
            # was saved (a trial had two copies of each after two starts).
            for what in loaded.damaged:
                self.store.mark_dirty(what)
        problems = ([dir_problem] if dir_problem else []) + loaded.problems
        if unused_shortcuts:  # a hand-edited settings file
            problems.append(f"Shortcuts in the settings: {listed(unused_shortcuts)}.")
        for problem in problems:  # each in turn: the status bar lets each be read
            # Also on stderr, where it can be read again (the status bar's goes by, unseen
            # when the app starts in the tray).
            print(f"sleepplayer: {problem}", file=sys.stderr)
            QTimer.singleShot(0, lambda problem=problem: self.window.show_problem(problem))
        self.now_playing: NowPlayingService | None = None
        self._shut_down = False

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        c, lib, store = self.controller, self.library, self.store
        lib.modified.connect(lambda: store.mark_dirty(LIBRARY))
        c.volume_changed.connect(self._keep_volume)
        c.repeat_changed.connect(lambda r: self._set_setting("repeat", RepeatMode(r)))
        c.shuffle_changed.connect(lambda s: self._set_setting("shuffle", s))
        c.track_changed.connect(lambda _t: store.mark_dirty(RESUME))
        c.state_changed.connect(self._on_state)
        self.opened_files.replaced.connect(self.window.offer_to_undo_replacing)
        store.problem.connect(self.window.show_problem)
        self.window.settings_changed.connect(self._on_settings_changed)
        self.timer.quit_requested.connect(self.qapp.quit)
        self.qapp.aboutToQuit.connect(self.shutdown)

    def _keep_volume(self, volume: int) -> None:
        # The next night starts at the last volume that was heard, never silent: a volume
        # taken down to 0 is not kept, nor is a mute (it lasts for this session only).
        if volume > 0:
            self._set_setting("volume", volume)

    def _set_setting(self, name: str, value: object) -> None:
        setattr(self.settings, name, value)
        self.store.mark_dirty(SETTINGS)

    def _on_settings_changed(self, name: str) -> None:
        """The settings dialog changed ``name`` (already in ``self.settings``): save it, and
        apply what is not read live. The timer reads its defaults, grace and bedtime live."""
        self.store.mark_dirty(SETTINGS)
        if name == "theme":
            apply_theme(self.qapp, self.settings.theme)
        elif name == "shortcuts":
            self.actions.apply_shortcut_overrides(self.settings.shortcuts)
        elif name == "keep_awake":
            self.keep_awake.refresh()

    def _on_state(self, value: int) -> None:
        state = PlayerState(value)
        if state == PlayerState.PLAYING:
            self._resume_timer.start()
        elif state in (PlayerState.PAUSED, PlayerState.STOPPED):
            self._resume_timer.stop()
            self.store.mark_dirty(RESUME)

    def _restore_playback(self, resume: ResumeState, volume: int | None) -> None:
        s = self.settings
        if volume is None:
            volume = s.volume
        elif volume > 0:
            s.volume = volume  # --volume sets the starting volume, and it is kept from then on
        self.controller.set_volume(volume)
        self.controller.set_repeat(s.repeat)
        self.controller.set_shuffle(s.shuffle)
        position = resume.position_ms if s.restore_position else 0
        self.controller.restore(resume.playlist_uid, resume.track_uid, position)
        self._was_playing = resume.playing
        self._timer_at_quit = resume.timer

    def resume_on_start(self, *, timer_given: bool = False) -> bool:
        """Play on if the last session quit while playing and both ``restore_position`` and
        ``resume_playing`` are on. True when playback was started.

        Through the controller's normal start, like pressing Play (bedtime may arm the
        timer), but quietly: nobody pressed Play, and whoever is there may be asleep, so the
        sound rises from silence to the saved volume (:class:`QuietStart`).
        The sleep timer that ran at quit runs on to the same end; should that end be past
        (or the timer followed tracks), nothing plays: it would play all night. With
        ``timer_given`` (``--sleep`` on the command line) that timer is armed instead.
        """
        s = self.settings
        wanted = s.restore_position and s.resume_playing and self._was_playing
        if not wanted or self.controller.current_track is None:
            return False
        saved = None if timer_given else self._timer_at_quit
        if saved is not None and not self.timer.arm_resumed(saved):
            self.window.show_problem(
                "Not playing on: the sleep timer that ran at quit has ended,"
                " or cannot be set again."
            )
            return False
        self.quiet_start.play()
        return True

    def _resume_state(self) -> ResumeState:
        track = self.controller.current_track
        return ResumeState(
            self.controller.current_playlist_uid,
            track.uid if track else None,
            self.controller.position_ms() if track else 0,
            playing=self._playing_to_resume(),
            timer=self.timer.resume_timer(),
        )

    def _playing_to_resume(self) -> bool:
        """Whether the next start may play on. Not when the quit (tray or MPRIS Quit, a
        logout) comes while the night is ending: in the fade, the grace minute or the suspend
        countdown, or with any gain below full. Whoever fell asleep is not woken by it."""
        if self.controller.state not in _PLAYING_STATES:
            return False
        return self.timer.phase not in _NIGHT_ENDING and self.controller.fade_gain >= 1.0

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
        if self.window.is_shown():
            self.hide_window()
        else:
            self.show_window()

    def quit(self) -> None:
        """Quit without asking (MPRIS, a second launch, the sleep timer); ``aboutToQuit``
        saves first."""
        self.qapp.quit()

    def start_now_playing(self) -> None:
        """Media keys and the desktop's sound menu (MPRIS on Linux). Quiet when there is no
        bus; not done in ``__init__``, so an app built by a test stays off the user's bus."""
        self.now_playing = create_now_playing(
            NowPlayingDeps(
                self.controller,
                self.library,
                self.timer,
                raise_window=self.show_window,
                quit_app=self.quit,
                open_uri=self._open_uri,
            )
        )

    # ------------------------------------------------------------------ actions
    def open_items(self, items: list[str]) -> list[Unusable]:
        """Play command-line items (see :func:`sleepplayer.bootstrap.open_items`); returns
        the items left out, for the caller to name."""
        return open_items(self.opened_files, items, self.library.library)

    def _open_uri(self, uri: str) -> None:
        """MPRIS OpenUri: like a second launch's item, named in the window when unusable."""
        unusable = self.open_items([uri])
        if unusable:
            self.window.show_problem(unusable_message(unusable))

    def _save_everything(self) -> bool:
        """Settings (with the window's state), playlists and the position, now."""
        geometry, state, splitter = self.window.save_state()
        self.settings.window_geometry = geometry
        self.settings.window_state = state
        self.settings.splitter_state = splitter
        for what in (SETTINGS, LIBRARY, RESUME):
            self.store.mark_dirty(what)
        return self.store.flush()

    def quit_by_user(self) -> None:
        """Quit, as the user asked in the window (Quit, its close button) or the tray: when
        the changes cannot be saved, ask first. Other quits (the sleep timer, MPRIS, a
        second launch) never ask: nobody may be awake to answer."""
        if self.may_quit():
            self.quit()

    def may_quit(self) -> bool:
        """Save now; while that fails, ask: try again, quit without the changes, or stay.
        True to go on and quit."""
        if self._asking_to_quit:
            return False  # a second Quit while the question is open (the tray is not blocked)
        self._asking_to_quit = True
        try:
            while not self._save_everything():
                answer = self.ask_unsaved_quit(self.window, self.store.failure)
                if answer is not UnsavedQuit.TRY_AGAIN:
                    return answer is UnsavedQuit.QUIT
            return True
        finally:
            self._asking_to_quit = False

    def shutdown(self) -> None:
        """Ordered quit: timers, save (with the position), playback, worker, engine."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.now_playing is not None:  # first: the desktop stops offering our controls
            self.now_playing.shutdown()
        self.timer.shutdown()
        if self.page_release is not None:
            self.page_release.stop()
        self.quiet_start.stop()
        self.keep_awake.shutdown()
        self._resume_timer.stop()
        self._save_everything()
        self.controller.shutdown()
        self.library.shutdown()
        self.backend.release()


def _show_vlc_missing(message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, f"{APP_NAME} needs VLC", message)
    box.exec()


def _listen_for_second_launches(qapp: QApplication, claim: Claim | None) -> InstanceServer | None:
    """Listen as the primary (``claim`` comes from the command line's forward attempt)."""
    if claim is None:
        return None
    server = InstanceServer(claim)
    problem = server.listen()
    if problem is not None:
        print(f"sleepplayer: later launches cannot reach this one: {problem}", file=sys.stderr)
        server.release()
        return None
    # Connected before the app's own shutdown, so it runs first: no request during the save.
    qapp.aboutToQuit.connect(server.close)
    return server


def _serve_second_launches(app: SleepPlayerApp, server: InstanceServer) -> None:
    commands = RemoteCommands(
        app.controller,
        app.timer,
        lambda: app.settings,
        open_items=app.open_items,
        show_window=app.show_window,
        quit_app=app.quit,
        show_problem=app.window.show_problem,
    )
    server.set_handler(commands.apply)


def _wait_in_tray(app: SleepPlayerApp, args: argparse.Namespace) -> bool:
    """Start hidden in the tray when a global shortcut started SleepPlayer (``--toggle``,
    ``--sleep 30m``, ``--volume 20`` with nothing running): such a launch must not light the
    screen at night, as it would not with SleepPlayer already running. Only with a tray to
    come back from: without one the window shows, so SleepPlayer is never out of reach."""
    if launch_raises_window(args) or not app.tray.is_available():
        return False
    app.tray.watch_host()  # the window comes back if the tray host goes away
    return True


def _open_first_items(app: SleepPlayerApp, items: list[str]) -> bool:
    """Open the command line's items, as a second launch would; True when any was opened.
    Those left out are named in the window and on stderr; the last session's track stays."""
    unusable = app.open_items(items)
    if unusable:
        text = unusable_message(unusable)
        print(f"sleepplayer: {text}", file=sys.stderr)
        app.window.show_problem(text)
    return len(unusable) < len(items)  # each item is opened or left out


def run_app(args: argparse.Namespace, instance: Claim | None = None) -> int:
    """Run the window app; ``instance`` makes it the primary that later launches talk to."""
    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setApplicationDisplayName(APP_NAME)
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName(APP_ID)
    qapp.setWindowIcon(app_icon())
    server = _listen_for_second_launches(qapp, instance)
    try:
        paths = AppPaths.resolve(args.basedir)
        backend = create_backend(loop_cache_dir=paths.loop_cache_dir)
    except VlcUnavailableError as exc:
        print(f"sleepplayer: {exc}", file=sys.stderr)
        if server is not None:
            server.release()
        _show_vlc_missing(str(exc))
        return EXIT_NO_VLC
    app = SleepPlayerApp(
        qapp,
        paths,
        backend,
        volume=args.volume,
        suspender=SystemSuspender(),
        release_pages=release_gui_stack,
    )
    app.start_now_playing()
    try:
        plan = sleep_plan_from_args(args, app.settings)
    except ValueError as exc:
        app.window.show_problem(str(exc))
        plan = None
    # Closing the window is decided by CloseToTray (tray or quit), never by "last window
    # closed": a dialog closed while the window sits in the tray must not quit.
    qapp.setQuitOnLastWindowClosed(False)
    if not app.close_to_tray.start_hidden() and not _wait_in_tray(app, args):
        app.window.show()
    opened = bool(args.items) and _open_first_items(app, list(args.items))
    if not opened:
        app.resume_on_start(timer_given=plan is not None)
    if plan is not None:
        app.timer.arm(plan)
    # A verb that started SleepPlayer (nothing was running): do what it says.
    verb = getattr(args, "verb", None)
    if verb in ("play", "toggle") and not opened:
        app.controller.play()
    elif verb == "show":
        app.show_window()  # even when set to start in the tray
    if server is not None:
        _serve_second_launches(app, server)
    # Ctrl+C in a terminal, a logout's SIGTERM: the ordered quit, with its save, not a kill.
    signals = SignalBridge(lambda _signum: app.quit())
    code = qapp.exec()
    signals.close()
    if server is not None:
        server.release()  # after the save in aboutToQuit: the next launch reads fresh files
    return code
