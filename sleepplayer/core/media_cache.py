"""An in-memory cache of values that expire, bounded in size: pure Python, one thread.

The resolver keeps its resolved stream URLs here, keyed by page URL. Nothing here is ever
written to disk: stream URLs are short-lived and must not be stored (issue 4).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Protocol, TypeVar


class Expiring(Protocol):
    def expired(self, now: float) -> bool: ...


V = TypeVar("V", bound=Expiring)


class ExpiringCache(Generic[V]):
    """Maps a key to a value that knows when it expires. The least recently used entry goes
    first when ``max_entries`` is reached; expired entries are dropped when looked up."""

    def __init__(self, max_entries: int = 256) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._items: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str, now: float) -> V | None:
        """The unexpired value for ``key``, or None."""
        value = self._items.get(key)
        if value is None:
            return None
        if value.expired(now):
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
