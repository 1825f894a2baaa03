"""The running window tells the desktop which .desktop file it belongs to.

Docks and task switchers match a window to its launcher (icon, name, pinned entry) by X11
WM_CLASS against StartupWMClass, or by the application id Qt publishes from
``setDesktopFileName``. Both must agree with packaging/linux/<APP_ID>.desktop.
"""

from __future__ import annotations

import configparser
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sleepplayer import APP_ID
from tests.e2e.conftest import RunningApp

pytestmark = pytest.mark.e2e

DESKTOP_FILE = Path(__file__).resolve().parents[2] / "packaging" / "linux" / f"{APP_ID}.desktop"


def _xprop(app: RunningApp, *names: str) -> str:
    result = subprocess.run(
        ["xprop", "-id", app.window, *names],
        env=app.env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    return result.stdout


def test_window_matches_the_desktop_file(launch_app: Callable[..., RunningApp]) -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP_FILE, encoding="utf-8")

    app = launch_app()
    app.wait_for_window()
    props = _xprop(app, "WM_CLASS", "_GTK_APPLICATION_ID", "_KDE_NET_WM_DESKTOP_FILE")

    wm_class = re.search(r'WM_CLASS\(STRING\) = "([^"]*)", "([^"]*)"', props)
    assert wm_class, props
    assert wm_class.group(2) == entry["Desktop Entry"]["StartupWMClass"]
    assert f'_GTK_APPLICATION_ID(UTF8_STRING) = "{APP_ID}"' in props
    assert f'_KDE_NET_WM_DESKTOP_FILE(UTF8_STRING) = "{APP_ID}"' in props
