"""Shared by the integration tier: a real libVLC engine playing to the private PulseAudio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.desktop_env import PulseAudio


@pytest.fixture
def pulse_backend(
    qapp: QApplication, pulse: PulseAudio, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[VlcBackend]:
    """The engine on PulseAudio (the desktop-like server, with stream-restore); its null
    sink's monitor records what a listener would hear."""
    for key, value in pulse.env.items():
        monkeypatch.setenv(key, value)
    engine = VlcBackend(aout="pulse", loop_cache_dir=tmp_path / "loops")
    yield engine
    engine.release()
    assert engine.thread_violations == []
