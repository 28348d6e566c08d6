"""PostgreSQL advisory locks for periodic jobs: overlapping runs become no-ops.

Celery beat, a worker retry and an operator's management command can start the same job
twice; a second run writing the same rows at the same time fails on a unique constraint or,
worse, doubles rows that have none. The lock is transaction-scoped
(``pg_try_advisory_xact_lock``): it is released by the commit or rollback that ends the
job's transaction, so a crashed worker never leaves it held.

On SQLite (the demo: one process, eager tasks) there is nothing to serialise against and the
lock is always granted.
"""

import hashlib

from django.db import connection


def _key(name: str) -> int:
    # A stable signed 64-bit key per name (PostgreSQL's bigint lock space).
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def advisory_xact_lock(name: str, *, wait: bool = False) -> bool:
    """Take the lock called ``name`` until the current transaction ends.

    ``wait=False`` answers at once: False when another transaction holds it (the caller
    skips its work). ``wait=True`` blocks until it is free and returns True. Must be called
    inside ``transaction.atomic()``.
    """
    if connection.vendor != "postgresql":
        return True
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_xact_lock needs a transaction (transaction.atomic())")
    with connection.cursor() as cur:
        if wait:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
            return True
        cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_key(name)])
        return bool(cur.fetchone()[0])
