"""The use cases as one principal may use them: the walls of the roles, over the other services.

Reads of an object a customer may not see raise ``NotFoundError`` exactly as for an object
that does not exist, so that another party's agreement does not even leak its name. Writes
a role may not make raise ``PermissionDeniedError``. The API calls only this for anything a
token does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from slmo.core.engine.breaches import BreachEpisode
from slmo.core.engine.evidence import CONFIDENCES
from slmo.core.engine.windows import named_period
from slmo.core.model.alerts import Alert, AlertStatus, Notification
from slmo.core.model.audit import Actor, AuditEntry
from slmo.core.model.auth import Principal, Role
from slmo.core.model.evidence import Evidence
from slmo.core.model.job import Job, JobRun
from slmo.core.model.kinds import CatalogueObject, kind_of
from slmo.core.model.opportunity import Opportunities
from slmo.core.model.portfolio import Portfolio
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.model.targets import TargetStudy
from slmo.core.model.ticket import Ticket
from slmo.core.model.trend import Trend
from slmo.core.ports import LoadedObject, SpecCodec
from slmo.errors import NotFoundError, PermissionDeniedError, Problem, SpecError
from slmo.services.alerts import AlertService
from slmo.services.auth import actor_of, customer_reach, require_write, visible
from slmo.services.board import BoardRow, Standing
from slmo.services.breaches import BreachService
from slmo.services.catalogue import CatalogueService, Change
from slmo.services.claims import ClaimService
from slmo.services.costs import CostService
from slmo.services.credits import CreditService
from slmo.services.demand import DemandService
from slmo.services.demand_access import DemandDesk
from slmo.services.evaluate import EvaluationService
from slmo.services.evidence import EvidenceService
from slmo.services.impact import ImpactService
from slmo.services.improvements import ImprovementService
from slmo.services.ingest import IngestReport, IngestService, MeasurementKind, OnError, not_owned
from slmo.services.money_access import MoneyDesk
from slmo.services.negotiation import NegotiationService
from slmo.services.negotiation_access import NegotiationDesk
from slmo.services.opportunities import OpportunityService
from slmo.services.portfolio import PortfolioService
from slmo.services.portfolio_access import portfolio_reader
from slmo.services.proposal_access import ProposalDesk
from slmo.services.proposals import ProposalService
from slmo.services.records_access import RecordsDesk
from slmo.services.reviews import ReviewService
from slmo.services.scheduler import SchedulerService
from slmo.services.supplier_access import SupplierDesk
from slmo.services.suppliers import SupplierService
from slmo.services.targets import TargetService
from slmo.services.tickets import PriorityFigures, TicketIngestReport, TicketService, TicketTimer
from slmo.services.trends import TrendService

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
    tickets: TicketService
    scheduler: SchedulerService
    breach_log: BreachService = field(init=False, repr=False)
    alert_log: AlertService | None = None
    # The interface the audit log names for this principal's writes (``api``, ``web``).
    interface: str = "api"
    negotiation_service: NegotiationService | None = None
    evidence_service: EvidenceService | None = None
    reviews_service: ReviewService | None = None
    improvement_service: ImprovementService | None = None
    opportunity_service: OpportunityService | None = None
    credits_service: CreditService | None = None
    costs_service: CostService | None = None
    claims_service: ClaimService | None = None
    suppliers_service: SupplierService | None = None
    impact_service: ImpactService | None = None
    targets_service: TargetService | None = None
    portfolio_service: PortfolioService | None = None
    proposals_service: ProposalService | None = None
    demand_service: DemandService | None = None
    trends_service: TrendService | None = None

    def __post_init__(self) -> None:
        self.breach_log = BreachService(self.evaluation)

    def records(self) -> RecordsDesk:
        """Reviews and improvement actions as this principal may (``services.records_access``)."""
        if self.reviews_service is None or self.improvement_service is None:
            raise ValueError("no review service is wired")
        return RecordsDesk(self.principal, self.reviews_service, self.improvement_service, self._reach, self.interface)

    def money(self) -> MoneyDesk:
        """The credits ledger and the costs of services as this principal may (``services.money_access``)."""
        if self.credits_service is None or self.costs_service is None:
            raise ValueError("no credits service is wired")
        return MoneyDesk(self.principal, self.credits_service, self.costs_service, self._reach, self.interface)

    def suppliers(self) -> SupplierDesk:
        """Claims on suppliers, the suppliers' standing and dependency impact as this principal
        may (``services.supplier_access``)."""
        if self.claims_service is None or self.suppliers_service is None or self.impact_service is None:
            raise ValueError("no supplier service is wired")
        return SupplierDesk(
            self.principal, self.claims_service, self.suppliers_service, self.impact_service, self.interface
        )

    def proposals(self) -> ProposalDesk:
        """Proposals for change as this principal may (``services.proposal_access``)."""
        if self.proposals_service is None or self.negotiation_service is None:
            raise ValueError("no proposals service is wired")
        return ProposalDesk(
            self.principal, self.proposals_service, self.negotiation_service, self._reach, self.interface
        )

    def demand(self) -> DemandDesk:
        """Demand forecasts as this principal may read them (``services.demand_access``)."""
        if self.demand_service is None:
            raise ValueError("no demand service is wired")
        return DemandDesk(self.demand_service, self._reach)

    def negotiation(self) -> NegotiationDesk:
        """Negotiating agreements as this principal may (``services.negotiation_access``)."""
        if self.negotiation_service is None or self.evidence_service is None:
            raise ValueError("no negotiation service is wired")
        return NegotiationDesk(
            self.principal, self.negotiation_service, self.evidence_service, self._reach, self.interface
        )

    def _actor(self) -> Actor:
        return dataclasses.replace(actor_of(self.principal), interface=self.interface)

    # -- reading -----------------------------------------------------------------------

    def _reach(self) -> set[tuple[str, str]] | None:
        if self.principal.role is not Role.CUSTOMER:
            return None
        return customer_reach(
            self.principal.party, [*self.catalogue.get("Agreement"), *self.catalogue.get("Procedure")]
        )

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

    def evaluations(
        self, objective: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ObjectiveEvaluation]:
        reach = self._reach()
        mine = None if reach is None else {name for kind, name in reach if kind == "Agreement"}
        return list(self.evaluation.evaluations(objective, limit, offset, agreements=mine))

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

    def trends(
        self,
        objective: str | None = None,
        service: str | None = None,
        *,
        unit: str = "month",
        periods: int | None = None,
        alpha: float | None = None,
    ) -> list[Trend]:
        """Trends of delivery (``services.trends``); a customer's are read from its own agreements'
        objectives only, a service's too, and another party's objective or a service none of its
        objectives measures answers as a missing one."""
        if self.trends_service is None:
            raise ValueError("no trend service is wired")
        return self.trends_service.trends(
            objective, service, unit=unit, periods=periods, alpha=alpha, agreements=self._agreements()
        )

    def targets(
        self,
        objective: str,
        *,
        what_if: float | None = None,
        confidences: Sequence[float] = CONFIDENCES,
        periods: int = 12,
        per: str | None = None,
    ) -> TargetStudy:
        """An objective's achievable targets and what-if (``services.targets``); a customer's
        own agreements' only, another's not found, as a missing one."""
        if self.targets_service is None:
            raise ValueError("no targets service is wired")
        reach = self._reach()
        mine = None if reach is None else {name for kind, name in reach if kind == "Agreement"}
        return self.targets_service.study(
            objective, what_if=what_if, confidences=confidences, periods=periods, per=per, agreements=mine
        )

    def opportunities(self, period: str | None = None, *, top: int = 5) -> Opportunities:
        """Where the budgets went and what to improve first (``services.opportunities``): a
        customer's own agreements' objectives only, behind the walls that module describes."""
        if self.opportunity_service is None:
            raise ValueError("no opportunity service is wired")
        reach = self._reach()
        if reach is None:
            return self.opportunity_service.find(period, top=top)
        mine = {name for kind, name in reach if kind == "Agreement"}
        return self.opportunity_service.find(period, top=top, agreements=mine, customer=True)

    def portfolio(
        self, period: str | None = None, group_by: str | None = None, sort: str | None = None, descending: bool = False
    ) -> Portfolio:
        """Every agreement on one line (``services.portfolio``), as this principal may see it
        (``services.portfolio_access``)."""
        if self.portfolio_service is None:
            raise ValueError("no portfolio service is wired")
        reader = portfolio_reader(self.principal, self._reach())
        return self.portfolio_service.portfolio(period, group_by, sort, descending, reader)

    def evidence_what_if(self, evidence: Evidence) -> TargetStudy:
        """The what-if of the target a negotiation's ``evidence`` is about (``evidence`` came
        through ``negotiation().evidence``, behind its walls)."""
        if self.targets_service is None:
            raise ValueError("no targets service is wired")
        return self.targets_service.for_evidence(evidence)

    def audit(
        self, kind: str | None = None, name: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[AuditEntry]:
        # The trail shows who changed what: staff only, never a customer.
        if self.principal.role is Role.CUSTOMER:
            raise PermissionDeniedError("customers may not read the audit log", key="error.permission_audit")
        return self.catalogue.audit(kind, name, limit, offset)

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
        (change,) = self.catalogue.apply([item], self._actor(), expect={(kind, name): revision})
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
            kind, indicator, stream, name, self._actor(), source=source, tz=tz, on_error=on_error
        )

    def incidents(self, stream: BinaryIO, name: str, *, tz: str | None, on_error: OnError) -> IngestReport:
        require_write(self.principal, "Measurements")
        return self.ingest.incidents(stream, name, self._actor(), tz=tz, on_error=on_error, owned=self._owned())

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

    def _owned(self) -> set[str] | None:
        """The services an owner's party owns: the only ones it may send data of (``None``
        for the roles that are not bound to a party's services)."""
        if self.principal.role is not Role.OWNER:
            return None
        return {o.name for o in self.catalogue.get("Service") if getattr(o, "owner", None) == self.principal.party}

    # -- tickets, breaches and jobs --------------------------------------------------------

    def _agreements(self) -> set[str] | None:
        """The agreements a customer may see; ``None`` for the roles that see them all."""
        reach = self._reach()
        return None if reach is None else {name for kind, name in reach if kind == "Agreement"}

    def ingest_tickets(
        self,
        stream: BinaryIO,
        name: str,
        *,
        preset: str | None,
        mapping: str | None,
        tz: str | None,
        service: str | None,
        on_error: OnError,
    ) -> TicketIngestReport:
        """A ticket export, as for other measurements: an owner only of its party's services."""
        require_write(self.principal, "Measurements")
        owned = self._owned()
        if owned is not None and service is not None and service not in owned:
            raise not_owned(service)
        return self.tickets.ingest(
            stream,
            name,
            self._actor(),
            preset=preset,
            mapping=mapping,
            tz=tz,
            service=service,
            on_error=on_error,
            owned=owned,
        )

    def ticket_status(self, period: str | None = None, at: dt.datetime | None = None) -> list[PriorityFigures]:
        """Per ticket objective and priority; a customer's only of its agreements."""
        if period is not None:
            named_period(period, "UTC")  # a bad period is a 422 even with no ticket objective
        rows = self.tickets.status(period, at)
        seen = self._agreements()
        return [r for r in rows if seen is None or r.objective.split("/", 1)[0] in seen]

    def ticket(self, ticket_id: str, at: dt.datetime | None = None) -> tuple[Ticket, list[TicketTimer]]:
        """One ticket's timers. A customer sees a ticket of a service its agreements cover,
        timed on their objectives only; any other ticket is answered as a missing one."""
        ticket, timers = self.tickets.show(ticket_id, at)
        reach = self._reach()
        if reach is None:
            return ticket, timers
        if ticket.service is None or ("Service", ticket.service) not in reach:
            raise NotFoundError(f"no ticket {ticket_id!r}", key="error.ticket_not_found", id=ticket_id)
        return ticket, [t for t in timers if ("Agreement", t.objective.split("/", 1)[0]) in reach]

    def breaches(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        since: dt.datetime | None = None,
        open_only: bool = False,
    ) -> list[BreachEpisode]:
        """Breach episodes (``services.breaches``); a customer's only of its agreements."""
        return self.breach_log.episodes(
            agreement=agreement, objective=objective, since=since, open_only=open_only, agreements=self._agreements()
        )

    def _staff(self) -> None:
        # Jobs name every objective and the hosts of the workers: staff who run slmo only.
        if self.principal.role in (Role.CUSTOMER, Role.OWNER):
            raise PermissionDeniedError(
                f"the {self.principal.role.value} role may not read the scheduled jobs",
                key="error.permission_jobs",
                role=self.principal.role.value,
            )

    def jobs(self) -> list[Job]:
        self._staff()
        return self.scheduler.jobs()

    def job_runs(self, job_id: int) -> list[JobRun]:
        """The recorded runs of one job, oldest first (``NotFoundError`` for no such job)."""
        self._staff()
        if all(job.id != job_id for job in self.scheduler.jobs()):
            raise NotFoundError(f"no job {job_id}", key="error.job_not_found", id=job_id)
        return self.scheduler.runs(job_id)

    # -- alerts ------------------------------------------------------------------------------

    def _alert_log(self) -> AlertService:
        if self.alert_log is None:
            raise ValueError("no alert service is wired")
        return self.alert_log

    def alerts(
        self,
        *,
        everything: bool = False,
        state: AlertStatus | None = None,
        objective: str | None = None,
        agreement: str | None = None,
    ) -> list[Alert]:
        """Alerts (``AlertService.alerts``); a customer's only of its agreements."""
        return self._alert_log().alerts(
            everything=everything, state=state, objective=objective, agreement=agreement, agreements=self._agreements()
        )

    def acknowledge(self, alert_id: int) -> Alert:
        """Admins and managers acknowledge any alert, owners those of their party's services;
        a customer's or a viewer's acknowledgement is refused."""
        if self.principal.role not in (Role.ADMIN, Role.MANAGER, Role.OWNER):
            raise PermissionDeniedError(
                f"the {self.principal.role.value} role may not acknowledge alerts",
                key="error.permission_ack",
                role=self.principal.role.value,
            )
        return self._alert_log().acknowledge(
            alert_id, self._actor(), agreements=self._agreements(), services=self._owned()
        )

    def alert_notifications(self, alert_id: int) -> list[Notification]:
        """The notifications of one alert; a customer sees an alert of its agreements only, and
        of it only what was sent to its own party's contacts."""
        found = self._alert_log().notifications(alert_id, agreements=self._agreements())
        if self.principal.role is not Role.CUSTOMER:
            return found
        return [n for n in found if n.recipient.startswith(f"{self.principal.party}/")]
