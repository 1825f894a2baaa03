"""Shared test setup. Keep it small: fixtures that only one tier needs live in that tier."""

from __future__ import annotations

import os
from collections.abc import Iterator

# Before anything imports Qt: tests never need a real display unless a tier sets one up.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# Real services, started once per run by the tiers that ask for them.
import pytest

from tests.helpers.desktop_env import PulseAudio, Trayer, Xvfb


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    """A private X display (Xvfb); nothing touches the user's own."""
    server = Xvfb.start()
    yield server
    server.stop()


@pytest.fixture
def tray_host(xvfb: Xvfb) -> Iterator[Trayer]:
    """A system-tray host (trayer) on the test display, for one test: tests without it see
    no tray, as on a desktop without one."""
    host = Trayer.start(xvfb.display)
    yield host
    host.stop()


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseAudio]:
    """A private PulseAudio with a null sink and stream-restore, like a desktop's."""
    server = PulseAudio.start(tmp_path_factory.mktemp("pulse"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bare_pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseAudio]:
    """A private PulseAudio without stream-restore: every new stream starts at 100 %."""
    server = PulseAudio.start(tmp_path_factory.mktemp("bare-pulse"), stream_restore=False)
    yield server
    server.stop()
