"""Shared test setup. Keep it small: fixtures that only one tier needs live in that tier."""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need a real display unless a tier sets one up.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
