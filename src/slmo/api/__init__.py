"""The REST API: ``create_app(slmo)`` builds it over a wired handle (see ``api.app``)."""

from slmo.api.app import create_app

__all__ = ["create_app"]
