"""A one-line label that ends in "…" when its room is short, the whole text in its tooltip.

A plain QLabel asks for its whole text's width: a long playlist name pushed the filter box
beside it down to "Fi…". This one asks for that width but takes less, cut at the end, or in
the middle for names that differ at their end ("Whispering rain in the… copy").
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

#: Spare pixels in the width asked for.
_SLACK_PX = 2
#: The least it shrinks to, in "…" widths.
_MIN_ELLIPSES = 3


class ElidedLabel(QLabel):
    """Use :meth:`set_full_text` and :meth:`full_text`; ``text()`` is what shows."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self._mode = mode

    def set_full_text(self, text: str, tip: str = "") -> None:
        """Show ``text``; the tooltip holds ``tip``, after the whole text when it is cut."""
        self._full, self._tip = text, tip
        self.updateGeometry()
        self._cut()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        # Room for the label's own margin on both sides, and a pixel or two: elidedText cuts
        # text that only just fits its advance ("Sleep soun…" in exactly its own width).
        return QSize(width + 2 * self.margin() + _SLACK_PX, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        width = self.fontMetrics().horizontalAdvance("…") * _MIN_ELLIPSES
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._cut()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()  # a style sheet's font arrives after the text
            self._cut()

    def _cut(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        shown = self.fontMetrics().elidedText(self._full, self._mode, room)
        if shown != self.text():
            self.setText(shown)
        cut = self._full if shown != self._full else ""
        self.setToolTip("\n".join(t for t in (cut, self._tip) if t))
