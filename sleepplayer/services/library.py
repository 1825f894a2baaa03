"""LibraryService: playlists and their tracks; adds files and folders off the GUI thread."""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.model import Library, Playlist, Track, in_saved_order, new_uid
from sleepplayer.core.tags import with_file_tags
from sleepplayer.core.text import counted, listed, shorten
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_UID, missing_sounds
from sleepplayer.services.playlist_files import (
    PlaylistFileError,
    load_playlist_file,
    loaded_message,
    nothing_to_import_message,
    save_playlist_file,
)
from sleepplayer.services.scanner import Scanner
from sleepplayer.services.tag_filler import TagFiller
from sleepplayer.services.undo_history import UndoStep

if TYPE_CHECKING:
    # Imported when the first link is added: it brings QtNetwork (4.5 MB), which a night of
    # local sounds never needs.
    from sleepplayer.services.url_intake import UrlIntake


@dataclass
class _ScanJob:
    job_id: int
    playlist_uid: str
    paths: list[str]
    row: int | None
    inserted: int = 0
    cancelled: bool = False


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted, distinct rows as (first, count) runs of neighbours: [1, 2, 4] -> [(1, 2), (4, 1)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][0] + runs[-1][1] == row:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((row, 1))
    return runs


class LibraryService(QObject):
    """Owns the Library. Every change goes through here and emits ``modified`` (for saving)."""

    #: The list of playlists changed (added, removed, renamed, reordered).
    playlists_changed = Signal()
    #: The current playlist changed (uid).
    current_changed = Signal(str)
    #: (playlist_uid, first_row, count) rows were inserted.
    tracks_inserted = Signal(str, int, int)
    #: (playlist_uid, first_row, count) rows are gone. Emitted after removal.
    tracks_removed = Signal(str, int, int)
    #: (playlist_uid) the whole track list changed (reorder, load): re-read everything.
    tracks_reset = Signal(str)
    #: (playlist_uid, row) one track's fields changed (tags read, marked unavailable).
    track_updated = Signal(str, int)
    #: Adding files: (done, total); total 0 means still counting.
    scan_progress = Signal(int, int)
    #: Adding finished: (playlist_uid, number of tracks added).
    scan_finished = Signal(str, int)
    #: Adding links: (done, total) work units (a site playlist counts its entries).
    urls_progress = Signal(int, int)
    #: Adding links finished: (playlist_uid, number of tracks added); also when cancelled.
    urls_finished = Signal(str, int)
    #: (job id from add_paths/add_urls, tracks added, cancelled): that job is over.
    job_finished = Signal(int, int, bool)
    #: A message for the status bar: routine news, or a ``problem`` (a file that could not be
    #: read, entries refused or not found), which the status bar holds longer.
    message = Signal(str)
    problem = Signal(str)
    #: Something that is saved changed; the store saves, debounced.
    modified = Signal()
    #: A reorder or rename made in a view, as an UndoStep for the window's Undo.
    undoable = Signal(object)

    def __init__(
        self,
        library: Library | None = None,
        parent: QObject | None = None,
        *,
        url_intake: UrlIntake | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library or Library()
        self._jobs: deque[_ScanJob] = deque()
        self._active: _ScanJob | None = None
        self._next_job_id = 1
        self._scanner = Scanner(self)
        self._scanner.batch_ready.connect(self._on_scan_batch)
        self._scanner.progress.connect(self._on_scan_progress)
        self._scanner.finished.connect(self._on_scan_finished)
        #: Reads the tags of a playlist file's local entries after an import.
        self._tag_filler = TagFiller(self)
        self._tag_filler.filled.connect(self._on_tags_filled)
        #: Checks added links; made on first use unless passed in (tests, a shared resolver).
        self._intake: UrlIntake | None = None
        if url_intake is not None:
            self._adopt_intake(url_intake)

    # ------------------------------------------------------------------ reading
    @property
    def library(self) -> Library:
        return self._library

    def playlists(self) -> list[Playlist]:
        return list(self._library.playlists)

    def playlist(self, uid: str) -> Playlist | None:
        return self._library.find(uid)

    def playlist_by_name(self, name: str) -> Playlist | None:
        folded = name.casefold()
        return next((p for p in self._library.playlists if p.name.casefold() == folded), None)

    def current_playlist(self) -> Playlist | None:
        return self._library.current

    def set_current(self, uid: str) -> None:
        if self._library.find(uid) is None or uid == self._library.current_uid:
            return
        self._library.current_uid = uid
        self.current_changed.emit(uid)
        self.modified.emit()

    # ------------------------------------------------------------------ playlists
    def create_playlist(self, name: str) -> str:
        """Returns the new uid; a unique name is made when taken ("Name 2")."""
        playlist = Playlist(name=self._unique_name(name.strip() or "Playlist"))
        self._library.playlists.append(playlist)
        self.playlists_changed.emit()
        self.modified.emit()
        return playlist.uid

    def rename_playlist(self, uid: str, name: str, *, undoable: bool = True) -> None:
        """Rename; ``undoable`` False for naming a playlist just made ("New playlist" is no
        name worth going back to, and "Renamed 'New playlist'" would be news to nobody)."""
        playlist = self._library.find(uid)
        if playlist is None:
            return
        old = playlist.name
        if self._rename(uid, name) and undoable:
            done = f"Renamed \u201c{old}\u201d to \u201c{playlist.name}\u201d"
            self.undoable.emit(UndoStep("Rename Playlist", done, lambda: self._rename(uid, old)))

    def _rename(self, uid: str, name: str) -> bool:
        playlist = self._library.find(uid)
        name = name.strip()
        if playlist is None or not name or name == playlist.name:
            return False
        playlist.name = self._unique_name(name, ignore=playlist)
        self.playlists_changed.emit()
        self.modified.emit()
        return True

    def duplicate_playlist(self, uid: str) -> str:
        source = self._library.find(uid)
        if source is None:
            return ""
        copy_ = Playlist(
            name=self._unique_name(f"{source.name} copy"),
            tracks=[t.with_changes(uid=new_uid()) for t in source.tracks],
        )
        index = self._library.playlists.index(source) + 1
        self._library.playlists.insert(index, copy_)
        self.playlists_changed.emit()
        self.modified.emit()
        self.message.emit(f"Duplicated “{source.name}” as “{copy_.name}”.")
        return copy_.uid

    def delete_playlist(self, uid: str) -> tuple[int, Playlist] | None:
        """Deletes (built-in playlists excepted). Returns where it was and the playlist, for
        :meth:`restore_playlist`."""
        playlist = self._library.find(uid)
        if playlist is None or playlist.builtin:
            return None
        index = self._library.playlists.index(playlist)
        del self._library.playlists[index]
        if self._library.current_uid == uid:
            # Its neighbour takes its place, as in any list: the one below, else the one above.
            left = self._library.playlists
            fallback = left[min(index, len(left) - 1)] if left else None
            self._library.current_uid = fallback.uid if fallback else None
            if fallback is not None:
                self.current_changed.emit(fallback.uid)
        self.playlists_changed.emit()
        self.modified.emit()
        return index, playlist

    def restore_playlist(self, index: int, playlist: Playlist) -> None:
        """Undo of :meth:`delete_playlist` (a name taken since gets a number)."""
        if self._library.find(playlist.uid) is not None:
            return
        playlist.name = self._unique_name(playlist.name)
        self._library.playlists.insert(min(index, len(self._library.playlists)), playlist)
        self.playlists_changed.emit()
        self.modified.emit()

    def move_playlist(self, from_index: int, to_index: int) -> None:
        playlists = self._library.playlists
        if not (0 <= from_index < len(playlists)) or from_index == to_index:
            return
        before = [p.uid for p in playlists]
        playlist = playlists.pop(from_index)
        playlists.insert(max(0, min(to_index, len(playlists))), playlist)
        self.playlists_changed.emit()
        self.modified.emit()
        done = f"Moved \u201c{playlist.name}\u201d"
        self.undoable.emit(UndoStep("Move Playlist", done, lambda: self._reorder_playlists(before)))

    def _reorder_playlists(self, uids: Sequence[str]) -> None:
        playlists = self._library.playlists
        playlists[:] = in_saved_order(playlists, uids, lambda p: p.uid)
        self.playlists_changed.emit()
        self.modified.emit()

    # ------------------------------------------------------------------ tracks
    def add_paths(self, playlist_uid: str, paths: Sequence[str], row: int | None = None) -> int:
        """Files and folders (recursive, natural order); scanned and tagged in a worker.
        Returns the job's id for ``job_finished`` (0: nothing to do, no playlist)."""
        if self._library.find(playlist_uid) is None or not paths:
            return 0
        job_id = self._new_job_id()
        self._jobs.append(_ScanJob(job_id, playlist_uid, list(paths), row))
        self._start_next_job()
        return job_id

    def _new_job_id(self) -> int:
        self._next_job_id += 1
        return self._next_job_id

    def cancel_scan(self, playlist_uid: str | None = None) -> None:
        """Stop adding: the running job ends after its current file, queued ones are dropped.
        With ``playlist_uid``, only the jobs adding to that playlist (the others go on).

        ``scan_finished`` still comes for each cancelled job (a dropped one at once, with 0),
        so whoever waits for a job's end is never left waiting."""
        self._cancel_scans(lambda job: playlist_uid in (None, job.playlist_uid))

    def cancel_job(self, job_id: int) -> None:
        """Stop one job of :meth:`add_paths` or :meth:`add_urls` (others into the same
        playlist go on); its ``job_finished`` comes, cancelled, as for the other cancels."""
        if not self._cancel_scans(lambda job: job.job_id == job_id) and self._intake is not None:
            self._intake.cancel(job_id=job_id)

    def _cancel_scans(self, matches: Callable[[_ScanJob], bool]) -> bool:
        """Drop the queued scan jobs that match, stop the running one if it does; True when
        one did."""
        dropped = [j for j in self._jobs if matches(j)]
        self._jobs = deque(j for j in self._jobs if not matches(j))
        active = self._active
        if active is not None and matches(active):
            active.cancelled = True
            self._scanner.cancel()
        for job in dropped:
            self.scan_finished.emit(job.playlist_uid, 0)
            self.job_finished.emit(job.job_id, 0, True)
        return bool(dropped) or (active is not None and matches(active))

    def is_scanning(self) -> bool:
        return self._active is not None

    def add_tracks(
        self, playlist_uid: str, tracks: Sequence[Track], row: int | None = None
    ) -> None:
        playlist = self._library.find(playlist_uid)
        if playlist is None or not tracks:
            return
        first = len(playlist.tracks) if row is None else max(0, min(row, len(playlist.tracks)))
        playlist.tracks[first:first] = list(tracks)
        self.tracks_inserted.emit(playlist_uid, first, len(tracks))
        self.modified.emit()

    def replace_tracks(self, playlist_uid: str, tracks: Sequence[Track]) -> None:
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            return
        playlist.tracks = list(tracks)
        self.tracks_reset.emit(playlist_uid)
        self.modified.emit()

    def remove_rows(self, playlist_uid: str, rows: Sequence[int]) -> list[tuple[int, Track]]:
        """Removes the rows; returns them as (row, track), top down, for :meth:`restore_rows`."""
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            return []
        valid = sorted({r for r in rows if 0 <= r < len(playlist.tracks)})
        removed = [(r, playlist.tracks[r]) for r in valid]
        # Contiguous runs from the bottom up, so every emitted row range stays valid.
        for first, count in reversed(_runs(valid)):
            del playlist.tracks[first : first + count]
            self.tracks_removed.emit(playlist_uid, first, count)
        if removed:
            self.modified.emit()
        return removed

    def restore_rows(self, playlist_uid: str, removed: Sequence[tuple[int, Track]]) -> bool:
        """Undo of :meth:`remove_rows`: each track back at its row (top down, so every row is
        where it was; a run of neighbours as one insert). False when the playlist is gone."""
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            return False
        pairs = sorted(removed, key=lambda pair: pair[0])
        done = 0
        for first, count in _runs([row for row, _ in pairs]):
            at = min(first, len(playlist.tracks))
            playlist.tracks[at:at] = [track for _, track in pairs[done : done + count]]
            self.tracks_inserted.emit(playlist_uid, at, count)
            done += count
        if removed:
            self.modified.emit()
        return True

    def move_rows(self, playlist_uid: str, rows: Sequence[int], dest_row: int) -> None:
        """Move the rows (any order) so they sit, in order, before ``dest_row``."""
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            return
        picked = sorted({r for r in rows if 0 <= r < len(playlist.tracks)})
        if not picked:
            return
        moving = [playlist.tracks[r] for r in picked]
        dest = max(0, min(dest_row, len(playlist.tracks))) - sum(1 for r in picked if r < dest_row)
        kept = [t for i, t in enumerate(playlist.tracks) if i not in set(picked)]
        new_order = kept[:dest] + moving + kept[dest:]
        if new_order == playlist.tracks:
            return
        before = [t.uid for t in playlist.tracks]
        playlist.tracks = new_order
        self.tracks_reset.emit(playlist_uid)
        self.modified.emit()
        count = len(moving)
        what = f"Move {counted(count, 'Track')}"
        done = f"Moved {counted(count, 'track')} in \u201c{playlist.name}\u201d"
        self.undoable.emit(UndoStep(what, done, lambda: self._reorder_tracks(playlist_uid, before)))

    def _reorder_tracks(self, playlist_uid: str, uids: Sequence[str]) -> None:
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            self.problem.emit("The playlist they were in is gone.")
            return
        playlist.tracks = in_saved_order(playlist.tracks, uids, lambda t: t.uid)
        self.tracks_reset.emit(playlist_uid)
        self.modified.emit()

    def update_track(self, playlist_uid: str, track: Track) -> None:
        """Replace the track with the same uid (e.g. mark unavailable)."""
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            return
        row = playlist.index_of(track.uid)
        if row < 0 or playlist.tracks[row] == track:
            return
        playlist.tracks[row] = track
        self.track_updated.emit(playlist_uid, row)
        self.modified.emit()

    # ------------------------------------------------------------------ links
    def add_urls(self, playlist_uid: str, urls: Sequence[str], row: int | None = None) -> int:
        """Web links typed or pasted by the user: checked without blocking, then inserted in
        their order (see UrlIntake); ``urls_progress``/``urls_finished`` follow the work.
        Returns the job's id for ``job_finished`` (0: nothing to do, no playlist)."""
        if self._library.find(playlist_uid) is None or not urls:
            return 0
        if self._intake is None:
            from sleepplayer.services.url_intake import UrlIntake

            self._adopt_intake(UrlIntake(self))
        assert self._intake is not None
        job_id = self._new_job_id()
        self._intake.add(playlist_uid, urls, row, job_id)
        return job_id

    def cancel_urls(self, playlist_uid: str | None = None) -> None:
        """Stop checking links (only those for ``playlist_uid`` when given); tracks already
        added stay. ``urls_finished`` comes for each cancelled batch, before this returns."""
        if self._intake is not None:
            self._intake.cancel(playlist_uid)

    def is_adding_urls(self) -> bool:
        return self._intake is not None and self._intake.is_busy()

    # ------------------------------------------------------------------ playlist files
    def add_playlist_file(self, playlist_uid: str, path: str, row: int | None = None) -> int:
        """The entries of a local playlist file into a playlist; returns how many (-1 when the
        file could not be read). One message names the file and every refused line."""
        if self._library.find(playlist_uid) is None:
            return -1
        try:
            loaded = load_playlist_file(path)
        except PlaylistFileError as exc:
            self.problem.emit(str(exc))
            return -1
        self.add_tracks(playlist_uid, loaded.tracks, row)
        self._tag_filler.fill(playlist_uid, loaded.tracks)
        playlist = self._library.find(playlist_uid)
        into = playlist.name if playlist is not None else ""
        said = self.problem if loaded.refused else self.message
        said.emit(loaded_message(loaded, Path(path).name, into=into))
        return len(loaded.tracks)

    def import_playlist_file(self, path: str) -> str:
        """A new playlist named after the file (or its XSPF title) with the file's entries.
        Returns its uid, or "" when the file could not be read (the message says why)."""
        try:
            loaded = load_playlist_file(path)
        except PlaylistFileError as exc:
            self.problem.emit(str(exc))
            return ""
        if not loaded.tracks:  # no empty playlist to clear away: say why, and leave it
            self.problem.emit(nothing_to_import_message(loaded, Path(path).name))
            return ""
        uid = self.create_playlist(loaded.name)
        self.add_tracks(uid, loaded.tracks)
        self._tag_filler.fill(uid, loaded.tracks)
        created = self._library.find(uid)
        shown = replace(loaded, name=created.name) if created is not None else loaded
        said = self.problem if loaded.refused else self.message
        said.emit(loaded_message(shown, Path(path).name))
        return uid

    def restore_builtin_sounds(self) -> int:
        """Put the built-in sounds removed from "Sleep sounds" back, at its end; how many."""
        playlist = self.playlist(BUILTIN_PLAYLIST_UID)
        missing = missing_sounds(playlist)
        if playlist is None or not missing:
            return 0
        self.add_tracks(playlist.uid, missing)
        return len(missing)

    def export_playlist(self, uid: str, path: str, fmt: str, relative: bool) -> bool:
        """Write the playlist to ``path`` as ``fmt`` (m3u, m3u8, pls, xspf); local files as
        relative or absolute paths, streams and web pages by their URLs."""
        playlist = self._library.find(uid)
        if playlist is None:
            return False
        try:
            full = save_playlist_file(
                playlist.tracks, path, fmt, relative=relative, name=playlist.name
            )
        except PlaylistFileError as exc:
            self.problem.emit(f"Could not export “{playlist.name}”: {exc}")
            return False
        done = f"Exported “{playlist.name}” to {Path(path).name}."
        if full:
            # Moving the playlist with its folder would leave these behind: say so now.
            done += (
                f" {counted(full, 'track')} outside its folder "
                f"{'is' if full == 1 else 'are'} written with the full path."
            )
        self.message.emit(done)
        return True

    def snapshot(self) -> Library:
        """A deep copy for saving, so a save never sees a half-applied change."""
        return copy.deepcopy(self._library)

    def shutdown(self) -> None:
        self._jobs.clear()
        self._scanner.cancel(wait_s=2.0)
        self._tag_filler.shutdown(wait_s=2.0)
        if self._intake is not None:
            self._intake.shutdown()

    # ------------------------------------------------------------------ internals
    def _adopt_intake(self, intake: UrlIntake) -> None:
        self._intake = intake
        intake.tracks_ready.connect(self._on_intake_tracks_ready)
        intake.progress.connect(self.urls_progress)
        intake.finished.connect(self.urls_finished)
        intake.batch_finished.connect(self.job_finished)
        intake.message.connect(self.message)
        intake.problem.connect(self.problem)

    def _on_tags_filled(self, playlist_uid: str, tagged: list[tuple[str, Track]]) -> None:
        """What a playlist file's local entries' files say, filled into each row that still
        holds that entry, as the row is now (the player may have marked it meanwhile)."""
        playlist = self._library.find(playlist_uid)
        if playlist is None:
            return
        rows = {track.uid: row for row, track in enumerate(playlist.tracks)}
        changed = False
        for uid, from_file in tagged:
            row = rows.get(uid, -1)
            if row < 0:
                continue
            filled = with_file_tags(playlist.tracks[row], from_file)
            if filled != playlist.tracks[row]:
                playlist.tracks[row] = filled
                self.track_updated.emit(playlist_uid, row)
                changed = True
        if changed:
            self.modified.emit()

    def _on_intake_tracks_ready(self, playlist_uid: str, row: int, tracks: list[Track]) -> None:
        self.add_tracks(playlist_uid, tracks, None if row < 0 else row)

    def _unique_name(self, name: str, ignore: Playlist | None = None) -> str:
        taken = {p.name.casefold() for p in self._library.playlists if p is not ignore}
        if name.casefold() not in taken:
            return name
        n = 2
        while f"{name} {n}".casefold() in taken:
            n += 1
        return f"{name} {n}"

    def _start_next_job(self) -> None:
        if self._active is not None or not self._jobs:
            return
        self._active = self._jobs.popleft()
        self.scan_progress.emit(0, 0)
        self._scanner.start(self._active.job_id, self._active.paths)

    def _on_scan_batch(self, job_id: int, tracks: list[Track]) -> None:
        job = self._active
        if job is None or job.job_id != job_id:
            return
        row = None if job.row is None else job.row + job.inserted
        self.add_tracks(job.playlist_uid, tracks, row)
        job.inserted += len(tracks)

    def _on_scan_progress(self, job_id: int, done: int, total: int) -> None:
        if self._active is not None and self._active.job_id == job_id:
            self.scan_progress.emit(done, total)

    def _on_scan_finished(self, job_id: int, found: int, problems: list[str]) -> None:
        job = self._active
        if job is None or job.job_id != job_id:
            return
        self._active = None
        said = self.problem if problems or not found else self.message
        said.emit(scan_message(found, problems, job.paths))
        self.scan_finished.emit(job.playlist_uid, found)
        self.job_finished.emit(job.job_id, found, job.cancelled)
        self._start_next_job()


def scan_message(found: int, problems: Sequence[str], paths: Sequence[str] = ()) -> str:
    """What an addition of files and folders did, in one message: the count and the problems
    together, so that neither replaces the other in the status bar. Nothing found names where
    it looked (an empty folder opened from a shortcut said only "there")."""
    said = f" {listed(problems)}." if problems else ""
    if found == 0:
        where = listed([shorten(p, 80) for p in paths]) if paths else "there"
        return said.lstrip() or f"No audio files found in {where}."
    return f"Added {counted(found, 'track')}.{said}"
