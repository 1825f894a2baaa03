"""The system's "now playing" integration, behind one small protocol and a factory.

What exists per OS:

* Linux and the BSDs: MPRIS2 on the session bus (``mpris.MprisService``). Media keys, the
  desktop's sound menu (GNOME, KDE) and ``playerctl`` then control SleepPlayer.
* Windows and macOS: nothing yet, so the factory returns None. A Windows
  SystemMediaTransportControls service or a macOS MPNowPlayingInfoCenter /
  MPRemoteCommandCenter service can plug in later: it implements :class:`NowPlayingService`
  with the same :class:`NowPlayingDeps`, and the factory picks it for its platform.

The factory is quiet: no bus, or a bus name nobody can have, gives None, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sleepplayer.services.activity import ActivitySink
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService

if TYPE_CHECKING:  # QtDBus is imported only where MPRIS exists
    from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

#: Platforms whose desktops speak MPRIS2 on a D-Bus session bus.
MPRIS_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly")


class NowPlayingService(Protocol):
    """A system media session: shows what plays and takes the system's media commands."""

    def start(self) -> bool:
        """Appear in the system's media controls; False (quietly) when that is not possible."""
        ...

    def shutdown(self) -> None:
        """Disappear from the system's media controls. Safe to call twice."""
        ...


@dataclass(frozen=True)
class NowPlayingDeps:
    """Everything a now-playing service may read or command."""

    controller: PlaybackController
    library: LibraryService
    #: Told after every command (the sleep timer); None when there is no timer.
    timer: ActivitySink | None
    raise_window: Callable[[], None]
    quit_app: Callable[[], None]
    #: Opens and plays one URI like a command-line item. It has passed the URL policy.
    open_uri: Callable[[str], None]
    #: False for the headless player: nothing to raise, and the desktop is told so.
    has_window: bool = True


def has_mpris(platform: str = sys.platform) -> bool:
    return platform.startswith(MPRIS_PLATFORMS)


def create_now_playing(
    deps: NowPlayingDeps,
    *,
    platform: str = sys.platform,
    connection: QDBusConnection | None = None,
    pid: int | None = None,
) -> NowPlayingService | None:
    """The started now-playing service for this platform, or None.

    ``connection`` replaces the session bus (tests use a private bus); ``pid`` names the
    fallback bus name used when another SleepPlayer holds the usual one.
    """
    if not has_mpris(platform):
        return None  # SMTC (Windows) and MPNowPlayingInfoCenter (macOS) are not written yet
    from sleepplayer.desktop.mpris import MprisService, session_bus

    bus = connection if connection is not None else session_bus()
    if bus is None:
        return None
    service = MprisService(deps, bus, pid=pid)
    if service.start():
        return service
    service.shutdown()
    return None
