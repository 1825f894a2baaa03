"""core.text: words for counts, and text made safe to show."""

from __future__ import annotations

from sleepplayer.core.text import counted, one_line, plural, shorten


def test_plurals_and_counts() -> None:
    assert [plural(2, w) for w in ("track", "entry", "key", "day")] == [
        "tracks", "entries", "keys", "days",
    ]  # fmt: skip
    assert plural(1, "entry") == "entry"
    assert counted(1, "track") == "1 track"
    assert counted(3011, "track") == "3,011 tracks"  # as the playlist header writes it


def test_separators_and_invisible_marks_do_not_reach_the_screen() -> None:
    # A line separator broke a status-bar message in two; a byte-order mark or zero-width
    # space hid inside a name.
    assert one_line("Rain\u2028on\u2029a\ufeffroof\u200b") == "Rain on a roof"
    assert shorten("a\u2028b") == "a\ufffdb"
    assert one_line("\U0001f468\u200d\U0001f469") == "\U0001f468\u200d\U0001f469"  # joiner kept
