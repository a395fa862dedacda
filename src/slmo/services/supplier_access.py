"""Suppliers, their claims and dependency impact as one principal may use them (the API's and the
web UI's way in, beside ``services.access``).

- **Claims and the suppliers' view** are the organisation's dealings with its suppliers, money
  included: admins, managers and viewers read them; admins and managers move a claim a step.
  Owners and customers may not (403): a customer never sees what its provider claims from a
  supplier.
- **Impact** (which upstream was failing during a breach, the weakest links) names internal
  services and suppliers: every role but the customer reads it (403 for a customer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

from slmo.core.model.audit import Actor
from slmo.core.model.auth import Principal, Role
from slmo.core.model.claims import Claim, ClaimStatus
from slmo.core.model.impact import ObjectiveImpact, WeakestLink
from slmo.errors import PermissionDeniedError
from slmo.services.auth import actor_of
from slmo.services.claims import ClaimService, ClaimStanding
from slmo.services.impact import ImpactService, ServiceImpact
from slmo.services.suppliers import SupplierService, SupplierStanding

WRITERS = frozenset({Role.ADMIN, Role.MANAGER})
READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.VIEWER})
IMPACT_READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.OWNER, Role.VIEWER})


@dataclass
class SupplierDesk:
    principal: Principal
    claims_service: ClaimService
    suppliers_service: SupplierService
    impact_service: ImpactService
    interface: str = "api"

    def _actor(self) -> Actor:
        return dataclasses.replace(actor_of(self.principal), interface=self.interface)

    def _may(self, roles: frozenset[Role], what: str, key: str) -> None:
        if self.principal.role not in roles:
            raise PermissionDeniedError(
                f"the {self.principal.role.value} role may not {what}", key=key, role=self.principal.role.value
            )

    # -- claims --------------------------------------------------------------------------------------

    def claims(
        self,
        *,
        statuses: Collection[ClaimStatus] | None = None,
        period: str | None = None,
        supplier: str | None = None,
        within: int | None = None,
    ) -> list[ClaimStanding]:
        self._may(READERS, "read claims on suppliers", "error.permission_claims")
        return self.claims_service.standings(statuses=statuses, period=period, supplier=supplier, within=within)

    def claim(self, claim_id: int) -> Claim:
        self._may(READERS, "read claims on suppliers", "error.permission_claims")
        return self.claims_service.claim(claim_id)

    def may_step(self) -> None:
        """Raise unless this principal may move claims (checked before anything is read)."""
        self._may(WRITERS, "file, accept, pay or reject claims on suppliers", "error.permission_claims_write")

    def step(
        self,
        claim_id: int,
        step: str,
        *,
        reference: str | None = None,
        reason: str | None = None,
        revision: int | None = None,
    ) -> Claim:
        """``file``, ``accept``, ``pay`` or ``reject`` a claim."""
        self.may_step()
        service = self.claims_service
        actor = self._actor()
        if step == "reject":
            return service.reject(claim_id, actor, reason=reason, reference=reference, revision=revision)
        steps = {"file": service.file, "accept": service.accept, "pay": service.pay}
        return steps[step](claim_id, actor, reference=reference, revision=revision)

    # -- suppliers --------------------------------------------------------------------------------

    def suppliers(self, period: str) -> list[SupplierStanding]:
        self._may(READERS, "read the suppliers' standing", "error.permission_claims")
        return self.suppliers_service.overview(period)

    # -- impact -----------------------------------------------------------------------------------

    def _impact(self) -> None:
        self._may(IMPACT_READERS, "read dependency impact", "error.permission_impact")

    def for_breach(self, reference: str) -> ObjectiveImpact:
        self._impact()
        return self.impact_service.for_breach(reference)

    def for_service(self, service: str, period: str) -> ServiceImpact:
        self._impact()
        return self.impact_service.for_service(service, period)

    def breaches(self, period: str) -> list[ObjectiveImpact]:
        self._impact()
        return self.impact_service.breaches(period)

    def weakest_link(self, service: str, period: str) -> WeakestLink:
        self._impact()
        return self.impact_service.weakest_link(service, period)
