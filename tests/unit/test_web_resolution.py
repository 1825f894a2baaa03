"""WebResolution: the controller's current and ahead-of-time requests to the resolver."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from sleepplayer.core.web_media import ResolvedMedia
from sleepplayer.services.web_resolution import WebResolution
from tests.helpers.fake_resolver import FakeResolver, media

PAGE = "https://video.example/watch?v=1"
NEXT = "https://video.example/watch?v=2"


def _resolution(resolver: FakeResolver) -> tuple[WebResolution, list[Any], list[str]]:
    web = WebResolution(resolver)
    answers: list[Any] = []
    failures: list[str] = []
    web.resolved.connect(answers.append)
    web.failed.connect(failures.append)
    return web, answers, failures


def test_the_pending_request_is_answered_once(qtbot: QtBot) -> None:
    resolver = FakeResolver()
    resolver.pages[PAGE] = media(PAGE, "http://127.0.0.1/a.opus")
    web, answers, _ = _resolution(resolver)
    with qtbot.waitSignal(web.resolved) as blocker:
        web.request(PAGE)
    assert isinstance(blocker.args[0], ResolvedMedia)
    assert answers == [blocker.args[0]]
    assert not web.pending
    assert web.cached(PAGE) is not None


def test_a_late_answer_for_a_left_item_is_dropped(qtbot: QtBot) -> None:
    resolver = FakeResolver()
    resolver.auto = False
    web, answers, failures = _resolution(resolver)
    web.request(PAGE)
    old = resolver.requests[-1][0]
    web.request(NEXT)  # the user moved on before the first answer came
    assert resolver.cancelled == [old]
    # An answer already on its way (posted before the cancel) must not start the old item.
    resolver.resolved.emit(old, media(PAGE, "http://127.0.0.1/old.opus"))
    resolver.failed.emit(old, "gone")
    assert answers == [] and failures == []
    assert web.pending


def test_failures_of_the_pending_request_are_reported(qtbot: QtBot) -> None:
    resolver = FakeResolver()
    resolver.pages[PAGE] = "This video is private"
    web, _, failures = _resolution(resolver)
    with qtbot.waitSignal(web.failed):
        web.request(PAGE, force=True)
    assert failures == ["This video is private"]
    assert resolver.requests[-1][2] is True  # forced past the cache


def test_resolving_ahead_fills_the_cache_and_emits_nothing(qtbot: QtBot) -> None:
    resolver = FakeResolver()
    resolver.pages[NEXT] = media(NEXT, "http://127.0.0.1/b.opus")
    web, answers, failures = _resolution(resolver)
    web.resolve_ahead(NEXT)
    qtbot.waitUntil(lambda: web.cached(NEXT) is not None)
    assert answers == [] and failures == []
    web.resolve_ahead(NEXT)  # cached already: no second request
    assert len(resolver.requests) == 1


def test_the_factory_runs_only_when_a_page_needs_it_and_its_resolver_is_shut_down() -> None:
    made: list[FakeResolver] = []

    def factory() -> FakeResolver:
        made.append(FakeResolver())
        return made[-1]

    web = WebResolution(factory=factory)
    assert web.available and made == []
    assert web.cached(PAGE) is None
    web.request(PAGE)
    assert len(made) == 1
    web.shutdown()
    assert made[0].was_shut_down


def test_an_injected_resolver_is_not_shut_down_and_none_means_play_as_is() -> None:
    resolver = FakeResolver()
    resolver.auto = False
    web = WebResolution(resolver)
    web.request(PAGE)
    web.resolve_ahead(NEXT)
    web.shutdown()
    assert not resolver.was_shut_down
    assert sorted(resolver.cancelled) == [1, 2]
    assert not WebResolution().available
