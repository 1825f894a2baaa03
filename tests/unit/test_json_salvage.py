"""Salvage of a damaged JSON document: the object up to its last complete value."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sleepplayer.core.json_salvage import Salvaged, salvage

_DOC = json.dumps(
    {
        "schema_version": 2,
        "playlists": [
            {"name": 'Rain, "soft" [1]', "tracks": [{"uri": "file:///a%20b.ogg", "t": 1.5}]},
            {"name": "Sea {2}", "tracks": [{"uri": "x\\\\y"}, {"uri": "z", "n": None}]},
        ],
        "current": "p1",
    },
    indent=1,
)


def _within(part: object, whole: object) -> bool:
    """``part`` is ``whole`` with some trailing members or items left out."""
    if isinstance(part, dict) and isinstance(whole, dict):
        keys = list(part)
        return keys == list(whole)[: len(keys)] and all(_within(part[k], whole[k]) for k in keys)
    if isinstance(part, list) and isinstance(whole, list):
        return len(part) <= len(whole) and all(map(_within, part, whole))
    return part == whole


@given(st.integers(min_value=0, max_value=len(_DOC)))
def test_a_document_cut_anywhere_gives_back_what_came_before_the_cut(cut: int) -> None:
    # Brackets and commas inside strings are text, not structure.
    found = salvage(_DOC[:cut], cut)
    assert found is None or _within(found.value, json.loads(_DOC))
    if cut == len(_DOC):
        assert found is not None and found.value == json.loads(_DOC) and found.cut_in == ()


def test_what_follows_a_whole_object_is_not_needed_and_a_first_value_cut_gives_nothing() -> None:
    assert salvage('{"a": [1, 2]}garbage', 13) == Salvaged({"a": [1, 2]}, ())
    assert salvage('{"a": [1, 2', 11) == Salvaged({"a": [1]}, ("a",))
    assert salvage('{"a": "unfinished', 17) is None
    assert salvage("[1, 2, 3", 8) is None  # not an object


def test_the_cut_names_the_member_it_cut_short() -> None:
    cut = _DOC.index('"z"')  # inside the second playlist's second track
    found = salvage(_DOC[:cut], cut)
    assert found is not None
    assert found.cut_in == ("playlists", 1, "tracks")  # its second track was not whole
    assert found.value["playlists"][1]["tracks"] == [{"uri": "x\\\\y"}]
    between = _DOC.index("{", _DOC.index("Sea") - 20)  # just before the second playlist
    found = salvage(_DOC[:between], between)
    assert found is not None and found.cut_in == ("playlists",)
