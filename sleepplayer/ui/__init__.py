"""Widgets. They display service state and send commands; they hold no playback state."""
