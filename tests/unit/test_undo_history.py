"""The undo history: newest first, by key for an offer's button, withdrawn, bounded."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from sleepplayer.services.undo_history import LIMIT, UndoHistory, UndoStep


def _step(done: list[str], name: str, key: str | None = None) -> UndoStep:
    if key is None:
        return UndoStep(name, name, lambda: done.append(name))
    return UndoStep(name, name, lambda: done.append(name), key)


def test_undo_takes_back_the_newest_step_first(qapp: QApplication) -> None:
    history, done = UndoHistory(), list[str]()
    history.push(_step(done, "a"))
    history.push(_step(done, "b"))
    assert history.undo() and history.undo()
    assert done == ["b", "a"]
    assert not history.undo() and history.newest() is None


def test_an_offer_undoes_its_own_step_even_when_newer_ones_came(qapp: QApplication) -> None:
    history, done = UndoHistory(), list[str]()
    history.push(_step(done, "timer", "auto"))
    history.push(_step(done, "tracks"))
    assert history.undo("auto")
    assert done == ["timer"]
    newest = history.newest()
    assert newest is not None and newest.what == "tracks"


def test_a_withdrawn_step_cannot_be_undone(qapp: QApplication) -> None:
    history, done = UndoHistory(), list[str]()
    changes: list[None] = []
    history.changed.connect(lambda: changes.append(None))
    history.push(_step(done, "timer", "auto"))
    history.withdraw("auto")
    history.withdraw("auto")  # nothing left to withdraw: no change
    assert not history.undo() and done == [] and len(changes) == 2


def test_a_step_pushed_again_under_its_key_replaces_the_old_one(qapp: QApplication) -> None:
    history, done = UndoHistory(), list[str]()
    history.push(_step(done, "first", "auto"))
    history.push(_step(done, "second", "auto"))
    assert history.undo() and not history.undo()
    assert done == ["second"]


def test_only_the_last_steps_are_kept(qapp: QApplication) -> None:
    history, done = UndoHistory(), list[str]()
    for i in range(LIMIT + 5):
        history.push(_step(done, str(i)))
    while history.undo():
        pass
    assert done == [str(i) for i in reversed(range(5, LIMIT + 5))]
