"""Title, artist and duration from a local file's tags, via mutagen.

Everything here is safe to call from a worker thread and never raises: a file mutagen cannot
read still becomes a track (libVLC may well play it); only its tags stay empty.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleepplayer.core.model import Track, TrackKind
from sleepplayer.core.text import one_line

# Easy-tag names first; then raw ID3 frames (WAV/AIFF carry ID3 but have no "easy" mapping),
# then the keys other formats use natively.
_TITLE_KEYS = ("title", "TIT2", "\xa9nam", "Title")
_ARTIST_KEYS = ("artist", "TPE1", "\xa9ART", "Author")

# The mutagen classes worth trying for a file name's suffix. mutagen.File with no list imports
# all 24 of its formats (about 4 MB of code kept for the app's lifetime); the ASMR a user adds
# is almost always one of these. A file whose content is none of its suffix's formats, or an
# unknown suffix, still gets mutagen's full detection.
_FORMATS_BY_SUFFIX: dict[str, tuple[str, ...]] = {
    ".opus": ("oggopus:OggOpus",),
    ".ogg": ("oggvorbis:OggVorbis", "oggopus:OggOpus"),
    ".oga": ("oggvorbis:OggVorbis", "oggopus:OggOpus", "oggflac:OggFLAC"),
    ".spx": ("oggspeex:OggSpeex",),
    ".mp3": ("mp3:EasyMP3",),
    ".flac": ("flac:FLAC",),
    ".m4a": ("easymp4:EasyMP4",),
    ".m4b": ("easymp4:EasyMP4",),
    ".mp4": ("easymp4:EasyMP4",),
    ".aac": ("aac:AAC", "easymp4:EasyMP4"),
    ".wav": ("wave:WAVE",),
    ".aif": ("aiff:AIFF",),
    ".aiff": ("aiff:AIFF",),
    ".wma": ("asf:ASF",),
}


@dataclass(frozen=True)
class TagInfo:
    """What could be read from a file. ``error`` says why reading failed, if it did."""

    title: str = ""
    artist: str = ""
    duration_ms: int | None = None
    error: str | None = None


def read_tags(path: Path) -> TagInfo:
    """Tags and duration of ``path``; on any failure a TagInfo with ``error`` set."""
    import mutagen  # imported on first use: only adding files needs it, start-up does not

    try:
        audio = _read_likely(path)
        if audio is None:
            audio = mutagen.File(path, easy=True)
    # mutagen raises many exception types on corrupt files; none may reach the scan worker.
    except Exception as exc:
        os_error = _os_error(exc)
        if os_error is not None:
            return TagInfo(error=_os_reason(os_error))
        return TagInfo(error=f"Cannot read tags ({type(exc).__name__}: {exc})")
    if audio is None:
        return TagInfo(error="Unknown audio format")
    tags = audio.tags
    return TagInfo(
        title=_first_text(tags, _TITLE_KEYS),
        artist=_first_text(tags, _ARTIST_KEYS),
        duration_ms=_duration_ms(audio),
    )


def _read_likely(path: Path) -> Any:
    """``path`` read by its suffix's formats; None when that did not work out (an unknown
    suffix, or content of another format: a FLAC named .mp3), except for I/O errors."""
    import mutagen

    likely = _likely_formats(path)
    if likely is None:
        return None
    try:
        return mutagen.File(path, options=likely, easy=True)
    except Exception as exc:
        if _os_error(exc) is not None:
            raise  # the file cannot be read at all: full detection would fail the same way
        return None  # MP3, FLAC, WAVE... score on the suffix alone and then fail on content


def _likely_formats(path: Path) -> list[Any] | None:
    """The mutagen classes for ``path``'s suffix, imported now; None (= all) if unknown."""
    names = _FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if names is None:
        return None
    classes = []
    for name in names:
        module, _, cls = name.partition(":")
        classes.append(getattr(importlib.import_module(f"mutagen.{module}"), cls))
    return classes


def track_from_path(path: Path) -> Track:
    """A local Track for ``path``, with its tags; marked unavailable if it cannot be read."""
    info = read_tags(path)
    return Track(
        uri=path.absolute().as_uri(),
        title=info.title,
        artist=info.artist,
        duration_ms=info.duration_ms,
        kind=TrackKind.LOCAL,
        unavailable=_unavailable_reason(path),
    )


def with_file_tags(track: Track, tagged: Track) -> Track:
    """``track`` (a playlist file's entry) with what its file says (``tagged``, from
    :func:`track_from_path`) where the entry said nothing; a file that cannot be read marks
    it (a mark it already has stays)."""
    return track.with_changes(
        title=track.title or tagged.title,
        artist=track.artist or tagged.artist,
        duration_ms=track.duration_ms or tagged.duration_ms,
        unavailable=track.unavailable or tagged.unavailable,
    )


def _unavailable_reason(path: Path) -> str | None:
    # Separate from read_tags: a file mutagen does not know is still playable.
    try:
        with path.open("rb"):
            return None
    except OSError as exc:
        return _os_reason(exc)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``: mutagen wraps I/O errors in MutagenError."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        args_error = next((a for a in seen.args if isinstance(a, OSError)), None)
        if args_error is not None:
            return args_error
        seen = seen.__cause__ or seen.__context__
    return None


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "File not found"
    if isinstance(exc, IsADirectoryError):
        return "Is a folder, not a file"
    return f"Cannot read file ({exc.strerror or exc})"


def _duration_ms(audio: Any) -> int | None:
    length = getattr(getattr(audio, "info", None), "length", None)
    if not isinstance(length, int | float) or not math.isfinite(length) or length <= 0:
        return None
    return round(length * 1000)


def _first_text(tags: Any, keys: tuple[str, ...]) -> str:
    if tags is None:
        return ""
    for key in keys:
        try:
            value = tags[key]
        except (KeyError, ValueError, TypeError):
            continue
        # One plain line: a tag may hold a newline, an escape sequence or a bidi override.
        text = one_line(_as_text(value))
        if text:
            return text
    return ""


def _as_text(value: Any) -> str:
    # Tag values come as lists (easy tags, MP4, ASF), ID3 frames (.text list) or plain strings.
    if hasattr(value, "text"):
        value = value.text
    if isinstance(value, list | tuple):
        if not value:
            return ""
        value = value[0]
    return str(value)
