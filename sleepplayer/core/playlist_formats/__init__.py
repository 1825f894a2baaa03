"""Readers and writers of playlist files, one module per format; ``core.playlist_io`` is the API."""
