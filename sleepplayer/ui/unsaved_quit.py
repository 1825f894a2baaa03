"""The question a Quit asks when SleepPlayer's changes cannot be saved (a full disk, a
read-only folder): try again, quit without them, or stay. Only a Quit the user asked for in
the window or the tray asks; the sleep timer, a second launch and the desktop's Quit never
wait for an answer in the night."""

from __future__ import annotations

import enum

from PySide6.QtWidgets import QMessageBox, QWidget


class UnsavedQuit(enum.Enum):
    TRY_AGAIN = "try again"
    QUIT = "quit"
    STAY = "stay"


def ask_unsaved_quit(parent: QWidget | None, failure: str) -> UnsavedQuit:
    """Ask; Esc and closing the box stay (nothing is lost by staying)."""
    box = QMessageBox(parent)
    box.setWindowTitle("Quit SleepPlayer")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setText("Your changes could not be saved.")
    box.setInformativeText(
        f"{failure.rstrip('.')}.\n\nIf you quit now, what changed since the last save "
        "(playlists, settings, where you were) is lost. Free some disk space or make the "
        "folder writable, then try again."
    )
    again = box.addButton("&Try Again", QMessageBox.ButtonRole.AcceptRole)
    quit_ = box.addButton("&Quit Without Saving", QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(again)
    box.setEscapeButton(stay)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is again:
        return UnsavedQuit.TRY_AGAIN
    return UnsavedQuit.QUIT if clicked is quit_ else UnsavedQuit.STAY
