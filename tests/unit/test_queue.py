"""Play order: repeat off/all/one, shuffle cycles, skipping, playlist edits."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sleepplayer.core.model import RepeatMode
from sleepplayer.core.queue import PlayQueue

ITEMS = ["a", "b", "c", "d"]


def make(
    items: list[str] = ITEMS, repeat: RepeatMode = RepeatMode.OFF, shuffle: bool = False
) -> PlayQueue:
    q = PlayQueue(random.Random(1))
    q.set_items(items)
    q.repeat = repeat
    q.shuffle = shuffle
    return q


def run(q: PlayQueue, count: int, *, auto: bool = True) -> list[str | None]:
    return [q.next(auto=auto) for _ in range(count)]


def test_empty_queue_has_nothing() -> None:
    q = PlayQueue()
    assert q.next(auto=True) is None
    assert q.previous() is None
    assert q.current is None


def test_repeat_off_plays_in_order_then_stops_and_keeps_cursor() -> None:
    q = make()
    assert run(q, 5) == ["a", "b", "c", "d", None]
    assert q.current == "d"
    assert q.next(auto=False) is None
    assert q.current == "d"


def test_repeat_all_wraps() -> None:
    q = make(repeat=RepeatMode.ALL)
    assert run(q, 6) == ["a", "b", "c", "d", "a", "b"]


def test_repeat_one_auto_repeats_but_manual_next_moves_on_and_wraps() -> None:
    q = make(repeat=RepeatMode.ONE)
    q.set_current("d")
    assert run(q, 3) == ["d", "d", "d"]
    assert q.next(auto=False) == "a"


def test_repeat_one_on_unplayable_current_moves_on() -> None:
    q = make(repeat=RepeatMode.ONE)
    q.set_current("b")
    assert q.next(auto=True, playable=lambda u: u != "b") == "c"


def test_previous_stops_at_start_with_repeat_off_and_wraps_otherwise() -> None:
    q = make()
    q.set_current("b")
    assert q.previous() == "a"
    assert q.previous() is None
    assert q.current == "a"
    for mode in (RepeatMode.ALL, RepeatMode.ONE):
        q.repeat = mode
        q.set_current("a")
        assert q.previous() == "d"


def test_skips_unplayable_and_gives_up_after_one_cycle() -> None:
    q = make(repeat=RepeatMode.ALL)
    assert q.next(auto=True, playable=lambda u: u in {"c"}) == "c"
    assert q.next(auto=True, playable=lambda u: u in {"c"}) == "c"
    assert q.next(auto=True, playable=lambda u: False) is None
    assert q.previous(playable=lambda u: False) is None
    assert q.current == "c"


def test_skip_stops_at_end_with_repeat_off() -> None:
    q = make()
    q.set_current("b")
    assert q.next(auto=True, playable=lambda u: u == "a") is None


def test_set_current_none_rewinds() -> None:
    q = make()
    q.set_current("c")
    q.set_current(None)
    assert q.next(auto=False) == "a"


def test_removed_current_continues_with_what_followed() -> None:
    q = make()
    q.set_current("b")
    q.set_items(["a", "c", "d"])
    assert q.current is None
    assert q.next(auto=True) == "c"
    q.set_items(["a", "c", "d", "e"])
    assert q.current == "c"
    assert q.next(auto=True) == "d"


def test_reorder_keeps_current() -> None:
    q = make()
    q.set_current("b")
    q.set_items(["d", "b", "a", "c"])
    assert q.current == "b"
    assert run(q, 3) == ["a", "c", None]


def test_shuffle_on_keeps_current_first_and_off_continues_in_playlist_order() -> None:
    q = make(items=[str(i) for i in range(20)])
    q.set_current("7")
    q.shuffle = True
    assert q.order[0] == "7"
    assert sorted(q.order) == sorted(str(i) for i in range(20))
    q.next(auto=True)
    now = q.current
    assert now is not None
    q.shuffle = False
    assert q.next(auto=True) == (str(int(now) + 1) if now != "19" else None)


def test_shuffle_set_items_keeps_history_and_adds_new_items_to_upcoming() -> None:
    q = make(items=[str(i) for i in range(10)], shuffle=True)
    played = run(q, 4)
    q.set_items([str(i) for i in range(12)] + ["x"])
    order = q.order
    assert list(order[:4]) == played
    assert q.current == played[-1]
    rest = run(q, 9)
    assert set(rest) == ({str(i) for i in range(12)} | {"x"}) - set(played)
    assert q.next(auto=True) is None


def test_shuffle_pick_counts_as_played_in_this_cycle() -> None:
    q = make(items=[str(i) for i in range(6)], repeat=RepeatMode.ALL, shuffle=True)
    q.next(auto=True)
    pick = q.order[-1]
    q.set_current(pick)
    cycle = [q.order[0], pick, *(uid or "" for uid in run(q, 4))]
    assert sorted(cycle) == [str(i) for i in range(6)]


def test_shuffle_wrap_never_repeats_the_last_track_first() -> None:
    for seed in range(200):
        q = PlayQueue(random.Random(seed))
        q.set_items(["a", "b", "c"])
        q.repeat = RepeatMode.ALL
        q.shuffle = True
        first = run(q, 3)
        assert q.next(auto=True) != first[-1]


def test_single_item_with_repeat_all_replays_it() -> None:
    q = make(items=["a"], repeat=RepeatMode.ALL, shuffle=True)
    assert run(q, 3) == ["a", "a", "a"]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 12), cycles=st.integers(1, 4), seed=st.integers(0, 2**32))
def test_shuffle_all_plays_each_track_once_per_cycle(n: int, cycles: int, seed: int) -> None:
    items = sorted(f"t{i:02d}" for i in range(n))
    q = PlayQueue(random.Random(seed))
    q.set_items(items)
    q.repeat = RepeatMode.ALL
    q.shuffle = True
    played = [q.next(auto=bool(i % 2)) or "" for i in range(n * cycles)]
    for c in range(cycles):
        assert sorted(played[c * n : (c + 1) * n]) == items
    for before, after in itertools.pairwise(played):
        assert n == 1 or before != after


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(0, 8),
    bad=st.sets(st.integers(0, 7)),
    mode=st.sampled_from(list(RepeatMode)),
    shuffle=st.booleans(),
    moves=st.lists(st.sampled_from(["next", "auto", "prev"]), max_size=20),
    seed=st.integers(0, 1000),
)
def test_skipping_unplayable_always_terminates_and_never_returns_unplayable(
    n: int, bad: set[int], mode: RepeatMode, shuffle: bool, moves: list[str], seed: int
) -> None:
    items = [f"t{i}" for i in range(n)]
    unplayable = {f"t{i}" for i in bad}
    calls = 0

    def playable(uid: str) -> bool:
        nonlocal calls
        calls += 1
        return uid not in unplayable

    q = PlayQueue(random.Random(seed))
    q.set_items(items)
    q.repeat = mode
    q.shuffle = shuffle
    for move in moves:
        calls = 0
        if move == "prev":
            got = q.previous(playable=playable)
        else:
            got = q.next(auto=move == "auto", playable=playable)
        assert calls <= 2 * n + 1
        if got is not None:
            assert got not in unplayable
            assert q.current == got
        elif mode is not RepeatMode.OFF:
            # With wrapping, None means nothing at all is playable.
            assert set(items) <= unplayable
