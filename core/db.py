"""Database-level guards that Django's constraints cannot express, as migration operations
that install triggers on PostgreSQL and SQLite:

- ``SameOrganization`` refuses a row whose foreign key points at a row of another
  organization (a sub-item under another company's measure, a unit under another's unit);
- ``AppendOnly`` refuses UPDATE and DELETE (the audit log, status events);
- ``FrozenWhen`` refuses DELETE, and UPDATE of a row in a final state (finished reports).

Identifiers, values and messages come from migration files, never from users.

And ``copy_rows``, for writes of a hundred thousand rows.
"""

from collections.abc import Iterable

from django.db import connection, migrations, models


class _Trigger(migrations.operations.base.Operation):
    """One trigger function on PostgreSQL, one trigger per event on SQLite. Installing
    replaces what is there (SQLite drops a table's triggers when a migration rebuilds it, so an
    operation may have to run again after such a change)."""

    reversible = True
    reduces_to_sql = True
    events: tuple[str, ...] = ()  # e.g. ("INSERT", "UPDATE")

    def __init__(self, **kwargs) -> None:
        self._kwargs = kwargs
        for key, value in kwargs.items():
            setattr(self, key, value)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], dict(self._kwargs))

    def state_forwards(self, app_label, state):
        pass

    @property
    def name(self) -> str:
        raise NotImplementedError

    def refusal(self) -> tuple[str, str | None]:
        """(message, condition on NEW/OLD or None for always) for every event."""
        raise NotImplementedError

    def sqlite_condition(self, event: str) -> str | None:
        """The WHEN clause of the SQLite trigger for ``event`` (None: always)."""
        return self.refusal()[1]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        message, condition = self.refusal()
        message = message.replace("'", "''")
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            test = condition or "TRUE"
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger AS $$
                BEGIN
                    IF {test} THEN
                        RAISE EXCEPTION '{message}'
                            USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};")
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE {' OR '.join(self.events)} ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();"
            )
        elif vendor == "sqlite":
            for event in self.events:
                when = self.sqlite_condition(event)
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{event.lower()};")
                schema_editor.execute(
                    f"CREATE TRIGGER {self.name}_{event.lower()} BEFORE {event} ON {self.table} "
                    + "FOR EACH ROW "
                    + (f"WHEN {when} " if when else "")
                    + f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
                )
        else:  # pragma: no cover - other databases are not supported
            raise NotImplementedError(vendor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}();")
        else:
            for event in self.events:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{event.lower()};")


class SameOrganization(_Trigger):
    events = ("INSERT", "UPDATE")

    def __init__(self, *, table: str, column: str, target_table: str, message: str) -> None:
        super().__init__(table=table, column=column, target_table=target_table, message=message)

    @property
    def name(self) -> str:
        return f"{self.table}_{self.column}_same_org"

    def describe(self):
        return f"Require {self.table}.{self.column} to point into the same organization"

    def refusal(self) -> tuple[str, str]:
        target = f"SELECT t.organization_id FROM {self.target_table} t"  # noqa: S608
        condition = (
            f"NEW.{self.column} IS NOT NULL AND "
            f"({target} WHERE t.id = NEW.{self.column}) <> NEW.organization_id"
        )
        return self.message, condition


class AppendOnly(_Trigger):
    """Refuse UPDATE and DELETE on ``table`` (an append-only log)."""

    events = ("UPDATE", "DELETE")

    def __init__(self, *, table: str) -> None:
        super().__init__(table=table)

    @property
    def name(self) -> str:
        return f"{self.table}_append_only"

    def describe(self):
        return f"Make {self.table} append-only"

    def refusal(self) -> tuple[str, None]:
        return f"{self.table} is append-only", None


class FrozenWhen(_Trigger):
    """Refuse DELETE on ``table`` and UPDATE of a row whose current ``column`` is ``value``
    (a finished record that must never change)."""

    events = ("UPDATE", "DELETE")

    def __init__(self, *, table: str, column: str, value: str) -> None:
        super().__init__(table=table, column=column, value=value)

    @property
    def name(self) -> str:
        return f"{self.table}_frozen"

    def describe(self):
        return f"Freeze rows of {self.table} once {self.column} is {self.value!r}"

    def refusal(self) -> tuple[str, str]:
        message = f"{self.table}: a row whose {self.column} is {self.value} never changes"
        return message, f"TG_OP = 'DELETE' OR OLD.{self.column} = '{self.value}'"

    def sqlite_condition(self, event: str) -> str | None:
        return f"OLD.{self.column} = '{self.value}'" if event == "UPDATE" else None


def copy_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (values of ``fields``, in that order, ready for the database: ids for
    foreign keys, explicit timestamps) into ``model``'s table.

    On PostgreSQL with ``COPY``: Django's bulk insert sends arrays that psycopg quotes
    element by element on the client (3.2 s for the sweep's 92,797 notifications; COPY
    0.3 s). Elsewhere with ``bulk_create``. No signals, no ``save()``, no history: for rows
    that have none (notifications). Not counted by Django's query log."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    from psycopg import sql

    columns = [model._meta.get_field(name).column for name in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    # Through Django's wrapper of database errors, as its own statements: a broken
    # constraint is django.db.IntegrityError, not psycopg's own.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)
