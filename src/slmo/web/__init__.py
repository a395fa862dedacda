"""The web UI: server-rendered pages over the same use cases and walls as the API, mounted at
``/ui`` by ``slmo.api.create_app``. ``create_web_app(slmo)`` builds it; see ``web.app``."""

from slmo.web.app import create_web_app

__all__ = ["create_web_app"]
