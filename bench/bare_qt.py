"""Child process: the smallest PySide6 window, the reference for the app's start-up time.

Run as ``python -m bench.bare_qt TITLE``. It quits on WM_DELETE_WINDOW (the close button).
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget


def main() -> int:
    app = QApplication(sys.argv)
    window = QWidget()
    window.setWindowTitle(sys.argv[1] if len(sys.argv) > 1 else "Bare PySide6 window")
    window.resize(900, 600)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
