"""The instance server's connections: a Unix socket watched by Qt's event loop, or on Windows
a QLocalServer named pipe.

On Unix one small socket needs only the standard library and a QSocketNotifier. QLocalServer
would load QtNetwork, which stays resident for the app's whole life (4.5 MB measured) and does
nothing else in a night of local sounds. Windows has no such socket for the client to reach,
so there QLocalServer serves its named pipe; the tests run both kinds.

Both hand the server the same :class:`Channel`: ``readable`` and ``closed`` signals, ``read``,
``send_and_close`` and ``abort``. ``closed`` is emitted exactly once, whoever ends it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: How long sending a reply may take: replies are a few bytes and the socket buffer takes
#: them at once, unless the client is gone or stuck.
SEND_TIMEOUT_S = 1.0
#: After accept() fails for want of file descriptors, this pause before trying again: the
#: client still waits in the backlog, and the read notifier would fire on and on meanwhile.
ACCEPT_RETRY_MS = 1000
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
_BACKLOG = 16


class Channel(QObject):
    """One client connection."""

    readable = Signal()
    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._closed = False

    def read(self) -> bytes:
        """What has arrived since the last call (at most ``max_read`` bytes are buffered)."""
        raise NotImplementedError

    def send_and_close(self, data: bytes) -> None:
        """Send ``data`` (now, before returning) and hang up."""
        raise NotImplementedError

    def abort(self) -> None:
        """Hang up at once."""
        raise NotImplementedError

    def _finish(self) -> None:
        if not self._closed:
            self._closed = True
            self.closed.emit()


class Listener(QObject):
    """Accepts clients at a name; ``channel_opened`` carries each new :class:`Channel`."""

    channel_opened = Signal(object)

    def listen(self, name: str) -> str | None:
        """Start listening at ``name``. Returns why not, or None."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop listening; the socket file (if any) goes."""
        raise NotImplementedError


def default_listener(max_read: int) -> Listener:
    """The listener for this OS; ``max_read`` bounds what a channel buffers unread."""
    if os.name == "nt":  # pragma: no cover - Windows
        return QtLocalListener(max_read)
    return UnixListener(max_read)


# --------------------------------------------------------------------------- Unix sockets
class _UnixChannel(Channel):
    def __init__(self, sock: socket.socket, max_read: int) -> None:
        super().__init__()
        sock.setblocking(False)
        self._socket = sock
        self._max_read = max_read
        self._unread = b""
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    def _on_notifier_activated(self) -> None:
        room = self._max_read - len(self._unread)
        try:
            data = self._socket.recv(max(room, 1))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.abort()
            return
        if not data:
            self.abort()  # the client hung up
            return
        self._unread += data
        self.readable.emit()

    def read(self) -> bytes:
        data, self._unread = self._unread, b""
        return data

    def send_and_close(self, data: bytes) -> None:
        if self._closed:
            return
        # Blocking with a deadline: a --quit reply must be out before the app goes.
        with contextlib.suppress(OSError):
            self._socket.settimeout(SEND_TIMEOUT_S)
            self._socket.sendall(data)
        self.abort()

    def abort(self) -> None:
        if self._closed:
            return
        self._notifier.setEnabled(False)
        self._socket.close()
        self._finish()


class UnixListener(Listener):
    """A Unix stream socket at a path: what QLocalServer makes on Unix, and what
    :mod:`sleepplayer.desktop.instance_client` connects to."""

    def __init__(self, max_read: int) -> None:
        super().__init__()
        self._max_read = max_read
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._path = ""
        self._inode: int | None = None

    def listen(self, name: str) -> str | None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(name)
            sock.listen(_BACKLOG)
            self._inode = os.stat(name).st_ino
        except OSError as exc:
            sock.close()
            return exc.strerror or str(exc)
        sock.setblocking(False)
        self._socket, self._path = sock, name
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        return None

    def _on_notifier_activated(self) -> None:
        while self._socket is not None and self._notifier is not None:  # a slot may close
            try:
                conn, _ = self._socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    continue  # that client gave up on the way in (ECONNABORTED...): next
                # The client stays queued. Spinning on the notifier would not help; look
                # again in a while.
                self._notifier.setEnabled(False)
                QTimer.singleShot(ACCEPT_RETRY_MS, self, self._resume_accepting)
                return
            self.channel_opened.emit(_UnixChannel(conn, self._max_read))

    def _resume_accepting(self) -> None:
        if self._socket is not None and self._notifier is not None:
            self._notifier.setEnabled(True)

    def close(self) -> None:
        if self._socket is None:
            return
        assert self._notifier is not None
        self._notifier.setEnabled(False)
        self._socket.close()
        self._socket = None
        # Only our own socket file. (The inode alone would not tell a later primary's socket
        # from ours, as tmpfs reuses numbers; but no other primary can exist before the lock
        # is released, which happens after this.)
        with contextlib.suppress(OSError):
            found = os.lstat(self._path)
            if stat.S_ISSOCK(found.st_mode) and found.st_ino == self._inode:
                os.unlink(self._path)


# --------------------------------------------------------------------------- QLocalServer
class _QtChannel(Channel):
    def __init__(self, sock: QLocalSocket, max_read: int) -> None:
        super().__init__()
        self._socket = sock
        sock.setParent(self)
        # Qt stops reading from the OS when its buffer is this full: a client that pours
        # megabytes in cannot make the app hold them.
        sock.setReadBufferSize(max_read)
        sock.readyRead.connect(self.readable)
        sock.disconnected.connect(self._finish)

    def read(self) -> bytes:
        return bytes(self._socket.readAll().data())

    def send_and_close(self, data: bytes) -> None:
        from PySide6.QtNetwork import QLocalSocket

        if self._closed:
            return
        sock = self._socket
        if sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
            self.abort()
            return
        sock.write(data)
        sock.flush()
        sock.disconnectFromServer()

    def abort(self) -> None:
        self._socket.abort()
        self._finish()  # abort() emits disconnected only when it was connected


class QtLocalListener(Listener):
    """QLocalServer: a named pipe on Windows (a Unix socket elsewhere, for the tests)."""

    def __init__(self, max_read: int) -> None:
        super().__init__()
        self._max_read = max_read
        self._server: QLocalServer | None = None

    def listen(self, name: str) -> str | None:
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        if not server.listen(name):
            return server.errorString() or "cannot listen"
        return None

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if sock is None:
                break
            self.channel_opened.emit(_QtChannel(sock, self._max_read))

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
