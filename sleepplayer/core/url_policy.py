"""Which addresses a playlist entry may use: the untrusted-input policy of DESIGN.md.

A playlist read from disk may reference local files (``file:``) and web media (``http``,
``https``); a playlist downloaded from the web may only reference the web. Everything else is
refused with a short reason meant for the user: other schemes (``smb:``, ``dshow:``, ``v4l2:``,
``screen:``, ``vlc:`` ...) would let a shared file reach devices, the desktop or VLC itself, and
network paths (``\\\\host\\share``, ``//host/share``, ``file://host/...``) would make the
machine connect to whatever host the file names.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

#: Schemes a playlist read from a local file may use.
ALLOWED_LOCAL: tuple[str, ...] = ("file", "http", "https")
#: Schemes a playlist downloaded from the web may use.
ALLOWED_REMOTE: tuple[str, ...] = ("http", "https")

#: Longer playlist locations are refused: no real path or URL comes near this.
MAX_LOCATION_CHARS = 8192
#: Longer URIs are refused (a long non-ASCII path triples in length when percent-encoded).
MAX_URI_CHARS = 4 * MAX_LOCATION_CHARS

SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
#: ``C:\...``, ``C:/...`` or a bare ``C:``.
DRIVE = re.compile(r"[A-Za-z]:(?:[\\/]|$)")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
UNDECODABLE = re.compile(r"[\ud800-\udfff]")

NETWORK_PATH = "network paths are not allowed"
CONTROL_CHARACTERS = "contains control characters"
NOT_VALID_TEXT = "not valid text"
LOCAL_FROM_WEB = "local files are not allowed in a playlist from the web"


def check_uri(uri: str, *, remote: bool) -> str | None:
    """Why ``uri`` may not be played from a playlist, or None when it may.

    ``remote`` is True for a playlist downloaded from the web. Plain paths (no scheme) count
    as local files. The reason is a short phrase, e.g. ``"smb: addresses are not allowed"``.
    """
    text = uri.strip()
    if not text:
        return "blank entry"
    if len(text) > MAX_URI_CHARS:
        return f"longer than {MAX_URI_CHARS:,} characters"
    if CONTROL.search(text):
        return CONTROL_CHARACTERS
    if UNDECODABLE.search(text):
        return NOT_VALID_TEXT
    if text.startswith(("\\\\.\\", "\\\\?\\", "//./", "//?/")):
        return "Windows device paths are not allowed"
    if text.startswith(("\\\\", "//")):
        return NETWORK_PATH
    match = SCHEME.match(text)
    if DRIVE.match(text) or match is None:
        return LOCAL_FROM_WEB if remote else None
    scheme = match.group(1).lower()
    if scheme not in (ALLOWED_REMOTE if remote else ALLOWED_LOCAL):
        return LOCAL_FROM_WEB if scheme == "file" else f"{scheme}: addresses are not allowed"
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "not a valid address"
    if scheme == "file":
        return _check_file(parts.netloc, parts.path)
    if not host:
        return "the address has no host"
    return None


def _check_file(netloc: str, path: str) -> str | None:
    if netloc.lower() not in ("", "localhost"):
        return NETWORK_PATH
    decoded = unquote(path)
    # Two leading slashes, or two backslashes after the slash (UNC), name another
    # machine; a single backslash is only part of a file name.
    network = decoded.startswith("//") or decoded.lstrip("/").startswith("\\\\")
    plain = decoded.replace("\\", "/")
    if network or plain[:1] != "/":
        return NETWORK_PATH if network else "a file: address must be absolute"
    return None
