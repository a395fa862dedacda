"""Proposals for change as one principal may use them (the API's and the web UI's way in, beside
``services.access``), with the negotiation's roles:

- every role reads the proposals; a customer only those of its own agreements (another party's
  answers as a missing one, 404), read-only;
- admins and managers draft a period's proposals, accept and reject them (403 for the others,
  before anything is looked at). Accepting drafts a version for the agreement's provider party,
  the side staff speak for in the negotiation (naming one when it has several).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass

from slmo.core.model.agreement import Agreement, PartyRole
from slmo.core.model.audit import Actor
from slmo.core.model.auth import Principal, Role
from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.errors import PermissionDeniedError, Problem, SpecError
from slmo.services.auth import actor_of
from slmo.services.negotiation import NegotiationService
from slmo.services.proposals import DraftReport, ProposalService

WRITERS = frozenset({Role.ADMIN, Role.MANAGER})


@dataclass
class ProposalDesk:
    principal: Principal
    service: ProposalService
    negotiation: NegotiationService
    reach: Callable[[], set[tuple[str, str]] | None]
    interface: str = "api"

    def _actor(self) -> Actor:
        return dataclasses.replace(actor_of(self.principal), interface=self.interface)

    def _agreements(self) -> set[str] | None:
        reach = self.reach()
        return None if reach is None else {name for kind, name in reach if kind == "Agreement"}

    def may_decide(self) -> bool:
        return self.principal.role in WRITERS

    def require(self) -> None:
        if not self.may_decide():
            raise PermissionDeniedError(
                f"the {self.principal.role.value} role may not draft, accept or reject proposals",
                key="error.permission_proposals",
                role=self.principal.role.value,
            )

    # -- reading -------------------------------------------------------------------------------

    def proposals(
        self, *, period: str | None = None, statuses: Collection[ProposalStatus] | None = None
    ) -> list[Proposal]:
        return self.service.proposals(period=period, statuses=statuses, agreements=self._agreements())

    def proposal(self, proposal_id: int) -> Proposal:
        return self.service.proposal(proposal_id, agreements=self._agreements())

    # -- deciding ------------------------------------------------------------------------------

    def draft(self, period: str) -> DraftReport:
        self.require()
        return self.service.draft(period, self._actor())

    def _party(self, agreement: Agreement, asked: str | None) -> str:
        providers = agreement.parties_in_role(PartyRole.PROVIDER)
        if asked is not None and asked not in providers:
            raise PermissionDeniedError(
                f"staff speak for the provider side ({', '.join(providers) or 'none named'}), not for {asked}",
                key="error.negotiation_staff_party",
                parties=", ".join(providers) or "—",
                asked=asked,
            )
        if asked is not None:
            return asked
        if not providers:
            raise PermissionDeniedError(
                f"agreement {agreement.name!r} names no provider party for staff to speak for",
                key="error.negotiation_no_provider",
                name=agreement.name,
            )
        if len(providers) > 1:
            raise SpecError(
                [
                    Problem(
                        None,
                        "party",
                        f"agreement {agreement.name!r} has several providers ({', '.join(providers)}); name one",
                        key="negotiation.several_providers",
                        args={"parties": ", ".join(providers)},
                    )
                ]
            )
        return providers[0]

    def accept(
        self, proposal_id: int, *, revision: int | None = None, party: str | None = None, comment: str | None = None
    ) -> Proposal:
        self.require()
        found = self.proposal(proposal_id)
        speaker = self._party(self.negotiation.agreement(found.agreement), party)
        return self.service.accept(proposal_id, self._actor(), party=speaker, revision=revision, comment=comment)

    def reject(self, proposal_id: int, reason: str | None, *, revision: int | None = None) -> Proposal:
        self.require()
        self.proposal(proposal_id)
        return self.service.reject(proposal_id, self._actor(), reason, revision=revision)
