"""Shortcut text: what may be stored as a shortcut, and how it is written and shown.

Settings store shortcuts in Qt's portable text ("Ctrl+Right"), which reads the same on every
platform; the window shows them in native text ("⌘→" on macOS). A shortcut is one key
combination: multi-key chords are refused, since a sleepy hand will not type them.
"""

from __future__ import annotations

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeySequence

_PORTABLE = QKeySequence.SequenceFormat.PortableText
_NATIVE = QKeySequence.SequenceFormat.NativeText
#: Keys that only modify others; a shortcut of just Ctrl could never be typed on its own.
_NOT_A_KEY = frozenset(
    {
        Qt.Key.Key_unknown,
        Qt.Key.Key_Control,
        Qt.Key.Key_Shift,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
    }
)


def parse_shortcut(text: str) -> QKeySequence | None:
    """The key sequence for portable ``text``; "" gives the empty sequence (no shortcut).
    None when ``text`` is not exactly one key combination."""
    if not text.strip():
        return QKeySequence()
    sequence = QKeySequence.fromString(text, _PORTABLE)
    return sequence if is_single_combination(sequence) else None


def first_key(sequence: QKeySequence) -> Qt.Key:
    """The key (without modifiers) of the first combination; ``Key_unknown`` when empty."""
    if sequence.isEmpty():
        return Qt.Key.Key_unknown
    combination: QKeyCombination = sequence[0]  # type: ignore[index]  # stubs lack []
    return combination.key()


def is_single_combination(sequence: QKeySequence) -> bool:
    """True for one real key with or without modifiers (not empty, not a chord)."""
    return sequence.count() == 1 and first_key(sequence) not in _NOT_A_KEY


def portable_text(sequence: QKeySequence) -> str:
    """How the settings store ``sequence`` ("" for none)."""
    return sequence.toString(_PORTABLE)


def native_text(sequence: QKeySequence) -> str:
    """How the window shows ``sequence`` to the user ("" for none)."""
    return sequence.toString(_NATIVE)


def with_keys(text: str, sequence: QKeySequence) -> str:
    """``"Pause (Space)"``; just ``text`` when there is no shortcut."""
    keys = native_text(sequence)
    return f"{text} ({keys})" if keys else text
