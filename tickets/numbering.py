"""Ticket numbers and access codes.

A number is the local (Asia/Shanghai) date of submission and a per-day sequence:
`20261126000123`. Numbers are unique, sort by date, and are easy to read out on the phone.
The sequence is taken in its own short transaction (an upsert), so concurrent submissions do not
queue behind one another's transactions; a failed submission leaves a gap, which is harmless.
On PostgreSQL that transaction commits without waiting for its WAL flush: the ticket's own
(synchronous) commit flushes the WAL up to and including it, so a number a stored ticket carries
is never reissued after a crash, and a number lost in a crash was never given to a ticket.
The access code is a separate random secret the resident needs to track the ticket publicly.
"""

import secrets
from datetime import date, datetime

from django.db import connection, transaction

from .models import TicketNumberCounter
from .sla import SHANGHAI

SEQUENCE_DIGITS = 6
# No 0/O, 1/I/L: the code is read aloud and typed from SMS.
ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ACCESS_CODE_LENGTH = 8


def allocate(day: date, count: int = 1) -> range:
    """Reserve `count` consecutive sequence numbers for `day`; returns them."""
    table = connection.ops.quote_name(TicketNumberCounter._meta.db_table)
    upsert = (
        f"INSERT INTO {table} (day, last) VALUES (%s, %s) "
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + excluded.last "
        "RETURNING last"
    )
    if _one_round_trip_possible():
        last = _allocate_in_one_round_trip(upsert, day, count)
    else:
        # Inside a caller's transaction (SET LOCAL would relax the caller's commit too), or on
        # SQLite: an ordinary (savepoint or) transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(upsert, [day, count])
            (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def _one_round_trip_possible() -> bool:
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    )


def _allocate_in_one_round_trip(upsert: str, day: date, count: int) -> int:
    """Our own transaction, sent as one simple query (psycopg's client-side binding cursor
    allows several statements): begin, skip the flush wait, upsert, commit. Its results are
    BEGIN, SET, the upsert's row and COMMIT, in that order."""
    from psycopg.pq import TransactionStatus

    with connection.cursor() as cursor:
        try:
            cursor.execute(
                f"BEGIN; SET LOCAL synchronous_commit TO OFF; {upsert}; COMMIT", [day, count]
            )
            cursor.nextset()
            cursor.nextset()
            (last,) = cursor.fetchone()
        except Exception:
            # A failed statement leaves the rest of the string unrun, in an aborted transaction.
            if connection.connection.info.transaction_status != TransactionStatus.IDLE:
                cursor.execute("ROLLBACK")
            raise
    return last


def format_number(day: date, sequence: int) -> str:
    return f"{day:%Y%m%d}{sequence:0{SEQUENCE_DIGITS}d}"


def next_number(at: datetime) -> str:
    day = at.astimezone(SHANGHAI).date()
    (sequence,) = allocate(day)
    return format_number(day, sequence)


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def access_code_matches(ticket_code: str, given: str) -> bool:
    given = (given or "").strip().upper()
    return secrets.compare_digest(ticket_code.encode(), given.encode())
