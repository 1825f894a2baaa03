"""Start-up pieces shared by the window app and the headless player."""

from __future__ import annotations

import os
from collections.abc import Sequence

from sleepplayer.core.links import OpenItems, has_scheme, is_playlist_file, is_web_url, local_path
from sleepplayer.core.model import Library
from sleepplayer.playback.backend import PlaybackBackend
from sleepplayer.playback.vlc_install import install_help
from sleepplayer.services.opened_files import OpenedFiles
from sleepplayer.services.usable_items import (
    Checked,
    Unusable,
    set_aside_unusable,
    split_by_policy,
)


class VlcUnavailableError(RuntimeError):
    """libVLC could not be loaded; the message says how to install it on this OS."""


#: Picks libVLC's audio output (e.g. "pulse", "alsa", "amem"), for troubleshooting and tests.
AOUT_ENV = "SLEEPPLAYER_AOUT"


def create_backend(**options: object) -> PlaybackBackend:
    """The real libVLC engine, or VlcUnavailableError with install instructions."""
    if os.environ.get(AOUT_ENV) and "aout" not in options:
        options["aout"] = os.environ[AOUT_ENV]
    try:
        from sleepplayer.playback.vlc_backend import VlcUnavailableError as EngineUnavailable
        from sleepplayer.playback.vlc_backend import create_vlc_backend
    except Exception as exc:  # python-vlc raises assorted errors when libvlc is absent
        raise VlcUnavailableError(
            f"SleepPlayer needs VLC 3, which could not be loaded ({exc}).\n{install_help()}"
        ) from exc
    try:
        return create_vlc_backend(**options)
    except EngineUnavailable as exc:
        # The engine already wrote the whole message, install steps included: pass it on.
        raise VlcUnavailableError(str(exc)) from exc
    except Exception as exc:
        raise VlcUnavailableError(
            f"SleepPlayer needs VLC 3, which could not be started ({exc}).\n{install_help()}"
        ) from exc


def expand_items(items: Sequence[str], library: Library) -> OpenItems:
    """Sort command-line items, in their order: web links, playlist files, files and folders,
    saved playlists.

    ``file:`` URIs (from a desktop file's ``%U``) count as paths. Other schemes (``smb:``) go
    with the links, so the URL policy refuses them with a message. Anything else that is
    neither an existing path nor a playlist name is kept as a path, so it shows up marked
    unavailable instead of vanishing.
    """
    opened = OpenItems()
    for item in items:
        if is_web_url(item):
            opened.add("url", item)
            continue
        path = local_path(item)
        if path is None or not os.path.exists(path):
            named = next(
                (p for p in library.playlists if p.name.casefold() == item.casefold()), None
            )
            if named is not None:
                opened.add("playlist", named)
                continue
            if path is None and has_scheme(item):
                opened.add("url", item)
                continue
        path = path or item
        opened.add("playlist_file" if is_playlist_file(path) else "path", path)
    return opened


def open_items(opened: OpenedFiles, items: Sequence[str], library: Library) -> list[Unusable]:
    """Play items opened from outside (a second launch, MPRIS OpenUri) through ``opened``:
    a saved playlist by name, or files, folders, playlist files and web links gathered in
    "Opened files" (see :mod:`sleepplayer.services.opened_files`).

    Returns the items left out (not there, refused; see
    :mod:`sleepplayer.services.usable_items`) for the caller to name. With none usable,
    nothing changes: what plays plays on."""
    checked = check_items(items, library)
    if checked.has_usable():
        opened.open(checked.usable)
    return checked.unusable


def check_items(items: Sequence[str], library: Library) -> Checked:
    """Opened items sorted by kind, with those that cannot be used set aside and named: what
    the URL policy refuses first, then what is not there (see
    :mod:`sleepplayer.services.usable_items`)."""
    allowed, refused = split_by_policy(items)
    checked = set_aside_unusable(expand_items(allowed, library))
    checked.unusable[:0] = refused
    return checked
