"""OpenedFiles: what is opened from outside (command line, a second launch, MPRIS OpenUri) goes
into the "Opened files" playlist and plays once it is in.

A file manager sends several double-clicked (or selected and opened) files one launch each, a
fraction of a second apart. So an open that comes within :data:`APPEND_WINDOW_S` of the previous
one adds to the list, and playback starts once, from the first item, when everything is in; if
it already plays from the list, it plays on and the new items follow. Any later open replaces
the list. A load still running then is cancelled first, and the new one starts only once the
library has let go of the playlist: the two sets never mix, and play starts once.

A saved playlist opened by name plays as it is; it also ends any load still running, which
would otherwise start "Opened files" over it moments later.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.links import OpenItems
from sleepplayer.core.model import Track
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.item_loader import ItemLoader
from sleepplayer.services.library import LibraryService

#: Name of the playlist that opened items are put into.
OPENED_PLAYLIST = "Opened files"
#: An open this soon after the previous one adds to it instead of replacing it.
APPEND_WINDOW_S = 2.0
#: Playing from the list already: appended items just follow.
_UNDER_WAY = (
    PlayerState.OPENING,
    PlayerState.BUFFERING,
    PlayerState.PLAYING,
    PlayerState.PAUSED,
)


class OpenedFiles(QObject):
    """Loads opened items into "Opened files", one load at a time; see the module docstring."""

    #: A new open replaced what the list held (playlist uid, the tracks it held): the window
    #: offers Undo, as the list may hold what the user added to it by hand.
    replaced = Signal(str, list)

    def __init__(
        self,
        library: LibraryService,
        controller: PlaybackController,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._controller = controller
        self._clock = clock
        self._uid = ""
        self._last_open: float | None = None  # the previous open into the list
        self._loader: ItemLoader | None = None
        self._queue: list[OpenItems] = []  # opens waiting for the loader, in order
        self._clear_first = False  # the next load replaces the list
        self._play_from_top = False  # a new list: play it from the top when all is in
        # What the list held before a new open replaced it, until that open is in: it comes
        # back when nothing new can play (see _on_loaded).
        self._replaced: list[Track] | None = None
        # The same, kept after the open is in, until the next open: when what it brought
        # turns out unplayable (a corrupt file) the controller goes back, and it returns.
        self._held: list[Track] | None = None
        controller.going_back.connect(self._on_controller_going_back)

    def open(self, items: OpenItems) -> None:
        now = self._clock()
        self._held = None
        if items.only_playlists():
            self._stop_loading()
            self._last_open = None  # the next open starts a list of its own
            uid = items.playlists[0].uid
            self._library.set_current(uid)
            self._controller.play_playlist(uid)
            return
        joins = (
            self._last_open is not None
            and now - self._last_open <= APPEND_WINDOW_S
            and self._library.playlist(self._uid) is not None
        )
        self._last_open = now
        if joins:
            self._queue.append(items)
        else:
            self._queue = [items]
            self._clear_first = True
            if self._loader is not None:
                self._loader.cancel()  # its ``cancelled`` starts this one
                return
        self._start_next()

    def is_loading(self) -> bool:
        return self._loader is not None

    def _stop_loading(self) -> None:
        self._queue.clear()
        self._replaced = None  # another playlist plays now: the list stays as the load left it
        if self._loader is not None:
            self._loader.cancel()

    def _start_next(self) -> None:
        if self._loader is not None or not self._queue:
            return
        items = self._queue.pop(0)
        existing = self._library.playlist_by_name(OPENED_PLAYLIST)
        self._uid = existing.uid if existing else self._library.create_playlist(OPENED_PLAYLIST)
        if self._clear_first:
            self._clear_first = False
            self._play_from_top = True
            if self._replaced is None and existing is not None:  # not a load cut short
                self._replaced = list(existing.tracks)
            self._library.replace_tracks(self._uid, [])
        self._library.set_current(self._uid)
        loader = ItemLoader(self._library, self)
        self._loader = loader
        loader.finished.connect(self._on_loaded)
        loader.cancelled.connect(self._on_cancelled)
        loader.load(self._uid, items)

    def _drop_loader(self) -> None:
        loader, self._loader = self._loader, None
        if loader is not None:
            loader.finished.disconnect(self._on_loaded)
            loader.cancelled.disconnect(self._on_cancelled)
            loader.deleteLater()

    def _on_cancelled(self) -> None:
        self._drop_loader()
        self._start_next()

    def _on_loaded(self, uid: str, count: int) -> None:
        self._drop_loader()
        if self._queue:
            self._start_next()  # more joined meanwhile: play once, when all are in
            return
        c = self._controller
        under_way = c.current_playlist_uid == uid and c.state in _UNDER_WAY
        replaced, self._replaced = self._replaced, None
        if not self._any_available(uid):
            # All in it kept but marked (a station that is down, a refused link): what plays
            # goes on. A shortcut to a radio must not silence the night when the radio is off;
            # the list it plays from (perhaps this one) comes back, the new links after it.
            self._play_from_top = False
            if replaced:
                self._library.add_tracks(uid, replaced, 0)
            return
        if replaced:
            self._held = replaced
            self.replaced.emit(uid, replaced)
        if count and (self._play_from_top or not under_way):
            self._play_from_top = False
            c.play_playlist(uid, back_if_unplayable=True)

    def _on_controller_going_back(self, uid: str) -> None:
        held, self._held = self._held, None
        if held and uid == self._uid:
            self._library.add_tracks(uid, held)  # after what could not play, as it came

    def _any_available(self, uid: str) -> bool:
        playlist = self._library.playlist(uid)
        return playlist is not None and any(t.unavailable is None for t in playlist.tracks)
