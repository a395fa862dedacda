"""A Prometheus rule file as YAML text, laid out as Sloth writes its own: block style, and a
multi-line expression as a literal block (``|``) so that it reads as written."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

HEADER = "# Written by `slmo export prometheus-rules`; write it again rather than edit it.\n\n"


def _literal(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, Mapping):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_literal(v) for v in value]
    return value


def rule_file_text(document: Mapping[str, Any]) -> str:
    """``document`` (``{"groups": [...]}``) as YAML that ``promtool check rules`` reads."""
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(_literal(document), out)
    return HEADER + out.getvalue()
