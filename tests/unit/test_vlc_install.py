"""The VLC install text: one for each OS, the same wherever VLC turns out to be missing."""

from __future__ import annotations

import pytest

from sleepplayer.playback.vlc_install import install_help


@pytest.mark.parametrize(
    ("platform_name", "expected"),
    [
        ("linux", "sudo apt install libvlc5 libvlc-bin vlc-plugin-base"),
        ("win32", "VLC 3 for Windows (64-bit"),
        ("darwin", "brew install --cask vlc"),
        ("freebsd", "VLC 3"),
    ],
)
def test_each_os_is_told_how_to_install_vlc_3(platform_name: str, expected: str) -> None:
    text = install_help(platform_name)
    assert expected in text
    assert text.endswith("start SleepPlayer again.")
