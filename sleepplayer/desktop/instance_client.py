"""The second launch's side: hand the request to the running instance, or become it.

This runs before anything heavy is imported, because ``sleepplayer --pause`` bound to a global
shortcut should act at once (target: under 150 ms from launch to paused). On Unix Qt's
QLocalServer is a plain Unix stream socket at the path we give it, so the standard
``socket`` module talks to it and neither PySide6 nor libVLC load. On Windows the server is a
named pipe, reached through QtNetwork's QLocalSocket, imported only there.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import sys
import time
from dataclasses import dataclass

from sleepplayer.core.instance_address import InstanceAddress
from sleepplayer.core.remote_message import (
    MAX_REPLY_BYTES,
    LineReader,
    ProtocolError,
    RemoteReply,
    decode_reply,
)
from sleepplayer.desktop.instance_lock import InstanceLock

#: How long to wait for the instance to answer: it may still be starting (it queues requests
#: until its window is built), or busy loading a big folder.
REPLY_TIMEOUT_S = 10.0
#: How long to keep trying while another process holds the lock but does not listen (yet):
#: it is starting, or quitting and saving.
CLAIM_WAIT_S = 10.0
_POLL_S = 0.02


class InstanceError(RuntimeError):
    """The running instance could not be reached or did not answer; the text says why."""


class _NoServer(Exception):
    """Nobody listens at the address (no socket file, or a stale one)."""


@dataclass
class Forwarded:
    """The running instance took the request and replied."""

    reply: RemoteReply


@dataclass
class Claim:
    """This process is the primary: it holds the lock and will listen at ``address``."""

    address: InstanceAddress
    lock: InstanceLock


class NotRunning:
    """No instance runs, and the request does not start one."""


def forward_or_claim(
    address: InstanceAddress, payload: bytes, *, may_start: bool, wait_s: float = CLAIM_WAIT_S
) -> Forwarded | Claim | NotRunning:
    """Send ``payload`` to the running instance; when there is none, take the lock (if
    ``may_start``) so this process becomes it. InstanceError when the folder is unsafe or the
    instance does not answer.

    Only the lock holder ever removes a socket, and only after finding that nobody answers on
    it, so a live socket is never deleted. A lock held with nobody listening means a primary
    that is starting or quitting: we wait for it, up to ``wait_s``.
    """
    address.ensure()
    lock = InstanceLock(address.lock_path)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return Forwarded(send(address, payload))
        except _NoServer:
            pass
        if lock.try_acquire():
            if _answers(address):
                lock.release()  # someone listens without the lock (cannot happen): use it
                continue
            if not may_start:
                lock.release()
                return NotRunning()
            _remove_stale_socket(address)
            return Claim(address, lock)
        if time.monotonic() > deadline:
            raise InstanceError(
                "SleepPlayer is starting or quitting and does not answer; try again"
            )
        time.sleep(_POLL_S)  # a plain process polling another one: no event loop here


def send(
    address: InstanceAddress, payload: bytes, timeout_s: float = REPLY_TIMEOUT_S
) -> RemoteReply:
    """One request, one reply. _NoServer when nobody listens."""
    if sys.platform.startswith("win"):
        data = _exchange_qt(address.server_name, payload, timeout_s)
    else:
        data = _exchange_unix(address.server_name, payload, timeout_s)
    try:
        return decode_reply(data)
    except ProtocolError as exc:
        raise InstanceError(f"SleepPlayer gave an unexpected answer ({exc})") from None


def _exchange_unix(path: str, payload: bytes, timeout_s: float) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise _NoServer() from None
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTSOCK):
                raise _NoServer() from None
            raise InstanceError(f"cannot reach SleepPlayer ({exc.strerror or exc})") from None
        reader = LineReader(MAX_REPLY_BYTES)
        try:
            sock.sendall(payload)
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    raise InstanceError("SleepPlayer closed the connection without answering")
                line = reader.feed(chunk)
                if line is not None:
                    return line
        except TimeoutError:
            raise InstanceError("SleepPlayer does not answer") from None
        except ProtocolError as exc:
            raise InstanceError(f"SleepPlayer gave an unexpected answer ({exc})") from None
        except OSError as exc:
            raise InstanceError(f"lost the connection to SleepPlayer ({exc})") from None


def _exchange_qt(name: str, payload: bytes, timeout_s: float) -> bytes:  # pragma: no cover
    from PySide6.QtNetwork import QLocalSocket  # Windows only: named pipes need Qt

    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(int(min(timeout_s, 2.0) * 1000)):
        if sock.error() in (
            QLocalSocket.LocalSocketError.ServerNotFoundError,
            QLocalSocket.LocalSocketError.ConnectionRefusedError,
        ):
            raise _NoServer()
        raise InstanceError(f"cannot reach SleepPlayer ({sock.errorString()})")
    reader = LineReader(MAX_REPLY_BYTES)
    deadline = time.monotonic() + timeout_s
    sock.write(payload)
    sock.waitForBytesWritten(int(timeout_s * 1000))
    try:
        while time.monotonic() < deadline:
            if sock.bytesAvailable() == 0:
                left_ms = int((deadline - time.monotonic()) * 1000)
                if not sock.waitForReadyRead(max(1, left_ms)):
                    break
            line = reader.feed(bytes(sock.readAll().data()))
            if line is not None:
                return line
    except ProtocolError as exc:
        raise InstanceError(f"SleepPlayer gave an unexpected answer ({exc})") from None
    finally:
        sock.abort()
    raise InstanceError("SleepPlayer does not answer")


def _answers(address: InstanceAddress) -> bool:
    """Whether something accepts connections at the address (without sending anything)."""
    if sys.platform.startswith("win"):  # pragma: no cover - pipes vanish with their owner
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect(address.server_name)
        except OSError:
            return False
        return True


def _remove_stale_socket(address: InstanceAddress) -> None:
    """Remove the socket a dead instance left behind (never any other kind of file)."""
    if address.directory is None:
        return
    try:
        if stat.S_ISSOCK(os.lstat(address.server_name).st_mode):
            os.unlink(address.server_name)
    except FileNotFoundError:
        pass
