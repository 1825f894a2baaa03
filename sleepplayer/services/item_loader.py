"""ItemLoader: puts opened items (the command line) into one playlist and says when all are in.

The items go in in the order they were given, a run of neighbours of one kind at a time:
saved playlists and playlist files at once, files and folders scanned off the GUI thread,
links checked; each run starts when the one before it is in, so a link given before a file
plays before it. ``finished`` comes when everything asked for is settled, so the caller can
start playing the whole list.

:meth:`ItemLoader.cancel` stops a load part-way; ``cancelled`` then comes once the library adds
nothing more from it, so a following load into the same playlist never mixes with it.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.links import OpenItems
from sleepplayer.core.model import Playlist, new_uid
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
        self._runs: deque[tuple[str, list[Playlist | str]]] = deque()
        self._row: int | None = None  # where the next run goes (None: at the end)
        self._job = 0  # the library job of the run that takes a while
        self._ended: dict[int, tuple[int, bool]] = {}  # jobs that ended inside their call
        self._step = ""
        self._cancelled = False
        library.job_finished.connect(self._on_library_job_finished)

    def load(self, playlist_uid: str, items: OpenItems, row: int | None = None) -> None:
        """Start loading at ``row`` (None: at the end); ``finished`` always comes later,
        from the event loop."""
        self._uid = playlist_uid
        self._runs = deque(items.runs())
        self._row = row
        self._next_run()

    def cancel(self) -> None:
        """Stop loading; tracks already in stay (the caller decides about them). A load that
        has already reported ``finished`` has nothing to stop and stays silent."""
        if self._cancelled or self._step == "over":
            return
        self._cancelled = True
        if self._step in ("scan", "links") and self._job:
            # Only this load's job: a drop into the same playlist meanwhile goes on. Its
            # job_finished comes later (a scan) or at once (links).
            self._library.cancel_job(self._job)
        elif not self._step:
            QTimer.singleShot(0, self._finish)  # never started
        # "done": the scheduled _finish reports the cancel.

    def _next_run(self) -> None:
        """Put in the runs that go in at once; start the next that takes a while."""
        library, uid = self._library, self._uid
        while self._runs and library.playlist(uid) is not None:
            kind, items = self._runs.popleft()
            if kind == "playlist":
                tracks = [t for p in items if isinstance(p, Playlist) for t in p.tracks]
                library.add_tracks(uid, [t.with_changes(uid=new_uid()) for t in tracks], self._row)
                self._moved_by(len(tracks))
            elif kind == "playlist_file":
                for path in items:
                    self._moved_by(library.add_playlist_file(uid, str(path), self._row))
            else:
                add = library.add_paths if kind == "path" else library.add_urls
                self._step = "scan" if kind == "path" else "links"
                self._ended.clear()
                self._job = add(uid, [str(item) for item in items], self._row)
                ended = self._ended.get(self._job)
                if self._job and ended is None:
                    return  # job_finished says when it is in
                self._run_done(*(ended or (0, False)))
                return
        self._step = "done"
        QTimer.singleShot(0, self._finish)

    def _moved_by(self, added: int) -> None:
        """The next run goes after what this one put in (counted by the library, so work of
        others in the same playlist meanwhile does not move it)."""
        if self._row is not None:
            self._row += max(0, added)

    def _on_library_job_finished(self, job_id: int, added: int, cancelled: bool) -> None:
        if self._step not in ("scan", "links") or not job_id:
            return
        if job_id != self._job:
            self._ended[job_id] = (added, cancelled)  # perhaps ours, ended inside its call
            return
        self._run_done(added, cancelled)

    def _run_done(self, added: int, cancelled: bool) -> None:
        self._job = 0
        self._moved_by(added)
        if self._cancelled or cancelled:
            # Ours, or the user's Stop (the progress bar): nothing more from this load.
            self._runs.clear()
        if self._cancelled:
            self._step = "done"
            self._finish()
        else:
            self._next_run()

    def _finish(self) -> None:
        self._step = "over"
        if self._cancelled:
            self.cancelled.emit()
            return
        playlist = self._library.playlist(self._uid)
        self.finished.emit(self._uid, len(playlist.tracks) if playlist is not None else 0)


def add_in_order(
    library: LibraryService,
    playlist_uid: str,
    items: OpenItems,
    row: int | None,
    parent: QObject,
) -> None:
    """Files, folders and links into a playlist at ``row``, in the order given (a drop, a
    paste): one :class:`ItemLoader`, gone once it is done."""
    loader = ItemLoader(library, parent)
    loader.finished.connect(loader.deleteLater)
    loader.cancelled.connect(loader.deleteLater)
    loader.load(playlist_uid, items, row)
