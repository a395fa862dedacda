"""Tamper evidence: verifying the hash chains of the audit log and of the closed periods
(``core.model.chain``, ``core.engine.hashchain``), for ``slmo audit verify``.

Each chain is read in one pass (the store reads its records a thousand at a time), so a log
of millions of entries is verified in flat memory.
"""

from __future__ import annotations

import logging

from slmo.core.engine.hashchain import verify_chain
from slmo.core.model.chain import AUDIT_CHAIN, CLOSES_CHAIN, ChainReport
from slmo.core.ports import UnitOfWorkFactory

logger = logging.getLogger(__name__)


class IntegrityService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def verify(self) -> list[ChainReport]:
        """The audit log's chain, then the closed periods' chain; each report names the first
        record found wrong, if any."""
        reports: list[ChainReport] = []
        with self._uow() as uow:
            chains = (
                (AUDIT_CHAIN, uow.audit.chain_head, uow.audit.chain),
                (CLOSES_CHAIN, uow.period_closes.chain_head, uow.period_closes.chain),
            )
            for name, head, links in chains:
                before = head()
                walk = links()
                try:
                    reports.append(verify_chain(name, walk, before, head))
                finally:
                    # A walk stopped at the first bad record: let the store close its cursor.
                    close = getattr(walk, "close", None)
                    if close is not None:
                        close()
        for report in reports:
            if report.fault is None:
                logger.info("chain %s: %d records verified", report.chain, report.records)
            else:
                logger.warning("chain %s: %s", report.chain, report.fault.detail)
        return reports
