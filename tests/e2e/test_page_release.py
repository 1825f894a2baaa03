"""The running app gives back the pages of Qt code that only its start-up ran."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import PySide6
import pytest

from tests.e2e.conftest import RunningApp, wait_until
from tests.helpers.desktop_env import PulseAudio

pytestmark = pytest.mark.e2e

QT_FOLDER = str(Path(PySide6.__file__).parent)


def _qt_resident_kb(pid: int) -> int:
    """Resident kB of the process's mappings of files in the PySide6 package (Qt's libraries
    and PySide's bindings), from /proc/PID/smaps."""
    total, inside = 0, False
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split(maxsplit=5)
            if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:  # a mapping
                inside = len(fields) == 6 and fields[5].startswith(QT_FOLDER)
            elif inside and fields[0] == "Rss:":
                total += int(fields[1])
    return total


def test_start_up_pages_are_given_back_while_playing(
    launch_app: Callable[..., RunningApp], pulse: PulseAudio
) -> None:
    app = launch_app()
    app.wait_for_window()
    app.key("space")
    wait_until(lambda: "Brown noise" in app.title(), 15, "playback to start")
    after_start = _qt_resident_kb(app.process.pid)
    assert after_start > 20_000  # Qt and PySide after building the window: tens of MB
    # Measured: 32 MB of them before, 8 MB after, with the window shown and playing.
    wait_until(
        lambda: _qt_resident_kb(app.process.pid) < after_start / 2,
        25,
        f"Qt's resident pages ({after_start} kB after the start) to be given back",
    )
    # Still playing, still answering: the pages it needs come back on use.
    app.key("ctrl+Right")
    wait_until(lambda: "Pink noise" in app.title(), 10, "the next track")
    app.key("ctrl+q")
    assert app.wait_exit(10) == 0
