"""--help says what the command line does, and agrees with the README."""

from __future__ import annotations

import re
from pathlib import Path

from sleepplayer.cli import build_parser
from sleepplayer.core.links import PLAYLIST_SUFFIXES
from sleepplayer.core.remote_message import STARTING_VERBS

README = Path(__file__).resolve().parents[2] / "README.md"


def _help() -> str:
    return " ".join(build_parser().format_help().split())


def _flags(text: str) -> set[str]:
    return set(re.findall(r"--[a-z][a-z-]*", text))


def test_help_names_every_kind_of_item() -> None:
    text = _help()
    for suffix in PLAYLIST_SUFFIXES:
        assert suffix in text
    assert "http" in text and "YouTube" in text and "saved playlists" in text


def test_help_says_the_timer_pauses_rather_than_stops() -> None:
    text = _help()
    assert "pause (or what --after says) after TIME" in text
    assert "stop after" not in text  # the end action is pause unless told otherwise
    assert "1 s to 12 h" in text


def test_help_and_readme_agree_on_what_starts_the_app() -> None:
    starting = {f"--{verb.value}" for verb in STARTING_VERBS}
    found = re.search(r"With none running, (.*?) start it", _help())
    assert found is not None
    assert _flags(found.group(1)) == starting
    readme = " ".join(README.read_text(encoding="utf-8").split())
    found = re.search(r"With nothing running, (.*?) start SleepPlayer", readme)
    assert found is not None
    assert _flags(found.group(1)) - {"--volume"} == starting
    # Both say the other verbs fail with exit code 1.
    assert "not running and exit 1" in _help()
    assert "`SleepPlayer is not running` and exit 1" in readme
