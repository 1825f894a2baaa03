"""Small real HTTP servers on 127.0.0.1 for the streaming tests and the benchmark.

One ``LoopbackServer`` serves several *routes* (path -> ``Route``), each a behaviour a stream
can have at night:

* ``File``: a finite file with Content-Length and Range support, sent at once (or paced at
  ``bitrate``, so that a kill cuts it mid-way), then the connection closes. ``ranges=False``
  is a server without Range support (``python3 -m http.server``): libVLC then cannot tell the
  length of an Ogg file.
* ``Icy``: an endless MP3 stream paced at its bitrate (after a short burst, as Icecast does),
  with ``icy-metaint`` and a ``StreamTitle`` that changes every ``title_every_s``.
* ``Stall``: headers and ``send_s`` seconds of audio, then the socket is held open, silent.
* ``Hang``: the request is read and never answered (a stalled connect).
* ``Status``: an HTTP error (404, 403, 500, ...).

``kill()`` closes the listening socket and every open connection (a server that died);
``start()`` brings it back on the same port. A closed port is ``closed_port_url()``.
Handler threads sleep and wait; tests never do (they wait on Qt signals).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading server for tests: a client that hangs up mid-reply (libVLC does, on stop
    and seek) is normal there, not a traceback in the test log. Other errors still print."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


#: How much of a paced stream is sent at once when a client connects (Icecast's burst).
BURST_S = 1.0
_CHUNK = 2048


@dataclass
class File:
    data: bytes
    content_type: str = "audio/mpeg"
    #: 0: all at once; else bits/s, after a burst (a kill then cuts the transfer)
    bitrate: int = 0
    ranges: bool = True


@dataclass
class Icy:
    """An endless MP3 stream looping ``data`` (CBR, ``bitrate`` bits/s)."""

    data: bytes
    bitrate: int
    titles: list[str] = field(default_factory=lambda: ["First song", "Second song"])
    title_every_s: float = 2.0
    metaint: int = 8192
    name: str = "Loopback Radio"


@dataclass
class Stall:
    """Headers and ``send_s`` s of ``data`` (paced at ``bitrate``), then silence, socket open."""

    data: bytes
    bitrate: int
    send_s: float = 2.0
    content_type: str = "audio/mpeg"


@dataclass
class Hang:
    """Accept and read the request; never answer."""


@dataclass
class Status:
    code: int


Route = File | Icy | Stall | Hang | Status


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 with killable connections."""

    def __init__(self, routes: dict[str, Route] | None = None, port: int = 0) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.port = port
        #: Requests per path (the server's own count, any thread).
        self.hits: dict[str, int] = {}
        #: Optional per-path override: a function of the hit number giving a Route.
        self.dynamic: dict[str, Callable[[int], Route]] = {}
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LoopbackServer:
        if self._httpd is not None:
            return self
        self._stopping = threading.Event()
        handler = _make_handler(self)
        httpd = QuietHTTPServer(("127.0.0.1", self.port), handler, bind_and_activate=False)
        httpd.allow_reuse_address = True
        httpd.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        httpd.server_bind()
        httpd.server_activate()
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def kill(self) -> None:
        """Stop listening and cut every open connection (RST-free close)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
            self._conns.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        if self._thread is not None:
            self._thread.join(5)

    stop = kill

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.kill()

    # ------------------------------------------------------------------ helpers
    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hit_count(self, path: str) -> int:
        with self._lock:
            return self.hits.get(path, 0)

    def _route(self, path: str) -> Route | None:
        with self._lock:
            n = self.hits.get(path, 0) + 1
            self.hits[path] = n
            make = self.dynamic.get(path)
        if make is not None:
            return make(n)
        return self.routes.get(path)


def closed_port_url(path: str = "/nothing.mp3") -> str:
    """A URL on a loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def _make_handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    stopping = server._stopping

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            with server._lock:
                server._conns.add(self.connection)

        def finish(self) -> None:
            with contextlib.suppress(OSError):
                super().finish()
            with server._lock:
                server._conns.discard(self.connection)

        def do_GET(self) -> None:
            route = server._route(self.path.split("?", 1)[0])
            try:
                if route is None:
                    self._status(404)
                elif isinstance(route, File):
                    self._file(route)
                elif isinstance(route, Icy):
                    self._icy(route)
                elif isinstance(route, Stall):
                    self._stall(route)
                elif isinstance(route, Hang):
                    stopping.wait(60)
                else:
                    self._status(route.code)
            except OSError:
                pass  # the client went away or the server was killed

        def _status(self, code: int) -> None:
            body = f"error {code}\n".encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _file(self, route: File) -> None:
            data, size = route.data, len(route.data)
            first = _range_start(self.headers.get("Range", "")) if route.ranges else None
            if first is not None and first < size:
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{size - 1}/{size}")
                data = data[first:]
            else:
                self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            if route.ranges:
                self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not route.bitrate:
                self.wfile.write(data)
                return
            rate = route.bitrate / 8
            began = time.monotonic()
            for pos in range(0, len(data), _CHUNK):
                while not stopping.is_set():
                    due = (time.monotonic() - began + BURST_S) * rate
                    if pos < due:
                        break
                    stopping.wait(min(0.05, (pos - due) / rate + 0.005))
                if stopping.is_set():
                    return
                self.wfile.write(data[pos : pos + _CHUNK])

        def _paced(self, data: bytes, bitrate: int, until: Callable[[float], bool]) -> None:
            """Send ``data`` in a loop at ``bitrate`` after a burst, while ``until(elapsed)``
            is False; ``self._emit`` frames the bytes."""
            rate = bitrate / 8
            began = time.monotonic()
            sent = 0
            pos = 0
            while not stopping.is_set():
                elapsed = time.monotonic() - began
                if until(elapsed):
                    return
                due = (elapsed + BURST_S) * rate
                if sent >= due:
                    stopping.wait(min(0.05, (sent - due) / rate + 0.005))
                    continue
                chunk = data[pos : pos + _CHUNK]
                pos = (pos + _CHUNK) % len(data) if pos + _CHUNK < len(data) else 0
                self._emit(chunk)
                sent += len(chunk)

        def _emit(self, chunk: bytes) -> None:
            self.wfile.write(chunk)

        def _icy(self, route: Icy) -> None:
            want_meta = self.headers.get("Icy-MetaData", "0").strip() == "1"
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("icy-name", route.name)
            self.send_header("icy-br", str(route.bitrate // 1000))
            if want_meta:
                self.send_header("icy-metaint", str(route.metaint))
            self.end_headers()
            if not want_meta:
                self._paced(route.data, route.bitrate, lambda _e: False)
                return
            began = time.monotonic()
            budget = route.metaint
            last_title: list[str] = [""]
            write = self.wfile.write

            def title_now() -> str:
                n = int((time.monotonic() - began) / route.title_every_s)
                return route.titles[n % len(route.titles)]

            def emit(chunk: bytes) -> None:
                nonlocal budget
                while chunk:
                    part, chunk = chunk[:budget], chunk[budget:]
                    write(part)
                    budget -= len(part)
                    if budget == 0:
                        write(_icy_meta(title_now(), last_title))
                        budget = route.metaint

            self._emit = emit  # type: ignore[method-assign]
            self._paced(route.data, route.bitrate, lambda _e: False)

        def _stall(self, route: Stall) -> None:
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.end_headers()
            self._paced(route.data, route.bitrate, lambda elapsed: elapsed >= route.send_s)
            self.wfile.flush()
            stopping.wait(60)  # hold the socket open, silent

    return Handler


def _range_start(header: str) -> int | None:
    """The first byte of a ``bytes=N-`` range (the only form libVLC sends)."""
    if not header.startswith("bytes="):
        return None
    first = header[6:].split("-", 1)[0]
    return int(first) if first.isdigit() else None


def _icy_meta(title: str, last: list[str]) -> bytes:
    """One ICY metadata block: the title when it changed, else the empty block."""
    if title == last[0]:
        return b"\x00"
    last[0] = title
    text = f"StreamTitle='{title}';".encode()
    blocks = (len(text) + 15) // 16
    return bytes([blocks]) + text.ljust(blocks * 16, b"\x00")


# ---------------------------------------------------------------------- test audio


def make_mp3(path: Path, seconds: float, freq: float, *, bitrate_kbps: int = 128) -> Path:
    """A CBR MP3 sine (44.1 kHz stereo) made by sox, which needs libsox-fmt-mp3."""
    import shutil
    import subprocess

    exe = shutil.which("sox")
    if exe is None:
        raise RuntimeError("sox not found: install sox and libsox-fmt-mp3 (make test-deps)")
    subprocess.run(
        [exe, "-n", "-r", "44100", "-c", "2", "-C", str(bitrate_kbps), str(path),
         "synth", str(seconds), "sine", str(freq), "vol", "0.5"],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return path
