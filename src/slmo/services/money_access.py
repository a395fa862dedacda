"""The credits ledger and the costs of services as one principal may use them (the API's and the
web UI's way in, beside ``services.access``).

- Credits: every role reads the ledger, a customer only the lines of its own agreements (another
  party's line answers as a missing one, 404); admins and managers compute a period and
  confirm or pay a line.
- Costs and cost-effectiveness are the organisation's own figures: admins, managers and viewers
  read them; admins and managers import them; an owner or a customer may not (403).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from slmo.core.model.audit import Actor
from slmo.core.model.auth import Principal, Role
from slmo.core.model.ledger import CostEffectiveness, CreditEntry, ServiceCost
from slmo.errors import PermissionDeniedError
from slmo.services.auth import actor_of
from slmo.services.costs import CostImportReport, CostService
from slmo.services.credits import ComputeReport, CreditService

WRITERS = frozenset({Role.ADMIN, Role.MANAGER})
READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.VIEWER})


@dataclass
class MoneyDesk:
    principal: Principal
    credits_service: CreditService
    costs_service: CostService
    reach: Callable[[], set[tuple[str, str]] | None]
    interface: str = "api"

    def _actor(self) -> Actor:
        return dataclasses.replace(actor_of(self.principal), interface=self.interface)

    def _agreements(self) -> set[str] | None:
        reach = self.reach()
        return None if reach is None else {name for kind, name in reach if kind == "Agreement"}

    def _refuse(self, what: str, key: str) -> PermissionDeniedError:
        return PermissionDeniedError(
            f"the {self.principal.role.value} role may not {what}", key=key, role=self.principal.role.value
        )

    # -- credits ------------------------------------------------------------------------------------

    def credits(self, period: str | None = None, agreement: str | None = None) -> list[CreditEntry]:
        return self.credits_service.entries(period, agreement, agreements=self._agreements())

    def credit(self, entry_id: int) -> CreditEntry:
        return self.credits_service.entry(entry_id, agreements=self._agreements())

    def _settle(self) -> None:
        if self.principal.role not in WRITERS:
            raise self._refuse("compute, confirm or pay credits", "error.permission_credits")

    def compute(self, period: str, agreement: str | None = None) -> ComputeReport:
        self._settle()
        return self.credits_service.compute(period, self._actor(), agreement)

    def confirm(self, entry_id: int) -> CreditEntry:
        self._settle()
        return self.credits_service.confirm(entry_id, self._actor())

    def pay(self, entry_id: int) -> CreditEntry:
        self._settle()
        return self.credits_service.pay(entry_id, self._actor())

    # -- costs --------------------------------------------------------------------------------------

    def _read_costs(self) -> None:
        if self.principal.role not in READERS:
            raise self._refuse("read the costs of services", "error.permission_costs")

    def costs(self, period: str | None = None) -> list[ServiceCost]:
        self._read_costs()
        return self.costs_service.costs(period)

    def cost_report(self, period: str) -> list[CostEffectiveness]:
        self._read_costs()
        return self.costs_service.report(period)

    def import_costs(self, stream: BinaryIO, name: str) -> CostImportReport:
        if self.principal.role not in WRITERS:
            raise self._refuse("import the costs of services", "error.permission_costs_write")
        return self.costs_service.import_costs(stream, name, self._actor())
