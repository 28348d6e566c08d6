"""The sign-in hot path's SQL, in one place, for PostgreSQL and SQLite.

Why hand-written: ``POST /api/v1/signins/`` is the busiest endpoint (shift changes bunch
sign-ins into minutes). One statement that inserts the sign-in and bumps the venue's day
rollup took the bench from 198 to ~330 sign-ins/s on this machine (README, *Performance*):
no ORM instance building, no savepoint, one round trip. Everything else uses the ORM.

The rollup upsert is written once (``_BUMP``) and used by both databases: on PostgreSQL
inside a data-modifying CTE that reads the insert's ``RETURNING`` (so a repeat bumps
nothing, atomically without BEGIN/COMMIT); on SQLite (the demo) as a second statement in a
transaction. tests/staff/test_signin_sql.py runs both against real databases.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections, transaction

_COLUMNS = ("employment_id, venue_id, person_id, day, at, lat, lng, distance_m, far_from_venue, "
            "before_training, source, ip")
# Composed of the constants in this module only (S608 cannot tell).
_INSERT = f"""
INSERT INTO staff_signin ({_COLUMNS})
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (person_id, venue_id, day) DO NOTHING
"""  # noqa: S608
_BUMP = """
INSERT INTO staff_venueday (venue_id, day, signed_in, far_from_venue, before_training, closed, closed_reason,
                            updated_at)
{source}
ON CONFLICT (venue_id, day) DO UPDATE SET
    signed_in = staff_venueday.signed_in + 1,
    far_from_venue = staff_venueday.far_from_venue + EXCLUDED.far_from_venue,
    before_training = staff_venueday.before_training + EXCLUDED.before_training,
    updated_at = EXCLUDED.updated_at
"""
_POSTGRESQL = f"""
WITH ins AS ({_INSERT} RETURNING id, venue_id, day, at),
bump AS ({_BUMP.format(source="SELECT venue_id, day, 1, %s, %s, %s, '', at FROM ins")})
SELECT id FROM ins
"""  # noqa: S608
_SQLITE_INSERT = _INSERT + "RETURNING id"
_SQLITE_BUMP = _BUMP.format(source="VALUES (%s, %s, 1, %s, %s, %s, '', %s)")


@dataclass(frozen=True)
class SignInRow:
    employment_id: int
    venue_id: int
    person_id: int
    day: date
    at: datetime
    lat: Decimal | None
    lng: Decimal | None
    distance_m: int | None
    far_from_venue: bool
    before_training: bool
    source: str
    ip: str | None


def signin_insert(row: SignInRow, *, using: str = "default") -> int | None:
    """Insert the sign-in and bump its venue's day in the rollup, atomically.

    Returns the new sign-in's id, or None when the person already signed in at this venue
    that day (the unique key; nothing is bumped then).
    """
    connection = connections[using]
    ops = connection.ops
    at, day = ops.adapt_datetimefield_value(row.at), ops.adapt_datefield_value(row.day)
    params: list[Any] = [row.employment_id, row.venue_id, row.person_id, day, at,
              ops.adapt_decimalfield_value(row.lat, 9, 6), ops.adapt_decimalfield_value(row.lng, 9, 6),
              row.distance_m, row.far_from_venue, row.before_training, row.source, row.ip]
    counts = [int(row.far_from_venue), int(row.before_training), False]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRESQL, params + counts)
            inserted = cursor.fetchone()
        else:
            with transaction.atomic(using=using):
                cursor.execute(_SQLITE_INSERT, params)
                inserted = cursor.fetchone()
                if inserted is not None:
                    cursor.execute(_SQLITE_BUMP, [row.venue_id, day, *counts, at])
    return None if inserted is None else int(inserted[0])
