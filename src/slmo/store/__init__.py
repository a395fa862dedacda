"""The storage adapter: SQLAlchemy over SQLite or PostgreSQL, and in-memory fakes.

Only ``bootstrap`` (and tests) name these; the use cases see the ports in
``slmo.core.ports``. Import from the modules themselves: this package imports nothing, so
a unit test that wants ``store.memory`` does not pay for SQLAlchemy and Alembic.

- ``engine``: ``make_engine``, ``sqlite_url_for``, ``upgrade``, ``check``,
  ``current_revision``, ``head_revision``, ``ensure_current``
- ``unit_of_work``: ``SqlUnitOfWork``, ``unit_of_work_factory``
- ``repositories``: ``SqlCatalogueRepository``, ``SqlAuditLog``
- ``measurements``: ``SqlMeasurementRepository`` (buckets, samples, incidents)
- ``evaluations``: ``SqlEvaluationRepository``
- ``chunks``: how buckets and samples are packed into chunk rows, merged and read (shared
  by the SQL store and the fakes)
- ``memory``: ``MemoryStore`` (``.unit_of_work`` is a ``UnitOfWorkFactory``), ``MemoryUnitOfWork``;
  ``memory_measurements``: the fake ``MeasurementRepository``
- ``schema`` (row classes), ``convert`` and ``documents`` (rows and documents to domain
  objects), ``columns`` (portable column types), ``failures`` (SQLAlchemy's errors to slmo's),
  ``migrations/`` (Alembic)
"""
