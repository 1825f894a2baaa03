"""FLAC, Ogg Vorbis, MP3 and AIFF loops copied to 16-bit WAV with libsndfile, for ``loop_cache``.

Why not libVLC: ``:input-repeat`` restarts the input at each pass, which left 70 ms of silence
at every seam of a FLAC loop through PulseAudio (tests/integration/test_loop_seam.py; a trial
heard 60 ms at an MP3's and 100 ms at a Vorbis file's). libsndfile decodes FLAC and Vorbis to
exactly the source's frames, and an MP3 that carries the gapless header (LAME's, which LAME,
ffmpeg and most encoders write) to exactly the encoded frames: 44,100 from a 1 s tone, its first
sample the tone's (libsndfile 1.2.0, measured). An MP3 without the header keeps the encoder's
delay and padding, as any decoder must: 490 frames of silence first and 46,080 frames in all
for the same tone (sox's MP3s have no header).

The sound is read as floats and written as 16-bit with libsndfile's clipping: read as 16-bit
directly, a Vorbis tone at full scale wrapped round at its peaks (+1 to -1, a click each period)
whatever ``SFC_SET_CLIPPING`` said on the reading side.

libsndfile comes with the sound server on Linux (``libpulse0`` depends on it); where it is
missing (usual on Windows and macOS) the loop is played as before. Nothing here touches Qt or
libVLC, so :func:`write_wav_copy` may run on a worker thread.
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path

from sleepplayer.playback.native_lib import load_first

_SFM_READ = 0x10
_SFM_WRITE = 0x20
_SF_FORMAT_WAV_PCM_16 = 0x010000 | 0x0002
_SFC_SET_CLIPPING = 0x10C0
_SF_TRUE = 1
_CHUNK_FRAMES = 65_536
_MAX_CHANNELS = 8


class SndfileError(Exception):
    """The file cannot be copied here (no libsndfile, a format it does not know, too long)."""


class _Info(ctypes.Structure):
    _fields_ = [
        ("frames", ctypes.c_int64),
        ("samplerate", ctypes.c_int),
        ("channels", ctypes.c_int),
        ("format", ctypes.c_int),
        ("sections", ctypes.c_int),
        ("seekable", ctypes.c_int),
    ]


_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()


def _libsndfile() -> ctypes.CDLL:
    global _lib
    with _lib_lock:
        if _lib is None:
            lib = load_first("sndfile", ("libsndfile.so.1", "sndfile.dll", "libsndfile.1.dylib"))
            if lib is None:
                raise SndfileError("libsndfile not found")
            try:
                _declare(lib)
            except AttributeError as error:  # a build without a function used here
                raise SndfileError(f"libsndfile lacks {error}") from error
            _lib = lib
        return _lib


def _declare(lib: ctypes.CDLL) -> None:
    lib.sf_open.restype = ctypes.c_void_p
    lib.sf_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(_Info)]
    if os.name == "nt":  # sf_open takes the ANSI code page there, not UTF-8
        lib.sf_wchar_open.restype = ctypes.c_void_p
        lib.sf_wchar_open.argtypes = [ctypes.c_wchar_p, ctypes.c_int, ctypes.POINTER(_Info)]
    for name in ("sf_readf_float", "sf_writef_float"):
        function = getattr(lib, name)
        function.restype = ctypes.c_int64
        function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    lib.sf_command.restype = ctypes.c_int
    lib.sf_command.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    for name in ("sf_close", "sf_error"):
        function = getattr(lib, name)
        function.restype = ctypes.c_int
        function.argtypes = [ctypes.c_void_p]
    lib.sf_strerror.restype = ctypes.c_char_p
    lib.sf_strerror.argtypes = [ctypes.c_void_p]


def _open(lib: ctypes.CDLL, path: Path, mode: int, info: _Info) -> int:
    if os.name == "nt":
        handle: int | None = lib.sf_wchar_open(str(path), mode, ctypes.byref(info))
    else:
        handle = lib.sf_open(os.fsencode(path), mode, ctypes.byref(info))
    if not handle:
        raise SndfileError(f"libsndfile cannot open {path.name}: {_reason(lib, None)}")
    return handle


def _reason(lib: ctypes.CDLL, handle: int | None) -> str:
    """libsndfile's words for the last error of ``handle`` (None: of the last open)."""
    return (lib.sf_strerror(handle) or b"").decode("utf-8", "replace")


def write_wav_copy(source: Path, target: Path, max_bytes: int) -> None:
    """Write all of ``source`` to ``target`` as a 16-bit WAV at the source's rate; raises
    ``SndfileError`` when it cannot, or when the copy would pass ``max_bytes``."""
    lib = _libsndfile()
    info = _Info()
    reader = _open(lib, source, _SFM_READ, info)
    try:
        if not 0 < info.channels <= _MAX_CHANNELS or info.samplerate <= 0:
            raise SndfileError(f"{source.name}: {info.channels} channels at {info.samplerate} Hz")
        limit = max_bytes // (2 * info.channels)
        if info.frames > limit:  # known at once (an MP3 without its header: an estimate)
            raise SndfileError("too long to cache")
        total = _copy_frames(lib, reader, info, target, limit)
        if lib.sf_error(reader) != 0:
            # A read error ends the reading early: such a copy would be a shorter loop, reused
            # for good.
            raise SndfileError(f"read error after {total} frames: {_reason(lib, reader)}")
    finally:
        lib.sf_close(reader)


def _copy_frames(lib: ctypes.CDLL, reader: int, info: _Info, target: Path, limit: int) -> int:
    spec = _Info(0, info.samplerate, info.channels, _SF_FORMAT_WAV_PCM_16, 0, 0)
    writer = _open(lib, target, _SFM_WRITE, spec)
    try:
        lib.sf_command(writer, _SFC_SET_CLIPPING, None, _SF_TRUE)
        buffer = (ctypes.c_float * (_CHUNK_FRAMES * info.channels))()
        total = 0
        while (frames := lib.sf_readf_float(reader, buffer, _CHUNK_FRAMES)) > 0:
            total += frames
            if total > limit:
                raise SndfileError("too long to cache")
            if lib.sf_writef_float(writer, buffer, frames) != frames:
                raise SndfileError(f"libsndfile could not write {target.name}")
    finally:
        closed = lib.sf_close(writer)  # writes the header's sizes
    if closed != 0:
        raise SndfileError(f"libsndfile could not finish {target.name}")
    if total == 0:
        raise SndfileError("it holds no sound")
    return total
