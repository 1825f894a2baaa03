"""Entry locations and URIs, both ways: what a playlist line says, resolved against the
playlist's own location into a ``file://`` URI or http(s) URL (then checked by the URL policy),
and a URI written back as an absolute or relative location.

Conventions, on every platform:

- Local files become canonical ``file://`` URIs: the path percent-encoded like
  ``Path.as_uri()`` (everything but unreserved characters and ``/``), a Windows drive kept as
  ``file:///C:/...``. A file URI read from a playlist is re-encoded the same way, so the same file
  always has the same URI.
- Backslashes in plain paths are separators (the file was made on Windows): ``Music\\a.mp3``
  resolves to ``Music/a.mp3``.
- Written M3U/PLS locations are plain paths: absolute ones in their own system's form
  (``/home/...`` or ``C:\\...``), relative ones always with ``/``. A path that cannot be written
  as a plain line (control characters, undecodable bytes, surrounding spaces, a backslash in a
  POSIX name) is written as its ``file://`` URI instead. XSPF locations are URIs or relative URI
  references.
- A first path component that looks like a drive (``/C:``, ``/C:/...``) is a Windows drive, as
  ``file:///C:/`` is in every other player. So a POSIX folder named ``C:`` directly under ``/``
  reads as drive C:. No real system has one; the round-trip tests leave such names out.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, quote_from_bytes, unquote, urljoin, urlsplit

from sleepplayer.core.url_policy import CONTROL, DRIVE, MAX_LOCATION_CHARS, SCHEME, check_uri

#: Characters kept as they are when a relative URL reference is made absolute: the reserved
#: ones and ``%``; spaces and non-ASCII are encoded.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
_UNDECODABLE = re.compile(r"[\udc80-\udcff]")
_WINDOWS_URI_PATH = re.compile(r"/[A-Za-z]:(?:/|$)")
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f\ud800-\udfff]")


def resolve_location(
    raw: str, *, base: str | None, remote: bool, uri_ref: bool = False
) -> tuple[str | None, str | None]:
    """``(uri, None)`` for an acceptable entry, else ``(None, reason)``.

    ``base`` is the playlist's own location (``file://`` URI or http(s) URL). ``uri_ref`` says
    ``raw`` is a URI reference (XSPF, percent-encoded) rather than a plain path (M3U, PLS).
    """
    text = raw.strip()
    if not text:
        return None, "blank entry"
    if len(text) > MAX_LOCATION_CHARS:
        return None, f"longer than {MAX_LOCATION_CHARS:,} characters"
    if CONTROL.search(text):
        return None, "contains control characters"
    if _UNDECODABLE.search(text):
        return None, "not valid UTF-8 text"
    uri, reason = _to_uri(text, base, uri_ref)
    if uri is None:
        return None, reason
    reason = check_uri(uri, remote=remote)
    return (None, reason) if reason else (uri, None)


def _to_uri(text: str, base: str | None, uri_ref: bool) -> tuple[str | None, str | None]:
    if DRIVE.match(text):
        return path_to_uri(text), None
    if SCHEME.match(text):
        return (normalize_file_uri(text) if text[:5].lower() == "file:" else text), None
    base_match = SCHEME.match(base or "")
    base_scheme = base_match.group(1).lower() if base_match else ""
    web_base = base_scheme in ("http", "https")
    if text.startswith("\\\\") or (text.startswith("//") and not web_base):
        return text, None  # a network path: the policy names it
    if web_base:
        assert base is not None
        ref = text if uri_ref else text.replace("\\", "/")
        try:
            return urljoin(base, quote(ref, safe=_URL_SAFE)), None
        except ValueError:
            return None, "not a valid address"
    path = text.replace("\\", "/")  # before decoding: an encoded %5C is part of a name
    if uri_ref:
        try:
            path = unquote(urlsplit(path).path, errors="surrogateescape")
        except ValueError:
            return None, "not a valid address"
    if path.startswith("/"):
        return path_to_uri(path), None
    base_path = file_uri_path(base) if base_scheme == "file" and base else None
    if base_path is None:
        return None, "a relative path, but the playlist's location is unknown"
    return uri_path_to_uri(posixpath.join(posixpath.dirname(base_path), path)), None


def path_to_uri(path: str) -> str:
    """An absolute POSIX path or Windows drive path as a canonical ``file://`` URI."""
    if DRIVE.match(path):
        path = path.replace("\\", "/")
        return "file:///" + path[:2] + _quote_path(posixpath.normpath(path[2:] or "/"))
    return "file://" + _quote_path(posixpath.normpath(path))


def uri_path_to_uri(path: str) -> str:
    """A decoded URI path (``/home/a``, ``/C:/a``) as a canonical ``file://`` URI."""
    return path_to_uri(path[1:] if _WINDOWS_URI_PATH.match(path) else path)


def file_uri_path(uri: str) -> str | None:
    """The decoded path of a local ``file:`` URI (``/C:/...`` for Windows drives), else None."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc.lower() not in ("", "localhost"):
        return None
    path = unquote(parts.path, errors="surrogateescape")
    if DRIVE.match(path):  # file:C:/x
        path = "/" + path
    if DRIVE.match(path[1:]):
        path = path.replace("\\", "/")
    return path if path.startswith("/") and not path.startswith("//") else None


def normalize_file_uri(uri: str) -> str:
    """A local ``file:`` URI re-encoded canonically; anything else (remote host, relative,
    malformed) is returned unchanged for the policy to refuse."""
    path = file_uri_path(uri)
    return uri if path is None else uri_path_to_uri(path)


def export_location(uri: str, *, folder: str | None, plain: bool) -> str:
    """How ``uri`` is written into a playlist.

    ``folder`` is the decoded URI path of the playlist's folder when relative locations are
    wanted, else None. ``plain``: a path line (M3U, PLS) rather than a URI (XSPF). Files in the
    folder, or in its parent folder's tree (``../Rain/a.mp3``), are written relative to it.
    Stream and web URLs are kept, with only whitespace and control characters encoded.
    """
    path = file_uri_path(uri)
    if path is None:
        return _URL_UNSAFE.sub(_percent, uri)
    relative = _relative(path, folder) if folder is not None else None
    if relative is not None:
        if ":" in relative.split("/", 1)[0] or relative.startswith("#"):
            relative = "./" + relative  # or it would read as a scheme or a comment
        if not plain:
            return _quote_path(relative)
        if _plain_ok(relative, windows=False):
            return relative
    if not plain:
        return uri_path_to_uri(path)
    windows = bool(_WINDOWS_URI_PATH.match(path))
    native = path[1:].replace("/", "\\") if windows else path
    return native if _plain_ok(native, windows=windows) else uri_path_to_uri(path)


def _relative(path: str, folder: str) -> str | None:
    folder = folder.rstrip("/")
    parent = posixpath.dirname(folder)
    candidates = [(folder, "")]
    if parent not in ("", "/") and not re.fullmatch(r"/[A-Za-z]:", parent):
        candidates.append((parent, "../"))
    for prefix, up in candidates:
        if path.startswith(prefix + "/") and len(path) > len(prefix) + 1:
            return up + path[len(prefix) + 1 :]
    return None


def _plain_ok(text: str, *, windows: bool) -> bool:
    return not (
        CONTROL.search(text)
        or _UNDECODABLE.search(text)
        or text != text.strip()
        or text.startswith("#")
        or (not windows and "\\" in text)
    )


def _quote_path(path: str) -> str:
    return quote_from_bytes(_utf8(path), safe="/")


def _percent(match: re.Match[str]) -> str:
    return quote_from_bytes(_utf8(match.group()))


def _utf8(text: str) -> bytes:
    """Bytes of ``text``; the lone surrogates ``unquote(errors="surrogateescape")`` makes for
    undecodable bytes turn back into those bytes."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")
