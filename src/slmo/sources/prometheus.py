"""Prometheus-compatible metric stores (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics):
range queries over the HTTP API (``/api/v1/query_range``), with the connection a DataSource
names.

Every query of one pull is sent in **one** range query, each labelled by ``label_replace``
and joined with ``or``: the store evaluates them all at the same instants over the same
data, so that good and total can never come from two skewed evaluations (a total read a
scrape later than its good would make attainment wrong, even above 100 %).

A DataSource's ``connection``:

    url: https://prometheus.example:9090      # required; a path prefix is kept (Mimir: .../prometheus)
    tenant: team-a                            # sent as X-Scope-OrgID (Mimir, Cortex, Thanos)
    headers: {X-Custom: value}                # any other header
    basicAuth: {username: slmo, passwordEnv: PROM_PASSWORD}
    bearerTokenEnv: PROM_TOKEN                # secrets come from the environment, never the YAML
    timeoutSeconds: 30
    tlsVerify: true
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
from numpy.typing import NDArray

from slmo.core.model import DataSource
from slmo.errors import ConfigurationError, SourceError

logger = logging.getLogger(__name__)

PROMETHEUS_TYPES = frozenset({"prometheus", "thanos", "mimir", "cortex", "victoriametrics"})
# Prometheus refuses a range query of more than 11,000 points per series.
MAX_POINTS = 10_000
SERIES_LABEL = "slmo_query"
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Connection:
    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    verify: bool = True


def _secret(source: str, variable: Any, what: str) -> str:
    if not isinstance(variable, str) or not variable:
        raise ConfigurationError(
            f"DataSource {source}: {what} must name an environment variable", key="error.source_secret", name=source
        )
    value = os.environ.get(variable)
    if value is None:
        raise ConfigurationError(
            f"DataSource {source}: the environment variable {variable} ({what}) is not set",
            key="error.source_secret_missing",
            name=source,
            variable=variable,
        )
    return value


def connection_of(source: DataSource) -> Connection:
    """The HTTP connection a DataSource describes; a clear error for what is missing or wrong."""
    if source.type.lower() not in PROMETHEUS_TYPES:
        raise ConfigurationError(
            f"DataSource {source.name}: type {source.type!r} is not a Prometheus-compatible store "
            f"({', '.join(sorted(PROMETHEUS_TYPES))})",
            key="error.source_type",
            name=source.name,
            type=source.type,
        )
    given = dict(source.connection)
    url = given.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"DataSource {source.name}: connection.url must be an http(s) URL, not {url!r}",
            key="error.source_url",
            name=source.name,
        )
    headers = {str(k): str(v) for k, v in dict(given.get("headers") or {}).items()}
    if given.get("tenant"):
        headers["X-Scope-OrgID"] = str(given["tenant"])
    if given.get("bearerTokenEnv"):
        headers["Authorization"] = "Bearer " + _secret(source.name, given["bearerTokenEnv"], "bearerTokenEnv")
    auth = None
    basic = given.get("basicAuth")
    if isinstance(basic, Mapping):
        auth = (str(basic.get("username", "")), _secret(source.name, basic.get("passwordEnv"), "basicAuth.passwordEnv"))
    return Connection(
        name=source.name,
        url=url.rstrip("/"),
        headers=headers,
        auth=auth,
        timeout=float(given.get("timeoutSeconds", DEFAULT_TIMEOUT_SECONDS)),
        verify=bool(given.get("tlsVerify", True)),
    )


def combined(queries: Mapping[str, str]) -> str:
    """One PromQL expression returning each query's series labelled with its name."""
    parts = [f'label_replace(({query}), "{SERIES_LABEL}", "{name}", "", "")' for name, query in queries.items()]
    return " or ".join(parts)


class PrometheusReader:
    """Reads named queries at regular instants from a Prometheus-compatible store."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        # A transport is injected only by the unit tests of error paths.
        self._transport = transport

    def instants(
        self, source: DataSource, queries: Mapping[str, str], start: int, end: int, step: int
    ) -> dict[str, NDArray[np.float64]]:
        """Each query's value at ``start``, ``start + step``, ... up to ``end`` inclusive (epoch
        seconds), NaN where the store had no value. Raises ``SourceError`` when the store cannot
        be reached, refuses a query, or answers with more than one series for a query."""
        connection = connection_of(source)
        count = (end - start) // step + 1
        values = {name: np.full(count, np.nan) for name in queries}
        expression = combined(queries)
        with httpx.Client(
            base_url=connection.url,
            headers=dict(connection.headers),
            auth=connection.auth,
            timeout=connection.timeout,
            verify=connection.verify,
            transport=self._transport,
        ) as client:
            for first in range(0, count, MAX_POINTS):
                last = min(first + MAX_POINTS, count) - 1
                result = self._range(client, connection, expression, start + first * step, start + last * step, step)
                self._place(connection, queries, result, values, start, step)
        return values

    @staticmethod
    def _range(
        client: httpx.Client, connection: Connection, expression: str, start: int, end: int, step: int
    ) -> list[dict[str, Any]]:
        where = f"{connection.name} ({connection.url})"
        try:
            answer = client.post(
                "/api/v1/query_range",
                data={"query": expression, "start": str(start), "end": str(end), "step": f"{step}s"},
            )
        except httpx.TimeoutException as error:
            raise SourceError(
                f"{where}: no answer within {connection.timeout:g} s ({error})",
                key="error.source_timeout",
                source=where,
                seconds=connection.timeout,
            ) from None
        except httpx.HTTPError as error:
            raise SourceError(
                f"{where} cannot be reached: {error}", key="error.source_unreachable", source=where, reason=str(error)
            ) from None
        try:
            body = answer.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("status") != "success":
            detail = body.get("error") if isinstance(body, dict) else answer.text[:200]
            kind = body.get("errorType") if isinstance(body, dict) else None
            raise SourceError(
                f"{where} refused the query (HTTP {answer.status_code}{', ' + str(kind) if kind else ''}): {detail}",
                key="error.source_refused",
                source=where,
                status=answer.status_code,
                detail=str(detail),
            )
        data = body.get("data") or {}
        if data.get("resultType") != "matrix":
            raise SourceError(
                f"{where}: expected a matrix from a range query, got {data.get('resultType')!r}",
                key="error.source_shape",
                source=where,
            )
        result: list[dict[str, Any]] = data.get("result") or []
        return result

    @staticmethod
    def _place(
        connection: Connection,
        queries: Mapping[str, str],
        result: list[dict[str, Any]],
        values: dict[str, NDArray[np.float64]],
        start: int,
        step: int,
    ) -> None:
        seen: dict[str, int] = {}
        for series in result:
            name = (series.get("metric") or {}).get(SERIES_LABEL)
            if name not in values:
                continue
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                raise SourceError(
                    f"{connection.name}: the {name} query returns several series where one is expected; "
                    f"aggregate it, e.g. sum(...): {queries[name]}",
                    key="error.source_several_series",
                    source=connection.name,
                    query=name,
                )
            for at, text in series.get("values") or []:
                index = round((float(at) - start) / step)
                value = float(text)
                if 0 <= index < len(values[name]) and not math.isnan(value):
                    values[name][index] = value
