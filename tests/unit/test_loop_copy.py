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


def test_a_file_no_copy_can_be_made_of_is_not_tried_again(
    qtbot: QtBot, copies: LoopCopy, tmp_path: Path
) -> None:
    # Each try held a play in Opening for up to WAIT_MS, at every load of the file.
    source = tmp_path / "noise.flac"
    source.write_bytes(bytes(range(256)) * 200)
    assert copies.ask(source) is None
    assert copies.wait_for_copy()
    with qtbot.waitSignal(copies.start_now, timeout=10_000):
        pass
    assert copies.take() is None
    copies.forget()  # the next load of the same file
    assert copies.ask(source) is None
    assert not copies.wait_for_copy()  # nothing is being made: play() starts at once


def test_a_large_source_is_looked_up_on_the_worker(
    qtbot: QtBot, copies: LoopCopy, tmp_path: Path
) -> None:
    # Hashing 48 MB on the GUI thread (from a network share, perhaps) would stall the window.
    source = tmp_path / "big.opus"
    source.write_bytes(SOURCE.read_bytes() + b"\0" * loop_copy.LOOKUP_HERE_BYTES)
    made = loop_cache.decode_to_cache(source, tmp_path / "loops")
    assert copies.ask(source) is None  # not hashed here...
    assert copies.wait_for_copy()
    with qtbot.waitSignal(copies.start_now, timeout=10_000):
        pass
    assert copies.take() == str(made)  # ...but found there at once
