"""Session-wide real services for the e2e tier: an Xvfb display and a private PulseAudio."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from sleepplayer.core.instance_address import instance_address
from sleepplayer.core.paths import AppPaths
from tests.helpers.desktop_env import PulseAudio, Xvfb

ROOT = Path(__file__).resolve().parents[2]
#: Screenshots for people to look at; kept after the run.
ARTIFACTS = ROOT / "artifacts"


@dataclass
class RunningApp:
    """The real app in a child process, on the test display and sound server."""

    process: subprocess.Popen[str]
    env: dict[str, str]
    basedir: Path
    log_path: Path
    window: str = ""

    def output(self) -> str:
        """What the app printed (stdout and stderr), for assertions and failure reports."""
        return self.log_path.read_text(errors="replace")

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20
        )
        return result.stdout.strip()

    def wait_for_window(self, timeout_s: float = 20) -> str:
        out = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "SleepPlayer"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        ).stdout.split()
        self.window = out[0]
        return self.window

    def title(self) -> str:
        return self.xdotool("getwindowname", self.window)

    def key(self, *keys: str) -> None:
        """Type keys into the focused window through XTEST, like a real keyboard."""
        self.xdotool("windowfocus", "--sync", self.window)
        self.xdotool("key", "--clearmodifiers", *keys)

    def screenshot(self, name: str, window: str = "root") -> Path:
        """artifacts/``name``: the whole screen, or one window (an X window id)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        subprocess.run(
            ["import", "-window", window, str(path)], env=self.env, check=True, timeout=30
        )
        return path

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        """x, y, width, height of an X window on the screen."""
        shell = dict(
            line.split("=", 1)
            for line in self.xdotool("getwindowgeometry", "--shell", window).splitlines()
        )
        return int(shell["X"]), int(shell["Y"]), int(shell["WIDTH"]), int(shell["HEIGHT"])

    def screenshot_when_painted(
        self, name: str, window: str, behind: Path, timeout_s: float = 10
    ) -> Path:
        """Like :meth:`screenshot` of a window that has just appeared, taken once it has
        painted: until then the screen there still shows ``behind`` (a screenshot of the whole
        screen from before it opened)."""
        x, y, width, height = self.geometry(window)
        before = _pixels(behind)[y : y + height, x : x + width]
        deadline = time.monotonic() + timeout_s
        last: npt.NDArray[np.uint8] | None = None
        while True:
            shot = self.screenshot(name, window)
            now = _pixels(shot)
            # Partly off the screen, it cannot be compared with what was there: then two
            # shots in a row that agree have to do.
            changed = now.shape != before.shape or (now != before).any(axis=2).mean() > 0.05
            if changed and last is not None and np.array_equal(now, last):
                return shot
            if time.monotonic() > deadline:
                raise AssertionError(f"{name}: the window did not paint")
            last = now
            time.sleep(0.1)

    def wait_exit(self, timeout_s: float) -> int:
        return self.process.wait(timeout_s)


def _pixels(png: Path) -> npt.NDArray[np.uint8]:
    """A screenshot's pixels, rows x columns x RGB."""
    size = subprocess.run(
        ["identify", "-format", "%w %h", str(png)], capture_output=True, text=True, check=True
    ).stdout.split()
    width, height = int(size[0]), int(size[1])
    rgb = subprocess.run(
        ["convert", str(png), "-depth", "8", "rgb:-"], capture_output=True, check=True
    ).stdout
    return np.frombuffer(rgb, dtype=np.uint8).reshape(height, width, 3)


def wait_until(predicate: object, timeout_s: float, what: str) -> None:
    """Poll an external process's state (no Qt loop runs in this test process)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def launch_app(xvfb: Xvfb, pulse: PulseAudio, tmp_path: Path) -> Iterator[object]:
    running: list[RunningApp] = []

    def launch(
        *args: str, basedir: Path | None = None, extra_env: dict[str, str] | None = None
    ) -> RunningApp:
        """``extra_env`` adds to the app's environment, e.g. a private session bus."""
        home = basedir or tmp_path / "home"
        env = {
            **os.environ,
            **pulse.env,
            "DISPLAY": xvfb.display,
            "QT_QPA_PLATFORM": "xcb",
            "SLEEPPLAYER_AOUT": "pulse",
            **(extra_env or {}),
        }
        env.pop("WAYLAND_DISPLAY", None)
        log_path = tmp_path / f"app-{len(running)}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "sleepplayer", "--basedir", str(home), *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=ROOT,
            )
        app = RunningApp(process, env, home, log_path)
        running.append(app)
        return app

    yield launch
    for app in running:
        if app.process.poll() is None:
            app.process.kill()
            app.process.wait(5)
    # Each basedir's single-instance socket and lock live outside tmp_path: leave none behind.
    for app in running:
        address = instance_address(AppPaths.resolve(str(app.basedir)), app.env)
        for leftover in (Path(address.server_name), address.lock_path):
            leftover.unlink(missing_ok=True)
