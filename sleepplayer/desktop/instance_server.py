"""The running instance's side: a local server that takes requests from second launches.

Everything is asynchronous (a readable signal plus a deadline timer per connection), so a client
that sends garbage, too much, or nothing at all never blocks the app: it gets an error reply
or is dropped after :data:`READ_TIMEOUT_MS`, while other clients are served meanwhile.

The server starts listening early in start-up, before the window exists; requests that arrive
before :meth:`InstanceServer.set_handler` wait in a queue and are answered once the app can
act on them.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from sleepplayer.core.remote_message import (
    MAX_REQUEST_BYTES,
    LineReader,
    ProtocolError,
    RemoteReply,
    RemoteRequest,
    decode_request,
    encode_reply,
)
from sleepplayer.desktop.instance_client import Claim
from sleepplayer.desktop.local_channels import Channel, Listener, default_listener

#: A client has this long from connecting to sending its whole request.
READ_TIMEOUT_MS = 2000
#: Connections open at once. At the limit a new one pushes out the oldest that has not sent
#: its request yet, so a burst of silent clients cannot lock a real launch out for long.
MAX_PEERS = 32

Handler = Callable[[RemoteRequest], RemoteReply]


class _Peer(QObject):
    """One connection: collects one line, hands it to the server, writes the reply.

    Whatever ends the connection (the reply, the deadline, the client, the server closing),
    the clean-up runs in one place, :meth:`_on_channel_closed`, and the peer and its channel
    are deleted later from the event loop: never inside one of the channel's own signals,
    where it is still in use.
    """

    def __init__(self, channel: Channel, server: InstanceServer) -> None:
        # No parent: the server's set keeps it alive until it is gone, and deleteLater ends
        # it. As the server's child it would also die with the server, and a deleteLater
        # still pending for it then crashes PySide6.
        super().__init__()
        self._channel = channel
        self._server = server
        self._reader = LineReader(MAX_REQUEST_BYTES)
        self._done = False  # the request is in (or refused): no more reading
        self._gone = False  # disconnected: nothing more to write
        channel.setParent(self)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(READ_TIMEOUT_MS)
        self._deadline.timeout.connect(self._on_deadline_timeout)
        channel.readable.connect(self._on_channel_readable)
        channel.closed.connect(self._on_channel_closed)
        self._deadline.start()

    @property
    def has_request(self) -> bool:
        """The request is in (or was refused): the peer only waits for its reply now."""
        return self._done

    def _on_channel_readable(self) -> None:
        data = self._channel.read()
        if self._done:
            return  # one request per connection: the rest is ignored
        try:
            line = self._reader.feed(data)
        except ProtocolError as exc:
            self.reply(RemoteReply(False, f"refused: {exc}"))
            return
        if line is None:
            return
        self._done = True
        self._deadline.stop()
        try:
            request = decode_request(line)
        except ProtocolError as exc:
            self.reply(RemoteReply(False, f"refused: {exc}"))
            return
        self._server.dispatch(self, request)

    def _on_deadline_timeout(self) -> None:
        self.reply(RemoteReply(False, "refused: the request did not arrive in time"))

    def reply(self, reply: RemoteReply) -> None:
        """Answer and hang up (the reply is sent first)."""
        if self._gone:
            return  # the client is gone; its request was still carried out
        self._done = True
        self._deadline.stop()
        self._channel.send_and_close(encode_reply(reply))

    def drop(self) -> None:
        """Hang up without a reply."""
        if not self._gone:
            self._channel.abort()

    def _on_channel_closed(self) -> None:
        if self._gone:
            return
        self._gone = self._done = True
        self._deadline.stop()
        self._server.forget(self)
        self.deleteLater()


class InstanceServer(QObject):
    """Listens at the claimed address until :meth:`close`; holds the claim's lock until
    :meth:`release` (after the app has saved, so a new launch never reads old files)."""

    def __init__(
        self, claim: Claim, parent: QObject | None = None, listener: Listener | None = None
    ) -> None:
        super().__init__(parent)
        self._claim = claim
        # Qt stops reading (or we stop buffering) past this: a client that pours megabytes
        # in cannot make the app hold them.
        self._listener = listener or default_listener(MAX_REQUEST_BYTES + 1)
        self._listener.setParent(self)
        self._listener.channel_opened.connect(self._on_listener_channel_opened)
        self._peers: dict[_Peer, None] = {}  # in order of arrival
        self._queue: list[tuple[_Peer, RemoteRequest]] = []
        self._handler: Handler | None = None
        self._closed = False

    @property
    def name(self) -> str:
        return self._claim.address.server_name

    def listen(self) -> str | None:
        """Start listening. Returns why not, or None."""
        failure = self._listener.listen(self.name)
        if failure is not None:
            return failure
        if self._claim.address.directory is not None:
            # Read-write for the owner is all a socket needs (its folder is 0700 as well).
            try:
                os.chmod(self.name, 0o600)
            except OSError as exc:
                self.close()
                return f"cannot protect {self.name}: {exc.strerror or exc}"
        return None

    def set_handler(self, handler: Handler) -> None:
        """Act on requests from now on, first the ones that waited."""
        self._handler = handler
        waiting, self._queue = self._queue, []
        for peer, request in waiting:
            self._run(peer, request)

    def close(self) -> None:
        """Stop listening (the socket file goes) and drop every open connection."""
        if self._closed:
            return
        self._closed = True
        self._listener.close()
        self._queue.clear()
        for peer in list(self._peers):
            peer.drop()

    def release(self) -> None:
        """Let the next launch become the primary."""
        self.close()
        self._claim.lock.release()

    # ------------------------------------------------------------------ for _Peer
    def dispatch(self, peer: _Peer, request: RemoteRequest) -> None:
        if self._handler is None:
            self._queue.append((peer, request))
        else:
            self._run(peer, request)

    def forget(self, peer: _Peer) -> None:
        # A queued request stays queued: a client may send and hang up without waiting.
        self._peers.pop(peer, None)

    def _run(self, peer: _Peer, request: RemoteRequest) -> None:
        assert self._handler is not None
        if request.expired(time.time()):
            # Its sender stopped waiting and said nothing was done (this app was stuck).
            peer.reply(RemoteReply(False, "refused: it came too late, SleepPlayer was busy"))
            return
        try:
            reply = self._handler(request)
        except Exception as exc:  # a bug must not leave the client hanging
            traceback.print_exc(file=sys.stderr)
            reply = RemoteReply(False, f"SleepPlayer could not do that ({exc})")
        peer.reply(reply)

    def _on_listener_channel_opened(self, channel: Channel) -> None:
        if len(self._peers) >= MAX_PEERS:
            waiting = next((p for p in self._peers if not p.has_request), None)
            if waiting is not None:
                waiting.drop()
        if self._closed or len(self._peers) >= MAX_PEERS:
            channel.abort()
            channel.deleteLater()
            return
        self._peers[_Peer(channel, self)] = None
