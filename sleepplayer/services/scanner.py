"""Turns files and folders into tracks on a worker thread.

Walking a folder and reading the tags of 2,000 files takes seconds, so it must not run on the
GUI thread. The worker only reads the disk and builds immutable ``Track`` values; results
reach the main thread through queued signals, in batches, so the table fills progressively
without one model update per file.
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

#: A batch is sent after this many tracks or this many seconds, whichever comes first.
BATCH_SIZE = 200
BATCH_SECONDS = 0.15


class Scanner(QObject):
    """Runs one scan job at a time on a Python worker thread.

    Signals are emitted from the worker thread; Qt queues them to receivers living on the
    main thread (the one marshalling point for this work).
    """

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

    def is_busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, job_id: int, paths: Sequence[str]) -> None:
        """Scan ``paths`` (files and folders). The caller starts one job at a time."""
        self._cancel.clear()
        self._thread = threading.Thread(
            target=self._run, args=(job_id, list(paths)), name="sleepplayer-scan", daemon=True
        )
        self._thread.start()

    def cancel(self, wait_s: float = 0.0) -> None:
        """Ask the running job to stop; optionally wait for its thread (on quit)."""
        self._cancel.set()
        if wait_s > 0 and self._thread is not None:
            self._thread.join(wait_s)

    def _run(self, job_id: int, paths: list[str]) -> None:
        problems: list[str] = []
        found = 0
        try:
            files: list[Path] = []
            last_report = time.monotonic()
            for path in expand_paths(
                paths, cancelled=self._cancel.is_set, on_problem=problems.append
            ):
                files.append(path)
                if time.monotonic() - last_report > BATCH_SECONDS:
                    last_report = time.monotonic()
                    self.progress.emit(job_id, len(files), 0)
            total = len(files)
            batch: list[Track] = []
            last_sent = time.monotonic()
            for done, path in enumerate(files, start=1):
                if self._cancel.is_set():
                    break
                batch.append(track_from_path(path))
                now = time.monotonic()
                if len(batch) >= BATCH_SIZE or now - last_sent > BATCH_SECONDS:
                    found += len(batch)
                    self.batch_ready.emit(job_id, batch)
                    self.progress.emit(job_id, done, total)
                    batch, last_sent = [], now
            if batch:
                found += len(batch)
                self.batch_ready.emit(job_id, batch)
            self.progress.emit(job_id, found, total)
        except Exception as exc:  # never let a worker die silently
            problems.append(f"Adding files stopped: {exc}")
        self.finished.emit(job_id, found, problems)
