"""The second launch's side: hand the request to the running instance, or become it.

This runs before anything heavy is imported, because ``sleepplayer --pause`` bound to a global
shortcut should act at once (target: under 150 ms from launch to paused). On Unix the running
instance listens on a plain Unix stream socket at the address's path (see
:mod:`sleepplayer.desktop.local_channels`), so the standard ``socket`` module talks to it and
neither PySide6 nor libVLC load. On Windows QLocalServer listens on a named pipe,
``\\\\.\\pipe\\<server name>``, which opens as a plain file.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import BinaryIO

from sleepplayer.core.instance_address import InstanceAddress
from sleepplayer.core.remote_message import (
    MAX_REPLY_BYTES,
    LineReader,
    ProtocolError,
    RemoteReply,
    RemoteRequest,
    decode_reply,
    encode_request,
)
from sleepplayer.desktop.instance_lock import InstanceLock

#: How long to wait for the instance to answer: it may still be starting (it queues requests
#: until its window is built), or busy loading a big folder.
REPLY_TIMEOUT_S = 10.0
#: How long to keep trying while another process holds the lock but does not listen (yet):
#: it is starting, or quitting and saving.
CLAIM_WAIT_S = 10.0
#: What a launch says when the running SleepPlayer is stuck. True: the request expires.
NO_ANSWER = (
    "SleepPlayer does not answer, so nothing was done; try again, or quit it and start it again"
)
_POLL_S = 0.02
#: What Qt puts in front of a server name on Windows (qlocalserver_win.cpp).
PIPE_PREFIX = "\\\\.\\pipe\\"
#: Windows' ERROR_PIPE_BUSY: all instances of the pipe are connected to other clients.
_ERROR_PIPE_BUSY = 231


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
    address: InstanceAddress,
    request: RemoteRequest,
    *,
    may_start: bool,
    wait_s: float = CLAIM_WAIT_S,
) -> Forwarded | Claim | NotRunning:
    """Send ``request`` to the running instance; when there is none, take the lock (if
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
            return Forwarded(send(address, request))
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
    address: InstanceAddress, request: RemoteRequest, timeout_s: float = REPLY_TIMEOUT_S
) -> RemoteReply:
    """One request, one reply. _NoServer when nobody listens.

    The request expires when this stops waiting: a SleepPlayer that was stuck (its user told
    "does not answer") must not carry it out later, in the night, and start the sound."""
    payload = encode_request(replace(request, expires_at=time.time() + timeout_s))
    deadline = time.monotonic() + timeout_s  # every step below ends by then
    if sys.platform.startswith("win"):
        data = _exchange_pipe(address.server_name, payload, deadline)
    else:
        data = _exchange_unix(address.server_name, payload, deadline)
    try:
        return decode_reply(data)
    except ProtocolError as exc:
        raise InstanceError(f"SleepPlayer gave an unexpected answer ({exc})") from None


def _left(deadline: float) -> float:
    """Seconds to the monotonic ``deadline``; InstanceError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise InstanceError(NO_ANSWER)
    return left


def _exchange_unix(path: str, payload: bytes, deadline: float) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(_left(deadline))
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise _NoServer() from None
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTSOCK):
                raise _NoServer() from None
            raise InstanceError(f"cannot reach SleepPlayer ({exc.strerror or exc})") from None

        def recv(size: int) -> bytes:
            sock.settimeout(_left(deadline))  # a reply in pieces still ends by the deadline
            return sock.recv(size)

        try:
            sock.settimeout(_left(deadline))
            sock.sendall(payload)
            return _read_reply_line(recv)
        except TimeoutError:
            raise InstanceError(NO_ANSWER) from None
        except OSError as exc:
            raise InstanceError(f"lost the connection to SleepPlayer ({exc})") from None


def pipe_path(server_name: str) -> str:
    """The Windows path of the named pipe QLocalServer listens on for ``server_name``: Qt
    puts ``\\\\.\\pipe\\`` in front of a name that does not start with it."""
    return server_name if server_name.startswith(PIPE_PREFIX) else PIPE_PREFIX + server_name


def _exchange_pipe(name: str, payload: bytes, deadline: float) -> bytes:  # pragma: no cover
    """The Unix exchange over a Windows named pipe, which opens as a plain file."""
    path = pipe_path(name)
    connect_by = min(deadline, time.monotonic() + 2.0)
    while True:
        try:
            pipe = open(path, "r+b", buffering=0)  # noqa: SIM115 - closed by _talk_over
            break
        except FileNotFoundError:
            raise _NoServer() from None
        except OSError as exc:
            # Every listening instance of the pipe is taken (a burst of launches): retry.
            if getattr(exc, "winerror", None) != _ERROR_PIPE_BUSY:
                raise InstanceError(f"cannot reach SleepPlayer ({exc.strerror or exc})") from None
            if time.monotonic() > connect_by:
                raise InstanceError("SleepPlayer is busy; try again") from None
            time.sleep(_POLL_S)
    return within(_left(deadline), lambda: _talk_over(pipe, payload))


def _talk_over(pipe: BinaryIO, payload: bytes) -> bytes:
    """Write the request to an open pipe and read the reply line; closes the pipe."""
    with pipe:
        try:
            pipe.write(payload)  # a blocking pipe writes it all
            return _read_reply_line(pipe.read)
        except OSError as exc:
            raise InstanceError(f"lost the connection to SleepPlayer ({exc})") from None


def within(timeout_s: float, work: Callable[[], bytes]) -> bytes:
    """``work()``, or InstanceError when it takes longer than ``timeout_s``.

    For I/O that has no timeout of its own (a blocking pipe). The work goes on in a daemon
    thread, which ends with this short-lived process.
    """
    result: list[bytes] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="sleepplayer-forward", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if failure:
        raise failure[0]
    if not result:
        raise InstanceError(NO_ANSWER)
    return result[0]


def _read_reply_line(read: Callable[[int], bytes]) -> bytes:
    """The reply line from ``read`` (a socket's recv, a pipe's read): InstanceError when the
    other side hangs up first or sends too much."""
    reader = LineReader(MAX_REPLY_BYTES)
    while True:
        chunk = read(4096)
        if not chunk:
            raise InstanceError("SleepPlayer closed the connection without answering")
        try:
            line = reader.feed(chunk)
        except ProtocolError as exc:
            raise InstanceError(f"SleepPlayer gave an unexpected answer ({exc})") from None
        if line is not None:
            return line


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
