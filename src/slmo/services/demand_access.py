"""Demand forecasts as one principal may read them (the API's way in, beside
``services.access``): every role reads them; a customer only those of the services its
agreements cover, and another service answers as a missing one (404), so that its name does
not leak."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from slmo.core.model.demand import ServiceDemand
from slmo.errors import NotFoundError
from slmo.services.demand import DEFAULT_DAYS, DemandService, check_days


@dataclass
class DemandDesk:
    service: DemandService
    reach: Callable[[], set[tuple[str, str]] | None]

    def _sees(self, reach: set[tuple[str, str]] | None, name: str) -> bool:
        return reach is None or ("Service", name) in reach

    def forecasts(
        self, service: str | None = None, days: int = DEFAULT_DAYS, at: dt.datetime | None = None
    ) -> list[ServiceDemand]:
        """One service's demand, or every service's this principal may see."""
        check_days(days)
        reach = self.reach()
        if service is not None:
            if not self._sees(reach, service):
                raise NotFoundError(
                    f"Service {service!r} does not exist", key="error.object_not_found", kind="Service", name=service
                )
            return [self.service.forecast(service, days, at)]
        names = [n for n in self.service.services() if self._sees(reach, n)]
        return self.service.forecasts(names, days, at)
