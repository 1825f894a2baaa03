"""Asking Linux to reclaim the resident pages of some of the process's file mappings.

Start-up runs a great deal of Qt code once: loading and linking the libraries, creating the
Python classes for the Qt types, building the window. The kernel keeps every page of code that
ran resident in the process afterwards (it maps 16 pages around each one touched), so they count
in its resident set all night, though playing runs a small part of them.

``MADV_PAGEOUT`` (Linux 5.4) reclaims them at once, as memory pressure would later: pages this
process alone maps leave memory, and a page needed again is read back from its file on first
use, as after any reclaim. The kernel does this only for files the user owns or may write (a
venv in the user's home, not a distribution's PySide6 under /usr: there the call does nothing,
and :func:`page_out` does not count those files). Older kernels answer EINVAL, and nothing
happens; other systems have no such call here, and :func:`page_out` does nothing there.

Only mappings that are readable and not writable: a writable one holds data the process is
still writing. (The read-only part of a library holds the addresses the loader wrote into it
once; with swap, those pages may go there.) Which files is the caller's choice
(:mod:`page_release`).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

#: ``MADV_PAGEOUT`` from linux/mman.h.
_MADV_PAGEOUT = 21
_MAPS = "/proc/self/maps"

_Madvise = Callable[[int, int, int], int]


@dataclass(frozen=True)
class FileMapping:
    """One line of /proc/PID/maps that maps a file readable and not writable."""

    start: int
    end: int
    path: str


def read_only_file_mappings(maps_text: str) -> list[FileMapping]:
    """The readable, not writable mappings of files in ``maps_text`` (/proc/PID/maps).

    Anonymous memory, the stack and heap, ``[vdso]``, guard gaps (``---p``), memfd and deleted
    files are left out: only a file still on disk can give its pages back and read them again."""
    found = []
    for line in maps_text.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) < 6 or not fields[5].startswith("/"):
            continue
        perms, path = fields[1], fields[5]
        if not perms.startswith("r") or "w" in perms:
            continue
        if path.endswith(" (deleted)") or path.startswith("/memfd:"):
            continue
        start, _, end = fields[0].partition("-")
        try:
            found.append(FileMapping(int(start, 16), int(end, 16), path))
        except ValueError:  # a line of some other shape: not ours to guess at
            continue
    return found


def select_mappings(
    mappings: Iterable[FileMapping],
    *,
    folders: Sequence[str] = (),
    name_prefixes: Sequence[str] = (),
    never: Callable[[str], bool] = lambda _path: False,
) -> list[FileMapping]:
    """The mappings of files inside one of ``folders`` or whose name starts with one of
    ``name_prefixes``, except those whose path ``never`` accepts."""
    roots = [PurePosixPath(folder) for folder in folders]
    picked = []
    for mapping in mappings:
        path = PurePosixPath(mapping.path)
        if never(mapping.path):
            continue
        if path.name.startswith(tuple(name_prefixes)) or any(
            path.is_relative_to(root) for root in roots
        ):
            picked.append(mapping)
    return picked


def own_mappings() -> list[FileMapping]:
    """This process's read-only file mappings; none where /proc cannot be read."""
    try:
        with open(_MAPS, encoding="utf-8", errors="surrogateescape") as maps:
            return read_only_file_mappings(maps.read())
    except OSError:
        return []


@cache
def _madvise() -> _Madvise | None:
    """libc's madvise when this kernel knows MADV_PAGEOUT (asked once, with no range)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        madvise = ctypes.CDLL(None).madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    madvise.restype = ctypes.c_int
    if madvise(None, 0, _MADV_PAGEOUT) != 0:
        return None
    return madvise


def supported() -> bool:
    """Whether this system can page out (Linux 5.4 or later)."""
    return _madvise() is not None


def reclaimable(path: str) -> bool:
    """The kernel pages out a file's pages only for its owner or one who may write it."""
    try:
        owner = os.stat(path).st_uid
        return owner == os.geteuid() or os.access(path, os.W_OK, effective_ids=True)
    except OSError:
        return False


def page_out(mappings: Iterable[FileMapping]) -> int:
    """Ask the kernel to reclaim the pages of ``mappings`` in this process; the bytes of the
    mappings it may reclaim and took the request for (0 where it cannot: another system, an
    older kernel). A mapping gone since it was read (a library unloaded by another thread)
    answers ENOMEM and is passed over."""
    madvise = _madvise()
    if madvise is None:
        return 0
    asked = 0
    owned: dict[str, bool] = {}  # a library is 4-5 mappings of one file
    for mapping in mappings:
        if mapping.path not in owned:
            owned[mapping.path] = reclaimable(mapping.path)
        if not owned[mapping.path]:
            continue
        size = mapping.end - mapping.start
        if madvise(mapping.start, size, _MADV_PAGEOUT) == 0:
            asked += size
    return asked
