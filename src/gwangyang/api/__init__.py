"""The REST API and web dashboard: ``create_app(store_root)`` builds the FastAPI app for one store."""

from .app import create_app as create_app
