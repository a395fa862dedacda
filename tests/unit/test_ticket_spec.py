"""The ``tickets:`` block of an objective: read, converted, written back unchanged."""

from __future__ import annotations

import pytest

from slmo.core.model import Agreement, ReopenPolicy, TargetUnit
from slmo.errors import SpecError
from slmo.spec.codec import YamlSpecCodec

AGREEMENT = """apiVersion: slmo/v1
kind: Agreement
metadata: {name: desk}
spec:
  type: ola
  services: [desk]
  parties: [{party: a, role: provider}, {party: b, role: customer}]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      objectives:
        - name: resolution
          indicator: desk-resolution
          target: 0.95
          window: {calendar: month}
          tickets:
            unit: UNIT
            targets: TARGETS
            pauseStatuses: [Awaiting User Info, Awaiting Vendor]
            policies: {priorityChange: from_change, reopen: new_cycle}
"""


def load(unit: str = "business", targets: str = "{P1: 4h, P2: 8h, P3: 3d}") -> Agreement:
    codec = YamlSpecCodec()
    (loaded,) = codec.load_text(AGREEMENT.replace("UNIT", unit).replace("TARGETS", targets), "a.yaml")
    assert isinstance(loaded.obj, Agreement)
    return loaded.obj


def test_tickets_block_reads_and_round_trips() -> None:
    agreement = load()
    tickets = agreement.versions[0].objectives[0].tickets
    assert tickets is not None
    assert tickets.targets == {"P1": 4 * 3600, "P2": 8 * 3600, "P3": 3 * 86400}
    assert tickets.policies.reopen is ReopenPolicy.NEW_CYCLE
    codec = YamlSpecCodec()
    (again,) = codec.load_text(codec.dump([agreement]), "b.yaml")
    assert again.obj == agreement


def test_day_units_take_working_days() -> None:
    tickets = load("end-of-day", "{P3: 3, P4: 5d}").versions[0].objectives[0].tickets
    assert tickets is not None
    assert tickets.unit is TargetUnit.END_OF_DAY
    assert tickets.targets == {"P3": 3, "P4": 5}


@pytest.mark.parametrize("targets", ["{P1: 0h}", "{P1: 0}", "{P1: soon}", "{}"])
def test_a_target_of_zero_or_nonsense_is_a_spec_error(targets: str) -> None:
    with pytest.raises(SpecError) as caught:
        load(targets=targets)
    assert "a.yaml" in str(caught.value)
