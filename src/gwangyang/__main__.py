"""``python -m gwangyang``."""

from .cli.main import entry

entry()
