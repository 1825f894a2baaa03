"""Command line: parse options, then run the window app or the headless player.

The parser is built from small option groups so later features (sleep timer, instance
control) add a group without touching the others.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import time

from sleepplayer import APP_NAME, __version__
from sleepplayer.core.remote_message import Verb
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import (
    MAX_DURATION_S,
    MAX_TRACKS,
    MIN_PLAN_S,
    EndAction,
    FadeCurve,
    SleepPlan,
    parse_clock,
    parse_duration,
)
from sleepplayer.core.timer_options import TimerOptions, TimerOptionsError, plan_from_options

#: Exit codes shared by both front ends.
EXIT_OK = 0
#: A second launch that could not be done (a pure verb with nothing running, a refused
#: request, an instance that does not answer), or a headless run that played nothing.
EXIT_FAILED = 1
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


def _duration(text: str) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not MIN_PLAN_S <= seconds <= MAX_DURATION_S:
        raise argparse.ArgumentTypeError("the sleep timer goes from 1 second to 12 hours")
    return seconds


def _fade(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _clock(text: str) -> time:
    try:
        return parse_clock(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _track_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_TRACKS:
        raise argparse.ArgumentTypeError(f"give 1 to {MAX_TRACKS}")
    return value


def timer_options_from_args(args: argparse.Namespace) -> TimerOptions:
    """The sleep-timer options of the command line (also what a second launch forwards)."""
    return TimerOptions(
        sleep=args.sleep,
        sleep_at=args.sleep_at,
        sleep_end_of_track=args.sleep_end_of_track,
        sleep_after_tracks=args.sleep_after_tracks,
        fade=args.fade,
        fade_curve=args.fade_curve,
        after=args.after,
    )


def sleep_plan_from_args(args: argparse.Namespace, defaults: Settings) -> SleepPlan | None:
    """The timer the command line asks for, with unset details from the user's defaults."""
    return plan_from_options(timer_options_from_args(args), defaults)


#: The verbs of the "control" group, in --help order (--extend takes a value: added apart).
_VERBS = (
    (Verb.TOGGLE, "play or pause"),
    (Verb.PLAY, "play"),
    (Verb.PAUSE, "pause"),
    (Verb.NEXT, "next track"),
    (Verb.PREVIOUS, "previous track"),
    (Verb.STOP, "stop"),
    (Verb.CANCEL_SLEEP, "cancel the sleep timer"),
    (Verb.SHOW, "show the window"),
    (Verb.QUIT, "quit SleepPlayer"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sleepplayer",
        description=f"{APP_NAME}: fall asleep to ASMR and sleep sounds.",
        epilog=(
            "Items are audio files, folders (added recursively), playlist files (.m3u, .m3u8, "
            ".pls, .xspf), web links (http, https: radio, streams, and YouTube and the other "
            "sites yt-dlp knows) or names of your saved playlists."
        ),
    )
    parser.add_argument("items", nargs="*", metavar="ITEM", help="what to play")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")

    playback = parser.add_argument_group("playback")
    playback.add_argument("--volume", type=_volume, metavar="N", help="set the volume, 0-100")

    timer = parser.add_argument_group(
        "sleep timer",
        "At the end the sound fades out, then pauses, or does what --after says. Durations "
        "take h, m and s (1h30m, 45s, '20 min'); a bare number means minutes. The timer runs "
        "1 s to 12 h. --fade, --fade-curve and --after go with one of the four --sleep options.",
    )
    when = timer.add_mutually_exclusive_group()
    when.add_argument(
        "--sleep",
        type=_duration,
        metavar="TIME",
        help="pause (or what --after says) after TIME (30m, 1h30m)",
    )
    when.add_argument("--sleep-at", type=_clock, metavar="HH:MM", help="end at the next HH:MM")
    when.add_argument(
        "--sleep-end-of-track", action="store_true", help="end when the current track ends"
    )
    when.add_argument(
        "--sleep-after-tracks",
        type=_track_count,
        metavar="N",
        help=f"end after N tracks (1 to {MAX_TRACKS})",
    )
    timer.add_argument(
        "--fade", type=_fade, metavar="TIME", help="fade length (60s unless set in Settings)"
    )
    timer.add_argument(
        "--fade-curve",
        choices=[c.value for c in FadeCurve],
        help="shape of the fade (gentle unless set in Settings)",
    )
    timer.add_argument(
        "--after",
        choices=[a.value for a in EndAction],
        help="what happens at the end (pause unless set in Settings)",
    )

    control = parser.add_argument_group(
        "control",
        "Control the running SleepPlayer, for example from a global shortcut; items, --volume "
        "and the timer options are passed to it too. With none running, --toggle, --play and "
        "--show start it, and so do items, --volume and the timer options (all but items and "
        "--show hidden in the tray, if there is one); the other verbs say it is not running "
        "and exit 1.",
    )
    verbs = control.add_mutually_exclusive_group()
    for verb, text in _VERBS:
        verbs.add_argument(
            f"--{verb.value}", dest="verb", action="store_const", const=verb.value, help=text
        )
    verbs.add_argument(
        "--extend",
        type=_duration,
        metavar="TIME",
        help="add TIME to the sleep timer, or start one (10m)",
    )

    modes = parser.add_argument_group("modes")
    modes.add_argument(
        "--headless",
        action="store_true",
        help="play ITEMS with no window, print a status line, exit when the queue or the "
        "timer ends",
    )

    storage = parser.add_argument_group("storage")
    storage.add_argument(
        "--basedir",
        metavar="DIR",
        help="keep all settings and data under DIR (also: env SLEEPPLAYER_HOME)",
    )
    return parser


#: Options whose value may look like an option: ``--sleep -5m`` would get argparse's puzzling
#: "expected one argument"; attached (``--sleep=-5m``) the value gets its own message.
_SIGNED_VALUES = ("--sleep", "--fade", "--extend", "--volume")


def attach_signed_values(argv: Sequence[str]) -> list[str]:
    """``--sleep -5m`` becomes ``--sleep=-5m``; everything else stays as it is."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in _SIGNED_VALUES and arg[:2] in {f"-{d}" for d in "0123456789."}:
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(attach_signed_values(sys.argv[1:] if argv is None else argv))
    claim = None
    details = (args.fade, args.fade_curve, args.after)
    try:
        timer = timer_options_from_args(args)
    except TimerOptionsError as exc:  # options that each parse but do not go together
        print(f"sleepplayer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not timer.arms and any(d is not None for d in details):
        # Taken silently, they would change nothing: the running timer keeps its own.
        print(
            "sleepplayer: --fade, --fade-curve and --after go with --sleep, --sleep-at,"
            " --sleep-end-of-track or --sleep-after-tracks (Settings sets the defaults)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.headless and (args.verb or args.extend is not None):
        print(
            "sleepplayer: --headless plays on its own and takes no control options", file=sys.stderr
        )
        return EXIT_USAGE
    if not args.headless:
        # Before anything heavy loads: a second launch forwards and exits in a few ms.
        from sleepplayer.second_launch import forward

        outcome = forward(args)
        if isinstance(outcome, int):
            return outcome
        claim = outcome
    from sleepplayer.desktop import pyside_import_hook

    pyside_import_hook.install()
    if args.headless:
        if not args.items:
            print("sleepplayer: --headless needs something to play", file=sys.stderr)
            return EXIT_USAGE
        from sleepplayer.headless import run_headless

        return run_headless(args)
    problem = missing_display(os.environ, sys.platform)
    if problem:
        print(f"sleepplayer: {problem}", file=sys.stderr)
        return EXIT_FAILED
    from sleepplayer.app import run_app

    return run_app(args, instance=claim)


def missing_display(environ: Mapping[str, str], platform: str) -> str | None:
    """Why the window cannot open here (an X11/Wayland system with no display: an ssh login,
    a console), or None. Qt itself would abort with a message about its plugins."""
    if platform.startswith(("win", "darwin")) or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is "
        "set). Start it from the desktop, or play without a window: sleepplayer --headless "
        "FILE…"
    )
