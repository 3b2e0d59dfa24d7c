"""The trigger that keeps ``LatestEvent``: each measure's latest status event.

On every INSERT into the status events (append-only: never updated or deleted), the
measure's pointer moves to the new event when it comes later in the timeline, ordered by
effective date, then entry time, then id (the order the as-of reading uses). An event
back-dated before the latest one leaves the pointer where it is. The services hold the
measure's row lock while they write its events, so two writers of one timeline never race.

SQLite drops a table's triggers when a migration rebuilds it: a migration that alters the
status events table must run ``KeepLatestEvent`` again (or the pointers go stale without an
error), and one that alters ``measures_latestevent`` must drop the trigger first (the
rebuild fails while the trigger names the table) and run ``KeepLatestEvent`` after.
"""

from django.db import migrations

EVENTS = "measures_statusevent"
LATEST = "measures_latestevent"
NAME = "measures_statusevent_keep_latest"

# Fixed table names only: no value is ever formatted into these statements.
_COLUMNS = "measure_id, event_id, status, effective_on_date, recorded_at"
_UPSERT = (
    f"INSERT INTO {LATEST} ({_COLUMNS}) "  # noqa: S608
    "VALUES (NEW.measure_id, NEW.id, NEW.status, NEW.effective_on_date, NEW.recorded_at) "
    "ON CONFLICT (measure_id) DO UPDATE SET event_id = excluded.event_id, "
    "status = excluded.status, effective_on_date = excluded.effective_on_date, "
    "recorded_at = excluded.recorded_at "
    "WHERE (excluded.effective_on_date, excluded.recorded_at, excluded.event_id) > "
    f"({LATEST}.effective_on_date, {LATEST}.recorded_at, {LATEST}.event_id);"
)

# The pointers for events recorded before the trigger existed.
_FILL = f"""
    INSERT INTO {LATEST} ({_COLUMNS})
    SELECT measure_id, id, status, effective_on_date, recorded_at FROM (
        SELECT measure_id, id, status, effective_on_date, recorded_at, ROW_NUMBER() OVER (
            PARTITION BY measure_id ORDER BY effective_on_date DESC, recorded_at DESC, id DESC
        ) AS n
        FROM {EVENTS}
    ) ranked WHERE n = 1
    ON CONFLICT (measure_id) DO NOTHING
"""  # noqa: S608 - fixed table names


class KeepLatestEvent(migrations.operations.base.Operation):
    """Install (or reinstall) the trigger and fill the pointers of existing events."""

    reversible = True
    reduces_to_sql = True

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Keep {LATEST} on every insert into {EVENTS}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$
                BEGIN
                    {_UPSERT}
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {EVENTS};")
            schema_editor.execute(
                f"CREATE TRIGGER {NAME} AFTER INSERT ON {EVENTS} "
                f"FOR EACH ROW EXECUTE FUNCTION {NAME}();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME};")
            schema_editor.execute(
                f"CREATE TRIGGER {NAME} AFTER INSERT ON {EVENTS} FOR EACH ROW BEGIN {_UPSERT} END;"
            )
        else:  # pragma: no cover - other databases are not supported
            raise NotImplementedError(vendor)
        schema_editor.execute(_FILL)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {EVENTS};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {NAME}();")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME};")
