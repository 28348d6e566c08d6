"""Monthly range partitions for the tables that grow without end (sign-ins, audit events).

PostgreSQL only (declarative partitioning); on SQLite, the demo's engine, every function
here does nothing. A partitioned table's primary key must contain the partition column,
so these tables have the key (id, <column>) in the database while Django keeps ``id`` as
its primary key: ids come from one identity sequence, so they stay unique.

- ``convert_to_monthly(...)``: turn a plain table into a partitioned one, rows and all (a
  migration; the reverse is ``convert_to_plain``).
- ``ensure_months(...)``: create the partitions of the coming months (a nightly job keeps
  them ahead, so a sign-in on the first of a month always has a partition to land in).
- ``retire_before(...)``: detach the partitions wholly older than the retention and move
  them to the ``archive`` schema, where operations dump and drop them: never a row-by-row
  delete, and nothing is lost by the job itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

ARCHIVE_SCHEMA = "archive"
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Layout:
    table: str
    column: str        # the partition key: a date or timestamptz column
    timestamptz: bool  # bounds at Asia/Shanghai midnight rather than plain dates


def _ident(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a plain SQL name: {name!r}")
    return name


def _month(d: date) -> date:
    return d.replace(day=1)


def _next(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _bound(layout: Layout, d: date) -> str:
    return f"'{d.isoformat()} 00:00:00+08'" if layout.timestamptz else f"'{d.isoformat()}'"


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year}m{month.month:02d}"


def is_partitioned(table: str) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as c:
        c.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class t ON t.oid = p.partrelid "
                  "WHERE t.relname = %s AND t.relnamespace = 'public'::regnamespace", [table])
        return c.fetchone() is not None


def partitions(table: str) -> list[str]:
    """The attached partitions of ``table``, oldest first (their names sort by month)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as c:
        c.execute("SELECT child.relname FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent "
                  "JOIN pg_class child ON child.oid = i.inhrelid WHERE parent.relname = %s "
                  "AND parent.relnamespace = 'public'::regnamespace ORDER BY child.relname", [table])
        return [row[0] for row in c.fetchall()]


def ensure_months(layout: Layout, *, first: date, last: date) -> list[str]:
    """Create the missing monthly partitions from ``first``'s month to ``last``'s; returns their names."""
    if connection.vendor != "postgresql":
        return []
    created = []
    existing = set(partitions(layout.table))
    month = _month(first)
    with connection.cursor() as c:
        while month <= last:
            name = partition_name(layout.table, month)
            if name not in existing:
                c.execute(f"CREATE TABLE IF NOT EXISTS {_ident(name)} PARTITION OF {_ident(layout.table)} "
                          f"FOR VALUES FROM ({_bound(layout, month)}) TO ({_bound(layout, _next(month))})")
                created.append(name)
            month = _next(month)
    return created


def retire_before(layout: Layout, *, before: date) -> list[str]:
    """Detach every partition whose month ends on or before ``before`` and move it to the
    ``archive`` schema (dump it from there, then drop it). Returns the names moved."""
    if connection.vendor != "postgresql":
        return []
    moved = []
    limit = _month(before)
    with connection.cursor() as c:
        c.execute(f"CREATE SCHEMA IF NOT EXISTS {ARCHIVE_SCHEMA}")
        for name in partitions(layout.table):
            m = re.fullmatch(rf"{re.escape(layout.table)}_y(\d{{4}})m(\d{{2}})", name)
            if not m or _next(date(int(m.group(1)), int(m.group(2)), 1)) > limit:
                continue
            c.execute(f"ALTER TABLE {_ident(layout.table)} DETACH PARTITION {_ident(name)}")
            c.execute(f"ALTER TABLE {_ident(name)} SET SCHEMA {ARCHIVE_SCHEMA}")
            moved.append(name)
    return moved


def _definitions(c: Any, table: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]], list[str]]:
    """(constraints (name, type, definition) other than the primary key and checks,
    indexes (name, definition) that back no constraint, trigger definitions) of ``table``."""
    c.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
              "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname", [table])
    constraints = [(n, k, d) for n, k, d in c.fetchall()]
    c.execute("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
              "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
              "WHERE k.conindid = i.oid) ORDER BY i.relname", [table])
    indexes = [(n, d) for n, d in c.fetchall()]
    c.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
              [table])
    triggers = [row[0] for row in c.fetchall()]
    return constraints, indexes, triggers


def _rebuild(c: Any, *, table: str, into: str, partition_by: str | None, key: str) -> list[str]:
    """Create ``into`` shaped like ``table`` (columns, defaults, identity, checks, unique
    constraints, foreign keys, indexes under a ``_p`` suffix) with primary key ``key``;
    returns the triggers to put back once ``into`` carries the name ``table``."""
    constraints, indexes, triggers = _definitions(c, table)
    tail = f" PARTITION BY RANGE ({_ident(partition_by)})" if partition_by else ""
    c.execute(f"CREATE TABLE {into} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)"
              f"{tail}")
    c.execute(f"ALTER TABLE {into} ADD CONSTRAINT {into}_pkey PRIMARY KEY ({key})")
    for name, _kind, definition in constraints:
        c.execute(f"ALTER TABLE {into} ADD CONSTRAINT {_ident(name)}_p {definition}")
    for name, definition in indexes:
        definition = re.sub(rf" ON (ONLY )?public\.{re.escape(table)} ", f" ON public.{into} ", definition, count=1)
        c.execute(definition.replace(f"INDEX {name} ", f"INDEX {_ident(name)}_p ", 1))
    return triggers


def _take_name(c: Any, *, table: str, new: str) -> None:
    """Drop ``table`` (and foreign keys pointing at it), give ``new`` its name and its
    constraints and indexes their old names."""
    c.execute(f"DROP TABLE {table} CASCADE")
    c.execute(f"ALTER TABLE {new} RENAME TO {table}")
    c.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {new}_pkey TO {table}_pkey")
    c.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND conname LIKE '%%\\_p'",
              [table])
    for (name,) in c.fetchall():
        c.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {_ident(name)} TO {_ident(name[:-2])}")
    c.execute("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
              "WHERE x.indrelid = %s::regclass AND i.relname LIKE '%%\\_p'", [table])
    for (name,) in c.fetchall():
        c.execute(f"ALTER INDEX {_ident(name)} RENAME TO {_ident(name[:-2])}")


def convert_to_monthly(layout: Layout, *, months_ahead: int, today: date) -> None:
    """Rebuild a plain table as a monthly-partitioned one with the same rows (a migration).

    1. Create ``<table>_partitioned`` like the table (columns, defaults, identity, checks,
       unique constraints, foreign keys, indexes), partitioned by range on the column, with
       the primary key (id, column).
    2. Create the partitions from the oldest row's month to ``months_ahead`` after today.
    3. Copy the rows, move the identity past the largest id, drop the old table (with any
       foreign key that pointed at it: to the database a partitioned table's id alone is not
       unique), and give the new table, its constraints and indexes the old names.
    4. Put the triggers back (the append-only trigger).
    """
    if connection.vendor != "postgresql" or is_partitioned(layout.table):
        return
    t, col = _ident(layout.table), _ident(layout.column)
    new = _ident(f"{layout.table}_partitioned")
    with connection.cursor() as c:
        triggers = _rebuild(c, table=t, into=new, partition_by=col, key=f"id, {col}")
        c.execute(f"SELECT min({col}), max({col}) FROM {t}")  # noqa: S608 -- names checked by _ident
        oldest, newest = (_local_date(v) for v in c.fetchone())
    ensure_months(Layout(table=new, column=layout.column, timestamptz=layout.timestamptz),
                  first=min(oldest or today, today), last=max(newest or today, _add_months(today, months_ahead)))
    with connection.cursor() as c:
        c.execute(f"INSERT INTO {new} SELECT * FROM {t}")  # noqa: S608 -- names checked by _ident
        c.execute(f"SELECT setval(pg_get_serial_sequence('{new}', 'id'), GREATEST((SELECT max(id) FROM {new}), 1))")  # noqa: S608 -- names checked by _ident
        _take_name(c, table=t, new=new)
        for part in partitions(t):
            c.execute(f"ALTER TABLE {_ident(part)} RENAME TO {_ident(part.replace(new, t, 1))}")
        for trigger in triggers:
            c.execute(trigger)


def _local_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def convert_to_plain(layout: Layout) -> None:
    """The reverse of ``convert_to_monthly``: one plain table with every attached row."""
    if connection.vendor != "postgresql" or not is_partitioned(layout.table):
        return
    t = _ident(layout.table)
    plain = _ident(f"{layout.table}_plain")
    with connection.cursor() as c:
        triggers = _rebuild(c, table=t, into=plain, partition_by=None, key="id")
        c.execute(f"INSERT INTO {plain} SELECT * FROM {t}")  # noqa: S608 -- names checked by _ident
        c.execute(f"SELECT setval(pg_get_serial_sequence('{plain}', 'id'), "  # noqa: S608 -- names checked by _ident
                  f"GREATEST((SELECT max(id) FROM {plain}), 1))")
        _take_name(c, table=t, new=plain)
        for trigger in triggers:
            c.execute(trigger)


def _add_months(d: date, n: int) -> date:
    """The first of the month ``n`` months after ``d``'s (before, when ``n`` is negative)."""
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


# --- Retention -----------------------------------------------------------------------

# Logs are kept at least six months (Cybersecurity Law, art. 21); the default is three years.
MINIMUM_RETENTION_MONTHS = 6


def months_ahead() -> int:
    """How many months of partitions exist ahead of today (DAODAO_PARTITION_MONTHS_AHEAD, 3)."""
    return int(getattr(settings, "DAODAO_PARTITION_MONTHS_AHEAD", 3))


def retention_months(setting: str) -> int:
    months = int(getattr(settings, setting, 36))
    if months < MINIMUM_RETENTION_MONTHS:
        raise ImproperlyConfigured(f"{setting} must be at least {MINIMUM_RETENTION_MONTHS} months.")
    return months


def maintain(layout: Layout, *, retention_setting: str, today: date) -> dict[str, list[str]]:
    """The nightly job for one table: create the coming months' partitions, and archive the
    months wholly older than the retention. Idempotent: a second run creates and moves nothing."""
    created = ensure_months(layout, first=today, last=_add_months(today, months_ahead()))
    keep_from = _add_months(_month(today), -retention_months(retention_setting))
    return {"created": created, "archived": retire_before(layout, before=keep_from)}
