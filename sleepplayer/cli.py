"""Command line: parse options, then run the window app or the headless player.

The parser is built from small option groups so later features (sleep timer, instance
control) add a group without touching the others.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sleepplayer import APP_NAME, __version__

#: Exit codes shared by both front ends.
EXIT_OK = 0
EXIT_USAGE = 2  # argparse's own convention
EXIT_NO_VLC = 2
EXIT_INTERRUPTED = 130


def _volume(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("the volume goes from 0 to 100")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sleepplayer",
        description=f"{APP_NAME}: fall asleep to ASMR and sleep sounds.",
        epilog="Items are audio files, folders (added recursively) or names of your playlists.",
    )
    parser.add_argument("items", nargs="*", metavar="ITEM", help="what to play")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")

    playback = parser.add_argument_group("playback")
    playback.add_argument("--volume", type=_volume, metavar="N", help="starting volume, 0-100")

    modes = parser.add_argument_group("modes")
    modes.add_argument(
        "--headless",
        action="store_true",
        help="play ITEMS with no window, print a status line, exit when the queue ends",
    )

    storage = parser.add_argument_group("storage")
    storage.add_argument(
        "--basedir",
        metavar="DIR",
        help="keep all settings and data under DIR (also: env SLEEPPLAYER_HOME)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    from sleepplayer.desktop import pyside_import_hook

    pyside_import_hook.install()
    if args.headless:
        if not args.items:
            print("sleepplayer: --headless needs something to play", file=sys.stderr)
            return EXIT_USAGE
        from sleepplayer.headless import run_headless

        return run_headless(args)
    from sleepplayer.app import run_app

    return run_app(args)
