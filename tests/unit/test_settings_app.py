"""Settings in the composed app (fake engine, real files): changes save and apply at once,
shortcut overrides come back on the next start, and playback resumes on start only when the
settings say so, at the saved volume."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.app import SleepPlayerApp
from sleepplayer.core.fade import engine_volume
from sleepplayer.core.fade_window import RAMP_UP_S
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.settings import Settings, settings_to_dict
from sleepplayer.core.sleep_plan import EndAction, FadeCurve, SleepPlan
from sleepplayer.core.storage import atomic_write_json
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_UID
from sleepplayer.services.sleep_timer import TimerPhase
from sleepplayer.ui.settings_dialog import SettingsDialog
from sleepplayer.ui.theme import DARK, LIGHT, apply_theme
from sleepplayer.ui.unsaved_quit import UnsavedQuit
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock

pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints",
    "does not support raise",
    # The offscreen platform has no tray: Qt's tray icon says so on creation.
    "systemTrayWindowChanged",
)

MakeApp = Callable[[], SleepPlayerApp]


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(str(tmp_path / "home"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(
    qtbot: QtBot, qapp: QApplication, paths: AppPaths, clock: FakeClock
) -> Iterator[MakeApp]:
    """Start the app on ``paths``; each call is a new launch (the last one is shut down)."""
    running: list[SleepPlayerApp] = []

    def make() -> SleepPlayerApp:
        for app in running:
            app.shutdown()
        app = SleepPlayerApp(qapp, paths, FakeBackend(), clock=clock)
        qtbot.addWidget(app.window)
        running.append(app)
        return app

    yield make
    for app in running:
        app.shutdown()
    apply_theme(qapp, "system")


def _write_settings(paths: AppPaths, settings: Settings) -> None:
    paths.ensure()
    atomic_write_json(paths.settings_file, settings_to_dict(settings))


def _open_settings(app: SleepPlayerApp) -> SettingsDialog:
    app.window.show_settings()
    dialog = app.window.settings_dialog
    assert dialog is not None
    return dialog


def _saved(paths: AppPaths) -> dict[str, object]:
    data: dict[str, object] = json.loads(paths.settings_file.read_text())
    return data


def test_a_change_is_saved_without_ok(make_app: MakeApp, paths: AppPaths) -> None:
    app = make_app()
    dialog = _open_settings(app)
    dialog.timer_page.length.setValue(40 * 60)
    dialog.window_page.resume_playing.click()
    assert app.settings.sleep_minutes == 40
    assert app.timer.default_plan().duration_s == 40 * 60  # the timer reads it live
    assert app.store.flush()
    saved = _saved(paths)
    assert saved["sleep_minutes"] == 40 and saved["resume_playing"] is True


def test_a_changed_shortcut_works_at_once_and_after_a_restart(
    qtbot: QtBot, make_app: MakeApp, paths: AppPaths
) -> None:
    app = make_app()
    dialog = _open_settings(app)
    dialog.show_page("Shortcuts")
    page = dialog.shortcuts_page
    page.select("play_pause")
    QTest.keyClick(page.edit, Qt.Key.Key_P)
    dialog.close()
    window = app.window
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    with qtbot.waitSignal(app.controller.state_changed):
        QTest.keyClick(window, Qt.Key.Key_P)
    assert app.controller.state is PlayerState.PLAYING
    assert ("play", ()) in app.backend.calls  # type: ignore[attr-defined]

    again = make_app()  # the last one saved on shutdown
    assert _saved(paths)["shortcuts"] == {"play_pause": "P"}
    assert again.actions.shortcut("play_pause") == "P"
    assert again.actions.shortcut("mute") == "M"
    assert again.actions["play_pause"].toolTip() == "Play (P)"


def test_overrides_from_the_file_apply_at_start_and_bad_ones_are_ignored(
    make_app: MakeApp, paths: AppPaths
) -> None:
    _write_settings(paths, Settings(shortcuts={"next": "N", "nothing": "X", "about": "Ctrl+K, J"}))
    app = make_app()
    assert app.actions.shortcut("next") == "N"
    assert app.actions.shortcut("about") == ""
    assert app.settings.shortcuts["nothing"] == "X"  # kept: a newer version may know it
    dialog = _open_settings(app)
    dialog.shortcuts_page.select("mute")
    dialog.shortcuts_page.clear_button.click()
    assert app.settings.shortcuts == {"next": "N", "nothing": "X", "mute": ""}


def test_the_theme_applies_at_once(make_app: MakeApp, qapp: QApplication) -> None:
    app = make_app()
    dialog = _open_settings(app)

    def window_colour() -> QColor:
        return QApplication.palette().color(QPalette.ColorRole.Window)

    dialog.look_page.theme_buttons["light"].click()
    assert window_colour() == QColor(LIGHT.window)
    dialog.look_page.theme_buttons["dark"].click()
    assert window_colour() == QColor(DARK.window)
    assert app.settings.theme == "dark"


def test_keep_awake_follows_the_setting_at_once(make_app: MakeApp) -> None:
    app = make_app()
    dialog = _open_settings(app)
    app.controller.play_playlist(BUILTIN_PLAYLIST_UID)
    app.timer.arm_default()
    assert app.keep_awake.held
    dialog.timer_page.keep_awake.click()
    assert not app.keep_awake.held
    dialog.timer_page.keep_awake.click()
    assert app.keep_awake.held


def _play_then_quit(
    make_app: MakeApp,
    *,
    resume_playing: bool,
    restore_position: bool = True,
    pause: bool = False,
    plan: SleepPlan | None = None,
) -> str:
    """A launch that plays the second built-in track from 20 s at volume 30, then quits
    (with the settings as the dialog would have set them), with ``plan`` armed if given."""
    app = make_app()
    app.settings.resume_playing = resume_playing
    app.settings.restore_position = restore_position
    app.controller.set_volume(30)
    playlist = app.library.playlist(BUILTIN_PLAYLIST_UID)
    assert playlist is not None
    track_uid = playlist.tracks[1].uid
    app.controller.play_track(BUILTIN_PLAYLIST_UID, track_uid)
    app.controller.seek(20_000)
    assert app.controller.state is PlayerState.PLAYING
    if pause:
        app.controller.pause()
    if plan is not None:
        app.timer.arm(plan)
    app.shutdown()
    return track_uid


def _plays(app: SleepPlayerApp) -> list[object]:
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    return [call for call in backend.calls if call[0] == "play"]


def test_resume_playing_plays_on_where_it_was_rising_from_silence_to_the_saved_volume(
    qtbot: QtBot, make_app: MakeApp, paths: AppPaths, clock: FakeClock
) -> None:
    track_uid = _play_then_quit(make_app, resume_playing=True)
    resume = json.loads(paths.resume_file.read_text())
    assert resume["playing"] is True
    saved_ms = resume["position_ms"]
    assert abs(saved_ms - 20_000) < 1000  # the position moves on with the wall clock

    app = make_app()
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    assert _plays(app) == []  # nothing before the start is asked for
    assert app.resume_on_start()
    assert app.controller.state is PlayerState.PLAYING
    assert app.controller.current_track is not None
    assert app.controller.current_track.uid == track_uid
    assert ("seek", (saved_ms,)) in backend.calls
    # Nobody pressed Play and they may be asleep: the first sound is silent, then it rises.
    assert backend.volume() == 0
    clock.now += RAMP_UP_S / 2
    qtbot.waitUntil(lambda: 0 < backend.volume() < engine_volume(30), timeout=2000)
    clock.now += RAMP_UP_S / 2
    qtbot.waitUntil(lambda: backend.volume() == engine_volume(30), timeout=2000)
    assert app.controller.fade_gain == 1.0
    played = next(i for i, (name, _args) in enumerate(backend.calls) if name == "play")
    asked = [args[0] for name, args in backend.calls[played:] if name == "set_volume"]
    assert asked[0] == 0 and asked == sorted(asked)  # only ever up
    assert max(asked) == engine_volume(30)  # never louder than the saved volume


def test_resume_playing_rises_from_silence_also_when_the_engine_reports_its_start_later(
    qtbot: QtBot, make_app: MakeApp, clock: FakeClock
) -> None:
    # libVLC reports its start from its own thread: right after play() the controller still
    # says Stopped. That was taken for "it gave up", and the sound came at full volume.
    _play_then_quit(make_app, resume_playing=True)
    app = make_app()
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    backend.start_later = True
    assert app.resume_on_start()
    assert app.controller.state is not PlayerState.PLAYING
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=2000)
    assert backend.volume() == 0
    clock.now += RAMP_UP_S / 2
    qtbot.waitUntil(lambda: 0 < backend.volume() < engine_volume(30), timeout=2000)
    clock.now += RAMP_UP_S / 2
    qtbot.waitUntil(lambda: backend.volume() == engine_volume(30), timeout=2000)


def test_without_resume_playing_nothing_starts(make_app: MakeApp) -> None:
    assert Settings().resume_playing is False
    _play_then_quit(make_app, resume_playing=False)
    app = make_app()
    assert not app.resume_on_start()
    assert app.controller.state is not PlayerState.PLAYING
    assert _plays(app) == []


def test_resume_playing_needs_restore_position(make_app: MakeApp) -> None:
    _play_then_quit(make_app, resume_playing=True, restore_position=False)
    app = make_app()
    assert not app.resume_on_start()
    assert _plays(app) == []


def test_a_quit_during_the_fade_does_not_play_at_the_next_start(
    make_app: MakeApp, paths: AppPaths
) -> None:
    """Tray Quit, MPRIS Quit or a logout while the timer fades: the user fell asleep, so the
    next start must not play (let alone at the full saved volume)."""
    _play_then_quit(make_app, resume_playing=True, plan=SleepPlan(duration_s=60, fade_s=60))
    assert json.loads(paths.resume_file.read_text())["playing"] is False
    app = make_app()
    assert not app.resume_on_start()
    assert _plays(app) == []


def test_a_quit_while_the_timer_only_counts_down_still_plays_on(
    make_app: MakeApp, paths: AppPaths
) -> None:
    _play_then_quit(make_app, resume_playing=True, plan=SleepPlan(duration_s=1800, fade_s=60))
    assert json.loads(paths.resume_file.read_text())["playing"] is True


def test_playing_on_keeps_the_sleep_timer_that_ran_to_the_same_end(
    make_app: MakeApp, paths: AppPaths
) -> None:
    # Without it, a restart (an update, a crash, a logout) would play all night.
    plan = SleepPlan(duration_s=1800, fade_s=90, curve=FadeCurve.LINEAR, end_action=EndAction.STOP)
    _play_then_quit(make_app, resume_playing=True, plan=plan)
    saved = json.loads(paths.resume_file.read_text())["timer"]
    assert abs(saved["ends_at"] - (time.time() + 1800)) < 5
    app = make_app()
    assert app.resume_on_start()
    assert app.timer.phase is TimerPhase.ARMED
    deadline, again = app.timer.deadline, app.timer.plan
    assert deadline is not None and again is not None
    assert abs(deadline.timestamp() - saved["ends_at"]) < 1  # the same end, not 30 min more
    assert (again.fade_s, again.curve, again.end_action) == (90, plan.curve, plan.end_action)


def test_a_timer_run_on_ends_as_it_was_set_not_as_the_settings_say_today(
    make_app: MakeApp, paths: AppPaths
) -> None:
    # A hard end stays hard even when Settings lets tracks finish (it would play on up to
    # 15 min past the end), and a timer set to let the track finish still does.
    for hard in (True, False):
        _play_then_quit(
            make_app,
            resume_playing=True,
            plan=SleepPlan(duration_s=1800, let_track_finish=not hard, max_finish_wait_s=300),
        )
        settings = json.loads(paths.settings_file.read_text())
        settings["let_track_finish"] = hard
        atomic_write_json(paths.settings_file, settings)
        app = make_app()
        assert app.resume_on_start()
        plan = app.timer.plan
        assert plan is not None
        assert (plan.let_track_finish, plan.max_finish_wait_s) == (not hard, 300)


@pytest.mark.parametrize("what", ["nearly over", "track mode", "damaged", "too far off"])
def test_a_timer_that_cannot_run_on_means_no_playing_on(
    make_app: MakeApp, paths: AppPaths, what: str
) -> None:
    _play_then_quit(make_app, resume_playing=True, plan=SleepPlan(duration_s=1800))
    resume = json.loads(paths.resume_file.read_text())
    if what == "nearly over":  # the night's end came while SleepPlayer was closed
        resume["timer"]["ends_at"] = time.time() + 30
    elif what == "track mode":  # as saved for "at the end of this track" or "after N tracks"
        resume["timer"]["ends_at"] = None
    elif what == "too far off":  # more than any timer runs: a damaged clock or file
        resume["timer"]["ends_at"] = time.time() + 13 * 3600
    elif what == "damaged":
        resume["timer"] = {"ends_at": "soon"}
    atomic_write_json(paths.resume_file, resume)
    app = make_app()
    assert not app.resume_on_start()
    assert _plays(app) == [] and app.timer.phase is TimerPhase.IDLE
    assert app.window.statusBar().currentMessage().startswith("Not playing on: the sleep timer")
    # A timer given on the command line (--sleep 30m) is armed instead: it plays on.
    assert app.resume_on_start(timer_given=True)


def test_the_next_night_never_starts_muted_or_at_volume_0(
    make_app: MakeApp, paths: AppPaths
) -> None:
    # A mute, or the volume taken down to 0, at quit would make the next night silent with
    # nothing to say why: the next start is at the last volume that was heard.
    app = make_app()
    app.controller.set_volume(35)
    app.controller.set_muted(True)
    assert app.store.flush()
    app = make_app()
    assert (app.controller.volume, app.controller.muted) == (35, False)
    app.controller.set_volume(0)
    assert app.store.flush()
    assert _saved(paths)["volume"] == 35 and "muted" not in _saved(paths)
    app = make_app()
    assert app.controller.volume == 35


def test_a_pause_before_quitting_is_kept(make_app: MakeApp, paths: AppPaths) -> None:
    _play_then_quit(make_app, resume_playing=True, pause=True)
    assert json.loads(paths.resume_file.read_text())["playing"] is False
    app = make_app()
    assert not app.resume_on_start()
    assert _plays(app) == []


def test_a_new_grace_extension_applies_to_the_running_timer(make_app: MakeApp) -> None:
    app = make_app()
    dialog = _open_settings(app)
    dialog.timer_page.grace_minutes.setValue(25 * 60)
    app.controller.play_playlist(BUILTIN_PLAYLIST_UID)
    app.timer.arm(SleepPlan(duration_s=60, fade_s=60))  # fading from the start
    assert app.timer.phase is TimerPhase.FADING
    app.timer.notify_activity()  # a sleepy key press: the sound comes back for 25 min
    remaining = app.timer.remaining_s()
    assert remaining is not None and abs(remaining - 25 * 60) < 5


def _block_saving(paths: AppPaths) -> None:
    """A file where the settings folder was: every save fails, even for root."""
    shutil.rmtree(paths.config_dir)
    paths.config_dir.write_text("in the way")


def _allow_saving(paths: AppPaths) -> None:
    paths.config_dir.unlink()
    paths.config_dir.mkdir()


def test_a_quit_while_saves_fail_asks_first(make_app: MakeApp, paths: AppPaths) -> None:
    # The trial: with the folder read-only, Quit went without a word and the evening's
    # playlists were gone. Now a Quit the user asks for saves first and, when that fails,
    # asks: try again (after freeing the folder), quit without the changes, or stay.
    app = make_app()
    asked: list[str] = []
    answers: list[UnsavedQuit] = []

    def ask(_parent: object, failure: str) -> UnsavedQuit:
        asked.append(failure)
        assert not app.may_quit(), "a second Quit while the question is open does nothing"
        answer = answers.pop(0)
        if answer is UnsavedQuit.TRY_AGAIN:
            _allow_saving(paths)  # the user made room, then pressed Try Again
        return answer

    app.ask_unsaved_quit = ask
    assert app.may_quit() and asked == []  # saves work: no question

    _block_saving(paths)
    app.controller.set_volume(30)  # changed, and not yet tried to save (1 s of quiet first)
    answers.append(UnsavedQuit.STAY)
    assert not app.may_quit()
    assert len(asked) == 1 and "Cannot save" in asked[0]

    answers.append(UnsavedQuit.TRY_AGAIN)
    assert app.may_quit()
    assert len(asked) == 2 and _saved(paths)["volume"] == 30

    _block_saving(paths)
    answers.append(UnsavedQuit.QUIT)
    assert app.may_quit() and len(asked) == 3
    assert answers == []


def test_every_quit_the_user_asks_for_asks_and_no_other(
    qtbot: QtBot, make_app: MakeApp, paths: AppPaths
) -> None:
    # The window's Quit, its close button with no tray and the tray's Quit ask while saves
    # fail; the sleep timer's quit and a second launch's --quit never do (nobody is awake).
    app = make_app()
    asked: list[str] = []

    def ask(_parent: object, failure: str) -> UnsavedQuit:
        asked.append(failure)
        return UnsavedQuit.STAY

    app.ask_unsaved_quit = ask
    _block_saving(paths)
    app.actions["quit"].trigger()
    assert len(asked) == 1
    app.tray.menu.quit_action.trigger()
    assert len(asked) == 2
    app.settings.close_to_tray = False
    app.window.show()
    assert app.close_to_tray.close_by_user(), "the close button: refused while it may ask"
    qtbot.waitUntil(lambda: len(asked) == 3)
    assert app.window.isVisible(), "the user chose to stay: the window stays"
    app.quit()  # what the timer, MPRIS and a second launch call
    app.timer.quit_requested.emit()
    assert len(asked) == 3


def test_start_up_problems_are_also_written_to_stderr(
    make_app: MakeApp, paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    # The trial: three damaged files were named in the status bar, each gone in seconds and
    # never to be read again (unseen altogether when starting in the tray).
    paths.ensure()
    paths.settings_file.write_bytes(b"nonsense")
    make_app()
    err = capsys.readouterr().err
    assert "sleepplayer: " in err and "settings.json is not valid JSON" in err


def test_a_damaged_file_is_replaced_by_what_was_loaded(
    qtbot: QtBot, make_app: MakeApp, paths: AppPaths
) -> None:
    """Left in place, a damaged library was found, copied and named again at every start until
    some change was saved (a trial had two copies of each file after two starts)."""
    paths.ensure()
    tracks = [
        {"uri": f"file:///night/{n}.flac", "uid": f"t{n}", "title": f"T{n}"} for n in range(6)
    ]
    whole = json.dumps(
        {"schema_version": 1, "playlists": [{"uid": "p", "name": "Rain", "tracks": tracks}]}
    )
    paths.library_file.write_text(whole[: len(whole) * 2 // 3])  # cut inside the track list
    app = make_app()
    assert any(p.name == "Rain" for p in app.library.playlists())

    def repaired() -> bool:
        try:
            return "Rain" in paths.library_file.read_text() and bool(
                json.loads(paths.library_file.read_text())["playlists"]
            )
        except (OSError, ValueError):
            return False

    qtbot.waitUntil(repaired, timeout=5000)
    copies = list(paths.library_file.parent.glob("library.json.corrupt-*"))
    assert len(copies) == 1
    make_app()  # the next start finds nothing wrong
    assert list(paths.library_file.parent.glob("library.json.corrupt-*")) == copies
