"""Unit-tier fixtures shared by the controller and sleep-timer tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from tests.helpers.fake_backend import FakeBackend


@pytest.fixture
def backend(qapp: QApplication) -> Iterator[FakeBackend]:
    """A deterministic engine that records every command (released after the test)."""
    fake = FakeBackend()
    yield fake
    if not fake.released:
        fake.release()
