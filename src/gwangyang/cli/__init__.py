"""Command-line interface: ``gwangyang <part> <verb>``."""
