"""QObject services that own application state. QtCore only."""
