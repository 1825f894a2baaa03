"""PlaybackController: the single owner of playback state.

Widgets, the tray, MPRIS and the headless front end read state from here and send commands
here; none of them talks to the backend.

Network items (issue 4, "Surviving the night"). A STREAM, RADIO or WEB item is watched while it
should advance (``StreamWatchdog``: no position progress for 8 s is a stall, because libVLC
sends nothing when a server stalls). A stall, an EndReached or an error starts a *recovery*
instead of the usual skip:

* live items (RADIO, a live WEB page, a STREAM of unknown length such as live HLS) reconnect on
  the live schedule of ``core.backoff`` (1, 2, 4 ... 60 s, then every 60 s, for 30 min); their
  EndReached never advances the playlist;
* finite streams and web videos that end early, stall or fail are reopened at the position
  they had (a WEB page is re-resolved first after an error, since a 403 or an expired link
  looks like any other error to libVLC); after 5 failed attempts the item is marked
  unavailable and the playlist moves on.

Between attempts the engine is stopped (``stop`` does not block on a dead connection: see
``vlc_backend``) and the status says "Reconnecting in 4 s (attempt 3)". Each attempt is a fresh
start, so the volume the audio returns at is the effective volume of that moment.

WEB items are resolved (``services.web_resolution``) when they are about to play: an unexpired
cached resolution plays at once, otherwise the status says "Resolving…". About 30 s before a
finite item ends (one single-shot timer, rescheduled on seek), the next WEB item is resolved
ahead, so it starts without a gap. Stream URLs and now-playing titles are never written to the
library.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.backoff import RetryPolicy
from sleepplayer.core.fade import engine_volume
from sleepplayer.core.links import local_path
from sleepplayer.core.model import RepeatMode, Track, TrackKind
from sleepplayer.core.queue import PlayQueue
from sleepplayer.core.url_policy import check_uri
from sleepplayer.core.web_media import ResolvedMedia
from sleepplayer.playback.backend import PlaybackBackend, PlayerState
from sleepplayer.services.builtin_sounds import is_builtin_sound
from sleepplayer.services.library import LibraryService
from sleepplayer.services.retry_schedule import RetrySchedule
from sleepplayer.services.stream_watchdog import StreamWatchdog
from sleepplayer.services.web_resolution import WebResolution

if TYPE_CHECKING:  # imported when the first web item plays, not at start-up
    from sleepplayer.playback.resolver import Resolver

#: How often the position is read while playing and watched. The seek bar interpolates.
POSITION_POLL_MS = 1000
#: "Previous" restarts the track when further in than this.
RESTART_THRESHOLD_MS = 3000
#: Re-check that the engine took our volume this often, this many times, after a start.
VOLUME_VERIFY_MS = 15
VOLUME_VERIFY_TRIES = 40
#: The next web item is resolved this long before the current item ends.
PREFETCH_LEAD_MS = 30_000
#: A finite stream that ends further than this before its length was cut off.
EARLY_END_MARGIN_MS = 5_000
RESOLVING = "Resolving…"

_TRANSIENT = (PlayerState.OPENING, PlayerState.BUFFERING)
#: A playlist that took over with ``back_if_unplayable`` and fails this soon after it first
#: plays gives back what played before; later, a failure is the new playlist's own.
WAY_BACK_S = 5.0


@dataclass
class _WayBack:
    """Where to go back to: the playlist, track and position that played."""

    playlist_uid: str
    track: Track
    position_ms: int
    #: Set when the new playlist first plays (clock seconds): the way back ends then.
    until: float | None = None


def _local_file_exists(uri: str) -> bool:
    path = local_path(uri) if uri.lower().startswith("file:") else None
    return path is not None and os.path.exists(path)


class PlaybackController(QObject):
    """Plays tracks of the library's playlists through a backend.

    Effective engine volume = user volume x fade gain (x 0 when muted), mapped once in
    ``core.fade.engine_volume`` and re-applied (and verified) whenever the engine reaches
    Playing or reports a new audio output, because libVLC forgets it on every start.
    """

    #: PlayerState value. OPENING/BUFFERING while a track starts, then PLAYING, PAUSED or
    #: STOPPED.
    state_changed = Signal(int)
    #: The current track changed (Track or None).
    track_changed = Signal(object)
    #: Position in ms; emitted only while playing and while someone watches the position.
    position_changed = Signal(int)
    #: The user moved the position (seek, seek_relative, "previous" restarting the track, a
    #: stop back to the start), in ms. Unlike ``position_changed`` it never comes from
    #: polling: MPRIS sends ``Seeked``.
    seeked = Signal(int)
    #: Nothing of a playlist that took over could play: playback goes back to this playlist
    #: (uid). Whoever emptied it for the new one may put its tracks back now.
    going_back = Signal(str)
    #: Duration of the current track in ms (0 = unknown / live).
    duration_changed = Signal(int)
    #: User volume 0-100.
    volume_changed = Signal(int)
    muted_changed = Signal(bool)
    #: RepeatMode value string.
    repeat_changed = Signal(str)
    shuffle_changed = Signal(bool)
    #: A problem for the status bar (skipped items, nothing playable); never routine news.
    problem = Signal(str)
    #: The queue ran out (repeat off): playback stopped by itself.
    queue_finished = Signal()
    #: The user asked to play (play, play_track, play_playlist): bedtime auto-arm listens.
    play_requested = Signal()
    #: A track played to its natural end (track uid), before the next one starts.
    track_finished = Signal(str)
    #: Playback halted at a track's end because ``halt_at_track_end`` was set (track uid).
    halted_at_track_end = Signal(str)
    #: A live stream's now-playing title (ICY metadata); "" when there is none. Never saved.
    stream_title_changed = Signal(str)
    #: What the player is doing when it is not simply playing: "Resolving…",
    #: "Reconnecting in 4 s (attempt 3)"; "" when there is nothing to say.
    status_text_changed = Signal(str)

    def __init__(
        self,
        backend: PlaybackBackend,
        library: LibraryService,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        resolver: Resolver | None = None,
        resolver_factory: Callable[[], Resolver] | None = None,
        watchdog: StreamWatchdog | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._library = library
        self._clock = clock
        self._queue = PlayQueue()
        self._playlist_uid: str | None = None
        self._track: Track | None = None
        self._state = PlayerState.STOPPED
        self._volume = 50
        self._muted = False
        self._gain = 1.0
        self._duration_ms = 0
        self._loaded = False  # the current track is loaded in the engine
        self._loaded_loop = False
        self._pending_seek_ms: int | None = None
        self._anchor_pos_ms = 0
        self._anchor_time = clock()
        self._last_raw_pos = -1
        self._watchers: set[str] = set()
        self._verify_tries = 0
        self._pause_when_playing = False  # a reload of a paused track stays paused
        self._halt_at_track_end = False
        # Network items (see the module docstring).
        self._web = WebResolution(resolver, resolver_factory, self)
        self._watchdog = watchdog or StreamWatchdog(parent=self)
        self._retries = RetrySchedule(retry or RetryPolicy(), clock, self)
        self._quiet_stop = False  # the engine's STOPPED that a recovery causes is not news
        self._media: ResolvedMedia | None = None  # the current WEB item's resolution
        self._force_resolve = False
        self._stream_title = ""
        #: The current item sent a now-playing title (ICY) at some point: a radio station.
        self._sent_titles = False
        self._queue_ran_out = False
        self._status = ""
        #: Items that failed since the last sound: not tried again on the way round. (A file
        #: marked unavailable that is there is tried again, as a drive may be back; two
        #: corrupt files on Repeat One swapped every 5 s, in silence, for ever.)
        self._failed_since_sound: set[str] = set()
        #: What played when a playlist took over with ``back_if_unplayable`` (see _WayBack).
        self._way_back: _WayBack | None = None

        self._retries.due.connect(self._on_retry_due)
        self._retries.countdown.connect(self._set_status)
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.timeout.connect(self._prefetch_next)
        self._watchdog.stalled.connect(self._on_stalled)
        self._watchdog.checked.connect(self._on_stream_checked)
        self._web.resolved.connect(self._on_resolved)
        self._web.failed.connect(self._on_resolve_failed)

        self._poll = QTimer(self)
        self._poll.setInterval(POSITION_POLL_MS)
        self._poll.timeout.connect(self._on_poll)
        self._verify = QTimer(self)
        self._verify.setSingleShot(True)
        self._verify.setInterval(VOLUME_VERIFY_MS)
        self._verify.timeout.connect(self._on_verify_volume)

        backend.state_changed.connect(self._on_backend_state)
        backend.end_reached.connect(self._on_backend_end)
        backend.error_occurred.connect(self._on_backend_error)
        backend.length_changed.connect(self._on_backend_length)
        backend.audio_output_changed.connect(self._on_backend_audio_output)
        library.tracks_inserted.connect(self._on_playlist_rows_changed)
        library.tracks_removed.connect(self._on_playlist_rows_changed)
        library.tracks_reset.connect(self._on_playlist_reset)
        library.track_updated.connect(self._on_track_updated)

    # ------------------------------------------------------------------ what to play
    def play_track(self, playlist_uid: str, track_uid: str) -> None:
        """Make this playlist the play queue and start this track (even if marked broken)."""
        playlist = self._library.playlist(playlist_uid)
        if playlist is None or playlist.index_of(track_uid) < 0:
            return
        self.play_requested.emit()
        self._way_back = None
        self._use_playlist(playlist_uid)
        self._queue.set_current(track_uid)
        self._start(track_uid)

    def play_playlist(self, playlist_uid: str, *, back_if_unplayable: bool = False) -> None:
        """Start the playlist from its first (or first shuffled) playable track.

        ``back_if_unplayable``: should none of it play (a corrupt file opened from outside is
        found out only now), what played goes on where it was instead of the night going
        silent."""
        self.play_requested.emit()
        self._way_back = None
        track = self._track
        if (
            back_if_unplayable
            and track is not None
            and self._playlist_uid is not None
            and (self._state == PlayerState.PLAYING or self._state in _TRANSIENT)
        ):
            self._way_back = _WayBack(self._playlist_uid, track, self.position_ms())
        self._play_playlist(playlist_uid)

    def _play_playlist(self, playlist_uid: str) -> None:
        playlist = self._library.playlist(playlist_uid)
        if playlist is None:
            return
        self._use_playlist(playlist_uid)
        self._queue.set_current(None)
        uid = self._step(auto=False)
        if uid is None:
            self._nothing_playable(playlist.name)
            return
        self._start(uid)

    def restore(self, playlist_uid: str | None, track_uid: str | None, position_ms: int) -> None:
        """Select where the last session stopped, without playing. Play continues there."""
        if playlist_uid is None or self._library.playlist(playlist_uid) is None:
            return
        self._use_playlist(playlist_uid)
        track = self._find(track_uid) if track_uid else None
        if track is None:
            return
        self._queue.set_current(track.uid)
        self._make_current(track)
        if track.duration_ms and position_ms >= track.duration_ms:
            position_ms = 0  # past its end (a damaged or hand-edited file): from the start
        self._pending_seek_ms = max(0, position_ms) or None
        self._anchor_pos_ms = max(0, position_ms)

    # ------------------------------------------------------------------ transport
    def play(self) -> None:
        """Resume, or start the current track, or the current playlist from the top."""
        self.play_requested.emit()
        self.resume()

    def resume(self) -> None:
        """Play on without it counting as the user's request (the sleep timer's grace)."""
        if self._state == PlayerState.PAUSED and self._loaded:
            self._backend.play()
            return
        if self._state == PlayerState.PLAYING or self._state in _TRANSIENT:
            return
        if self._track is not None and self._find(self._track.uid) is not None:
            self._start(self._track.uid, keep_pending_seek=True)
            return
        current = self._library.current_playlist()
        if current is not None:
            self._play_playlist(current.uid)

    def pause(self) -> None:
        if self._retries.active or self._web.pending:
            # Waiting for a server or a resolution: stop trying. Play starts the item again
            # (at the position a finite one had).
            self._end_recovery()
            self._web.cancel()
            if self._loaded:
                self._stop_engine_quietly()
            self._set_state(PlayerState.PAUSED)
            return
        self._way_back = None  # paused by someone: nothing starts by itself after
        if self._state == PlayerState.PLAYING or self._state in _TRANSIENT:
            self._backend.pause()

    def toggle(self) -> None:
        if self._state == PlayerState.PLAYING or self._state in _TRANSIENT:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        self._way_back = None
        self._end_recovery()
        self._web.cancel()
        self._pending_seek_ms = None
        moved = self.position_ms() != 0
        if self._loaded:
            self._backend.stop()
        self._loaded = False
        self._set_state(PlayerState.STOPPED)
        self._anchor_pos_ms = 0
        self.position_changed.emit(0)
        if moved:  # back to the start, also when already stopped at a restored place
            self.seeked.emit(0)
        self._set_stream_title("")

    def next(self) -> None:
        self._way_back = None
        if self._playlist_uid is None:
            self.play()
            return
        uid = self._step(auto=False)
        if uid is None:
            self.stop()
            self.queue_finished.emit()
            return
        self._go_to(uid)

    def previous(self) -> None:
        """Restart the track when more than 3 s in, else go to the previous one."""
        self._way_back = None
        if self._loaded and self.position_ms() > RESTART_THRESHOLD_MS:
            self.seek(0)
            return
        if self._playlist_uid is None:
            return
        uid = self._step(backwards=True)
        if uid is not None:
            self._go_to(uid)

    def _go_to(self, track_uid: str) -> None:
        """Next/Previous: start the track while something sounds; paused or stopped, only
        select it and stay quiet (MPRIS: "if playback is paused or stopped, it remains that
        way"). A headset's Next pressed at night must not start the sound."""
        if self._state == PlayerState.PLAYING or self._state in _TRANSIENT:
            self._start(track_uid)
            return
        track = self._find(track_uid)
        if track is None:
            return
        if self._loaded:
            self._stop_engine_quietly()  # Play starts the new track, from its start
        self._pending_seek_ms = None
        self._make_current(track)
        self._anchor(0)
        self.position_changed.emit(0)

    def seek(self, position_ms: int) -> None:
        position_ms = max(0, position_ms)
        if self._duration_ms > 0:
            position_ms = min(position_ms, max(0, self._duration_ms - 500))
        if self._loaded and self._state not in _TRANSIENT:
            self._backend.seek(position_ms)
        else:
            self._pending_seek_ms = position_ms
        self._anchor(position_ms)
        self.position_changed.emit(position_ms)
        self.seeked.emit(position_ms)
        self._schedule_prefetch()

    def seek_relative(self, delta_ms: int) -> None:
        if self._track is not None:
            self.seek(self.position_ms() + delta_ms)

    # ------------------------------------------------------------------ volume
    def set_volume(self, volume: int) -> None:
        """User volume 0-100 (clamped). Changing it also unmutes, as in most players."""
        volume = max(0, min(100, int(volume)))
        if volume != self._volume:
            self._volume = volume
            self.volume_changed.emit(volume)
        self._apply_volume()

    def change_volume(self, delta: int) -> None:
        self.set_volume(self._volume + delta)

    def set_muted(self, muted: bool) -> None:
        if muted != self._muted:
            self._muted = muted
            self.muted_changed.emit(muted)
            self._apply_volume()

    def toggle_mute(self) -> None:
        self.set_muted(not self._muted)

    def set_halt_at_track_end(self, halt: bool) -> None:
        """When set, the current track's natural end stops playback instead of advancing
        (the sleep timer's "end of track" modes). The next track becomes current, unplayed."""
        self._halt_at_track_end = halt

    def set_fade_gain(self, gain: float) -> None:
        """The sleep timer's gain stage, 0.0-1.0. Never changes the user volume."""
        gain = max(0.0, min(1.0, gain))
        if gain != self._gain:
            self._gain = gain
            self._apply_volume()

    @property
    def fade_gain(self) -> float:
        return self._gain

    def effective_volume(self) -> int:
        """The engine volume we want right now."""
        return engine_volume(self._volume, self._gain, self._muted)

    # ------------------------------------------------------------------ order
    def set_repeat(self, mode: RepeatMode) -> None:
        if mode == self._queue.repeat:
            return
        self._queue.repeat = mode
        self.repeat_changed.emit(mode.value)
        self._reload_for_loop_change()

    def set_shuffle(self, on: bool) -> None:
        if on != self._queue.shuffle:
            self._queue.shuffle = on
            self.shuffle_changed.emit(on)

    # ------------------------------------------------------------------ position polling
    def set_position_watched(self, key: str, watched: bool) -> None:
        """E.g. ("window", visible). The poll runs while playing and any key is watched."""
        if watched:
            self._watchers.add(key)
        else:
            self._watchers.discard(key)
        self._update_poll()

    # ------------------------------------------------------------------ read-only state
    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def current_track(self) -> Track | None:
        return self._track

    @property
    def current_playlist_uid(self) -> str | None:
        return self._playlist_uid

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def repeat(self) -> RepeatMode:
        return self._queue.repeat

    @property
    def shuffle(self) -> bool:
        return self._queue.shuffle

    def held_mid_track(self) -> bool:
        """Stopped, yet Play goes on from a point inside the current track (the place
        restored from last night, or one chosen while stopped): paused in all but name."""
        return (
            self._state == PlayerState.STOPPED
            and self._track is not None
            and bool(self._pending_seek_ms)
        )

    def position_ms(self) -> int:
        """Interpolated between the engine's coarse updates, for a smooth seek bar."""
        if self._state != PlayerState.PLAYING:
            return self._anchor_pos_ms
        elapsed = int((self._clock() - self._anchor_time) * 1000)
        position = self._anchor_pos_ms + max(0, elapsed)
        if self._duration_ms > 0:
            position = min(position, self._duration_ms)
        return position

    def duration_ms(self) -> int:
        return self._duration_ms

    @property
    def queue_ran_out(self) -> bool:
        """True while the controller stops because nothing is left to play: a Stopped then
        is nobody's Stop (the sleep timer must not take it for someone awake)."""
        return self._queue_ran_out

    @property
    def stream_title(self) -> str:
        """The current stream's now-playing title (ICY), or ""."""
        return self._stream_title

    @property
    def status_text(self) -> str:
        """ "Resolving…", "Reconnecting in 4 s (attempt 3)", or "" when there is nothing to say."""
        return self._status

    def shutdown(self) -> None:
        """Stop timers and playback before the backend is released (ordered quit).

        Never waits on the network: pending resolutions are cancelled, and stopping the engine
        does not block on a dead connection (measured; see ``vlc_backend``)."""
        self._poll.stop()
        self._verify.stop()
        self._prefetch_timer.stop()
        self._watchdog.disarm()
        self._end_recovery()
        self._web.shutdown()
        if self._loaded:
            self._backend.stop()
            self._loaded = False

    # ------------------------------------------------------------------ internals
    def _use_playlist(self, playlist_uid: str) -> None:
        if self._playlist_uid != playlist_uid:
            self._playlist_uid = playlist_uid
            self._queue.set_current(None)
        self._sync_queue()

    def _sync_queue(self) -> None:
        playlist = self._library.playlist(self._playlist_uid) if self._playlist_uid else None
        self._queue.set_items([t.uid for t in playlist.tracks] if playlist else [])

    def _find(self, track_uid: str | None) -> Track | None:
        playlist = self._library.playlist(self._playlist_uid) if self._playlist_uid else None
        if playlist is None or track_uid is None:
            return None
        row = playlist.index_of(track_uid)
        return playlist.tracks[row] if row >= 0 else None

    def _step(self, *, auto: bool = False, backwards: bool = False) -> str | None:
        """Move through the queue past unplayable items, saying which ones were skipped."""
        skipped: list[str] = []

        def playable(uid: str) -> bool:
            ok = self._is_playable(uid)
            track = self._find(uid)
            if not ok and track is not None:
                skipped.append(f"“{track.display_title}” ({track.unavailable or 'unavailable'})")
            return ok

        if backwards:
            uid = self._queue.previous(playable=playable)
        else:
            uid = self._queue.next(auto=auto, playable=playable)
        if skipped:
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            self.problem.emit(f"Skipped {skipped[0]}{more}.")
        return uid

    def _is_playable(self, track_uid: str) -> bool:
        track = self._find(track_uid)
        if track is None:
            return False
        if track.unavailable is None:
            return True
        if track_uid in self._failed_since_sound:
            return False
        # A file that was missing may be back (a drive was plugged in): try it again.
        return track.is_local and _local_file_exists(track.uri)

    def _start(self, track_uid: str, *, keep_pending_seek: bool = False) -> None:
        track = self._find(track_uid)
        if track is None:
            return
        if not keep_pending_seek:
            self._pending_seek_ms = None
        self._make_current(track)
        self._anchor(self._pending_seek_ms or 0)
        self._open(track)

    def _make_current(self, track: Track) -> None:
        """``track`` becomes the current one, not loaded yet: the recovery or resolution of the
        one before ends, its stream title goes, and the length shown is the track's."""
        self._end_recovery()
        self._web.cancel()
        self._media = None
        self._watchdog.forget_position()
        self._set_stream_title("")
        self._sent_titles = False
        self._set_track(track)
        self._duration_ms = track.duration_ms or 0
        self.duration_changed.emit(self._duration_ms)

    def _open(self, track: Track) -> None:
        """Put the track into the engine and play; a web page is resolved first."""
        refused = check_uri(track.uri, remote=False)
        if refused is not None:
            # Every way in checks its addresses; this is for a hand-edited library file.
            self._give_up(f"not played: {refused}")
            return
        if track.kind == TrackKind.WEB and self._web.available:
            media = None if self._force_resolve else self._web.cached(track.uri)
            if media is None:
                self._loaded = False
                self._watchdog.disarm()
                if not self._retries.active:
                    self._set_status(RESOLVING)
                self._set_state(PlayerState.OPENING)
                self._web.request(track.uri, force=self._force_resolve)
                return
            self._use_resolution(media)
            return
        self._load(track.uri)

    def _load(self, uri: str, headers: Mapping[str, str] | None = None) -> None:
        track = self._track
        self._loaded_loop = self._wants_loop(track)
        self._watchdog.disarm()  # a fresh baseline for the new media
        # From a position to restore at once: nothing of the track's start is heard first.
        start_ms = self._pending_seek_ms or 0
        self._backend.load(uri, loop=self._loaded_loop, headers=headers, start_ms=start_ms)
        self._loaded = True
        # The engine refuses a volume before its output exists; it is applied again, and
        # verified, once the output appears. Never start above the target.
        self._backend.set_volume(self.effective_volume())
        self._backend.play()
        self._update_watch()

    def _wants_loop(self, track: Track | None) -> bool:
        """Repeat-one loops inside the engine, for local files only (a stream reconnects).

        A built-in sound always loops, in whatever playlist: rain or brown noise is an
        ambience, not a 29 s track, and it must not stop (or turn into another sound) after
        half a minute of sleep. A file of the user's plays as a track, in "Sleep sounds" too.
        """
        if track is None or not track.is_local:
            return False
        return self._queue.repeat == RepeatMode.ONE or is_builtin_sound(track)

    def loops_by_itself(self) -> bool:
        """The current track loops whatever the repeat mode says: a built-in sound."""
        return self._track is not None and is_builtin_sound(self._track)

    def _set_track(self, track: Track | None) -> None:
        changed = (track is None) != (self._track is None) or (
            track is not None and self._track is not None and track.uid != self._track.uid
        )
        self._track = track
        if changed:
            self.track_changed.emit(track)

    def _set_state(self, state: PlayerState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(int(state))
        if state != PlayerState.PLAYING:
            self._prefetch_timer.stop()
        self._update_poll()
        self._update_watch()

    def _anchor(self, position_ms: int) -> None:
        self._anchor_pos_ms = position_ms
        self._anchor_time = self._clock()

    def _on_backend_audio_output(self) -> None:
        self._failed_since_sound.clear()  # something plays: a way round may try them all again
        self._apply_volume()

    def _apply_volume(self) -> None:
        if not self._loaded:
            return
        self._backend.set_volume(self.effective_volume())
        self._verify_tries = 0
        self._verify.start()

    def _on_verify_volume(self) -> None:
        target = self.effective_volume()
        if not self._loaded or self._backend.volume() == target:
            return
        self._backend.set_volume(target)
        self._verify_tries += 1
        if self._verify_tries < VOLUME_VERIFY_TRIES:
            self._verify.start()

    def _nothing_playable(self, name: str) -> None:
        if self._go_back(reload=False):
            return
        self.stop()
        self.problem.emit(f"Nothing playable in “{name}”.")
        self.queue_finished.emit()

    def _go_back(self, *, reload: bool = True) -> bool:
        """Start what played before a playlist took over (``back_if_unplayable``), where it
        was; False when there is no way back (not asked for, too late, or its playlist is gone).
        ``reload=False``: the engine still plays it, only the queue goes back."""
        way_back, self._way_back = self._way_back, None
        if way_back is None or (way_back.until is not None and self._clock() > way_back.until):
            return False
        back_uid, track = way_back.playlist_uid, way_back.track
        playlist = self._library.playlist(back_uid)
        if playlist is None:
            return False
        self.going_back.emit(back_uid)  # "Opened files" puts back what the open replaced
        if playlist.index_of(track.uid) < 0:
            # The open replaced the very list it played from ("Opened files" opened into
            # again): the track comes back to its end, so that it can play on.
            self._library.add_tracks(back_uid, [track])
        failed = self._library.playlist(self._playlist_uid) if self._playlist_uid else None
        what = f"“{failed.name}”" if failed else "what was opened"
        self.problem.emit(f"Nothing in {what} could play; “{track.display_title}” plays on.")
        if not reload:
            self._use_playlist(back_uid)
            self._queue.set_current(track.uid)
            return True
        self.restore(back_uid, track.uid, way_back.position_ms)
        self._start(track.uid, keep_pending_seek=True)
        return True

    def _reload_for_loop_change(self) -> None:
        """Repeat-one loops inside the engine; reload at the same spot when that changes."""
        wants_loop = self._wants_loop(self._track)
        if not self._loaded or self._track is None or wants_loop == self._loaded_loop:
            return
        was_paused = self._state == PlayerState.PAUSED
        self._pending_seek_ms = self.position_ms()
        self._start(self._track.uid, keep_pending_seek=True)
        self._pause_when_playing = was_paused

    # ------------------------------------------------------------------ backend events
    def _on_backend_state(self, value: int) -> None:
        if self._quiet_stop:
            return
        state = PlayerState(value)
        if state == PlayerState.PLAYING:
            self._on_playing()
        elif state in (PlayerState.PAUSED, PlayerState.OPENING, PlayerState.BUFFERING):
            if state == PlayerState.PAUSED:
                self._anchor(self.position_ms())
            # Buffering mid-play is not a state change users need to see.
            if state == PlayerState.BUFFERING and self._state == PlayerState.PLAYING:
                return
            self._set_state(state)
        elif state == PlayerState.STOPPED:
            self._set_state(PlayerState.STOPPED)
        # ENDED and ERROR arrive with their own signals.

    def _on_playing(self) -> None:
        if self._way_back is not None and self._way_back.until is None:
            # libVLC reports a corrupt file as Playing, then its end: a failure this soon
            # still goes back.
            self._way_back.until = self._clock() + WAY_BACK_S
        if self._retries.active:
            self._end_recovery(recovered=True)  # back (a failure soon after goes on counting)
        self._apply_volume()
        if self._pending_seek_ms is not None:
            if self._backend.is_seekable():
                self._backend.seek(self._pending_seek_ms)
            self._anchor(self._pending_seek_ms)
            self._pending_seek_ms = None
        else:
            self._anchor(self._backend.position_ms())
        track = self._track
        if track is not None and track.unavailable is not None and self._playlist_uid:
            self._library.update_track(self._playlist_uid, track.with_changes(unavailable=None))
        self._set_state(PlayerState.PLAYING)
        self._schedule_prefetch()
        if self._pause_when_playing:
            self._pause_when_playing = False
            self._backend.pause()

    def _on_backend_end(self) -> None:
        track = self._track
        if track is not None and _is_network(track):
            if self._is_live(track):
                self._recover("the stream ended")  # never advances the playlist
                return
            if self._ended_early():
                self._recover("the connection was lost")
                return
        finished = self._track
        if finished is not None:
            self.track_finished.emit(finished.uid)
        if self._halt_at_track_end:
            self._halt_at_track_end = False
            uid = self._step(auto=False)
            self.stop()
            if uid is not None and (track := self._find(uid)) is not None:
                self._set_track(track)
                self._duration_ms = track.duration_ms or 0
                self.duration_changed.emit(self._duration_ms)
            self.halted_at_track_end.emit(finished.uid if finished else "")
            return
        uid = self._step(auto=True)
        if uid is None:
            self._queue_ran_out = True
            try:
                self.stop()
            finally:
                self._queue_ran_out = False
            self.queue_finished.emit()
            return
        self._start(uid)

    def _on_backend_error(self, reason: str) -> None:
        track = self._track
        if track is not None and _is_network(track):
            # A 403 from an expired link looks like any other error: re-resolve a web page.
            self._recover(reason, force_resolve=True)
            return
        self._give_up(reason)

    def _give_up(self, reason: str) -> None:
        """Mark the current item unavailable, say why, and move on."""
        track = self._track
        self._end_recovery()
        self._web.cancel()
        if self._loaded:
            self._stop_engine_quietly()
        self._loaded = False
        if track is not None:
            self._failed_since_sound.add(track.uid)
        if track is not None and self._playlist_uid is not None:
            why = reason.rstrip(".")
            self._library.update_track(self._playlist_uid, track.with_changes(unavailable=why))
            self.problem.emit(f"Skipped “{track.display_title}”: {why}.")
        # Skip forward like a manual "next", so repeat-one does not retry the broken item.
        uid = self._step(auto=False)
        if uid is None or (track is not None and uid == track.uid):
            if self._go_back():
                return
            self.stop()
            self.queue_finished.emit()
            return
        self._start(uid)

    def _on_backend_length(self, length_ms: int) -> None:
        # libVLC may report 0 before it knows; keep what the tags said until then.
        if length_ms > 0 and length_ms != self._duration_ms:
            self._duration_ms = length_ms
            self.duration_changed.emit(length_ms)
            self._schedule_prefetch()
            track = self._track
            if (
                track is not None
                and self._playlist_uid is not None
                and track.kind != TrackKind.RADIO
                and track.duration_ms != length_ms
            ):
                self._library.update_track(
                    self._playlist_uid, track.with_changes(duration_ms=length_ms)
                )

    def _on_poll(self) -> None:
        raw = self._backend.position_ms()
        if raw != self._last_raw_pos:
            self._last_raw_pos = raw
            self._anchor(raw)
        self.position_changed.emit(self.position_ms())

    def _update_poll(self) -> None:
        should_run = self._state == PlayerState.PLAYING and bool(self._watchers)
        if should_run and not self._poll.isActive():
            self._poll.start()
        elif not should_run and self._poll.isActive():
            self._poll.stop()

    # ------------------------------------------------------------------ library events
    def _on_playlist_rows_changed(self, playlist_uid: str, _first: int, _count: int) -> None:
        self._on_playlist_reset(playlist_uid)

    def _on_playlist_reset(self, playlist_uid: str) -> None:
        if playlist_uid == self._playlist_uid:
            self._sync_queue()

    def _on_track_updated(self, playlist_uid: str, row: int) -> None:
        if playlist_uid != self._playlist_uid or self._track is None:
            return
        playlist = self._library.playlist(playlist_uid)
        if playlist is not None and 0 <= row < len(playlist.tracks):
            updated = playlist.tracks[row]
            if updated.uid == self._track.uid:
                self._track = updated
                self.track_changed.emit(updated)

    # ------------------------------------------------------------------ network items
    def _is_live(self, track: Track) -> bool:
        if track.kind == TrackKind.RADIO:
            return True
        if track.kind == TrackKind.WEB:
            return self._media is not None and self._media.is_live
        # A stream that played without a length is live (live HLS, an ICY link taken for a
        # file), unless it ended read to the end of a size the server gave: a file whose
        # length libVLC could not tell (Ogg from a server without ranges). That end is the
        # end, not a reason to reconnect; a station that sent titles is live whatever it did.
        # One that never played (a 404) is a finite item that gets its 5 attempts.
        return (
            track.kind == TrackKind.STREAM
            and self._duration_ms <= 0
            and self._watchdog.last_position_ms > 0
            and (self._sent_titles or not self._backend.read_to_the_end())
        )

    def _ended_early(self) -> bool:
        """A finite stream's end far before its length: the connection was cut."""
        if self._duration_ms <= 0:
            return False
        reached = max(0, self._watchdog.last_position_ms)
        return reached < self._duration_ms - EARLY_END_MARGIN_MS

    def _update_watch(self) -> None:
        """The watchdog runs while a network item is in the engine and should advance."""
        track = self._track
        should_run = (
            self._loaded
            and track is not None
            and _is_network(track)
            and self._state in (PlayerState.OPENING, PlayerState.BUFFERING, PlayerState.PLAYING)
        )
        if should_run and not self._watchdog.armed:
            self._watchdog.arm(self._backend.position_ms)
        elif not should_run and self._watchdog.armed:
            self._watchdog.disarm()

    def _on_stalled(self) -> None:
        track = self._track
        if track is not None and self._loaded and _is_network(track):
            self._recover("the stream stalled")

    def _on_stream_checked(self, _position_ms: int) -> None:
        if self._state == PlayerState.PLAYING:
            self._set_stream_title(self._backend.now_playing())

    def _recover(self, reason: str, *, force_resolve: bool = False) -> None:
        """The current network item failed: stop the engine and try again later."""
        track = self._track
        if track is None:
            return
        self._retries.begin(live=self._is_live(track))
        if not self._is_live(track):
            reached = self._watchdog.last_position_ms
            if reached > 0:
                self._pending_seek_ms = reached  # resume where it was
                self._anchor(reached)
        if force_resolve and track.kind == TrackKind.WEB:
            self._force_resolve = True
        self._web.cancel()
        if self._loaded:
            self._stop_engine_quietly()
        self._set_stream_title("")  # the song that played is gone with the connection
        self._schedule_retry(reason)

    def _schedule_retry(self, reason: str) -> None:
        if not self._retries.wait():
            self._give_up(reason)
            return
        self._set_state(PlayerState.BUFFERING)

    def _on_retry_due(self) -> None:
        track = self._track
        if track is None:
            return
        self._set_status(f"Reconnecting (attempt {self._retries.attempt})…")
        self._open(track)

    def _end_recovery(self, *, recovered: bool = False) -> None:
        if recovered:
            self._retries.recovered()
        else:
            self._retries.end()
        self._force_resolve = False
        self._set_status("")

    def _stop_engine_quietly(self) -> None:
        self._quiet_stop = True
        try:
            self._backend.stop()
        finally:
            self._quiet_stop = False
        self._loaded = False
        self._watchdog.disarm()

    def _set_status(self, text: str) -> None:
        if text != self._status:
            self._status = text
            self.status_text_changed.emit(text)

    def _set_stream_title(self, title: str) -> None:
        self._sent_titles = self._sent_titles or bool(title)
        if title != self._stream_title:
            self._stream_title = title
            self.stream_title_changed.emit(title)

    # ------------------------------------------------------------------ resolving web pages
    def _use_resolution(self, media: ResolvedMedia) -> None:
        self._media = media
        track = self._track
        if track is not None and not track.title and media.title and self._playlist_uid:
            self._library.update_track(self._playlist_uid, track.with_changes(title=media.title))
        if self._duration_ms <= 0 and media.duration_ms:
            self._duration_ms = media.duration_ms
            self.duration_changed.emit(media.duration_ms)
        self._load(media.stream_url, media.http_headers)

    def _on_resolved(self, media: ResolvedMedia) -> None:
        self._force_resolve = False
        if not self._retries.active:
            self._set_status("")
        self._use_resolution(media)

    def _on_resolve_failed(self, message: str) -> None:
        if self._retries.active:
            self._schedule_retry(message)  # one more failed attempt (the network may be down)
        else:
            self._set_status("")
            self._give_up(message)

    def _schedule_prefetch(self) -> None:
        """Resolve the next web item ~30 s before this one ends: one single-shot timer."""
        self._prefetch_timer.stop()
        if self._state != PlayerState.PLAYING or self._duration_ms <= 0:
            return
        if not self._web.available:
            return
        left = self._duration_ms - self.position_ms()
        self._prefetch_timer.start(max(0, left - PREFETCH_LEAD_MS))

    def _prefetch_next(self) -> None:
        if self._playlist_uid is None:
            return
        # A copy answers "what comes next" without moving the real cursor.
        uid = copy.deepcopy(self._queue).next(auto=True, playable=self._is_playable)
        track = self._find(uid)
        if track is not None and track.kind == TrackKind.WEB:
            self._web.resolve_ahead(track.uri)


def _is_network(track: Track) -> bool:
    return track.kind in (TrackKind.STREAM, TrackKind.RADIO, TrackKind.WEB) or not track.is_local
