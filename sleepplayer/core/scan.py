"""Turning the files and folders a user dropped or picked into an ordered list of audio files.

Order inside a folder is natural (``Track 2`` before ``Track 10``), case-insensitive, with files
and subfolders interleaved by name, as in a sorted path listing; a subfolder's contents come
where the subfolder's name sorts. That keeps ``Part 1/``, ``Part 2.mp3``, ``Part 3/`` in the
order their names promise.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

#: File extensions (lower case, no dot) picked up when walking folders.
AUDIO_EXTENSIONS: frozenset[str] = frozenset(
    {
        "mp3", "mp2", "mpga", "ogg", "oga", "opus", "flac", "wav", "wave", "m4a", "m4b", "aac",
        "wma", "mka", "webm", "weba", "mp4", "aiff", "aif", "aifc", "ape", "wv", "mpc", "spx",
        "ac3", "dts", "alac", "caf", "au", "snd", "tta", "amr", "3gp", "mid", "midi", "xm", "mod",
        "s3m", "it",
    }
)  # fmt: skip

_DIGITS = re.compile(r"([0-9]+)")


def never() -> bool:
    """The default ``cancelled`` predicate."""
    return False


def is_audio_file(path: str | Path) -> bool:
    """True when the name has one of ``AUDIO_EXTENSIONS``."""
    suffix = os.path.splitext(path)[1]
    return suffix[1:].lower() in AUDIO_EXTENSIONS


def natural_key(name: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key: case-insensitive, runs of ASCII digits compared as numbers.

    The split always starts with a text part, so text and numbers alternate at fixed positions
    and never get compared with each other. The name itself breaks ties ("02" vs "2").
    """
    parts = _DIGITS.split(name.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


def expand_paths(
    paths: Iterable[str | Path],
    cancelled: Callable[[], bool] = never,
    on_problem: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Yield the files to add, in order.

    Files given explicitly are yielded as they are, whatever their extension or even if they do
    not exist: the user chose them, and a missing one becomes an unavailable entry rather than
    vanishing. But only regular files: a device (``/dev/zero`` never ends), a FIFO (reading
    it waits for a writer forever) or a socket would hang whatever reads it, so those are
    reported through ``on_problem`` and skipped. Folders are walked recursively for audio
    files (regular files only), skipping hidden entries. Each real folder is walked once, so
    symlink loops cannot recur. Unreadable folders are reported through ``on_problem`` and
    skipped. Stops soon after ``cancelled()`` turns true.
    """
    visited: set[str] = set()
    for raw in paths:
        if cancelled():
            return
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, visited, cancelled, on_problem)
        elif is_special_file(path):
            if on_problem is not None:
                on_problem(f"Not added: {path} is not a regular file")
        else:
            yield path


def is_special_file(path: str | Path) -> bool:
    """Whether ``path`` exists but is no regular file or folder: a device, FIFO or socket.

    Only a ``stat``: it never opens the path, which for a FIFO would block.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False  # missing or unreachable: an unavailable entry, decided elsewhere
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _walk(
    root: Path,
    visited: set[str],
    cancelled: Callable[[], bool],
    on_problem: Callable[[str], None] | None,
) -> Iterator[Path]:
    # An explicit stack instead of recursion: deep trees cannot hit the recursion limit.
    # Items are pushed in reverse so they pop in natural order.
    stack: list[tuple[Path, bool]] = [(root, True)]
    root_real = os.path.realpath(root)
    while stack:
        if cancelled():
            return
        path, is_dir = stack.pop()
        if not is_dir:
            yield path
            continue
        real = os.path.realpath(path)
        if real in visited or (path is not root and _holds(real, root_real)):
            # A link back up to a folder around the one chosen ("loop -> ../.."): walking it
            # would add the chosen folder's neighbours, which the user did not pick.
            continue
        visited.add(real)
        try:
            children = _list_dir(path)
        except OSError as exc:
            if on_problem is not None:
                on_problem(f"Cannot read the folder {path}: {exc.strerror or exc}")
            continue
        stack.extend(reversed(children))


def _holds(folder: str, path: str) -> bool:
    """Whether real path ``path`` is ``folder`` or inside it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _list_dir(directory: Path) -> list[tuple[Path, bool]]:
    """Visible subfolders and audio files of ``directory``, in natural order."""
    found: list[tuple[str, Path, bool]] = []
    with os.scandir(directory) as it:
        for entry in it:
            if _is_hidden(entry):
                continue
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue  # vanished or a broken link: nothing to add
            if is_dir or (is_file and is_audio_file(entry.name)):
                found.append((entry.name, Path(entry.path), is_dir))
    found.sort(key=lambda item: natural_key(item[0]))
    return [(path, is_dir) for _, path, is_dir in found]


def _is_hidden(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith("."):
        return True
    if os.name != "nt":
        return False
    # Windows marks hidden files with an attribute instead of a dot. Only asked there: on other
    # systems DirEntry.stat costs a system call per entry.
    try:
        attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))
