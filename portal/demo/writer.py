"""Fast bulk writes for the demo generator: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of `columns` (database column names). Ids the generator must know in
advance (to link events to tickets) are reserved from the table's sequence, so a running portal
can keep inserting beside the loader.
"""

import json

from django.db import IntegrityError, connection, models

from tickets import search
from tickets.models import Ticket


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

    def restore_slow_indexes(self) -> None:
        """After it (also after a failure): build them again."""


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
        with connection.cursor() as cursor:
            cursor.execute(search.DROP_DESCRIPTION_INDEX)

    def restore_slow_indexes(self):
        with connection.cursor() as cursor:
            cursor.execute(search.CREATE_DESCRIPTION_INDEX)

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
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        json_columns = {
            f.column for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
        }
        positions = [i for i, c in enumerate(columns) if c in json_columns]
        if positions:
            rows = [_dump_json(row, positions) for row in rows]
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


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


def _dump_json(row, positions):
    row = list(row)
    for i in positions:
        row[i] = json.dumps(row[i], ensure_ascii=False) if row[i] else "{}"
    return row


def writer_for_connection() -> Writer:
    return PostgresWriter() if connection.vendor == "postgresql" else SQLiteWriter()
