"""PLS (Winamp, SHOUTcast): ``[playlist]``, ``FileN=``, ``TitleN=``, ``LengthN=`` (seconds, -1
for streams), ``NumberOfEntries=``, ``Version=2``.

Reading is tolerant of key case, order and spacing, of missing or wrong ``NumberOfEntries`` and
of gaps in the numbering: entries come in the order of N. A ``FileN`` given twice keeps the
later one and reports the earlier; a title or length without its file is reported. Text is
UTF-8, else Windows-1252 (what Winamp wrote). Writing uses UTF-8, LF line ends and ``Version=2``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sleepplayer.core.playlist_formats.base import (
    Collector,
    ImportResult,
    PlaylistEntry,
    PlaylistError,
    clean_title,
    decode_text,
    format_seconds,
    parse_seconds,
    split_lines,
)
from sleepplayer.core.url_policy import MAX_LOCATION_CHARS

_KEY = re.compile(r"(file|title|length)\s*([0-9]{1,9})\s*=(.*)", re.IGNORECASE)
#: What looks like a File key without a usable number: an entry that cannot be placed.
_FILE_LIKE = re.compile(r"file[^=]*=", re.IGNORECASE)


def read_pls(data: bytes, *, base: str | None, remote: bool) -> ImportResult:
    text, damaged = decode_text(data, utf8_only=False)
    out = Collector(base=base, remote=remote)
    out.refuse_damaged_lines(damaged)
    header = False
    files: dict[int, tuple[int, str]] = {}  # N -> (line, value)
    titles: dict[int, tuple[int, str]] = {}
    lengths: dict[int, tuple[int, int | None]] = {}
    for lineno, line in enumerate(split_lines(text), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in ";#":
            continue
        if len(line) > MAX_LOCATION_CHARS:
            out.refuse_long_line(lineno, line)
            continue
        if stripped.startswith("["):
            header = header or stripped.lower().startswith("[playlist]")
            continue
        match = _KEY.match(stripped)
        if match is None:
            if _FILE_LIKE.match(stripped):
                # "FileX=…" or "File=…": meant as an entry, so named, never dropped unseen.
                out.refuse(f"line {lineno}", stripped, "a File key needs its number (File1=)")
            continue  # NumberOfEntries, Version and keys we do not use
        key, number, value = match.group(1).lower(), int(match.group(2)), match.group(3).strip()
        if key == "file":
            if number in files:
                earlier, old = files[number]
                out.refuse(f"line {earlier}", old, f"File{number} is given again on line {lineno}")
            files[number] = (lineno, value)
        elif key == "title":
            titles[number] = (lineno, value)
        else:
            lengths[number] = (lineno, parse_seconds(value))
    if not header and not files:
        raise PlaylistError("Not a playlist: no [playlist] section and no File entries")
    for number in sorted(files):
        lineno, value = files[number]
        title = titles.get(number, (0, ""))[1]
        duration_ms = lengths.get(number, (0, None))[1]
        out.add(f"line {lineno}", value, title, duration_ms, uri_ref=False)
    orphans = sorted({*titles, *lengths} - set(files))
    for number in orphans:
        lineno = titles[number][0] if number in titles else lengths[number][0]
        reason = f"a title or length for entry {number}, which has no File{number}"
        out.refuse(f"line {lineno}", None, reason)
    return out.result()


def write_pls(rows: Sequence[tuple[str, PlaylistEntry]]) -> bytes:
    """``rows``: (location as it is to be written, entry)."""
    lines = ["[playlist]"]
    for number, (location, entry) in enumerate(rows, 1):
        lines.append(f"File{number}={location}")
        lines.append(f"Title{number}={clean_title(entry.title)}")
        lines.append(f"Length{number}={format_seconds(entry.duration_ms)}")
    lines += [f"NumberOfEntries={len(rows)}", "Version=2"]
    return ("\n".join(lines) + "\n").encode("utf-8")
