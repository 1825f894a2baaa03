"""The WAV copy of the loop being loaded: asked for, waited for, and handed to the engine.

``loop_cache`` makes the copy (no Qt, no libVLC); this is the engine's side of it. A looping
Opus, Vorbis, FLAC, MP3 or AIFF file that has no copy yet plays as it is (Ogg through the
avformat fallback), while the copy is made on a worker thread (~0.1 s for a 30 s loop, 0.4 s for
5 minutes). A ``play()`` meanwhile waits for it, at most ``WAIT_MS``: ``start_now`` says when to
start, on the copy if it came. A copy that arrives while nothing plays is swapped in
(``copy_ready``). A copy that arrives while the fallback plays waits for the next fresh start:
switching would cut the sound. A file no copy could be made of is not tried again this session
(each try would hold a play for up to ``WAIT_MS``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.playback import loop_cache
from sleepplayer.worker_mail import Inbox

#: How long ``play()`` of a loop waits for its WAV copy before starting the fallback.
WAIT_MS = 3000
#: Sources up to this size are looked up in the cache on the owner (GUI) thread, which hashes
#: them (about 1 ms for the built-in sounds' 300 KB); larger ones, up to 48 MB and perhaps on
#: a network share, on the worker.
LOOKUP_HERE_BYTES = 4 * 1024 * 1024


class LoopCopy(QObject):
    """One load at a time: :meth:`forget` on every load, :meth:`ask` for a loop."""

    #: A play that waited may start now (on the copy, if it came: see :meth:`take`).
    start_now = Signal()
    #: The copy came while no play was waiting: swap it in if nothing plays.
    copy_ready = Signal()

    def __init__(self, cache_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dir = cache_dir
        self._token = 0
        self._pending = False
        self._deferred = False
        self._ready: str | None = None
        self._failed: set[tuple[str, int, int]] = set()  # (path, size, mtime): no copy
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.setInterval(WAIT_MS)
        self._wait.timeout.connect(self._on_wait_timeout)
        self._inbox = Inbox(self)
        self._inbox.received.connect(self._on_inbox_received)

    def forget(self) -> None:
        """A new load: whatever the last one asked for is stale."""
        self._token += 1
        self._pending = False
        self._ready = None
        self.cancel_wait()

    def ask(self, source: Path) -> Path | None:
        """The copy of ``source`` if it is at hand; else None, and it is looked for or made on
        a worker (unless that failed before)."""
        try:
            info = source.stat()
        except OSError:
            return None  # not there: libVLC says so
        key = (str(source), info.st_size, info.st_mtime_ns)
        if key in self._failed:
            return None
        if info.st_size <= LOOKUP_HERE_BYTES:
            cached = loop_cache.cached_copy(source, self._dir)
            if cached is not None:
                return cached
        token = self._token
        cache_dir = self._dir
        post = self._inbox.poster()

        def work() -> None:  # plain values only: no Qt object, no libVLC
            try:
                result = str(loop_cache.decode_to_cache(source, cache_dir))
            except Exception:  # whatever it was (a DLL without a symbol too): play it as it is
                result = ""
            post((token, result, key))

        self._pending = True
        threading.Thread(target=work, name="sleepplayer-loop-cache", daemon=True).start()
        return None

    def wait_for_copy(self) -> bool:
        """For ``play()``: True when the copy is being made, and ``start_now`` will come."""
        if not self._pending:
            return False
        self._deferred = True
        self._wait.start()
        return True

    def cancel_wait(self) -> None:
        """A stop or a release: the waiting play is off."""
        self._wait.stop()
        self._deferred = False

    def take(self) -> str | None:
        """The finished copy not yet in use (once), for the next fresh start."""
        ready, self._ready = self._ready, None
        return ready

    def _on_inbox_received(self, mail: object) -> None:
        """``mail``: (load token, path of the finished WAV copy or "", the source's key)."""
        assert isinstance(mail, tuple)
        token, wav, key = mail
        if not wav:
            self._failed.add(key)
        if token != self._token or not self._pending:
            return  # for an item loaded before the current one
        self._pending = False
        self._ready = str(wav) or None
        if self._deferred:
            self.cancel_wait()
            self.start_now.emit()
        elif self._ready is not None:
            self.copy_ready.emit()

    def _on_wait_timeout(self) -> None:
        if self._deferred:
            self._deferred = False
            self.start_now.emit()
