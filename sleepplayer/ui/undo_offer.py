"""The status bar's offer to take the last edit back ("Removed 3 tracks — Undo"), and the
words of the Undo action ("Undo Remove 3 Tracks"), both following an :class:`UndoHistory`.

The offer shows for ``OFFER_MS`` after a step is pushed; the step stays undoable with the
action (Ctrl+Z) after that, until newer steps push it out or its owner withdraws it, unless it
is ``only_while_offered``.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from sleepplayer.services.undo_history import UndoHistory, UndoStep
from sleepplayer.ui.shortcut_keys import with_keys
from sleepplayer.ui.status_messages import StatusMessages, link_button
from sleepplayer.ui.tray_text import menu_text

#: How long the offer stays in the status bar (or until another message or offer).
OFFER_MS = 20_000


class UndoOffer(QWidget):
    """A label and an Undo button, added to ``bar``; ``action`` is the app's Undo action.
    It waits for a problem that ``messages`` shows to be read before it takes the bar."""

    def __init__(
        self,
        history: UndoHistory,
        action: QAction,
        bar: QStatusBar,
        messages: StatusMessages | None = None,
    ) -> None:
        super().__init__()
        self._history = history
        self._action = action
        self._messages = messages
        self._offered: UndoStep | None = None
        self.label = QLabel()
        self.button = link_button("Undo", self._on_button_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.label)
        row.addWidget(self.button)
        self.hide()
        # A widget of its own: temporary messages hide the bar's widgets while they show.
        bar.addWidget(self)
        self._bar = bar
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.setInterval(OFFER_MS)
        self._expiry.timeout.connect(self._on_expiry_timeout)
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.timeout.connect(self._take_the_bar)
        history.changed.connect(self._on_history_changed)
        self._on_history_changed()

    def set_offer_ms(self, ms: int) -> None:
        """How long an offer stays (``OFFER_MS``; shorter in tests)."""
        self._expiry.setInterval(ms)

    def offer_newest(self) -> None:
        """Show the newest step in the bar (its owner calls this when it has just happened)."""
        step = self._history.newest()
        if step is None:
            return
        self._offered = step
        self.label.setText(f"{step.done} \u2014")
        self.button.setToolTip(with_keys("Undo", self._action.shortcut()))
        self._take_the_bar()

    def _take_the_bar(self) -> None:
        if self._offered is None:
            return
        # Problems on show or waiting are read first: a second launch's "Not found: …" was
        # wiped at once by the "Replaced the 5 tracks … — Undo" its other items brought.
        wait_ms = self._messages.problem_hold_left_ms() if self._messages is not None else 0
        if wait_ms > 0:
            self._turn.start(wait_ms)  # and ask again then: another may have come
            return
        self._bar.clearMessage()
        self.show()
        self._expiry.start()

    def withdraw(self) -> None:
        self._turn.stop()
        self._expiry.stop()
        self._offered = None
        self.hide()

    def _on_expiry_timeout(self) -> None:
        step = self._offered
        self.withdraw()
        if step is not None and step.only_while_offered:
            self._history.withdraw(step.key)

    def _on_button_clicked(self) -> None:
        step = self._offered
        self.withdraw()
        if step is not None:
            self._history.undo(step.key)

    def _on_history_changed(self) -> None:
        step = self._history.newest()
        self._action.setEnabled(step is not None)
        # A playlist's name may hold "&": kept literal, not taken for a mnemonic.
        self._action.setText(menu_text(f"Undo {step.what}") if step is not None else "Undo")
        offered = self._offered
        if offered is not None and (step is None or step.key != offered.key):
            self.withdraw()  # taken back, or something newer came
            if offered.only_while_offered:
                self._history.withdraw(offered.key)
