"""One exception tree for everything slmo raises on purpose.

    SlmoError                      base; carries a translatable message key and its arguments
    ├── ConfigurationError         settings, database URL, missing optional parts        exit 3
    ├── SpecError                  documents that cannot be read or are not valid       exit 2
    │     carries .problems: a list of Problem(location, field, message)
    ├── NotFoundError              a named object, indicator or record does not exist    exit 4
    ├── ConflictError              a write that contradicts what is stored               exit 5
    │   └── TransitionError        an agreement version state change that is not allowed
    ├── IngestError                measurements or tickets that cannot be taken          exit 2
    ├── StoreError                 the database failed or is not at the expected schema  exit 6
    ├── PermissionDeniedError      the caller's role does not allow the operation        exit 7
    ├── AuthenticationError        no token, or one that is unknown, expired or revoked  exit 7
    ├── PreconditionFailedError    a write based on a revision that is no longer current exit 5
    ├── SourceError                a metrics source (Prometheus ...) cannot be read      exit 8
    └── IntegrityError             a hash chain does not verify: a record was tampered   exit 9

The CLI maps this tree to exit codes in one place (``cli/errors.py``), the API to HTTP
status codes in one place. Messages are English here; the translation layer renders
the ``key`` with ``args`` in the user's language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file (or other source name) and, when known, line and column (1-based)."""

    source: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, which field (a dotted path) and what was expected."""

    location: Location | None
    field: str
    message: str
    key: str = "problem"
    args: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        name = f"{self.field}: " if self.field else ""
        return f"{prefix}{name}{self.message}"


class SlmoError(Exception):
    """Base of every error slmo raises on purpose."""

    exit_code = 1
    key = "error"

    def __init__(self, message: str, *, key: str | None = None, **args: Any) -> None:
        super().__init__(message)
        self.message = message
        if key is not None:
            self.key = key
        self.args_for_translation = args


class ConfigurationError(SlmoError):
    exit_code = 3
    key = "error.configuration"


class SpecError(SlmoError):
    exit_code = 2
    key = "error.spec"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(lines or "invalid document")


class NotFoundError(SlmoError):
    exit_code = 4
    key = "error.not_found"


class ConflictError(SlmoError):
    exit_code = 5
    key = "error.conflict"


class TransitionError(ConflictError):
    key = "error.transition"


class IngestError(SlmoError):
    exit_code = 2
    key = "error.ingest"

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(message or "\n".join(str(p) for p in self.problems))


class StoreError(SlmoError):
    exit_code = 6
    key = "error.store"


class PermissionDeniedError(SlmoError):
    exit_code = 7
    key = "error.permission"


class AuthenticationError(SlmoError):
    """Deliberately says nothing about why (unknown, expired or revoked): that would help a guesser."""

    exit_code = 7
    key = "error.authentication"


class PreconditionFailedError(SlmoError):
    """An update that names a revision (an ETag) other than the stored one."""

    exit_code = 5
    key = "error.precondition"


class SourceError(SlmoError):
    """A metrics source could not answer: unreachable, a query it refused, or an answer of
    another shape than the indicator expects. Says which source and which query."""

    exit_code = 8
    key = "error.source"


class IntegrityError(SlmoError):
    """A hash chain (the audit log, the closed periods) does not verify: a record was changed,
    deleted, reordered or added behind slmo's back. The message names the first bad record."""

    exit_code = 9
    key = "error.integrity"
