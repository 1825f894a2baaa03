"""Asking Linux to reclaim the resident pages of some of the process's file mappings.

Start-up runs a great deal of Qt, PySide and Python code once: loading and linking the
libraries, creating the Python classes for the Qt types, building the window. The kernel keeps
every page of code that ran resident in the process afterwards (it maps 16 pages around each one
touched), so they count in its resident set all night, though playing runs a small part of them
(measured: 92.6 MB resident 10 s after the start, 66 MB once the GUI stack's pages were reclaimed,
still 66 MB 30 s later while playing with the window shown).

``MADV_PAGEOUT`` (Linux 5.4) reclaims them at once, as memory pressure would later: pages this
process alone maps leave memory, pages shared with other processes stay. A page needed again is
read back on its first use, as after any reclaim. Older kernels answer EINVAL, and nothing
happens. Other systems have no such call here: :func:`page_out` does nothing there.

Only the mappings the caller chooses, and only read-only ones: a writable mapping's pages may hold
what the process wrote, and the caller keeps libVLC, its plugins and codecs and the sound server's
library out, as a page of theirs read back from disk in the audio path could be heard.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

#: ``MADV_PAGEOUT`` from linux/mman.h.
_MADV_PAGEOUT = 21
_MAPS = "/proc/self/maps"


@dataclass(frozen=True)
class Mapping:
    """One line of /proc/PID/maps that maps a file read-only."""

    start: int
    end: int
    path: str


def read_only_file_mappings(maps_text: str) -> list[Mapping]:
    """The read-only mappings of files in ``maps_text`` (the format of /proc/PID/maps).

    Anonymous memory, the stack and heap, ``[vdso]``, memfd and deleted files are left out:
    only a file still on disk can give its pages back and read them again."""
    found = []
    for line in maps_text.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) < 6 or not fields[5].startswith("/") or "w" in fields[1]:
            continue
        path = fields[5]
        if path.endswith(" (deleted)") or path.startswith("/memfd:"):
            continue
        start, _, end = fields[0].partition("-")
        try:
            found.append(Mapping(int(start, 16), int(end, 16), path))
        except ValueError:  # a line of some other shape: not ours to guess at
            continue
    return found


def chosen(
    mappings: Iterable[Mapping], folders: Sequence[str], name_prefixes: Sequence[str]
) -> list[Mapping]:
    """The mappings of files inside one of ``folders``, or whose name starts with one of
    ``name_prefixes`` (libraries kept beside others, like libpython in /usr/lib)."""
    roots = [PurePosixPath(folder) for folder in folders]
    picked = []
    for mapping in mappings:
        path = PurePosixPath(mapping.path)
        if path.name.startswith(tuple(name_prefixes)) or any(
            path.is_relative_to(root) for root in roots
        ):
            picked.append(mapping)
    return picked


def own_mappings() -> list[Mapping]:
    """This process's read-only file mappings; none where /proc cannot be read."""
    try:
        with open(_MAPS, encoding="utf-8", errors="replace") as maps:
            return read_only_file_mappings(maps.read())
    except OSError:
        return []


def page_out(mappings: Iterable[Mapping]) -> int:
    """Ask the kernel to reclaim the pages of ``mappings`` in this process; the bytes asked
    for without an error (0 where the call does not exist). A mapping gone since it was read
    (a library unloaded by another thread) answers ENOMEM and is passed over."""
    if not sys.platform.startswith("linux"):
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    madvise = libc.madvise
    madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    madvise.restype = ctypes.c_int
    asked = 0
    for mapping in mappings:
        size = mapping.end - mapping.start
        if madvise(mapping.start, size, _MADV_PAGEOUT) == 0:
            asked += size
    return asked
