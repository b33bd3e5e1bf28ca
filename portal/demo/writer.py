"""Fast bulk writes for the demo generator: binary COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of `columns` (database column names). Ids the generator must know in
advance (to link events to tickets) are reserved from the table's sequence, so a running portal
can keep inserting beside the loader.
"""

import json
from concurrent.futures import ThreadPoolExecutor

from django.db import IntegrityError, connection, connections, models, transaction

from tickets.models import Assignment, Callback, Extension, Ticket, TicketEvent

# A large load drops these tables' secondary indexes and builds them again at the end: one sort
# per index instead of a random page update per row and index (the indexes of ten million
# tickets do not fit in shared_buffers; updating them row by row reads and writes pages at random).
BULK_MODELS = (Ticket, TicketEvent, Assignment, Extension, Callback)
# Where the dropped indexes' definitions wait, so that a load killed before its end leaves them
# to the next load (or `load_demo_city --restore-indexes`) rather than losing them.
SUSPENDED_TABLE = "demo_suspended_index"
BYTEA_OID = 17


class Writer:
    def reserve_ids(self, model, count: int) -> list[int]:
        raise NotImplementedError

    def write(self, model, columns: list[str], rows: list[tuple]) -> None:
        raise NotImplementedError

    def begin_chunk(self) -> None:
        """Called at the start of each chunk's transaction."""

    def verify(self, models_written, first_ticket_id: int) -> None:
        """Called once at the end: raise if any written row points at a missing row."""

    def suspend_slow_indexes(self) -> None:
        """Before a large load: drop indexes cheaper to rebuild than to maintain row by row."""

    def restore_slow_indexes(self, *, workers: int = 1) -> None:
        """After it (also after a failure): build them again, `workers` at a time."""


class PostgresWriter(Writer):
    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.checks_deferred = bool(cursor.fetchone()[0])

    def begin_chunk(self):
        with connection.cursor() as cursor:
            # Demo data only: a crash loses at most the last chunks, never corrupts anything.
            cursor.execute("SET LOCAL synchronous_commit = off")
            if self.checks_deferred:
                # Per-row foreign-key triggers cost two thirds of the load time; a superuser may
                # skip them (the rows are built from ids just read), and `verify` then checks
                # every foreign key of the new rows in one set-based query per table.
                cursor.execute("SET LOCAL session_replication_role = replica")

    def verify(self, models_written, first_ticket_id):
        if not self.checks_deferred:
            return
        qn = connection.ops.quote_name
        for model in models_written:
            fks = [f for f in model._meta.concrete_fields if f.is_relation]
            joins, broken = [], []
            for i, fk in enumerate(fks):
                target = fk.related_model._meta
                joins.append(
                    f"LEFT JOIN {qn(target.db_table)} r{i} "
                    f"ON r{i}.{qn(fk.target_field.column)} = t.{qn(fk.column)}"
                )
                broken.append(
                    f"(t.{qn(fk.column)} IS NOT NULL AND r{i}.{qn(fk.target_field.column)} IS NULL)"
                )
            scope = "t.id >= %s" if model is Ticket else "t.ticket_id >= %s"
            sql = (
                f"SELECT count(*) FROM {qn(model._meta.db_table)} t {' '.join(joins)} "
                f"WHERE ({scope}) AND ({' OR '.join(broken)})"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [first_ticket_id])
                (orphans,) = cursor.fetchone()
            if orphans:
                raise IntegrityError(f"{orphans} {model.__name__} rows point at missing rows")

    def suspend_slow_indexes(self):
        """Drop the bulk tables' non-unique indexes (unique ones and primary keys stay: they
        guard the data), after recording their definitions in a table of their own."""
        self.restore_slow_indexes()  # those a killed load left behind
        tables = [model._meta.db_table for model in BULK_MODELS]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {SUSPENDED_TABLE} "
                "(name text PRIMARY KEY, definition text NOT NULL, size bigint NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {SUSPENDED_TABLE} (name, definition, size) "
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), "
                "       pg_relation_size(i.indrelid) "
                "FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique "
                "  AND NOT i.indisprimary "
                "  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "RETURNING name",
                [tables],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP INDEX {name}")

    def restore_slow_indexes(self, *, workers=1):
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [SUSPENDED_TABLE])
            if cursor.fetchone()[0] is None:
                return
            # The longest builds first, so the last ones running alone are short: GIN indexes
            # (the trigram index on descriptions takes more than all B-trees of its table), then
            # by the size of their table.
            cursor.execute(
                f"SELECT name, definition FROM {SUSPENDED_TABLE} "
                "ORDER BY definition LIKE '%%USING gin%%' DESC, size DESC"
            )
            suspended = cursor.fetchall()
        if workers > 1 and not connection.in_atomic_block:
            # Several CREATE INDEX on one table may run at once (each takes a SHARE lock).
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(_build_index_in_thread, suspended))
        else:
            for item in suspended:
                _build_index(*item)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {SUSPENDED_TABLE}")

    def reserve_ids(self, model, count):
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def write(self, model, columns, rows):
        """Binary COPY: no text to format here nor to parse in the server (timestamps above
        all). JSON values are sent already encoded (`_jsonb`), declared as bytes so the driver
        passes them through; the server reads each field with the column's own type."""
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        json_columns = {
            f.column for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
        }
        positions = [i for i, c in enumerate(columns) if c in json_columns]
        if positions:
            rows = [_encode_json(row, positions) for row in rows]
        oids = self._column_oids(model._meta.db_table)
        types = [BYTEA_OID if c in json_columns else oids[c] for c in columns]
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _column_oids(self, table: str) -> dict[str, int]:
        cache = self.__dict__.setdefault("_oids", {})
        if table not in cache:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid::int FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [table],
                )
                cache[table] = dict(cursor.fetchall())
        return cache[table]


def _build_index(name: str, definition: str) -> None:
    # One transaction, so that behind PgBouncer in transaction mode the setting and the build
    # run on the same server connection.
    with transaction.atomic(), connection.cursor() as cursor:
        # A sort in memory rather than in temporary files; PostgreSQL adds its parallel workers
        # (max_parallel_maintenance_workers) for the large B-trees.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        cursor.execute(f"DELETE FROM {SUSPENDED_TABLE} WHERE name = %s", [name])


def _build_index_in_thread(item) -> None:
    try:
        _build_index(*item)
    finally:
        connections.close_all()  # this thread's own connection


class SQLiteWriter(Writer):
    def __init__(self):
        self._next: dict[str, int] = {}

    def reserve_ids(self, model, count):
        table = model._meta.db_table
        if table not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
                self._next[table] = cursor.fetchone()[0] + 1
        first = self._next[table]
        self._next[table] = first + count
        return list(range(first, first + count))

    def write(self, model, columns, rows):
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        # Raw SQL bypasses the ORM's adaptation: let each field prepare its value.
        by_column = {f.column: f for f in model._meta.concrete_fields}
        fields = [by_column[c] for c in columns]
        prepared = [
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", prepared)


_JSONB_VERSION = b"\x01"  # jsonb's binary input: a version byte, then the JSON text
_json_cache: dict = {}


def _jsonb(value) -> bytes:
    """`value` as jsonb's binary input. The generator's small dicts repeat ({}, the same
    callback verdicts), so most are encoded once."""
    if not value:
        return b"\x01{}"
    try:
        key = tuple(value.items())
        encoded = _json_cache.get(key)
    except TypeError:  # unhashable values
        key, encoded = None, None
    if encoded is None:
        encoded = _JSONB_VERSION + json.dumps(value, ensure_ascii=False).encode()
        if key is not None and len(_json_cache) < 10_000:
            _json_cache[key] = encoded
    return encoded


def _encode_json(row, positions):
    row = list(row)
    for i in positions:
        row[i] = _jsonb(row[i])
    return row


def writer_for_connection() -> Writer:
    return PostgresWriter() if connection.vendor == "postgresql" else SQLiteWriter()
