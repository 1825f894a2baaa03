"""Driving the real tray icon from outside, as a user would: xdotool clicks on the icon docked
in trayer's panel, and keys in the real menu Qt pops up.

Menus are walked with the keyboard: Down from a fresh menu selects the first enabled item
(disabled lines and separators are skipped), Right opens a submenu on its first item, Return
triggers. So an item is named by its place among the *enabled* items of its menu.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

#: Where the pointer rests between clicks: away from the icon (no tooltip) and the menus.
_PARK = ("5", "795")
#: Menus are taller than this; the icon and tooltips are not.
_MENU_MIN_HEIGHT = 100
#: Clicks closer together than this are a double click (Qt's default interval is 400 ms).
_DOUBLE_CLICK_S = 0.6


@dataclass(frozen=True)
class Geometry:
    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


_T = TypeVar("_T")


def _poll(predicate: Callable[[], _T], timeout_s: float, what: str) -> _T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)  # an outside process (X server, the app) changes it; no Qt loop here
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class TrayDriver:
    """The tray icon of the app with process id ``pid`` on the display in ``env``."""

    env: dict[str, str]
    pid: int
    _last_click: float = field(default=0.0, repr=False)

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20
        )
        return result.stdout.strip()

    def visible_windows(self) -> dict[str, Geometry]:
        """The app's mapped windows and where they are."""
        found: dict[str, Geometry] = {}
        for window in self.xdotool("search", "--onlyvisible", "--pid", str(self.pid)).split():
            out = self.xdotool("getwindowgeometry", "--shell", window)
            fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
            try:
                found[window] = Geometry(
                    int(fields["X"]), int(fields["Y"]), int(fields["WIDTH"]), int(fields["HEIGHT"])
                )
            except (KeyError, ValueError):
                continue  # unmapped between the search and the question
        return found

    def icon(self) -> tuple[str, Geometry] | None:
        """The docked icon: a small window of the app inside trayer's strip at the top."""
        for window, g in self.visible_windows().items():
            if g.y < 32 and g.width <= 48 and g.height <= 48:
                return window, g
        return None

    def wait_icon(self, timeout_s: float = 15) -> tuple[str, Geometry]:
        found = _poll(self.icon, timeout_s, "the tray icon to dock")
        assert found is not None
        return found

    def icon_pixels(self) -> bytes:
        """The icon as the panel shows it, raw RGB."""
        window, _g = self.wait_icon()
        return subprocess.run(
            ["import", "-window", window, "-depth", "8", "rgb:-"],
            env=self.env,
            capture_output=True,
            check=True,
            timeout=20,
        ).stdout

    def click(self, button: int) -> None:
        """Click the icon (1 left, 2 middle, 3 right), then park the pointer."""
        _window, g = self.wait_icon()
        x, y = g.centre
        # Two single clicks, not one double click (which the app leaves alone).
        time.sleep(max(0.0, self._last_click + _DOUBLE_CLICK_S - time.monotonic()))
        self.xdotool("mousemove", str(x), str(y), "click", str(button))
        self._last_click = time.monotonic()
        self.xdotool("mousemove", *_PARK)

    def menus(self) -> dict[str, Geometry]:
        return {w: g for w, g in self.visible_windows().items() if g.height >= _MENU_MIN_HEIGHT}

    def open_menu(self, others: dict[str, Geometry] | None = None) -> str:
        """Right-click the icon and wait for the menu; ``others`` are tall windows already
        shown (the main window, a dialog). Returns the menu's window id."""
        before = set(others if others is not None else self.menus())
        self.click(3)
        return _poll(lambda: set(self.menus()) - before, 10, "the tray menu to open").pop()

    def choose(self, *places: int) -> None:
        """Open the menu and trigger an item: ``choose(3)`` is the 4th enabled item,
        ``choose(3, 1)`` the 2nd enabled item of the submenu that is the 4th."""
        before = self.menus()
        menu = self.open_menu(before)
        keys = ["Down"] * (places[0] + 1)
        for place in places[1:]:
            keys += ["Right"] + ["Down"] * place
        self.xdotool("key", "--delay", "60", *keys, "Return")
        _poll(lambda: menu not in self.menus(), 10, "the tray menu to close")

    def close_menu(self) -> None:
        self.xdotool("key", "Escape", "Escape")
