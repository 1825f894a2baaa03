"""The contract every playback engine implements.

The controller talks only to this interface; ``VlcBackend`` is the real engine and
``tests.helpers.fake_backend.FakeBackend`` the deterministic one. One contract suite
(``tests/contract``) runs against both.

Rules every implementation keeps:

* Signals are emitted on the thread that owns the backend (the Qt main thread), never on an
  engine thread. Engine callbacks are marshalled once, inside the backend.
* Commands never block on the network or the engine.
* ``set_volume`` returns whether the audio output took the value: an engine without a live
  output (stopped, or just started) may refuse, and the caller applies it again later.
* A stalled network stream gives no signal (libVLC stays in Playing and the position freezes),
  and ``now_playing`` changes silently: the owner polls both (``services.stream_watchdog``).
* An engine may let go of the sound device during a long pause (``VlcBackend``, see
  ``playback.pause_release``). Nothing of that shows: the state stays PAUSED, position, length,
  seekability and volume read as before (``set_volume`` is taken), a seek moves where play
  continues, and ``play()`` continues there. Resuming a stream may pass through OPENING.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal


class PlayerState(enum.IntEnum):
    IDLE = 0  # nothing loaded
    OPENING = 1
    BUFFERING = 2
    PLAYING = 3
    PAUSED = 4
    STOPPED = 5
    ENDED = 6
    ERROR = 7


class PlaybackBackend(QObject):
    """Abstract playback engine. Subclasses override every command."""

    #: The engine's state changed (a PlayerState value).
    state_changed = Signal(int)
    #: The current media played to its end. Not emitted between loops of a looping media.
    end_reached = Signal()
    #: The current media failed to open or decode: why, in a few lower-case words ("file not
    #: found"), which the controller puts after the track's name.
    error_occurred = Signal(str)
    #: The current media's duration became known, in ms.
    length_changed = Signal(int)
    #: The audio output appeared or reported a volume that may differ from the one requested.
    audio_output_changed = Signal()

    def load(
        self,
        uri: str,
        *,
        loop: bool = False,
        headers: Mapping[str, str] | None = None,
        start_ms: int = 0,
    ) -> None:
        """Replace the current media. ``loop`` repeats it seamlessly inside the engine.

        ``headers`` are HTTP headers a resolved stream needs (``ResolvedMedia.http_headers``).
        An engine passes those it can (libVLC: User-Agent and Referer) and ignores the rest.
        ``start_ms``: where the next play() begins a seekable media (a restored position), so
        nothing before it is heard; a later play() (after a stop or the end) begins at 0.
        A seek to that position once it plays changes nothing.
        """
        raise NotImplementedError

    def now_playing(self) -> str:
        """The stream's own now-playing title (ICY ``StreamTitle``), or "" when it has none.

        Engines do not signal changes reliably (libVLC never sends MediaMetaChanged for it):
        poll it while playing.
        """
        raise NotImplementedError

    def play(self) -> None:
        """Start the loaded media, or resume it when paused."""
        raise NotImplementedError

    def pause(self) -> None:
        """Pause if playing; no-op otherwise."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop and release the media's resources; position goes back to 0."""
        raise NotImplementedError

    def seek(self, position_ms: int) -> None:
        """Jump within the current media (ignored when it is not seekable)."""
        raise NotImplementedError

    def position_ms(self) -> int:
        """Current position, or 0 when nothing plays."""
        raise NotImplementedError

    def length_ms(self) -> int:
        """Duration of the current media, or 0 when unknown."""
        raise NotImplementedError

    def is_seekable(self) -> bool:
        raise NotImplementedError

    def read_to_the_end(self) -> bool:
        """After ``end_reached`` of a stream without a length: the engine read it to the last
        byte of a size the server gave (an Ogg file from a server without ranges). A live
        stream, whose size nobody knows, never was: its end is a lost connection. (Asked of
        media with a length, the answer means nothing: their length says where they end.)"""
        raise NotImplementedError

    def set_volume(self, volume: int) -> bool:
        """Engine volume 0-100 (libVLC scale: amplitude = (v/100)**3). True if applied.

        Between ``pause()`` and the PAUSED state a raise is held back (the output still
        plays until the engine has paused) and applied once paused; a cut applies at once.
        """
        raise NotImplementedError

    def volume(self) -> int:
        """The output's current volume, or -1 when there is no output."""
        raise NotImplementedError

    def state(self) -> PlayerState:
        raise NotImplementedError

    def release(self) -> None:
        """Free the engine. The backend is unusable afterwards."""
        raise NotImplementedError
