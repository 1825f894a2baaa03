"""The Open URL dialog (Ctrl+L): one or many links, one per line, for the current playlist."""

from __future__ import annotations

import os

from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.core.links import is_web_url, local_path
from sleepplayer.core.text import shorten

_HELP = (
    "Paste or type links, one per line: internet radio, streams, playlist files, or pages "
    "from YouTube and the other sites yt-dlp knows."
)


class OpenUrlDialog(QDialog):
    """A text box for links; ``links()`` gives the non-blank lines. Ctrl+Enter adds."""

    def __init__(self, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Open URL")
        self.setObjectName("openUrlDialog")
        self.resize(560, 260)
        label = QLabel(_HELP)
        label.setWordWrap(True)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("urlEdit")
        self.edit.setPlaceholderText("https://…")
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlainText(text)
        label.setBuddy(self.edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("&Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._on_add_shortcut)
        #: Says why Add did nothing; the text stays to be mended.
        self.problem = QLabel()
        self.problem.setObjectName("dimLabel")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update_button)
        self._update_button()
        self.edit.setFocus()
        self.edit.selectAll()

    def links(self) -> list[str]:
        """The non-blank lines, stripped, in order."""
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def accept(self) -> None:
        """Add, unless no line is a link or a file: then say so and keep the text (it closed
        and the typed text was lost). Lines that are neither, among links, go on to be named
        as refused by the message that reports the adding."""
        lines = self.links()
        if lines and not any(_is_link_or_file(line) for line in lines):
            shown = shorten(lines[0], 60)
            self.problem.setText(
                f"“{shown}” is not a link: a link starts with http:// or https://."
                if len(lines) == 1
                else "None of these is a link: a link starts with http:// or https://."
            )
            self.problem.show()
            self.edit.setFocus()
            return
        super().accept()

    def _update_button(self) -> None:
        self.add_button.setEnabled(bool(self.links()))
        self.problem.hide()

    def _on_add_shortcut(self) -> None:
        if self.add_button.isEnabled():
            self.accept()


def _is_link_or_file(line: str) -> bool:
    """A web link, or a file or folder that is there (a path or a ``file:`` URI)."""
    path = local_path(line)
    return is_web_url(line) or (path is not None and os.path.exists(path))


def clipboard_links_text() -> str:
    """The web links on the clipboard, one per line (to start the dialog with), else ""."""
    clipboard = QGuiApplication.clipboard()
    lines = clipboard.text().splitlines() if clipboard is not None else []
    return "\n".join(line.strip() for line in lines if is_web_url(line.strip()))


def ask_links(parent: QWidget | None) -> list[str]:
    """Show the dialog (pre-filled with links from the clipboard); [] when cancelled."""
    dialog = OpenUrlDialog(parent, clipboard_links_text())
    try:
        return dialog.links() if dialog.exec() == QDialog.DialogCode.Accepted else []
    finally:
        dialog.deleteLater()
