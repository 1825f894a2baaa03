"""Child process: the resolver on a local page (issue 4's benchmark). Prints JSON.

Run as ``python -m bench.resolver --runs 5`` (offscreen). Serves a page with ``<audio>`` and a
500-entry RSS feed on 127.0.0.1 and times, through the app's own ``Resolver``:

* ``first_resolve_ms``: the first resolve in a fresh process (includes the lazy yt-dlp import);
* ``later_resolve_ms``: median of ``--runs`` forced re-resolves (a new extraction each);
* ``cache_hit_ms``: median time to the answer from the cache (one event-loop turn);
* ``expand_500_ms`` and ``expand_max_stall_ms``: the 500-entry feed, and the longest gap of a
  10 ms GUI heartbeat meanwhile (the GUI thread must not freeze);
* ``import_yt_dlp_ms``: ``import yt_dlp`` alone, in another fresh process.

Figures only; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from sleepplayer.playback.resolver import Resolver

PAGE = """<html><head><meta property="og:title" content="Rain on a tin roof"></head>
<body><audio src="tone.wav"></audio></body></html>"""
ITEM = (
    '<item><title>Night {n}</title><guid>{n}</guid><enclosure url="{base}tone.wav?n={n}"/></item>'
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _site(root: Path, base: str) -> None:
    with wave.open(str(root / "tone.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    (root / "page.html").write_text(PAGE, encoding="utf-8")
    items = "".join(ITEM.format(n=n, base=base) for n in range(500))
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )
    (root / "feed.xml").write_text(feed, encoding="utf-8")


def _timed(res: Resolver, start: Any) -> float:
    """Seconds from calling ``start()`` to the request's final signal (raises on failure)."""
    loop = QEventLoop()
    outcome: list[Any] = []

    def done(*args: Any) -> None:
        outcome.append(args)
        loop.quit()

    for signal in (res.resolved, res.expanded, res.failed):
        signal.connect(done)
    began = time.perf_counter()
    start()
    loop.exec()
    elapsed = time.perf_counter() - began
    for signal in (res.resolved, res.expanded, res.failed):
        signal.disconnect(done)
    if isinstance(outcome[0][1], str):
        raise RuntimeError(outcome[0][1])
    return elapsed


def _import_ms() -> float:
    code = "import time; t = time.perf_counter(); import yt_dlp; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip()) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QCoreApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server, base = _serve(root)
        _site(root, base)
        res = Resolver()
        page = base + "page.html"
        first = _timed(res, lambda: res.resolve(page))
        later = [_timed(res, lambda: res.resolve(page, force=True)) for _ in range(args.runs)]
        hits = [_timed(res, lambda: res.resolve(page)) for _ in range(args.runs)]

        beats: list[float] = []
        heartbeat = QTimer()
        heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
        heartbeat.start(10)
        expand = _timed(res, lambda: res.expand(base + "feed.xml"))
        heartbeat.stop()
        gaps = [b - a for a, b in itertools.pairwise(beats)]
        res.shutdown()
        server.shutdown()
    del app
    print(
        json.dumps(
            {
                "first_resolve_ms": round(first * 1000, 1),
                "later_resolve_ms": round(statistics.median(later) * 1000, 1),
                "later_resolve_all_ms": [round(x * 1000, 1) for x in later],
                "cache_hit_ms": round(statistics.median(hits) * 1000, 2),
                "expand_500_ms": round(expand * 1000, 1),
                "expand_max_stall_ms": round(max(gaps, default=0.0) * 1000, 1),
                "import_yt_dlp_ms": round(_import_ms(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
