"""No tray at all (GNOME without AppIndicator, an unusual desktop): SleepPlayer must never end
up running where nobody can reach it. On a display of its own, so no tray host from another
test can be there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import RunningApp, wait_until
from tests.e2e.test_tray import close_window, main_window, prepare_home, saved, start
from tests.helpers.desktop_env import Xvfb

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def xvfb() -> Iterator[Xvfb]:
    """Overrides the session display for this module: a fresh one that never had a tray."""
    server = Xvfb.start()
    yield server
    server.stop()


def test_without_a_tray_the_window_shows_and_closing_it_quits(
    launch_app: Callable[..., RunningApp], tmp_path: Path
) -> None:
    # Even "start minimised" shows the window when there is no tray to come back from.
    prepare_home(tmp_path / "home", start_minimised=True, volume=37)
    app, tray = start(launch_app, basedir=tmp_path / "home")
    wait_until(lambda: main_window(tray), 20, "the main window")
    window = main_window(tray)
    assert window is not None and tray.icon() is None
    close_window(app, window)
    assert app.wait_exit(10) == 0
    assert saved(app, "settings")["volume"] == 37  # saved on the way out
    assert saved(app, "settings")["tray_hint_shown"] is False
