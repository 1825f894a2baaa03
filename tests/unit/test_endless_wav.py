"""A WAV read as one endless WAV (``playback.endless_wav``): the header once, with endless
sizes, then the sound data over and over, picked up at any offset."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

from sleepplayer.playback.endless_wav import VIRTUAL_DATA_BYTES, EndlessWav


def _wav(path: Path, frames: bytes, *, extra_chunk: bytes = b"") -> Path:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(frames)
    data = buffer.getvalue()
    if extra_chunk:  # a LIST chunk of odd size before the data, padded as RIFF wants
        at = data.index(b"data")
        chunk = b"LIST" + struct.pack("<I", len(extra_chunk)) + extra_chunk
        data = data[:at] + chunk + (b"\0" if len(extra_chunk) % 2 else b"") + data[at:]
    path.write_bytes(data)
    return path


def _read_all_of(endless: EndlessWav, length: int) -> bytes:
    out = b""
    while len(out) < length:
        piece = endless.read(min(1000, length - len(out)))
        assert piece
        out += piece
    return out


def test_the_data_repeats_after_the_files_own_header(tmp_path: Path) -> None:
    frames = bytes(range(256)) * 4  # 1,024 bytes: 256 stereo 16-bit frames
    endless = EndlessWav.of(_wav(tmp_path / "loop.wav", frames, extra_chunk=b"abc"))
    assert endless is not None
    assert endless.loop_ms == 256 * 1000 // 8000
    assert endless.open()
    header = endless.read(44 + 12)  # RIFF, fmt, the padded LIST chunk, the data chunk head
    assert header[:4] == b"RIFF"
    assert b"LIST\x03\x00\x00\x00abc\x00" in header and header[-8:-4] == b"data"
    virtual = struct.unpack("<I", header[-4:])[0]
    assert virtual == VIRTUAL_DATA_BYTES - VIRTUAL_DATA_BYTES % len(frames)
    assert struct.unpack("<I", header[4:8])[0] == len(header) - 8 + virtual
    assert endless.size == len(header) + virtual
    assert _read_all_of(endless, 3 * len(frames) + 10) == frames * 3 + frames[:10]
    # A seek lands at the same place in the loop, however many passes in.
    assert endless.seek(len(header) + 5 * len(frames) + 100)
    assert endless.read(8) == frames[100:108]
    assert not endless.seek(endless.size + 1)
    endless.close()
    assert endless.read(8) == b""


def test_a_reopen_starts_with_the_header_again(tmp_path: Path) -> None:
    endless = EndlessWav.of(_wav(tmp_path / "loop.wav", b"\1\2\3\4" * 100))
    assert endless is not None and endless.open()
    first = endless.read(60)
    endless.close()
    assert endless.open()
    assert endless.read(60) == first
    endless.close()


def test_what_is_not_a_plain_wav_is_left_to_libvlc(tmp_path: Path) -> None:
    (tmp_path / "a.wav").write_bytes(b"OggS" + bytes(100))
    (tmp_path / "empty.wav").write_bytes(b"")
    no_data = _wav(tmp_path / "nodata.wav", b"")
    truncated = tmp_path / "cut.wav"
    truncated.write_bytes(_wav(tmp_path / "whole.wav", bytes(400)).read_bytes()[:30])
    for name in ("a.wav", "empty.wav", "nodata.wav", "cut.wav", "missing.wav"):
        assert EndlessWav.of(tmp_path / name) is None, name
    assert no_data.exists()


def test_a_data_chunk_claiming_more_than_the_file_holds_loops_what_is_there(
    tmp_path: Path,
) -> None:
    # A WAV cut short after writing (a crash) still says its full size.
    path = _wav(tmp_path / "loop.wav", bytes(range(200)) * 2)
    path.write_bytes(path.read_bytes()[:-101])  # 299 bytes left: 74 whole frames
    endless = EndlessWav.of(path)
    assert endless is not None and endless.open()
    endless.read(44)
    assert endless.read(296 + 4) == (bytes(range(200)) * 2)[:296] + bytes(range(4))
    endless.close()


def test_a_chunk_claiming_gigabytes_is_refused_without_reading_it(tmp_path: Path) -> None:
    # Reading a claimed size at once would ask for gigabytes of memory (MemoryError).
    head = b"RIFF" + struct.pack("<I", 100) + b"WAVE"
    (tmp_path / "bogus.wav").write_bytes(head + b"LIST" + struct.pack("<I", 0xFFFFFFF0) + b"x")
    (tmp_path / "fmt.wav").write_bytes(head + b"fmt " + struct.pack("<I", 0xFFFFFFF0) + b"x")
    assert EndlessWav.of(tmp_path / "bogus.wav") is None
    assert EndlessWav.of(tmp_path / "fmt.wav") is None
    assert EndlessWav.of(tmp_path) is None  # a folder named like a file
