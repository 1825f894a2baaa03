"""The controller's requests to the web-page resolver: the one for the item about to play, and
the one that resolves the next item ahead.

The resolver (yt-dlp behind it) is made by a factory when the first web item needs it, so a
night of local files never loads yt-dlp; a resolver made here is shut down here. With neither
a resolver nor a factory there is none, and page URLs go to libVLC as they are (tests, and a
build without yt-dlp).

At most one request of each kind is pending; a new one cancels the old. An answer to anything
but the pending request of its kind is dropped, so a late answer for a track the user already
left never starts that track. A prefetched answer is not emitted: the resolver keeps it in its
cache, and ``cached`` finds it when the item comes up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.web_media import ResolvedMedia

if TYPE_CHECKING:  # imported when the first web item plays, not at start-up
    from sleepplayer.playback.resolver import Resolver


class WebResolution(QObject):
    """Resolves the web page about to play, and the next one ahead of time."""

    #: The pending ``request`` was answered (ResolvedMedia).
    resolved = Signal(object)
    #: The pending ``request`` failed (a short message for people).
    failed = Signal(str)

    def __init__(
        self,
        resolver: Resolver | None = None,
        factory: Callable[[], Resolver] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._resolver: Resolver | None = None
        self._factory = factory
        self._owns_resolver = False
        self._current: int | None = None
        self._ahead: int | None = None
        if resolver is not None:
            self._adopt(resolver)

    @property
    def available(self) -> bool:
        """Whether page URLs are resolved at all (a resolver, or a factory for one)."""
        return self._resolver is not None or self._factory is not None

    @property
    def pending(self) -> bool:
        return self._current is not None

    def cached(self, page_url: str) -> ResolvedMedia | None:
        """An unexpired resolution of ``page_url`` that can play at once, or None."""
        resolver = self._get()
        return resolver.cached(page_url) if resolver is not None else None

    def request(self, page_url: str, *, force: bool = False) -> None:
        """Resolve the page about to play; ``force`` skips the cache (an expired link)."""
        self.cancel()
        resolver = self._get()
        if resolver is not None:
            self._current = resolver.resolve(page_url, force=force)

    def cancel(self) -> None:
        """Drop the pending ``request``: nothing is emitted for it."""
        if self._current is not None and self._resolver is not None:
            self._resolver.cancel(self._current)
        self._current = None

    def resolve_ahead(self, page_url: str) -> None:
        """Resolve the next page into the cache, unless it is there already."""
        resolver = self._get()
        if resolver is None or resolver.cached(page_url) is not None:
            return
        if self._ahead is not None:
            resolver.cancel(self._ahead)
        self._ahead = resolver.resolve(page_url)

    def shutdown(self) -> None:
        """Cancel everything; a resolver made here is shut down (it never waits on the
        network)."""
        self.cancel()
        if self._ahead is not None and self._resolver is not None:
            self._resolver.cancel(self._ahead)
        self._ahead = None
        if self._owns_resolver and self._resolver is not None:
            self._resolver.shutdown()

    # ------------------------------------------------------------------ internals
    def _get(self) -> Resolver | None:
        if self._resolver is None and self._factory is not None:
            factory, self._factory = self._factory, None
            self._adopt(factory())
            self._owns_resolver = True
        return self._resolver

    def _adopt(self, resolver: Resolver) -> None:
        self._resolver = resolver
        resolver.resolved.connect(self._on_resolved)
        resolver.failed.connect(self._on_failed)

    def _on_resolved(self, rid: int, media: object) -> None:
        if rid == self._ahead:
            self._ahead = None  # kept in the resolver's cache
        elif rid == self._current and isinstance(media, ResolvedMedia):
            self._current = None
            self.resolved.emit(media)

    def _on_failed(self, rid: int, message: str) -> None:
        if rid == self._ahead:
            self._ahead = None  # tried again when the item is about to play
        elif rid == self._current:
            self._current = None
            self.failed.emit(message)


def make_resolver() -> Resolver:
    """The app's resolver, imported and made when the first web item plays."""
    from sleepplayer.playback.resolver import Resolver

    return Resolver()
