"""The settings dialog's pages: sleep timer, window, look and notifications.

Each page lays out plain widgets and hands them to the :class:`SettingsBinder`, which shows
the settings and writes edits back at once. Limits come from the settings' own declarations
(:func:`setting_range`), and the timer's words and widgets from the timer panel, so a
setting and its editor cannot drift apart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.core.settings import THEMES, setting_range
from sleepplayer.core.sleep_plan import EndAction, FadeCurve
from sleepplayer.ui.duration_field import DurationSpinBox
from sleepplayer.ui.fade_plot import FadeCurveButton
from sleepplayer.ui.settings_binding import SettingsBinder
from sleepplayer.ui.timer_form import END_ACTION_TEXT, SUSPEND_NOTE

THEME_TEXT = {"system": "&Follow the system", "dark": "&Dark", "light": "&Light"}
THEME_NOTES = {
    "system": "Light or dark as the desktop is; dark when it does not say.",
    "dark": "Dim and low in contrast, for a bedroom at night.",
    "light": "For the daytime.",
}
NO_SOUND_NOTE = "SleepPlayer never makes a sound of its own: no alerts, no chimes."
#: Sub-options sit under their main option, this far in (about a check box's indicator).
_INDENT = 24


def note(text: str) -> QLabel:
    """A dim explanation under an option, wrapped to the page."""
    label = QLabel(text)
    label.setObjectName("dimLabel")
    label.setWordWrap(True)
    return label


def problem_note(*fields: DurationSpinBox) -> QLabel:
    """A note that says why text typed into one of ``fields`` was not taken; hidden while
    there is nothing to say."""
    label = note("")
    label.hide()

    def show() -> None:
        problem = next((f.problem() for f in fields if f.problem()), "")
        label.setText(problem)
        label.setVisible(bool(problem))

    for field in fields:
        field.problem_changed.connect(show)
    return label


def lift_indicators(page: QWidget) -> None:
    """Fill check and radio indicators with the button colour, as the timer panel does:
    Fusion fills them with Base, which nearly vanishes on the dark window."""
    lifted = QApplication.palette().color(QPalette.ColorRole.Button)
    for box in page.findChildren(QCheckBox) + page.findChildren(QRadioButton):
        palette = box.palette()
        palette.setColor(QPalette.ColorRole.Base, lifted)
        box.setPalette(palette)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionLabel")
    return label


def _rule() -> QFrame:
    rule = QFrame()
    rule.setObjectName("timerRule")
    rule.setFrameShape(QFrame.Shape.HLine)
    rule.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return rule


def _row(*widgets: QWidget, indent: int = 0) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(indent, 0, 0, 0)
    row.setSpacing(8)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def _follow(main: QAbstractButton, *dependents: QWidget) -> None:
    """Enable ``dependents`` only while ``main`` is checked (a sub-option of it)."""

    def update(on: bool) -> None:
        for widget in dependents:
            widget.setEnabled(on)

    main.toggled.connect(update)
    update(main.isChecked())


def _duration(name: str, unit_s: int, step_s: int) -> DurationSpinBox:
    """A duration field limited to what the setting ``name`` allows (kept in ``unit_s``)."""
    low, high = setting_range(name)
    if unit_s > 1:
        low = max(low, 1)  # "wait at most 0 min" would mean nothing
    spin = DurationSpinBox()
    spin.setRange(low * unit_s, high * unit_s)
    spin.setSingleStep(step_s)
    # Written when the typing is done (Enter, leaving the field, the arrows), not per key.
    spin.setKeyboardTracking(False)
    # Room for the longest text it may show; the size hint only measures the two limits.
    widest = spin.fontMetrics().horizontalAdvance(spin.textFromValue(high * unit_s - 1))
    spin.setMinimumWidth(widest + 48)
    return spin


class SettingsPage(QWidget):
    """A page: its title, an optional line about it, then its content in ``body``."""

    def __init__(self, title: str, intro: str = "") -> None:
        super().__init__()
        self.title = title
        heading = QLabel(title)
        heading.setObjectName("settingsTitle")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(24, 18, 24, 12)
        self.body.setSpacing(8)
        self.body.addWidget(heading)
        if intro:
            self.body.addWidget(note(intro))
        self.body.addSpacing(6)

    def finish(self) -> None:
        self.body.addStretch(1)


class TimerSettingsPage(SettingsPage):
    """What every new timer starts with, what may bring the sound back, bedtime, power."""

    def __init__(self, binder: SettingsBinder) -> None:
        super().__init__(
            "Sleep Timer", "The timer panel (T), the tray's presets and bedtime start from these."
        )
        self.length = _duration("sleep_minutes", 60, 5 * 60)
        self.length.setAccessibleName("Default timer length")
        self.fade = _duration("fade_s", 1, 15)
        self.fade.setSpecialValueText("no fade")
        self.fade.setAccessibleName("Fade length")
        self.curve_group = QButtonGroup(self)
        self.curve_buttons = {curve: FadeCurveButton(curve) for curve in FadeCurve}
        for card in self.curve_buttons.values():
            self.curve_group.addButton(card)
        self.end_action = QComboBox()
        for action in EndAction:
            self.end_action.addItem(END_ACTION_TEXT[action], action.value)
        self.end_action.setAccessibleName("At the end")
        self.suspend_note = note(SUSPEND_NOTE)
        self.let_finish = QCheckBox("Let the track &finish, waiting at most")
        self.max_wait = _duration("max_finish_wait_min", 60, 5 * 60)
        self.max_wait.setAccessibleName("Longest wait for the track to finish")

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self._label("Default &length", self.length), _row(self.length))
        form.addRow(self._label("Fa&de out over", self.fade), _row(self.fade))
        form.addRow("", _row(*self.curve_buttons.values()))
        form.addRow(self._label("T&hen", self.end_action), _row(self.end_action))
        form.addRow("", self.suspend_note)
        form.addRow("", _row(self.let_finish, self.max_wait))
        self.body.addLayout(form)
        self.field_problem = problem_note(self.length, self.fade, self.max_wait)
        self.body.addWidget(self.field_problem)

        self.body.addWidget(_rule())
        self.body.addWidget(_section("If you stir"))
        self.grace = QCheckBox("A &key press during the fade brings the sound back for")
        self.grace_minutes = _duration("grace_extension_min", 60, 5 * 60)
        self.grace_minutes.setAccessibleName("Time added when a key brings the sound back")
        self.body.addLayout(_row(self.grace, self.grace_minutes))
        self.grace_problem = problem_note(self.grace_minutes)
        self.body.addWidget(self.grace_problem)
        self.grace_note = note(
            "Any SleepPlayer shortcut, media key or tray action, also in the minute after the "
            "end. The sound fades back up over 2 s, always for this long: +5 and +15 min add "
            "only their own time. Mute or turning the volume down keep it quiet, and so do "
            "Pause and Stop after the end."
        )
        self.body.addWidget(self.grace_note)

        self.body.addWidget(_rule())
        self.body.addWidget(_section("Bedtime"))
        self.bedtime = QCheckBox("Pressing Play between")
        self.bedtime_start = self._clock("Bedtime starts")
        self.bedtime_end = self._clock("Bedtime ends")
        and_label = QLabel("and")
        arms_label = QLabel("arms the default timer")
        self.body.addLayout(
            _row(self.bedtime, self.bedtime_start, and_label, self.bedtime_end, arms_label)
        )
        self.body.addWidget(note("With an Undo in the status bar. Off by default."))

        self.body.addWidget(_rule())
        self.body.addWidget(_section("Power"))
        self.keep_awake = QCheckBox("Keep the computer &awake until the timer ends")
        self.body.addWidget(self.keep_awake)
        self.body.addWidget(
            note("Only while something plays with a timer set; the screen may still turn off.")
        )
        self.finish()

        binder.bind_minutes("sleep_minutes", self.length)
        binder.bind_seconds("fade_s", self.fade)
        binder.bind_choice("fade_curve", self.curve_buttons)
        binder.bind_combo("end_action", self.end_action)
        binder.bind_check("let_track_finish", self.let_finish)
        binder.bind_minutes("max_finish_wait_min", self.max_wait)
        binder.bind_check("activity_grace", self.grace)
        binder.bind_minutes("grace_extension_min", self.grace_minutes)
        binder.bind_check("bedtime_enabled", self.bedtime)
        binder.bind_clock("bedtime_start", self.bedtime_start)
        binder.bind_clock("bedtime_end", self.bedtime_end)
        binder.bind_check("keep_awake", self.keep_awake)

        _follow(self.let_finish, self.max_wait)
        _follow(self.grace, self.grace_minutes, self.grace_note)
        _follow(self.bedtime, self.bedtime_start, and_label, self.bedtime_end, arms_label)
        self.end_action.currentIndexChanged.connect(self._update_suspend_note)
        self._update_suspend_note()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _clock(name: str) -> QTimeEdit:
        edit = QTimeEdit()
        edit.setDisplayFormat("HH:mm")
        edit.setWrapping(True)
        edit.setAccessibleName(name)
        return edit

    def _update_suspend_note(self) -> None:
        # Suspend is opt-in: its explanation shows only when it is chosen, as in the panel.
        suspend = self.end_action.currentData() == EndAction.SUSPEND.value
        self.suspend_note.setVisible(suspend)


class WindowSettingsPage(SettingsPage):
    """Closing to the tray, starting hidden, and picking up where the last session ended."""

    def __init__(self, binder: SettingsBinder) -> None:
        super().__init__("Window")
        self.close_to_tray = QCheckBox("&Keep running in the tray when the window is closed")
        self.start_minimised = QCheckBox("&Start minimised to the tray")
        self.body.addWidget(self.close_to_tray)
        self.body.addWidget(self.start_minimised)
        self.body.addWidget(
            note(
                "On a desktop without a tray, closing the window quits SleepPlayer, and it "
                "starts with its window shown."
            )
        )
        self.body.addWidget(_rule())
        self.body.addWidget(_section("On start"))
        self.restore_position = QCheckBox("&Return to the last track where it was")
        self.resume_playing = QCheckBox("And &play on if it was playing at quit")
        self.body.addWidget(self.restore_position)
        self.body.addLayout(_row(self.resume_playing, indent=_INDENT))
        self.resume_note = note("It starts at your saved volume, never louder.")
        self.resume_note.setContentsMargins(_INDENT, 0, 0, 0)
        self.body.addWidget(self.resume_note)
        self.finish()

        binder.bind_check("close_to_tray", self.close_to_tray)
        binder.bind_check("start_minimised", self.start_minimised)
        binder.bind_check("restore_position", self.restore_position)
        binder.bind_check("resume_playing", self.resume_playing)
        _follow(self.restore_position, self.resume_playing, self.resume_note)


class LookSettingsPage(SettingsPage):
    """The theme: follow the system, or always dark, or always light."""

    def __init__(self, binder: SettingsBinder) -> None:
        super().__init__("Look")
        self.body.addWidget(_section("Theme"))
        self.theme_group = QButtonGroup(self)
        self.theme_buttons: dict[str, QRadioButton] = {}
        for mode in THEMES:
            radio = QRadioButton(THEME_TEXT[mode])
            self.theme_group.addButton(radio)
            self.theme_buttons[mode] = radio
            self.body.addWidget(radio)
            hint = note(THEME_NOTES[mode])
            hint.setContentsMargins(_INDENT, 0, 0, 4)
            self.body.addWidget(hint)
        self.finish()
        binder.bind_choice("theme", self.theme_buttons)


class NotificationsSettingsPage(SettingsPage):
    """Tray messages, and whether they may appear at night."""

    def __init__(self, binder: SettingsBinder) -> None:
        super().__init__("Notifications")
        self.notifications = QCheckBox("&Show notifications")
        self.body.addWidget(self.notifications)
        self.body.addWidget(note("Short messages from the tray icon."))
        self.at_night = QCheckBox("Also at &night")
        self.body.addLayout(_row(self.at_night, indent=_INDENT))
        self.night_note = note(
            "Night is while a sleep timer runs, and the bedtime window when it is on (else "
            "22:00 to 06:00). Off by default, so nothing lights up while you fall asleep."
        )
        self.night_note.setContentsMargins(_INDENT, 0, 0, 0)
        self.body.addWidget(self.night_note)
        self.body.addWidget(_rule())
        self.no_sound = note(NO_SOUND_NOTE)
        self.body.addWidget(self.no_sound)
        self.finish()
        binder.bind_check("notifications", self.notifications)
        binder.bind_check("notifications_at_night", self.at_night)
        _follow(self.notifications, self.at_night, self.night_note)
