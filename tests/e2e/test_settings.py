"""Settings in the real app under Xvfb: Ctrl+, opens the dialog, a changed shortcut is saved and
works in the next run; screenshots of the dialog for people to look at."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from tests.e2e.conftest import RunningApp, wait_until
from tests.helpers.desktop_env import PulseAudio

pytestmark = pytest.mark.e2e


def _find_window(app: RunningApp, name: str, timeout_s: float = 20) -> str:
    out = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", name],
        env=app.env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    ).stdout.split()
    assert out, f"no visible window named {name!r}"
    return out[0]


def _open_settings(app: RunningApp) -> str:
    app.wait_for_window()
    app.key("ctrl+comma")
    return _find_window(app, "^Settings$")


def _keys(app: RunningApp, window: str, *keys: str) -> None:
    app.xdotool("windowfocus", "--sync", window)
    app.xdotool("key", "--clearmodifiers", "--delay", "60", *keys)


def test_settings_screenshot(launch_app: Callable[..., RunningApp]) -> None:
    app = launch_app()
    app.wait_for_window()
    behind = app.screenshot("before-settings.png")
    dialog = _open_settings(app)
    assert app.screenshot_when_painted("settings.png", dialog, behind).stat().st_size > 0
    _keys(app, dialog, "Down", "Down", "Down")  # the page list has the keyboard: Shortcuts
    assert app.screenshot("settings-shortcuts.png", dialog).stat().st_size > 0
    _keys(app, dialog, "Escape")
    app.key("ctrl+q")
    assert app.wait_exit(10) == 0


def test_a_shortcut_changed_in_settings_is_saved_and_works_next_time(
    launch_app: Callable[..., RunningApp], pulse: PulseAudio
) -> None:
    app = launch_app()
    dialog = _open_settings(app)
    # Shortcuts page; Tab to the find field, find Play/Pause, Tab to the list, pick it, Tab
    # to the shortcut field and press the new key there.
    _keys(app, dialog, "Down", "Down", "Down", "Tab")
    _keys(app, dialog, "p", "l", "a", "y", "slash", "p", "a", "u", "s", "e")
    _keys(app, dialog, "Tab", "Down", "Tab", "ctrl+p")
    settings_file = app.basedir / "config" / "settings.json"
    wait_until(
        lambda: (
            settings_file.exists()
            and json.loads(settings_file.read_text()).get("shortcuts") == {"play_pause": "Ctrl+P"}
        ),
        10,
        "the new shortcut in settings.json",
    )
    _keys(app, dialog, "Escape")
    app.key("ctrl+q")
    assert app.wait_exit(10) == 0

    again = launch_app(basedir=app.basedir)
    again.wait_for_window()
    again.key("ctrl+p")
    wait_until(lambda: "Brown noise" in again.title(), 15, "playback started by Ctrl+P")
    again.key("ctrl+q")
    assert again.wait_exit(10) == 0
