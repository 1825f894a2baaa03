"""Deterministic fakes of PlaybackController, LibraryService and SleepTimer for UI tests.

They subclass the real services so mypy checks that every override keeps the real signature,
but they skip the real ``__init__`` (no backend, no disk): all state lives here, every public
method is overridden, and each call is recorded in ``calls`` for assertions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject

from sleepplayer.core.model import Library, Playlist, RepeatMode, Track, TrackKind
from sleepplayer.core.sleep_plan import SleepMode, SleepPlan
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase

#: The fake timer's wall clock unless a test passes its own.
FAKE_NOW = datetime(2024, 11, 5, 23, 0, 0).astimezone()


def make_tracks(count: int, prefix: str = "Track") -> list[Track]:
    """Tracks with varied titles/artists/durations, some radio, some unavailable."""
    artists = ("Whispering Willow", "Soft Rain Studio", "Gentle Tingles", "Night Owl ASMR")
    tracks = []
    for i in range(count):
        kind = TrackKind.RADIO if i % 97 == 96 else TrackKind.LOCAL
        uri = f"file:///music/sleep/{prefix.lower()}-{i:05d}.opus"
        if kind is TrackKind.RADIO:
            uri = f"https://radio.example/{i}"
        tracks.append(
            Track(
                uri=uri,
                title=f"{prefix} {i}",
                artist=artists[i % len(artists)],
                duration_ms=None if kind is TrackKind.RADIO else 60_000 + i * 7_919,
                kind=kind,
                unavailable="file not found" if i % 50 == 49 else None,
            )
        )
    return tracks


class FakeLibraryService(LibraryService):
    """An in-memory library that emits the same signals the real one documents."""

    def __init__(self, library: Library | None = None, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)  # the real __init__ would load from disk
        self._library = library or Library([Playlist("Sleep sounds", builtin=True)])
        self.calls: list[tuple[object, ...]] = []
        self._next_job_id = 0

    def current_playlist(self) -> Playlist | None:
        return self._library.current

    def set_current(self, uid: str) -> None:
        self.calls.append(("set_current", uid))
        if uid != self._library.current_uid and self.playlist(uid) is not None:
            self._library.current_uid = uid
            self.current_changed.emit(uid)

    def create_playlist(self, name: str) -> str:
        self.calls.append(("create_playlist", name))
        taken = {p.name for p in self._library.playlists}
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name} {n}", n + 1
        playlist = Playlist(unique)
        self._library.playlists.append(playlist)
        self.playlists_changed.emit()
        return playlist.uid

    def rename_playlist(self, uid: str, name: str, *, undoable: bool = True) -> None:
        self.calls.append(("rename_playlist", uid, name))
        playlist = self.playlist(uid)
        if playlist is not None and name and playlist.name != name:
            playlist.name = name
            self.playlists_changed.emit()

    def duplicate_playlist(self, uid: str) -> str:
        self.calls.append(("duplicate_playlist", uid))
        source = self.playlist(uid)
        assert source is not None
        copy = Playlist(f"{source.name} copy", [t.with_changes() for t in source.tracks])
        self._library.playlists.insert(self._library.playlists.index(source) + 1, copy)
        self.playlists_changed.emit()
        return copy.uid

    def delete_playlist(self, uid: str) -> tuple[int, Playlist] | None:
        self.calls.append(("delete_playlist", uid))
        playlist = self.playlist(uid)
        if playlist is None or playlist.builtin:
            return None
        index = self._library.playlists.index(playlist)
        self._library.playlists.remove(playlist)
        if self._library.current_uid == uid:
            self._library.current_uid = None
            current = self._library.current
            if current is not None:
                self.current_changed.emit(current.uid)
        self.playlists_changed.emit()
        return index, playlist

    def restore_playlist(self, index: int, playlist: Playlist) -> None:
        self.calls.append(("restore_playlist", index, playlist.uid))
        self._library.playlists.insert(index, playlist)
        self.playlists_changed.emit()

    def move_playlist(self, from_index: int, to_index: int) -> None:
        self.calls.append(("move_playlist", from_index, to_index))
        playlists = self._library.playlists
        playlists.insert(to_index, playlists.pop(from_index))
        self.playlists_changed.emit()

    def add_paths(self, playlist_uid: str, paths: Sequence[str], row: int | None = None) -> int:
        """Scans at once: ``job_finished`` comes before this returns (the real one's later)."""
        self.calls.append(("add_paths", playlist_uid, list(paths), row))
        job_id = self._new_job_id()
        total = len(paths)
        self.scan_progress.emit(0, total)
        tracks = [Track(Path(p).as_uri()) for p in paths]
        self.add_tracks(playlist_uid, tracks, row)
        self.scan_progress.emit(total, total)
        self.scan_finished.emit(playlist_uid, len(tracks))
        self.job_finished.emit(job_id, len(tracks), False)
        return job_id

    def add_tracks(
        self, playlist_uid: str, tracks: Sequence[Track], row: int | None = None
    ) -> None:
        playlist = self.playlist(playlist_uid)
        if playlist is None or not tracks:
            return
        first = len(playlist.tracks) if row is None else max(0, min(row, len(playlist.tracks)))
        playlist.tracks[first:first] = list(tracks)
        self.tracks_inserted.emit(playlist_uid, first, len(tracks))

    def remove_rows(self, playlist_uid: str, rows: Sequence[int]) -> list[tuple[int, Track]]:
        self.calls.append(("remove_rows", playlist_uid, sorted(rows)))
        playlist = self.playlist(playlist_uid)
        if playlist is None:
            return []
        removed = [(row, playlist.tracks[row]) for row in sorted(set(rows))]
        for row, _track in reversed(removed):  # last first, so earlier rows stay valid
            del playlist.tracks[row]
            self.tracks_removed.emit(playlist_uid, row, 1)
        return removed

    def restore_rows(self, playlist_uid: str, removed: Sequence[tuple[int, Track]]) -> bool:
        self.calls.append(("restore_rows", playlist_uid, [row for row, _ in removed]))
        playlist = self.playlist(playlist_uid)
        if playlist is None:
            return False
        for row, track in sorted(removed, key=lambda pair: pair[0]):
            playlist.tracks.insert(row, track)
            self.tracks_inserted.emit(playlist_uid, row, 1)
        return True

    def move_rows(self, playlist_uid: str, rows: Sequence[int], dest_row: int) -> None:
        self.calls.append(("move_rows", playlist_uid, list(rows), dest_row))
        playlist = self.playlist(playlist_uid)
        if playlist is None:
            return
        picked = sorted(set(rows))
        moving = [playlist.tracks[r] for r in picked]
        dest = dest_row - sum(1 for r in picked if r < dest_row)
        rest = [t for i, t in enumerate(playlist.tracks) if i not in set(picked)]
        playlist.tracks[:] = rest[:dest] + moving + rest[dest:]
        self.tracks_reset.emit(playlist_uid)

    def update_track(self, playlist_uid: str, track: Track) -> None:
        playlist = self.playlist(playlist_uid)
        row = playlist.index_of(track.uid) if playlist else -1
        if playlist is not None and row >= 0:
            playlist.tracks[row] = track
            self.track_updated.emit(playlist_uid, row)

    def save_now(self) -> None:
        self.calls.append(("save_now",))

    # --- links and playlist files: recorded; tests emit the signals they need
    def add_urls(self, playlist_uid: str, urls: Sequence[str], row: int | None = None) -> int:
        """Checks nothing: a test ends the job with ``job_finished`` (ids from 1, as returned)."""
        self.calls.append(("add_urls", playlist_uid, list(urls), row))
        return self._new_job_id()

    def cancel_urls(self, playlist_uid: str | None = None) -> None:
        self.calls.append(
            ("cancel_urls",) if playlist_uid is None else ("cancel_urls", playlist_uid)
        )

    def cancel_job(self, job_id: int) -> None:
        """Records it; a test ends the job with ``job_finished`` (cancelled), as the real one."""
        self.calls.append(("cancel_job", job_id))

    def cancel_scan(self, playlist_uid: str | None = None) -> None:
        self.calls.append(
            ("cancel_scan",) if playlist_uid is None else ("cancel_scan", playlist_uid)
        )

    def is_adding_urls(self) -> bool:
        return False

    def add_playlist_file(self, playlist_uid: str, path: str, row: int | None = None) -> int:
        self.calls.append(("add_playlist_file", playlist_uid, path, row))
        return 0

    def import_playlist_file(self, path: str) -> str:
        """A new, empty playlist named after the file (the real one reads it)."""
        self.calls.append(("import_playlist_file", path))
        return self.create_playlist(Path(path).stem)

    def export_playlist(self, uid: str, path: str, fmt: str, relative: bool) -> bool:
        self.calls.append(("export_playlist", uid, path, fmt, relative))
        return True


class FakeController(PlaybackController):
    """Playback state without an engine; commands change state and emit like the real one."""

    def __init__(self, library: FakeLibraryService, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)  # the real __init__ needs a backend
        self._library = library
        self._queue_ran_out = False
        self._status = ""
        self._state = PlayerState.STOPPED
        self._track: Track | None = None
        self._playlist_uid: str | None = None
        self._volume = 50
        self._muted = False
        self._repeat = RepeatMode.OFF
        self._shuffle = False
        self._position_ms = 0
        self._duration_ms = 0
        self._gain = 1.0
        self._stream_title = ""
        self.watchers: dict[str, bool] = {}
        self.calls: list[tuple[object, ...]] = []

    # --- what to play
    def play_track(self, playlist_uid: str, track_uid: str) -> None:
        self.calls.append(("play_track", playlist_uid, track_uid))
        playlist = self._library.playlist(playlist_uid)
        row = playlist.index_of(track_uid) if playlist else -1
        if playlist is None or row < 0:
            return
        self._playlist_uid = playlist_uid
        self.set_track(playlist.tracks[row])
        self._set_state(PlayerState.PLAYING)

    def play_playlist(self, playlist_uid: str, *, back_if_unplayable: bool = False) -> None:
        playlist = self._library.playlist(playlist_uid)
        if playlist and playlist.tracks:
            self.play_track(playlist_uid, playlist.tracks[0].uid)

    # --- transport
    def play(self) -> None:
        self.calls.append(("play",))
        self._set_state(PlayerState.PLAYING)

    def pause(self) -> None:
        self.calls.append(("pause",))
        self._set_state(PlayerState.PAUSED)

    def toggle(self) -> None:
        self.calls.append(("toggle",))
        playing = self._state == PlayerState.PLAYING
        self._set_state(PlayerState.PAUSED if playing else PlayerState.PLAYING)

    def stop(self) -> None:
        self.calls.append(("stop",))
        self._set_state(PlayerState.STOPPED)

    def next(self) -> None:
        self.calls.append(("next",))

    def previous(self) -> None:
        self.calls.append(("previous",))

    def seek(self, position_ms: int) -> None:
        self.calls.append(("seek", position_ms))
        self.set_position(position_ms)
        self.seeked.emit(position_ms)

    def seek_relative(self, delta_ms: int) -> None:
        self.calls.append(("seek_relative", delta_ms))
        self.set_position(max(0, self._position_ms + delta_ms))
        self.seeked.emit(self._position_ms)

    # --- volume
    def set_volume(self, volume: int) -> None:
        self.calls.append(("set_volume", volume))
        volume = max(0, min(100, volume))
        if volume != self._volume:
            self._volume = volume
            self.volume_changed.emit(volume)

    def change_volume(self, delta: int) -> None:
        self.calls.append(("change_volume", delta))
        self.set_volume(self._volume + delta)

    def set_muted(self, muted: bool) -> None:
        if muted != self._muted:
            self._muted = muted
            self.muted_changed.emit(muted)

    def toggle_mute(self) -> None:
        self.calls.append(("toggle_mute",))
        self.set_muted(not self._muted)

    def set_fade_gain(self, gain: float) -> None:
        self.calls.append(("set_fade_gain", gain))
        self._gain = gain

    # --- order
    def set_repeat(self, mode: RepeatMode) -> None:
        if mode != self._repeat:
            self._repeat = mode
            self.repeat_changed.emit(mode.value)

    def set_shuffle(self, on: bool) -> None:
        if on != self._shuffle:
            self._shuffle = on
            self.shuffle_changed.emit(on)

    def set_position_watched(self, key: str, watched: bool) -> None:
        self.watchers[key] = watched

    # --- read-only state: the real properties read the same fields; these differ
    @property
    def repeat(self) -> RepeatMode:
        return self._repeat

    @property
    def shuffle(self) -> bool:
        return self._shuffle

    def held_mid_track(self) -> bool:
        return False  # no restore here: a stop is a stop

    def position_ms(self) -> int:
        return self._position_ms

    def duration_ms(self) -> int:
        return self._duration_ms

    # --- test drivers (not part of the real API)
    def set_track(self, track: Track | None) -> None:
        self._track = track
        self._duration_ms = (track.duration_ms or 0) if track else 0
        self.track_changed.emit(track)
        self.duration_changed.emit(self._duration_ms)

    def set_position(self, position_ms: int) -> None:
        self._position_ms = position_ms
        self.position_changed.emit(position_ms)

    @property
    def stream_title(self) -> str:
        return self._stream_title

    def set_stream_title(self, title: str) -> None:
        """A live stream's own now-playing title (ICY), as the real one polls it."""
        self._stream_title = title
        self.stream_title_changed.emit(title)

    def set_status_text(self, text: str) -> None:
        """What the real one says while it works on a stream ("Reconnecting in 4 s ...")."""
        self._status = text
        self.status_text_changed.emit(text)

    def _set_state(self, state: PlayerState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(int(state))


class FakeSleepTimer(SleepTimer):
    """A sleep timer without ticks: commands record themselves and set plain state.

    ``arm`` fixes a deadline from the injected clock for DURATION plans (None otherwise);
    tests move it along with the drivers at the bottom (``set_state``, ``emit_message``).
    """

    def __init__(
        self, now: Callable[[], datetime] | None = None, parent: QObject | None = None
    ) -> None:
        QObject.__init__(self, parent)  # the real __init__ needs a controller
        self._now = now or (lambda: FAKE_NOW)
        self._phase = TimerPhase.IDLE
        self._plan: SleepPlan | None = None
        self._deadline: datetime | None = None
        self._remaining: float | None = None
        self._gain = 1.0
        self._description = ""
        self._fell_asleep: tuple[str, str, int] | None = None
        self.calls: list[tuple[object, ...]] = []

    # --- commands
    def arm(self, plan: SleepPlan) -> None:
        self.calls.append(("arm", plan))
        self._plan = plan
        self._phase = TimerPhase.ARMED
        self._gain = 1.0
        if plan.mode is SleepMode.DURATION:
            self._remaining = plan.duration_s
            self._deadline = self._now() + timedelta(seconds=plan.duration_s)
        else:
            self._remaining = None
            self._deadline = None
        self._description = f"Armed: {plan.mode.value}"
        self.changed.emit()

    def cancel(self) -> None:
        self.calls.append(("cancel",))
        was_counting_down = self._phase is TimerPhase.COUNTDOWN
        self._phase = TimerPhase.IDLE
        self._plan = None
        self._deadline = None
        self._remaining = None
        self._gain = 1.0
        if was_counting_down:
            self.suspend_countdown.emit(0)
        self.changed.emit()

    def extend(self, seconds: float) -> None:
        self.calls.append(("extend", seconds))
        if self._phase is TimerPhase.IDLE:  # as the real one: more time arms one for that long
            if seconds > 0:
                self.arm(SleepPlan(duration_s=seconds))
            return
        if self._remaining is not None:
            self._remaining = max(0.0, self._remaining + seconds)
        if self._deadline is not None:
            self._deadline += timedelta(seconds=seconds)
        self.changed.emit()

    def notify_activity(self, *, quiet: bool = False) -> None:
        self.calls.append(("notify_activity", "quiet") if quiet else ("notify_activity",))

    def undo_auto_arm(self) -> None:
        self.calls.append(("undo_auto_arm",))
        self.cancel()

    def arm_default(self) -> None:
        self.calls.append(("arm_default",))
        self.arm(SleepPlan())

    def resume_where_fell_asleep(self) -> bool:
        self.calls.append(("resume_where_fell_asleep",))
        return self._fell_asleep is not None

    def fell_asleep_at(self) -> tuple[str, str, int] | None:
        return self._fell_asleep

    # --- state
    @property
    def phase(self) -> TimerPhase:
        return self._phase

    @property
    def plan(self) -> SleepPlan | None:
        return self._plan

    @property
    def deadline(self) -> datetime | None:
        return self._deadline

    def remaining_s(self) -> float | None:
        return self._remaining

    def tracks_left(self) -> int | None:
        plan = self._plan
        if self._remaining is not None or plan is None or plan.mode is not SleepMode.AFTER_TRACKS:
            return None
        return plan.tracks

    def fade_gain(self) -> float:
        return self._gain

    def description(self) -> str:
        return self._description

    # --- test drivers (not part of the real API)
    def set_state(
        self,
        phase: TimerPhase,
        remaining_s: float | None = None,
        gain: float = 1.0,
        description: str | None = None,
    ) -> None:
        """Jump to a state (the plan stays) and emit ``changed``."""
        self._phase = phase
        self._remaining = remaining_s
        self._gain = gain
        if remaining_s is not None:
            self._deadline = self._now() + timedelta(seconds=remaining_s)
        if description is not None:
            self._description = description
        self.changed.emit()

    def set_fell_asleep(self, where: tuple[str, str, int] | None) -> None:
        self._fell_asleep = where
        self.changed.emit()
