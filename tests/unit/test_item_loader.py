"""ItemLoader.cancel: a load stopped part-way says ``cancelled`` once the library adds nothing
more from it, never ``finished``, and stops only its own playlist's work."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from sleepplayer.core.links import OpenItems
from sleepplayer.core.model import Library, Playlist
from sleepplayer.services.item_loader import ItemLoader
from tests.helpers.fake_services import FakeLibraryService


def _library() -> FakeLibraryService:
    return FakeLibraryService(Library([Playlist("Opened files", uid="p")], "p"))


def test_a_cancel_while_links_are_checked_stops_only_this_playlists_links(qtbot: QtBot) -> None:
    library = _library()
    loader = ItemLoader(library)
    finished: list[object] = []
    loader.finished.connect(lambda *args: finished.append(args))
    loader.load("p", OpenItems(paths=["/music/a.ogg"], urls=["https://example.org/rain"]))
    assert library.calls[-1][0] == "add_urls"  # the files are in, the link is being checked
    loader.cancel()
    assert library.calls[-1] == ("cancel_urls", "p")
    with qtbot.waitSignal(loader.cancelled):
        library.urls_finished.emit("p", 0)  # as the real library does for a cancelled batch
    assert finished == []


def test_a_cancel_after_all_is_in_but_before_it_is_reported(qtbot: QtBot) -> None:
    library = _library()
    loader = ItemLoader(library)
    finished: list[object] = []
    loader.finished.connect(lambda *args: finished.append(args))
    loader.load("p", OpenItems(paths=["/music/a.ogg"]))  # "finished" is on its way
    with qtbot.waitSignal(loader.cancelled):
        loader.cancel()
    assert finished == []
    assert ("cancel_scan", "p") not in library.calls  # nothing was running any more


def test_items_go_in_in_the_order_given_a_run_of_one_kind_at_a_time(qtbot: QtBot) -> None:
    library = _library()
    loader = ItemLoader(library)
    items = OpenItems()
    items.add("url", "https://example.org/first")
    items.add("path", "/music/a.ogg")
    items.add("path", "/music/b.ogg")
    items.add("url", "https://example.org/last")
    assert [kind for kind, _ in items.runs()] == ["url", "path", "url"]
    with qtbot.waitSignal(loader.finished):
        loader.load("p", items)
        assert library.calls[-1] == ("add_urls", "p", ["https://example.org/first"], None)
        library.urls_finished.emit("p", 1)  # the first link is in: now the files, then the last
        steps = [call for call in library.calls if call[0] in ("add_urls", "add_paths")]
        assert steps == [
            ("add_urls", "p", ["https://example.org/first"], None),
            ("add_paths", "p", ["/music/a.ogg", "/music/b.ogg"], None),
            ("add_urls", "p", ["https://example.org/last"], None),
        ]
        library.urls_finished.emit("p", 1)
