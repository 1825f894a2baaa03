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


def _items(*pairs: tuple[str, str]) -> OpenItems:
    items = OpenItems()
    for kind, value in pairs:
        items.add(kind, value)
    return items


def test_a_cancel_while_links_are_checked_stops_only_this_loads_links(qtbot: QtBot) -> None:
    library = _library()
    loader = ItemLoader(library)
    finished: list[object] = []
    loader.finished.connect(lambda *args: finished.append(args))
    loader.load("p", _items(("path", "/music/a.ogg"), ("url", "https://example.org/rain")))
    assert library.calls[-1][0] == "add_urls"  # the files are in, the link is being checked
    loader.cancel()
    assert library.calls[-1] == ("cancel_job", 2)  # not the playlist's other work
    with qtbot.waitSignal(loader.cancelled):
        library.job_finished.emit(2, 0, True)  # as the real library does for a cancelled batch
    assert finished == []


def test_a_cancel_after_all_is_in_but_before_it_is_reported(qtbot: QtBot) -> None:
    library = _library()
    loader = ItemLoader(library)
    finished: list[object] = []
    loader.finished.connect(lambda *args: finished.append(args))
    loader.load("p", _items(("path", "/music/a.ogg")))  # "finished" is on its way
    with qtbot.waitSignal(loader.cancelled):
        loader.cancel()
    assert finished == []
    assert not [c for c in library.calls if str(c[0]).startswith("cancel")]  # nothing ran


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
        library.job_finished.emit(1, 1, False)  # the first link is in: the files, then the last
        steps = [call for call in library.calls if call[0] in ("add_urls", "add_paths")]
        assert steps == [
            ("add_urls", "p", ["https://example.org/first"], None),
            ("add_paths", "p", ["/music/a.ogg", "/music/b.ogg"], None),
            ("add_urls", "p", ["https://example.org/last"], None),
        ]
        library.job_finished.emit(3, 1, False)


def test_two_loads_into_one_playlist_wait_each_for_its_own_jobs(qtbot: QtBot) -> None:
    library = _library()
    first, second = ItemLoader(library), ItemLoader(library)
    first.load("p", _items(("url", "https://example.org/a")), row=0)  # job 1
    second.load("p", _items(("url", "https://example.org/b"), ("path", "/music/c.ogg")), row=0)
    first_job, second_job = (c for c in library.calls if c[0] == "add_urls")
    assert first_job[3] == 0 and second_job[3] == 0
    with qtbot.waitSignal(first.finished):
        library.job_finished.emit(1, 1, False)  # the first load's link: not the second's
    assert not any(call[0] == "add_paths" for call in library.calls)
    with qtbot.waitSignal(second.finished):
        library.job_finished.emit(2, 1, False)
    # After its own link (1 row in at row 0), not after the other load's.
    assert library.calls[-1] == ("add_paths", "p", ["/music/c.ogg"], 1)


def test_a_load_into_a_playlist_deleted_meanwhile_still_finishes(qtbot: QtBot) -> None:
    library = _library()
    loader = ItemLoader(library)
    loader.load("p", _items(("url", "https://example.org/a"), ("path", "/music/c.ogg")))
    library.delete_playlist("p")
    with qtbot.waitSignal(loader.finished):
        library.job_finished.emit(1, 0, False)
    assert not any(call[0] == "add_paths" for call in library.calls)


def test_the_users_stop_ends_the_whole_load(qtbot: QtBot) -> None:
    # The progress bar's Stop cancels the running check: the folder after it is not scanned.
    library = _library()
    loader = ItemLoader(library)
    loader.load("p", _items(("url", "https://example.org/a"), ("path", "/music")))
    with qtbot.waitSignal(loader.finished):
        library.job_finished.emit(1, 0, True)
    assert not any(call[0] == "add_paths" for call in library.calls)
