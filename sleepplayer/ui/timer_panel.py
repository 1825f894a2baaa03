"""The sleep-timer panel: set a timer in a few keys, and watch or change it while it runs.

A non-modal dialog (T in the main window). The form (:mod:`sleepplayer.ui.timer_form`) builds
a :class:`SleepPlan` and describes the end in words as the fields change; Start arms the
:class:`SleepTimer`. While the timer runs, the armed view (:mod:`sleepplayer.ui.timer_armed`:
the dial and the +5/+15/-5/Cancel buttons) shows at the top. The panel holds no timer state:
what is armed is read from the timer on its ``changed`` signal.

Keyboard: every field has a mnemonic, each button group is one Tab stop (arrows move inside it,
like radio buttons), Enter starts, Esc closes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import SleepMode
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui import icons
from sleepplayer.ui.duration_field import DurationSpinBox, duration_text, parse_duration_text
from sleepplayer.ui.timer_armed import ArmedTimerView
from sleepplayer.ui.timer_defaults import TimerDefaults
from sleepplayer.ui.timer_form import END_ACTION_TEXT, SUSPEND_NOTE, TimerForm

# What other modules and tests import from here, wherever it is defined now.
__all__ = [
    "END_ACTION_TEXT",
    "PREVIEW_TICK_MS",
    "SUSPEND_NOTE",
    "DurationSpinBox",
    "TimerDefaults",
    "TimerPanel",
    "duration_text",
    "parse_duration_text",
]

#: Marks the footer's preview while a timer runs: "New timer: pauses at 22:40".
NEW_TIMER_PREFIX = "New timer: "
#: How often the idle preview ("Pauses at 23:45") follows the clock while the panel is shown.
PREVIEW_TICK_MS = 1000


class TimerPanel(TimerForm):
    """Set, watch and change the sleep timer.

    ``TimerPanel(timer, defaults, controller=None, parent=None, now=None)``: ``defaults`` is
    the app's :class:`Settings` (or :class:`TimerDefaults`); the optional ``controller`` lets
    "At the end of this track" say how long the track has left. ``now`` is the wall clock
    (injected by tests).
    """

    def __init__(
        self,
        timer: SleepTimer,
        defaults: Settings | TimerDefaults | None = None,
        controller: PlaybackController | None = None,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(defaults, controller, parent, now)
        self.setObjectName("timerPanel")
        self.setWindowTitle("Sleep Timer")
        self.setModal(False)
        self._timer = timer
        self._preview = QTimer(self)
        self._preview.setInterval(PREVIEW_TICK_MS)
        self._preview.timeout.connect(self._update_summary)

        self.armed_box = ArmedTimerView(timer)
        # The armed view's parts, by the names the panel has always had.
        box = self.armed_box
        self.dial, self.armed_title, self.armed_detail = box.dial, box.armed_title, box.armed_detail
        self.plus5_button, self.plus15_button = box.plus5_button, box.plus15_button
        self.minus5_button, self.cancel_button = box.minus5_button, box.cancel_button
        self.start_button.clicked.connect(self.start)
        footer = QHBoxLayout()
        footer.setSpacing(8)
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.close_button)
        footer.addWidget(self.start_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self.armed_box)
        layout.addLayout(self.form_layout)
        layout.addWidget(self._rule())
        layout.addLayout(footer)

        self._apply_defaults()
        self._set_tab_order()
        # The player's keys work here too (the window adds them), but a focused button, box
        # or list keeps its own Space: Space on Start starts the timer, not the sound. Once
        # the timer has ended, though, Space brings the sound back wherever the focus is:
        # the panel says so, and a half-asleep hand does not look where the focus is.
        for control in (
            self.findChildren(QAbstractButton)
            + self.findChildren(QComboBox)
            + self.findChildren(QAbstractSpinBox)
        ):
            control.installEventFilter(self)
        self._lift_indicators()
        icons.notifier().icons_changed.connect(self._lift_indicators)
        timer.changed.connect(self._on_timer_changed)
        self._on_timer_changed()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.plus5_button, self.plus15_button, self.minus5_button, self.cancel_button,
            self.mode_duration, self.mode_clock, self.mode_track, self.mode_tracks,
            *self.preset_buttons.values(), self.duration, self.clock, self.tracks,
            self.let_finish, self.max_wait, self.fade,
            *self.curve_buttons.values(), self.end_action, self.close_button, self.start_button,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            if self._timer.phase is TimerPhase.GRACE:
                event.ignore()  # the player's Space, not the control's
                return True
            if isinstance(watched, QAbstractButton | QComboBox):
                event.accept()  # the control takes it before any shortcut
                return True
        return super().eventFilter(watched, event)

    # --- commands
    def start(self) -> None:
        """Arm the timer with the form's plan (Enter). An invalid form only explains why."""
        try:
            plan = self.plan()
        except ValueError as error:
            self._show_summary(str(error), error=True)
            return
        self._timer.arm(plan)

    def open_panel(self) -> None:
        """Show (or raise) the panel and put the focus where a sleepy hand expects it."""
        if self.isVisible():
            self.raise_()  # behind the main window: bring it back
        else:
            self.show()
        self.activateWindow()
        self.focus_first()

    def focus_first(self) -> None:
        """Armed: on +5 min. Idle: on the chosen preset (arrows pick another, Enter starts)."""
        if self._timer.phase is not TimerPhase.IDLE:
            self.plus5_button.setFocus(Qt.FocusReason.TabFocusReason)
            return
        target: QAbstractButton | None = None
        if self.mode() is SleepMode.DURATION:
            target = self.preset_group.checkedButton() or self.mode_duration
        target = target or self.mode_group.checkedButton()
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    # --- following the timer
    def _on_timer_changed(self) -> None:
        phase = self._timer.phase
        armed = phase is not TimerPhase.IDLE
        if armed != self.armed_box.isVisibleTo(self):
            self.armed_box.setVisible(armed)
            self.adjustSize()  # grow for the dial, shrink back without it
        self.start_button.setText("Re&start" if armed else "&Start")
        self.armed_box.show_timer()
        if armed != self._preview_is_new_timer:
            self._update_summary()
        self._update_preview_tick()

    @property
    def _preview_is_new_timer(self) -> bool:
        return self.summary.text().startswith(NEW_TIMER_PREFIX)

    def _preview_words(self, text: str) -> str:
        # The running timer's end is in the armed view above; the footer previews Restart.
        if self._timer.phase is TimerPhase.IDLE:
            return text
        return f"{NEW_TIMER_PREFIX}{text[:1].lower()}{text[1:]}"

    def _update_preview_tick(self) -> None:
        # The preview follows the clock only while someone can read it.
        if self.isVisible():
            self._preview.start()
        else:
            self._preview.stop()

    # --- Qt events
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_summary()
        self._update_preview_tick()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # What was wrong with text typed last time is not news when the panel opens again.
        for field in self._duration_fields():
            field.clear_problem()
        self._update_preview_tick()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._preview.stop()
        super().closeEvent(event)
