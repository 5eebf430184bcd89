"""Kept only for modules not yet moved to :mod:`gwangyang.files` (battery.io, port, logistics); import from there."""

from .files import read_toml as read_toml
