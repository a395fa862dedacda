"""The audit log of the in-memory store, chained in commit order, and tampering seen by
``IntegrityService`` (the SQL stores: ``tests/integration/test_tamper_evidence.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from slmo.core.model.audit import Actor
from slmo.core.model.chain import FaultKind
from slmo.services.catalogue import CatalogueService
from slmo.services.integrity import IntegrityService
from slmo.spec.codec import YamlSpecCodec
from slmo.store.memory import MemoryStore
from tests.api_support import FixedClock
from tests.factories import PARTY

ADMIN = Actor(name="nora", interface="cli")


def test_the_memory_store_chains_its_audit_log_and_sees_tampering() -> None:
    store = MemoryStore()
    clock = FixedClock(dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    catalogue = CatalogueService(store.unit_of_work, YamlSpecCodec(), clock)
    integrity = IntegrityService(store.unit_of_work)
    for name in ("ministry", "bank", "telco"):
        catalogue.apply(YamlSpecCodec().load_text(PARTY.format(name=name, type="customer"), "p.yaml"), ADMIN)
    audit, periods = integrity.verify()
    assert audit.ok and audit.records == 3 and audit.head.seq == 3
    assert periods.ok and periods.records == 0
    second = store.audit[1]
    store.audit[1] = dataclasses.replace(second, actor="mallory")
    (audit, _) = integrity.verify()
    assert audit.fault is not None and (audit.fault.kind, audit.fault.record_id) == (FaultKind.EDITED, second.id)
    store.audit[1] = second
    assert integrity.verify()[0].ok
    del store.audit[0]
    (audit, _) = integrity.verify()
    assert audit.fault is not None and (audit.fault.kind, audit.fault.seq) == (FaultKind.MISSING, 1)
