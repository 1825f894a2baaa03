"""When a guarded start may let its sound through: the bookkeeping, no libVLC.

Every fresh start plays behind the equalizer at about -83 dB until libVLC's audio stream exists
(``vlc_backend``'s docstring has the measurements). Ending the guard sets the volume, seeks the
media to where it should be, and removes the equalizer. This class decides *when*; the engine
makes the libVLC calls.

An output with a volume of its own applies a new volume later than libVLC accepts it. Measured
on PulseAudio (null sink, ``module-stream-restore``):

* A new stream starts at the volume the app's previous stream ended with, which the output
  reports 0-1 ms after the device appears. A volume set then is reported 0.5-2 ms later.
* Removing the equalizer at the guard's end restarts libVLC's output, which makes a *new*
  stream (``pactl``: sink input #0, then #1), and that one takes its volume from
  stream-restore again. Set only a moment before, the new volume may not be
  recorded yet. One fresh-clone test run recorded the first 10 ms after a start 5.8 dB above
  the set level.

So the volume is asked for as soon as the stream exists, and the guard ends only once the
output reports it; a seekable media then still waits out ``PREROLL_MS``. On an output that
reports volumes, the end comes in two steps. A server without stream-restore (a minimal
PulseAudio) starts the restarted output's new stream at 100 %, and with one step the trial
heard 5-15 ms at full level at a third of the track changes. So the equalizer goes first,
together with the seek (which makes the output restart at once, playing zeros); the new
stream (its device event) is asked for the volume, and only once it reports it does a second
seek end the zeros, at the set volume.

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
#: The longest wait for the restarted output's new stream (its device event) once the
#: equalizer is gone; past this the volume is asked of whatever stream there is.
RESTART_WAIT_MS = 500
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
        self._since = 0.0
        self._playing_since = 0.0
        self._asked: int | None = None
        self._asked_at = 0.0
        self._reported_since_ask = False
        self._reports_volume = False
        #: The equalizer is gone and libVLC's output restarts: the new stream must take the
        #: volume before the guard's seek lets the sound through.
        self.restarted = False
        self._restarted_at = 0.0
        #: This start's output reported its device (PulseAudio does at each new stream).
        self._device_reported = False

    def begin(self, start_ms: int = 0) -> None:
        """play() is about to be called behind the equalizer."""
        self.active = True
        self.start_ms = start_ms
        self.stream_exists = False
        self._since = self._playing_since = self._clock()
        self._asked = None
        self._reported_since_ask = False
        # Not forgotten: the output stays the same kind. A track change may end its guard
        # before this stream's first report, reading the last stream's volume (the target),
        # and must still take the two steps (the app's recording: one 10 ms block 45 dB loud
        # in eight quick track changes at volume 10).
        self.restarted = False
        self._device_reported = False

    def end(self) -> None:
        self.active = False

    def output_reported_volume(self) -> None:
        """The output reported a volume (libVLC's MediaPlayerAudioVolume event)."""
        self._reports_volume = True
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
        # After the restart, what libVLC reads may still be the old stream's volume: only a
        # report that came after the ask is the new stream's.
        fresh = self._reported_since_ask or (self._asked > 1 and not self.restarted)
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
        """The output reported its device: a new stream exists (the first, or the restart's)."""
        self.stream_exists = True
        self._device_reported = True

    def restart_first(self) -> bool:
        """Remove the equalizer before the end, and wait for the new stream: the output has a
        volume of its own, which a new stream may not start at, and tells of each new stream
        (its device). Outputs that do not (ALSA, amem) end in one step, as before."""
        return (
            not self.restarted
            and self._device_reported
            and self._reports_volume
            and not self.volume_at_once
        )

    def restarting(self) -> None:
        """The equalizer was removed: a new stream comes, and is asked for the volume anew."""
        self.restarted = True
        self.stream_exists = False
        self._device_reported = False
        self._asked = None
        self._reported_since_ask = False
        self._restarted_at = self._clock()

    def restart_overdue(self) -> bool:
        """No new stream was reported within ``RESTART_WAIT_MS``: go on without."""
        return (self._clock() - self._restarted_at) * 1000 >= RESTART_WAIT_MS

    def preroll_done(self) -> bool:
        return (self._clock() - self._since) * 1000 >= PREROLL_MS
