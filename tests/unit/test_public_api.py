"""The public surface stays curated: every public name of ``slmo`` is in a sorted ``__all__``."""

from __future__ import annotations

import slmo


def test_all_is_sorted_and_complete() -> None:
    public = {name for name in dir(slmo) if not name.startswith("_")} - {
        # Subpackages appear as attributes once imported; they are not re-exported names.
        "api",
        "bootstrap",
        "calendars",
        "cli",
        "core",
        "errors",
        "forecasting",
        "i18n",
        "render",
        "services",
        "settings",
        "sources",
        "spec",
        "store",
        "notify",
        "web",
    }
    assert public <= set(slmo.__all__)
    names = [n for n in slmo.__all__ if n != "__version__"]
    assert names == sorted(names)


def test_every_exported_name_exists() -> None:
    for name in slmo.__all__:
        assert hasattr(slmo, name), name
