"""``--headless``: the same controller as the window app, with a status line instead of a window.

Exits 0 when the queue or the sleep timer ends, or on MPRIS Quit; 1 when nothing could be
played (items not there are named and left out); Ctrl+C (or SIGTERM) fades out quickly, stops,
and exits 130 (143 for SIGTERM). On Linux it is an MPRIS player like the window app, so media
keys and ``playerctl`` control it; it has no window to raise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer

from sleepplayer import APP_NAME
from sleepplayer.bootstrap import VlcUnavailableError, check_items, create_backend, open_items
from sleepplayer.cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NO_VLC,
    EXIT_OK,
    EXIT_USAGE,
    sleep_plan_from_args,
)
from sleepplayer.core.model import Library
from sleepplayer.core.paths import AppPaths
from sleepplayer.desktop.inhibit import SleepInhibitor
from sleepplayer.desktop.keep_awake import KeepAwake
from sleepplayer.desktop.now_playing import NowPlayingDeps, create_now_playing
from sleepplayer.desktop.suspend import SystemSuspender
from sleepplayer.headless_status import StatusLine
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.builtin_sounds import ensure_builtin_playlist
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.gain_ramp import GainRamp
from sleepplayer.services.item_loader import ItemLoader
from sleepplayer.services.library import LibraryService
from sleepplayer.services.opened_files import OPENED_PLAYLIST, OpenedFiles
from sleepplayer.services.persistence import load_state
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.services.usable_items import unusable_message
from sleepplayer.services.web_resolution import make_resolver
from sleepplayer.signal_bridge import SignalBridge

#: Ctrl+C fades out over this long rather than cutting the sound.
QUICK_FADE_S = 1.5
STATUS_INTERVAL_MS = 1000
#: Playing this far into an item counts as having played something (for the exit code).
HEARD_MS = 1000


#: The player is making (or about to make) sound.
_SOUNDING = (PlayerState.OPENING, PlayerState.BUFFERING, PlayerState.PLAYING)


def end_with_the_timer(
    timer: SleepTimer, controller: PlaybackController, end: Callable[[], None]
) -> None:
    """A headless run ends with the sleep timer (``end``): once its pause has landed, or, when
    it suspends the computer, once the countdown is over (the computer asked to sleep, or the
    countdown cancelled). A key in the countdown resumes the sound, and the run goes on."""

    def on_finished(_action: str) -> None:
        QTimer.singleShot(0, after_the_end)  # the timer sets its next phase after saying so

    def after_the_end() -> None:
        if timer.phase is TimerPhase.COUNTDOWN:
            return  # on_countdown ends the run
        # libVLC pauses on its own thread: the last line waits (a moment) to say it paused.
        if controller.state == PlayerState.PLAYING:
            controller.state_changed.connect(lambda _s: end())
            QTimer.singleShot(1000, end)
        else:
            end()

    def on_countdown(left: int) -> None:
        if left == 0:  # said before the timer turns idle and suspends, or wakes up
            QTimer.singleShot(0, after_the_countdown)

    def after_the_countdown() -> None:
        # Over, unless a key brought the sound back: the timer woke up (re-armed), or, with
        # no grace minute, went idle while that key's Play started the sound.
        if timer.phase is TimerPhase.IDLE and controller.state not in _SOUNDING:
            end()

    timer.finished.connect(on_finished)
    timer.suspend_countdown.connect(on_countdown)


def run_headless(args: argparse.Namespace) -> int:
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    paths = AppPaths.resolve(args.basedir)
    try:
        backend = create_backend(loop_cache_dir=paths.loop_cache_dir)
    except VlcUnavailableError as exc:
        print(f"sleepplayer: {exc}", file=sys.stderr)
        return EXIT_NO_VLC

    saved = load_state(paths)
    # As in the window app: "Sleep sounds" is there from the first start on.
    ensure_builtin_playlist(saved.library)
    try:
        plan = sleep_plan_from_args(args, saved.settings)
    except ValueError as exc:
        print(f"sleepplayer: {exc}", file=sys.stderr)
        backend.release()
        return EXIT_USAGE
    # What is not there is named and left out, as for a second launch; with nothing left, exit.
    try:
        checked = check_items(args.items, saved.library)  # reads playlist files: may take a while
    except KeyboardInterrupt:  # Ctrl+C before the player runs: nothing to fade
        backend.release()
        return EXIT_INTERRUPTED
    if checked.unusable:
        print(f"sleepplayer: {unusable_message(checked.unusable)}", file=sys.stderr)
    if not checked.has_usable():
        backend.release()
        return EXIT_FAILED
    # A transient library: headless playback never rewrites the user's playlists.
    library = LibraryService(Library())
    playlist_uid = library.create_playlist(OPENED_PLAYLIST)  # named as in the window
    controller = PlaybackController(backend, library, resolver_factory=make_resolver)
    controller.set_volume(args.volume if args.volume is not None else saved.settings.volume)
    controller.set_position_watched("headless", True)
    timer = SleepTimer(
        controller,
        settings=saved.settings,
        suspender=SystemSuspender(),
        state_file=paths.fell_asleep_file,
    )
    keep_awake = KeepAwake(
        controller, timer, SleepInhibitor(), lambda: saved.settings.keep_awake, parent=controller
    )
    status = StatusLine(controller, timer, sys.stdout)
    for problem in saved.problems:  # a damaged settings or library file: said, as in the window
        status.note(problem, sys.stderr)
    exit_code = EXIT_OK
    # Something was heard (a track played to its end, or a second of it, as a radio that
    # played for hours and then lost its station): else a queue of broken files ends in
    # failure. Playing alone says little: a corrupt file reaches Playing and ends at once.
    played = False

    def on_track_finished(_uid: str) -> None:
        nonlocal played
        played = True

    def on_tick() -> None:
        nonlocal played
        # The engine's own position: the controller's runs on with the clock while Playing,
        # also for a stream that sends nothing until the watchdog calls it stalled.
        if played or controller.state != PlayerState.PLAYING:
            return  # decided, or nothing to hear: no engine call each second
        if backend.position_ms() >= HEARD_MS:
            played = True

    quitting = False

    def quit_with(code: int) -> None:
        nonlocal exit_code, quitting
        if quitting:
            return  # the first reason stands (a Ctrl+C while the timer's pause lands)
        quitting = True
        exit_code = code
        app.exit(code)

    def on_loaded(_uid: str, count: int) -> None:
        if count == 0:
            status.note("nothing to play", sys.stderr)
            quit_with(EXIT_FAILED)
        elif controller.state == PlayerState.STOPPED and controller.current_track is None:
            controller.play_playlist(playlist_uid)
            if plan is not None:
                timer.arm(plan)

    ramp = GainRamp(controller.set_fade_gain)

    interrupt_code = EXIT_INTERRUPTED

    def interrupted(signum: int) -> None:
        nonlocal interrupt_code
        interrupt_code = 128 + signum  # the shell's code: 130 for Ctrl+C, 143 for SIGTERM
        timer.shutdown()  # Ctrl+C takes over the fade from wherever the timer had it
        if ramp.is_running():  # a second Ctrl+C: stop at once
            controller.stop()
            quit_with(interrupt_code)
            return
        if controller.state != PlayerState.PLAYING:
            quit_with(interrupt_code)
            return
        ramp.start(controller.fade_gain, 0.0, QUICK_FADE_S)

    def faded() -> None:
        controller.stop()  # stop first, then the gain goes back: nothing audible in between
        controller.set_fade_gain(1.0)
        quit_with(interrupt_code)

    ramp.finished.connect(faded)
    end_with_the_timer(timer, controller, lambda: quit_with(EXIT_OK))
    timer.quit_requested.connect(lambda: quit_with(EXIT_OK))
    timer.changed.connect(status.update)
    said = (timer.message, timer.auto_armed, library.message, library.problem, controller.problem)
    for messages in said:
        messages.connect(lambda text: status.note(text, sys.stderr))
    controller.track_finished.connect(on_track_finished)
    controller.queue_finished.connect(lambda: quit_with(EXIT_OK if played else EXIT_FAILED))
    controller.track_changed.connect(lambda _t: status.update())
    controller.state_changed.connect(lambda _s: status.update())
    controller.status_text_changed.connect(lambda _t: status.update())
    ticker = QTimer(app)
    ticker.setInterval(STATUS_INTERVAL_MS)
    ticker.timeout.connect(status.update)
    ticker.timeout.connect(on_tick)
    ticker.start()
    signals = SignalBridge(interrupted)

    # Media keys, the sound menu and playerctl work here too (MPRIS; quietly none without a
    # session bus). There is no window to raise; OpenUri plays in place of the command line.
    opened = OpenedFiles(library, controller)

    def open_uri(uri: str) -> None:
        unusable = open_items(opened, [uri], saved.library)
        if unusable:
            status.note(unusable_message(unusable), sys.stderr)

    now_playing = create_now_playing(
        NowPlayingDeps(
            controller,
            library,
            timer,
            raise_window=lambda: None,
            quit_app=lambda: quit_with(EXIT_OK),
            open_uri=open_uri,
            has_window=False,
        )
    )

    # Files, folders, playlist files (read, never saved) and web links, in that order.
    loader = ItemLoader(library)
    loader.finished.connect(on_loaded)
    loader.load(playlist_uid, checked.usable)

    app.exec()
    if now_playing is not None:  # first: the desktop stops offering our controls
        now_playing.shutdown()
    ticker.stop()
    status.finish()
    signals.close()
    timer.shutdown()
    keep_awake.shutdown()
    controller.shutdown()
    library.shutdown()
    backend.release()
    return exit_code
