"""Negotiating agreements as one principal may (the API and the web UI): which steps each role
may take, and for which party it speaks.

- **Who speaks for which party.** A customer token (or web user) of party P acts for P, and
  only for P: for an agreement P is a party to. Admins and managers are the staff of the
  organisation that runs slmo, the provider side: they act for the agreement's provider party
  (when it names several, the request names one of them). Nobody reached through the API
  speaks for a party it is not: a customer cannot approve for the provider, staff cannot
  approve for the customer.
- **Which steps.** Staff (admin, manager) propose, counter, comment, approve and activate;
  customers counter, comment and approve (drafting and activating are the provider's
  administration of the catalogue); owners and viewers take no step.
- **Walls.** A role refused a step is refused it everywhere (403), before anything about the
  agreement is looked at; an agreement a customer may not see is not found (404), exactly as
  a missing one, for its history, diff and evidence too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slmo.core.model.agreement import Agreement, PartyRole
from slmo.core.model.auth import Principal, Role
from slmo.core.model.evidence import Evidence
from slmo.core.model.negotiation import NegotiationStep, Outcome, Participant, StepKind, possible_steps
from slmo.core.model.version_diff import FieldChange
from slmo.errors import NotFoundError, PermissionDeniedError, Problem, SpecError
from slmo.services.evidence import EvidenceService
from slmo.services.negotiation import NegotiationService

STAFF = frozenset({Role.ADMIN, Role.MANAGER})
MAY: Mapping[StepKind, frozenset[Role]] = {
    StepKind.PROPOSED: STAFF,
    StepKind.COUNTERED: STAFF | {Role.CUSTOMER},
    StepKind.COMMENTED: STAFF | {Role.CUSTOMER},
    StepKind.APPROVED: STAFF | {Role.CUSTOMER},
    StepKind.ACTIVATED: STAFF,
}


def _missing(name: str) -> NotFoundError:
    return NotFoundError(
        f"Agreement {name!r} does not exist", key="error.object_not_found", kind="Agreement", name=name
    )


@dataclass
class NegotiationDesk:
    """The negotiation use cases as ``principal`` may use them; ``reach`` is the principal's
    reach (``None``: it sees every agreement), ``interface`` what the audit log names."""

    principal: Principal
    negotiation: NegotiationService
    evidence_service: EvidenceService
    reach: Callable[[], set[tuple[str, str]] | None]
    interface: str = "api"

    # -- walls ---------------------------------------------------------------------------------

    def may(self, step: StepKind) -> bool:
        return self.principal.role in MAY[step]

    def _require(self, step: StepKind) -> None:
        if not self.may(step):
            raise PermissionDeniedError(
                f"the {self.principal.role.value} role may not take the step {step.value}",
                key="error.negotiation_role",
                role=self.principal.role.value,
                step=step.value,
            )

    def _visible(self, name: str) -> Agreement:
        reach = self.reach()
        if reach is not None and ("Agreement", name) not in reach:
            raise _missing(name)
        return self.negotiation.agreement(name)

    def party_for(self, agreement: Agreement, asked: str | None = None) -> str:
        """The party this principal speaks for in ``agreement`` (``asked``: the one a request
        names, for staff of an agreement with several providers)."""
        if self.principal.role is Role.CUSTOMER:
            own = self.principal.party or ""
            if asked is not None and asked != own:
                raise PermissionDeniedError(
                    f"a customer of {own} speaks for {own} only, not for {asked}",
                    key="error.negotiation_other_party",
                    party=own,
                    asked=asked,
                )
            return own
        providers = agreement.parties_in_role(PartyRole.PROVIDER)
        if asked is not None:
            if asked not in providers:
                raise PermissionDeniedError(
                    f"staff speak for the provider side ({', '.join(providers) or 'none named'}), not for {asked}",
                    key="error.negotiation_staff_party",
                    parties=", ".join(providers) or "—",
                    asked=asked,
                )
            return asked
        if len(providers) == 1:
            return providers[0]
        if not providers:
            raise PermissionDeniedError(
                f"agreement {agreement.name!r} names no provider party for staff to speak for",
                key="error.negotiation_no_provider",
                name=agreement.name,
            )
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

    def _who(self, agreement: Agreement, party: str | None) -> Participant:
        return Participant(actor=self.principal.name, interface=self.interface, party=self.party_for(agreement, party))

    # -- reading -------------------------------------------------------------------------------

    def history(self, name: str) -> list[NegotiationStep]:
        self._visible(name)
        return self.negotiation.history(name)

    def diff(self, name: str, before: int, after: int) -> list[FieldChange]:
        self._visible(name)
        return self.negotiation.diff(name, before, after)

    def version_document(self, name: str, number: int) -> dict[str, Any]:
        return self.negotiation.version_document(self._visible(name), number)

    def evidence(
        self,
        name: str,
        objective: str,
        *,
        periods: int = 12,
        target: float | None = None,
        version: int | None = None,
        per: str = "month",
    ) -> Evidence:
        self._visible(name)
        return self.evidence_service.evidence(name, objective, periods=periods, target=target, version=version, per=per)

    def possible(self, name: str) -> tuple[Agreement, list[NegotiationStep], dict[int, frozenset[StepKind]]]:
        """The agreement, its steps, and per version the steps this principal may take now
        (roles and rules together): what the web UI offers as buttons."""
        self._visible(name)
        agreement, steps, today = self.negotiation.state(name)
        try:
            who = self._who(agreement, None)
        except (PermissionDeniedError, SpecError):
            return agreement, steps, {v.number: frozenset() for v in agreement.versions}
        found = {}
        for version in agreement.versions:
            allowed = possible_steps(agreement, version.number, who, steps, today)
            found[version.number] = frozenset(s for s in allowed if self.may(s))
        return agreement, steps, found

    # -- the steps -----------------------------------------------------------------------------

    def propose(self, name: str, number: int, comment: str | None = None, party: str | None = None) -> Outcome:
        self._require(StepKind.PROPOSED)
        return self.negotiation.propose(name, number, self._who(self._visible(name), party), comment)

    def comment(self, name: str, number: int, text: str | None, party: str | None = None) -> Outcome:
        self._require(StepKind.COMMENTED)
        return self.negotiation.comment(name, number, self._who(self._visible(name), party), text)

    def approve(self, name: str, number: int, comment: str | None = None, party: str | None = None) -> Outcome:
        self._require(StepKind.APPROVED)
        return self.negotiation.approve(name, number, self._who(self._visible(name), party), comment)

    def activate(self, name: str, number: int, comment: str | None = None, party: str | None = None) -> Outcome:
        self._require(StepKind.ACTIVATED)
        return self.negotiation.activate(name, number, self._who(self._visible(name), party), comment)

    def counter(
        self,
        name: str,
        number: int,
        *,
        document: str | None = None,
        edits: Mapping[str, Any] | None = None,
        comment: str | None = None,
        party: str | None = None,
    ) -> Outcome:
        self._require(StepKind.COUNTERED)
        who = self._who(self._visible(name), party)
        return self.negotiation.counter(
            name, number, who, document=document, source="request body", edits=edits, comment=comment
        )
