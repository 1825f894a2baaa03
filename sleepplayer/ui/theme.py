"""Palettes for night (dark, the default) and day (light), and following the system scheme.

The dark palette is dim and low in contrast on purpose: the window may be the only light in a
bedroom. Text is a soft grey rather than white and the accent is a muted indigo.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from sleepplayer.ui import icons

MODES = ("system", "dark", "light")


@dataclass(frozen=True)
class Colours:
    """The handful of colours a palette is built from."""

    window: str
    base: str
    alternate: str
    button: str
    text: str
    dim_text: str
    disabled: str
    accent: str
    accent_text: str
    soft_accent: str
    on_ring: str  # the frame of a button that is on (repeat, shuffle): 3:1 or more on base
    scroll: str
    border: str


DARK = Colours(
    window="#1a1c22",
    base="#15171c",
    alternate="#1a1c22",
    button="#24272f",
    text="#c4c7d0",
    dim_text="#7d8190",
    disabled="#6b6f7d",  # unavailable rows: dimmer than dim_text, still 3.6:1 on base
    accent="#444a85",
    accent_text="#dfe0ea",
    soft_accent="#2c3053",
    on_ring="#666fc7",  # 4.0:1 on base; the accent itself is 2.2:1
    scroll="#363a47",
    border="#2a2d36",
)

LIGHT = Colours(
    window="#eceef2",
    base="#f7f8fa",
    alternate="#f0f1f5",
    button="#e2e4ea",
    text="#2a2d35",
    dim_text="#6b6f7c",
    disabled="#80838e",
    accent="#5a62a8",
    accent_text="#f7f8fa",
    soft_accent="#d8daf0",
    on_ring="#5a62a8",
    scroll="#c3c6d0",
    border="#d3d6de",
)


def build_palette(c: Colours) -> QPalette:
    """A complete QPalette (all groups) from a few colours."""
    pal = QPalette()
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    for g in (group.Active, group.Inactive, group.Disabled):
        pal.setColor(g, role.Window, QColor(c.window))
        pal.setColor(g, role.Base, QColor(c.base))
        pal.setColor(g, role.AlternateBase, QColor(c.alternate))
        pal.setColor(g, role.Button, QColor(c.button))
        pal.setColor(g, role.ToolTipBase, QColor(c.button))
        pal.setColor(g, role.Highlight, QColor(c.accent))
        pal.setColor(g, role.HighlightedText, QColor(c.accent_text))
        pal.setColor(g, role.Link, QColor(c.accent).lighter(130))
        pal.setColor(g, role.PlaceholderText, QColor(c.dim_text))
        pal.setColor(g, role.Mid, QColor(c.border))
        pal.setColor(g, role.Midlight, QColor(c.button))
        pal.setColor(g, role.Dark, QColor(c.base).darker(130))
        pal.setColor(g, role.Shadow, QColor(c.base).darker(160))
        pal.setColor(g, role.Light, QColor(c.button).lighter(115))
        text = QColor(c.disabled if g == group.Disabled else c.text)
        for r in (role.WindowText, role.Text, role.ButtonText, role.ToolTipText):
            pal.setColor(g, r, text)
        pal.setColor(g, role.BrightText, QColor(c.accent_text))
    # An unfocused window keeps a quieter selection instead of Fusion's grey.
    pal.setColor(group.Inactive, role.Highlight, QColor(c.accent).darker(125))
    return pal


def stylesheet(c: Colours) -> str:
    """A small sheet for what the palette cannot say: sizes, borders, dim labels, scrollbars."""
    return f"""
QLabel#nowPlayingTitle {{ font-size: 16pt; color: {c.text}; }}
QLabel#nowPlayingArtist, QLabel#dimLabel, QLabel#timeLabel {{ color: {c.dim_text}; }}
QLabel#playlistTitle {{ font-size: 11pt; font-weight: 600; }}
QLabel#sectionLabel {{ color: {c.dim_text}; font-weight: 600; }}
QWidget#transportBar {{ background: {c.window}; border-top: 1px solid {c.border}; }}
/* Fusion's stock button icons (a dark ✕, a dark tick) vanish on the night palette, and
   recolouring them would not match the other dialogs: buttons carry words only. */
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QTableView, QListView {{ border: none; }}
/* Qt's dotted focus rectangle is off (outline: 0): these say instead where the keys go, in a
   colour that shows on the night base (the accent all but vanishes there). */
QTableView {{ outline: 0; border: 1px solid transparent; }}
QTableView:focus {{ border-color: {c.dim_text}; }}
QTableView::item {{ padding: 0 12px 0 6px; }}
QListView#sidebar {{ background: {c.window}; outline: none; padding: 0 6px; }}
QListView#sidebar::item {{ padding: 5px 4px; border-radius: 5px; color: {c.text}; }}
QListView#sidebar::item:hover {{ background: {c.button}; }}
QListView#sidebar::item:selected {{ background: {c.soft_accent}; color: {c.text}; }}
QListView#sidebar::item:focus {{ border: 1px solid {c.dim_text}; }}
QLineEdit#filter {{
    border: 1px solid {c.border}; border-radius: 5px; padding: 3px 4px; background: {c.base};
}}
QLineEdit#filter:focus {{ border-color: {c.accent}; }}
QHeaderView::section {{
    background: {c.base}; color: {c.dim_text}; border: none;
    border-bottom: 1px solid {c.border}; padding: 4px 12px 4px 6px;
}}
QToolButton {{ border: 1px solid transparent; border-radius: 5px; padding: 3px; }}
QToolButton:hover {{ background: {c.button}; }}
/* Repeat, shuffle, mute when on: in the button colour alone a trial could not tell on from
   off at night. */
QToolButton:checked {{ background: {c.soft_accent}; border-color: {c.on_ring}; }}
QToolButton#playButton {{
    background: {c.button}; border: none; border-radius: 19px; padding: 6px;
}}
QToolButton#playButton:hover {{ background: {c.accent}; }}
QSplitter::handle {{ background: {c.border}; }}
QStatusBar {{ color: {c.dim_text}; }}
QStatusBar::item {{ border: none; }}
/* Qt's own tray message (where no notification service runs) is always pale yellow. */
QBalloonTip QLabel {{ color: #1f1f1f; }}
QProgressBar#scanProgress {{
    border: none; border-radius: 3px; background: {c.button}; max-height: 6px;
}}
QProgressBar#scanProgress::chunk {{ border-radius: 3px; background: {c.accent}; }}
QFrame#suspendBanner {{ background: {c.soft_accent}; border-bottom: 1px solid {c.border}; }}
QLabel#suspendLabel {{ font-weight: 600; }}
QPushButton#statusLinkButton {{
    border: none; background: none; padding: 0 4px; color: {c.text}; text-decoration: underline;
}}
QPushButton#statusLinkButton:focus {{ color: {c.accent_text}; background: {c.soft_accent}; }}
QFrame#timerArmed {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 8px; }}
QLabel#timerArmedTitle {{ font-size: 13pt; }}
QLabel#timerSummary {{ font-weight: 600; }}
QLabel#timerSummary[error="true"] {{ font-weight: normal; color: {c.dim_text}; }}
QFrame#timerRule {{ border: none; background: {c.border}; max-height: 1px; min-height: 1px; }}
QPushButton#presetButton {{
    background: {c.base}; border: 1px solid {c.border}; border-left: none; border-radius: 0;
    padding: 4px 9px;
}}
QPushButton#presetButton[segment="first"] {{
    border-left: 1px solid {c.border}; border-top-left-radius: 5px;
    border-bottom-left-radius: 5px;
}}
QPushButton#presetButton[segment="last"] {{
    border-top-right-radius: 5px; border-bottom-right-radius: 5px;
}}
QPushButton#presetButton:hover {{ background: {c.button}; }}
QPushButton#presetButton:checked {{ background: {c.accent}; color: {c.accent_text}; }}
QPushButton#presetButton:focus {{ text-decoration: underline; }}
QPushButton#presetButton:focus:!checked {{ background: {c.button}; }}
QListWidget#settingsPages {{
    background: {c.base}; border: none; border-right: 1px solid {c.border}; outline: 0;
    padding: 12px 8px;
}}
QListWidget#settingsPages::item {{ padding: 6px 10px; border-radius: 5px; color: {c.text}; }}
QListWidget#settingsPages::item:hover {{ background: {c.button}; }}
QListWidget#settingsPages::item:selected {{ background: {c.soft_accent}; color: {c.text}; }}
QListWidget#settingsPages::item:focus {{ border: 1px solid {c.dim_text}; }}
QLabel#settingsTitle {{ font-size: 14pt; }}
QTreeWidget#shortcutTree {{ border: 1px solid {c.border}; border-radius: 5px; outline: 0; }}
QTreeWidget#shortcutTree:focus {{ border-color: {c.dim_text}; }}
QTreeWidget#shortcutTree::item {{ padding: 3px 12px 3px 2px; }}
/* Fusion outlines radio buttons in a darker shade of the window colour: on the night palette
   an unchecked one all but vanished, and the checked dot was faint. */
QRadioButton::indicator {{
    width: 12px; height: 12px; border-radius: 7px; border: 1px solid {c.dim_text};
    background: {c.base};
}}
QRadioButton::indicator:hover {{ border-color: {c.text}; }}
/* Fusion's focus frame is drawn in the accent colour, which all but vanishes on the night
   base: a keyboard user could not see which box Space would tick. */
QCheckBox:focus, QRadioButton:focus {{ background: {c.soft_accent}; border-radius: 4px; }}
/* Push buttons are drawn here rather than by Fusion, for the same reason: its focus frame
   could not be told from a button without the focus. */
QPushButton {{
    background: {c.button}; color: {c.text}; border: 1px solid {c.border}; border-radius: 5px;
    padding: 4px 14px;
}}
QPushButton:hover {{ background: {c.scroll}; }}
QPushButton:pressed, QPushButton:checked {{ background: {c.soft_accent}; }}
QPushButton:default {{ border-color: {c.accent}; }}
QPushButton:focus {{ border-color: {c.text}; }}
QPushButton:disabled {{ color: {c.disabled}; border-color: {c.border}; }}
QRadioButton::indicator:checked {{
    border-color: {c.text};
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
        stop: 0 {c.text}, stop: 0.45 {c.text}, stop: 0.55 {c.base}, stop: 1 {c.base});
}}
QRadioButton::indicator:disabled {{ border-color: {c.disabled}; }}
QRadioButton::indicator:checked:disabled {{
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
        stop: 0 {c.disabled}, stop: 0.45 {c.disabled}, stop: 0.55 {c.base}, stop: 1 {c.base});
}}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {c.scroll}; border-radius: 3px; min-height: 32px; }}
QScrollBar::handle:vertical:hover {{ background: {c.dim_text}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


class _ThemeFollower(QObject):
    """Lives on the application while mode is "system" and re-applies on scheme changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self.mode = "system"
        app.styleHints().colorSchemeChanged.connect(self._on_hints_color_scheme_changed)

    def _on_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            _apply_colours(self._app, LIGHT if scheme == Qt.ColorScheme.Light else DARK)


_follower: _ThemeFollower | None = None


def colours_for(mode: str, scheme: Qt.ColorScheme) -> Colours:
    """Which colours a mode means; "system" falls back to dark when the scheme is unknown."""
    if mode == "light" or (mode == "system" and scheme == Qt.ColorScheme.Light):
        return LIGHT
    return DARK


def current_colours() -> Colours:
    """The colours applied last (dark before anything was applied)."""
    return _current


_current = DARK


def _apply_colours(app: QApplication, colours: Colours) -> None:
    global _current
    _current = colours
    app.setPalette(build_palette(colours))
    app.setStyleSheet(stylesheet(colours))
    icons.reset()


def apply_theme(app: QApplication, mode: str) -> None:
    """Apply "system", "dark" or "light" (unknown values mean "system") with the Fusion style."""
    global _follower
    if mode not in MODES:
        mode = "system"
    if _follower is None or _follower.parent() is not app:
        # Once per app: Fusion draws from the palette on every platform. (Not re-checked by
        # name later: a style sheet wraps the style and hides its name.)
        app.setStyle("Fusion")
        _follower = _ThemeFollower(app)
    _follower.mode = mode
    scheme = QGuiApplication.styleHints().colorScheme()
    _apply_colours(app, colours_for(mode, scheme))
