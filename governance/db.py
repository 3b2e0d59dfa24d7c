"""Database-level guards that Django's constraints cannot express.

``SameOrganization`` is a migration operation that installs a trigger refusing a row whose
foreign key points at a row of another organization (a sub-item under another company's
measure, an org unit under another company's unit). It works on PostgreSQL and SQLite.
"""

from django.db import migrations


class SameOrganization(migrations.operations.base.Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, *, table: str, column: str, target_table: str, message: str) -> None:
        self.table = table
        self.column = column
        self.target_table = target_table
        self.message = message

    @property
    def name(self) -> str:
        return f"{self.table}_{self.column}_same_org"

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Require {self.table}.{self.column} to point into the same organization"

    def deconstruct(self):
        kwargs = {
            "table": self.table,
            "column": self.column,
            "target_table": self.target_table,
            "message": self.message,
        }
        return (self.__class__.__qualname__, [], kwargs)

    def _condition(self, row: str) -> str:
        # Identifiers come from migration files, never from users.
        target = f"SELECT t.organization_id FROM {self.target_table} t"  # noqa: S608
        return (
            f"{row}.{self.column} IS NOT NULL AND "
            f"({target} WHERE t.id = {row}.{self.column}) <> {row}.organization_id"
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        msg = self.message.replace("'", "''")
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger AS $$
                BEGIN
                    IF {self._condition("NEW")} THEN
                        RAISE EXCEPTION '{msg}' USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE INSERT OR UPDATE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();"
            )
        elif schema_editor.connection.vendor == "sqlite":
            for event in ("INSERT", "UPDATE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {self.name}_{event.lower()} BEFORE {event} ON {self.table} "
                    f"FOR EACH ROW WHEN {self._condition('NEW')} "
                    f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;"
                )
        else:  # pragma: no cover - other databases are not supported
            raise NotImplementedError(schema_editor.connection.vendor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}();")
        else:
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{event};")


class AppendOnly(migrations.operations.base.Operation):
    """Install triggers that refuse UPDATE and DELETE on ``table`` (an append-only log)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *, table: str) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return f"{self.table}_append_only"

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Make {self.table} append-only"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"table": self.table})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        message = f"{self.table} is append-only"
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();"
            )
        elif schema_editor.connection.vendor == "sqlite":
            for event in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {self.name}_{event.lower()} BEFORE {event} ON {self.table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
                )
        else:  # pragma: no cover
            raise NotImplementedError(schema_editor.connection.vendor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}();")
        else:
            for event in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{event};")


class FrozenWhen(migrations.operations.base.Operation):
    """Install triggers that refuse DELETE on ``table`` and UPDATE of a row whose current
    ``column`` is ``value`` (a finished record that must never change)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *, table: str, column: str, value: str) -> None:
        self.table = table
        self.column = column
        self.value = value

    @property
    def name(self) -> str:
        return f"{self.table}_frozen"

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Freeze rows of {self.table} once {self.column} is {self.value!r}"

    def deconstruct(self):
        kwargs = {"table": self.table, "column": self.column, "value": self.value}
        return (self.__class__.__qualname__, [], kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        # Identifiers and the value come from migration files, never from users.
        message = f"{self.table}: a row whose {self.column} is {self.value} never changes"
        frozen = f"OLD.{self.column} = '{self.value}'"
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger AS $$
                BEGIN
                    IF TG_OP = 'DELETE' OR {frozen} THEN
                        RAISE EXCEPTION '{message}'
                            USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();"
            )
        elif schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {self.name}_update BEFORE UPDATE ON {self.table} "
                f"FOR EACH ROW WHEN {frozen} BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {self.name}_delete BEFORE DELETE ON {self.table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )
        else:  # pragma: no cover
            raise NotImplementedError(schema_editor.connection.vendor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}();")
        else:
            for event in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{event};")
