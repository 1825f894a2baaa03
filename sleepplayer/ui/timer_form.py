"""The timer panel's form: the fields that build a :class:`SleepPlan`, and the end in words.

Stop (in / at / end of this track / after N tracks, let the track finish), Fade (length and
curve) and End (the action). :meth:`TimerForm.plan` reads the fields; the summary under them
says when and how the timer will end as they change, or why the form is not valid yet.

:class:`TimerForm` builds the widgets; :class:`~sleepplayer.ui.timer_panel.TimerPanel` lays
them out under its armed view, then calls :meth:`TimerForm._apply_defaults` (a field shown or
hidden before it has a parent would open as a window of its own).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, time, timedelta

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import (
    MAX_DURATION_S,
    MIN_DURATION_S,
    PRESET_MINUTES,
    EndAction,
    FadeCurve,
    SleepMode,
    SleepPlan,
    deadline_for,
    describe,
)
from sleepplayer.core.text import format_remaining, plural
from sleepplayer.services.controller import PlaybackController
from sleepplayer.ui.duration_field import DurationSpinBox
from sleepplayer.ui.fade_plot import FadeCurveButton
from sleepplayer.ui.timer_defaults import TimerDefaults

END_ACTION_TEXT = {
    EndAction.PAUSE: "Pause",
    EndAction.STOP: "Stop",
    EndAction.QUIT: "Quit SleepPlayer",
    EndAction.SUSPEND: "Suspend the computer",
}
SUSPEND_NOTE = (
    "Opt-in. When the sound has faded, a silent 60 s countdown shows in the window and the "
    "tray first; any SleepPlayer key or Cancel stops it. Never run when the timer is long "
    "overdue."
)
_CURVE_MNEMONICS = {FadeCurve.GENTLE: "&Gentle", FadeCurve.LINEAR: "&Linear",
                    FadeCurve.SMOOTH: "S&mooth"}  # fmt: skip


def _rove(group: QButtonGroup) -> None:
    """One Tab stop per group, on the checked button (Qt does the same once focus moved in)."""
    checked = group.checkedButton() or (group.buttons()[0] if group.buttons() else None)
    for button in group.buttons():
        policy = Qt.FocusPolicy.StrongFocus if button is checked else Qt.FocusPolicy.ClickFocus
        button.setFocusPolicy(policy)


def _dim(text: str = "", name: str = "dimLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def _preset_text(minutes: int) -> str:
    if minutes < 60:
        return str(minutes)
    hours, rest = divmod(minutes, 60)
    return f"{hours}½ h" if rest == 30 else f"{hours} h" if not rest else f"{minutes}"


class TimerForm(QDialog):
    """The plan form of the timer panel (its base class): fields, presets, the summary, and
    the Start and Close buttons under it. Start is enabled only while the form is valid."""

    def __init__(
        self,
        defaults: Settings | TimerDefaults | None,
        controller: PlaybackController | None,
        parent: QWidget | None,
        now: Callable[[], datetime] | None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._now = now or (lambda: datetime.now().astimezone())
        self._defaults = TimerDefaults.from_settings(defaults)
        self._syncing = False
        self.form_layout = self._build_form()
        self.summary = QLabel()
        self.summary.setObjectName("timerSummary")
        self.summary.setWordWrap(True)
        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

    # --- building
    def _build_form(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(2, 1)

        # Stop: four ways, each with its field on the same row.
        self.mode_duration = QRadioButton("&In")
        self.mode_clock = QRadioButton("&At")
        self.mode_track = QRadioButton("At the &end of this track")
        self.mode_tracks = QRadioButton("Afte&r")
        self.mode_group = QButtonGroup(self)
        for mode, radio in self._mode_buttons().items():
            self.mode_group.addButton(radio)
            radio.setProperty("mode", mode.value)
        self.mode_group.buttonToggled.connect(self._on_mode_toggled)

        self.preset_group = QButtonGroup(self)
        presets = QHBoxLayout()
        presets.setSpacing(0)
        self.preset_buttons: dict[int, QPushButton] = {}
        for i, minutes in enumerate(PRESET_MINUTES):
            button = QPushButton(_preset_text(minutes))
            button.setObjectName("presetButton")
            button.setCheckable(True)
            button.setAutoDefault(False)  # Enter on a preset starts the timer
            button.setAccessibleName(f"{minutes} minutes")
            button.setToolTip(f"{minutes} minutes")
            button.setProperty("segment", "first" if i == 0 else "last"
                               if i == len(PRESET_MINUTES) - 1 else "middle")  # fmt: skip
            # Wide enough for "1½ h" whatever the style's padding; all the same width.
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("1½ h") + 22)
            self.preset_group.addButton(button, minutes)
            self.preset_buttons[minutes] = button
            presets.addWidget(button)
        self.preset_group.idClicked.connect(self._on_preset_clicked)
        self.duration = DurationSpinBox()
        self.duration.setRange(MIN_DURATION_S, MAX_DURATION_S)
        self.duration.setSingleStep(5 * 60)
        self.duration.setAccessibleName("Custom duration")
        self.duration.setToolTip("Any time from 1 min to 12 h: type 25, 1h30m or 45 min")
        self.duration.valueChanged.connect(self._on_duration_changed)
        presets.addSpacing(10)
        presets.addWidget(self.duration)
        presets.addStretch(1)

        self.clock = QTimeEdit()
        self.clock.setDisplayFormat("HH:mm")
        self.clock.setWrapping(True)
        self.clock.setAccessibleName("Clock time")
        self.clock.timeChanged.connect(lambda _t: self._select_mode(SleepMode.CLOCK))
        self.track_left = _dim()
        self.tracks = QSpinBox()
        self.tracks.setRange(1, 99)
        self.tracks.setAccessibleName("Number of tracks")
        self.tracks.valueChanged.connect(self._on_tracks_changed)
        self.tracks_label = QLabel("tracks")

        self.let_finish = QCheckBox("Let the track &finish, waiting at most")
        self.let_finish.setToolTip(
            "At the end time, fade out with the current track instead of mid-sentence"
        )
        self.max_wait = DurationSpinBox()
        self.max_wait.setRange(60, 2 * 3600)
        self.max_wait.setSingleStep(5 * 60)
        self.max_wait.setAccessibleName("Longest wait for the track to finish")
        self.let_finish.toggled.connect(self._update_enabled)

        self.fade = DurationSpinBox()
        self.fade.setRange(0, MAX_DURATION_S)
        self.fade.setSingleStep(15)
        self.fade.setSpecialValueText("no fade")
        self.fade.setAccessibleName("Fade length")
        self.fade.setToolTip(
            "From no fade up to the whole timer; 1 min or more is gentlest. "
            "Type 45 s, 2 min or 1 h (a bare number means minutes)"
        )
        fade_label = QLabel("Fa&de out over")
        fade_label.setBuddy(self.fade)
        self.curve_group = QButtonGroup(self)
        self.curve_buttons: dict[FadeCurve, FadeCurveButton] = {}
        curves = QHBoxLayout()
        curves.setSpacing(8)
        for curve in FadeCurve:
            card = FadeCurveButton(curve, _CURVE_MNEMONICS.get(curve, ""))
            self.curve_group.addButton(card)
            self.curve_buttons[curve] = card
            curves.addWidget(card)
        curves.addStretch(1)

        self.end_action = QComboBox()
        for action in EndAction:
            self.end_action.addItem(END_ACTION_TEXT[action], action.value)
        self.end_action.setAccessibleName("At the end")
        end_label = QLabel("T&hen")
        end_label.setBuddy(self.end_action)
        self.suspend_note = _dim(SUSPEND_NOTE)
        self.suspend_note.setWordWrap(True)
        self.suspend_note.setMaximumWidth(420)

        stop_label = _dim("Stop", "sectionLabel")
        grid.addWidget(stop_label, 0, 0)
        grid.addWidget(self.mode_duration, 0, 1)
        grid.addLayout(presets, 0, 2)
        grid.addWidget(self.mode_clock, 1, 1)
        grid.addLayout(self._row(self.clock), 1, 2)
        grid.addLayout(self._row(self.mode_track, self.track_left), 2, 1, 1, 2)
        grid.addWidget(self.mode_tracks, 3, 1)
        grid.addLayout(self._row(self.tracks, self.tracks_label), 3, 2)
        grid.addLayout(self._row(self.let_finish, self.max_wait), 4, 1, 1, 2)
        grid.addWidget(self._rule(), 5, 0, 1, 3)
        grid.addWidget(_dim("Fade", "sectionLabel"), 6, 0)
        grid.addWidget(fade_label, 6, 1)
        grid.addLayout(self._row(self.fade), 6, 2)
        grid.addLayout(curves, 7, 1, 1, 2)
        grid.addWidget(self._rule(), 8, 0, 1, 3)
        grid.addWidget(_dim("End", "sectionLabel"), 9, 0)
        grid.addWidget(end_label, 9, 1)
        grid.addLayout(self._row(self.end_action), 9, 2)
        grid.addWidget(self.suspend_note, 10, 1, 1, 2)

        for spin in (self.fade, self.max_wait, self.tracks):
            spin.valueChanged.connect(self._update_summary)
        for field in self._duration_fields():
            field.problem_changed.connect(self._update_summary)
        self.clock.timeChanged.connect(self._update_summary)
        self.let_finish.toggled.connect(self._update_summary)
        self.curve_group.buttonToggled.connect(self._update_summary)
        self.end_action.currentIndexChanged.connect(self._on_end_action_changed)
        return grid

    def _row(self, *widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _rule(self) -> QFrame:
        rule = QFrame()
        rule.setObjectName("timerRule")
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return rule

    def _duration_fields(self) -> tuple[DurationSpinBox, ...]:
        return (self.duration, self.max_wait, self.fade)

    def _mode_buttons(self) -> dict[SleepMode, QRadioButton]:
        return {
            SleepMode.DURATION: self.mode_duration,
            SleepMode.CLOCK: self.mode_clock,
            SleepMode.END_OF_TRACK: self.mode_track,
            SleepMode.AFTER_TRACKS: self.mode_tracks,
        }

    def _lift_indicators(self) -> None:
        # Fusion fills radio and check indicators with Base, which nearly vanishes on the
        # dark window; the button colour keeps them quiet but findable.
        lifted = QApplication.palette().color(QPalette.ColorRole.Button)
        for widget in (*self._mode_buttons().values(), self.let_finish):
            palette = widget.palette()
            palette.setColor(QPalette.ColorRole.Base, lifted)
            widget.setPalette(palette)

    def _apply_defaults(self) -> None:
        d = self._defaults
        self._syncing = True
        self.duration.setValue(max(MIN_DURATION_S, min(MAX_DURATION_S, d.sleep_minutes * 60)))
        self.fade.setValue(round(d.fade_s))
        self.curve_buttons[d.fade_curve].setChecked(True)
        self.end_action.setCurrentIndex(self.end_action.findData(d.end_action.value))
        self.let_finish.setChecked(d.let_track_finish)
        self.max_wait.setValue(d.max_finish_wait_min * 60)
        self.tracks.setValue(2)
        self.clock.setTime(self._suggested_clock())
        self.mode_duration.setChecked(True)
        self._syncing = False
        self._sync_presets()
        self._on_end_action_changed()
        self._update_enabled()
        for group in (self.mode_group, self.preset_group, self.curve_group):
            _rove(group)
        self._update_summary()

    def use_defaults(self, defaults: Settings | TimerDefaults | None) -> None:
        """Start the form over from new defaults (the settings changed while it was closed)."""
        self._defaults = TimerDefaults.from_settings(defaults)
        self._apply_defaults()

    def _suggested_clock(self) -> QTime:
        """The default "At": the default duration from now, rounded up to five minutes."""
        then = self._now() + timedelta(minutes=self._defaults.sleep_minutes)
        minutes = math.ceil((then.hour * 60 + then.minute + then.second / 60) / 5) * 5
        return QTime((minutes // 60) % 24, minutes % 60)

    # --- reading the form
    def mode(self) -> SleepMode:
        checked = self.mode_group.checkedButton()
        for mode, button in self._mode_buttons().items():
            if button is checked:
                return mode
        return SleepMode.DURATION

    def curve(self) -> FadeCurve:
        for curve, button in self.curve_buttons.items():
            if button.isChecked():
                return curve
        return FadeCurve.GENTLE

    def chosen_end_action(self) -> EndAction:
        return EndAction(self.end_action.currentData())

    def plan(self) -> SleepPlan:
        """The plan the form describes; ValueError (from SleepPlan) when it is not valid."""
        mode = self.mode()
        clock = self.clock.time()
        finish = self.let_finish.isChecked() and mode in (SleepMode.DURATION, SleepMode.CLOCK)
        return SleepPlan(
            mode=mode,
            duration_s=float(self.duration.value()),
            clock_time=time(clock.hour(), clock.minute()) if mode is SleepMode.CLOCK else None,
            tracks=self.tracks.value() if mode is SleepMode.AFTER_TRACKS else 1,
            fade_s=float(self.fade.value()),
            curve=self.curve(),
            end_action=self.chosen_end_action(),
            let_track_finish=finish,
            max_finish_wait_s=float(self.max_wait.value()),
        )

    # --- form logic
    def _select_mode(self, mode: SleepMode) -> None:
        if not self._syncing:
            self._mode_buttons()[mode].setChecked(True)
            _rove(self.mode_group)

    def _on_mode_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._update_enabled()
            self._update_summary()

    def _on_preset_clicked(self, minutes: int) -> None:
        self.duration.setValue(minutes * 60)
        self._select_mode(SleepMode.DURATION)

    def _on_duration_changed(self, _seconds: int) -> None:
        self._sync_presets()
        self._select_mode(SleepMode.DURATION)
        self._update_fade_limit()
        self._update_summary()

    def _on_tracks_changed(self, count: int) -> None:
        self.tracks_label.setText(plural(count, "track"))
        self._select_mode(SleepMode.AFTER_TRACKS)

    def _on_end_action_changed(self) -> None:
        self.suspend_note.setVisible(self.chosen_end_action() is EndAction.SUSPEND)
        self._update_summary()

    def _sync_presets(self) -> None:
        seconds = self.duration.value()
        button = self.preset_group.button(seconds // 60) if seconds % 60 == 0 else None
        if button is not None:
            button.setChecked(True)
        else:
            checked = self.preset_group.checkedButton()
            if checked is not None:
                # An exclusive group cannot uncheck its last button; lift that for a moment.
                self.preset_group.setExclusive(False)
                checked.setChecked(False)
                self.preset_group.setExclusive(True)
        _rove(self.preset_group)

    def _update_fade_limit(self) -> None:
        # "From 0 s up to the whole timer": only a duration says how long the timer is.
        limit = self.duration.value() if self.mode() is SleepMode.DURATION else MAX_DURATION_S
        self.fade.setMaximum(limit)

    def _update_enabled(self) -> None:
        mode = self.mode()
        finish_applies = mode in (SleepMode.DURATION, SleepMode.CLOCK)
        self.let_finish.setEnabled(finish_applies)
        self.max_wait.setEnabled(finish_applies and self.let_finish.isChecked())
        self._update_fade_limit()

    def _track_remaining_s(self) -> float | None:
        c = self._controller
        if c is None or c.current_track is None or c.duration_ms() <= 0:
            return None
        return max(0, c.duration_ms() - c.position_ms()) / 1000

    def _update_summary(self) -> None:
        if self._syncing:
            return
        # Beside "At the end of this track": kept current even while the footer shows a problem.
        remaining = self._track_remaining_s()
        self.track_left.setText(
            "" if remaining is None else f"({format_remaining(remaining)} left)"
        )
        try:
            plan = self.plan()
        except ValueError as error:
            self._show_summary(str(error), error=True)
            return
        # Typed text that was not taken, and why, until that field is edited or left again:
        # the form still holds a valid plan, so Start stays on.
        problem = next((f.problem() for f in self._duration_fields() if f.problem()), "")
        if problem:
            self._show_summary(problem, error=True, can_start=True)
            return
        now = self._now()
        text = describe(
            plan,
            now,
            deadline=deadline_for(plan, now),
            track_remaining_s=remaining,
            tracks_left=plan.tracks if plan.mode is SleepMode.AFTER_TRACKS else None,
        )
        self._show_summary(self._preview_words(text))

    def _preview_words(self, text: str) -> str:
        """The form's end in words as the footer shows it; the panel marks it as a new timer
        while one runs, so two end times never read as one."""
        return text

    def _show_summary(self, text: str, *, error: bool = False, can_start: bool = False) -> None:
        self.summary.setText(text)
        self.summary.setProperty("error", error)
        self.start_button.setEnabled(can_start or not error)
        style = self.summary.style()
        style.unpolish(self.summary)
        style.polish(self.summary)
