"""Fixtures for every tier: the shared data folder, and the rule for missing parts.

A test that needs ../shared, PostgreSQL, Prometheus or Chromium may skip on a user's
machine that lacks it, with the reason; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip (on a user's machine) or fail (in CI) unless ``available``."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing part fails the run)")
    pytest.skip(reason)


@pytest.fixture
def shared() -> Path:
    require(SHARED.is_dir(), f"{SHARED} is missing")
    return SHARED
