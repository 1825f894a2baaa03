"""Playback engines behind one contract. QtCore only, never QtWidgets."""
