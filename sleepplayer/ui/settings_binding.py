"""Two-way ties between settings widgets and the fields of one :class:`Settings` object.

Each ``bind_*`` call shows the field's value in a widget and writes the user's edits back at
once, emitting ``changed(field name)`` only when the value really changed, so the app can
save (debounced) and react. Values are converted here, in one place: the widgets speak
seconds and ``QTime``, the settings minutes and "HH:MM" text.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTime, Signal
from PySide6.QtWidgets import QAbstractButton, QComboBox, QSpinBox, QTimeEdit, QWidget

from sleepplayer.core.settings import Settings


class SettingsBinder(QObject):
    """Keeps widgets and ``settings`` in step; ``controls`` maps field names to widgets."""

    #: The user changed this setting (already written into the Settings object).
    changed = Signal(str)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        #: The widget that edits each field (the first button of a choice), for tests and focus.
        self.controls: dict[str, QWidget] = {}
        self._loaders: dict[str, Callable[[], None]] = {}
        self._loading = False

    # --- writing
    def write(self, name: str, value: Any) -> None:
        """Set the field and announce it, unless it already has this value."""
        if self._loading or getattr(self.settings, name) == value:
            return
        setattr(self.settings, name, value)
        self.changed.emit(name)

    def reload(self, names: tuple[str, ...] | None = None) -> None:
        """Show the settings' current values again (all, or just ``names``)."""
        self._loading = True
        try:
            for name, load in self._loaders.items():
                if names is None or name in names:
                    load()
        finally:
            self._loading = False

    def _add(self, name: str, widget: QWidget, load: Callable[[], None]) -> None:
        getattr(self.settings, name)  # a typo in a field name fails here, not on first edit
        self.controls[name] = widget
        self._loaders[name] = load
        self.reload((name,))

    # --- kinds of widget
    def bind_check(self, name: str, box: QAbstractButton) -> None:
        """A check box (or any checkable button) for a bool."""
        self._add(name, box, lambda: box.setChecked(bool(getattr(self.settings, name))))
        box.toggled.connect(lambda on: self.write(name, bool(on)))

    def bind_seconds(self, name: str, spin: QSpinBox) -> None:
        """A spin box of seconds for a number of seconds."""
        self._add(name, spin, lambda: spin.setValue(int(getattr(self.settings, name))))
        spin.valueChanged.connect(lambda value: self.write(name, int(value)))

    def bind_minutes(self, name: str, spin: QSpinBox) -> None:
        """A spin box of seconds (a duration field) for a number of whole minutes.

        Typed seconds ("90 s") round to the nearest minute, and the field shows what is kept.
        """
        self._add(name, spin, lambda: spin.setValue(int(getattr(self.settings, name)) * 60))

        def on_value(seconds: int) -> None:
            low, high = spin.minimum() // 60, spin.maximum() // 60
            minutes = min(max(round(seconds / 60), low), high)
            self.write(name, minutes)
            if seconds != minutes * 60:
                spin.setValue(minutes * 60)

        spin.valueChanged.connect(on_value)

    def bind_combo(self, name: str, combo: QComboBox) -> None:
        """A combo box whose item data are the field's values (an enum's ``.value``)."""
        kind = type(getattr(self.settings, name))

        def load() -> None:
            value = getattr(self.settings, name)
            combo.setCurrentIndex(
                combo.findData(value.value if isinstance(value, enum.Enum) else value)
            )

        self._add(name, combo, load)

        def on_index(index: int) -> None:
            data = combo.itemData(index)
            if data is not None:
                self.write(name, kind(data) if issubclass(kind, enum.Enum) else data)

        combo.currentIndexChanged.connect(on_index)

    def bind_clock(self, name: str, edit: QTimeEdit) -> None:
        """A time field for "HH:MM" text."""

        def load() -> None:
            time = QTime.fromString(str(getattr(self.settings, name)), "HH:mm")
            edit.setTime(time if time.isValid() else QTime(0, 0))

        self._add(name, edit, load)
        edit.timeChanged.connect(lambda time: self.write(name, time.toString("HH:mm")))

    def bind_choice(self, name: str, buttons: Mapping[Any, QAbstractButton]) -> None:
        """Exclusive buttons (radio buttons, curve cards), one per value of the field."""

        def load() -> None:
            button = buttons.get(getattr(self.settings, name))
            if button is not None:
                button.setChecked(True)

        self._add(name, next(iter(buttons.values())), load)
        for value, button in buttons.items():
            button.toggled.connect(lambda on, v=value: self.write(name, v) if on else None)
