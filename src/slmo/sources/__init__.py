"""Ingest adapters: measurement files read as a stream of chunks, every bad row a problem.

One reader per kind of measurement, each taking a path or a binary stream (``sys.stdin.buffer``
for ``-``), CSV with a header line or JSON lines (told by the first byte), and yielding
chunks of numpy arrays in file order with the line of every row:

- :func:`read_events`: ``timestamp,good,total`` for ratio indicators;
- :func:`read_samples`: ``timestamp,value`` for threshold indicators;
- :func:`read_probes`: ``timestamp,up,latency_ms`` for availability indicators;
- :func:`read_incidents`: ``id,service,start,end,impact[,title]`` as ``Incident`` objects.

Modules: ``tabular`` (blocks of lines, format, header), ``chunks`` (the vectorised CSV path
and the joining of blocks into chunks), ``records`` (one record at a time, and JSON lines by
column), ``fields`` and ``timestamps`` (the values and the wording of their problems),
``digits`` (eight characters at a time), ``layout`` (a format's columns and rules).
"""

from slmo.sources.events import EventChunk, read_events
from slmo.sources.incidents import IncidentChunk, read_incidents
from slmo.sources.probes import ProbeChunk, read_probes
from slmo.sources.samples import SampleChunk, read_samples

__all__ = [
    "EventChunk",
    "IncidentChunk",
    "ProbeChunk",
    "SampleChunk",
    "read_events",
    "read_incidents",
    "read_probes",
    "read_samples",
]
