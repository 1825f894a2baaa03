"""A launch with a SleepPlayer already running: forward the command line to it and exit.

``sleepplayer --pause`` bound to a global shortcut must act at once, so this module and what
it imports are plain Python: no PySide6, no libVLC (see ``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

from sleepplayer.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, timer_options_from_args
from sleepplayer.core.instance_address import instance_address
from sleepplayer.core.links import absolute_items
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.remote_message import (
    ProtocolError,
    RemoteRequest,
    Verb,
    encode_request,
)
from sleepplayer.core.timer_options import TimerOptionsError
from sleepplayer.desktop.instance_client import (
    Claim,
    Forwarded,
    InstanceError,
    forward_or_claim,
)

NOT_RUNNING = "SleepPlayer is not running"


def request_from_args(args: argparse.Namespace, cwd: str | None = None) -> RemoteRequest:
    """The command line as a request (ProtocolError or TimerOptionsError when it cannot be
    one)."""
    verb = Verb.EXTEND if args.extend is not None else Verb(args.verb) if args.verb else None
    return RemoteRequest(
        items=absolute_items(args.items, cwd or os.getcwd()),
        verb=verb,
        extend_s=args.extend,
        volume=args.volume,
        timer=timer_options_from_args(args),
    )


def launch_raises_window(args: argparse.Namespace) -> bool:
    """Whether this command line brings the window up (:attr:`RemoteRequest.raises_window`),
    also when it starts SleepPlayer: a verb or timer option bound to a shortcut does not."""
    try:
        return request_from_args(args).raises_window
    except (ProtocolError, TimerOptionsError):
        return True  # not a request at all: a plain start


def forward(args: argparse.Namespace) -> int | Claim | None:
    """Forward to the running instance: an exit code when this launch is done.

    Otherwise this process is to be the app: a Claim (it is now the primary and must
    listen), or None when single instance is unavailable (an unsafe runtime folder; the
    app then runs on its own).
    """
    try:
        request = request_from_args(args)
        # Too long to pass: refused here, with exit 2 (with room for the expiry send() adds).
        encode_request(replace(request, expires_at=time.time()))
    except (ProtocolError, TimerOptionsError) as exc:
        print(f"sleepplayer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    address = instance_address(AppPaths.resolve(args.basedir))
    try:
        outcome = forward_or_claim(address, request, may_start=request.starts_app)
    except OSError as exc:  # InstanceDirError, or a lock file that cannot be opened
        if not request.starts_app:
            print(f"sleepplayer: cannot reach a running SleepPlayer: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"sleepplayer: running without single-instance control: {exc}", file=sys.stderr)
        return None
    except InstanceError as exc:
        print(f"sleepplayer: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if isinstance(outcome, Forwarded):
        if outcome.reply.text:
            print(f"sleepplayer: {outcome.reply.text}", file=sys.stderr)
        return EXIT_OK if outcome.reply.ok else EXIT_FAILED
    if isinstance(outcome, Claim):
        return outcome
    print(f"sleepplayer: {NOT_RUNNING}", file=sys.stderr)
    return EXIT_FAILED
