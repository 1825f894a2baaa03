"""How to get libVLC on this OS: the one text that the error dialog and the console show when
VLC is missing, too old, or built for another architecture. Imports nothing heavy, so it can be
used where python-vlc itself failed to load."""

from __future__ import annotations

import sys


def install_help(platform_name: str = sys.platform) -> str:
    if platform_name.startswith("linux"):
        return (
            "Install libVLC with your package manager, for example on Debian/Ubuntu:\n"
            "    sudo apt install libvlc5 libvlc-bin vlc-plugin-base\n"
            "(Fedora: sudo dnf install vlc-libs; Arch: sudo pacman -S vlc), and start "
            "SleepPlayer again."
        )
    import platform  # only on this error path: it would cost resident memory all night

    bits = "64-bit" if sys.maxsize > 2**32 else "32-bit"
    machine = f"{bits}, matching this Python: {platform.machine() or 'unknown'}"
    if platform_name.startswith("win"):
        return (
            f"Install VLC 3 for Windows ({machine}) from https://www.videolan.org/vlc/ "
            "and start SleepPlayer again."
        )
    if platform_name == "darwin":
        return (
            f"Install VLC 3 for macOS ({machine}) from https://www.videolan.org/vlc/ "
            "(or `brew install --cask vlc`) into /Applications and start SleepPlayer again."
        )
    return "Install VLC 3 (libVLC) for this system and start SleepPlayer again."
