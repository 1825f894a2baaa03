"""ItemLoader: puts opened items (the command line) into one playlist and says when all are in.

Saved playlists and playlist files go in at once; files and folders are scanned off the GUI
thread, then links are checked (after the scan, so they follow the files). ``finished`` comes
when everything asked for is settled, so the caller can start playing the whole list.

:meth:`ItemLoader.cancel` stops a load part-way; ``cancelled`` then comes once the library adds
nothing more from it, so a following load into the same playlist never mixes with it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.links import OpenItems
from sleepplayer.core.model import new_uid
from sleepplayer.services.library import LibraryService


class ItemLoader(QObject):
    """Loads :class:`OpenItems` into a playlist of a :class:`LibraryService`."""

    #: (playlist_uid, tracks now in the playlist): everything is in (or was refused).
    finished = Signal(str, int)
    #: After :meth:`cancel`: nothing more from this load will arrive (``finished`` never does).
    cancelled = Signal()

    def __init__(self, library: LibraryService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._uid = ""
        self._urls: list[str] = []
        self._step = ""
        self._cancelled = False

    def load(self, playlist_uid: str, items: OpenItems) -> None:
        """Start loading; ``finished`` always comes later, from the event loop."""
        self._uid = playlist_uid
        library = self._library
        copies = [t.with_changes(uid=new_uid()) for p in items.playlists for t in p.tracks]
        library.add_tracks(playlist_uid, copies)
        for path in items.playlist_files:
            library.add_playlist_file(playlist_uid, path)
        self._urls = list(items.urls)
        if items.paths:
            self._step = "scan"
            library.scan_finished.connect(self._on_library_scan_finished)
            library.add_paths(playlist_uid, items.paths)
        else:
            self._start_links()

    def cancel(self) -> None:
        """Stop loading; tracks already in stay (the caller decides about them). A load that
        has already reported ``finished`` has nothing to stop and stays silent."""
        if self._cancelled or self._step == "over":
            return
        self._cancelled = True
        if self._step == "scan":
            self._library.cancel_scan(self._uid)  # its scan_finished comes later
        elif self._step == "links":
            self._library.cancel_urls(self._uid)  # its urls_finished comes at once
        elif not self._step:
            QTimer.singleShot(0, self._finish)  # never started
        # "done": the scheduled _finish reports the cancel.

    def _start_links(self) -> None:
        if not self._urls:
            self._step = "done"
            QTimer.singleShot(0, self._finish)
            return
        self._step = "links"
        self._library.urls_finished.connect(self._on_library_urls_finished)
        self._library.add_urls(self._uid, self._urls)

    def _on_library_scan_finished(self, playlist_uid: str, _found: int) -> None:
        if self._step == "scan" and playlist_uid == self._uid:
            self._library.scan_finished.disconnect(self._on_library_scan_finished)
            if self._cancelled:
                self._step = "done"
                self._finish()
            else:
                self._start_links()

    def _on_library_urls_finished(self, playlist_uid: str, _added: int) -> None:
        if self._step == "links" and playlist_uid == self._uid:
            self._library.urls_finished.disconnect(self._on_library_urls_finished)
            self._step = "done"
            self._finish()

    def _finish(self) -> None:
        self._step = "over"
        if self._cancelled:
            self.cancelled.emit()
            return
        playlist = self._library.playlist(self._uid)
        self.finished.emit(self._uid, len(playlist.tracks) if playlist is not None else 0)
