"""The timer panel's armed view: the countdown dial, the end in words, and +5/+15/-5/Cancel.

Shown at the top of the panel while a timer runs. It holds no timer state: the panel calls
:meth:`ArmedTimerView.show_timer` on the timer's ``changed`` signal, and the buttons send
commands straight to the timer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui.countdown_dial import CountdownDial, dial_state

_PHASE_DETAIL = {
    TimerPhase.ARMED: "Counting down. Change it any time, without waking up.",
    TimerPhase.FADING: "Fading out. Any SleepPlayer key brings the sound back.",
    TimerPhase.COUNTDOWN: "The computer suspends soon. Cancel stops it.",
    TimerPhase.GRACE: "Ended. Any SleepPlayer key in the next minute resumes.",
}


def _command_button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


class ArmedTimerView(QFrame):
    """The running timer at a glance, with the commands a sleepy hand reaches for."""

    def __init__(self, timer: SleepTimer) -> None:
        super().__init__()
        self.setObjectName("timerArmed")
        self._timer = timer
        self.dial = CountdownDial()
        self.armed_title = QLabel()
        self.armed_title.setObjectName("timerArmedTitle")
        self.armed_title.setWordWrap(True)
        self.armed_detail = QLabel()
        self.armed_detail.setObjectName("dimLabel")
        self.armed_detail.setWordWrap(True)
        self.plus5_button = _command_button("+&5 min", "Five more minutes")
        self.plus15_button = _command_button("+&15 min", "Fifteen more minutes")
        self.minus5_button = _command_button("\u22125 mi&n", "Five minutes less")
        self.cancel_button = _command_button("&Cancel Timer", "Turn the timer off")
        self.plus5_button.clicked.connect(lambda: self._timer.extend(5 * 60))
        self.plus15_button.clicked.connect(lambda: self._timer.extend(15 * 60))
        self.minus5_button.clicked.connect(lambda: self._timer.extend(-5 * 60))
        self.cancel_button.clicked.connect(self._timer.cancel)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.plus5_button, self.plus15_button, self.minus5_button):
            buttons.addWidget(button)
        buttons.addSpacing(10)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addStretch(1)
        text.addWidget(self.armed_title)
        text.addWidget(self.armed_detail)
        text.addSpacing(10)
        text.addLayout(buttons)
        text.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 16, 12)
        layout.setSpacing(18)
        layout.addWidget(self.dial)
        layout.addLayout(text, 1)

    def show_timer(self) -> None:
        """Read the timer into the dial, the words and the buttons' enabled state."""
        phase = self._timer.phase
        self.dial.set_state(dial_state(self._timer))
        counting = phase in (TimerPhase.ARMED, TimerPhase.FADING)
        # After the end +5/+15 play on for that long; there is nothing left to shorten.
        for button in (self.plus5_button, self.plus15_button):
            button.setEnabled(counting or phase is TimerPhase.GRACE)
        self.minus5_button.setEnabled(counting)
        if phase is not TimerPhase.IDLE:
            title = self._timer.description()
            if title != self.armed_title.text():
                self.armed_title.setText(title)
            detail = _PHASE_DETAIL.get(phase, "")
            if detail != self.armed_detail.text():
                self.armed_detail.setText(detail)
