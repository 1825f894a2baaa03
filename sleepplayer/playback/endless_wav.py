"""A WAV file read as one endless WAV: its header once, then its sound data over and over.

libVLC's ``:input-repeat`` loops a WAV bit-exactly, but through a real sound server each pass
restarts the input, and PulseAudio then plays 50-70 ms of silence at every seam (measured at a
null sink: a 4 s loop had a hole at 3.66, 7.73 and 11.80 s; the trial heard them in the
built-in sounds every 30 s). Read through libVLC's media callbacks as a single long file
instead, the input never restarts and the seam is just the next sample.

The header is the file's own, with the data size raised to ``VIRTUAL_DATA_BYTES`` (about
3 hours of CD-quality stereo; past that the input repeats once, with one seam of the old
kind). Reads pick up the data at the offset modulo its length, so a reopen or a seek lands
where it should in the loop. No libVLC here: the engine wraps this in its callbacks.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

#: The data size the endless file claims (under 2 GiB: what 32-bit WAV sizes allow).
VIRTUAL_DATA_BYTES = 0x7FFF0000
_RIFF_HEADER = 12
_CHUNK_HEADER = 8
_MAX_FMT_BYTES = 64
#: Chunks before the data (tags, a cue list) beyond this: not a plain WAV to loop this way.
_MAX_HEADER_BYTES = 1 << 20


class EndlessWav:
    """One loop's file; ``open``/``read``/``seek``/``close`` as libVLC's callbacks call them,
    on libVLC's input thread."""

    def __init__(self, path: Path, header: bytes, data_at: int, data_len: int, rate: int) -> None:
        self.path = path
        self._data_at = data_at
        self._data_len = data_len
        #: Bytes of sound data per second (the fmt chunk's average byte rate).
        self.byte_rate = rate
        virtual = VIRTUAL_DATA_BYTES - VIRTUAL_DATA_BYTES % data_len
        # The file's own header up to the data chunk, with RIFF and data sizes made endless.
        self._header = (
            header[:4] + struct.pack("<I", len(header) - 8 + virtual) + header[8:-4]
        ) + struct.pack("<I", virtual)
        #: The size libVLC is told: header and the endless data.
        self.size = len(self._header) + virtual
        self._pos = 0
        self._file: BinaryIO | None = None

    @property
    def loop_ms(self) -> int:
        """One pass of the loop, in milliseconds."""
        return self._data_len * 1000 // self.byte_rate

    @classmethod
    def of(cls, path: Path) -> EndlessWav | None:
        """The endless reading of ``path``, or None when it is not a RIFF WAV with a fmt and
        a data chunk (libVLC's own ``:input-repeat`` is the fallback)."""
        try:
            if not path.is_file():  # a FIFO named .wav would block the caller
                return None
            with path.open("rb") as f:
                head = f.read(_RIFF_HEADER)
                if len(head) < _RIFF_HEADER or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                    return None
                header = bytearray(head)
                rate = align = 0
                while True:
                    chunk = f.read(_CHUNK_HEADER)
                    if len(chunk) < _CHUNK_HEADER:
                        return None
                    kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                    if kind == b"data":
                        header += chunk
                        data_at = f.tell()
                        size = min(size, path.stat().st_size - data_at)
                        size -= size % align if align else 0
                        if rate <= 0 or align <= 0 or not 0 < size <= VIRTUAL_DATA_BYTES // 2:
                            return None  # bigger: libVLC's own input-repeat loops it
                        return cls(path, bytes(header), data_at, size, rate)
                    padded = size + (size & 1)  # chunks are padded to even sizes
                    if kind == b"fmt ":
                        if size > _MAX_FMT_BYTES:
                            return None
                        body = f.read(padded)
                        if len(body) >= 16:
                            rate, align = struct.unpack("<IH", body[8:14])
                    else:  # LIST and the like: copied without reading a claimed size at once
                        if len(header) + padded > _MAX_HEADER_BYTES:
                            return None
                        body = f.read(padded)
                    header += chunk + body
        except (OSError, ValueError, struct.error):
            return None

    # --- libVLC's media callbacks (its input thread) ---
    def open(self) -> bool:
        """From the start of the header; the loop goes on where a seek puts it."""
        self.close()
        try:
            self._file = self.path.open("rb")
        except OSError:
            return False
        self._pos = 0
        return True

    def read(self, length: int) -> bytes:
        if self._file is None or length <= 0:
            return b""
        out = bytearray()
        while len(out) < length and self._pos < self.size:
            if self._pos < len(self._header):
                piece = self._header[self._pos : self._pos + length - len(out)]
            else:
                offset = (self._pos - len(self._header)) % self._data_len
                self._file.seek(self._data_at + offset)
                piece = self._file.read(min(length - len(out), self._data_len - offset))
                if not piece:
                    break  # the file shrank under us: end of the stream
            out += piece
            self._pos += len(piece)
        return bytes(out)

    def seek(self, offset: int) -> bool:
        if not 0 <= offset <= self.size:
            return False
        self._pos = offset
        return True

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
