"""A deterministic ``Resolver`` for controller tests: answers from a table, no yt-dlp, no threads.

Like the real one it always answers later, from the event loop (``QTimer.singleShot(0)``), or,
with ``auto = False``, when the test calls ``answer(rid)``. ``pages`` maps a page URL to the
``ResolvedMedia`` it resolves to, or to an error message. Successful answers go into the cache
that ``cached`` reads (unless expired at ``now``); ``requests`` records (rid, page, force).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from sleepplayer.core.web_media import ResolvedMedia
from sleepplayer.playback.resolver import Resolver


def media(
    page_url: str,
    stream_url: str,
    *,
    duration_ms: int | None = 60_000,
    is_live: bool = False,
    expires_at: float = 10**10,
    headers: dict[str, str] | None = None,
    title: str = "Web item",
) -> ResolvedMedia:
    return ResolvedMedia(
        page_url, stream_url, title, duration_ms, is_live, expires_at, dict(headers or {})
    )


class FakeResolver(Resolver):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.pages: dict[str, ResolvedMedia | str] = {}
        self.cache: dict[str, ResolvedMedia] = {}
        self.requests: list[tuple[int, str, bool]] = []
        self.cancelled: list[int] = []
        self.pending: dict[int, str] = {}
        self.auto = True
        self.was_shut_down = False
        self.now = 1000.0
        self._rid = 0

    def resolve(self, page_url: str, *, force: bool = False) -> int:
        self._rid += 1
        rid = self._rid
        self.requests.append((rid, page_url, force))
        self.pending[rid] = page_url
        if self.auto:
            QTimer.singleShot(0, lambda: self.answer(rid))
        return rid

    def answer(self, rid: int) -> None:
        page = self.pending.pop(rid, None)
        if page is None:
            return  # cancelled
        result = self.pages.get(page, "This page has no playable audio")
        if isinstance(result, ResolvedMedia):
            self.cache[page] = result
            self.resolved.emit(rid, result)
        else:
            self.failed.emit(rid, result)

    def cached(self, page_url: str) -> ResolvedMedia | None:
        found = self.cache.get(page_url)
        return found if found is not None and not found.expired(self.now) else None

    def cancel(self, request_id: int) -> None:
        self.cancelled.append(request_id)
        self.pending.pop(request_id, None)

    def shutdown(self) -> None:
        self.was_shut_down = True
        self.pending.clear()
