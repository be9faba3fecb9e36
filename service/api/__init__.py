"""The HTTP service: ``create_app(settings=None)`` builds the FastAPI application."""

from service.api.app import create_app
from service.api.settings import Settings

__all__ = ["Settings", "create_app"]
