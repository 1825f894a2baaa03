"""Child process: python-vlc alone plays a file to the default output (the private PulseAudio).

Run as ``python -m bench.bare_vlc FILE [OPTION...]``. Prints ``PLAYING`` once libVLC reports
Playing, then sleeps until SIGTERM; SIGUSR1 pauses or resumes. This is the reference the app's CPU
and memory are compared with. OPTIONs are more libVLC options (the bench passes the app's own,
for a second reference: what the app costs beyond the libVLC it configures).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any

import vlc


@contextlib.contextmanager
def bare_player(path: str, options: tuple[str, ...] = ()) -> Iterator[Any]:
    """python-vlc playing ``path`` as anyone would start it (one Instance, one player, no
    options of the app's unless given), released at the end: the reference every bench subject
    shares."""
    instance = vlc.Instance(["--no-video", "--quiet", *options])
    player = instance.media_player_new()
    player.set_media(instance.media_new_path(path))
    player.play()
    try:
        yield player
    finally:
        player.stop()
        player.release()
        instance.release()


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bench.bare_vlc FILE [OPTION...]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with bare_player(argv[0], tuple(argv[1:])) as player:
        deadline = time.monotonic() + 10
        # Start-up only: a short poll until Playing. Nothing polls while the figures are taken.
        while player.get_state() != vlc.State.Playing:
            if time.monotonic() > deadline or player.get_state() == vlc.State.Error:
                print("ERROR", flush=True)
                return 1
            time.sleep(0.02)
        print("PLAYING", flush=True)
        # The handler runs on this (the owner) thread, between the waits below.
        signal.signal(signal.SIGUSR1, lambda *_: player.pause())
        while True:
            signal.pause()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
