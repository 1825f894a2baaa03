"""The system tray with a real tray host (trayer) under Xvfb: the real app in a child process,
its icon clicked and its menu walked with xdotool, the effects read from outside (the window,
its title, what PulseAudio plays, the files saved at quit)."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from bench.x11 import Display
from sleepplayer.core.library_io import library_to_dict
from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_UID
from sleepplayer.services.fell_asleep import FellAsleep, FellAsleepMemory
from sleepplayer.ui.tray_icon import TRAY_SIZES, TrayLook, render_tray
from tests.e2e.conftest import ARTIFACTS, ROOT, RunningApp, wait_until
from tests.helpers.desktop_env import PulseAudio, Trayer, Xvfb
from tests.helpers.tray_driver import TrayDriver

pytestmark = pytest.mark.e2e

# The menu's enabled items, in order (see TrayMenu): the keyboard walks these.
PLAY, NEXT, PREVIOUS, TIMER, RESUME, PLAYLISTS, WINDOW, QUIT = range(8)
# In the Sleep Timer submenu: 15/30/45/60/90 minutes, then these; the last three while armed.
END_OF_TRACK, CUSTOM, PLUS_5, PLUS_15, CANCEL = range(5, 10)


def sounding(pulse: PulseAudio) -> bool:
    """Some stream plays into the null sink (uncorked)."""
    return bool(re.search(r"Corked: no", pulse.pactl("list", "sink-inputs")))


def main_window(tray: TrayDriver) -> str | None:
    """The app's main window, when it is mapped (the only big one in these tests)."""
    for window, g in tray.visible_windows().items():
        if g.width >= 600:
            return window
    return None


def close_window(app: RunningApp, window: str) -> None:
    """The title bar's close button: WM_DELETE_WINDOW, as a window manager sends it."""
    with Display(app.env["DISPLAY"]) as display:
        display.close_window(int(window))


def title_of(app: RunningApp, window: str) -> str:
    return app.xdotool("getwindowname", window)


def start(
    launch_app: Callable[..., RunningApp], *args: str, **kw: Any
) -> tuple[RunningApp, TrayDriver]:
    app = launch_app(*args, **kw)
    tray = TrayDriver(app.env, app.process.pid)
    return app, tray


def afternoon_zone() -> str:
    """A time zone where it is about 14:00 now: the one-time tray message is for the day, and
    with no bedtime set 22:00 to 06:00 counts as night (``notify_policy.NIGHT_HOURS``)."""
    offset = (datetime.now(UTC).hour - 14 + 12) % 24 - 12
    return f"Etc/GMT{offset:+d}"  # Etc/GMT+N is N hours behind UTC


def prepare_home(home: Path, **settings: object) -> str:
    """A second playlist (its uid is returned), a fell-asleep point in the built-in Rain, and
    these settings."""
    ocean = ROOT / "resources" / "sounds" / "ocean-waves.opus"
    night_mix = Playlist("Night mix", [Track(uri=ocean.as_uri(), title="Ocean night")])
    library = Library([night_mix])
    (home / "data").mkdir(parents=True)
    (home / "data" / "library.json").write_text(json.dumps(library_to_dict(library)))
    memory = FellAsleepMemory(home / "state" / "fell_asleep.json")
    memory.record(FellAsleep(BUILTIN_PLAYLIST_UID, "builtin-rain", 40_000, time.time()))
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(json.dumps({"schema_version": 1, **settings}))
    return night_mix.uid


def saved(app: RunningApp, name: str) -> dict[str, Any]:
    folder = {"settings": "config", "library": "data", "resume": "state"}[name]
    loaded: dict[str, Any] = json.loads((app.basedir / folder / f"{name}.json").read_text())
    return loaded


def test_every_tray_menu_item_works_through_the_real_menu(
    launch_app: Callable[..., RunningApp], tray_host: Trayer, pulse: PulseAudio, tmp_path: Path
) -> None:
    night_mix = prepare_home(tmp_path / "home")
    app, tray = start(launch_app, basedir=tmp_path / "home")
    tray.wait_icon()
    wait_until(lambda: main_window(tray), 20, "the main window")
    window = main_window(tray)
    assert window is not None

    def title_has(text: str) -> bool:
        return text in title_of(app, window)

    idle_icon = tray.icon_pixels()

    tray.choose(PLAY)
    wait_until(lambda: sounding(pulse), 15, "Play/Pause to start the sound")
    wait_until(lambda: title_has("Brown noise"), 10, "the first track")
    playing_icon = tray.icon_pixels()
    assert playing_icon != idle_icon, "the icon shows that the sound is on"

    tray.choose(NEXT)
    wait_until(lambda: title_has("Pink noise"), 10, "Next Track")
    tray.choose(PREVIOUS)  # within 3 s of the start: back to the track before
    wait_until(lambda: title_has("Brown noise"), 10, "Previous Track")

    # Before any fade: a fade start is a new point to resume from.
    tray.choose(RESUME)
    wait_until(lambda: title_has("Rain"), 10, "Resume from Where I Fell Asleep")

    tray.choose(TIMER, END_OF_TRACK)
    wait_until(lambda: title_has("under 1 min left"), 10, "End of This Track (a 29 s track)")
    tray.choose(TIMER, CANCEL)
    wait_until(lambda: not title_has("min left"), 10, "Cancel Timer")

    presets = ["15 min left", "30 min left", "45 min left", "1 h 00 min left", "1 h 30 min left"]
    for place, words in enumerate(presets):
        tray.choose(TIMER, place)
        wait_until(lambda w=words: title_has(w), 10, f"the preset {words}")
    timer_icon = tray.icon_pixels()
    assert timer_icon not in (idle_icon, playing_icon), "the icon shows the armed timer"
    tray.choose(TIMER, PLUS_5)
    wait_until(lambda: title_has("1 h 35 min left"), 10, "Timer +5 min")
    tray.choose(TIMER, PLUS_15)
    wait_until(lambda: title_has("1 h 50 min left"), 10, "Timer +15 min")
    tray.choose(TIMER, CANCEL)
    wait_until(lambda: not title_has("min left"), 10, "Cancel Timer")
    wait_until(lambda: tray.icon_pixels() == playing_icon, 10, "the badge to go")

    tray.choose(TIMER, CUSTOM)
    found = app.xdotool("search", "--sync", "--onlyvisible", "--name", "^Sleep Timer$")
    assert found, "Custom… opens the timer panel"
    close_window(app, found.split()[0])

    tray.choose(PLAYLISTS, 1)  # "Sleep sounds", then "Night mix"
    wait_until(lambda: title_has("Ocean night"), 10, "the playlist Night mix to play")
    wait_until(lambda: sounding(pulse), 10, "the playlist's sound")

    tray.choose(WINDOW)
    wait_until(lambda: main_window(tray) is None, 10, "Hide Window")
    wait_until(lambda: sounding(pulse), 10, "the sound to play on with the window hidden")
    tray.choose(WINDOW)
    wait_until(lambda: main_window(tray) is not None, 10, "Show Window")

    tray.choose(PLAY)
    wait_until(lambda: not sounding(pulse), 10, "Play/Pause to pause")
    wait_until(lambda: tray.icon_pixels() == idle_icon, 10, "the icon to show the pause")

    tray.choose(QUIT)
    assert app.wait_exit(10) == 0
    assert saved(app, "resume")["playlist_uid"] == night_mix


def test_close_to_tray_plays_on_and_quit_from_the_tray_saves_within_3_s(
    launch_app: Callable[..., RunningApp], tray_host: Trayer, pulse: PulseAudio, tmp_path: Path
) -> None:
    prepare_home(tmp_path / "home")  # the menu layout the constants above name
    app, tray = start(launch_app, basedir=tmp_path / "home", extra_env={"TZ": afternoon_zone()})
    tray.wait_icon()
    wait_until(lambda: main_window(tray), 20, "the main window")
    window = main_window(tray)
    assert window is not None
    tray.choose(PLAY)
    wait_until(lambda: sounding(pulse), 15, "the sound")

    # At night (a timer runs) closing hides the window silently: no message pops up.
    tray.choose(TIMER, 0)
    wait_until(lambda: "min left" in title_of(app, window), 10, "the timer")
    close_window(app, window)
    wait_until(lambda: main_window(tray) is None, 10, "the window to go to the tray")
    time.sleep(1.5)  # a message would show at once; give it time to prove it does not
    assert not [g for g in tray.visible_windows().values() if g.width > 100], "no message"
    assert app.process.poll() is None
    # (A built-in loop's first play switches to its cached loop once: a short gap is normal.)
    wait_until(lambda: sounding(pulse), 10, "the sound to play on in the tray")

    tray.click(1)  # left click: the window comes back
    wait_until(lambda: main_window(tray) == window, 10, "a left click to show the window")
    tray.choose(TIMER, CANCEL)

    # In the day, the first close says once where SleepPlayer went.
    close_window(app, window)
    wait_until(lambda: main_window(tray) is None, 10, "the window to go to the tray")
    wait_until(
        lambda: [w for w, g in tray.visible_windows().items() if g.width > 100],
        10,
        "the one-time tray message",
    )
    message = next(w for w, g in tray.visible_windows().items() if g.width > 100)
    app.screenshot("tray-message.png")
    tray.xdotool("mousemove", "--window", message, "20", "20", "click", "1")  # dismiss it
    wait_until(lambda: message not in tray.visible_windows(), 10, "the message to close")
    wait_until(lambda: sounding(pulse), 10, "the sound to play on")

    tray.click(1)
    wait_until(lambda: main_window(tray) == window, 10, "a left click to show the window")
    tray.click(1)
    wait_until(lambda: main_window(tray) is None, 10, "a second left click to hide it")
    tray.click(2)  # middle click: play/pause
    wait_until(lambda: not sounding(pulse), 10, "a middle click to pause")

    # Quit with the window hidden: saved and gone within 3 s (the figure).
    menu = tray.open_menu()
    began = time.monotonic()
    tray.xdotool("key", "--delay", "40", *["Down"] * (QUIT + 1), "Return")
    code = app.wait_exit(10)
    took = time.monotonic() - began
    assert code == 0
    assert took < 3.0, f"quit from the tray took {took:.2f} s"
    assert menu
    settings = saved(app, "settings")
    assert settings["tray_hint_shown"] is True
    assert saved(app, "resume")["track_uid"] == "builtin-brown-noise"
    assert any(p["uid"] == BUILTIN_PLAYLIST_UID for p in saved(app, "library")["playlists"])


def test_the_tray_is_judged_at_each_close_and_its_loss_brings_the_window_back(
    launch_app: Callable[..., RunningApp], xvfb: Xvfb, pulse: PulseAudio
) -> None:
    app, tray = start(launch_app)
    wait_until(lambda: main_window(tray), 20, "the main window")
    window = main_window(tray)
    assert window is not None and tray.icon() is None  # no tray host yet
    host = Trayer.start(xvfb.display)
    try:
        tray.wait_icon()  # the icon docks when a tray host turns up
        close_window(app, window)
        wait_until(lambda: main_window(tray) is None, 10, "the window to go to the tray")
        host.stop()
        wait_until(lambda: main_window(tray) == window, 10, "the window back without a tray")
        close_window(app, window)
        assert app.wait_exit(10) == 0, "with no tray left, closing quits"
    finally:
        host.stop()


def test_start_minimised_waits_in_the_tray(
    launch_app: Callable[..., RunningApp], tray_host: Trayer, tmp_path: Path
) -> None:
    prepare_home(tmp_path / "home", start_minimised=True)
    app, tray = start(launch_app, basedir=tmp_path / "home")
    tray.wait_icon()
    assert main_window(tray) is None  # it would have been shown before the icon docked
    tray.click(1)
    wait_until(lambda: main_window(tray), 10, "a left click to show the window")
    tray.choose(QUIT)
    assert app.wait_exit(10) == 0


def test_screenshot_tray_menu(
    launch_app: Callable[..., RunningApp], tray_host: Trayer, pulse: PulseAudio, tmp_path: Path
) -> None:
    prepare_home(tmp_path / "home")
    app, tray = start(launch_app, basedir=tmp_path / "home")
    tray.wait_icon()
    wait_until(lambda: main_window(tray), 20, "the main window")
    tray.choose(PLAY)
    wait_until(lambda: sounding(pulse), 15, "the sound")
    tray.choose(TIMER, 2)  # 45 minutes
    tray.open_menu()
    tray.xdotool("key", "--delay", "60", *["Down"] * (TIMER + 1), "Right")
    wait_until(lambda: len(tray.menus()) >= 3, 10, "the Sleep Timer submenu")
    path = app.screenshot("tray-menu.png")
    tray.close_menu()
    assert path.stat().st_size > 0 and ARTIFACTS in path.parents


def test_screenshot_tray_icons(qapp: QApplication) -> None:
    """artifacts/tray-icons.png: each look (idle, playing, timer, both) at every tray size on
    light, dark and coloured panels, drawn 3x so a person can judge it."""
    looks = [TrayLook(playing, armed) for armed in (False, True) for playing in (False, True)]
    panels = ["#f0f0f0", "#d4d4d4", "#2b2b2b", "#101010", "#3c5a8a"]
    scale, cell = 3, 48 * 3 + 8
    sheet = QImage(
        len(looks) * len(TRAY_SIZES) * cell, len(panels) * cell, QImage.Format.Format_RGB32
    )
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    for row, panel in enumerate(panels):
        for col, (look, size) in enumerate(itertools.product(looks, TRAY_SIZES)):
            x, y = col * cell, row * cell
            painter.fillRect(QRect(x + 2, y + 2, cell - 4, cell - 4), QColor(panel))
            painter.drawPixmap(
                QRect(x + 4, y + 4, size * scale, size * scale), render_tray(look, size)
            )
    painter.end()
    ARTIFACTS.mkdir(exist_ok=True)
    assert sheet.save(str(ARTIFACTS / "tray-icons.png"))
