"""Option values the command line refuses with a usage message (exit 2), never a traceback:
values that look like options (``--sleep -5m``), out-of-range counts, options that clash."""

from __future__ import annotations

import pytest

from sleepplayer.cli import EXIT_USAGE, attach_signed_values, main


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--sleep", "-5m", "a time cannot be negative"),
        ("--fade", "-30s", "a time cannot be negative"),
        ("--extend", "-10m", "a time cannot be negative"),
        ("--volume", "-5", "the volume goes from 0 to 100"),
    ],
)
def test_a_negative_value_is_named_not_taken_for_an_option(
    option: str, value: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--headless", option, value])
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"argument {option}: " in err and says in err
    assert "expected one argument" not in err


def test_only_the_value_of_such_an_option_is_attached() -> None:
    assert attach_signed_values(["--sleep", "-5m", "-5.mp3", "--fade", "30s"]) == [
        "--sleep=-5m",
        "-5.mp3",
        "--fade",
        "30s",
    ]
    assert attach_signed_values(["--headless", "-v"]) == ["--headless", "-v"]


@pytest.mark.parametrize(
    "alone", [["--fade", "20s"], ["--after", "stop"], ["--fade-curve", "linear"]]
)
def test_timer_details_without_a_timer_are_refused_not_ignored(
    alone: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Taken silently, "--fade 20s" changed nothing: the running timer kept its own fade.
    assert main(alone) == EXIT_USAGE
    assert "go with --sleep" in capsys.readouterr().err


def test_a_track_count_out_of_range_is_a_usage_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--sleep-after-tracks", "1000"])
    assert exited.value.code == EXIT_USAGE
    assert "give 1 to 999" in capsys.readouterr().err


def test_a_fade_longer_than_the_timer_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # It was taken, and the timer began already fading: "fading out · 5 min left".
    assert main(["--sleep", "5m", "--fade", "10m"]) == EXIT_USAGE
    assert "the fade is longer than the sleep timer" in capsys.readouterr().err
