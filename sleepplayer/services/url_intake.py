"""UrlIntake: turns the links a user adds into Tracks, without blocking anything.

Each link goes through the policy first (``core.playlist_io.check_uri``), then a
:class:`UrlProbe` asks the server what it is: media becomes a STREAM, ICY radio a RADIO, a
playlist file is downloaded and read as a remote playlist (only http/https entries), and
everything else, web pages above all, goes to the Resolver, whose ``expand`` turns a site
playlist into several WEB items. Page URLs are kept, never the stream URLs behind them.

One :meth:`add` call is a batch. Its tracks are handed over in the order the links were given,
as soon as every earlier link is settled, and the batch ends with one message that lists
whatever was refused or failed: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QNetworkAccessManager

from sleepplayer.core import playlist_io
from sleepplayer.core.links import LinkKind, is_web_url
from sleepplayer.core.model import Track, TrackKind
from sleepplayer.core.text import counted, listed
from sleepplayer.services.url_probe import ProbeResult, UrlProbe

if TYPE_CHECKING:
    from sleepplayer.playback.resolver import PlaylistItem, Resolver

#: Links checked at the same time; more wait their turn.
MAX_PARALLEL = 4
_KINDS = {LinkKind.STREAM: TrackKind.STREAM, LinkKind.RADIO: TrackKind.RADIO}


@dataclass(eq=False)
class _Link:
    url: str
    batch: _Batch
    tracks: list[Track] | None = None  # None while unsettled
    problems: list[str] = field(default_factory=list)
    #: Links kept in the playlist, marked unavailable, with why (unreachable for now).
    unreachable: list[str] = field(default_factory=list)
    units: int = 1  # progress weight: the entry count while a site playlist expands
    units_done: int = 0


@dataclass(eq=False)
class _Batch:
    playlist_uid: str
    row: int | None
    job_id: int = 0  # the caller's, for batch_finished
    links: list[_Link] = field(default_factory=list)
    flushed: int = 0  # links handed over, in order
    added: int = 0


class UrlIntake(QObject):
    """Checks links and hands over Tracks; see the module docstring.

    ``UrlIntake(parent, resolver=None, network=None)``. Without a resolver, one is created on
    the first web page (yt-dlp loads only then) and shut down by :meth:`shutdown`.
    """

    #: (playlist_uid, row or -1 for the end, list[Track]): insert these, in this order.
    tracks_ready = Signal(str, int, list)
    #: (done, total) work units over everything pending; a site playlist counts its entries.
    progress = Signal(int, int)
    #: (playlist_uid, tracks added) one batch is over (also when cancelled).
    finished = Signal(str, int)
    #: (the caller's job id, tracks added, cancelled) the same, for whoever waits for a batch.
    batch_finished = Signal(int, int, bool)
    #: One message per batch: what was added. ``problem`` instead when a link was refused,
    #: failed or is unavailable (the status bar holds a problem longer).
    message = Signal(str)
    problem = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        resolver: Resolver | None = None,
        network: QNetworkAccessManager | None = None,
        resolver_factory: Callable[[], Resolver] | None = None,
    ) -> None:
        super().__init__(parent)
        self._network = network or QNetworkAccessManager(self)
        self._resolver = resolver
        self._owns_resolver = False
        self._resolver_factory = resolver_factory
        self._batches: list[_Batch] = []
        self._waiting: list[_Link] = []
        self._probes: dict[UrlProbe, _Link] = {}
        self._expanding: dict[int, _Link] = {}
        self._resolver_connected = False

    # ------------------------------------------------------------------ commands
    def add(
        self, playlist_uid: str, urls: Sequence[str], row: int | None = None, job_id: int = 0
    ) -> None:
        """Check ``urls`` (typed by the user) and hand their tracks over for the playlist;
        ``job_id`` comes back with ``batch_finished``."""
        batch = _Batch(playlist_uid, row, job_id)
        for url in (u.strip() for u in urls):
            if not url:
                continue
            link = _Link(url, batch)
            batch.links.append(link)
            reason = _refusal(url)
            if reason:
                self._settle(link, [], f"{url} ({reason})", emit=False)
            else:
                self._waiting.append(link)
        if not batch.links:
            self.finished.emit(playlist_uid, 0)
            self.batch_finished.emit(job_id, 0, False)
            return
        self._batches.append(batch)
        self._start_waiting()
        self._flush(batch)
        self._emit_progress()

    def cancel(self, playlist_uid: str | None = None, *, job_id: int = 0) -> None:
        """Stop every pending check, or only those for ``playlist_uid``, or only the batch of
        ``job_id``; what was already added stays. ``finished`` comes for each cancelled batch
        before this returns."""

        def cancelled(batch: _Batch) -> bool:
            if job_id:
                return batch.job_id == job_id
            return playlist_uid is None or batch.playlist_uid == playlist_uid

        probes = [p for p, link in self._probes.items() if cancelled(link.batch)]
        for probe in probes:
            del self._probes[probe]
        expanding = [j for j, link in self._expanding.items() if cancelled(link.batch)]
        for job_id in expanding:
            del self._expanding[job_id]
        batches = [b for b in self._batches if cancelled(b)]
        self._batches = [b for b in self._batches if not cancelled(b)]
        self._waiting = [link for link in self._waiting if not cancelled(link.batch)]
        for probe in probes:
            probe.abort()
            probe.deleteLater()
        if self._resolver is not None:
            for job_id in expanding:
                self._resolver.cancel(job_id)
        self._start_waiting()  # the links of other playlists take the freed places
        for batch in batches:
            self.finished.emit(batch.playlist_uid, batch.added)
            self.batch_finished.emit(batch.job_id, batch.added, True)
        if batches:
            added = sum(b.added for b in batches)
            self.message.emit(f"Stopped adding links ({counted(added, 'track')} added).")

    def is_busy(self) -> bool:
        return bool(self._batches)

    def shutdown(self) -> None:
        self.cancel()
        if self._owns_resolver and self._resolver is not None:
            self._resolver.shutdown()

    # ------------------------------------------------------------------ probing
    def _start_waiting(self) -> None:
        while self._waiting and len(self._probes) < MAX_PARALLEL:
            link = self._waiting.pop(0)
            probe = UrlProbe(link.url, self._network, playlist_io.MAX_PLAYLIST_BYTES, self)
            self._probes[probe] = link
            probe.finished.connect(self._on_probe_finished)
            probe.start()

    def _on_probe_finished(self, result: ProbeResult) -> None:
        probe = self.sender()
        link = self._probes.pop(probe, None) if isinstance(probe, UrlProbe) else None
        if isinstance(probe, UrlProbe):
            probe.deleteLater()
        self._start_waiting()
        if link is None:
            return  # cancelled
        if result.error:
            self._keep_unavailable(link, result.error)
        elif result.kind is LinkKind.WEB:
            self._expand(link)
        elif result.kind is LinkKind.PLAYLIST:
            self._read_remote_playlist(link, result)
        else:
            kind = _KINDS.get(result.kind or LinkKind.STREAM, TrackKind.STREAM)
            self._settle(link, [Track(link.url, title=result.title, kind=kind)])

    def _read_remote_playlist(self, link: _Link, result: ProbeResult) -> None:
        try:
            imported = playlist_io.read_playlist(
                result.body,
                name=result.final_url or link.url,
                base=result.final_url or link.url,
                remote=True,
            )
        except playlist_io.PlaylistError as exc:
            self._settle(link, [], f"{link.url} ({exc})")
            return
        tracks = [playlist_io.track_for_entry(entry) for entry in imported.entries]
        problems = [f"{line} (in {link.url})" for line in imported.refused]
        if not tracks and not problems:
            problems.append(f"{link.url} (an empty playlist)")
        self._settle(link, tracks, *problems)

    # ------------------------------------------------------------------ web pages
    def _expand(self, link: _Link) -> None:
        resolver = self._ensure_resolver()
        job_id = resolver.expand(link.url)
        self._expanding[job_id] = link

    def _ensure_resolver(self) -> Resolver:
        if self._resolver is None:
            if self._resolver_factory is not None:
                self._resolver = self._resolver_factory()
            else:
                from sleepplayer.playback.resolver import Resolver  # yt-dlp loads only now

                self._resolver = Resolver(parent=self)
            self._owns_resolver = True
        if not self._resolver_connected:
            self._resolver.expanded.connect(self._on_resolver_expanded)
            self._resolver.progress.connect(self._on_resolver_progress)
            self._resolver.failed.connect(self._on_resolver_failed)
            self._resolver_connected = True
        return self._resolver

    def _on_resolver_expanded(self, job_id: int, items: list[PlaylistItem]) -> None:
        link = self._expanding.pop(job_id, None)
        if link is None:
            return  # someone else's job (the controller shares the resolver), or cancelled
        tracks: list[Track] = []
        problems: list[str] = []
        for item in items:
            # yt-dlp's answers are untrusted too: only web pages get into a playlist.
            reason = playlist_io.check_uri(item.page_url, remote=True)
            if reason:
                problems.append(f"{item.page_url} ({reason})")
            else:
                tracks.append(
                    Track(
                        item.page_url,
                        title=item.title,
                        duration_ms=item.duration_ms,
                        kind=TrackKind.WEB,
                    )
                )
        if not tracks and not problems:
            problems.append(f"{link.url} (nothing to play there)")
        self._settle(link, tracks, *problems)

    def _on_resolver_progress(self, job_id: int, done: int, total: int) -> None:
        link = self._expanding.get(job_id)
        if link is not None:
            # An unknown total (0) grows with the entries: the bar keeps moving.
            link.units = max(total, done + 1, 1)
            link.units_done = min(done, link.units)
            self._emit_progress()

    def _on_resolver_failed(self, job_id: int, reason: str) -> None:
        link = self._expanding.pop(job_id, None)
        if link is not None:
            self._keep_unavailable(link, reason, TrackKind.WEB)

    def _keep_unavailable(self, link: _Link, reason: str, kind: TrackKind | None = None) -> None:
        """An unreachable link stays, marked: a server that is down now may be up tonight."""
        track = playlist_io.track_for_entry(playlist_io.PlaylistEntry(link.url))
        track = track.with_changes(unavailable=reason, kind=kind or track.kind)
        link.unreachable.append(f"{link.url} ({reason})")
        self._settle(link, [track])

    # ------------------------------------------------------------------ batches
    def _settle(self, link: _Link, tracks: list[Track], *problems: str, emit: bool = True) -> None:
        link.tracks = tracks
        link.problems.extend(problems)
        link.units_done = link.units
        if emit:
            self._emit_progress()  # before the flush: a finished batch no longer counts
            self._flush(link.batch)

    def _flush(self, batch: _Batch) -> None:
        """Hand over the settled links at the front of the batch, then end it when all are."""
        while batch.flushed < len(batch.links):
            tracks = batch.links[batch.flushed].tracks
            if tracks is None:
                return
            batch.flushed += 1
            if tracks:
                row = -1 if batch.row is None else batch.row + batch.added
                batch.added += len(tracks)
                self.tracks_ready.emit(batch.playlist_uid, row, tracks)
        if batch not in self._batches:
            return  # cancelled: cancel() has reported it
        self._batches.remove(batch)
        problems = [p for link in batch.links for p in link.problems]
        unreachable = [u for link in batch.links for u in link.unreachable]
        self.finished.emit(batch.playlist_uid, batch.added)
        self.batch_finished.emit(batch.job_id, batch.added, False)
        said = self.problem if problems or unreachable else self.message
        said.emit(batch_message(batch.added, problems, unreachable))

    def _emit_progress(self) -> None:
        links = [link for batch in self._batches for link in batch.links]
        if links:
            total = sum(link.units for link in links)
            self.progress.emit(sum(link.units_done for link in links), total)


def _refusal(url: str) -> str | None:
    reason = playlist_io.check_uri(url, remote=False)
    if reason is None and not is_web_url(url):
        reason = "not a web link: only http and https can be added here"
    return reason


def batch_message(added: int, problems: Sequence[str], unreachable: Sequence[str] = ()) -> str:
    """``Added 3 tracks.``, naming the links kept as unavailable and those not added."""
    parts = [f"Added {counted(added, 'track')}."] if added or not problems else []
    if unreachable:
        parts.append(f"Unavailable for now (kept, marked): {listed(unreachable)}.")
    if problems:
        # Not "Nothing added.": a paste's files may have gone in beside these links.
        parts.append(f"Not added: {listed(problems)}.")
    return " ".join(parts)
