"""The libVLC playback engine: the only module that imports ``vlc``.

Threading. libVLC calls its event callbacks on its own thread and is not reentrant. Each callback
here only emits the private ``_vlc_event(code, payload)`` signal (plain ints), connected with
``Qt.QueuedConnection``; all work happens in ``_on_vlc_event`` on the owner thread. Every libVLC
call goes through a method that first checks the calling thread (``thread_violations``).
Events of a media that was replaced are dropped: ``load``/``stop`` post a barrier into the same
queue, and events queued before it are stale.

Measured on libVLC 3.0.24 (Debian), which shaped this module:

* Volume does not survive a new start, with amem and after ``stop()``. Every new audio stream
  (``set_media``+``play``, or ``stop``+``play``) begins at volume 100, and
  ``audio_set_volume`` before the stream exists returns 0 but is lost. The stream is created
  on a decoder thread a few ms after ``play()``, and by the time a queued event reaches the
  main thread libVLC may already have mixed over a second of audio at 100 (amem, captured:
  1.15 s at full level on a switch from volume 40). ``:start-paused``, muting before the
  switch and setting the volume while paused all lose too.
* On PulseAudio a start needs no guard: the server makes a stream at a volume set while
  libVLC's output object exists but no stream does (after ``set_media``, which ends the input
  and keeps the output; ``stop()`` closes the output object, after which
  ``audio_set_volume`` returns -1), with or without ``module-stream-restore``. So there an
  input is ended with ``set_media(None)``, and each start gets the volume asked for just
  before ``play()`` (``_give_next_stream``). Measured at a null sink, 40 track changes between
  volumes 30 and 70: every stream at the set level from its first block (never above it by
  more than 0.01 dB), the first sound 10-20 ms after play(). No equalizer runs: its filter
  cost 0.16-0.23 % of a core all night (a probe: bare python-vlc with and without it), 0.3-0.6
  % in two ``make bench`` runs. A start at a position (a restored or parked one) of a local
  file holds the input at its own start and seeks it there before it plays (``_set_media``,
  ``_on_vlc_event``). PulseAudio is named by ``default_output``. The equalizer guards a start
  there too when the output does not read the volume back, or a stream starts at a position
  (it could not be held), and from then on all starts of that engine: taken out between
  streams (``set_equalizer(None)``, then a start by volume), 3 of 8 streams in a probe still
  played at the guard's -83 dB.
* Elsewhere (amem reads back 0 whatever volume it is given and plays the next stream at full
  level; Windows and macOS outputs are unmeasured) what persists is the equalizer:
  ``set_equalizer`` is copied into the player and applied to every new stream from its first
  sample. So each fresh start there is *guarded*: the equalizer is set to its deepest
  attenuation (preamp and all bands at -20 dB, run twice with ``--equalizer-2pass``: about
  -83 dB, inaudible) before ``play()``; once the audio stream exists (the output reports its
  device, MediaPlayerAudioDevice, 4-8 ms after play() on PulseAudio; else the media's
  statistics show played buffers, polled every 25 ms), the requested volume is applied, the
  media is sought to where it should be (0, a position asked for meanwhile, or a parked
  position) and the equalizer set to pass the sound through unchanged (bit-exact in a 16-bit
  amem capture). Never above the requested volume.
* The equalizer is never removed: that changes libVLC's audio filters, which restarts its
  output, and on PulseAudio (null sink, ``tests/integration/test_start_gap.py``) that made a
  *new* stream, at 100 % on a server without ``module-stream-restore``, and 1.0-1.9 s of
  zeros, corked, unless a seek came with it. Changing only the equalizer's levels keeps the
  stream.
* Not used, measured (session 15): on PulseAudio, a stream made at volume 0 and raised after
  the guard's seek. The server applies a volume to what it has not played yet, so the raise
  had to come after the seek's flush and before the server played on, and ``get_time`` shows
  no sign of the flush: a reopen was heard 20-40 ms late, 5 of 30 lost 0.1-1.1 s.
* The equalizer guard's seek replays the muted pre-roll, so nothing of the start is lost;
  the first sound comes 0.16-0.28 s after play().
* That seek comes no earlier than ``start_guard.PREROLL_MS`` after play() (seeks right after
  play() made PulseAudio play zeros). A position the owner asks for while guarded (a seek
  right after play()) is not sought at once but becomes the guard's seek target. In a start by
  volume the start is made again at that position instead (or, paused, sought at once).
* Behind the equalizer the volume is asked for as soon as the stream exists, and the guard
  ends only once an output with a volume of its own (PulseAudio) reports it, or after a time
  limit (``start_guard`` has the measurements and the limits).
* A live (not seekable) stream cannot be sought: the equalizer's guard ends without the seek,
  and on PulseAudio its first ~1.2 s after the guard were zeros (the stream itself goes on).
* ``:input-repeat`` loops WAV seamlessly (bit-exact: the captured seam equals the file's last
  and first samples), FLAC with a click, and does **not loop Ogg at all** (Vorbis and Opus end
  after one pass with EndReached, with the Ogg demuxer whatever the options: ``:codec=``,
  ``:start-time``/``:stop-time`` and ``:demux=ogg :codec=avcodec`` all end after one pass).
  With ``:demux=avformat`` Ogg loops, but not seamlessly: each restart drops the first Opus
  packet (960 samples incl. the 312 pre-skip, so 648 samples = 13.5 ms of the loop are skipped)
  and restarts the decoder cold (error against the true loop up to 0.16 FS over the next ~10 ms;
  on a 1 kHz sine a 2 dB dip in one 10 ms block). ``:codec=opus``/``avcodec`` change nothing.
  libVLC cannot make an exact copy either: ``#transcode`` to WAV is 1608 (avformat) or 4488
  (Ogg demuxer) samples short, missing its first packet(s) and its last one.
* So a looping local Ogg file plays from a sample-exact WAV copy in the user cache
  (``loop_cache``: libopus through ctypes on a worker thread, no libVLC; ~0.07 s for a 30 s
  loop; equal to ``opusdec`` within 0.5 LSB). Measured on the built-in sounds: each seam
  matches the decoded file within 1 LSB, no skipped sample. FLAC, MP3 and AIFF loops get such a
  copy too, from libsndfile (``sndfile_copy``): through PulseAudio input-repeat left 70 ms of
  silence at each seam of a FLAC loop. Until their copy exists they loop with input-repeat.
* A looping WAV (such a copy, or a user's WAV on repeat one) is not looped with
  ``:input-repeat`` but read as one endless file through libVLC's media callbacks
  (``endless_wav``): input-repeat restarts the input at each pass, and through PulseAudio that
  left 50-70 ms of silence at every seam (measured at a null sink), where amem showed none.
  The reported time and length are those of one pass. ``play()``
  waits for the copy (state Opening, at most ``loop_copy.WAIT_MS``). Without a copy of an Ogg
  file (no libopus or libsndfile, as is usual on Windows/macOS, a timeout) the avformat demuxer
  is the fallback, and if a looping media ends anyway it is restarted here (with a gap) rather than
  reported as ended. What remains at a seam is the file's own wrap: brown-noise.opus has a
  small Opus cold-start step at its decoded frame 1->2, in every exact decoder (opusdec too).
* A corrupt file reaches Playing and then EndReached within ms, with no error, no length and no
  decoded audio; that is reported as an error. A missing file gives EncounteredError.
* With the amem output (``pcm_sink``) libVLC runs ahead of real time and ``audio_get_volume``
  reads 0, so ``volume()`` reports the last volume applied unless the output reported one.
* libVLC's default resampler filtered every float sample even with no rate to change, a third
  of its CPU; SoX's is asked for instead (``RESAMPLER_ARG``), and a file at the output's rate
  then reaches PulseAudio sample for sample (``tests/integration/test_output_exact.py``).

Network streams, measured on loopback servers (``tests/helpers/http_servers.py``), which is why
every libVLC call stays on the owner (GUI) thread with no worker and no abandoned players:

* ``stop()``, ``set_media()`` and ``release()`` do **not** block on a dead connection. A server
  that accepts and never answers (the player sits in Opening): stop 1.0 ms, set_media 6 us,
  release 0.06 ms. A server that sent 2 s of audio and then holds the socket open (Playing,
  ``get_time`` frozen): stop 0.6 ms, set_media 4 us, release 0.03 ms. libVLC 3's http access
  reads through interruptible waits, which ``stop`` interrupts.
* A never-answering server keeps the player in Opening indefinitely (no timeout, no event);
  a stalled one keeps it in Playing with ``get_time`` frozen. Only a watchdog on the position
  notices either (``services.stream_watchdog``).
* On an ICY (MP3) stream ``get_time`` advances in real time (512 ms per 0.5 s poll) although
  ``get_length`` is 0 and ``get_position`` stays 0. ``get_meta(NowPlaying)`` follows the
  ``StreamTitle`` within a poll; ``Meta.Title`` is the ``icy-name``.
* Killing the ICY server gives EndReached at once with amem/adummy (the small buffer drains).
* HTTP headers: libVLC 3 has media options for the User-Agent (``:http-user-agent``) and the
  Referer (``:http-referrer``) only; other headers of a resolved stream cannot be passed.

A long pause lets go of the sound device (``pause_release``): after ``PAUSE_RELEASE_MS`` of
pause the input is ended, the engine *parks* and keeps reporting PAUSED at the same position,
and play reopens the media as a fresh start. Measured on PulseAudio (a null sink):

* Paused, the player keeps a corked stream and libpulse's "threaded-ml" thread wakes 1.4 times
  a second; stopped, the sink-input is gone and that thread has no wake-ups. With the input
  ended by ``set_media(None)`` (the output object kept) the same: no thread of the process
  woke in 5 s, and ``make bench``'s idle figure is 0.30 wake-ups a second, all threads.
* ``set_pause(1)`` returns before the input thread has paused: a volume raised right after it
  reached the still uncorked stream (in 1 of 5 tries, 10 ms at -16 dBFS). Sent after the
  Paused event, it follows the cork on libpulse's connection and is never heard.
* A restart of the same media is started as any fresh start, at the paused position. On
  PulseAudio the first audible sound is the paused position + 7-19 ms, at the set volume, in
  10 runs of ``test_pause_release`` (with ``:start-time`` alone, before the input was made to
  start paused: 7 of 12 began with 10-25 ms from the file's start). Behind the equalizer, its
  seek's first sound was the paused position + 15-30 ms (the pre-roll at about -95 dBFS).
* ``get_time`` moves in steps (about 250 ms for WAV and MP3): the position a pause reports, and
  so where a reopen continues, trails what was heard (measured: 45-250 ms, never ahead), so a
  reopen repeats a fraction of a second and never skips any.
* Only media that can be reopened at a position park: local files and finite, seekable HTTP.
  A live stream cannot continue where it paused, so it keeps its output as before.
"""

from __future__ import annotations

import ctypes
import enum
import logging
import math
import os
import re
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any, Protocol
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from sleepplayer import APP_ID, APP_NAME, __version__
from sleepplayer.core.links import local_path
from sleepplayer.core.text import one_line
from sleepplayer.playback import loop_cache
from sleepplayer.playback.backend import PlaybackBackend, PlayerState
from sleepplayer.playback.endless_wav import EndlessWav
from sleepplayer.playback.loop_copy import LoopCopy
from sleepplayer.playback.pause_release import PAUSE_RELEASE_MS, ParkPhase, PauseRelease
from sleepplayer.playback.start_guard import StartGuard
from sleepplayer.playback.vlc_install import install_help

log = logging.getLogger(__name__)

#: The resampler at the end of libVLC's audio chain runs on every block, also when the file's
#: rate is the output's (PulseAudio takes each stream at the file's rate). libVLC's default
#: for float audio, libsamplerate, then still filters every sample: 35 % of bare python-vlc's
#: CPU playing Opus to PulseAudio (perf; 1.23 -> 0.63 % of a core in ``make bench``). SoX's
#: resampler passes the samples through untouched while the rates match, resamples at 16-bit
#: medium quality when they differ, and only while libVLC corrects a clock drift (it shifts
#: the resampler's input rate by a few Hz) uses its low-quality variable-rate engine. It has
#: priority 0, so it must be named; ``any`` falls back to the default where it is missing.
RESAMPLER_ARG = "--audio-resampler=soxr,any"
#: libVLC options for the shared instance.
INSTANCE_ARGS = (
    "--no-video",
    "--quiet",
    "--no-sub-autodetect-file",
    "--equalizer-2pass",
    RESAMPLER_ARG,
)
#: input-repeat's maximum is 65535 passes; at a 10 s loop that is a week.
REPEAT_OPTION = ":input-repeat=65535"
#: How libVLC reads an endless WAV. Media callbacks go through its prefetch filter, which by
#: default reads 16 MiB at once into a 16 MiB buffer after an open or a seek (87 s of 48 kHz
#: stereo): 16 MiB resident all night, a 16 MiB bytes object from that read, and Python's lock
#: held for the copy. With these it keeps at most 2 MiB (~11 s) ahead and reads at most 64 KiB
#: at a time. Measured with a fresh home, a built-in sound playing 20 s: RSS 95.8 -> 80.7 MB.
#: (HTTP goes through prefetch too, and keeps the defaults.)
ENDLESS_READ_OPTIONS = (":prefetch-buffer-size=2048", ":prefetch-read-size=65536")
#: Containers whose demuxer ignores input-repeat (see the module docstring).
_AVFORMAT_LOOP_SUFFIXES = frozenset({".ogg", ".oga", ".opus", ".spx"})
#: Loops played from a sample-exact WAV copy (``loop_cache``) once it exists.
_COPIED_LOOP_SUFFIXES = _AVFORMAT_LOOP_SUFFIXES | {".flac", ".mp3", ".aif", ".aiff", ".aifc"}
#: Ogg files libVLC cannot seek by time (``_seek_engine``); Opus (``.opus``) seeks exactly.
_OGG_SUFFIXES = frozenset({".ogg", ".oga"})
_OGG_END_MARGIN_MS = 500
_GUARD_POLL_MS = 25
#: How long stopping a paused player waits for the output to report volume 0 (``_silence``).
_SILENCE_WAIT_S = 0.1
#: A pause is in effect within a few ms; a volume held for it waits at most this long.
_PAUSE_WAIT_MS = 1000
#: The position (a fraction) at which an ended media was read to its end.
_READ_TO_END = 0.99
_GUARD_DB = -20.0  # the equalizer's limit, for the preamp and each band
#: With every band at 0 dB each of the equalizer's two passes scales the sound by 1/4; this
#: preamp (20 log10 4) makes the two the identity: bit-exact in a 16-bit amem capture.
_PASS_THROUGH_PREAMP_DB = 20 * math.log10(4)

#: HTTP headers libVLC can send, as media options (anything else is dropped).
_HEADER_OPTIONS = {"user-agent": ":http-user-agent=", "referer": ":http-referrer="}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_NOW_PLAYING = 300

#: States in which the input is starting or playing (not paused, ended or stopped).
_STARTING = (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING)

_PCM_RATE = 48_000
_PCM_CHANNELS = 2


def _endless_callbacks(endless: EndlessWav) -> tuple[Any, Any, Any, Any]:
    """libVLC's media callbacks (open, read, seek, close) reading ``endless``. They run on
    libVLC's input thread and make no libVLC call; a failure ends the stream, never raises."""
    vlc = load_vlc()
    decorators = vlc.CallbackDecorators

    @decorators.MediaOpenCb  # type: ignore[untyped-decorator]
    def open_cb(opaque: Any, datap: Any, sizep: Any) -> int:
        if not endless.open():
            return -1
        datap.contents.value = opaque
        sizep.contents.value = endless.size
        return 0

    @decorators.MediaReadCb  # type: ignore[untyped-decorator]
    def read_cb(_opaque: Any, buf: Any, length: int) -> int:
        try:
            data = endless.read(length)
        except OSError:
            return -1
        ctypes.memmove(buf, data, len(data))
        return len(data)

    @decorators.MediaSeekCb  # type: ignore[untyped-decorator]
    def seek_cb(_opaque: Any, offset: int) -> int:
        return 0 if endless.seek(offset) else -1

    @decorators.MediaCloseCb  # type: ignore[untyped-decorator]
    def close_cb(_opaque: Any) -> None:
        endless.close()

    return open_cb, read_cb, seek_cb, close_cb


class VlcUnavailableError(RuntimeError):
    """libVLC cannot be loaded; the message says how to install it on this OS."""


class PcmSink(Protocol):
    """Receives what the player outputs, after the volume (amem).

    ``write`` is called on a libVLC thread with interleaved S16 native-endian stereo 48 kHz PCM
    and the block's presentation time in microseconds. It must return quickly and must not call
    back into the backend.
    """

    def write(self, data: bytes, pts_us: int) -> None: ...


class _Ev(enum.IntEnum):
    """Event codes carried by the private queued signal."""

    BARRIER = 0
    OPENING = 1
    BUFFERING = 2
    PLAYING = 3
    PAUSED = 4
    STOPPED = 5
    END_REACHED = 6
    ERROR = 7
    LENGTH = 8
    VOLUME = 9
    ES_ADDED = 10
    DEVICE = 11


_EVENT_NAMES = {
    _Ev.OPENING: "MediaPlayerOpening",
    _Ev.BUFFERING: "MediaPlayerBuffering",
    _Ev.PLAYING: "MediaPlayerPlaying",
    _Ev.PAUSED: "MediaPlayerPaused",
    _Ev.STOPPED: "MediaPlayerStopped",
    _Ev.END_REACHED: "MediaPlayerEndReached",
    _Ev.ERROR: "MediaPlayerEncounteredError",
    _Ev.LENGTH: "MediaPlayerLengthChanged",
    _Ev.VOLUME: "MediaPlayerAudioVolume",
    _Ev.ES_ADDED: "MediaPlayerESAdded",
    _Ev.DEVICE: "MediaPlayerAudioDevice",
}


_vlc_module: Any = None


def load_vlc() -> Any:
    """Import python-vlc and check that libVLC really loads; raise ``VlcUnavailableError``.

    python-vlc locates the library at import time: ``PYTHON_VLC_LIB_PATH`` if set (a failure
    there calls ``sys.exit(1)``), else the platform's usual places (``NotImplementedError`` on
    Linux, ``OSError`` for a wrong architecture on Windows/macOS).
    """
    global _vlc_module
    if _vlc_module is not None:
        return _vlc_module
    try:
        import vlc  # late: loading libVLC may fail, and the caller wants a clear error

        version = vlc.libvlc_get_version()
    except (Exception, SystemExit) as exc:  # python-vlc exits on a bad PYTHON_VLC_LIB_PATH
        given = os.environ.get("PYTHON_VLC_LIB_PATH")
        if isinstance(exc, SystemExit) and given:
            raise VlcUnavailableError(
                f"{APP_NAME} needs VLC 3, and libVLC could not be loaded from "
                f"PYTHON_VLC_LIB_PATH={given}: unset it, or point it at libvlc itself.\n"
                + install_help()
            ) from None
        why = "" if isinstance(exc, SystemExit) else f" ({exc})"
        raise VlcUnavailableError(
            f"{APP_NAME} needs VLC 3, and libVLC could not be loaded{why}.\n" + install_help()
        ) from None
    if not version or not version.startswith(b"3."):
        raise VlcUnavailableError(
            f"{APP_NAME} needs VLC 3, found libVLC {version!r}.\n" + install_help()
        )
    _vlc_module = vlc
    return vlc


def versions() -> tuple[str, str]:
    """(libVLC, python-vlc) versions, for the About box; libVLC's is e.g. "3.0.21 Vetinari"."""
    vlc = load_vlc()
    return vlc.libvlc_get_version().decode(errors="replace"), str(vlc.__version__)


def default_output(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> str | None:
    """PulseAudio when its server is there on Linux: named, so the engine knows its output
    makes a stream at the volume given before it (measured on PulseAudio). Not PipeWire's
    server for it, nor elsewhere: libVLC picks, and starts are guarded by the equalizer.

    PipeWire (0.3.65 with WirePlumber 0.4.13 and its PulseAudio server, at a null sink) does
    not keep that volume: raw python-vlc's streams all began at 100 %, and of the engine's
    starts by volume one played at 100 % all through (the rest were right, by the volume sent
    again once the stream was there). Inside a Flatpak ``PULSE_SERVER`` names the host's
    server, which on most hosts is now PipeWire's, so a Flatpak is not taken at its word."""
    if not platform.startswith("linux") or environ.get("FLATPAK_ID"):
        return None
    if environ.get("PULSE_SERVER"):
        return "pulse"
    runtime = environ.get("XDG_RUNTIME_DIR")
    if not runtime or Path(runtime, "pipewire-0").exists():
        return None
    return "pulse" if Path(runtime, "pulse", "native").exists() else None


def create_vlc_backend(**kwargs: Any) -> VlcBackend:
    """A ``VlcBackend``, or ``VlcUnavailableError`` with install instructions."""
    load_vlc()
    return VlcBackend(**kwargs)


class _SharedInstance:
    """The one ``vlc.Instance`` of the process, reference-counted by the backends."""

    instance: Any = None
    users = 0

    @classmethod
    def acquire(cls) -> Any:
        if cls.instance is None:
            vlc = load_vlc()
            instance = vlc.Instance(list(INSTANCE_ARGS))
            if instance is None:
                raise VlcUnavailableError(
                    "libVLC loaded but could not start (are its plugins installed?).\n"
                    + install_help()
                )
            instance.set_app_id(APP_ID, __version__, APP_ID)
            instance.set_user_agent(APP_NAME, f"{APP_NAME}/{__version__}")
            cls.instance = instance
        cls.users += 1
        return cls.instance

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users == 0 and cls.instance is not None:
            cls.instance.release()
            cls.instance = None


def header_options(headers: Mapping[str, str]) -> list[str]:
    """libVLC media options for the HTTP headers it supports; single-line values only."""
    options: list[str] = []
    for name, value in headers.items():
        prefix = _HEADER_OPTIONS.get(name.lower())
        if prefix is not None and value and not _CONTROL.search(value):
            options.append(prefix + value)
    return options


class VlcBackend(PlaybackBackend):
    """``PlaybackBackend`` on libVLC. Create and use it on one thread (the Qt main thread).

    ``aout`` picks the audio output module (e.g. ``"pulse"``, ``"adummy"``); ``pcm_sink`` sends
    the output to a ``PcmSink`` instead (libVLC's amem, which applies the volume).
    ``loop_cache_dir`` holds the WAV copies of Ogg/Opus loops (default: the user cache dir).
    ``pause_release_ms``: how long a pause holds the sound device (see ``pause_release``).
    """

    _vlc_event = Signal(int, int)

    def __init__(
        self,
        *,
        aout: str | None = None,
        pcm_sink: PcmSink | None = None,
        loop_cache_dir: Path | None = None,
        pause_release_ms: int = PAUSE_RELEASE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._vlc = load_vlc()
        self._loop_copy = LoopCopy(loop_cache_dir or loop_cache.default_cache_dir(), self)
        self._loop_copy.start_now.connect(self._on_loop_copy_start_now)
        self._loop_copy.copy_ready.connect(self._on_loop_copy_copy_ready)
        self._media_uri: str | None = None
        self._owner = threading.get_ident()
        #: (method, thread name) of every libVLC call attempted off the owner thread.
        self.thread_violations: list[tuple[str, str]] = []
        self._instance = _SharedInstance.acquire()
        self._player: Any = self._instance.media_player_new()
        # No media role: libVLC's default ("video") makes PulseAudio's stream-restore keep the
        # volume under that role, shared with every other video player, which then opened at
        # what SleepPlayer left (a fade's low point, the 0 of _silence). Without one, it is
        # kept under SleepPlayer's own app id (measured: module-stream-restore.id).
        self._player.set_role(self._vlc.MediaPlayerRole._None)
        self._media: Any = None
        #: A looping WAV read as one endless file (``endless_wav``), and the ctypes callbacks
        #: libVLC reads it through (kept alive as long as the media is).
        self._endless: EndlessWav | None = None
        self._endless_callbacks: tuple[Any, ...] = ()
        self._uri: str | None = None
        self._loop = False
        self._state = PlayerState.IDLE
        self._length_ms = 0
        self._generation = 0
        self._delivered_generation = 0
        self._target_volume: int | None = None
        #: Between pause() and libVLC's Paused: the volume the output still plays at.
        self._pausing_volume: int | None = None
        # libVLC may drop a pause silently (an input that is not in its playing state yet):
        # then the held volume is applied after this, not never.
        self._pause_wait = QTimer(self)
        self._pause_wait.setSingleShot(True)
        self._pause_wait.setInterval(_PAUSE_WAIT_MS)
        self._pause_wait.timeout.connect(self._apply_volume_held_for_pause)
        self._output_ready = False
        self._reported_volume: int | None = None
        # amem applies the volume inside libVLC, to the next block, and reports nothing.
        self._guard = StartGuard(volume_at_once=pcm_sink is not None)
        self._released = False
        self._guard_eq = self._make_equalizer(_GUARD_DB, _GUARD_DB)
        self._pass_through_eq = self._make_equalizer(_PASS_THROUGH_PREAMP_DB, 0.0)
        self._guard_timer = QTimer(self)
        self._guard_timer.setInterval(_GUARD_POLL_MS)
        self._guard_timer.timeout.connect(self._on_guard_timer_timeout)
        self._parking = PauseRelease(pause_release_ms, parent=self)
        self._parking.due.connect(self._on_parking_due)
        self._audio_callbacks: tuple[Any, ...] = ()
        if pcm_sink is None and aout is None:
            aout = default_output()
        #: The output makes each stream at the volume given before it (PulseAudio): a start
        #: is made at the volume asked for, with no equalizer in the chain (``_start_fresh``).
        self._born_at_volume = pcm_sink is None and aout == "pulse"
        #: The guard's equalizer has been in libVLC's audio chain: it stays (module docstring).
        self._equalized = False
        #: Where the loaded media's first start begins (``load``'s ``start_ms``).
        self._load_start_ms = 0
        #: The loaded media's options, for the fresh media each start on PulseAudio is given.
        self._media_options: list[str] = []
        if pcm_sink is not None:
            self._attach_pcm_sink(pcm_sink)
        elif aout is not None:
            self._player.audio_output_set(aout)
        self._vlc_event.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._attach_events()

    # --- setup

    def _make_equalizer(self, preamp_db: float, band_db: float) -> Any:
        vlc = self._vlc
        eq = vlc.libvlc_audio_equalizer_new()
        vlc.libvlc_audio_equalizer_set_preamp(eq, preamp_db)
        for band in range(vlc.libvlc_audio_equalizer_get_band_count()):
            vlc.libvlc_audio_equalizer_set_amp_at_index(eq, band_db, band)
        return eq

    def _attach_pcm_sink(self, sink: PcmSink) -> None:
        vlc = self._vlc
        frame_bytes = 2 * _PCM_CHANNELS

        @vlc.CallbackDecorators.AudioPlayCb  # type: ignore[untyped-decorator]
        def play_cb(_opaque: Any, samples: Any, count: int, pts: int) -> None:
            # libVLC audio thread: copy out and hand over; nothing else.
            sink.write(ctypes.string_at(samples, count * frame_bytes), pts)

        # A collected ctypes callback crashes libVLC: keep it as long as the player.
        self._audio_callbacks = (play_cb,)
        self._player.audio_set_callbacks(play_cb, None, None, None, None, None)
        self._player.audio_set_format("S16N", _PCM_RATE, _PCM_CHANNELS)

    def _attach_events(self) -> None:
        manager = self._player.event_manager()
        emit = self._vlc_event.emit

        # libVLC event thread: only turn the event into plain ints and queue them. No libVLC
        # calls (they deadlock), no Qt objects, no shared state.
        def on_event(event: Any, code: int) -> None:
            payload = 0
            if code == _Ev.LENGTH:
                payload = int(event.u.new_length)
            emit(code, payload)

        self._event_handler = on_event
        self._event_types = [getattr(self._vlc.EventType, name) for name in _EVENT_NAMES.values()]
        for code, event_type in zip(_EVENT_NAMES, self._event_types, strict=True):
            manager.event_attach(event_type, on_event, int(code))

    def _detach_events(self) -> None:
        manager = self._player.event_manager()
        for event_type in self._event_types:
            manager.event_detach(event_type)

    # --- the thread guard

    def _libvlc(self, what: str) -> Any:
        """The player, for a libVLC call named ``what``; records calls off the owner thread."""
        if threading.get_ident() != self._owner:
            self.thread_violations.append((what, threading.current_thread().name))
        if self._released:
            raise RuntimeError(f"{what}() on a released VlcBackend")
        return self._player

    # --- commands

    def load(
        self,
        uri: str,
        *,
        loop: bool = False,
        headers: Mapping[str, str] | None = None,
        start_ms: int = 0,
    ) -> None:
        player = self._libvlc("load")
        self._stop_engine(player)
        self._parking.forget()
        self._loop_copy.forget()
        media_uri = uri
        options = [REPEAT_OPTION] if loop else []
        options += header_options(headers or {})
        path = local_path(uri)
        suffix = PurePath(path or "").suffix.lower()
        if loop and path is not None and suffix in _COPIED_LOOP_SUFFIXES:
            cached = self._loop_copy.ask(Path(path))
            if cached is not None:
                media_uri = cached.as_uri()  # a WAV: read as one endless file
            elif suffix in _AVFORMAT_LOOP_SUFFIXES:
                options.append(":demux=avformat")  # the fallback until the copy exists
        self._set_media(player, media_uri, options)
        self._uri = uri
        self._loop = loop
        self._load_start_ms = max(0, int(start_ms))
        self._length_ms = 0
        self._set_state(PlayerState.IDLE)

    def play(self) -> None:
        player = self._libvlc("play")
        if self._media is None or self._state in _STARTING:
            return
        if self._state == PlayerState.PAUSED:
            if self._parking.phase is ParkPhase.PARKED:
                self._reopen(player)
            elif self._parking.phase is ParkPhase.HOLDING:
                player.set_pause(0)
            return  # else reopening already
        if self._loop_copy.wait_for_copy():
            # The loop's WAV copy is being made (about 0.1 s): start on it, not on the fallback.
            self._set_state(PlayerState.OPENING)
            return
        self._start_fresh(player, self._take_load_start())

    def pause(self) -> None:
        player = self._libvlc("pause")
        if self._parking.phase is ParkPhase.REOPENING:
            # Nothing was heard yet (the guard holds until the position is back): park again.
            self._stop_engine(player)
            self._parking.back_to_parked()
            self._set_state(PlayerState.PAUSED)
        elif self._state == PlayerState.PLAYING:
            if self._guard.held:
                # Paused at its own start: the input's pause is the owner's now, and the seek
                # it waits for is asked for at once.
                self._guard.held = False
                self._seek_engine(player, self._guard.start_ms)
            if self._output_ready and self._pausing_volume is None:
                target = self._target_volume
                self._pausing_volume = 100 if target is None else target  # libVLC's default
                self._pause_wait.start()
            player.set_pause(1)

    def stop(self) -> None:
        player = self._libvlc("stop")
        self._load_start_ms = 0  # a later play() begins at the start
        if self._media is None:
            return
        self._stop_engine(player)
        self._parking.forget()
        self._set_state(PlayerState.STOPPED)

    def seek(self, position_ms: int) -> None:
        player = self._libvlc("seek")
        position = max(0, int(position_ms))
        guard = self._guard
        if self._parking.engaged:
            # Parked: where play continues. Reopening: the position is restored from this.
            position = min(position, self._length_ms) if self._length_ms else position
            self._parking.move_to(position)
            if not guard.born:
                return
        if guard.born and (self._parking.engaged or self._state != PlayerState.PAUSED):
            # Heard already (or about to be), at the volume asked for. A seek this close to
            # play() made PulseAudio play zeros (``start_guard``): start again there instead.
            if position != guard.start_ms:
                self._start_fresh(player, position)
        elif guard.active:
            # The equalizer's guard seeks there at its end; paused in a start on PulseAudio,
            # the input is sought now and the guard's start follows it.
            guard.start_ms = position
            if guard.born and player.is_seekable():
                self._seek_engine(player, position)
        elif self._state in (PlayerState.PLAYING, PlayerState.PAUSED) and player.is_seekable():
            self._seek_engine(player, position)

    def position_ms(self) -> int:
        player = self._libvlc("position_ms")
        if self._parking.engaged:
            return self._parking.position_ms
        if self._state not in (PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.BUFFERING):
            return 0
        if self._guard.active and player.is_seekable():
            return self._guard.start_ms  # the guarded pre-roll is replayed from there
        return self._player_time(player)

    def length_ms(self) -> int:
        player = self._libvlc("length_ms")
        if self._length_ms <= 0 and self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._length_ms = self._player_length(player)
        return self._length_ms

    def is_seekable(self) -> bool:
        player = self._libvlc("is_seekable")
        if self._parking.engaged:
            return True  # only media that can be reopened at a position park
        return self._state in (PlayerState.PLAYING, PlayerState.PAUSED) and bool(
            player.is_seekable()
        )

    def read_to_the_end(self) -> bool:
        # libVLC's position is the byte offset over the size when it knows no length: 1.0
        # at the end of a file with a Content-Length, 0 for a live stream (measured).
        player = self._libvlc("read_to_the_end")
        return self._state == PlayerState.ENDED and float(player.get_position()) >= _READ_TO_END

    def set_volume(self, volume: int) -> bool:
        player = self._libvlc("set_volume")
        volume = max(0, min(int(volume), 200))
        self._target_volume = volume
        if self._parking.engaged:
            return True  # parked: taken, and applied by the reopen's guard before any sound
        if not self._output_ready:
            return False  # applied when the stream exists (_release_guard)
        if self._pausing_volume is not None:
            if volume > self._pausing_volume:
                # libVLC pauses on its own thread, a few ms later: a raise sent now is heard
                # until then (the sleep timer gives the gain back right after its pause, at
                # the end of the night: measured up to -16 dBFS for 10 ms at a null sink).
                # The pause corks the stream before this raise reaches PulseAudio.
                return True
            self._pausing_volume = volume
        if player.audio_set_volume(volume) != 0:
            return False
        self._reported_volume = None
        return True

    def volume(self) -> int:
        self._libvlc("volume")
        if self._parking.engaged:
            return self._target_volume if self._target_volume is not None else 100
        if not self._output_ready:
            return -1
        if self._reported_volume is not None:
            return self._reported_volume
        return self._target_volume if self._target_volume is not None else 100

    def state(self) -> PlayerState:
        return self._state

    def now_playing(self) -> str:
        self._libvlc("now_playing")
        if self._media is None or self._state not in (
            PlayerState.PLAYING,
            PlayerState.PAUSED,
            PlayerState.BUFFERING,
        ):
            return ""
        title = self._media.get_meta(self._vlc.Meta.NowPlaying)
        if not isinstance(title, str):
            return ""
        return one_line(title)[:_MAX_NOW_PLAYING]

    @property
    def parked(self) -> bool:
        """A long pause let go of the sound device (the state still says PAUSED)."""
        return self._parking.phase is ParkPhase.PARKED

    def media_uri(self) -> str | None:
        """What libVLC is given for the loaded item: its URI, or the URI of a loop's WAV copy."""
        return self._media_uri

    def release(self) -> None:
        if self._released:
            return
        self._libvlc("release")
        self._guard_timer.stop()
        self._pause_wait.stop()
        self._loop_copy.forget()
        self._parking.forget()
        self._detach_events()
        self._bump_generation()
        self._silence(self._player)
        self._player.stop()
        self._player.release()
        if self._media is not None:
            self._media.release()
            self._media = None
        self._vlc.libvlc_audio_equalizer_release(self._guard_eq)
        self._vlc.libvlc_audio_equalizer_release(self._pass_through_eq)
        self._released = True
        self._state = PlayerState.IDLE
        _SharedInstance.release()

    # --- internals

    def _set_media(self, player: Any, uri: str, options: list[str], *, held: bool = False) -> None:
        """Give libVLC a new media; its input must have ended. A looping local WAV (the
        built-in sounds' copies among them) is read as one endless file: no seam gap.
        ``held``: its input starts paused (``:start-paused``), before anything is decoded or
        played, so that a start at a position is sought there first (``_on_vlc_event``)."""
        self._media_options = list(options)
        if held:
            options = [*options, ":start-paused"]
        path = local_path(uri) if REPEAT_OPTION in options else None
        endless = EndlessWav.of(Path(path)) if path and path.lower().endswith(".wav") else None
        callbacks: tuple[Any, ...] = ()
        if endless is not None:
            callbacks = _endless_callbacks(endless)
            media = self._instance.media_new_callbacks(*callbacks, None)
            # input-repeat still, for the rare end (3 h)
            for option in (*options, *ENDLESS_READ_OPTIONS):
                media.add_option(option)
        else:
            media = self._instance.media_new(uri, *options)
        old, self._media = self._media, media
        player.set_media(media)
        if old is not None:
            old.release()
        self._endless, self._endless_callbacks = endless, callbacks
        self._media_uri = uri

    def _seek_engine(self, player: Any, position_ms: int) -> None:
        """``set_time``, but by position in an Ogg file: libVLC 3.0.24's ``set_time`` on Ogg
        Vorbis ended the file (State Ended at once) or landed tens of seconds off (92.8 s
        asked, 138 s heard), where ``set_position`` landed within 1.2 s (measured at a null
        sink, tones changing every 10 s)."""
        path = local_path(self._media_uri or "")
        length = self._player_length(player)
        if path is not None and PurePath(path).suffix.lower() in _OGG_SUFFIXES and length > 0:
            # Short of the very end, where a position seek would end the file.
            player.set_position(max(0, min(position_ms, length - _OGG_END_MARGIN_MS)) / length)
        else:
            player.set_time(position_ms)

    def _player_time(self, player: Any) -> int:
        """libVLC's time, within the loop for an endless WAV."""
        time_ms = max(0, int(player.get_time()))
        loop_ms = self._endless.loop_ms if self._endless is not None else 0
        return time_ms % loop_ms if loop_ms > 0 else time_ms

    def _player_length(self, player: Any) -> int:
        """libVLC's length; one pass of the loop for an endless WAV (not its 3 hours)."""
        if self._endless is not None:
            return self._endless.loop_ms
        return max(0, int(player.get_length()))

    def _on_loop_copy_start_now(self) -> None:
        if not self._released:
            self._start_fresh(self._libvlc("loop_copy_start"), self._take_load_start())

    def _take_load_start(self) -> int:
        """``load``'s start position, for the media's first start only (a replay begins at 0)."""
        start_ms, self._load_start_ms = self._load_start_ms, 0
        return start_ms

    def _on_loop_copy_copy_ready(self) -> None:
        if not self._released and self._state in (PlayerState.IDLE, PlayerState.STOPPED):
            self._swap_to_cached_copy(self._libvlc("loop_copy_ready"))
        # Otherwise the fallback is playing: switching now would cut the audio, so the copy is
        # used from the next fresh start of this item (and for every later load of the file).

    def _swap_to_cached_copy(self, player: Any) -> None:
        wav = self._loop_copy.take() if self._media is not None else None
        if wav is None:
            return
        self._set_media(player, Path(wav).as_uri(), [REPEAT_OPTION])
        self._bump_generation()  # anything set_media queued is stale

    def _start_fresh(self, player: Any, start_ms: int = 0) -> None:
        """Start at ``start_ms``: on PulseAudio with the stream made at the volume asked for,
        elsewhere behind the equalizer, whose end seeks there (module docstring)."""
        self._output_ready = False
        self._reported_volume = None
        born = held = False
        if self._born_at_volume:
            # From no stream (an ended or failed input may hold one), with the output kept,
            # and a media made for this start (the loop's WAV copy once it exists).
            self._end_input(player)
            born = (
                not self._equalized
                and self._starts_exactly_at(start_ms)
                and self._give_next_stream(player)
            )
            held = born and start_ms > 0
            wav = self._loop_copy.take()
            uri, options = (self._media_uri or "", self._media_options)
            if wav is not None:
                uri, options = Path(wav).as_uri(), [REPEAT_OPTION]
            self._set_media(player, uri, options, held=held)
            self._bump_generation()  # what the ended input still queued is stale
        else:
            self._swap_to_cached_copy(player)
        self._guard.begin(start_ms, born=born, held=held)
        if not born:
            # Only its levels change while a stream plays: it stays in the chain from here on.
            player.set_equalizer(self._guard_eq)
            self._equalized = True
        if player.play() != 0:
            self._fail("libVLC refused to start it")

    def _starts_exactly_at(self, start_ms: int) -> bool:
        """Whether a start at ``start_ms`` can be held at the input's own pause and sought
        there before it plays (``_on_vlc_event``): a local file. An input that cannot pause (a
        live stream) would play from its start at once, with the seek never asked for."""
        return start_ms == 0 or local_path(self._uri or "") is not None

    def _give_next_stream(self, player: Any) -> bool:
        """Give PulseAudio the volume for the stream play() will make; False if not taken.

        It makes a stream with the volume given while none exists, stream-restore or not
        (measured: the sink input appears at that volume, and its first block is heard at it).
        The output reads it back then; with no output object (``stop()`` closed it) it did
        not take it, and the equalizer guards that start."""
        target = 100 if self._target_volume is None else self._target_volume
        if player.audio_set_volume(target) == 0 and int(player.audio_get_volume()) == target:
            return True
        log.info("The sound output took no volume before its stream: equalizer guard")
        return False

    def _end_input(self, player: Any) -> None:
        """Stop libVLC's input. On PulseAudio keep its audio output: ``stop()`` closes that
        too, and a volume can be given to the next stream only while the output object exists."""
        if self._born_at_volume:
            player.set_media(None)
        else:
            player.stop()

    @Slot()
    def _on_parking_due(self) -> None:
        """The pause lasted PAUSE_RELEASE_MS: let go of the sound device if we can come back."""
        if self._released or self._state != PlayerState.PAUSED or self._parking.engaged:
            return
        player = self._libvlc("park")
        local = local_path(self._uri or "") is not None
        self._length_ms = max(self._length_ms, self._player_length(player))
        if not player.is_seekable() or not (local or self._length_ms > 0):
            return  # a live stream: it could not continue where it paused
        guarded = self._guard.active and player.is_seekable()
        # Paused while guarded: nothing was heard yet; the start (or a seek meanwhile) stands.
        position = self._guard.start_ms if guarded else self._player_time(player)
        self._stop_engine(player)  # ends the input (and its stream); its events are stale
        self._parking.park(position)

    def _reopen(self, player: Any) -> None:
        """Start the parked media again; the guard restores the position before any sound."""
        self._parking.reopen()
        self._start_fresh(player, self._parking.position_ms)

    def _silence(self, player: Any) -> None:
        """Before a paused player stops: stopping makes PulseAudio play what the corked stream
        holds, 10-20 ms at the playing level (measured at a null sink, at the park 20 s into a
        pause, i.e. in the night after the sleep timer paused). So the volume goes to 0 first,
        and the stop waits, at most ``_SILENCE_WAIT_S`` (usually 1-2 ms), for the output to
        report it. The owner never hears of that 0 (the output is no longer ready), and the
        next start sets the volume again behind its guard."""
        if (
            self._state != PlayerState.PAUSED
            or not self._output_ready
            or self._guard.volume_at_once  # amem: nothing buffered outside libVLC
        ):
            return
        self._output_ready = False
        if player.audio_set_volume(0) != 0:
            return
        deadline = time.monotonic() + _SILENCE_WAIT_S
        # libVLC updates what it reads from the output's own thread: no event loop needed.
        while int(player.audio_get_volume()) > 0 and time.monotonic() < deadline:
            time.sleep(0.001)  # -1: no output any more, nothing left to play

    def _stop_engine(self, player: Any) -> None:
        """Stop synchronously and make every event queued so far stale."""
        self._silence(player)
        self._guard.end()
        self._guard_timer.stop()
        self._loop_copy.cancel_wait()
        self._output_ready = False
        self._reported_volume = None
        self._end_input(player)
        self._bump_generation()

    def _bump_generation(self) -> None:
        self._generation += 1
        # Queued behind every event libVLC emitted so far: those are stale when they arrive.
        self._vlc_event.emit(_Ev.BARRIER, self._generation)

    def _set_state(self, state: PlayerState) -> None:
        if state != PlayerState.PLAYING:
            self._pausing_volume = None  # paused (applied first), or the output is gone
            self._pause_wait.stop()
        if state != PlayerState.PAUSED:
            self._parking.cancel()
        if state != self._state:
            self._state = state
            self.state_changed.emit(int(state))

    def _release_guard(self) -> bool:
        """End the guard if it may end now (``start_guard``). A start by volume: once its input
        has played on and the stream exists, with a volume changed since play() sent. Behind
        the equalizer: once the audio stream exists, ask for the volume; once the output has it
        and a seekable media's preroll is done, seek, and let the equalizer pass the sound.
        False while any of that is still to come. A loop that has sent no sound for
        ``start_guard.NO_SOUND_MS`` fails here instead (True: done)."""
        player = self._libvlc("release_guard")
        if self._media is None:
            return False
        guard = self._guard
        if guard.held:
            if not guard.held_overdue():
                return False  # the input has not sought and played on yet
            # An input that could not pause plays on from its start: never louder, but never
            # given its volume either, were this waited for all night.
            log.warning("The input did not pause at its start: it plays from there")
            guard.held = False
        if not guard.stream_exists:
            stats = self._vlc.MediaStats()
            if not self._media.get_stats(stats) or stats.played_abuffers <= 0:
                if self._loop and guard.no_sound_overdue() and local_path(self._uri or ""):
                    # Input-repeat restarts a corrupt file for ever: no end ever comes.
                    # (Played once, it ends, and ``_produced_audio`` judges it.)
                    self._stop_engine(player)
                    self._fail("it holds no playable audio")
                    return True  # nothing left to guard
                return False
            guard.stream_exists = True
        if guard.born:
            # Made at the volume asked for before play(): only a change since then is sent.
            target = self._target_volume
            if target is not None and int(player.audio_get_volume()) != target:
                player.audio_set_volume(target)
            self._end_guard()
            return True
        target = self._target_volume
        if target is not None:
            if guard.must_ask(target):
                if player.audio_set_volume(target) != 0:
                    return False
                guard.asked(target)
            if not guard.volume_applied(int(player.audio_get_volume())):
                return False
        seekable = bool(player.is_seekable())
        if seekable and not guard.preroll_done():
            return False
        reopening = self._parking.phase is ParkPhase.REOPENING
        if seekable:
            # The seek at the moment the guard ends flushes the guarded pre-roll, so the first
            # sound is the start (or the paused position) at this volume. A live stream cannot
            # seek.
            self._seek_engine(player, self._parking.position_ms if reopening else guard.start_ms)
        # Not removed: that restarts libVLC's output, which makes a new stream (module
        # docstring). Only the equalizer's levels change, on the same stream.
        player.set_equalizer(self._pass_through_eq)
        self._end_guard()
        return True

    def _end_guard(self) -> None:
        self._parking.reopened()
        self._guard.end()
        self._guard_timer.stop()
        self._output_ready = True
        self.audio_output_changed.emit()

    def _produced_audio(self) -> bool:
        self._libvlc("produced_audio")
        stats = self._vlc.MediaStats()
        if self._media is None or not self._media.get_stats(stats):
            return True  # unknown: do not call it an error
        # A file of zeros or random bytes named .mp3 "decodes" a block or two (measured: 1
        # and 15) that never reach the output, and ends at 0:00 with no length.
        return (stats.decoded_audio > 0 and stats.played_abuffers > 0) or self._length_ms > 0

    def _fail(self, reason: str) -> None:
        generation = self._generation
        self._guard.end()
        self._guard_timer.stop()
        self._parking.forget()
        self._output_ready = False
        self._set_state(PlayerState.ERROR)
        if generation == self._generation and self._state == PlayerState.ERROR:
            self.error_occurred.emit(reason)  # the controller names the track

    def _error_reason(self) -> str:
        uri = self._uri or ""
        path = local_path(uri)
        if path is not None and not os.path.exists(path):
            return "file not found"  # the words the scan uses for it
        if urlsplit(uri).scheme in ("http", "https"):
            # libVLC does not say why (refused, 404, 403, 500 all look alike).
            return "the server could not be reached or refused it"
        return "it is damaged, or not a sound VLC can play"

    def _retry_guard(self) -> bool:
        """Something the guard waits for may have come (the device, a volume, the poll's
        time): end it if it may end now. False when there is no guard to end while playing."""
        if self._state != PlayerState.PLAYING or not self._guard.active:
            return False
        self._release_guard()
        return True

    @Slot()
    def _on_guard_timer_timeout(self) -> None:
        if not self._retry_guard():
            self._guard_timer.stop()

    @Slot(int, int)
    def _on_vlc_event(self, code: int, payload: int) -> None:
        if code == _Ev.BARRIER:
            self._delivered_generation = payload
            return
        if self._released or self._delivered_generation != self._generation:
            return  # queued before the media was replaced or stopped
        if code == _Ev.OPENING:
            if not self._parking.engaged or local_path(self._uri or "") is None:
                # A local file reopens within milliseconds: Opening would only flicker. A
                # stream may take long, and the owner's watchdog watches a start it can see.
                self._set_state(PlayerState.OPENING)
        elif code == _Ev.PLAYING:
            self._on_playing()
        elif code == _Ev.PAUSED:
            if self._guard.held:
                # The input's own pause at a start at a position (``_set_media``): it has read
                # nothing yet. It is sought there, and plays on after that seek. Measured with
                # ``:start-time`` instead (the input seeks after reading a first block): under
                # load 10-25 ms of the file's start were heard first, in 5 of 8 starts.
                self._guard.held = False
                player = self._libvlc("play_on")
                self._seek_engine(player, self._guard.start_ms)
                player.set_pause(0)
                return
            self._guard_timer.stop()
            self._apply_volume_held_for_pause()
            self._set_state(PlayerState.PAUSED)
            self._parking.paused()
        elif code == _Ev.LENGTH:
            if self._endless is not None and payload > 0:
                payload = self._endless.loop_ms
            if payload > 0 and payload != self._length_ms:
                self._length_ms = payload
                self.length_changed.emit(payload)
        elif code == _Ev.END_REACHED:
            self._on_end_reached()
        elif code == _Ev.ERROR:
            self._fail(self._error_reason())
        elif code == _Ev.STOPPED:
            if self._state not in (PlayerState.ENDED, PlayerState.ERROR, PlayerState.IDLE):
                self._output_ready = False
                self._set_state(PlayerState.STOPPED)
        elif code == _Ev.VOLUME:
            if self._guard.active:
                self._guard.output_reported_volume()
                self._retry_guard()
            else:
                self._on_output_volume()
        elif code == _Ev.DEVICE:
            self._guard.device_reported()
            self._retry_guard()
        # BUFFERING and ES_ADDED: libVLC sends Buffering while playing local files too;
        # nothing to do with either.

    def _apply_volume_held_for_pause(self) -> None:
        """libVLC has paused (or not, after ``_PAUSE_WAIT_MS``): the volume raised meanwhile
        (``set_volume``) is applied."""
        self._pause_wait.stop()
        held, self._pausing_volume = self._pausing_volume, None
        target = self._target_volume
        if held is None or target is None or target == held or not self._output_ready:
            return
        if self._libvlc("volume_after_pause").audio_set_volume(target) == 0:
            self._reported_volume = None

    def _on_output_volume(self) -> None:
        """The output reported a volume (outputs with their own volume, e.g. PulseAudio)."""
        if not self._output_ready:
            return
        reported = int(self._libvlc("output_volume").audio_get_volume())
        if reported > 0 and reported != self._target_volume:
            self._reported_volume = reported
            self.audio_output_changed.emit()

    def _on_playing(self) -> None:
        generation = self._generation
        self._set_state(PlayerState.PLAYING)
        if generation != self._generation or self._state != PlayerState.PLAYING:
            return
        self._guard.playing()
        if self._guard.active and not self._release_guard():
            self._guard_timer.start()

    def _on_end_reached(self) -> None:
        # Started at a position past what the file holds: it ends having decoded nothing.
        started_late = self._guard.born and self._guard.start_ms > 0
        self._guard.end()
        self._guard_timer.stop()
        self._parking.forget()
        self._output_ready = False
        player = self._libvlc("end_reached")
        produced = self._produced_audio()
        if not produced and not started_late:
            self._fail("it holds no playable audio")
            return
        if self._loop or not produced:
            # input-repeat did not hold (a container that ignores it): restart, with a gap.
            # Or it started past what the file holds, or it holds nothing: once more from its
            # start, where a damaged file fails with its message.
            self._end_input(player)
            self._bump_generation()
            self._start_fresh(player)
            return
        generation = self._generation
        self._set_state(PlayerState.ENDED)
        if generation == self._generation and self._state == PlayerState.ENDED:
            self.end_reached.emit()
