"""Loading a C library through ctypes by whichever name this platform gives it."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterable


def load_first(short_name: str, file_names: Iterable[str]) -> ctypes.CDLL | None:
    """The library ``find_library(short_name)`` finds, else the first of ``file_names`` that
    loads (names for Linux, Windows and macOS), else None."""
    for name in (ctypes.util.find_library(short_name), *file_names):
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None
