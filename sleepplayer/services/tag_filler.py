"""Reads the tags of local files that came in without them, on a worker thread.

The entries of a playlist file (M3U without ``#EXTINF``, PLS without titles) name only files;
added directly, the same files would show their titles, artists and lengths. So after an import
the files are read here, off the GUI thread, and what they say fills in what the playlist file
left empty (:func:`sleepplayer.core.tags.with_file_tags`, applied by the owner to the row as it
is then). Results come back in batches, by track uid, so rows moved, changed or removed
meanwhile are no problem.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.model import Track
from sleepplayer.core.tags import track_from_path
from sleepplayer.services.playlist_files import local_file
from sleepplayer.services.scanner import BATCH_SECONDS, BATCH_SIZE


class _Relay(QObject):
    """The worker's way back to the GUI thread, alive for the whole process: a worker that
    emitted on its TagFiller while the owner deleted it crashed the process (seen in a test
    that never shut its library down). A receiver that is gone is simply not called."""

    #: (filler key, playlist_uid, batch)
    filled = Signal(int, str, object)


_relay: _Relay | None = None
_keys = itertools.count(1)


def _shared_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()  # made on the GUI thread (by the first TagFiller), so it lives there
    return _relay


class TagFiller(QObject):
    """Queue tracks with :meth:`fill`; ``filled`` brings them back with their tags."""

    #: (playlist_uid, list[tuple[str, Track]]): (the entry's uid, the track its file makes,
    #: for :func:`~sleepplayer.core.tags.with_file_tags` with the row as it is by then).
    filled = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._queue: deque[tuple[str, str, str]] = deque()  # playlist uid, track uid, path
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._key = next(_keys)
        self._relay = _shared_relay()
        self._relay.filled.connect(self._on_relay_filled)

    def fill(self, playlist_uid: str, tracks: Sequence[Track]) -> None:
        """Read the local files among ``tracks`` that lack a title, artist or length."""
        work = [
            (playlist_uid, track.uid, path)
            for track in tracks
            if (path := local_file(track)) is not None
            and not (track.title and track.artist and track.duration_ms)
        ]
        if not work:
            return
        with self._lock:
            self._queue.extend(work)
            if self._thread is not None and self._thread.is_alive():
                return  # the running worker takes them
            self._cancel.clear()
            self._thread = threading.Thread(target=self._run, name="sleepplayer-tags", daemon=True)
            self._thread.start()

    def shutdown(self, wait_s: float = 0.0) -> None:
        self._cancel.set()
        with self._lock:
            self._queue.clear()
        if wait_s > 0 and self._thread is not None:
            self._thread.join(wait_s)

    def _next(self) -> tuple[str, str, str] | None:
        with self._lock:
            if not self._queue:
                self._thread = None  # fill() starts a new worker from here on
                return None
            return self._queue.popleft()

    def _on_relay_filled(self, key: int, playlist_uid: str, batch: object) -> None:
        if key == self._key:
            self.filled.emit(playlist_uid, batch)

    def _run(self) -> None:
        batch: list[tuple[str, Track]] = []
        batch_uid = ""
        last_sent = time.monotonic()
        while not self._cancel.is_set():
            item = self._next()
            if item is None or (batch and item[0] != batch_uid):
                if batch:
                    self._relay.filled.emit(self._key, batch_uid, batch)
                    batch, last_sent = [], time.monotonic()
                if item is None:
                    return
            playlist_uid, track_uid, path = item
            batch_uid = playlist_uid
            try:
                batch.append((track_uid, track_from_path(Path(path))))
            except Exception:
                continue
            if len(batch) >= BATCH_SIZE or time.monotonic() - last_sent > BATCH_SECONDS:
                self._relay.filled.emit(self._key, batch_uid, batch)
                batch, last_sent = [], time.monotonic()
