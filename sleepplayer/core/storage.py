"""Atomic writes, and JSON loading that keeps a corrupt file aside instead of losing it.

A write either leaves the old file or the complete new one on disk, even if the process is
killed or the machine loses power midway. A load never raises for bad content: the bad file is
renamed to ``<name>.corrupt-<YYYYmmdd-HHMMSS>`` (never overwriting an earlier backup) so the next
save cannot destroy what the user may still want to recover. ``load_document`` adds the lenient
parse on top and keeps a copy of a file that loaded only in part.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sleepplayer.core.json_salvage import Salvaged, salvage
from sleepplayer.core.text import listed

if sys.platform == "win32":
    fcntl = None
else:
    import fcntl

#: Prefix of temporary files. One left by a killed process is removed by the next save there.
TEMP_PREFIX = ".tmp-"


class StorageError(Exception):
    """A file could not be written. The message is meant for the user."""


def atomic_write_bytes(path: Path, data: bytes, *, shared: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically; create parent directories as needed.

    The file is the owner's alone (the temp file's 0600), unless ``shared``: a file the user
    makes for others (an exported playlist) gets what a new file gets (the umask), or keeps
    the permissions of the file it replaces.

    Raises StorageError with a readable message when the location cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise StorageError(f"Cannot save {path}: {path.parent} is not a folder") from exc
    except OSError as exc:
        raise StorageError(f"Cannot save {path}: {_reason(exc)}") from exc
    _remove_abandoned_temps(path.parent)
    try:
        # Same directory as the target: os.replace is only atomic within one file system.
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    except OSError as exc:
        raise StorageError(f"Cannot save {path}: {_reason(exc)}") from exc
    tmp = Path(tmp_name)
    closed = False
    try:
        if fcntl is not None:
            # Marks the temp file as in use until this process closes it or dies, so
            # _remove_abandoned_temps in another writer leaves it alone.
            fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        # Without fsync the rename can reach the disk before the data, leaving an empty file
        # after a power cut (the classic ext4 zero-length file).
        if shared and hasattr(os, "fchmod"):  # POSIX: Windows has no such permission bits
            os.fchmod(fd, _shared_mode(path))
        os.fsync(fd)
        if fcntl is None:
            # Windows cannot rename a file that is still open.
            os.close(fd)
            closed = True
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise StorageError(f"Cannot save {path}: {_reason(exc)}") from exc
        raise
    finally:
        if not closed:
            os.close(fd)
    _fsync_dir(path.parent)


def _remove_abandoned_temps(directory: Path) -> None:
    """Delete temp files left by writers that were killed mid-save. Best effort."""
    try:
        names = [n for n in os.listdir(directory) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for name in names:
        temp = directory / name
        try:
            if fcntl is None:
                # On Windows a file another process still has open cannot be deleted, which is
                # exactly the "still in use" test we need.
                temp.unlink()
                continue
            fd = os.open(temp, os.O_RDONLY)
            try:
                # Only a dead writer's lock is free (the kernel drops it with the process).
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                temp.unlink()
            finally:
                os.close(fd)
        except OSError:
            continue


def _shared_mode(path: Path) -> int:
    """The permissions of the file at ``path``, or those a new file gets under the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without setting it (``os.umask`` would change it for a
    moment, for every thread); 0o022 where /proc does not say."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def atomic_write_json(path: Path, obj: Mapping[str, Any]) -> None:
    """Write ``obj`` as UTF-8 JSON, atomically (see ``atomic_write_bytes``)."""
    try:
        text = json.dumps(obj, indent=1, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        # A programming error, but still reported as a StorageError so callers need one handler.
        raise StorageError(f"Cannot save {path}: the data is not valid JSON ({exc})") from exc
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable. Best effort: not possible on Windows or some file systems.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


@dataclass(frozen=True)
class LoadResult:
    """Outcome of ``load_json``.

    ``data`` is None when the file is missing or unusable. ``problem`` is a message for the user
    when the file was unusable, and ``backup`` is where the bad file was moved (None if it could
    not be moved).
    """

    data: dict[str, Any] | None
    problem: str | None
    backup: Path | None
    #: For a damaged file read up to the damage: the member it cut short (see
    #: ``json_salvage.Salvaged``); None otherwise.
    cut_in: tuple[str | int, ...] | None = None


#: What a message says happens instead of an unusable file.
DEFAULTS_USED = "defaults are used"


def load_json(
    path: Path, *, now: Callable[[], datetime] = datetime.now, instead: str = DEFAULTS_USED
) -> LoadResult:
    """Load a JSON object from ``path``; never raises for bad or unreadable content.
    ``instead`` ends the message about an unusable file: what the app does without it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadResult(None, None, None)
    except OSError as exc:
        return _set_aside(path, f"could not be read ({_reason(exc)})", now, instead)
    what = _check(raw)
    if isinstance(what, _Damaged):
        # Only a version number before the damage is nothing to load.
        if what.readable and set(what.readable.value) - {"schema_version"}:
            # The next save rewrites the file from what was read: the whole of it is kept,
            # moved when there is no room for a copy (a full disk is one cause of damage).
            kept = keep_copy(path, now=now)
            if kept is None:
                with contextlib.suppress(OSError):
                    kept = _keep(path, now, move=True)
            where = f"the whole file was kept as {kept.name}" if kept else "no copy could be kept"
            return LoadResult(
                what.readable.value,
                f"{path} {what.problem}. What comes before the damage is loaded; {where}.",
                kept,
                what.readable.cut_in,
            )
        what = what.problem
    if isinstance(what, str):
        return _set_aside(path, what, now, instead)
    return LoadResult(what, None, None)


@dataclass(frozen=True)
class _Damaged:
    """Text that is not valid JSON: what is wrong, and the object before the damage."""

    problem: str
    readable: Salvaged | None


def _check(raw: bytes) -> dict[str, Any] | str | _Damaged:
    """The parsed object, or what is wrong with ``raw`` (with what can be read before it)."""
    if not raw.strip():
        return "is empty"
    if not raw.strip(b"\x00"):
        return "contains only zero bytes"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        # json's own words end where it would add the position ("Unterminated string
        # starting at"): the position is given here, so they end before it.
        why = exc.msg.removesuffix(" at").removesuffix(" starting")
        problem = f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {why})"
        return _Damaged(problem, salvage(text, exc.pos))
    except RecursionError:
        return "is nested too deeply"
    if not isinstance(obj, dict):
        return "does not hold a JSON object"
    return obj


def _set_aside(path: Path, what: str, now: Callable[[], datetime], instead: str) -> LoadResult:
    try:
        backup = _keep(path, now, move=True)
    except OSError as exc:
        problem = f"{path} {what}, and it could not be set aside ({_reason(exc)}). " + (
            instead[:1].upper() + instead[1:] + "."
        )
        return LoadResult(None, problem, None)
    return LoadResult(None, f"{path} {what}. It was kept as {backup.name}; {instead}.", backup)


def keep_copy(path: Path, *, now: Callable[[], datetime] = datetime.now) -> Path | None:
    """Copy ``path`` to a new ``<name>.corrupt-<time>`` file beside it; None if impossible.

    For files that loaded with problems: the app goes on with what it could use, and its next
    save must not destroy the original.
    """
    try:
        return _keep(Path(path), now, move=False)
    except OSError:
        return None


def _keep(path: Path, now: Callable[[], datetime], *, move: bool) -> Path:
    """Move or copy ``path`` to the first free backup name. Never replaces an existing file."""
    stamp = now().strftime("%Y%m%d-%H%M%S")
    base = f"{path.name}.corrupt-{stamp}"
    for n in range(1, 10_000):
        candidate = path.with_name(base if n == 1 else f"{base}-{n}")
        try:
            if move:
                _rename_no_overwrite(path, candidate)
            else:
                _copy_no_overwrite(path, candidate)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(errno.EEXIST, "too many earlier backups", str(path))


def _rename_no_overwrite(src: Path, dst: Path) -> None:
    """Rename, raising FileExistsError instead of replacing an existing ``dst``."""
    # os.link fails atomically when dst exists, unlike an exists() check followed by rename.
    try:
        os.link(src, dst)
    except FileExistsError:
        raise
    except OSError:
        # No hard links (FAT, some network shares): fall back to a checked rename.
        if dst.exists():
            raise FileExistsError(dst) from None
        os.rename(src, dst)
        return
    src.unlink()


def _copy_no_overwrite(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    # O_EXCL: an existing backup is never truncated. The copy keeps the original's permission
    # bits (a private 0600 file stays private; the umask would make it world-readable).
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, src.stat().st_mode & 0o777)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


T = TypeVar("T")


def load_document(
    path: Path,
    parse: Callable[[dict[str, Any]], tuple[T, list[str]]],
    default: Callable[[], T],
    *,
    now: Callable[[], datetime] = datetime.now,
    instead: str = DEFAULTS_USED,
    describe_cut: Callable[[dict[str, Any], tuple[str | int, ...]], str | None] | None = None,
    if_unusable: Callable[[], T] | None = None,
) -> tuple[T, str | None, Path | None]:
    """Load ``path`` and parse it leniently: (value, one message for the user or None, backup).

    An unusable file is set aside and ``default()`` returned. A file that parses with problems
    (wrong types, a newer schema, skipped entries) gives what ``parse`` could use, and a copy
    of the original is kept, because the next save will rewrite it without the bad parts.
    A damaged file gives what comes before the damage; ``describe_cut`` words what the damage
    cut short (from the data read and ``LoadResult.cut_in``), for the message. A file there but
    unusable as a whole gives ``if_unusable()`` where given (no file at all: ``default()``).
    """
    path = Path(path)
    result = load_json(path, now=now, instead=instead)
    if result.data is None:
        fallback = if_unusable if result.problem and if_unusable is not None else default
        return fallback(), result.problem, result.backup
    value, problems = parse(result.data)
    if result.problem:  # damaged, and what came before the damage is used
        cut = None
        if describe_cut is not None and result.cut_in is not None:
            cut = describe_cut(result.data, result.cut_in)
        more = f" {cut}." if cut else ""
        more += f" Also not used: {listed(problems)}." if problems else ""
        return value, result.problem + more, result.backup
    if not problems:
        return value, None, None
    backup = keep_copy(path, now=now)
    kept = f"The original was kept as {backup.name}." if backup else "No copy could be kept."
    return value, f"Some of {path} could not be used: {listed(problems)}. {kept}", backup
