"""slmo: service level management.

The supported Python API: connect to a catalogue, apply documents, read objects back. The
model classes live in :mod:`slmo.core.model`; errors in :mod:`slmo.errors`.

    >>> import slmo
    >>> with slmo.connect(slmo.load_settings(database_url="sqlite:///team.db")) as handle:
    ...     loaded = handle.catalogue.load(["examples/"])
    ...     changes = handle.catalogue.apply(loaded, slmo.Actor(name="me", interface="python"))
"""

from slmo.bootstrap import Slmo, connect, in_memory
from slmo.core.model.audit import Actor
from slmo.errors import (
    ConfigurationError,
    ConflictError,
    IngestError,
    NotFoundError,
    PermissionDeniedError,
    SlmoError,
    SpecError,
    StoreError,
    TransitionError,
)
from slmo.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "ConfigurationError",
    "ConflictError",
    "IngestError",
    "NotFoundError",
    "PermissionDeniedError",
    "Settings",
    "Slmo",
    "SlmoError",
    "SpecError",
    "StoreError",
    "TransitionError",
    "__version__",
    "connect",
    "in_memory",
    "load_settings",
]
