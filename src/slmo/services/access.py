"""The use cases as one principal may use them: the walls of the roles, over the other services.

Reads of an object a customer may not see raise ``NotFoundError`` exactly as for an object
that does not exist, so that another party's agreement does not even leak its name. Writes
a role may not make raise ``PermissionDeniedError``. The API calls only this for anything a
token does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import BinaryIO

from slmo.core.model.audit import AuditEntry
from slmo.core.model.auth import Principal, Role
from slmo.core.model.kinds import CatalogueObject, kind_of
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.ports import LoadedObject, SpecCodec
from slmo.errors import NotFoundError, PermissionDeniedError, Problem, SpecError
from slmo.services.auth import actor_of, customer_reach, require_write, visible
from slmo.services.board import BoardRow, Standing
from slmo.services.catalogue import CatalogueService, Change
from slmo.services.evaluate import EvaluationService
from slmo.services.ingest import IngestReport, IngestService, MeasurementKind, OnError

# Documents sent over the API are small; the bodies of ingestion are streamed instead.
SOURCE = "request body"


def _not_found(kind: str, name: str) -> NotFoundError:
    return NotFoundError(f"{kind} {name!r} does not exist", key="error.object_not_found", kind=kind, name=name)


@dataclass(frozen=True)
class CurrentStatus:
    """The rows of ``GET /status`` one principal may see. ``key`` is the same for two answers
    exactly when their rows are (the same board version, seen from the same side of the
    walls), so that an entry point may keep what it made of them; the rows are only picked
    when asked for."""

    key: tuple[object, ...]
    standing: Standing
    # Every role but the customer sees every objective; a customer those of its party.
    customer: bool
    party: str | None

    @property
    def version(self) -> int:
        """The board's version: it grows whenever any row may have changed."""
        return self.standing.version

    @property
    def stamps(self) -> frozenset[int]:
        """The stamps of every row on the board, to let go of what was made of older ones."""
        return self.standing.stamps

    def rows(self) -> list[BoardRow]:
        if not self.customer:
            return list(self.standing.rows)
        reach = customer_reach(self.party, list(self.standing.agreements))
        return [row for row in self.standing.rows if ("Agreement", row.record.agreement) in reach]


@dataclass
class Access:
    """What ``principal`` may do; built per request (cheap: it only holds references)."""

    principal: Principal
    catalogue: CatalogueService
    evaluation: EvaluationService
    ingest: IngestService
    codec: SpecCodec

    # -- reading -----------------------------------------------------------------------

    def _reach(self) -> set[tuple[str, str]] | None:
        if self.principal.role is not Role.CUSTOMER:
            return None
        return customer_reach(self.principal.party, self.catalogue.get("Agreement"))

    def objects(self, kind: str) -> list[CatalogueObject]:
        reach = self._reach()
        return [o for o in self.catalogue.get(kind) if visible(self.principal, o, reach)]

    def get(self, kind: str, name: str) -> tuple[CatalogueObject, int]:
        """The object and its revision (the ETag)."""
        obj, revision = self.catalogue.revision(kind, name)
        if not visible(self.principal, obj, self._reach()):
            raise _not_found(kind, name)
        return obj, revision

    def document(self, obj: CatalogueObject) -> dict[str, object]:
        return self.catalogue.document(obj)

    def status(self, at: dt.datetime | None = None) -> list[ObjectiveEvaluation]:
        rows = self.evaluation.status(at)
        reach = self._reach()
        if reach is None:
            return rows
        return [row for row in rows if ("Agreement", row.agreement) in reach]

    def current_status(self) -> CurrentStatus:
        """Where the objectives this principal may see stand now (``EvaluationService.current``)."""
        standing = self.evaluation.current()
        party = self.principal.party
        if self.principal.role is not Role.CUSTOMER:
            return CurrentStatus((standing.version, "all"), standing, customer=False, party=None)
        return CurrentStatus((standing.version, "customer", party), standing, customer=True, party=party)

    def evaluations(self, objective: str | None = None, limit: int | None = None) -> list[ObjectiveEvaluation]:
        rows = list(self.evaluation.evaluations(objective, limit))
        reach = self._reach()
        if reach is None:
            return rows
        return [row for row in rows if ("Agreement", row.agreement) in reach]

    def history(self, objective: str, period: str) -> list[ObjectiveEvaluation]:
        rows = self.evaluation.history(objective, period)
        reach = self._reach()
        visible_rows = rows if reach is None else [r for r in rows if ("Agreement", r.agreement) in reach]
        if not visible_rows:
            # One answer for "no such objective" and "not yours": existence does not leak.
            raise NotFoundError(
                f"no objective {objective!r} in an agreement in force", key="error.objective_not_found", name=objective
            )
        return visible_rows

    def audit(self, kind: str | None = None, name: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        # The trail shows who changed what: staff only, never a customer.
        if self.principal.role is Role.CUSTOMER:
            raise PermissionDeniedError("customers may not read the audit log", key="error.permission_audit")
        return self.catalogue.audit(kind, name, limit)

    # -- writing -----------------------------------------------------------------------

    def _one(self, kind: str, text: str, name: str | None) -> LoadedObject:
        loaded = self.codec.load_text(text, SOURCE)
        if len(loaded) != 1:
            raise SpecError(
                [Problem(None, "", f"send exactly one document, not {len(loaded)}", key="api.one_document")]
            )
        item = loaded[0]
        if kind_of(item.obj) != kind:
            raise SpecError(
                [
                    Problem(
                        item.location,
                        "kind",
                        f"this endpoint takes {kind} documents, not {kind_of(item.obj)}",
                        key="api.wrong_kind",
                        args={"kind": kind},
                    )
                ]
            )
        if name is not None and item.obj.name != name:
            raise SpecError(
                [
                    Problem(
                        item.location,
                        "metadata.name",
                        f"the name must stay {name!r}; it cannot be renamed",
                        key="api.rename",
                        args={"name": name},
                    )
                ]
            )
        return item

    def create(self, kind: str, text: str) -> Change:
        """Create one object from a slmo/v1 document (JSON is YAML): 409 if it exists."""
        require_write(self.principal, kind)
        return self._apply(self._one(kind, text, None), None)

    def replace(self, kind: str, name: str, text: str, revision: int) -> Change:
        require_write(self.principal, kind)
        return self._apply(self._one(kind, text, name), revision)

    def _apply(self, item: LoadedObject, revision: int | None) -> Change:
        kind, name = kind_of(item.obj), item.obj.name
        require_write(self.principal, kind, item.obj)
        if revision is not None and self.principal.role is Role.OWNER:
            # An owner may not take over a service it does not own by rewriting its owner.
            before, _ = self.catalogue.revision(kind, name)
            require_write(self.principal, kind, before)
        (change,) = self.catalogue.apply([item], actor_of(self.principal), expect={(kind, name): revision})
        return change

    def measurements(
        self,
        kind: MeasurementKind,
        indicator: str,
        stream: BinaryIO,
        name: str,
        *,
        source: str,
        tz: str | None,
        on_error: OnError,
    ) -> IngestReport:
        require_write(self.principal, "Measurements")
        if self.principal.role is Role.OWNER:
            self._owner_may_feed(indicator)
        return self.ingest.measurements(
            kind, indicator, stream, name, actor_of(self.principal), source=source, tz=tz, on_error=on_error
        )

    def incidents(self, stream: BinaryIO, name: str, *, tz: str | None, on_error: OnError) -> IngestReport:
        require_write(self.principal, "Measurements")
        return self.ingest.incidents(stream, name, actor_of(self.principal), tz=tz, on_error=on_error)

    def _owner_may_feed(self, indicator: str) -> None:
        found = [o for o in self.catalogue.get("Indicator") if o.name == indicator]
        service = getattr(found[0], "service", None) if found else None
        owned = {o.name for o in self.catalogue.get("Service") if getattr(o, "owner", None) == self.principal.party}
        if found and service not in owned:
            raise PermissionDeniedError(
                f"indicator {indicator!r} measures a service this owner does not own",
                key="error.permission_kind",
                role=self.principal.role.value,
                kind="Measurements",
            )
