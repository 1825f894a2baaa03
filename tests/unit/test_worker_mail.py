"""Worker threads hand results to the GUI thread through an Inbox, safely while owners go away."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core import tags
from sleepplayer.core.model import Track
from sleepplayer.services.scanner import Scanner
from sleepplayer.worker_mail import BATCH_SIZE, Batches, Inbox


def test_values_posted_from_a_worker_arrive_in_order_on_the_gui_thread(
    qtbot: QtBot, qapp: QApplication
) -> None:
    inbox = Inbox()
    other = Inbox()
    got: list[tuple[object, int]] = []
    inbox.received.connect(lambda value: got.append((value, threading.get_ident())))
    other.received.connect(lambda value: pytest.fail(f"delivered to the wrong inbox: {value}"))
    post = inbox.poster()
    worker = threading.Thread(target=lambda: [post(n) for n in range(50)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(got) == 50, timeout=5_000)
    assert [value for value, _ in got] == list(range(50))
    assert {thread for _, thread in got} == {threading.get_ident()}


def test_a_value_posted_on_the_gui_thread_arrives_later_not_inside_the_call(
    qtbot: QtBot, qapp: QApplication
) -> None:
    inbox = Inbox()
    got: list[object] = []
    inbox.received.connect(got.append)
    inbox.poster()("now")
    assert got == []
    qtbot.waitUntil(lambda: got == ["now"], timeout=5_000)


def test_an_inbox_deleted_before_its_worker_posts_drops_the_value(
    qtbot: QtBot, qapp: QApplication
) -> None:
    owner = QObject()
    inbox = Inbox(owner)
    got: list[object] = []
    inbox.received.connect(got.append)
    post = inbox.poster()
    shiboken6.delete(owner)
    witness = Inbox()
    seen: list[object] = []
    witness.received.connect(seen.append)
    worker = threading.Thread(target=lambda: (post("late"), witness.poster()("after")))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: seen == ["after"], timeout=5_000)  # queued after the late value
    assert got == []


def test_batches_send_by_size_and_flush_sends_the_rest() -> None:
    sent: list[list[int]] = []
    batches: Batches[int] = Batches(sent.append)
    for n in range(BATCH_SIZE + 3):
        batches.add(n)
    assert sent and max(len(batch) for batch in sent) <= BATCH_SIZE
    batches.flush()
    batches.flush()  # nothing left: nothing sent
    assert [n for batch in sent for n in batch] == list(range(BATCH_SIZE + 3))
    assert all(sent)


def _wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(b"\0\0" * 480)
    return path


def test_a_scanner_deleted_mid_scan_leaves_its_worker_harmless(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker used to emit on its Scanner: deleted meanwhile, that raised on the worker
    # thread (or, in a race, crashed the process, as the tag reader once did).
    files = [str(_wav(tmp_path / f"{i}.wav")) for i in range(3)]
    reading = threading.Event()
    go_on = threading.Event()
    original = tags.track_from_path

    def slow_read(path: Path) -> Track:
        reading.set()
        go_on.wait(10)
        return original(path)

    monkeypatch.setattr("sleepplayer.services.scanner.track_from_path", slow_read)
    owner = QObject()
    scanner = Scanner(owner)
    finished: list[object] = []
    scanner.finished.connect(lambda *args: finished.append(args))
    scanner.start(1, files)
    assert reading.wait(10)
    shiboken6.delete(owner)
    go_on.set()

    def workers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "sleepplayer-scan"]

    qtbot.waitUntil(lambda: not workers(), timeout=10_000)
    qapp.processEvents()
    assert finished == []
