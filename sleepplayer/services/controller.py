"""PlaybackController: the single owner of playback state.

(API skeleton; bodies are being filled in.)
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.model import RepeatMode, Track
from sleepplayer.playback.backend import PlaybackBackend, PlayerState
from sleepplayer.services.library import LibraryService


class PlaybackController(QObject):
    """Plays tracks of the library's playlists through a backend.

    Effective engine volume = user volume x fade gain (x 0 when muted), mapped once in
    ``core.fade.engine_volume`` and re-applied whenever the engine reaches Playing.
    """

    #: PlayerState value: PLAYING, PAUSED or STOPPED (others are collapsed into these three
    #: plus OPENING/BUFFERING while a track starts).
    state_changed = Signal(int)
    #: The current track changed (Track or None).
    track_changed = Signal(object)
    #: Position in ms; emitted only while playing and while someone watches the position.
    position_changed = Signal(int)
    #: Duration of the current track in ms (0 = unknown / live).
    duration_changed = Signal(int)
    #: User volume 0-100.
    volume_changed = Signal(int)
    muted_changed = Signal(bool)
    #: RepeatMode value string.
    repeat_changed = Signal(str)
    shuffle_changed = Signal(bool)
    #: A message for the status bar (errors, skipped items).
    message = Signal(str)
    #: The queue ran out (repeat off): playback stopped by itself.
    queue_finished = Signal()

    def __init__(self, backend: PlaybackBackend, library: LibraryService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)

    # --- what to play
    def play_track(self, playlist_uid: str, track_uid: str) -> None:
        """Make this playlist the play queue and start this track."""
    def play_playlist(self, playlist_uid: str) -> None:
        """Start the playlist from its first (or first shuffled) track."""

    # --- transport
    def play(self) -> None:
        """Resume, or start the current/first track of the current playlist."""
    def pause(self) -> None: ...
    def toggle(self) -> None: ...
    def stop(self) -> None: ...
    def next(self) -> None: ...
    def previous(self) -> None:
        """Restart the track when more than 3 s in, else go to the previous one."""
    def seek(self, position_ms: int) -> None: ...
    def seek_relative(self, delta_ms: int) -> None: ...

    # --- volume
    def set_volume(self, volume: int) -> None:
        """User volume 0-100 (clamped)."""
    def change_volume(self, delta: int) -> None: ...
    def set_muted(self, muted: bool) -> None: ...
    def toggle_mute(self) -> None: ...
    def set_fade_gain(self, gain: float) -> None:
        """The sleep timer's gain stage, 0.0-1.0. Never changes the user volume."""

    # --- order
    def set_repeat(self, mode: RepeatMode) -> None: ...
    def set_shuffle(self, on: bool) -> None: ...

    # --- position polling is only active while someone looks
    def set_position_watched(self, key: str, watched: bool) -> None:
        """E.g. ("window", visible). The poll runs while playing and any key is watched."""

    # --- read-only state
    @property
    def state(self) -> PlayerState: ...
    @property
    def current_track(self) -> Track | None: ...
    @property
    def current_playlist_uid(self) -> str | None: ...
    @property
    def volume(self) -> int: ...
    @property
    def muted(self) -> bool: ...
    @property
    def repeat(self) -> RepeatMode: ...
    @property
    def shuffle(self) -> bool: ...
    def position_ms(self) -> int:
        """Interpolated between the engine's coarse updates, for a smooth seek bar."""
    def duration_ms(self) -> int: ...
