"""Web pages to streams with yt-dlp: the only module that imports ``yt_dlp``.

yt-dlp is imported lazily, on a worker thread, when the first request runs (0.2 s), never at
start-up. Each extraction runs on a daemon worker thread (at most ``max_workers`` at once;
resolves go before expansions, because something is waiting to play). Results come back through
an :class:`~sleepplayer.worker_mail.Inbox` to ``_on_inbox_received``: the single place where
work crosses to the GUI thread; every public signal is emitted from there. Workers never hold a
reference to the ``Resolver``. A cache hit goes through the same inbox, so callers always get
their answer later, from the event loop, never from inside ``resolve()``.

Call ``shutdown`` before the app quits; afterwards nothing is emitted.

Requests and extractions are separate: two requests for the same page while one extraction runs
(a prefetch, then the real play) share it. ``cancel`` detaches a request; an extraction nobody
waits for is abandoned: its thread runs on until yt-dlp returns (bounded by the socket timeout),
and its result is dropped. The timeout (``TIMEOUT_S``) starts when the extraction starts; for an
expansion it restarts whenever entries arrive, so a long playlist that keeps loading is not cut.

Safety: yt-dlp runs only through its Python API with the options of ``ydl_options`` (no
download, no files written, no cookies, no netrc, no exec, no postprocessors, no file:// URLs),
and with yt-dlp's plugin directories disabled, because plugins are code read from the user's
config dirs. Its results are untrusted and checked in ``core.web_media``.
"""

from __future__ import annotations

import enum
import functools
import importlib.metadata
import math
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.media_cache import ExpiringCache
from sleepplayer.core.web_media import (
    NO_AUDIO,
    PlaylistItem,
    ResolvedMedia,
    friendly_error,
    needs_processing,
    playlist_item,
    resolved_media,
    single_item,
    web_url,
)
from sleepplayer.worker_mail import Inbox, Post

__all__ = [
    "AUDIO_FORMAT",
    "TIMEOUT_S",
    "PlaylistItem",
    "ResolvedMedia",
    "Resolver",
    "ydl_options",
    "yt_dlp_version",
]

#: Per extraction, from its start (for an expansion: since entries last arrived).
TIMEOUT_S = 30.0
#: yt-dlp's own socket timeout: an abandoned extraction ends within about this.
SOCKET_TIMEOUT_S = 15.0
#: Audio only if there is such a format, else the best format that has audio, else anything.
AUDIO_FORMAT = "bestaudio/best[acodec!=none]/best"
MAX_WORKERS = 3
#: An expansion stops here; bounded memory and time on absurd channels.
MAX_PLAYLIST_ITEMS = 10_000
_PROGRESS_INTERVAL_S = 0.1
_MAX_HOPS = 3
_URL_RESULTS = ("url", "url_transparent")

NOT_INSTALLED = "yt-dlp is not installed"
NOT_WEB = "Only http and https pages can be resolved"


class _NullLogger:
    """yt-dlp's messages go nowhere: errors arrive as exceptions, the console stays quiet."""

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        pass


def ydl_options(kind: str) -> dict[str, object]:
    """The complete yt-dlp options for ``kind`` ("resolve" or "expand"): the one place they are
    defined. Everything that could download, write a file, read credentials or run a command
    is absent or off; ``tests/unit/test_resolver_options.py`` checks it."""
    if kind not in ("resolve", "expand"):
        raise ValueError(f"unknown kind {kind!r}")
    options: dict[str, object] = {
        "skip_download": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": _NullLogger(),
        "cachedir": False,  # yt-dlp caches signatures on disk otherwise
        "enable_file_urls": False,
        "usenetrc": False,
        "consoletitle": False,
        "socket_timeout": SOCKET_TIMEOUT_S,
        "extractor_retries": 1,
        "format": AUDIO_FORMAT,
    }
    if kind == "resolve":
        # One medium: on a playlist page only the first entry is extracted.
        options.update({"noplaylist": True, "playlist_items": "1"})
    else:
        options.update({"noplaylist": False, "extract_flat": "in_playlist"})
    return options


class YtDlpMissingError(RuntimeError):
    pass


_import_lock = threading.Lock()
_yt_dlp: Any = None


def _load_yt_dlp() -> Any:
    """Import yt-dlp once (thread-safe) with its plugin directories turned off."""
    global _yt_dlp
    with _import_lock:
        if _yt_dlp is None:
            try:
                import yt_dlp
            except ImportError as exc:
                raise YtDlpMissingError(NOT_INSTALLED) from exc
            try:
                from yt_dlp.globals import plugin_dirs
            except ImportError:  # yt-dlp before 2025: no plugin switch in the API
                pass
            else:
                plugin_dirs.value = []
            _yt_dlp = yt_dlp
        return _yt_dlp


def yt_dlp_version() -> str | None:
    """yt-dlp's version for the About box, or None when it is not installed. Reads the package
    metadata, so asking does not import yt-dlp."""
    module = sys.modules.get("yt_dlp.version")
    if module is not None:
        return str(module.__version__)
    try:
        return importlib.metadata.version("yt-dlp")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:  # a bundle without package metadata
        return str(_load_yt_dlp().version.__version__)
    except (YtDlpMissingError, AttributeError):
        return None


# --- extraction, on worker threads (plain values only; no Qt objects)


def _extract_media(page_url: str, clock: Callable[[], float]) -> ResolvedMedia:
    yt_dlp = _load_yt_dlp()
    with yt_dlp.YoutubeDL(ydl_options("resolve")) as ydl:
        info = ydl.extract_info(page_url, download=False)
    if not isinstance(info, Mapping):
        raise ValueError(NO_AUDIO)
    return resolved_media(info, page_url, clock())


def _extract_playlist(
    page_url: str, report: Callable[[int, int], None], cancelled: Callable[[], bool]
) -> list[PlaylistItem]:
    """Flat extraction: entries are listed, not resolved, and arrive page by page from
    yt-dlp's lazy entry lists, so progress is reported as they come."""
    yt_dlp = _load_yt_dlp()
    with yt_dlp.YoutubeDL(ydl_options("expand")) as ydl:
        info = ydl.extract_info(page_url, download=False, process=False)
        for _hop in range(_MAX_HOPS):  # a redirect or an embed: the playlist may be there
            if not isinstance(info, Mapping) or info.get("_type") not in _URL_RESULTS:
                break
            target = web_url(info.get("url"))
            if target is None:
                break
            info = ydl.extract_info(
                target, download=False, process=False, ie_key=info.get("ie_key") or None
            )
        if not isinstance(info, Mapping):
            raise ValueError(NO_AUDIO)
        if info.get("_type") not in ("playlist", "multi_video"):
            # One medium: the item keeps the page the user gave, which stays valid.
            report(1, 1)
            return [single_item(info, page_url)]
        count = info.get("playlist_count")
        entries = info.get("entries") or ()
        if isinstance(entries, list):
            count = len(entries)
        total = count if isinstance(count, int) and count > 0 else 0
        items: list[PlaylistItem] = []
        seen = 0
        last_report = 0.0
        for entry in entries:
            if cancelled():
                return items
            seen += 1
            if isinstance(entry, Mapping):
                item = _flat_item(ydl, entry, page_url)
                if item is not None:
                    items.append(item)
            now = time.monotonic()
            if seen == 1 or now - last_report >= _PROGRESS_INTERVAL_S:
                report(seen, max(total, seen) if total else 0)
                last_report = now
            if seen >= MAX_PLAYLIST_ITEMS:
                break
        report(seen, seen)
    if not items:
        raise ValueError(NO_AUDIO)
    return items


def _flat_item(ydl: Any, entry: Mapping[str, Any], page_url: str) -> PlaylistItem | None:
    if needs_processing(entry):
        # A full entry without a URL (several <audio> tags on one page): choosing its format
        # gives it one, with no network access.
        try:
            entry = ydl.process_ie_result(dict(entry), download=False)
        except Exception:  # one bad entry must not lose the others
            return None
        if not isinstance(entry, Mapping):
            return None
    return playlist_item(entry, page_url)


# --- the QObject


class _Code(enum.IntEnum):
    PROGRESS = 0
    RESOLVED = 1
    EXPANDED = 2
    FAILED = 3


def _post(post: Post, jid: int, code: _Code, payload: object) -> None:
    post((jid, int(code), payload))


def _work(
    post: Callable[[_Code, object], None],
    kind: str,
    page_url: str,
    cancel: threading.Event,
    clock: Callable[[], float],
) -> None:
    """A worker thread: plain values in, ``post`` out."""
    code = _Code.RESOLVED if kind == "resolve" else _Code.EXPANDED
    result: object
    try:
        if kind == "resolve":
            result = _extract_media(page_url, clock)
        else:

            def report(done: int, total: int) -> None:
                if not cancel.is_set():
                    post(_Code.PROGRESS, (done, total))

            result = _extract_playlist(page_url, report, cancel.is_set)
    except YtDlpMissingError:
        code, result = _Code.FAILED, NOT_INSTALLED
    except Exception as exc:  # whatever yt-dlp raises becomes a message
        code, result = _Code.FAILED, friendly_error(str(exc))
    if not cancel.is_set():
        post(code, result)


@dataclass(eq=False)
class _Job:
    """One extraction (or one immediate answer) and the requests waiting for it."""

    jid: int
    kind: str  # "resolve" | "expand"
    page_url: str
    requests: list[int] = field(default_factory=list)
    cancel: threading.Event = field(default_factory=threading.Event)
    deadline: float | None = None  # time.monotonic() at which it times out, while running
    immediate: bool = False  # answered from the cache or refused: no thread


class Resolver(QObject):
    """Resolves page URLs to streams and expands site playlists, off the GUI thread.

    Every method returns a request id at once; the answer comes later as exactly one of
    ``resolved``/``expanded``/``failed`` for that id (``progress`` before it for expansions),
    unless the request is cancelled. Create and use it on the GUI thread; call ``shutdown``
    before the app quits.
    """

    #: (request id, ResolvedMedia)
    resolved = Signal(int, object)
    #: (request id, list[PlaylistItem]): a page that is no playlist expands to one item.
    expanded = Signal(int, object)
    #: (request id, entries so far, total or 0 when unknown)
    progress = Signal(int, int, int)
    #: (request id, a short message for people)
    failed = Signal(int, str)

    def __init__(
        self,
        *,
        timeout_s: float = TIMEOUT_S,
        max_workers: int = MAX_WORKERS,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._timeout_s = timeout_s
        self._max_workers = max(1, max_workers)
        self._clock = clock
        self._cache: ExpiringCache[ResolvedMedia] = ExpiringCache()
        self._next_id = 0
        self._jobs: dict[int, _Job] = {}
        self._request_job: dict[int, int] = {}  # request id -> job id
        self._shared: dict[tuple[str, str], _Job] = {}  # (kind, page) -> extraction to join
        self._pending: deque[_Job] = deque()
        self._running: set[int] = set()
        self._closed = False
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setSingleShot(True)
        self._deadline_timer.timeout.connect(self._on_deadline_timer_timeout)
        self._inbox = Inbox(self)
        self._inbox.received.connect(self._on_inbox_received)
        #: Extractions started, for tests and the benchmark (cache hits start none).
        self.extractions_started = 0

    # --- commands

    def resolve(self, page_url: str, *, force: bool = False) -> int:
        """Resolve ``page_url`` to a stream; from the cache unless expired or ``force``."""
        rid = self._new_id()
        if self._closed:
            return rid
        if web_url(page_url) is None:
            self._answer(rid, "resolve", page_url, _Code.FAILED, NOT_WEB)
        elif not force and (media := self.cached(page_url)) is not None:
            self._answer(rid, "resolve", page_url, _Code.RESOLVED, media)
        else:
            self._submit(rid, "resolve", page_url)
        return rid

    def cached(self, page_url: str) -> ResolvedMedia | None:
        """The unexpired cached resolution of ``page_url``, or None."""
        return self._cache.get(page_url, self._clock())

    def expand(self, page_url: str) -> int:
        """List the entries of a site playlist (flat: no entry is resolved)."""
        rid = self._new_id()
        if self._closed:
            return rid
        if web_url(page_url) is None:
            self._answer(rid, "expand", page_url, _Code.FAILED, NOT_WEB)
        else:
            self._submit(rid, "expand", page_url)
        return rid

    def cancel(self, request_id: int) -> None:
        """No further signal for ``request_id``; an extraction nobody waits for is dropped."""
        jid = self._request_job.pop(request_id, None)
        job = self._jobs.get(jid) if jid is not None else None
        if job is None:
            return
        job.requests.remove(request_id)
        if not job.requests:
            self._drop(job)

    def shutdown(self) -> None:
        """Cancel everything without waiting: running extractions are abandoned (their daemon
        threads end on their own) and nothing is emitted any more."""
        self._closed = True
        for job in list(self._jobs.values()):
            self._drop(job)
        self._request_job.clear()
        self._cache.clear()

    @staticmethod
    def yt_dlp_version() -> str | None:
        """See the module function ``yt_dlp_version``."""
        return yt_dlp_version()

    # --- scheduling (GUI thread)

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _answer(self, rid: int, kind: str, page_url: str, code: _Code, payload: object) -> None:
        job = _Job(self._new_id(), kind, page_url, [rid], immediate=True)
        self._jobs[job.jid] = job
        self._request_job[rid] = job.jid
        _post(self._inbox.poster(), job.jid, code, payload)  # answered later, as all are

    def _submit(self, rid: int, kind: str, page_url: str) -> None:
        job = self._shared.get((kind, page_url))
        if job is None:
            job = _Job(self._new_id(), kind, page_url)
            self._jobs[job.jid] = job
            self._shared[(kind, page_url)] = job
            if kind == "resolve":  # someone is waiting to hear it: before expansions
                index = sum(1 for queued in self._pending if queued.kind == "resolve")
                self._pending.insert(index, job)
            else:
                self._pending.append(job)
        job.requests.append(rid)
        self._request_job[rid] = job.jid
        self._start_pending()

    def _start_pending(self) -> None:
        while self._pending and len(self._running) < self._max_workers:
            job = self._pending.popleft()
            self._running.add(job.jid)
            job.deadline = time.monotonic() + self._timeout_s
            self.extractions_started += 1
            post = functools.partial(_post, self._inbox.poster(), job.jid)
            worker = threading.Thread(
                target=_work,
                args=(post, job.kind, job.page_url, job.cancel, self._clock),
                name=f"resolver-{job.jid}",
                daemon=True,  # never holds up quitting; an abandoned extraction just ends
            )
            worker.start()
        self._arm_deadline()

    def _finish(self, job: _Job) -> None:
        """Forget ``job`` and free its worker slot; the caller emits to its requests."""
        self._jobs.pop(job.jid, None)
        if self._shared.get((job.kind, job.page_url)) is job:
            del self._shared[(job.kind, job.page_url)]
        if job in self._pending:
            self._pending.remove(job)
        job.deadline = None
        if job.jid in self._running:
            self._running.discard(job.jid)
            self._start_pending()
        self._arm_deadline()

    def _arm_deadline(self) -> None:
        """One timer for all running jobs, set to the nearest deadline. (A QTimer per job,
        parented and deleteLater()'d, crashed PySide when the resolver was deleted.)"""
        deadlines = [job.deadline for job in self._jobs.values() if job.deadline is not None]
        if not deadlines:
            self._deadline_timer.stop()
            return
        wait_s = max(0.0, min(deadlines) - time.monotonic())
        self._deadline_timer.start(math.ceil(wait_s * 1000))

    def _drop(self, job: _Job) -> None:
        job.cancel.set()
        for rid in job.requests:
            self._request_job.pop(rid, None)
        job.requests.clear()
        self._finish(job)

    def _deliver(self, job: _Job, emit: Callable[[int], None]) -> None:
        """Answer every request still waiting for the finished ``job``. A slot may cancel one
        of the others meanwhile, so each is checked just before its turn."""
        for rid in list(job.requests):
            if self._request_job.get(rid) == job.jid:
                del self._request_job[rid]
                emit(rid)
        job.requests.clear()

    # --- the one place where results reach the GUI thread

    def _on_inbox_received(self, mail: object) -> None:
        """``mail``: (job id, _Code, payload)."""
        assert isinstance(mail, tuple)
        jid, code, payload = mail
        job = self._jobs.get(jid)
        if job is None:  # cancelled, timed out or shut down meanwhile: a late result
            return
        if code == _Code.PROGRESS:
            assert isinstance(payload, tuple)
            if job.deadline is not None:  # entries keep arriving: not stuck
                job.deadline = time.monotonic() + self._timeout_s
                self._arm_deadline()
            for rid in list(job.requests):
                if self._request_job.get(rid) == jid:  # a slot may have cancelled it
                    self.progress.emit(rid, payload[0], payload[1])
            return
        self._finish(job)
        if code == _Code.RESOLVED:
            assert isinstance(payload, ResolvedMedia)
            if not job.immediate:
                self._cache.put(job.page_url, payload)
            self._deliver(job, lambda rid: self.resolved.emit(rid, payload))
        elif code == _Code.EXPANDED:
            assert isinstance(payload, list)
            self._deliver(job, lambda rid: self.expanded.emit(rid, list(payload)))
        else:
            self._deliver(job, lambda rid: self.failed.emit(rid, str(payload)))

    def _on_deadline_timer_timeout(self) -> None:
        now = time.monotonic()
        late = [
            job for job in self._jobs.values() if job.deadline is not None and job.deadline <= now
        ]
        message = f"Timed out after {self._timeout_s:g} s"
        for job in late:
            if self._jobs.get(job.jid) is not job:  # a slot cancelled it meanwhile
                continue
            job.cancel.set()
            self._finish(job)
            self._deliver(job, lambda rid: self.failed.emit(rid, message))
        self._arm_deadline()
