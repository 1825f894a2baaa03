"""UrlProbe: asks a server what a link is, without blocking and without downloading media.

A link whose extension names a playlist file is downloaded (capped in size and time). Any
other link gets a HEAD request; a server that refuses HEAD gets a GET that is aborted as soon
as the headers are in. The headers decide (see :func:`core.links.kind_from_headers`), and a
playlist type leads to the download. All of it runs on Qt's event loop: QNetworkAccessManager
never blocks the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest, QTcpSocket

from sleepplayer import APP_NAME, __version__
from sleepplayer.core.links import LinkKind, hls_kind, kind_from_headers, kind_from_suffix
from sleepplayer.core.text import header_text

#: A HEAD (or the headers of a GET) must arrive within this.
HEADERS_TIMEOUT_MS = 8_000
#: A playlist file must download within this.
DOWNLOAD_TIMEOUT_MS = 15_000
_MAX_REDIRECTS = 5
_Error = QNetworkReply.NetworkError
_REASONS = {
    _Error.ConnectionRefusedError: "connection refused",
    _Error.HostNotFoundError: "server not found",
    _Error.RemoteHostClosedError: "the server closed the connection",
    _Error.SslHandshakeFailedError: "secure connection failed",
    _Error.TooManyRedirectsError: "too many redirects",
    _Error.InsecureRedirectError: "redirected from https to http",
    _Error.TimeoutError: "no answer",
}


@dataclass(frozen=True)
class ProbeResult:
    """What a link is. ``body`` holds a downloaded playlist; ``error`` is a short reason."""

    url: str
    kind: LinkKind | None = None
    #: The station name from ``icy-name``, else "".
    title: str = ""
    body: bytes = b""
    #: The URL after redirects: relative playlist entries resolve against it.
    final_url: str = ""
    error: str = ""


class UrlProbe(QObject):
    """One link's check. Start it with :meth:`start`; it reports once through ``finished``."""

    #: The ProbeResult; emitted exactly once (also after :meth:`abort`).
    finished = Signal(object)

    def __init__(
        self, url: str, network: QNetworkAccessManager, max_bytes: int, parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self.url = url
        self._network = network
        self._max_bytes = max_bytes
        self._reply: QNetworkReply | None = None
        self._step = ""
        self._received = 0
        self._header_result: ProbeResult | None = None
        self._stopped_why = ""
        self._done = False
        self._icy_socket: QTcpSocket | None = None
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._on_deadline_timeout)

    def start(self) -> None:
        if kind_from_suffix(self.url) is LinkKind.PLAYLIST:
            self._send("download")
        else:
            self._send("head")

    def abort(self, why: str = "cancelled") -> None:
        """Stop now; ``finished`` reports ``why``."""
        self._close_icy()
        if self._reply is not None and not self._done:
            self._stopped_why = why
            self._reply.abort()
        elif not self._done:
            self._finish(ProbeResult(self.url, error=why))

    # ------------------------------------------------------------------ steps
    def _send(self, step: str) -> None:
        self._step = step
        self._received = 0
        self._stopped_why = ""
        request = QNetworkRequest(QUrl(self.url))
        request.setAttribute(
            QNetworkRequest.Attribute.RedirectPolicyAttribute,
            QNetworkRequest.RedirectPolicy.NoLessSafeRedirectPolicy,
        )
        request.setMaximumRedirectsAllowed(_MAX_REDIRECTS)
        request.setHeader(QNetworkRequest.KnownHeaders.UserAgentHeader, f"{APP_NAME}/{__version__}")
        # Icecast only sends icy-metaint when asked; its presence tells a radio stream.
        request.setRawHeader(QByteArray(b"Icy-MetaData"), QByteArray(b"1"))
        network = self._network
        reply = network.head(request) if step == "head" else network.get(request)
        reply.finished.connect(self._on_reply_finished)
        if step == "headers":
            reply.metaDataChanged.connect(self._on_reply_headers)
        elif step == "download":
            reply.metaDataChanged.connect(self._on_reply_size_known)
            reply.readyRead.connect(self._on_reply_ready_read)
        self._reply = reply
        self._deadline.start(DOWNLOAD_TIMEOUT_MS if step == "download" else HEADERS_TIMEOUT_MS)

    def _on_reply_headers(self) -> None:
        # GET fallback: the headers are all we wanted; the body may be an endless stream.
        reply = self._reply
        if reply is None or self._header_result is not None:
            return
        status = _status(reply)
        if status is None or 300 <= status < 400:
            return  # a redirect in progress: Qt follows it
        if status >= 400:
            self._header_result = ProbeResult(self.url, error=_http_reason(reply, status))
        else:
            self._header_result = self._classified(reply)
        reply.abort()

    def _on_reply_size_known(self) -> None:
        reply = self._reply
        if reply is None:
            return
        length = reply.header(QNetworkRequest.KnownHeaders.ContentLengthHeader)
        if isinstance(length, int) and length > self._max_bytes:
            self._stopped_why = self._too_big()
            reply.abort()

    def _on_reply_ready_read(self) -> None:
        reply = self._reply
        if reply is None:
            return
        self._received = max(self._received, int(reply.bytesAvailable()))
        if self._received > self._max_bytes:
            self._stopped_why = self._too_big()
            reply.abort()

    def _on_deadline_timeout(self) -> None:
        if self._icy_socket is not None:
            self._close_icy()
            self._finish(ProbeResult(self.url, error="no answer"))
        elif self._reply is not None:
            seconds = DOWNLOAD_TIMEOUT_MS if self._step == "download" else HEADERS_TIMEOUT_MS
            self._stopped_why = f"no answer in {seconds // 1000} s"
            self._reply.abort()

    def _on_reply_finished(self) -> None:
        reply = self._reply
        if reply is None:
            return
        self._reply = None
        self._deadline.stop()
        reply.deleteLater()
        if self._header_result is not None:
            self._finish(self._header_result)
            return
        error = reply.error()
        status = _status(reply)
        if self._stopped_why:
            self._finish(ProbeResult(self.url, error=self._stopped_why))
        elif self._step == "head" and status is not None and status >= 400:
            self._send("headers")  # many servers refuse HEAD (405) but answer GET
        elif status is not None and status >= 400:
            self._finish(ProbeResult(self.url, error=_http_reason(reply, status)))
        elif error in _NOT_HTTP and status is None and self._step == "head" and _plain(self.url):
            # SHOUTcast v1 answers "ICY 200 OK", which Qt cannot parse (it hangs up); libVLC
            # can. Ask once more by hand and look at the status line.
            self._ask_icy()
        elif error != _Error.NoError:
            self._finish(ProbeResult(self.url, error=_REASONS.get(error) or reply.errorString()))
        elif self._step == "download":
            self._finish(self._downloaded(reply))
        else:
            result = self._classified(reply)
            if result.kind is LinkKind.PLAYLIST:
                self._send("download")
            else:
                self._finish(result)

    def _ask_icy(self) -> None:
        self._step = "icy"
        url = QUrl(self.url)
        socket = QTcpSocket(self)
        self._icy_socket = socket
        socket.connected.connect(self._on_icy_connected)
        socket.readyRead.connect(self._on_icy_ready_read)
        socket.errorOccurred.connect(self._on_icy_error)
        self._deadline.start(HEADERS_TIMEOUT_MS)
        socket.connectToHost(url.host(), url.port(80))

    def _on_icy_connected(self) -> None:
        url = QUrl(self.url)
        path = url.path(QUrl.ComponentFormattingOption.FullyEncoded) or "/"
        query = url.query(QUrl.ComponentFormattingOption.FullyEncoded)
        target = f"{path}?{query}" if query else path
        request = f"GET {target} HTTP/1.0\r\nHost: {url.host()}\r\nIcy-MetaData: 1\r\n\r\n"
        if self._icy_socket is not None:
            self._icy_socket.write(request.encode("ascii", "replace"))

    def _on_icy_ready_read(self) -> None:
        socket = self._icy_socket
        if socket is None:
            return
        head = bytes(socket.peek(4096).data())
        if b"\r\n\r\n" not in head and b"\n\n" not in head and len(head) < 4096:
            return  # the headers are not all in yet
        self._close_icy()
        if not head.startswith(b"ICY "):
            self._finish(ProbeResult(self.url, error="not an HTTP server"))
            return
        title = ""
        for line in head.split(b"\n")[1:]:
            name, _sep, value = line.partition(b":")
            if name.strip().lower() == b"icy-name":
                title = header_text(value).strip()
        self._finish(ProbeResult(self.url, LinkKind.RADIO, title, final_url=self.url))

    def _on_icy_error(self) -> None:
        if self._icy_socket is not None:
            self._close_icy()
            self._finish(ProbeResult(self.url, error="the server closed the connection"))

    def _close_icy(self) -> None:
        socket, self._icy_socket = self._icy_socket, None
        if socket is not None:
            socket.abort()
            socket.deleteLater()

    # ------------------------------------------------------------------ results
    def _classified(self, reply: QNetworkReply) -> ProbeResult:
        headers = {
            bytes(name.data()).decode("latin-1").lower(): header_text(bytes(value.data()))
            for name, value in reply.rawHeaderPairs()
        }
        kind = kind_from_headers(reply.url().toString(), headers)
        title = headers.get("icy-name", "").strip() if kind is LinkKind.RADIO else ""
        return ProbeResult(self.url, kind, title, final_url=reply.url().toString())

    def _downloaded(self, reply: QNetworkReply) -> ProbeResult:
        body = bytes(reply.readAll().data())
        final_url = reply.url().toString()
        if len(body) > self._max_bytes:
            return ProbeResult(self.url, error=self._too_big())
        live = hls_kind(body)
        if live is not None:
            return ProbeResult(self.url, live, final_url=final_url)
        return ProbeResult(self.url, LinkKind.PLAYLIST, body=body, final_url=final_url)

    def _too_big(self) -> str:
        return f"playlist larger than {self._max_bytes // (1024 * 1024)} MB"

    def _finish(self, result: ProbeResult) -> None:
        if not self._done:
            self._done = True
            self._deadline.stop()
            self.finished.emit(result)


#: What Qt reports when a server answers something other than HTTP.
_NOT_HTTP = (_Error.RemoteHostClosedError, _Error.ProtocolFailure)


def _plain(url: str) -> bool:
    """Plain http: old SHOUTcast servers never spoke TLS."""
    return url.lower().startswith("http:")


def _status(reply: QNetworkReply) -> int | None:
    value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    return value if isinstance(value, int) else None


def _http_reason(reply: QNetworkReply, status: int) -> str:
    phrase = reply.attribute(QNetworkRequest.Attribute.HttpReasonPhraseAttribute)
    return f"{status} {phrase}".strip() if isinstance(phrase, str) else str(status)
