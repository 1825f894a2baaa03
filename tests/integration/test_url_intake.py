"""Adding links through LibraryService.add_urls against real servers on 127.0.0.1.

One HTTP server plays every part: a finite Ogg file, an endless ICY radio, an endless stream
that refuses HEAD (405), web pages (resolved by the real Resolver and yt-dlp), a PLS playlist
with a file:// entry (refused: it came from the web), HLS playlists, a 404. A raw socket
answers like SHOUTcast v1 ("ICY 200 OK"), and a closed port refuses connections.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.playback.resolver import Resolver
from sleepplayer.services.library import LibraryService
from sleepplayer.services.url_intake import UrlIntake
from tests.helpers.audio import make_tone
from tests.helpers.http_servers import QuietHTTPServer

pytestmark = pytest.mark.integration
#: A station name in UTF-8, as Icecast sends it; http.server writes header text as Latin-1.
UTF8_NAME_ON_THE_WIRE = "Night Radio \u263e".encode().decode("latin-1")

WAIT_MS = 30_000
PAGE = """<html><head><meta property="og:title" content="Rain on a tin roof"></head>
<body><audio src="/tone.wav" type="audio/wav"></audio></body></html>"""
MULTI = """<html><head><meta property="og:title" content="Three rooms"></head><body>
<audio src="/tone.wav"></audio><audio src="/tone.wav?b"></audio></body></html>"""
LIVE_HLS = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nseg1.ts\n"
CHUNK = b"\xff\xfb\x90\x00" * 1024


class Server:
    """The loopback HTTP server; ``hits`` counts requests as "METHOD /path"."""

    def __init__(self, tone: bytes) -> None:
        self.hits: list[str] = []
        self.stop = threading.Event()
        server_ref = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                path = self.path
                server_ref.hits.append(f"{self.command} {path}")
                base = server_ref.base
                if path == "/rain.ogg":
                    self._send(200, "audio/ogg", tone, body)
                elif path == "/tone.wav" or path.startswith("/tone.wav?"):
                    self._send(200, "audio/wav", tone, body)
                elif path == "/radio":
                    self._endless(body, {"icy-name": UTF8_NAME_ON_THE_WIRE, "icy-metaint": "16000"})
                elif path == "/nohead":
                    if not body:
                        self._send(405, "text/plain", b"no HEAD here", False)
                    else:
                        self._endless(True, {})
                elif path in ("/page", "/multi"):
                    html = PAGE if path == "/page" else MULTI
                    self._send(200, "text/html; charset=utf-8", html.encode(), body)
                elif path == "/list.pls":
                    pls = (
                        "[playlist]\nNumberOfEntries=3\n"
                        f"File1={base}/rain.ogg\nTitle1=Rain\nLength1=2\n"
                        "File2=file:///etc/passwd\n"
                        f"File3={base}/radio\nTitle3=Night Radio\nLength3=-1\nVersion=2\n"
                    )
                    self._send(200, "audio/x-scpls", pls.encode(), body)
                elif path == "/live.m3u8":
                    self._send(200, "application/vnd.apple.mpegurl", LIVE_HLS.encode(), body)
                elif path == "/listen":  # a playlist type without an extension
                    self._send(200, "audio/x-mpegurl", f"#EXTM3U\n{base}/rain.ogg\n".encode(), body)
                else:
                    self._send(404, "text/html", b"<html>not here</html>", body)

            def _send(self, status: int, kind: str, data: bytes, body: bool) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def _endless(self, body: bool, extra: dict[str, str]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    while body and not server_ref.stop.is_set():
                        self.wfile.write(CHUNK)
                        server_ref.stop.wait(0.01)
                except OSError:  # the client hung up: it had what it wanted
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class IcyV1(socketserver.BaseRequestHandler):
    """SHOUTcast v1: a status line Qt cannot parse, then endless audio."""

    def handle(self) -> None:
        try:
            self.request.recv(4096)
            self.request.sendall(b"ICY 200 OK\r\nicy-name:Old Shoutcast Caf\xe9\r\n\r\n" + CHUNK)
        except OSError:
            pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    tone = make_tone(tmp_path / "tone.wav", 1.0, 440, 0.3).read_bytes()
    running = Server(tone)
    yield running
    running.close()


@pytest.fixture
def icy_v1() -> Iterator[str]:
    icy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), IcyV1)
    icy.daemon_threads = True
    thread = threading.Thread(target=icy.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{icy.server_address[1]}/"
    icy.shutdown()
    icy.server_close()


@pytest.fixture
def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/stream"


@pytest.fixture
def service(qapp: QApplication) -> Iterator[LibraryService]:
    library = LibraryService(
        Library([Playlist("Links", uid="p")], "p"),
        url_intake=UrlIntake(resolver=Resolver()),
    )
    yield library
    library.shutdown()


def add(qtbot: QtBot, service: LibraryService, urls: list[str]) -> tuple[list[Track], str]:
    """Add the links; the playlist's tracks and the one message, once the batch is over."""
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    with qtbot.waitSignal(service.urls_finished, timeout=WAIT_MS):
        service.add_urls("p", urls)
    service.message.disconnect(messages.append)
    service.problem.disconnect(messages.append)
    assert len(messages) == 1, messages
    playlist = service.playlist("p")
    assert playlist is not None
    return list(playlist.tracks), messages[0]


def test_media_radio_and_head_refused(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    urls = [f"{server.base}/rain.ogg", f"{server.base}/radio", f"{server.base}/nohead"]
    tracks, message = add(qtbot, service, urls)
    assert [(t.uri, t.kind) for t in tracks] == [
        (urls[0], TrackKind.STREAM),
        (urls[1], TrackKind.RADIO),
        (urls[2], TrackKind.RADIO),  # audio/mpeg without a length, found by a GET
    ]
    assert tracks[1].title == "Night Radio \u263e"  # icy-name, sent in UTF-8 as Icecast does
    assert message == "Added 3 tracks."
    assert "HEAD /nohead" in server.hits and "GET /nohead" in server.hits
    assert "GET /rain.ogg" not in server.hits  # media is never downloaded to classify


def test_web_pages_go_through_the_resolver(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    progress: list[tuple[int, int]] = []
    service.urls_progress.connect(lambda done, total: progress.append((done, total)))
    tracks, message = add(qtbot, service, [f"{server.base}/page", f"{server.base}/multi"])
    assert [t.kind for t in tracks] == [TrackKind.WEB] * 3
    assert tracks[0].uri == f"{server.base}/page"  # the page, never the stream behind it
    assert tracks[0].title == "Rain on a tin roof"
    assert message == "Added 3 tracks."
    assert progress and progress[-1][0] == progress[-1][1]


def test_remote_playlist_refuses_local_files(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    tracks, message = add(qtbot, service, [f"{server.base}/list.pls", f"{server.base}/listen"])
    assert [t.uri for t in tracks] == [
        f"{server.base}/rain.ogg", f"{server.base}/radio", f"{server.base}/rain.ogg",
    ]  # fmt: skip
    assert tracks[0].title == "Rain" and tracks[0].duration_ms == 2000
    assert "file:///etc/passwd" in message and "Added 3 tracks." in message


def test_hls_is_a_stream_not_a_playlist(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    tracks, _message = add(qtbot, service, [f"{server.base}/live.m3u8"])
    assert [(t.uri, t.kind) for t in tracks] == [(f"{server.base}/live.m3u8", TrackKind.RADIO)]


def test_unreachable_links_are_kept_marked_and_refused_ones_reported(
    qtbot: QtBot, server: Server, service: LibraryService, closed_port: str, icy_v1: str
) -> None:
    urls = [
        f"{server.base}/missing",
        closed_port,
        "smb://nas/share/a.mp3",
        "not a link",
        icy_v1,
        f"{server.base}/rain.ogg",
    ]
    tracks, message = add(qtbot, service, urls)
    # A server that is down now may be up tonight: its link stays, marked unavailable.
    # Addresses the policy refuses are never added. Order is kept.
    assert [t.uri for t in tracks] == [
        f"{server.base}/missing", closed_port, icy_v1, f"{server.base}/rain.ogg",
    ]  # fmt: skip
    assert [bool(t.unavailable) for t in tracks] == [True, True, False, False]
    assert tracks[0].unavailable == "404 Not Found"
    assert (tracks[2].kind, tracks[3].kind) == (TrackKind.RADIO, TrackKind.STREAM)
    assert message.startswith("Added 4 tracks. Unavailable for now (kept, marked): ")
    assert f"{server.base}/missing (404 Not Found)" in message
    assert f"{closed_port} (connection refused)" in message
    assert "Not added: smb://nas/share/a.mp3 (smb: addresses are not allowed)" in message
    assert "not a link (not a web link" in message
    assert tracks[2].title == "Old Shoutcast Café"  # Latin-1; "ICY 200 OK" read by hand: Qt cannot


def test_cancel_stops_and_keeps_what_is_in(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    service.add_urls("p", [f"{server.base}/page"])
    assert service.is_adding_urls()
    with qtbot.waitSignal(service.urls_finished, timeout=WAIT_MS) as finished:
        service.cancel_urls()
    assert finished.args == ["p", 0]
    assert not service.is_adding_urls()
    assert messages == ["Stopped adding links (0 tracks added)."]


def test_cancel_for_one_playlist_leaves_the_others_checking(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    other = service.create_playlist("Other")
    finished: list[tuple[str, int]] = []
    service.urls_finished.connect(lambda uid, added: finished.append((uid, added)))
    service.add_urls("p", [f"{server.base}/page"])
    service.add_urls(other, [f"{server.base}/rain.ogg"])
    service.cancel_urls("p")
    assert finished == [("p", 0)]  # before it returns
    assert service.is_adding_urls()  # the other playlist's link is still being checked
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=WAIT_MS)
    assert finished[1] == (other, 1)
    playlist = service.playlist(other)
    assert playlist is not None and [t.uri for t in playlist.tracks] == [f"{server.base}/rain.ogg"]
    assert service.playlist("p").tracks == []  # type: ignore[union-attr]


def test_cancel_of_one_job_leaves_the_other_job_into_the_same_playlist(
    qtbot: QtBot, server: Server, service: LibraryService
) -> None:
    ended: list[tuple[int, int, bool]] = []
    service.job_finished.connect(lambda *args: ended.append(args))
    first = service.add_urls("p", [f"{server.base}/page"])
    second = service.add_urls("p", [f"{server.base}/rain.ogg"])
    service.cancel_job(first)
    assert ended == [(first, 0, True)]  # before it returns
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=WAIT_MS)
    assert ended[1] == (second, 1, False)
    playlist = service.playlist("p")
    assert playlist is not None and [t.uri for t in playlist.tracks] == [f"{server.base}/rain.ogg"]


def test_only_refused_links_say_so_without_nothing_added(
    qtbot: QtBot, service: LibraryService
) -> None:
    # A paste of a file and a bad link: the file's scan says "Added 1 track."; this message,
    # shown after it, must not say "Nothing added."
    tracks, message = add(qtbot, service, ["javascript:alert(1)"])
    assert tracks == []
    assert message.startswith("Not added: javascript:alert(1) (")
