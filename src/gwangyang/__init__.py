"""Gwangyang: AI for an industrial cluster of battery plants, a container port and small factories.

Importing the package runs nothing but attaching a ``NullHandler`` to its logger; heavy
dependencies are imported inside the functions that need them.
"""

import logging

from .errors import GwangyangError as GwangyangError

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
