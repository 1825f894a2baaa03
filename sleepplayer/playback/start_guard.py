"""When a guarded start may let its sound through: the bookkeeping, no libVLC.

Off PulseAudio (and there, once an output did not take the volume before its stream, or a
web stream started at a position) every fresh start plays behind the equalizer at about
-83 dB until libVLC's audio stream exists (``vlc_backend``'s docstring has the measurements).
Ending the guard sets the volume, seeks the media to where it should be, and sets the
equalizer to pass the sound through. On PulseAudio the stream is made at the volume asked for
(``born``): no sound is held back, and the guard only waits for the stream, to send it a
volume changed since play() (and, for a start at a position, for the input's own pause at its
start, ``held``). This class decides *when*; the engine makes the libVLC calls.

Behind the equalizer, an output with a volume of its own applies a new volume later than libVLC
accepts it. Measured on PulseAudio (null sink), with each input stopped (``stop()``):

* Each start makes a new stream. It starts at the volume the app's previous stream ended with
  (``module-stream-restore``), or at 100 % on a server without that module, and the output
  reports it 0-1 ms after the device appears. A volume set then is reported 0.5-2 ms later.
* Until the new stream reports, libVLC still reads the previous stream's volume (its output
  object is reused), which after a track change is the target too. Ending on that reading
  let one 10 ms block through 45 dB loud in eight quick track changes at volume 10.

So the volume is asked for as soon as the stream exists, and the guard ends only once this
stream reports it; a seekable media then still waits out ``PREROLL_MS``. The end never
restarts the output (the engine keeps the equalizer, set to pass the sound through): a
restarted output made a new stream, at 100 % on a server without stream-restore, and one
10 ms block in 50-100 track changes came 3-9 dB above the set level.

An output that has reported a volume since the start gets up to ``VOLUME_REPORT_WAIT_MS`` for
it (a loaded machine). One that applies the volume inside libVLC either reports it within the
call (ALSA's software volume) or never. For an output that never does, the volume counts as applied
``VOLUME_CONFIRM_MS`` after the first ask, so its starts may end up to that much later; the
engine says when it knows the output applies it at once (amem, the tests' and bench's capture).
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: The guard ends (with its seek) no earlier than this after play(): in trials, seeks within
#: ~12 ms of play(), before the stream really ran, made PulseAudio play 0.8-1.2 s of zeros
#: (2 of 7 runs; never with 50 ms or more).
PREROLL_MS = 150
#: How long after the volume was first asked for an output that reports no volume has surely
#: taken it (libVLC applies it to the next block).
VOLUME_CONFIRM_MS = 150
#: The longest wait for an output that does report volumes (it did, since the start) to
#: report the one asked for: past this the sound starts anyway, rather than never.
VOLUME_REPORT_WAIT_MS = 1000
#: The longest wait for a start at a position to reach the input's own pause (it comes within
#: ~12 ms of play(), measured): past this it plays on from where it is.
HELD_WAIT_MS = 1000
#: A looping local file that has sent nothing to the output after playing this long holds no
#: playable audio. Without a limit a corrupt file on Repeat one never ended: input-repeat
#: restarts it at once, for ever (a trial heard silence all night, with no message). A sound
#: file starts in well under a second, from a slow disk too.
NO_SOUND_MS = 5000


class StartGuard:
    """The state of one guarded start: since when, where it seeks to, what the output said."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, *, volume_at_once: bool = False
    ) -> None:
        self._clock = clock
        #: The output applies a volume libVLC accepted from the next block on.
        self.volume_at_once = volume_at_once
        self.active = False
        #: Where the guard's end puts a seekable media: 0, a position asked for meanwhile, or
        #: the parked position.
        self.start_ms = 0
        #: The audio stream exists (the output reported its device, or audio was played).
        self.stream_exists = False
        #: This start's stream is made at the volume asked for (PulseAudio): nothing is held,
        #: the guard only waits for the stream to exist, to send a volume changed since.
        self.born = False
        #: The input starts paused, to seek to ``start_ms`` before it plays anything: its
        #: first pause is the engine's own.
        self.held = False
        self._since = 0.0
        self._playing_since = 0.0
        self._asked: int | None = None
        self._asked_at = 0.0
        self._reported_since_ask = False
        #: The output has reported a volume, and its device (PulseAudio does at each new
        #: stream), since the engine began: kept across starts, the output stays the same kind.
        self._reports_volume = False
        self._reports_device = False
        #: This start's output reported its device.
        self._device_reported = False
        #: This start's stream has reported a volume (after its device): what libVLC reads
        #: from then on is this stream's, not the previous one's.
        self._stream_reported = False

    def begin(self, start_ms: int = 0, *, born: bool = False, held: bool = False) -> None:
        """play() is about to be called, behind the equalizer or (``born``) not."""
        self.active = True
        self.born = born
        self.held = held
        self.start_ms = start_ms
        self.stream_exists = False
        self._since = self._playing_since = self._clock()
        self._asked = None
        self._reported_since_ask = False
        self._device_reported = False
        self._stream_reported = False

    def end(self) -> None:
        self.active = False
        self.born = False
        self.held = False

    def output_reported_volume(self) -> None:
        """The output reported a volume (libVLC's MediaPlayerAudioVolume event)."""
        self._reports_volume = True
        if self._device_reported:
            self._stream_reported = True
        if self._asked is not None:
            self._reported_since_ask = True

    def must_ask(self, target: int) -> bool:
        """True when ``target`` has not been asked of this stream yet (or was changed)."""
        return self._asked != target

    def asked(self, target: int) -> None:
        """libVLC accepted ``target`` as the volume."""
        if self._asked is None:
            # From the first ask: a volume that keeps changing (the quiet start's ramp) must
            # not keep moving the deadline.
            self._asked_at = self._clock()
        self._asked = target
        self._reported_since_ask = False

    def volume_applied(self, reported: int) -> bool:
        """Whether the output has the volume asked for, given the volume it reports now.

        A reading of 0 or 1 is what an output that has reported nothing yet shows too, so a low
        target also needs a report that came after it was asked for."""
        if self._asked is None:
            return False
        if self.volume_at_once:
            return True
        if self._reports_device:
            # What libVLC reads may still be the previous stream's volume until this one
            # reports, also when the played buffers told of it before its device event did.
            fresh = self._stream_reported
        else:
            fresh = self._reported_since_ask or self._asked > 1
        if abs(reported - self._asked) <= 1 and fresh:
            return True
        wait_ms = VOLUME_REPORT_WAIT_MS if self._reports_volume else VOLUME_CONFIRM_MS
        return (self._clock() - self._asked_at) * 1000 >= wait_ms

    def playing(self) -> None:
        """libVLC says Playing (at the start, or on a resume): the time without sound counts
        from here, so a pause at the very start does not count against the file."""
        self._playing_since = self._clock()

    def no_sound_overdue(self) -> bool:
        """Nothing has reached the output ``NO_SOUND_MS`` after the last Playing."""
        elapsed_ms = (self._clock() - self._playing_since) * 1000
        return not self.stream_exists and elapsed_ms >= NO_SOUND_MS

    def device_reported(self) -> None:
        """The output reported its device: this start's stream exists."""
        self.stream_exists = True
        self._reports_device = True
        self._device_reported = True

    def held_overdue(self) -> bool:
        """A start still waits for its input's own pause ``HELD_WAIT_MS`` after play()."""
        return self.held and (self._clock() - self._since) * 1000 >= HELD_WAIT_MS

    def preroll_done(self) -> bool:
        return (self._clock() - self._since) * 1000 >= PREROLL_MS
