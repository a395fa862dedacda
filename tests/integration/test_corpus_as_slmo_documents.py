"""What is imported from OpenSLO and Sloth is kept as slmo documents: `slmo export` writes it as
slmo/v1 YAML that reads back to the same objects (the round trip of the catalogue)."""

from __future__ import annotations

import pytest

from slmo.spec.codec import YamlSpecCodec
from slmo.spec.openslo import OpenSloFormat
from slmo.spec.sloth import SlothFormat
from tests.conftest import SHARED, require
from tests.integration.test_openslo_corpus import VALID, corpus_file

codec = YamlSpecCodec()


@pytest.mark.parametrize("name", VALID)
def test_openslo_imports_round_trip_as_slmo_documents(name: str) -> None:
    require(SHARED.is_dir(), f"{SHARED} is missing")
    imported = [item.obj for item in OpenSloFormat().load_paths([str(corpus_file(name))]).objects]
    again = [item.obj for item in codec.load_text(codec.dump(imported), "export.yaml")]
    assert sorted(again, key=repr) == sorted(imported, key=repr)


def test_sloth_examples_round_trip_as_slmo_documents() -> None:
    examples = SHARED / "corpus" / "sloth" / "examples"
    require(examples.is_dir(), f"{examples} is missing")
    for path in sorted(examples.glob("*.yml")):
        imported = [item.obj for item in SlothFormat().load_paths([str(path)]).objects]
        again = [item.obj for item in codec.load_text(codec.dump(imported), f"{path.name} export")]
        assert sorted(again, key=repr) == sorted(imported, key=repr), path.name
