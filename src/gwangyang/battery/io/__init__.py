"""Readers for every common battery cycler, detected by content."""

from .base import Reader as Reader
from .registry import detect as detect
from .registry import is_companion as is_companion
from .registry import read_cycler as read_cycler
from .registry import readers as readers
from .registry import register as register
