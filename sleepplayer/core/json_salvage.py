"""What can be read of a damaged JSON document: everything before the damage.

A file cut short (a full disk, a crash of the machine mid-write on a file system without
atomic renames) or garbled somewhere holds a valid document up to the damage. Cut it back to
the last complete value before that point and close what is still open: ``{"playlists":
[{…}, {…}, {"name": "Ra`` gives the first two playlists. Only the JSON text is mended here;
what the values mean is checked by the document's own lenient parser, as for any file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_CLOSER = {"{": "}", "[": "]"}


@dataclass(frozen=True)
class Salvaged:
    """What a damaged document gives back."""

    value: dict[str, Any]
    #: Where the cut is: the keys and indexes of the innermost member that was still open
    #: there, so cut short (``("playlists", 2, "tracks")``); ``()`` when only the outer object
    #: was, and so every member read is whole.
    cut_in: tuple[str | int, ...]


def salvage(text: str, damage_at: int) -> Salvaged | None:
    """The object that ``text[:damage_at]`` begins, closed after its last complete value;
    None when not even that is an object (the damage is in its first value)."""
    cut = _last_clean_cut(text[:damage_at])
    if cut is None:
        return None
    end, still_open = cut
    mended = text[:end] + "".join(_CLOSER[c] for c in reversed(still_open))
    try:
        obj = json.loads(mended)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    return Salvaged(obj, _last_members(obj, len(still_open) - 1))


def _last_members(obj: dict[str, Any], depth: int) -> tuple[str | int, ...]:
    """The path that follows the last member ``depth`` times: everything open at the cut
    is the last value of what holds it, as the text ends there."""
    path: list[str | int] = []
    node: Any = obj
    for _ in range(depth):
        if isinstance(node, dict) and node:
            key = list(node)[-1]
            path.append(key)
            node = node[key]
        elif isinstance(node, list) and node:
            path.append(len(node) - 1)
            node = node[-1]
        else:
            break
    return tuple(path)


def _last_clean_cut(text: str) -> tuple[int, str] | None:
    """Where ``text`` may be cut so that closing the open brackets makes it valid: just before
    a comma (the value before it is complete) or just after a closing bracket, with the
    brackets open there. None when there is no such place inside an outer object."""
    stack: list[str] = []
    in_string = escaped = False
    found: tuple[int, str] | None = None
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in _CLOSER:
            stack.append(ch)
        elif ch in "}]":
            if not stack or _CLOSER[stack.pop()] != ch:
                break  # a stray bracket: the damage starts here
            found = (i + 1, "".join(stack))
            if not stack:
                break  # the whole object is there; what follows it is the damage
        elif ch == "," and stack:
            found = (i, "".join(stack))
    if found is None or not text.lstrip().startswith("{"):
        return None
    return found
