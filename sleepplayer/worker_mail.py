"""The one way a worker thread hands results to the GUI thread.

Three crashes taught the rules here:

- A worker must not emit on its owner's QObject: the owner may be deleted on the GUI thread
  while the worker emits (a test's garbage-collected library segfaulted the tag reader).
- A worker must not hold a reference to its owner: if the worker dropped the last one, the
  QObject would be deleted on the worker's thread (the web resolver crashed so).
- So workers get a plain function (:meth:`Inbox.poster`) that emits on one process-wide relay
  made on the GUI thread, with plain values. Qt queues each value to the inboxes, and only the
  inbox it was posted to passes it on. An inbox deleted meanwhile is disconnected by Qt, so a
  late result is simply dropped.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

T = TypeVar("T")

Post = Callable[[object], None]

#: A batch is sent after this many items or this many seconds, whichever comes first: the
#: table fills as files are read, without one model update per file.
BATCH_SIZE = 200
BATCH_SECONDS = 0.15


class _Relay(QObject):
    #: (inbox key, value)
    posted = Signal(int, object)


_relay: _Relay | None = None
_keys = itertools.count(1)


def _shared_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()  # made by the first Inbox, on the GUI thread, so it lives there
    return _relay


class Inbox(QObject):
    """Owner side: ``received`` brings each posted value, on the GUI thread, in order."""

    received = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = next(_keys)
        # Always queued, also for a value posted from the GUI thread: answers come later.
        _shared_relay().posted.connect(self._on_relay_posted, Qt.ConnectionType.QueuedConnection)

    def poster(self) -> Post:
        """For the worker: posts one value; safe from any thread, holds no owner."""
        return functools.partial(_shared_relay().posted.emit, self._key)

    @Slot(int, object)
    def _on_relay_posted(self, key: int, value: object) -> None:
        if key == self._key:
            self.received.emit(value)


class Batches(Generic[T]):
    """A worker's results, handed to ``send`` in batches (:data:`BATCH_SIZE`,
    :data:`BATCH_SECONDS`). ``flush`` sends what is left."""

    def __init__(self, send: Callable[[list[T]], None]) -> None:
        self._send = send
        self._items: list[T] = []
        self._last_sent = time.monotonic()

    def add(self, item: T) -> None:
        self._items.append(item)
        if len(self._items) >= BATCH_SIZE or time.monotonic() - self._last_sent > BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._items:
            items, self._items = self._items, []
            self._send(items)
        self._last_sent = time.monotonic()
