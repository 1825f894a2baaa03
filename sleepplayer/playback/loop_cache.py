"""Sample-exact WAV copies of loops in compressed formats, so they repeat without a seam.

Why: libVLC 3.0.24 cannot loop Ogg/Opus seamlessly (measured, see ``vlc_backend``): its Ogg
demuxer ignores ``:input-repeat``, and through the avformat demuxer every restart drops the first
Opus packet (960 samples, of which 312 are pre-skip) and restarts the decoder cold, so each seam
loses 648 samples and decodes the next ~100 ms with a transient. libVLC also cannot make the
exact copy itself: a ``#transcode`` of the file to WAV comes out 1608 (avformat) or 4488 (Ogg
demuxer) samples short, missing its first packet(s) and its last one. WAV, on the other hand,
loops bit-exactly (``endless_wav``).

So the loop is decoded here, once, with libopus through ctypes (the library libVLC's own Opus
plugin uses; ``vlc-plugin-base`` depends on ``libopus0``), following RFC 7845: pre-skip removed,
end trimmed to the last granule position, output gain applied. The result equals ``opusdec``'s.
Other formats (FLAC, Ogg Vorbis, MP3, AIFF) are copied by libsndfile (``sndfile_copy``), which
is exact for them where libVLC is not: ``:input-repeat`` leaves a hole at each seam of a FLAC
loop too, and libsndfile takes an MP3's encoder delay and padding off where its gapless header
says how long they are.
Nothing here imports or calls libVLC, so ``decode_to_cache`` may run on a worker thread.

The copy is named after the SHA-256 of the source bytes, written to a temporary name and renamed
into place, so an existing cache file is always complete. Old copies beyond ``MAX_CACHE_BYTES``
are removed, least recently used first.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import os
import struct
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from sleepplayer import APP_NAME
from sleepplayer.playback import sndfile_copy
from sleepplayer.playback.native_lib import load_first

RATE = 48_000  # Opus always decodes at 48 kHz here
#: Sources larger than this are not cached: each load of a loop hashes its file on the GUI
#: thread (about 30 ms for this much), and loops are short (this is a 5-minute FLAC).
MAX_SOURCE_BYTES = 48 * 1024 * 1024
#: Largest copy: 10 minutes of 48 kHz stereo (115 MB).
MAX_COPY_BYTES = 10 * 60 * RATE * 4
#: The cache directory is trimmed to this size after every new copy.
MAX_CACHE_BYTES = 512 * 1024 * 1024
#: A copy being made; one older than this was left by an app that quit meanwhile.
_PARTIAL = ".partial-"
_PARTIAL_MAX_AGE_S = 3600
#: Bump when the decoded output could change, so stale copies are not reused.
_FORMAT_TAG = b"sleepplayer-opus-wav-1"
_OPUS_SET_GAIN = 4034
_MAX_PACKET_FRAMES = 5760  # 120 ms at 48 kHz, Opus's longest packet


class LoopCacheError(Exception):
    """The file cannot be turned into an exact WAV copy (a format or a file neither libopus
    nor libsndfile reads, neither library there, too big...)."""


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "loops"


def cache_path(source: Path, cache_dir: Path) -> Path:
    """Where the WAV copy of ``source`` lives (whether or not it exists yet)."""
    # Imported on the first loop, not at start-up: hashlib initialises OpenSSL, which holds
    # about 4 MB for the life of the process (make bench, RSS while playing).
    import hashlib

    digest = hashlib.sha256(_FORMAT_TAG)
    with source.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_SOURCE_BYTES:
            raise LoopCacheError(f"{source.name} is too large to cache ({size} bytes)")
        digest.update(f.read())
    return cache_dir / f"{digest.hexdigest()[:32]}.wav"


def cached_copy(source: Path, cache_dir: Path) -> Path | None:
    """The finished WAV copy of ``source``, or None. It hashes the source: about 1 ms for a
    300 KB loop, 30 ms for the largest (``loop_copy`` looks those up on its worker)."""
    try:
        path = cache_path(source, cache_dir)
        if not path.is_file():
            return None
        os.utime(path)  # least recently used goes first when trimming
        return path
    except (OSError, LoopCacheError):
        return None


# --- Ogg/Opus parsing (RFC 3533, RFC 7845)


@dataclass(frozen=True)
class OpusStream:
    channels: int
    pre_skip: int
    output_gain_q8: int
    packets: list[bytes]
    final_granule: int


def read_ogg_opus(data: bytes) -> OpusStream:
    """The packets of the first logical stream, which must be Opus with mapping family 0."""
    pos = 0
    serial: int | None = None
    packets: list[bytes] = []
    partial = b""
    granule = -1
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS" or pos + 27 > len(data):
            raise LoopCacheError("not an Ogg file (or a damaged one)")
        header_type = data[pos + 5]
        page_granule, page_serial = struct.unpack_from("<qI", data, pos + 6)
        segments = data[pos + 26]
        table = data[pos + 27 : pos + 27 + segments]
        body = pos + 27 + segments
        end = body + sum(table)
        if len(table) != segments or end > len(data):
            raise LoopCacheError("truncated Ogg page")
        if serial is None:
            serial = page_serial
        if page_serial == serial:
            if not header_type & 0x01:
                partial = b""  # a page that does not continue a packet
            offset = body
            for lacing in table:
                partial += data[offset : offset + lacing]
                offset += lacing
                if lacing < 255:
                    packets.append(partial)
                    partial = b""
            if page_granule >= 0:
                granule = page_granule
            if header_type & 0x04:
                break  # end of stream; a chained stream after it is ignored
        pos = end
    if len(packets) < 3 or not packets[0].startswith(b"OpusHead") or len(packets[0]) < 19:
        raise LoopCacheError("not an Ogg/Opus stream")
    head = packets[0]
    channels = head[9]
    pre_skip, _rate, gain = struct.unpack_from("<HIh", head, 10)
    if head[18] != 0 or channels not in (1, 2):
        raise LoopCacheError("multichannel Opus is not cached")
    if not packets[1].startswith(b"OpusTags"):
        raise LoopCacheError("Opus stream without OpusTags")
    if granule < pre_skip:
        raise LoopCacheError("Opus stream without a usable end position")
    return OpusStream(channels, pre_skip, gain, packets[2:], granule)


# --- decoding with libopus


_libopus: ctypes.CDLL | None = None
_libopus_lock = threading.Lock()


def _load_libopus() -> ctypes.CDLL:
    global _libopus
    with _libopus_lock:
        if _libopus is not None:
            return _libopus
        lib = load_first("opus", ("libopus.so.0", "libopus-0.dll", "libopus.0.dylib"))
        if lib is None:
            raise LoopCacheError(f"libopus not found on {sys.platform}")
        lib.opus_decoder_create.restype = ctypes.c_void_p
        lib.opus_decoder_create.argtypes = [
            ctypes.c_int32,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int),
        ]
        lib.opus_decode.restype = ctypes.c_int
        lib.opus_decode.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int32,
            ctypes.POINTER(ctypes.c_int16),
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.opus_decoder_destroy.restype = None
        lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        _libopus = lib
        return lib


def decode_opus(stream: OpusStream) -> bytes:
    """Interleaved S16LE PCM at 48 kHz, exactly ``final_granule - pre_skip`` frames."""
    lib = _load_libopus()
    error = ctypes.c_int(0)
    decoder = lib.opus_decoder_create(RATE, stream.channels, ctypes.byref(error))
    if not decoder or error.value != 0:
        raise LoopCacheError(f"opus_decoder_create failed ({error.value})")
    try:
        if stream.output_gain_q8:
            lib.opus_decoder_ctl(decoder, _OPUS_SET_GAIN, ctypes.c_int(stream.output_gain_q8))
        buffer = (ctypes.c_int16 * (_MAX_PACKET_FRAMES * stream.channels))()
        frame_bytes = 2 * stream.channels
        limit = MAX_COPY_BYTES + stream.pre_skip * frame_bytes
        out = bytearray()
        for packet in stream.packets:
            frames = lib.opus_decode(decoder, packet, len(packet), buffer, _MAX_PACKET_FRAMES, 0)
            if frames < 0:
                raise LoopCacheError(f"opus_decode failed ({frames})")
            out += ctypes.string_at(buffer, frames * frame_bytes)
            if len(out) > limit:
                raise LoopCacheError("loop too long to cache")
    finally:
        lib.opus_decoder_destroy(decoder)
    total = stream.final_granule - stream.pre_skip
    pcm = bytes(out[stream.pre_skip * frame_bytes : (stream.pre_skip + total) * frame_bytes])
    if len(pcm) != total * frame_bytes:
        raise LoopCacheError("the stream holds fewer samples than its end position says")
    return pcm


def _opus_pcm(source: Path) -> tuple[OpusStream, bytes] | None:
    """The stream and 16-bit little-endian samples of an Ogg/Opus ``source``; None for any
    other format."""
    with source.open("rb") as f:
        head = f.read(4096)
    if not (head.startswith(b"OggS") and b"OpusHead" in head):
        return None
    stream = read_ogg_opus(source.read_bytes())
    pcm = decode_opus(stream)
    if sys.byteorder == "big":
        samples = array.array("h", pcm)
        samples.byteswap()
        pcm = samples.tobytes()
    return stream, pcm


def decode_to_cache(source: Path, cache_dir: Path) -> Path:
    """Decode ``source`` (Ogg/Opus through libopus, other formats through libsndfile) into its
    cache WAV and return the WAV's path.

    Blocking (about 0.1 s for a 30 s stereo loop) and free of libVLC: run it on a worker thread.
    Raises ``LoopCacheError`` (or ``OSError``) when no exact copy can be made.
    """
    target = cache_path(source, cache_dir)
    if target.is_file():
        return target
    opus = _opus_pcm(source)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=_PARTIAL, suffix=".wav")
    try:
        if opus is not None:
            with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as out:
                out.setnchannels(opus[0].channels)
                out.setsampwidth(2)
                out.setframerate(RATE)
                out.writeframes(opus[1])
        else:
            os.close(fd)  # libsndfile writes it by name
            _copy_with_libsndfile(source, Path(tmp_name))
        _flush_to_disk(tmp_name)  # a copy is reused for good: never a half-written one
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _trim(cache_dir, keep=target)
    return target


def _flush_to_disk(path: str) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows commits only handles open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_with_libsndfile(source: Path, target: Path) -> None:
    try:
        sndfile_copy.write_wav_copy(source, target, MAX_COPY_BYTES)
    except sndfile_copy.SndfileError as error:
        raise LoopCacheError(f"{source.name}: {error}") from error


def _trim(cache_dir: Path, keep: Path) -> None:
    """Remove the least recently used copies beyond ``MAX_CACHE_BYTES``, and copies left half
    made (the app quit while a worker wrote one) once they are an hour old."""
    stale = time.time() - _PARTIAL_MAX_AGE_S
    for partial in cache_dir.glob(f"{_PARTIAL}*"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < stale:
                partial.unlink()
    try:
        entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in cache_dir.glob("*.wav")]
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= MAX_CACHE_BYTES:
            break
        if path == keep:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            total -= size
