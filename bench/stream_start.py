"""Child process: time from Play to audio for loopback HTTP streams, app vs bare libVLC.

Run as ``python -m bench.stream_start --runs 5`` (offscreen). Two sources on a loopback server
(``tests/helpers/http_servers.py``): an MP3 file served at once over HTTP, and an endless ICY
MP3 stream paced at its bitrate with metadata. For each, the time from the play command to
the first output sample above -60 dBFS, captured through amem in this process:

* bare: python-vlc alone, ``set_media`` + ``play()``;
* app: SleepPlayer's ``PlaybackController.play_track`` on ``VlcBackend`` (which starts every
  item behind its inaudible equalizer guard until the audio output exists, and watches and
  polls network items).

One warm-up of each first (plugin loading, the first MP3), then ``--runs`` alternating runs;
medians in ms. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vlc
from PySide6.QtCore import QCoreApplication

from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.playback.vlc_backend import VlcBackend
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from tests.helpers.http_servers import File, Icy, LoopbackServer, make_mp3

THRESHOLD = 32768 // 1000  # -60 dBFS
TIMEOUT_S = 10.0
BITRATE = 128_000


class FirstSound:
    """A PcmSink that notes when the first audible sample arrives (libVLC's thread)."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.heard = threading.Event()

    def write(self, data: bytes, pts_us: int) -> None:
        if self.at is not None:
            return
        samples = memoryview(data).cast("h")
        if any(abs(x) > THRESHOLD for x in samples):
            self.at = time.monotonic()
            self.heard.set()


def bare_run(instance: Any, url: str) -> float | None:
    sink = FirstSound()
    player = instance.media_player_new()

    @vlc.CallbackDecorators.AudioPlayCb  # type: ignore[untyped-decorator]
    def play_cb(_opaque: Any, samples: Any, count: int, pts: int) -> None:
        sink.write(ctypes.string_at(samples, count * 4), pts)

    player.audio_set_callbacks(play_cb, None, None, None, None, None)
    player.audio_set_format("S16N", 48_000, 2)
    player.set_media(instance.media_new(url))
    began = time.monotonic()
    player.play()
    sink.heard.wait(TIMEOUT_S)
    player.stop()
    player.release()
    return None if sink.at is None else (sink.at - began) * 1000


def app_run(app: QCoreApplication, url: str, kind: TrackKind) -> float | None:
    sink = FirstSound()
    backend = VlcBackend(pcm_sink=sink)
    library = LibraryService(Library([Playlist("P", [Track(url, kind=kind, uid="t")], uid="p")]))
    controller = PlaybackController(backend, library)
    controller.set_volume(100)
    began = time.monotonic()
    controller.play_track("p", "t")
    _pump(app, sink.heard.is_set)
    controller.shutdown()
    backend.release()
    _pump(app, lambda: False, 0.05)
    return None if sink.at is None else (sink.at - began) * 1000


def _pump(app: QCoreApplication, done: Callable[[], bool], limit_s: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + limit_s
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)


def _median(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.median(got) if got else None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stream_start")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    app = QCoreApplication.instance() or QCoreApplication([])
    assert isinstance(app, QCoreApplication)
    with tempfile.TemporaryDirectory(prefix="sleepplayer-bench-stream-") as tmp:
        data = make_mp3(Path(tmp) / "tone.mp3", 20.0, 440).read_bytes()
        routes = {"/file.mp3": File(data), "/radio": Icy(data, BITRATE)}
        instance = vlc.Instance(["--no-video", "--quiet"])
        result: dict[str, Any] = {"runs": args.runs}
        with LoopbackServer(routes) as server:  # type: ignore[arg-type]
            for name, path, kind in (
                ("file", "/file.mp3", TrackKind.STREAM),
                ("icy", "/radio", TrackKind.RADIO),
            ):
                url = server.url(path)
                bare_run(instance, url)  # warm-up
                app_run(app, url, kind)
                bare: list[float | None] = []
                ours: list[float | None] = []
                for _ in range(args.runs):
                    bare.append(bare_run(instance, url))
                    ours.append(app_run(app, url, kind))
                result[name] = {
                    "bare_ms": _median(bare),
                    "app_ms": _median(ours),
                    "bare_runs": bare,
                    "app_runs": ours,
                }
        instance.release()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
