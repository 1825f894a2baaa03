"""LoopCopy: a play of a loop waits for its WAV copy, starts on it, and never on a stale one."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.playback import loop_cache, loop_copy
from sleepplayer.playback.loop_copy import LoopCopy
from sleepplayer.services.builtin_sounds import sounds_dir

SOURCE = sounds_dir() / "brown-noise.opus"


@pytest.fixture
def copies(qapp: QApplication, tmp_path: Path) -> LoopCopy:
    return LoopCopy(tmp_path / "loops")


def test_a_waiting_play_starts_on_the_new_copy(qtbot: QtBot, copies: LoopCopy) -> None:
    assert copies.ask(SOURCE) is None  # made on a worker
    assert copies.wait_for_copy()
    with qtbot.waitSignal(copies.start_now, timeout=10_000):
        pass
    wav = copies.take()
    assert wav is not None and wav.endswith(".wav") and Path(wav).is_file()
    assert copies.take() is None  # once
    assert copies.ask(SOURCE) == Path(wav)  # kept: the next load has it at once
    assert not copies.wait_for_copy()  # nothing to wait for


def test_a_copy_that_comes_while_nothing_waits_is_offered(qtbot: QtBot, copies: LoopCopy) -> None:
    copies.ask(SOURCE)
    with qtbot.waitSignal(copies.copy_ready, timeout=10_000):
        pass
    assert copies.take() is not None


def test_a_copy_for_an_earlier_load_is_dropped(qtbot: QtBot, copies: LoopCopy) -> None:
    copies.ask(SOURCE)
    copies.forget()  # another item was loaded meanwhile
    with qtbot.assertNotEmitted(copies.copy_ready, wait=1_000):
        pass
    assert copies.take() is None
    assert not copies.wait_for_copy()


def test_a_play_starts_on_the_fallback_when_the_copy_is_late(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow_decode(source: Path, cache_dir: Path) -> Path:
        release.wait(10)
        raise OSError("disk gone")

    monkeypatch.setattr(loop_copy, "WAIT_MS", 50)
    monkeypatch.setattr(loop_cache, "decode_to_cache", slow_decode)
    copies = LoopCopy(tmp_path / "loops")
    assert copies.ask(SOURCE) is None and copies.wait_for_copy()
    with qtbot.waitSignal(copies.start_now, timeout=5_000):
        pass
    release.set()
    with qtbot.assertNotEmitted(copies.start_now, wait=300):
        pass  # the failed copy changes nothing: the fallback plays on
    assert copies.take() is None
