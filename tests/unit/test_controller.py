"""PlaybackController against the fake backend: order, volume rules, errors, restore."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.core.fade import engine_volume
from sleepplayer.core.model import Library, Playlist, RepeatMode, Track
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.builtin_sounds import builtin_tracks
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock


def _tracks(n: int) -> list[Track]:
    return [Track(uri=f"file:///music/t{i}.ogg", title=f"T{i}", uid=f"t{i}") for i in range(n)]


@pytest.fixture
def library() -> LibraryService:
    return LibraryService(Library([Playlist("P", _tracks(3), uid="p")], current_uid="p"))


class PlayingClock(FakeClock):
    """The fake clock, with the engine's time moving along with it."""

    def advance(self, backend: FakeBackend, ms: int) -> None:
        """Wall clock and engine time pass together, as in real playback."""
        self.now += ms / 1000
        backend.advance(ms)


@pytest.fixture
def clock() -> PlayingClock:
    return PlayingClock()


@pytest.fixture
def controller(
    backend: FakeBackend, library: LibraryService, clock: PlayingClock
) -> Iterator[PlaybackController]:
    c = PlaybackController(backend, library, clock=clock)
    c.set_volume(40)
    yield c
    c.shutdown()  # before the engine is released: no volume check after it


def _loaded(backend: FakeBackend) -> list[str]:
    return [args[0] for name, args in backend.calls if name == "load"]


def test_play_starts_first_track_at_user_volume(
    controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.play()
    assert controller.state == PlayerState.PLAYING
    assert _loaded(backend) == ["file:///music/t0.ogg"]
    # The engine came up at 100; the controller brought it down to the target at once.
    assert backend.volume() == engine_volume(40)


def test_auto_advance_in_order_then_queue_finishes(
    qtbot: QtBot, controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.play()
    backend.simulate_end()
    backend.simulate_end()
    with qtbot.waitSignal(controller.queue_finished, timeout=1000):
        backend.simulate_end()
    assert _loaded(backend) == [f"file:///music/t{i}.ogg" for i in range(3)]
    assert controller.state == PlayerState.STOPPED


def test_repeat_all_wraps(controller: PlaybackController, backend: FakeBackend) -> None:
    controller.set_repeat(RepeatMode.ALL)
    controller.play()
    for _ in range(3):
        backend.simulate_end()
    assert _loaded(backend)[-1] == "file:///music/t0.ogg"


def test_repeat_one_loops_inside_the_engine(
    controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.set_repeat(RepeatMode.ONE)
    controller.play()
    assert ("load", ("file:///music/t0.ogg", True)) in backend.calls
    backend.advance(60_000 * 3)  # three laps: no end, no reload
    assert _loaded(backend) == ["file:///music/t0.ogg"]
    assert controller.state == PlayerState.PLAYING


def test_a_built_in_sound_loops_whatever_the_repeat_mode(backend: FakeBackend) -> None:
    sounds = Playlist("Sleep sounds", builtin_tracks()[:2], uid="builtin", builtin=True)
    library = LibraryService(Library([sounds], current_uid="builtin"))
    controller = PlaybackController(backend, library)
    assert controller.repeat is RepeatMode.OFF
    controller.play()
    first = sounds.tracks[0].uri
    assert ("load", (first, True)) in backend.calls
    backend.advance(60_000 * 3)  # three laps of rain: no end, no change of sound
    assert _loaded(backend) == [first]
    assert controller.state == PlayerState.PLAYING and controller.loops_by_itself()


def test_a_sound_loops_in_any_playlist_and_a_users_file_nowhere_by_itself(
    backend: FakeBackend,
) -> None:
    # The trial: files of the user's added to "Sleep sounds" looped for ever, and a copy of
    # "Sleep sounds" went from Brown noise to Pink noise after 29 s, and stopped at the end.
    sound = builtin_tracks()[0]
    mine = _tracks(1)[0]
    sounds = Playlist("Sleep sounds", [mine], uid="builtin", builtin=True)
    copy = Playlist("Sleep sounds copy", [sound.with_changes(uid="c")], uid="copy")
    controller = PlaybackController(backend, LibraryService(Library([sounds, copy], "builtin")))
    controller.play()
    assert ("load", (mine.uri, False)) in backend.calls and not controller.loops_by_itself()
    controller.play_playlist("copy")
    assert ("load", (sound.uri, True)) in backend.calls and controller.loops_by_itself()


def test_switching_repeat_one_reloads_at_the_same_position(
    controller: PlaybackController, backend: FakeBackend, clock: PlayingClock
) -> None:
    controller.play()
    clock.advance(backend, 20_000)
    controller.set_repeat(RepeatMode.ONE)
    assert backend.calls[-1][0] in ("seek", "set_volume")
    assert backend.looping
    assert abs(backend.position_ms() - 20_000) < 1000


def test_no_volume_above_target_across_track_changes(
    controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.play()
    backend.simulate_end()
    backend.simulate_end()
    target = engine_volume(40)
    asked = [args[0] for name, args in backend.calls if name == "set_volume"]
    assert asked and max(asked) <= target
    assert backend.volume() == target


def test_broken_track_is_skipped_marked_and_reported(
    qtbot: QtBot, controller: PlaybackController, backend: FakeBackend, library: LibraryService
) -> None:
    backend.broken_uris.add("file:///music/t1.ogg")
    controller.play()
    with qtbot.waitSignal(controller.problem, timeout=1000) as message:
        backend.simulate_end()
    # Named once, by its title; the engine says only why.
    assert message.args[0] == "Skipped “T1”: cannot open or decode it."
    playlist = library.playlist("p")
    assert playlist is not None and len(playlist.tracks) == 3  # kept, only marked
    assert playlist.tracks[1].unavailable == "cannot open or decode it"
    assert _loaded(backend)[-1] == "file:///music/t2.ogg"
    assert controller.state == PlayerState.PLAYING


def test_an_address_no_way_in_allows_is_never_handed_to_the_engine(
    controller: PlaybackController, backend: FakeBackend, library: LibraryService
) -> None:
    library.add_tracks("p", [Track("smb://nas/share/a.mp3", "NAS", uid="smb")], 0)
    messages: list[str] = []
    controller.problem.connect(messages.append)
    controller.play_track("p", "smb")
    assert "smb://nas/share/a.mp3" not in _loaded(backend)
    assert messages == ["Skipped “NAS”: not played: smb: addresses are not allowed."]
    assert _loaded(backend) == ["file:///music/t0.ogg"]  # and the next one plays


def test_all_broken_stops_instead_of_looping(
    qtbot: QtBot, controller: PlaybackController, backend: FakeBackend
) -> None:
    backend.broken_uris.update(f"file:///music/t{i}.ogg" for i in range(3))
    controller.set_repeat(RepeatMode.ALL)
    with qtbot.waitSignal(controller.queue_finished, timeout=1000):
        controller.play()
    assert len(_loaded(backend)) == 3
    assert controller.state == PlayerState.STOPPED


@pytest.mark.parametrize("repeat", [RepeatMode.ALL, RepeatMode.ONE])
def test_corrupt_files_that_are_there_stop_instead_of_looping(
    qtbot: QtBot,
    controller: PlaybackController,
    backend: FakeBackend,
    library: LibraryService,
    tmp_path: Path,
    repeat: RepeatMode,
) -> None:
    # A file marked unavailable that is there again is tried again (a drive plugged back in):
    # a trial's two corrupt files on Repeat One swapped every 5 s, in silence, for ever.
    tracks = []
    for name in ("a.mp3", "b.flac"):
        (tmp_path / name).write_bytes(b"not sound")
        tracks.append(Track((tmp_path / name).as_uri(), name, uid=name))
        backend.broken_uris.add((tmp_path / name).as_uri())
    library.restore_playlist(1, Playlist("Broken", tracks, uid="broken"))
    controller.set_repeat(repeat)
    with qtbot.waitSignal(controller.queue_finished, timeout=1000):
        controller.play_track("broken", "a.mp3")
    assert len(_loaded(backend)) == 2
    assert controller.state == PlayerState.STOPPED
    # Chosen again by hand, a file is tried again: it may have been mended.
    controller.play_track("broken", "b.flac")
    assert _loaded(backend)[-1] == (tmp_path / "b.flac").as_uri()


def test_previous_restarts_after_three_seconds(
    controller: PlaybackController, backend: FakeBackend, clock: PlayingClock
) -> None:
    controller.play()
    backend.simulate_end()
    clock.advance(backend, 5000)
    controller.previous()
    assert backend.calls[-1] == ("seek", (0,))
    controller.previous()
    assert _loaded(backend)[-1] == "file:///music/t0.ogg"


def test_every_user_seek_is_reported_as_seeked(
    controller: PlaybackController, backend: FakeBackend, clock: PlayingClock
) -> None:
    """MPRIS sends Seeked for these (``position_changed`` also ticks while polling)."""
    seeks: list[int] = []
    controller.seeked.connect(seeks.append)
    controller.play()
    clock.advance(backend, 5000)
    controller.seek(20_000)
    controller.seek_relative(-5_000)
    controller.previous()  # more than 3 s in: back to the start
    assert seeks == [20_000, 15_000, 0]


def test_mute_and_fade_gain_never_touch_the_user_volume(
    controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.play()
    controller.set_muted(True)
    assert backend.volume() == 0
    controller.set_muted(False)
    controller.set_fade_gain(0.125)
    assert controller.volume == 40
    assert backend.volume() == engine_volume(40, 0.125)
    controller.set_fade_gain(1.0)
    assert backend.volume() == engine_volume(40)


def test_restore_resumes_at_saved_position(
    controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.restore("p", "t1", 12_000)
    assert controller.current_track is not None and controller.current_track.uid == "t1"
    assert backend.calls == [] or all(name == "set_volume" for name, _ in backend.calls)
    controller.play()
    assert ("seek", (12_000,)) in backend.calls
    assert backend.position_ms() == 12_000


def test_a_saved_position_past_the_track_end_restores_from_its_start(
    controller: PlaybackController, library: LibraryService
) -> None:
    # The trial: position_ms 999999999 showed "277:46:39" on a 1:00 track.
    library.update_track("p", _tracks(3)[1].with_changes(duration_ms=60_000))
    controller.restore("p", "t1", 999_999_999)
    assert controller.position_ms() == 0
    controller.restore("p", "t1", 59_000)
    assert controller.position_ms() == 59_000


def test_position_is_polled_only_while_playing_and_watched(
    qtbot: QtBot, controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.play()
    with qtbot.assertNotEmitted(controller.position_changed, wait=700):
        pass
    controller.set_position_watched("window", True)
    with qtbot.waitSignal(controller.position_changed, timeout=2000):
        pass
    controller.pause()
    with qtbot.assertNotEmitted(controller.position_changed, wait=700):
        pass


def test_queue_follows_playlist_edits(
    controller: PlaybackController, backend: FakeBackend, library: LibraryService
) -> None:
    controller.play()
    library.add_tracks("p", [Track(uri="file:///music/new.ogg", uid="new")], row=1)
    backend.simulate_end()
    assert _loaded(backend)[-1] == "file:///music/new.ogg"


def test_a_track_marked_missing_is_skipped_while_still_missing(
    controller: PlaybackController, backend: FakeBackend, library: LibraryService
) -> None:
    library.update_track("p", _tracks(3)[1].with_changes(unavailable="missing"))
    controller.play()
    backend.simulate_end()
    # Still missing on disk: skipped without a new attempt.
    assert _loaded(backend)[-1] == "file:///music/t2.ogg"


def _took_over(
    controller: PlaybackController, library: LibraryService, backend: FakeBackend
) -> None:
    """t1 plays 20 s in; then "o" (one item) takes over and reaches Playing, as libVLC
    reports a corrupt file before its end."""
    controller.play_track("p", "t1")
    controller.seek(20_000)
    broken = Track("file:///o/broken.ogg", uid="b")
    library.restore_playlist(1, Playlist("Opened", [broken], uid="o"))
    controller.play_playlist("o", back_if_unplayable=True)
    assert backend.uri == "file:///o/broken.ogg" and controller.state is PlayerState.PLAYING


@pytest.mark.parametrize(("after_ms", "goes_back"), [(300, True), (6_000, False)])
def test_a_playlist_that_took_over_and_fails_at_once_gives_back_what_played(
    controller: PlaybackController,
    library: LibraryService,
    backend: FakeBackend,
    clock: PlayingClock,
    after_ms: int,
    goes_back: bool,
) -> None:
    # Later than WAY_BACK_S after it first played, a failure is the new playlist's own.
    _took_over(controller, library, backend)
    clock.advance(backend, after_ms)
    finished: list[bool] = []
    controller.queue_finished.connect(lambda: finished.append(True))
    backend.simulate_error("cannot open or decode it")
    if goes_back:
        assert controller.current_playlist_uid == "p" and not finished
        assert backend.uri == "file:///music/t1.ogg" and controller.state is PlayerState.PLAYING
        assert ("seek", (20_000,)) in backend.calls[-4:]
    else:
        assert controller.current_playlist_uid == "o" and finished
        assert controller.state is PlayerState.STOPPED


def test_a_pause_while_the_new_playlist_opens_means_nothing_starts_by_itself(
    qtbot: QtBot, controller: PlaybackController, library: LibraryService, backend: FakeBackend
) -> None:
    _took_over(controller, library, backend)
    controller.pause()
    with qtbot.waitSignal(controller.queue_finished, timeout=1000):
        backend.simulate_error()
    assert controller.state is not PlayerState.PLAYING


@pytest.mark.parametrize("quiet", ["paused", "stopped"])
def test_next_and_previous_while_quiet_select_and_stay_quiet(
    controller: PlaybackController, backend: FakeBackend, quiet: str
) -> None:
    # A headset's Next at night started the sound. MPRIS: "If playback is paused or stopped,
    # it remains that way."
    controller.play_track("p", "t0")
    controller.seek(5_000)
    if quiet == "paused":
        controller.pause()
    else:
        controller.stop()
    state = controller.state
    mark = len(backend.calls)
    controller.next()
    assert controller.state is state
    assert controller.current_track is not None and controller.current_track.uid == "t1"
    assert controller.position_ms() == 0
    assert not any(name in ("play", "load") for name, _ in backend.calls[mark:])
    controller.previous()
    assert controller.current_track is not None and controller.current_track.uid == "t0"
    assert controller.state is state
    controller.next()
    controller.play()  # Play starts the chosen track, from its start
    assert backend.uri == "file:///music/t1.ogg" and controller.state is PlayerState.PLAYING
    assert backend.position_ms() == 0


def test_next_while_playing_plays_the_next_track(
    controller: PlaybackController, backend: FakeBackend
) -> None:
    controller.play_track("p", "t0")
    controller.next()
    assert backend.uri == "file:///music/t1.ogg" and controller.state is PlayerState.PLAYING
