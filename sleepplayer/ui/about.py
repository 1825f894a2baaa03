"""The About box's text: what this is, and the versions a bug report needs.

yt-dlp's version matters most: sites change, and users need to know what to update. It is read
only when About opens (from package metadata: yt-dlp itself is not imported).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import PySide6
from PySide6.QtCore import qVersion

from sleepplayer import APP_NAME, __version__
from sleepplayer.core.text import escape_markup


def _resolver_yt_dlp_version() -> str | None:
    from sleepplayer.playback.resolver import Resolver  # late: About is rare

    return Resolver.yt_dlp_version()


def _backend_vlc_versions() -> tuple[str, str]:
    from sleepplayer.playback.vlc_backend import versions as vlc_versions

    return vlc_versions()


def versions(
    yt_dlp_version: Callable[[], str | None] = _resolver_yt_dlp_version,
    vlc_versions: Callable[[], tuple[str, str]] = _backend_vlc_versions,
) -> list[tuple[str, str]]:
    """(component, version) pairs for the About box."""
    try:
        yt_dlp = yt_dlp_version() or "not installed"
    except Exception:  # a broken install must not break About
        yt_dlp = "unknown"
    try:
        libvlc, python_vlc = vlc_versions()
    except Exception:  # VlcUnavailableError, or a python-vlc without __version__
        libvlc = python_vlc = "unknown"
    return [
        (APP_NAME, __version__),
        ("libVLC", libvlc),
        ("python-vlc", python_vlc),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("yt-dlp", yt_dlp),
    ]


def about_html(pairs: Sequence[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{escape_markup(name)}</td><td>&nbsp;&nbsp;{escape_markup(version)}</td></tr>"
        for name, version in pairs
    )
    update = (
        "<p>Web pages are played with yt-dlp. When a site stops working, updating yt-dlp "
        "usually fixes it: <code>pip install -U yt-dlp</code>, run with the Python that "
        "runs SleepPlayer.</p>"
    )
    # The version is in the table, with the others: not twice.
    return (
        f"<b>{escape_markup(APP_NAME)}</b>"
        f"<p>Fall asleep to ASMR and sleep sounds.</p><table>{rows}</table>{update}"
    )
