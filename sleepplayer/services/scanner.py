"""Turns files and folders into tracks on a worker thread.

Walking a folder and reading the tags of 2,000 files takes seconds, so it must not run on the
GUI thread. The worker only reads the disk and builds immutable ``Track`` values; results
reach the main thread through an :class:`~sleepplayer.worker_mail.Inbox`, in batches, so the
table fills progressively without one model update per file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.model import Track
from sleepplayer.core.scan import expand_paths
from sleepplayer.core.tags import track_from_path
from sleepplayer.worker_mail import BATCH_SECONDS, Batches, Inbox, Post


class Scanner(QObject):
    """Runs one scan job at a time on a Python worker thread."""

    #: (job_id, list[Track]) tracks ready to insert, in order.
    batch_ready = Signal(int, object)
    #: (job_id, done, total); total is 0 while the folders are still being walked.
    progress = Signal(int, int, int)
    #: (job_id, tracks found, list[str] problems); also sent after a cancel.
    finished = Signal(int, int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._inbox = Inbox(self)
        self._inbox.received.connect(self._on_inbox_received)

    def is_busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, job_id: int, paths: Sequence[str]) -> None:
        """Scan ``paths`` (files and folders). The caller starts one job at a time."""
        self._cancel = threading.Event()  # a cancelled worker still running keeps its own
        self._thread = threading.Thread(
            target=_scan,
            args=(job_id, list(paths), self._cancel, self._inbox.poster()),
            name="sleepplayer-scan",
            daemon=True,
        )
        self._thread.start()

    def cancel(self, wait_s: float = 0.0) -> None:
        """Ask the running job to stop; optionally wait for its thread (on quit)."""
        self._cancel.set()
        if wait_s > 0 and self._thread is not None:
            self._thread.join(wait_s)

    def _on_inbox_received(self, mail: object) -> None:
        match mail:
            case ("batch", int(job_id), list(tracks)):
                self.batch_ready.emit(job_id, tracks)
            case ("progress", int(job_id), int(done), int(total)):
                self.progress.emit(job_id, done, total)
            case ("finished", int(job_id), int(found), list(problems)):
                self.finished.emit(job_id, found, problems)


def _scan(job_id: int, paths: list[str], cancel: threading.Event, post: Post) -> None:
    """The worker: plain values in, ``post`` out (it holds no Scanner)."""
    problems: list[str] = []
    found = 0
    try:
        files: list[Path] = []
        last_report = time.monotonic()
        for path in expand_paths(paths, cancelled=cancel.is_set, on_problem=problems.append):
            files.append(path)
            if time.monotonic() - last_report > BATCH_SECONDS:
                last_report = time.monotonic()
                post(("progress", job_id, len(files), 0))
        total = len(files)

        def send(tracks: list[Track]) -> None:
            nonlocal found
            found += len(tracks)
            post(("batch", job_id, tracks))
            post(("progress", job_id, found, total))

        batches: Batches[Track] = Batches(send)
        for path in files:
            if cancel.is_set():
                break
            batches.add(track_from_path(path))
        batches.flush()
    except Exception as exc:  # never let a worker die silently
        problems.append(f"Adding files stopped: {exc}")
    post(("finished", job_id, found, problems))
