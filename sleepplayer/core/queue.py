"""Play order over a playlist's track uids: cursor, next/previous, repeat, shuffle, skipping.

The queue keeps one *order* (the playlist order, or a shuffled permutation of it) and a cursor
that splits it into a played part and an upcoming part. The current item, when there is one, is
the last item of the played part. In shuffle mode that makes "every track once before any
repeats" structural: ``next`` only ever walks forward through one permutation, and a new one is
drawn only when the walk wraps.

When the current item is removed from the playlist, ``current`` becomes None but the cursor stays
where the item was, so ``next`` continues with what followed it instead of starting over.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from sleepplayer.core.model import RepeatMode


def always(_uid: str) -> bool:
    """The default ``playable`` predicate: everything is playable."""
    return True


class PlayQueue:
    """Which track plays next. Knows only uids; the caller decides what is playable."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._items: list[str] = []
        self._order: list[str] = []
        # Number of items of _order that are behind the cursor; _order[_played - 1] is the
        # current item when _current is not None.
        self._played = 0
        self._current: str | None = None
        self._repeat = RepeatMode.OFF
        self._shuffle = False

    # --- state

    @property
    def repeat(self) -> RepeatMode:
        return self._repeat

    @repeat.setter
    def repeat(self, mode: RepeatMode) -> None:
        self._repeat = mode

    @property
    def shuffle(self) -> bool:
        return self._shuffle

    @shuffle.setter
    def shuffle(self, on: bool) -> None:
        if on == self._shuffle:
            return
        self._shuffle = on
        if on:
            # The current item stays first, so turning shuffle on never interrupts anything.
            rest = [u for u in self._items if u != self._current]
            self._rng.shuffle(rest)
            head = [self._current] if self._current is not None else []
            self._order = head + rest
            self._played = len(head)
        else:
            self._order = list(self._items)
            current = self._current
            self._played = 0 if current is None else self._order.index(current) + 1

    @property
    def current(self) -> str | None:
        """The current uid, or None (nothing chosen yet, or it was removed)."""
        return self._current

    @property
    def order(self) -> tuple[str, ...]:
        """The play order: the playlist order, or the current shuffle permutation."""
        return tuple(self._order)

    # --- changes from outside

    def set_items(self, uids: Sequence[str]) -> None:
        """The playlist changed: keep the current item and, when shuffling, the played history.

        New items join the upcoming part at random positions (shuffle) or simply take their
        playlist position. Duplicate uids are ignored after the first.
        """
        items = list(dict.fromkeys(uids))
        present = set(items)
        self._items = items
        if self._shuffle:
            known = set(self._order)
            history = [u for u in self._order[: self._played] if u in present]
            upcoming = [u for u in self._order[self._played :] if u in present]
            for uid in items:
                if uid not in known:
                    upcoming.insert(self._rng.randint(0, len(upcoming)), uid)
            self._order = history + upcoming
            self._played = len(history)
        else:
            # The first surviving item at or after the cursor marks where playback continues.
            anchor = next((u for u in self._order[self._played :] if u in present), None)
            self._order = list(items)
            if self._current in present:
                self._played = self._order.index(self._current) + 1
            elif self._played == 0:
                pass  # nothing played yet: start from the top of the new list
            elif anchor is not None:
                self._played = self._order.index(anchor)
            else:
                self._played = len(self._order)
        if self._current not in present:
            self._current = None

    def set_current(self, uid: str | None) -> None:
        """Make ``uid`` current (the user picked it). None clears it and rewinds to the start.

        An unknown uid clears the current item but keeps the cursor, as a removal does.
        """
        if uid is None:
            self._current = None
            self._played = 0
            return
        if uid not in self._order:
            self._current = None
            return
        if self._shuffle:
            # Move the pick to the cursor, so it counts as played in this cycle and the rest of
            # the permutation still follows.
            index = self._order.index(uid)
            del self._order[index]
            if index < self._played:
                self._played -= 1
            self._order.insert(self._played, uid)
            self._played += 1
        else:
            self._played = self._order.index(uid) + 1
        self._current = uid

    # --- moving

    def next(self, *, auto: bool, playable: Callable[[str], bool] = always) -> str | None:
        """Advance and return the new current uid, or None when playback should stop.

        ``auto`` means the current track ended by itself: repeat-one then returns it again
        (when it is still playable). Otherwise repeat-one behaves like repeat-all. Unplayable
        uids are skipped; after one full cycle with nothing playable the answer is None.
        """
        current = self._current
        if auto and self._repeat is RepeatMode.ONE and current is not None and playable(current):
            return current
        for index in range(self._played, len(self._order)):
            if playable(self._order[index]):
                return self._land(index)
        if self._repeat is RepeatMode.OFF or not self._order:
            return None
        # Wrap: one whole new lap is tried, so a playable item is never missed and the loop
        # always ends. The new lap is committed only when something in it can play.
        lap = self._new_lap()
        for index, uid in enumerate(lap):
            if playable(uid):
                self._order = lap
                return self._land(index)
        return None

    def previous(self, playable: Callable[[str], bool] = always) -> str | None:
        """Step back and return the new current uid; None at the start with repeat off."""
        n = len(self._order)
        if n == 0:
            return None
        start = self._played - (2 if self._current is not None else 1)
        wrap = self._repeat is not RepeatMode.OFF
        i = start
        # At most one lap: every item is tried once, including the current one last.
        for _ in range(n):
            if i < 0:
                if not wrap:
                    return None
                i += n
            uid = self._order[i]
            if playable(uid):
                self._played = i + 1
                self._current = uid
                return uid
            i -= 1
        return None

    def _land(self, index: int) -> str:
        self._played = index + 1
        self._current = self._order[index]
        return self._current

    def _new_lap(self) -> list[str]:
        """The order for the next lap: the same order, or a fresh permutation when shuffling."""
        if not self._shuffle:
            return list(self._order)
        order = list(self._order)
        self._rng.shuffle(order)
        last = self._order[self._played - 1] if self._played else None
        if len(order) > 1 and order[0] == last:
            # Never play the same track twice in a row across the seam between two cycles.
            j = self._rng.randrange(1, len(order))
            order[0], order[j] = order[j], order[0]
        return order
