"""A deterministic PlaybackBackend for controller and timer tests.

Commands change state synchronously and emit the same signals, in the same order, as
``VlcBackend`` does asynchronously; nothing runs on a timer. Time moves only when a test calls
``advance(ms)``.

The fake models the *raw engine* where the real one is most treacherous, so that a caller that
forgets a rule is caught:

* There is an audio output only while PLAYING or PAUSED. Without one, ``set_volume`` returns
  False and the value is lost; ``volume()`` is -1.
* Every new start (``play()`` after load/stop/end/error) begins at engine volume 100, as libVLC
  does, and emits ``audio_output_changed`` when the output appears. The caller must apply its
  volume again then. (``VlcBackend`` additionally re-applies the last requested volume itself;
  the fake deliberately does not, so a controller that relies on that is exposed.)

Signal order, shared with ``VlcBackend``:

* ``load``: ``state_changed(IDLE)`` (if the state changed). No ``end_reached`` for the old media.
* ``play`` from a stop: ``state_changed(OPENING)``, ``length_changed(len)`` (if known),
  ``state_changed(PLAYING)``, ``audio_output_changed``. A broken URI instead ends in
  ``state_changed(ERROR)`` then ``error_occurred(msg)``.
* the end: ``state_changed(ENDED)`` then ``end_reached``. If a ``state_changed`` listener already
  loaded something else, the stale ``end_reached``/``error_occurred`` is not emitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer

from sleepplayer.playback.backend import PlaybackBackend, PlayerState

DEFAULT_LENGTH_MS = 60_000

_WITH_OUTPUT = (PlayerState.PLAYING, PlayerState.PAUSED)
_STARTED = (PlayerState.OPENING, PlayerState.BUFFERING, PlayerState.PLAYING, PlayerState.PAUSED)


class FakeBackend(PlaybackBackend):
    """Deterministic, timer-free backend.

    Test controls: ``advance``, ``simulate_end``, ``simulate_error``, ``complete_opening``;
    ``lengths`` (uri -> ms, default ``DEFAULT_LENGTH_MS``; 0 = live/unknown, not seekable),
    ``broken_uris`` (play ends in ERROR), ``hold_opening`` (play stops at OPENING until
    ``complete_opening()``), ``stalled`` (``advance`` moves no position: a stream that stalls
    with its socket open, which gives no signal), ``stream_title`` (what ``now_playing`` reads
    while there is an output), ``headers`` (those of the last ``load``), and ``calls``: every
    command with its arguments, in order (queries such as ``position_ms()`` are not recorded).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lengths: dict[str, int] = {}
        self.broken_uris: set[str] = set()
        #: play() fails at once, with no state before the error (libVLC's play() gave -1).
        self.refused_uris: set[str] = set()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        #: When True, ``play()`` from a stop halts at OPENING until ``complete_opening()``.
        self.hold_opening = False
        #: When True, ``play()`` from a stop starts from the event loop, as libVLC reports
        #: its start on its own thread: right after the call the state is still the old one.
        self.start_later = False
        #: When True, ``advance`` moves no position: the stream stalled, silently.
        self.stalled = False
        #: The stream's now-playing title (ICY metadata), read while there is an output.
        self.stream_title = ""
        self.headers: dict[str, str] = {}
        self.uri: str | None = None
        self.looping = False
        self.released = False
        self._state = PlayerState.IDLE
        self._position_ms = 0
        self._length_ms = 0
        #: Where the next start begins (load's ``start_ms``), for the first start only.
        self._start_ms = 0
        self._volume = -1
        #: Bumped by load(); lets a signal sequence notice that a listener replaced the media.
        self._generation = 0
        self._read_to_end = False

    # --- test controls

    def advance(self, ms: int) -> None:
        """Let ``ms`` of playback time pass (only while PLAYING).

        At the end of the media: wraps around silently when looping, else ends
        (``state_changed(ENDED)`` then ``end_reached``). Live media (length 0) never end.
        """
        if ms < 0:
            raise ValueError("time only moves forward")
        if self._state != PlayerState.PLAYING or self.stalled:
            return
        self._position_ms += ms
        if self._length_ms <= 0 or self._position_ms < self._length_ms:
            return
        if self.looping:
            self._position_ms %= self._length_ms
        else:
            self._end()

    def simulate_end(self, *, read_to_end: bool | None = None) -> None:
        """The media ends now, even when looping: by default a live one (length 0) was cut
        off (its server went away), others were read to the end; ``read_to_end`` says which."""
        if self._state in _STARTED:
            self._end(read_to_end=self._length_ms > 0 if read_to_end is None else read_to_end)

    def simulate_error(self, message: str = "simulated error") -> None:
        """The engine reports an error for the current media now."""
        if self.uri is not None:
            self._fail(message)

    def complete_opening(self) -> None:
        """Finish a start held at OPENING by ``hold_opening``."""
        if self._state in (PlayerState.OPENING, PlayerState.BUFFERING):
            self._finish_opening()

    # --- the contract

    def load(
        self,
        uri: str,
        *,
        loop: bool = False,
        headers: Mapping[str, str] | None = None,
        start_ms: int = 0,
    ) -> None:
        self._record("load", uri, loop)
        self._start_ms = max(0, start_ms)
        self._generation += 1
        self.uri = uri
        self.looping = loop
        self.headers = dict(headers or {})
        self._position_ms = 0
        self._length_ms = 0
        self._volume = -1
        self._set_state(PlayerState.IDLE)

    def play(self) -> None:
        self._record("play")
        if self.uri is None or self._state in (
            PlayerState.PLAYING,
            PlayerState.OPENING,
            PlayerState.BUFFERING,
        ):
            return
        if self._state == PlayerState.PAUSED:
            self._set_state(PlayerState.PLAYING)
            return
        if self.uri in self.refused_uris:
            self._fail("libVLC refused to start it")
            return
        if self.start_later:
            generation = self._generation
            QTimer.singleShot(0, lambda: self._start(generation))
            return
        self._start(self._generation)

    def _start(self, generation: int) -> None:
        if generation != self._generation or self.uri is None:
            return  # stopped or loaded again meanwhile
        self._position_ms = 0
        self._set_state(PlayerState.OPENING)
        if generation != self._generation:
            return
        if self.uri in self.broken_uris:
            self._fail("cannot open or decode it")
            return
        length = self.lengths.get(self.uri, DEFAULT_LENGTH_MS)
        if length != self._length_ms:
            self._length_ms = length
            self.length_changed.emit(length)
            if generation != self._generation:
                return
        start_ms, self._start_ms = self._start_ms, 0
        self._position_ms = min(start_ms, length) if length > 0 else 0
        if not self.hold_opening:
            self._finish_opening()

    def pause(self) -> None:
        self._record("pause")
        if self._state == PlayerState.PLAYING:
            self._set_state(PlayerState.PAUSED)

    def stop(self) -> None:
        self._record("stop")
        self._start_ms = 0
        if self.uri is None:
            return
        self._position_ms = 0
        self._volume = -1
        self._set_state(PlayerState.STOPPED)

    def seek(self, position_ms: int) -> None:
        self._record("seek", position_ms)
        if self.is_seekable():
            self._position_ms = max(0, min(position_ms, self._length_ms))

    def position_ms(self) -> int:
        return self._position_ms if self._state in _STARTED else 0

    def length_ms(self) -> int:
        return self._length_ms

    def is_seekable(self) -> bool:
        return self._state in _WITH_OUTPUT and self._length_ms > 0

    def read_to_the_end(self) -> bool:
        return self._state == PlayerState.ENDED and self._read_to_end

    def set_volume(self, volume: int) -> bool:
        self._record("set_volume", volume)
        if self._state not in _WITH_OUTPUT:
            return False
        self._volume = max(0, min(int(volume), 200))
        return True

    def volume(self) -> int:
        return self._volume if self._state in _WITH_OUTPUT else -1

    def state(self) -> PlayerState:
        return self._state

    def now_playing(self) -> str:
        return self.stream_title if self._state in _WITH_OUTPUT else ""

    def release(self) -> None:
        if self.released:
            return
        self.calls.append(("release", ()))
        self._generation += 1
        self.released = True
        self.uri = None
        self._state = PlayerState.IDLE
        self._volume = -1

    # --- internals

    def _record(self, name: str, *args: Any) -> None:
        if self.released:
            raise RuntimeError(f"{name}() on a released backend")
        self.calls.append((name, args))

    def _set_state(self, state: PlayerState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(int(state))

    def _finish_opening(self) -> None:
        generation = self._generation
        self._volume = 100  # a fresh output always starts at 100, like libVLC's
        self._set_state(PlayerState.PLAYING)
        if generation == self._generation and self._state == PlayerState.PLAYING:
            self.audio_output_changed.emit()

    def _end(self, *, read_to_end: bool = True) -> None:
        generation = self._generation
        self._read_to_end = read_to_end
        self._volume = -1
        self._position_ms = 0
        self._set_state(PlayerState.ENDED)
        if generation == self._generation and self._state == PlayerState.ENDED:
            self.end_reached.emit()

    def _fail(self, message: str) -> None:
        generation = self._generation
        self._volume = -1
        self._position_ms = 0
        self._set_state(PlayerState.ERROR)
        if generation == self._generation and self._state == PlayerState.ERROR:
            self.error_occurred.emit(message)
