"""Start-up loads nothing heavy it does not need yet (the RSS budget of ``make bench``).

Each of these stays out until its feature is used: yt_dlp until a web link plays, mutagen
until tags are read, OpenSSL (hashlib, ssl) until a loop is cached or a secure connection
is made; QtNetwork until a web link is added (the instance server uses a plain Unix socket);
numpy is never used by the app at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

# A fresh interpreter: this test process has imported all sorts of things for other tests.
PROBE = """
import json, sys
import sleepplayer.{module}
{then}
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if m in heavy or m.split(".")[0] in heavy)))
"""


def run_fresh(code: str) -> Any:
    """Run ``code`` in a fresh interpreter; what its last line printed, as JSON."""
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def loaded_after_import(module: str, heavy: set[str], then: str = "") -> list[str]:
    result: list[str] = run_fresh(PROBE.format(module=module, heavy=sorted(heavy), then=then))
    return result


def test_the_window_app_imports_no_heavy_optional_modules() -> None:
    heavy = {"yt_dlp", "mutagen", "numpy", "ssl", "_ssl", "http"}
    assert loaded_after_import("app", heavy) == []


def test_the_playback_engine_does_not_start_openssl() -> None:
    # hashlib initialises OpenSSL (about 4 MB resident); the loop cache needs it only when
    # a loop plays.
    assert loaded_after_import("playback.vlc_backend", {"hashlib", "_hashlib"}) == []


def test_the_playback_engine_leaves_platform_to_its_error_message() -> None:
    # It is imported when the window has been shown; only the VLC install hint uses it.
    assert loaded_after_import("playback.vlc_backend", {"platform"}) == []


def test_the_window_app_does_not_start_openssl() -> None:
    assert loaded_after_import("app", {"hashlib", "_hashlib"}) == []


def test_the_window_app_leaves_out_modules_it_needs_only_later() -> None:
    # Each costs resident memory for the whole night: QtNetwork 4.5 MB (web links only),
    # html 0.7 MB, zoneinfo 0.5 MB (an armed timer), uuid with platform 0.3 MB.
    later = {"PySide6.QtNetwork", "html", "zoneinfo", "uuid", "platform"}
    assert loaded_after_import("app", later) == []


def test_reading_an_opus_files_tags_loads_only_the_ogg_opus_reader() -> None:
    sound = REPO / "resources" / "sounds" / "rain.opus"
    read = f"import pathlib, sleepplayer.core.tags as t; t.read_tags(pathlib.Path({str(sound)!r}))"
    loaded = loaded_after_import("core.tags", {"mutagen"}, then=read)
    assert "mutagen.oggopus" in loaded
    # mutagen.File with no list of formats imports all 24 readers (about 4 MB).
    assert not {"mutagen.id3", "mutagen.mp4", "mutagen.asf", "mutagen.flac"} & set(loaded)


def test_no_module_source_stays_in_memory_after_start_up() -> None:
    # PySide6's import hook reads the source of every module imported after it, into
    # linecache (about 6 MB for the app); the app's replacement reads files without keeping
    # them, and drops what the hook read before it was replaced.
    code = (
        "import json, linecache\n"
        "from sleepplayer.desktop import pyside_import_hook\n"
        "pyside_import_hook.install()\n"
        "import sleepplayer.app\n"
        "print(json.dumps(sorted(linecache.cache)))\n"
    )
    assert run_fresh(code) == []


def test_playing_with_no_timer_leaves_zoneinfo_out() -> None:
    # The sleep timer's own clock: it finds the time zone on its first reading, and a play
    # request reads it only when the bedtime window could arm a timer (off by default).
    code = (
        "import json, sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from sleepplayer.core.model import Library, Playlist, Track\n"
        "from sleepplayer.services.controller import PlaybackController\n"
        "from sleepplayer.services.library import LibraryService\n"
        "from sleepplayer.services.sleep_timer import SleepTimer\n"
        "from tests.helpers.fake_backend import FakeBackend\n"
        "app = QCoreApplication([])\n"
        "library = LibraryService(Library([Playlist('P', [Track('file:///a.ogg')], uid='p')]))\n"
        "controller = PlaybackController(FakeBackend(), library)\n"
        "timer = SleepTimer(controller)\n"
        "controller.play_playlist('p')\n"
        "print(json.dumps([controller.state.name, 'zoneinfo' in sys.modules]))\n"
    )
    state, zoneinfo_loaded = run_fresh(code)
    assert state in ("OPENING", "PLAYING")
    assert zoneinfo_loaded is False


def test_showing_the_window_loads_no_pyside_class_for_unused_widgets() -> None:
    # PySide makes its Python class for a Qt class on first use. Wrapping an object Qt made
    # (the table's own viewport, the device an icon paints on) makes it try every subclass,
    # which loaded about 140 classes (QWizard, QMdiArea, QPdfWriter, ...) and 0.9 MB.
    code = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from sleepplayer.core.model import Library, Playlist\n"
        "from sleepplayer.ui.actions import ActionRegistry\n"
        "from sleepplayer.ui.main_window import MainWindow\n"
        "from tests.helpers.fake_services import FakeController, FakeLibraryService, make_tracks\n"
        "app = QApplication([])\n"
        "playlists = [Playlist('Sleep sounds', make_tracks(5, 'Loop'), builtin=True)]\n"
        "library = FakeLibraryService(Library(playlists, playlists[0].uid))\n"
        "controller = FakeController(library)\n"
        "window = MainWindow(controller, library, ActionRegistry(controller))\n"
        "window.show()\n"
        "window.grab()\n"
        "window.panel.table.resize(400, 300)\n"
        "unused = ['QWizard', 'QMdiArea', 'QCalendarWidget', 'QPdfWriter', 'QPicture']\n"
        "loaded = {**sys.modules['PySide6.QtWidgets'].__dict__,"
        " **sys.modules['PySide6.QtGui'].__dict__}\n"
        "print(json.dumps([name for name in unused if name in loaded]))\n"
    )
    assert run_fresh(code) == []
