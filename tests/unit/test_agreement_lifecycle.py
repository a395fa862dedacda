"""An agreement's versions kept in git: states only move forward, versions are history, a
version once in force is never edited, and a stored version is proposed, agreed and activated
by the negotiation only (``tests/unit/test_negotiation.py``): a document may bring a version in
any state (an agreement made outside slmo), edit a draft, retire a version or supersede the
one in force."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model import VersionState
from slmo.core.model.agreement import reachable
from slmo.core.model.audit import Actor
from slmo.errors import SpecError
from tests.factories import catalogue_text

ACTOR = Actor(name="tester", interface="cli")


@pytest.fixture
def slmo() -> Slmo:
    return in_memory()


def apply(slmo: Slmo, tmp_path: Path, text: str) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    slmo.catalogue.apply(slmo.catalogue.load([str(path)]), ACTOR)


def with_state(state: str, target: str = "0.999") -> str:
    return catalogue_text(target=target).replace("state: active", f"state: {state}")


def test_reachable_states() -> None:
    assert reachable(VersionState.DRAFT, VersionState.ACTIVE)
    assert reachable(VersionState.PROPOSED, VersionState.DRAFT)  # countered
    assert not reachable(VersionState.ACTIVE, VersionState.DRAFT)
    assert not reachable(VersionState.SUPERSEDED, VersionState.ACTIVE)
    assert reachable(VersionState.RETIRED, VersionState.RETIRED)


def test_a_draft_may_change_and_be_retired_but_moves_forward_only_by_negotiation(slmo: Slmo, tmp_path: Path) -> None:
    apply(slmo, tmp_path, with_state("draft"))
    apply(slmo, tmp_path, with_state("draft", target="0.995"))
    # Proposing, agreeing and activating are steps of the negotiation (slmo agreement ...),
    # each recorded with who took it for which party; a document cannot take them.
    for state in ("proposed", "agreed", "active"):
        with pytest.raises(SpecError) as caught:
            apply(slmo, tmp_path, with_state(state, target="0.995"))
        assert str(caught.value).endswith(
            f"spec.versions[0].state: version 1 can become {state} only through the negotiation "
            "(slmo agreement propose, approve, activate), not by a document"
        )
    apply(slmo, tmp_path, with_state("retired", target="0.995"))


def test_an_active_version_cannot_go_back(slmo: Slmo, tmp_path: Path) -> None:
    apply(slmo, tmp_path, with_state("active"))
    with pytest.raises(SpecError) as caught:
        apply(slmo, tmp_path, with_state("draft"))
    (problem,) = caught.value.problems
    assert str(problem).endswith(
        "spec.versions[0].state: version 1 cannot go from active to draft; next states: retired, superseded"
    )


def test_an_active_version_is_never_edited(slmo: Slmo, tmp_path: Path) -> None:
    apply(slmo, tmp_path, with_state("active"))
    with pytest.raises(SpecError) as caught:
        apply(slmo, tmp_path, with_state("active", target="0.99"))
    assert str(caught.value).endswith(
        "spec.versions[0]: version 1 has been active and is never edited; add a new version"
    )
    # Superseding it is allowed.
    apply(slmo, tmp_path, with_state("superseded"))


def test_versions_are_history(slmo: Slmo, tmp_path: Path) -> None:
    apply(slmo, tmp_path, with_state("active"))
    text = with_state("active").replace("    - version: 1", "    - version: 2")
    with pytest.raises(SpecError) as caught:
        apply(slmo, tmp_path, text)
    assert "version 1 is missing; versions are kept as history (retire it instead)" in str(caught.value)
