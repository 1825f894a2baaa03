"""Where the running SleepPlayer listens for a second launch, and the lock that makes it one.

There is one instance per user *and per data directory*: ``--basedir`` (tests, portable
installs) gets its own instance, so runs with different basedirs never talk to each other.
The name carries a short hash of the resolved config folder.

On Unix the socket and the lock live in a private folder (mode 0700, owned by the user) in
``$XDG_RUNTIME_DIR``, or in the temp folder when there is none. Inside Flatpak each sandbox
gets a ``$XDG_RUNTIME_DIR`` of its own; ``$XDG_RUNTIME_DIR/app/$FLATPAK_ID`` is the folder all
instances of the same app share, so that one is used there. A socket path must stay
under about 100 bytes (``sun_path`` is 104 bytes on macOS), so the temp folder gives way to
``/tmp`` when it is too deep. On Windows the server is a named pipe, whose access Qt limits to
the user, and the lock file sits in the user's temp folder.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sleepplayer import APP_SLUG
from sleepplayer.core.paths import AppPaths

#: Longest Unix socket path we use; the OS limit is 104 (macOS) or 108 (Linux) bytes.
MAX_SOCKET_PATH = 100
#: A Flatpak app id (reverse DNS): nothing that could climb out of the folder it names.
_FLATPAK_ID = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+")


class InstanceDirError(OSError):
    """The private runtime folder is missing and cannot be made, or is not private."""


@dataclass(frozen=True)
class InstanceAddress:
    """How to reach (or become) the running instance for one data directory."""

    #: Where the server listens: the socket's absolute path on Unix, a pipe name on Windows.
    server_name: str
    #: Held by the running instance for its whole life; the OS frees it when it dies.
    lock_path: Path
    #: The private folder of the socket and lock (Unix), created by :meth:`ensure`.
    directory: Path | None

    def ensure(self) -> None:
        """Create the private folder (Unix). InstanceDirError when it is not safe to use."""
        if self.directory is not None:
            ensure_private_dir(self.directory)


def data_key(paths: AppPaths) -> str:
    """A short, stable name for one data directory (the resolved config folder)."""
    # Not a secret, only a name: two 32-bit checksums are plenty to keep one user's data
    # folders apart, and zlib spares every launch hashlib's OpenSSL (4.5 MB resident for the
    # life of the app, measured by make bench).
    data = os.fsencode(os.path.realpath(os.fspath(paths.config_dir)))
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def instance_address(
    paths: AppPaths, env: Mapping[str, str] = os.environ, *, windows: bool | None = None
) -> InstanceAddress:
    key = data_key(paths)
    if windows if windows is not None else sys.platform.startswith("win"):
        user = "".join(c for c in _user(env) if c.isalnum() or c in "-_.")[:32] or "user"
        name = f"{APP_SLUG}-{user}-{key}"
        return InstanceAddress(name, Path(tempfile.gettempdir()) / f"{name}.lock", None)
    directory = _runtime_base(env, key) / f"{APP_SLUG}-{os.getuid()}"
    return InstanceAddress(str(directory / f"{key}.sock"), directory / f"{key}.lock", directory)


def _runtime_base(env: Mapping[str, str], key: str) -> Path:
    """The Flatpak app folder or ``$XDG_RUNTIME_DIR`` when it is a real folder, else the
    temp folder, else /tmp."""
    runtime = env.get("XDG_RUNTIME_DIR", "")
    candidates = [runtime, tempfile.gettempdir(), "/tmp"]
    app_id = env.get("FLATPAK_ID", "")
    if runtime and _FLATPAK_ID.fullmatch(app_id):
        candidates.insert(0, os.path.join(runtime, "app", app_id))
    for base in candidates:
        if not base or not os.path.isabs(base) or not os.path.isdir(base):
            continue
        socket = os.path.join(base, f"{APP_SLUG}-{os.getuid()}", f"{key}.sock")
        if len(os.fsencode(socket)) <= MAX_SOCKET_PATH:
            return Path(base)
    return Path("/tmp")


def _user(env: Mapping[str, str]) -> str:
    return env.get("USERNAME") or env.get("USER") or "user"


def ensure_private_dir(directory: Path) -> None:
    """Make ``directory`` (mode 0700) or check an existing one: a real folder, not a link,
    owned by this user, closed to others. A folder that another user made first in a shared
    temp folder is refused, never used: its owner could listen in our place."""
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(directory)
    except OSError as exc:
        raise InstanceDirError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise InstanceDirError(f"{directory} is not a folder")
    if info.st_uid != os.getuid():
        raise InstanceDirError(f"{directory} belongs to another user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        try:
            os.chmod(directory, 0o700)
        except OSError as exc:
            raise InstanceDirError(f"{directory} is open to other users") from exc
