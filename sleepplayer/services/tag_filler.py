"""Reads the tags of local files that came in without them, on a worker thread.

The entries of a playlist file (M3U without ``#EXTINF``, PLS without titles) name only files;
added directly, the same files would show their titles, artists and lengths. So after an import
the files are read here, off the GUI thread, and what they say fills in what the playlist file
left empty (:func:`sleepplayer.core.tags.with_file_tags`, applied by the owner to the row as it
is then). Results come back in batches, by track uid, so rows moved, changed or removed
meanwhile are no problem.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.model import Track
from sleepplayer.core.tags import track_from_path
from sleepplayer.services.playlist_files import local_file
from sleepplayer.worker_mail import Batches, Inbox, Post

#: (playlist uid, track uid, path)
_Item = tuple[str, str, str]


class _Queue:
    """What the owner and its worker share: plain Python, so the worker holds no QObject."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: deque[_Item] = deque()
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None

    def next(self) -> _Item | None:
        with self.lock:
            if not self.items:
                self.thread = None  # fill() starts a new worker from here on
                return None
            return self.items.popleft()


class TagFiller(QObject):
    """Queue tracks with :meth:`fill`; ``filled`` brings them back with their tags."""

    #: (playlist_uid, list[tuple[str, Track]]): (the entry's uid, the track its file makes,
    #: for :func:`~sleepplayer.core.tags.with_file_tags` with the row as it is by then).
    filled = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = _Queue()
        self._inbox = Inbox(self)
        self._inbox.received.connect(self._on_inbox_received)

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
        queue = self._queue
        with queue.lock:
            queue.items.extend(work)
            if queue.thread is not None and queue.thread.is_alive():
                return  # the running worker takes them
            queue.cancel.clear()
            queue.thread = threading.Thread(
                target=_read,
                args=(queue, self._inbox.poster()),
                name="sleepplayer-tags",
                daemon=True,
            )
            queue.thread.start()

    def shutdown(self, wait_s: float = 0.0) -> None:
        queue = self._queue
        queue.cancel.set()
        with queue.lock:
            queue.items.clear()
            thread = queue.thread
        if wait_s > 0 and thread is not None:
            thread.join(wait_s)

    def _on_inbox_received(self, mail: object) -> None:
        match mail:
            case (str(playlist_uid), list(batch)):
                self.filled.emit(playlist_uid, batch)


def _read(queue: _Queue, post: Post) -> None:
    """The worker: reads until the queue is empty; each batch holds one playlist's tracks."""
    batch_uid = ""
    batches: Batches[tuple[str, Track]] = Batches(lambda batch: post((batch_uid, batch)))
    while not queue.cancel.is_set():
        item = queue.next()
        if item is None or item[0] != batch_uid:
            batches.flush()
            if item is None:
                return
        playlist_uid, track_uid, path = item
        batch_uid = playlist_uid
        try:
            batches.add((track_uid, track_from_path(Path(path))))
        except Exception:
            continue
